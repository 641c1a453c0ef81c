import AXCompliance
import AXLicensingService
import AXLicensing
import AXModel
import AXReading
import AXReports
import AXState
import ArgumentParser
import Foundation

/// The exit statuses documented in `axlicense --help`.
enum ExitStatus {
    static let inputError = ExitCode(1)
    static let strictWarnings = ExitCode(2)
    static let licenseNotification = ExitCode(3)
}

/// The steps every command shares: load inputs, report diagnostics, write output, choose the exit status.
enum CommandRunner {
    /// Loads the workspace; on failure prints what went wrong and exits 1.
    /// Loads the workspace under the method `--method` asks for (default: chosen by what the workspace holds).
    static func loadWorkspace(_ inputs: InputOptions, _ analysis: AnalysisOptions, users: UsersRequirement) throws -> LoadedWorkspace {
        try requireWorkspaceFolder(inputs.workspace)
        var progress: (@Sendable (Int, Int) -> Void)?
        if !analysis.quiet && isatty(STDERR_FILENO) == 1 {
            progress = { (done: Int, total: Int) in
                let end = done == total ? "\n" : ""
                Console.error(raw: "\rReading metadata: \(done) / \(total) files\(end)")
            }
        }
        do {
            let workspace = try LoadedWorkspace.load(inputs.paths, users: users, keepGoing: analysis.keepGoing, method: inputs.method, progress: progress)
            ExitWithoutTeardown.keep(workspace)
            return workspace
        } catch {
            if case .metadataErrors(let errors) = error { printDiagnostics(errors, quiet: analysis.quiet) }
            printError(error)
            throw ExitStatus.inputError
        }
    }

    /// Prints diagnostics, writes `text`, and ends with the status a policy failure (3) or `--strict` (2) asks for.
    static func finish(text: String, diagnostics: [Diagnostic], analysis: AnalysisOptions, output: OutputOptions, protecting inputs: [ProtectedInput],
                       policyFailure: String? = nil) throws {
        printDiagnostics(diagnostics, quiet: analysis.quiet)
        try write(text, output: output, protecting: inputs)
        try endStatus(diagnostics: diagnostics, analysis: analysis, policyFailure: policyFailure)
    }

    /// Ends with status 3 for a policy failure, 2 for warnings under `--strict`, else returns (status 0).
    static func endStatus(diagnostics: [Diagnostic], analysis: AnalysisOptions, policyFailure: String? = nil) throws {
        if let policyFailure {
            printError("axlicense: \(policyFailure)")
            throw ExitStatus.licenseNotification
        }
        if analysis.strict && diagnostics.contains(where: { $0.severity == .warning }) {
            printError("axlicense: --strict: \(diagnostics.severityCounts.warnings) warning(s)")
            throw ExitStatus.strictWarnings
        }
    }

    /// Writes a report to `--output` atomically, or to standard output.
    static func write<Format>(_ text: String, output: ReportOutputOptions<Format>, protecting inputs: [ProtectedInput]) throws {
        try write([(OutputText.bytes(text), output.output)], protecting: inputs)
    }

    /// Writes each output to its path atomically, or to standard output when the path is nil or `-`. Every path is checked
    /// first (not a folder, not one of `inputs`), so a refused one leaves every file as it was; a failure ends the run
    /// with status 1.
    static func write(_ outputs: [(data: Data, path: String?)], protecting inputs: [ProtectedInput]) throws {
        do {
            for case let (_, path?) in outputs where !OutputOptions.isStandardOutput(path) { try OutputWriter.check(path, protecting: inputs) }
            for output in outputs {
                guard let path = output.path, !OutputOptions.isStandardOutput(path) else {
                    try Console.output(output.data)
                    continue
                }
                try OutputWriter.write(output.data, to: path, protecting: inputs)
            }
        } catch let error as OutputWriteError {
            printError(error)
            throw ExitStatus.inputError
        }
    }

