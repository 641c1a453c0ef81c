import AXReading
import Foundation

/// The metadata a run reads: the analysed tree, and under it the reference folders (the standard application the
/// repository builds on: a PackagesLocalDirectory, a packages folder, or extracted build NuGet packages), in order.
///
/// A repository holds only its own models; the roles, duties and privileges they build on live in the reference.
/// Layering is by model: a model in the tree replaces the same-named model of every reference (the repository's
/// version of it wins), and a model in an earlier reference replaces the same-named model of a later one. Extensions
/// apply across layers, because the security graph resolves every name over all objects kept.
public struct MetadataLayers: Sendable, Hashable {
    /// The analysed tree (a folder).
    public var tree: String
    /// Reference folders, first one first: it wins over later ones for a model both hold.
    public var references: [String]

    public init(tree: String, references: [String] = []) {
        self.tree = tree
        self.references = references
    }
}

extension MetadataLoader {
    /// Reads the tree, then each reference, keeping from a reference only the models no earlier layer holds.
    ///
    /// Within one reference, a model's source files (`Package/Model/Ax…`) win over its compiled metadata
    /// (`Package/XppMetadata/Model/Ax…`): a developer machine's PackagesLocalDirectory can hold both, the build
    /// NuGet packages only the latter. The objects kept are ordered as in one PackagesLocalDirectory
    /// (`Package/Model/AxType/File`), so the graph's first-definition rule decides a name two models define as it would
    /// in one tree. `tree`, when given, is the tree already read (a side of `diff`, from a folder or a git revision)
    /// and `layers.tree` is not read again. `shared`, when given, holds the references read by another load (the other
    /// side of `diff`): each reference is read once for both. Throws when the tree or a reference cannot be read.
    public func load(_ layers: MetadataLayers, tree: MetadataSnapshot? = nil, shared: ReferenceReads? = nil) throws(MetadataLoadError) -> MetadataSnapshot {
        var snapshot: MetadataSnapshot
        if let tree { snapshot = tree } else { snapshot = try load(root: layers.tree) }
        guard !layers.references.isEmpty else { return snapshot }
        var heldModels = Set(snapshot.objects.map { NameKey($0.object.origin.model) })
        var log = snapshot.log
        for reference in layers.references {
            let layer: MetadataSnapshot
            if let shared {
                layer = try shared.snapshot(of: reference, loader: self)
            } else {
                layer = try load(root: reference, reference: reference)
            }
            guard layer.fileCount > 0 || layer.log.containsErrors else { throw .emptyReference(reference) }
            log.append(contentsOf: layer.diagnostics)
            let sourceModels = Set(layer.objects.filter { !Self.isCompiledMetadata($0.file) }.map { NameKey($0.object.origin.model) })
            var layerModels = Set<NameKey>()
            for loaded in layer.objects {
                let model = NameKey(loaded.object.origin.model)
                if heldModels.contains(model) { continue }
                if sourceModels.contains(model) && Self.isCompiledMetadata(loaded.file) { continue }
                snapshot.objects.append(loaded)
                layerModels.insert(model)
            }
            heldModels.formUnion(layerModels)
            snapshot.fileCount += layer.fileCount
        }
        snapshot.log = log
        // One PackagesLocalDirectory's order over all layers: an object name defined in two models (which the X++
        // compiler refuses) is decided as it is when the tree and the reference are one folder, so a repository split
        // from a whole tree gives the whole tree's results.
        let keys = snapshot.objects.map { Self.packageOrderKey($0) }
        snapshot.objects = byteOrder(keys).map { snapshot.objects[$0] }
        return snapshot
    }

    /// `Package/Model/AxType/File.xml`: where the object would be in one PackagesLocalDirectory.
    ///
    /// Both this and `isCompiledMetadata` run for every object of every layer (a reference is tens of thousands):
    /// they read the path's bytes instead of splitting it into components.
    package static func packageOrderKey(_ loaded: LoadedObject) -> String {
        let origin = loaded.object.origin
        let file = loaded.file
        let utf8 = file.utf8
        // The last two non-empty components, last first.
        var parts: [Substring] = []
        var end = utf8.endIndex
        var position = end
        while parts.count < 2 {
            guard position > utf8.startIndex else {
                if position != end { parts.append(file[position..<end]) }
                break
            }
            let previous = utf8.index(before: position)
            if utf8[previous] == UInt8(ascii: "/") {
                if position != end { parts.append(file[position..<end]) }
                end = previous
            }
            position = previous
        }
        var key = origin.package + "/" + origin.model
        for part in parts.reversed() {
            key += "/"
            key += part
        }
        return key
    }

    /// True when `file` lies in an `XppMetadata` folder (any case: no other character lower-cases to these letters).
    package static func isCompiledMetadata(_ file: String) -> Bool {
        var file = file
        return file.withUTF8 { bytes in
            let name = compiledMetadataBytes
            var start = 0
            for index in 0...bytes.count where index == bytes.count || bytes[index] == UInt8(ascii: "/") {
                if index - start == name.count, (0..<name.count).allSatisfy({ bytes[start + $0] | 0x20 == name[$0] }) { return true }
                start = index + 1
            }
            return false
        }
    }

    private static let compiledMetadataBytes = Array(compiledMetadataFolder.utf8)
}

extension AOTObject {
    /// The package and model the object was defined in.
    public var origin: ModelOrigin {
        switch self {
        case .role(let object): object.origin
        case .duty(let object): object.origin
        case .privilege(let object): object.origin
        case .roleExtension(let object): object.origin
        case .dutyExtension(let object): object.origin
        case .menuItem(let object): object.origin
        }
    }
}

/// Reference folders read once for several loads: the two sides of `diff` layer the same standard application
/// under their trees, and reading it (tens of thousands of files) once instead of once per side halves that work.
///
/// The first load to ask for a reference reads it; a load that asks while it is being read waits for that read.
public final class ReferenceReads: @unchecked Sendable {
    private let lock = NSLock()
    private var cells: [String: ReferenceRead] = [:]

    public init() {}

    /// The reference folder at `path` as `loader` reads it, read at most once whoever asks.
    func snapshot(of path: String, loader: MetadataLoader) throws(MetadataLoadError) -> MetadataSnapshot {
        let cell = lock.withLock {
            if let cell = cells[path] { return cell }
            let cell = ReferenceRead()
            cells[path] = cell
            return cell
        }
        return try cell.value { () throws(MetadataLoadError) in try loader.load(root: path, reference: path) }
    }

    /// How many reference folders were read.
    package var readCount: Int { lock.withLock { cells.values.filter(\.isRead).count } }
}

/// One reference folder's read: done by the first caller, waited for by the others.
private final class ReferenceRead: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<MetadataSnapshot, MetadataLoadError>?

    var isRead: Bool { lock.withLock { result != nil } }

    func value(_ read: () throws(MetadataLoadError) -> MetadataSnapshot) throws(MetadataLoadError) -> MetadataSnapshot {
        let outcome = lock.withLock {
            if let result { return result }
            let read = Result { () throws(MetadataLoadError) in try read() }
            result = read
            return read
        }
        return try outcome.get()
    }
}
