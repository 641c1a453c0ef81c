import AXMetadata
import Foundation

/// Where a run's inputs are: by workspace convention, each overridable on its own.
///
/// `--workspace DIR` means `DIR/Metadata/`, `DIR/LicensingServicePlansPrivilege.json` and `DIR/users.csv`.
public struct WorkspacePaths: Sendable, Hashable {
    public var metadata: String
    public var skuMap: String
    public var users: String
    /// True when the users file was named explicitly (then it must exist).
    public var usersGivenExplicitly: Bool
    /// True when the metadata folder was named explicitly (`--metadata`, a `git:` tree), not found by convention.
    public var metadataGivenExplicitly: Bool
    /// True when the SKU map was named explicitly, not found by convention.
    public var skuMapGivenExplicitly: Bool
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
        self.metadataGivenExplicitly = metadata != nil
        self.skuMapGivenExplicitly = skuMap != nil
        self.skuCatalog = skuCatalog
    }

    /// Refuses a conventional input (found in the workspace folder, not named by its option) that is a symbolic link
    /// leading outside the workspace: `Metadata -> /` would read the whole host. A path named with its option is the
    /// user's choice and is followed; the error says which option reads the link's target on purpose.
    public func requireConventionalInputsInside() throws(InputError) {
        if !metadataGivenExplicitly { try requireInside(metadata, name: Convention.metadata, flag: "--metadata") }
        if !skuMapGivenExplicitly { try requireInside(skuMap, name: Convention.skuMap, flag: "--sku-map") }
        if !usersGivenExplicitly { try requireInside(users, name: Convention.users, flag: "--users") }
    }

    /// Refuses `path`, the workspace's conventional `name`, when it exists and leads (through links) outside the
    /// workspace folder; `flag` is the option that names it explicitly.
    public func requireInside(_ path: String, name: String, flag: String) throws(InputError) {
        func real(_ path: String) -> String? {
            guard let resolved = realpath(path, nil) else { return nil }
            defer { free(resolved) }
            return String(cString: resolved)
        }
        guard let target = real(path), let folder = real(workspace) else { return }  // absent: reported where it is read
        let prefix = folder == "/" ? "/" : folder + "/"
        guard !target.hasPrefix(prefix) else { return }
        throw .invalid(path: path, line: nil, column: nil,
                       message: "\(name) in the workspace is a link to \(target), outside the workspace; pass \(flag) \(target) to read it")
    }
}

/// Whether a command needs the users file.
public enum UsersRequirement: Sendable {
    /// The command fails without it.
    case required
    /// Used when present (or given explicitly), otherwise skipped.
    case optional
    /// Never read.
    case unused
}

/// Why a workspace could not be loaded.
public enum WorkspaceError: Error, Sendable, CustomStringConvertible {
    case input(InputError)
    /// The metadata folder is missing or not a folder; `flag` is the option that names it.
    case metadataFolder(MetadataLoadError, flag: String)
    /// The metadata has errors (malformed or unreadable files) and `--keep-going` was not given.
    case metadataErrors([Diagnostic])

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .metadataFolder(let error, let flag):
            "\(error); pass the metadata folder with \(flag)" + (flag == "--metadata" ? " (or put it at Metadata/ in the --workspace folder)" : "")
        case .metadataErrors(let errors):
            "\(errors.severityCounts.errors) metadata file(s) could not be read (listed above); fix them, or pass --keep-going to analyse the rest and mark the result incomplete"
        }
    }
}

/// The SKU catalog and map of a run.
private func loadSkuInputs(_ paths: WorkspacePaths) throws(InputError) -> (SkuCatalog, SkuMap) {
    let catalog = try paths.skuCatalog.map { path throws(InputError) in try SkuCatalog.load(path: path) } ?? SkuCatalog.builtIn()
    return (catalog, try SkuMap.load(path: paths.skuMap, catalog: catalog))
}

