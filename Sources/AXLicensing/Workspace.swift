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
    /// More than one required input is missing: each as `InputError.missing`, metadata first, so a user starting in
    /// an empty folder learns everything the run needs at once rather than one input per attempt.
    case missingInputs([InputError])

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .metadataFolder(let error):
            "\(error)"
        case .metadataErrors(let errors):
            "\(errors.severityCounts.errors) metadata file(s) could not be read (listed above)"
        case .missingInputs(let missing):
            "\(missing.count) inputs are missing:\n" + missing.map { "  \($0)" }.joined(separator: "\n")
        }
    }
}

/// Which licensing method a run reports (Docs/licensing-rules.md §7, "Both methods side by side").
public enum MethodSelection: String, Sendable, Hashable, CaseIterable {
    /// Menu-item licenses and the SKU map (before 10.0.44).
    case legacy
    /// Microsoft's per-object data (10.0.44 and later).
    case objects
    /// Per-object first, with the legacy method's answer beside it.
    case both
}

/// The licensing method a run used, and why: every output names it, so a reader can tell which method produced it.
public struct MethodUse: Sendable, Hashable {
    /// One licensing method.
    public enum Method: String, Sendable, Hashable, Codable {
        case legacy
        case objects

        /// `per-object licensing (10.0.44 and later)` or `legacy entry-point + SKU-map licensing`.
        public var title: String {
            switch self {
            case .legacy: "legacy entry-point + SKU-map licensing"
            case .objects: "per-object licensing (10.0.44 and later)"
            }
        }
    }

    /// The method whose licenses the output shows.
    public var primary: Method
    /// The method shown beside it (`both`), nil otherwise.
    public var comparison: Method?
    /// True when the method was not asked for, but chosen by what the workspace holds.
    public var wasDefaulted: Bool
    /// Where the per-object data came from, when it was read.
    public var objectLicenses: Source?

    /// A file or folder of per-object data and its shape.
    public struct Source: Sendable, Hashable {
        public var path: String
        public var shape: ObjectLicenseShape
    }

    public init(primary: Method, comparison: Method? = nil, wasDefaulted: Bool = false, objectLicenses: Source? = nil) {
        self.primary = primary
        self.comparison = comparison
        self.wasDefaulted = wasDefaulted
        self.objectLicenses = objectLicenses
    }

    /// `legacy`, `objects` or `both`, as JSON names the method.
    public var name: String { comparison == nil ? primary.rawValue : MethodSelection.both.rawValue }

    /// The one line every output carries: which method, from which data, and why it was the one used.
    public var note: String {
        var text = "Method: \(primary.title)"
        if let objectLicenses { text += ", from \(objectLicenses.path) (\(objectLicenses.shape == .sqlExports ? "Licensing* SQL exports" : "Security object licenses export"))" }
        if let comparison { text += "; compared with \(comparison.title)" }
        if wasDefaulted {
            text += primary == .objects ? " (chosen because object-license data is present)"
                : " (no object-license data found; Microsoft licenses by securable object since 10.0.44)"
        }
        return text
    }
}

/// The SKU catalog, and the SKU map when the legacy method is used. The map is optional: without it in the
/// workspace (and not named), the run goes on with entry-point licenses alone and one `sku-requirements-unknown` warning.
private func loadSkuInputs(_ paths: WorkspacePaths, needsSkuMap: Bool) throws(InputError) -> (SkuCatalog, SkuMap) {
    let catalog = try paths.skuCatalog.map { path throws(InputError) in try SkuCatalog.load(path: path) } ?? SkuCatalog.builtIn()
    guard needsSkuMap else { return (catalog, .empty) }
    if !paths.skuMapGivenExplicitly && !FileManager.default.fileExists(atPath: paths.skuMap) { return (catalog, .missing(path: paths.skuMap)) }
    return (catalog, try SkuMap.load(path: paths.skuMap, catalog: catalog, delimiter: paths.csvDelimiter))
}

