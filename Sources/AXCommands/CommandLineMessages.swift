import AXLicensing
import AXLicensingService
import AXModel
import AXReading
import AXState

/// The command line's wording of the libraries' errors. A library says what went wrong and with which input; only
/// this layer knows the flag that supplies the input, so only it tells the user which flag to use.
enum CommandLineMessages {
    /// The option that names `input`.
    static func flag(for input: InputKind) -> String {
        switch input {
        case .metadata: "--metadata"
        case .skuMap: "--sku-map"
        case .skuCatalog: "--skus"
        case .users: "--users"
        case .entitlements: "--entitlements"
        case .assignedLicenses: "--assigned"
        case .objectLicenses: "--object-licenses"
        case .systemUsers: "--system-users"
        }
    }

    /// The one-line message for `error`; `metadataFlag` is the option that named the metadata folder (diff has two), and
    /// `flags` the options a command names an input by where they differ from `flag(for:)` (`reconcile --ppac`).
    static func message(for error: any Error, metadataFlag: String = "--metadata", flags: [InputKind: String] = [:]) -> String {
        switch error {
        case let error as InputError:
            if case .outsideWorkspace(_, let target, let input) = error {
                return "\(error.description); pass \(flags[input] ?? flag(for: input)) \(target) to read it"
            }
            guard case .missing(let path, let input) = error else { return error.description }
            let flag = flags[input] ?? flag(for: input)
            return "\(path): error: \(input.what) not found; pass it with \(flag)"
                + (input.hasWorkspaceConvention ? " (or put it at this path in the --workspace folder)" : "")
        case let error as WorkspaceError:
            switch error {
            case .input(let input):
                return message(for: input, flags: flags)
            case .metadataFolder(let folder):
                return "\(folder); pass the metadata folder with \(metadataFlag)"
                    + (metadataFlag == "--metadata" ? " (or put it at Metadata/ in the --workspace folder)" : "")
            case .metadataErrors:
                return "\(error.description); fix them, or pass --keep-going to analyse the rest and mark the result incomplete"
            }
        case let error as LookupError:
            guard case .ambiguous = error else { return error.description }
            return "\(error.description); choose one with --type role|duty|privilege"
        case let error as WhatIfError:
            switch error {
            case .lookup(let lookup): return message(for: lookup)
            case .noChange: return "nothing to change: give at least one --add-… or --remove-… option"
            default: return error.description
            }
        case let error as StateStoreError:
            return error.description + stateAdvice(error)
        case let error as LicensingServiceError:
            switch error {
            case .notRegistered:
                return "axlicense: error: this workspace is not registered with a licensing service; run "
                    + "`axlicense license register --endpoint URL --tenant-id ID --environment-id ID` (with the same --workspace or --db)"
            case .tokenExpired:
                return "axlicense: error: " + error.statusMessage.replacingOccurrences(of: "; register again", with: "; run `axlicense license register` again")
            case .invalidEndpoint(let endpoint, let reason):
                return "axlicense: error: --endpoint '\(endpoint)' \(reason)"
            case .invalidRegistration(let field, let reason):
                return "axlicense: error: --\(field.replacingOccurrences(of: " ", with: "-")) \(reason)"
            case .timedOut:
                return "axlicense: error: " + error.statusMessage + "; raise --timeout if the service is slow"
            case .state(let state):
                return message(for: state)
            case .tokenFile:
                return error.description
            default:
                return "axlicense: error: " + error.statusMessage
            }
        default:
            return "\(error)"
        }
    }

    /// What to do about a state database that cannot be used.
    private static func stateAdvice(_ error: StateStoreError) -> String {
        switch error {
        case .notAnAxlicenseDatabase, .cannotOpen: " Choose another file with --db, or run with --no-db"
        case .corrupt, .unreadable: " Move it aside, choose another file with --db, or run with --no-db"
        case .newerVersion: " Upgrade axlicense, or choose another file with --db (or run with --no-db)"
        case .failed: ""
        }
    }
}
