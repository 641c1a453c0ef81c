import AXCompliance
import AXLicensing
import AXReading
import Foundation

/// Where the License View's two sides come from: the used side is the workspace's estimate (metadata, SKU map,
/// users), the purchased side the products given to `view(purchased:)`, or the workspace's entitlements file.
public struct LicenseViewSource: Sendable {
    /// The workspace inputs, as every command reads them.
    public var paths: WorkspacePaths
    /// The licensing method; nil chooses by what the workspace holds, as every command does.
    public var method: MethodSelection?
    /// The purchased-licenses JSON used when no refreshed licenses are given (default: the workspace's entitlements.json).
    public var entitlements: String?
    /// The date expiry is judged against; nil is today (UTC) at each computation.
    public var today: CalendarDate?

    public init(paths: WorkspacePaths, method: MethodSelection? = nil, entitlements: String? = nil, today: CalendarDate? = nil) {
        self.paths = paths
        self.method = method
        self.entitlements = entitlements
        self.today = today
    }

    /// The entitlements file this source reads when no refreshed licenses are given.
    public var entitlementsPath: String { entitlements ?? paths.inside(WorkspacePaths.Convention.entitlements) }

    /// Why the License View cannot be computed: says which input and what is wrong, in the library's words.
    public enum Problem: Error, Sendable, CustomStringConvertible {
        /// The workspace (metadata, SKU map, users) cannot be read.
        case workspace(WorkspaceError)
        /// The entitlements file cannot be read.
        case entitlements(InputError)
        /// Neither refreshed licenses nor an entitlements file.
        case noPurchasedLicenses(entitlements: String)

        public var description: String {
            switch self {
            case .workspace(let error): "The workspace cannot be read: \(error)"
            case .entitlements(let error): "The purchased licenses cannot be read: \(error)"
            case .noPurchasedLicenses(let path):
                "No purchased licenses: refresh them from the licensing service (Refresh licenses) or write \(path)."
            }
        }
    }

    /// A License View and the licensing method its used counts come from (`legacy` or `objects`, as telemetry names it).
    public struct Computed: Sendable {
        public var view: LicenseView
        public var licenseModel: String
    }

    /// Reads the workspace and judges its estimate against `purchased` (refreshed licenses, whose installed versions
    /// come from the entitlements file when it has them: the service knows what was bought, not what is installed) or,
    /// when nil, against the entitlements file.
    public func view(purchased: [ProductEntitlement]?) throws(Problem) -> Computed {
        let day = today ?? CalendarDate.today()
        let workspace: LoadedWorkspace
        do {
            workspace = try LoadedWorkspace.load(paths, users: .required, keepGoing: false, method: method)
        } catch {
            throw .workspace(error)
        }
        let estimate = workspace.engine.estimate(workspace.users!)
        let licenseModel = workspace.method.primary.rawValue
        let path = entitlementsPath
        let fileExists = FileManager.default.fileExists(atPath: path)
        do throws(InputError) {
            if entitlements == nil && fileExists { try paths.requireInside(path, input: .entitlements) }
            if let purchased {
                let joined = try LicenseCheck.refreshedProducts(purchased, installedFrom: fileExists ? path : nil, catalog: workspace.engine.catalog)
                let check = try LicenseCheck.run(products: joined.products, source: "refreshed licenses", readDiagnostics: joined.diagnostics, assigned: nil,
                                                 engine: workspace.engine, estimate: estimate, today: day, delimiter: nil)
                return Computed(view: check.view, licenseModel: licenseModel)
            }
            guard entitlements != nil || fileExists else { throw InputError.missing(path: path, input: .entitlements) }
            return Computed(view: try LicenseCheck.run(entitlements: path, assigned: nil, engine: workspace.engine, estimate: estimate, today: day, delimiter: nil).view,
                            licenseModel: licenseModel)
        } catch {
            if case .missing = error, entitlements == nil { throw .noPurchasedLicenses(entitlements: path) }
            throw .entitlements(error)
        }
    }
}