/// Every input the run needs that is not there, in the order a user gathers them: the metadata first, then the
/// object-license data or a SKU map named by its option, then the users. Only absence is checked here; what is there is read (and judged) later.
private func missingInputs(_ paths: WorkspacePaths, users: UsersRequirement, needsSkuMap: Bool, needsObjectLicenses: Bool) -> [InputError] {
    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
    var missing: [InputError] = []
    if !exists(paths.metadata) { missing.append(.missing(path: paths.metadata, input: .metadata)) }
    if needsObjectLicenses && paths.objectLicenses == nil {
        missing.append(.missing(path: paths.inside(WorkspacePaths.Convention.objectLicenses), input: .objectLicenses))
    }
    // The SKU map is optional (entry-point licenses alone, with a warning): missing only when it was named.
    if needsSkuMap && paths.skuMapGivenExplicitly && !exists(paths.skuMap) { missing.append(.missing(path: paths.skuMap, input: .skuMap)) }
    if users == .required && !exists(paths.users) { missing.append(.missing(path: paths.users, input: .users)) }
    return missing
}

/// The users of a run, when the command reads them, with the SystemUsers export (when there is one) joined in; a
/// users file that says nothing of enabled state, without an export that does, gets the `enabled-state-unknown` warning.
private func loadUsers(_ paths: WorkspacePaths, users requirement: UsersRequirement) throws(InputError) -> (UserDirectory, SystemUserDirectory?)? {
    switch requirement {
    case .required:
        break
    case .optional:
        guard paths.usersGivenExplicitly || FileManager.default.fileExists(atPath: paths.users) else { return nil }
    case .unused:
        return nil
    }
    var users = try UserDirectory.load(path: paths.users, delimiter: paths.csvDelimiter)
    let systemUsers = try paths.systemUsers.map { path throws(InputError) in try SystemUserDirectory.load(path: path, delimiter: paths.csvDelimiter) }
    if let systemUsers {
        users = users.joined(with: systemUsers)
        users.diagnostics = DiagnosticLog.merged(users.diagnostics, systemUsers.diagnostics)
    }
    if !users.knowsEnabledState { users.diagnostics = DiagnosticLog.merged(users.diagnostics, [UserDirectory.enabledStateUnknown(path: paths.users)]) }
    return (users, systemUsers)
}

/// The SKU catalog, the SKU map and the object-license data of a run (what licensing needs besides the metadata and
/// the users), read on other threads from the moment this is made: the catalog and SKU map while the metadata is
/// listed, the object-license data read and resolved against the catalog while it is parsed.
///
/// `diff` makes one for both sides when both name the same files, so that they are read (and the object-license
/// data resolved, the costliest of the three) once rather than once per side. `LoadedWorkspace.load` takes them only
/// for the files and method they were read for, and reads its own otherwise.
public final class LicensingInputs: Sendable {
    /// What the reads depend on: the files, how CSV is split, and which methods need what.
    struct Source: Hashable, Sendable {
        var skuCatalog: String?
        var skuMap: String
        /// True when the SKU map is read (named, or there by convention), false for the `missing` map: a side that
        /// names the head's map explicitly reads what the head read.
        var skuMapIsRead: Bool
        var objectLicenses: String?
        var csvDelimiter: UnicodeScalar?
        var usesLegacy: Bool
        var usesObjects: Bool

        init(_ paths: WorkspacePaths, methods: LicensingMethods) {
            skuCatalog = paths.skuCatalog
            skuMap = paths.skuMap
            skuMapIsRead = paths.skuMapGivenExplicitly || FileManager.default.fileExists(atPath: paths.skuMap)
            objectLicenses = paths.objectLicenses
            csvDelimiter = paths.csvDelimiter
            usesLegacy = methods.usesLegacy
            usesObjects = methods.usesObjects
        }
    }

    let source: Source
    let skuInputs: BackgroundWork<(SkuCatalog, SkuMap), InputError>
    let objectLicenses: BackgroundWork<ObjectLicenseMap?, InputError>
    /// The reference folders, read once for every load given these inputs (both sides of `diff`), whatever else
    /// the sides read differently.
    let references = ReferenceReads()