/// The users of a run, when the command reads them.
private func loadUsers(_ paths: WorkspacePaths, users requirement: UsersRequirement) throws(InputError) -> UserDirectory? {
    switch requirement {
    case .required:
        return try UserDirectory.load(path: paths.users, delimiter: paths.csvDelimiter)
    case .optional:
        guard paths.usersGivenExplicitly || FileManager.default.fileExists(atPath: paths.users) else { return nil }
        return try UserDirectory.load(path: paths.users, delimiter: paths.csvDelimiter)
    case .unused:
        return nil
    }
}

/// Runs `work` on another thread; `value()` waits for it (a dispatch group orders the two).
private final class Background<Value: Sendable>: @unchecked Sendable {
    private var result: Result<Value, InputError>?
    private let group = DispatchGroup()

    init(_ label: String, _ work: @escaping @Sendable () throws(InputError) -> Value) {
        DispatchQueue.global().async(group: group) {
            self.result = Result { () throws(InputError) in try work() }
            PhaseTimer.mark(label)
        }
    }

    func value() throws(InputError) -> Value {
        group.wait()
        return try result!.get()
    }
}

/// Everything a command needs, loaded and evaluated once.
public struct LoadedWorkspace: Sendable {
    public var engine: LicensingEngine
    public var users: UserDirectory?
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool
    /// Every diagnostic of the metadata, SKU catalog, SKU map and users, sorted.
    public var diagnostics: [Diagnostic]
    /// How many metadata XML files were read.
    public var metadataFileCount: Int

    /// Loads and evaluates the inputs at `paths`.
    public static func load(_ paths: WorkspacePaths, users requirement: UsersRequirement, keepGoing: Bool, concurrency: Int? = nil,
                            progress: (@Sendable (Int, Int) -> Void)? = nil, metadataFlag: String = "--metadata") throws(WorkspaceError) -> LoadedWorkspace {
        PhaseTimer.mark("start")
        do {
            try paths.requireConventionalInputsInside()
        } catch {
            throw .input(error)
        }
        // The inputs are read on other threads where a core would otherwise idle: the catalog and SKU map while the
        // metadata folders are listed, the users while the security graph is resolved; the parse has both cores.
        // An input error still wins over anything the metadata says, as if the inputs had been read first.
        let skuInputs = Background("  catalog and SKU map read, while the metadata is listed") { () throws(InputError) in try loadSkuInputs(paths) }
        do {
            var loader = concurrency.map { MetadataLoader(concurrency: $0) } ?? MetadataLoader()
            loader.progress = progress
            let loaded = Result { () throws(MetadataLoadError) in try loader.load(root: paths.metadata) }
            PhaseTimer.mark("metadata read and parsed")
            let usersInput = Background("  users read, while the graph is resolved and roles evaluated") { () throws(InputError) in try loadUsers(paths, users: requirement) }
            let resolved = (try? loaded.get()).map(SecurityGraph.init)
            let (catalog, skuMap) = try skuInputs.value()
            // Roles are evaluated while the users may still be read (a metadata error to report leaves none to do).
            let evaluated = resolved.flatMap { graph in
                graph.isIncomplete && !keepGoing ? nil : LicensingEngine(graph: graph, catalog: catalog, skuMap: skuMap)
            }
            PhaseTimer.mark("privileges and roles evaluated")
            let users = try usersInput.value()
            let snapshot: MetadataSnapshot
            do {
                snapshot = try loaded.get()
            } catch {
                throw WorkspaceError.metadataFolder(error, flag: metadataFlag)
            }
            // Present whenever the snapshot is.
            let graph = resolved!
            PhaseTimer.mark("inputs ready (\(snapshot.fileCount) files)")
            if graph.isIncomplete && !keepGoing {
                throw WorkspaceError.metadataErrors(graph.diagnostics.filter { $0.severity == .error })
            }
            // Present whenever the graph is complete, or incomplete with --keep-going.
            let engine = evaluated!
            let diagnostics = (graph.diagnostics + catalog.diagnostics + skuMap.diagnostics + (users?.diagnostics ?? [])).sortedForOutput()
            return LoadedWorkspace(engine: engine, users: users, isComplete: !graph.isIncomplete, diagnostics: diagnostics, metadataFileCount: snapshot.fileCount)
        } catch let error as InputError {
            throw .input(error)
        } catch let error as WorkspaceError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

