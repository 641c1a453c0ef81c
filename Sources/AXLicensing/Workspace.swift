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
            "\(errors.count) metadata file(s) could not be read (listed above); fix them, or pass --keep-going to analyse the rest and mark the result incomplete"
        }
    }
}

/// The non-metadata inputs of a run.
private func loadInputs(_ paths: WorkspacePaths, users requirement: UsersRequirement) throws(InputError) -> (SkuCatalog, SkuMap, UserDirectory?) {
    let catalog = try paths.skuCatalog.map { path throws(InputError) in try SkuCatalog.load(path: path) } ?? SkuCatalog.builtIn()
    let skuMap = try SkuMap.load(path: paths.skuMap, catalog: catalog)
    var users: UserDirectory?
    switch requirement {
    case .required:
        users = try UserDirectory.load(path: paths.users, delimiter: paths.csvDelimiter)
    case .optional:
        if paths.usersGivenExplicitly || FileManager.default.fileExists(atPath: paths.users) {
            users = try UserDirectory.load(path: paths.users, delimiter: paths.csvDelimiter)
        }
    case .unused:
        break
    }
    return (catalog, skuMap, users)
}

/// Hands the inputs from the thread that reads them to the one that waits for them (a dispatch group orders the two).
private final class InputsBox: @unchecked Sendable {
    var result: Result<(SkuCatalog, SkuMap, UserDirectory?), InputError>?
}

/// Everything a command needs, loaded and evaluated once.
public struct LoadedWorkspace: Sendable {
    public var engine: LicensingEngine
    public var users: UserDirectory?
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool
    /// Every diagnostic of the metadata, SKU map and users, sorted.
    public var diagnostics: [Diagnostic]
    /// How many metadata XML files were read.
    public var metadataFileCount: Int

    /// Loads and evaluates the inputs at `paths`.
    public static func load(_ paths: WorkspacePaths, users requirement: UsersRequirement, keepGoing: Bool, concurrency: Int? = nil,
                            progress: (@Sendable (Int, Int) -> Void)? = nil, metadataFlag: String = "--metadata") throws(WorkspaceError) -> LoadedWorkspace {
        PhaseTimer.mark("start")
        // The catalog, SKU map and users are read on another thread while the metadata is parsed; an input error
        // still wins over anything the metadata says, as if the inputs had been read first.
        let inputs = InputsBox()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            inputs.result = Result { () throws(InputError) in try loadInputs(paths, users: requirement) }
            PhaseTimer.mark("  inputs read (catalog, SKU map, users), in parallel with the metadata")
        }
        do {
            var loader = concurrency.map { MetadataLoader(concurrency: $0) } ?? MetadataLoader()
            loader.progress = progress
            let loaded = Result { () throws(MetadataLoadError) in try loader.load(root: paths.metadata) }
            group.wait()
            let (catalog, skuMap, users) = try inputs.result!.get()
            let snapshot: MetadataSnapshot
            do {
                snapshot = try loaded.get()
            } catch {
                throw WorkspaceError.metadataFolder(error, flag: metadataFlag)
            }
            PhaseTimer.mark("metadata read and parsed (\(snapshot.fileCount) files)")
            let graph = SecurityGraph(snapshot)
            PhaseTimer.mark("security graph resolved")
            if graph.isIncomplete && !keepGoing {
                throw WorkspaceError.metadataErrors(graph.diagnostics.filter { $0.severity == .error })
            }
            let engine = LicensingEngine(graph: graph, catalog: catalog, skuMap: skuMap)
            PhaseTimer.mark("privileges and roles evaluated")
            let diagnostics = (graph.diagnostics + skuMap.diagnostics + (users?.diagnostics ?? [])).sortedForOutput()
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