    /// Starts reading the inputs `paths` names that the method `selection` (nil: chosen by what the workspace holds) uses.
    public convenience init(_ paths: WorkspacePaths, method selection: MethodSelection?) {
        self.init(paths, methods: LicensingMethods(paths, selection: selection))
    }

    init(_ paths: WorkspacePaths, methods: LicensingMethods) {
        source = Source(paths, methods: methods)
        let usesLegacy = methods.usesLegacy, usesObjects = methods.usesObjects
        let skuInputs = BackgroundWork("  catalog and SKU map read, while the metadata is listed") { () throws(InputError) in try loadSkuInputs(paths, needsSkuMap: usesLegacy) }
        self.skuInputs = skuInputs
        objectLicenses = BackgroundWork("  object licenses read and resolved, while the metadata is parsed") { () throws(InputError) -> ObjectLicenseMap? in
            guard usesObjects, let path = paths.objectLicenses else { return nil }
            let table = try ObjectLicenseReader.read(path: path, delimiter: paths.csvDelimiter)
            return ObjectLicenseMap(table: table, catalog: try skuInputs.value().0)
        }
    }

    /// True when these are the inputs a run over `paths` by `methods` would read.
    func serves(_ paths: WorkspacePaths, methods: LicensingMethods) -> Bool { source == Source(paths, methods: methods) }
}

/// The licensing methods a run uses: the one its output shows and the one shown beside it (`both`).
struct LicensingMethods: Sendable {
    var primary: MethodUse.Method
    var comparison: MethodUse.Method?

    /// `selection`, or per-object when the workspace has object-license data, else legacy.
    init(_ paths: WorkspacePaths, selection: MethodSelection?) {
        primary = selection.map { $0 == .legacy ? .legacy : .objects } ?? (paths.objectLicenses == nil ? .legacy : .objects)
        comparison = selection == .both ? .legacy : nil
    }

    var usesObjects: Bool { primary == .objects }
    var usesLegacy: Bool { primary == .legacy || comparison == .legacy }
}

/// Everything a command needs, loaded and evaluated once.
public struct LoadedWorkspace: Sendable {
    /// The engine of the method the output shows (`method.primary`).
    public var engine: LicensingEngine
    /// The engine of the method shown beside it (`both`), nil otherwise.
    public var comparison: LicensingEngine?
    /// Which method was used, and why.
    public var method: MethodUse
    public var users: UserDirectory?
    /// The SystemUsers export (`system-users.csv` or the path given), read with the users; its enabled state is
    /// already joined into `users`. It also matches Power Platform admin center rows to users by e-mail or object id.
    public var systemUsers: SystemUserDirectory?
    /// False when metadata errors were skipped (`keepGoing`).
    public var isComplete: Bool
    /// Every diagnostic of the metadata, SKU catalog, SKU map and users, sorted.
    public var diagnostics: [Diagnostic]
    /// How many metadata XML files were read (the references' included).
    public var metadataFileCount: Int
    /// The reference folders layered under the metadata, in order (empty when none).
    public var references: [String] = []

