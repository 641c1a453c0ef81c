import AXModel
import AXReading
import Foundation

/// Whether a run needs the users file.
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
    /// The metadata folder is missing or not a folder.
    case metadataFolder(MetadataLoadError)
    /// The metadata has errors (malformed or unreadable files) and the caller did not ask to go on without them.
    case metadataErrors([Diagnostic])

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .metadataFolder(let error):
            "\(error)"
        case .metadataErrors(let errors):
            "\(errors.severityCounts.errors) metadata file(s) could not be read (listed above)"
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
    /// False when metadata errors were skipped (`keepGoing`).
    public var isComplete: Bool
    /// Every diagnostic of the metadata, SKU catalog, SKU map and users, sorted.
    public var diagnostics: [Diagnostic]
    /// How many metadata XML files were read.
    public var metadataFileCount: Int

    /// Loads and evaluates the inputs at `paths`.
    public static func load(_ paths: WorkspacePaths, users requirement: UsersRequirement, keepGoing: Bool, concurrency: Int? = nil,
                            progress: (@Sendable (Int, Int) -> Void)? = nil) throws(WorkspaceError) -> LoadedWorkspace {
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
                throw WorkspaceError.metadataFolder(error)
            }
            // Present whenever the snapshot is.
            let graph = resolved!
            PhaseTimer.mark("inputs ready (\(snapshot.fileCount) files)")
            if graph.isIncomplete && !keepGoing {
                throw WorkspaceError.metadataErrors(graph.diagnostics.filter { $0.severity == .error })
            }
            // Present whenever the graph is complete, or incomplete with --keep-going.
            let engine = evaluated!
            let diagnostics = DiagnosticLog.merged(graph.diagnostics, catalog.diagnostics, engine.method.diagnostics, users?.diagnostics ?? [])
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

