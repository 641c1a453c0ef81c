import Foundation

/// Where a run's inputs are: by workspace convention, each overridable on its own.
///
/// A workspace folder `DIR` means `DIR/Metadata/`, `DIR/LicensingServicePlansPrivilege.json` (or its `.csv` export)
/// and `DIR/users.csv`, and `DIR/ObjectLicenses/`, `DIR/system-users.csv` and `DIR/skus.json` when they exist.
public struct WorkspacePaths: Sendable, Hashable {
    public var metadata: String
    public var skuMap: String
    public var users: String
    /// True when the users file was named explicitly (then it must exist).
    public var usersGivenExplicitly: Bool
    /// True when the metadata folder was named explicitly (an option, a `git:` tree), not found by convention.
    public var metadataGivenExplicitly: Bool
    /// True when the SKU map was named explicitly, not found by convention.
    public var skuMapGivenExplicitly: Bool
    /// The catalog file: the path given, else the workspace's `skus.json` when it exists (a workspace's own prices),
    /// else nil for the built-in `Data/skus.json`.
    public var skuCatalog: String?
    /// True when the catalog was named explicitly, not found in the workspace.
    public var skuCatalogGivenExplicitly: Bool
    /// The users CSV separator, or nil to detect it from the header.
    public var csvDelimiter: UnicodeScalar?
    /// The object-license data (a Security object licenses export or a folder, `ObjectLicenseReader`): the path given,
    /// else the workspace's `ObjectLicenses` when it exists, else nil (no per-object data: an optional input).
    public var objectLicenses: String?
    /// True when the object-license data was named explicitly, not found by convention.
    public var objectLicensesGivenExplicitly: Bool
    /// Reference metadata folders layered under `metadata`, in order, as named explicitly; nil when none were named,
    /// so the workspace's `axlicense.json` decides (`resolvedReferences()`).
    public var references: [String]?
    /// The SystemUsers export (user id, enabled, e-mail, Entra object id): the path given, else the workspace's
    /// `system-users.csv` when it exists, else nil (an optional input).
    public var systemUsers: String?
    /// True when the SystemUsers export was named explicitly, not found by convention.
    public var systemUsersGivenExplicitly: Bool

    /// The conventional file names inside a workspace folder.
    public enum Convention {
        public static let metadata = "Metadata"
        public static let skuMap = "LicensingServicePlansPrivilege.json"
        public static let users = "users.csv"
        public static let entitlements = "entitlements.json"
        public static let objectLicenses = "ObjectLicenses"
        public static let systemUsers = "system-users.csv"
        public static let skuCatalog = "skus.json"
        public static let assignedLicenses = "assigned-licenses.csv"
        /// The SKU map as a CSV export of the table, read when the JSON file is not there.
        public static let skuMapCSV = "LicensingServicePlansPrivilege.csv"
    }

    /// The workspace folder itself.
    public var workspace: String

    /// A file or folder inside the workspace.
    public func inside(_ name: String) -> String { workspace.hasSuffix("/") ? workspace + name : workspace + "/" + name }

    /// Resolves paths: explicit ones win, the rest come from `workspace`.
    public init(workspace: String = ".", metadata: String? = nil, skuMap: String? = nil, users: String? = nil, skuCatalog: String? = nil, csvDelimiter: UnicodeScalar? = nil,
                objectLicenses: String? = nil, systemUsers: String? = nil, references: [String]? = nil) {
        self.csvDelimiter = csvDelimiter
        self.references = references
        func inside(_ name: String) -> String { workspace.hasSuffix("/") ? workspace + name : workspace + "/" + name }
        self.workspace = workspace
        self.metadata = metadata ?? inside(Convention.metadata)
        // The JSON file by convention; its CSV export when only that is there.
        let conventionalSkuMap = inside(Convention.skuMap), conventionalSkuMapCSV = inside(Convention.skuMapCSV)
        self.skuMap = skuMap ?? (!FileManager.default.fileExists(atPath: conventionalSkuMap) && FileManager.default.fileExists(atPath: conventionalSkuMapCSV)
            ? conventionalSkuMapCSV : conventionalSkuMap)
        self.users = users ?? inside(Convention.users)
        self.usersGivenExplicitly = users != nil
        self.metadataGivenExplicitly = metadata != nil
        self.skuMapGivenExplicitly = skuMap != nil
        let conventionalCatalog = inside(Convention.skuCatalog)
        self.skuCatalog = skuCatalog ?? (FileManager.default.fileExists(atPath: conventionalCatalog) ? conventionalCatalog : nil)
        self.skuCatalogGivenExplicitly = skuCatalog != nil
        let conventionalObjectLicenses = inside(Convention.objectLicenses)
        self.objectLicenses = objectLicenses ?? (FileManager.default.fileExists(atPath: conventionalObjectLicenses) ? conventionalObjectLicenses : nil)
        self.objectLicensesGivenExplicitly = objectLicenses != nil
        let conventionalSystemUsers = inside(Convention.systemUsers)
        self.systemUsers = systemUsers ?? (FileManager.default.fileExists(atPath: conventionalSystemUsers) ? conventionalSystemUsers : nil)
        self.systemUsersGivenExplicitly = systemUsers != nil
    }