    /// The License View of `estimate` and, with `--assigned` (or, when `picksUpAssigned`, the workspace's
    /// `assigned-licenses.csv`), the over/under review, with their diagnostics; assigned licenses are matched to users
    /// through the SystemUsers export when there is one. The purchased side is `--entitlements` when given; else the
    /// licensing service's last refresh when `store` holds one (with the installed versions of `entitlements.json`, when
    /// present); else `entitlements.json`.
    /// Nil when there are no purchased licenses and `required` is false; any unreadable input ends the run with status 1.
    static func licenseCheck(_ purchased: PurchasedLicenseOptions, inputs: InputOptions, workspace: LoadedWorkspace, estimate: LicenseEstimate,
                             required: Bool, store: StateStore? = nil, quiet: Bool = false, picksUpAssigned: Bool = false) throws -> LicenseCheck? {
        let path = purchased.entitlements ?? inputs.paths.inside(WorkspacePaths.Convention.entitlements)
        let conventionalAssigned = inputs.paths.inside(WorkspacePaths.Convention.assignedLicenses)
        let assigned = purchased.assigned ?? (picksUpAssigned && FileManager.default.fileExists(atPath: conventionalAssigned) ? conventionalAssigned : nil)
        let service = purchased.entitlements == nil ? try store.flatMap { store in try serviceLicenses(store) } : nil
        let fileExists = FileManager.default.fileExists(atPath: path)
        guard required || fileExists || service != nil else {
            if purchased.assigned != nil {
                printError("axlicense: error: --assigned needs purchased licenses: \(path) does not exist; pass --entitlements FILE")
                throw ExitStatus.inputError
            }
            return nil
        }
        do {
            if purchased.entitlements == nil && (fileExists || service == nil) {
                try inputs.paths.requireInside(path, input: .entitlements)
            }
            if purchased.assigned == nil, let assigned {
                try inputs.paths.requireInside(assigned, input: .assignedLicenses)
            }
            guard let service else {
                return try LicenseCheck.run(entitlements: path, assigned: assigned, engine: workspace.engine, estimate: estimate,
                                            today: purchased.day, delimiter: inputs.csvDelimiter, systemUsers: workspace.systemUsers)
            }
            var (products, diagnostics) = try LicenseCheck.refreshedProducts(service.licenses.entitlements(), installedFrom: fileExists ? path : nil,
                                                                              catalog: workspace.engine.catalog)
            let source = "licensing service \(service.licenses.endpoint)"
            if let stale = service.staleness {
                diagnostics.append(Diagnostic(.warning, .staleLicenses, stale, at: SourceLocation(file: source)))
            } else if !quiet {
                Console.error("axlicense: purchased licenses from the \(source) (Last license check \(service.licenses.ageText(now: Date())))")
            }
            return try LicenseCheck.run(products: products, source: source, readDiagnostics: diagnostics,
                                        assigned: assigned, engine: workspace.engine, estimate: estimate, today: purchased.day,
                                        delimiter: inputs.csvDelimiter, systemUsers: workspace.systemUsers)
        } catch {
            printError(error)
            throw ExitStatus.inputError
        }
    }

    /// The licensing service's last refreshed licenses in `store`, and, when the latest call failed, why they may be out
    /// of date; nil when no refresh has succeeded.
    private static func serviceLicenses(_ store: StateStore) throws -> (licenses: ServicePurchasedLicenses, staleness: String?)? {
        do {
            guard let licenses = try ServicePurchasedLicenses.load(from: store) else { return nil }
            let registration = try store.serviceRegistration()
            guard let registration, registration.status != .registered else { return (licenses, nil) }
            return (licenses, "the licensing service's latest call failed (\(registration.status.rawValue): \(registration.statusMessage)); "
                    + "using the licenses of the Last license check, \(licenses.ageText(now: Date())); run `axlicense license refresh`")
        } catch {
            printError(error)
            throw ExitStatus.inputError
        }
    }

    /// Ends the run with status 1 when the `--workspace` folder does not exist or is not a folder: a mistyped path is
    /// said as such, rather than as each input missing from it (or a state database made there).
    static func requireWorkspaceFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            printError("\(path): error: no such folder; check the path given with --workspace")
            throw ExitStatus.inputError
        }
        guard isFolder.boolValue else {
            printError("\(path): error: not a folder; --workspace names the folder that holds Metadata/ and the other inputs")
            throw ExitStatus.inputError
        }
    }

    /// Runs a state-database operation; a failure is printed and ends the run with status 1.
    static func state<T>(_ body: () throws(StateStoreError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            printError(error)
            throw ExitStatus.inputError
        }
    }

    static func printDiagnostics(_ diagnostics: [Diagnostic], quiet: Bool) {
        let shown = quiet ? diagnostics.filter { $0.severity == .error } : diagnostics
        guard !shown.isEmpty else { return }
        Console.error(TerminalDiagnostics.lines(shown, fullListHint: "--format json for all").joined(separator: "\n"))
    }

    /// Prints an error of a library in the command line's words (naming the flag that supplies the input at fault).
    static func printError(_ error: any Error) {
        printError(CommandLineMessages.message(for: error))
    }

    static func printError(_ message: String) {
        Console.error(message.hasPrefix("axlicense") || message.contains(": error: ") ? message : "axlicense: error: " + message)
    }
}
