/// Where a run's inputs are: by workspace convention, each overridable on its own.
///
/// A workspace folder `DIR` means `DIR/Metadata/`, `DIR/LicensingServicePlansPrivilege.json` and `DIR/users.csv`.
public struct WorkspacePaths: Sendable, Hashable {
    public var metadata: String
    public var skuMap: String
    public var users: String
    /// True when the users file was named explicitly (then it must exist).
    public var usersGivenExplicitly: Bool
    /// The catalog file, or nil for the built-in `Data/skus.json`.
    public var skuCatalog: String?
    /// The users CSV separator, or nil to detect it from the header.
    public var csvDelimiter: UnicodeScalar?

    /// The conventional file names inside a workspace folder.
    public enum Convention {
        public static let metadata = "Metadata"
        public static let skuMap = "LicensingServicePlansPrivilege.json"
        public static let users = "users.csv"
        public static let entitlements = "entitlements.json"
    }

    /// The workspace folder itself.
    public var workspace: String

    /// A file or folder inside the workspace.
    public func inside(_ name: String) -> String { workspace.hasSuffix("/") ? workspace + name : workspace + "/" + name }

    /// Resolves paths: explicit ones win, the rest come from `workspace`.
    public init(workspace: String = ".", metadata: String? = nil, skuMap: String? = nil, users: String? = nil, skuCatalog: String? = nil, csvDelimiter: UnicodeScalar? = nil) {
        self.csvDelimiter = csvDelimiter
        func inside(_ name: String) -> String { workspace.hasSuffix("/") ? workspace + name : workspace + "/" + name }
        self.workspace = workspace
        self.metadata = metadata ?? inside(Convention.metadata)
        self.skuMap = skuMap ?? inside(Convention.skuMap)
        self.users = users ?? inside(Convention.users)
        self.usersGivenExplicitly = users != nil
        self.skuCatalog = skuCatalog
    }
}