    /// Loads and evaluates the inputs at `paths` under `selection` (nil: per-object when the workspace has
    /// object-license data, else legacy). `metadata`, when given, is the metadata already read (a side of `diff`, from
    /// a folder or a git revision: `TreeSides`) and `paths.metadata` is not read again.
    public static func load(_ paths: WorkspacePaths, users requirement: UsersRequirement, keepGoing: Bool, method selection: MethodSelection? = nil,
                            concurrency: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
                            metadata: MetadataSnapshot? = nil, inputs shared: LicensingInputs? = nil) throws(WorkspaceError) -> LoadedWorkspace {
        PhaseTimer.mark("start")
        let references: [String]
        do {
            try paths.requireConventionalInputsInside()
            references = try paths.resolvedReferences()
        } catch {
            throw .input(error)
        }
        let methods = LicensingMethods(paths, selection: selection)
        let (primary, comparison) = (methods.primary, methods.comparison)
        let usesObjects = methods.usesObjects
        let missing = missingInputs(paths, users: requirement, needsSkuMap: methods.usesLegacy, needsObjectLicenses: usesObjects)
        if missing.count > 1 { throw .missingInputs(missing) }
        if usesObjects && paths.objectLicenses == nil {
            throw .input(.missing(path: paths.inside(WorkspacePaths.Convention.objectLicenses), input: .objectLicenses))
        }
        // The inputs are read on other threads where a core would otherwise idle (`LicensingInputs`), the users while
        // the security graph is resolved; the parse has both cores. An input error still wins over anything the
        // metadata says, as if the inputs had been read first.
        let inputs = shared.flatMap { $0.serves(paths, methods: methods) ? $0 : nil } ?? LicensingInputs(paths, methods: methods)
        do {
            var loader = concurrency.map { MetadataLoader(concurrency: $0) } ?? MetadataLoader()
            loader.progress = progress
            let loaded = Result { () throws(MetadataLoadError) in
                try loader.load(MetadataLayers(tree: paths.metadata, references: references), tree: metadata, shared: shared?.references)
            }
            PhaseTimer.mark("metadata read and parsed")
            let usersInput = BackgroundWork("  users read, while the graph is resolved and roles evaluated") { () throws(InputError) in try loadUsers(paths, users: requirement) }
            let resolved = (try? loaded.get()).map(SecurityGraph.init)
            let (catalog, skuMap) = try inputs.skuInputs.value()
            let objectMap = try inputs.objectLicenses.value()
            func engine(_ method: MethodUse.Method, _ graph: SecurityGraph) -> LicensingEngine {
                switch method {
                case .legacy: LicensingEngine(graph: graph, catalog: catalog, skuMap: skuMap)
                // Present whenever the objects method is used (read above, or the run ended).
                case .objects: LicensingEngine(graph: graph, catalog: objectMap!.catalog, method: PerObjectMethod(graph: graph, map: objectMap!))
                }
            }
            // Roles are evaluated while the users may still be read (a metadata error to report leaves none to do).
            let evaluated = resolved.flatMap { graph in
                graph.isIncomplete && !keepGoing ? nil : (engine(primary, graph), comparison.map { engine($0, graph) })
            }
            PhaseTimer.mark("privileges and roles evaluated")
            let (users, systemUsers) = (try usersInput.value()).map { ($0.0, $0.1) } ?? (nil, nil)
            let fileCount: Int
            do {
                fileCount = try loaded.get().fileCount
            } catch {
                throw WorkspaceError.metadataFolder(error)
            }
            // The graph holds what it needs of the parse records; the rest is freed on the other core while the caller
            // goes on (the users' evaluation is serial).
            releaseInBackground(consume loaded)
            // Present whenever the snapshot is.
            let graph = resolved!
            PhaseTimer.mark("inputs ready (\(fileCount) files)")
            if graph.isIncomplete && !keepGoing {
                throw WorkspaceError.metadataErrors(graph.diagnostics.filter { $0.severity == .error })
            }
            // Present whenever the graph is complete, or incomplete with --keep-going.
            let (engine, comparisonEngine) = evaluated!
            let diagnostics = DiagnosticLog.merged(graph.diagnostics, catalog.diagnostics, engine.method.diagnostics, comparisonEngine?.method.diagnostics ?? [],
                                                   users?.diagnostics ?? [])
            let use = MethodUse(primary: primary, comparison: comparison, wasDefaulted: selection == nil,
                                objectLicenses: objectMap.map { MethodUse.Source(path: paths.objectLicenses ?? "", shape: $0.shape) })
            return LoadedWorkspace(engine: engine, comparison: comparisonEngine, method: use, users: users, systemUsers: systemUsers, isComplete: !graph.isIncomplete,
                                   diagnostics: diagnostics, metadataFileCount: fileCount, references: references)
        } catch let error as InputError {
            throw .input(error)
        } catch let error as WorkspaceError {
            throw error
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