    /// The reference folders of the run: those named explicitly, else those of the workspace's `axlicense.json`
    /// (relative to the workspace), else none; each checked by `ReferenceFolder.problem` against the metadata tree.
    /// An entry of `axlicense.json` that is not a usable folder is an error naming the file and the entry (a CI job
    /// whose reference download failed must stop, not report "no license impact"). A folder named explicitly that
    /// is missing is left to the metadata loader, which names it; one that is the tree, inside it, or a link loop is
    /// refused here.
    public func resolvedReferences() throws(InputError) -> [String] {
        if let references {
            for reference in references {
                guard let problem = ReferenceFolder.problem(reference, tree: metadata) else { continue }
                if case .missing = problem { continue }
                if case .notAFolder = problem { continue }
                throw .invalid(path: reference, line: nil, column: nil, message: "reference metadata folder: \(problem)")
            }
            return references
        }
        guard let config = try WorkspaceConfig.load(workspace: workspace) else { return [] }
        for (index, reference) in config.references.enumerated() {
            guard let problem = ReferenceFolder.problem(reference, tree: metadata) else { continue }
            throw .invalid(path: inside(WorkspaceConfig.fileName), line: nil, column: nil,
                           message: "\"references\" entry \(index + 1), '\(config.listedReferences[index])': \(problem)")
        }
        return config.references
    }

    /// Refuses a conventional input (found in the workspace folder, not named by its option) that is a symbolic link
    /// leading outside the workspace (for `ObjectLicenses/`, also a file in it that is one): `Metadata -> /` would read
    /// the whole host. A path named explicitly is the user's choice and is followed; the error says which input it is,
    /// so the caller can name the option.
    public func requireConventionalInputsInside() throws(InputError) {
        if !metadataGivenExplicitly { try requireInside(metadata, input: .metadata) }
        if !skuMapGivenExplicitly { try requireInside(skuMap, input: .skuMap) }
        if !usersGivenExplicitly { try requireInside(users, input: .users) }
        if references == nil { try requireInside(inside(WorkspaceConfig.fileName), input: .workspaceConfig) }
        if !systemUsersGivenExplicitly, let systemUsers { try requireInside(systemUsers, input: .systemUsers) }
        if !skuCatalogGivenExplicitly, let skuCatalog { try requireInside(skuCatalog, input: .skuCatalog) }
        if !objectLicensesGivenExplicitly, let objectLicenses {
            try requireInside(objectLicenses, input: .objectLicenses)
            // The folder's files are found by convention too: a link among them leading outside is refused alike.
            let files = (try? FileManager.default.contentsOfDirectory(atPath: objectLicenses)) ?? []
            for name in files.sorted() where !name.hasPrefix(".") && !name.hasPrefix("~$") {
                try requireInside(objectLicenses.hasSuffix("/") ? objectLicenses + name : objectLicenses + "/" + name, input: .objectLicenses)
            }
        }
    }

    /// Refuses `path`, the workspace's conventional place of `input`, when it exists and leads (through links)
    /// outside the workspace folder.
    public func requireInside(_ path: String, input: InputKind) throws(InputError) {
        func real(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        guard let target = real(path), let folder = real(workspace) else { return }  // absent: reported where it is read
        let prefix = folder == "/" ? "/" : folder + "/"
        guard !target.hasPrefix(prefix) else { return }
        throw .outsideWorkspace(path: path, target: target, input: input)
    }
}
