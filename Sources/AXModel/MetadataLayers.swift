import AXReading

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
    /// and `layers.tree` is not read again. Throws when the tree or a reference cannot be read.
    public func load(_ layers: MetadataLayers, tree: MetadataSnapshot? = nil) throws(MetadataLoadError) -> MetadataSnapshot {
        var snapshot: MetadataSnapshot
        if let tree { snapshot = tree } else { snapshot = try load(root: layers.tree) }
        guard !layers.references.isEmpty else { return snapshot }
        var heldModels = Set(snapshot.objects.map { NameKey($0.object.origin.model) })
        var log = snapshot.log
        for reference in layers.references {
            let layer = try load(root: reference, reference: reference)
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
    static func packageOrderKey(_ loaded: LoadedObject) -> String {
        let origin = loaded.object.origin
        let parts = loaded.file.split(separator: "/", omittingEmptySubsequences: true).suffix(2)
        return ([origin.package, origin.model] + parts.map(String.init)).joined(separator: "/")
    }

    /// True when `file` lies in an `XppMetadata` folder.
    static func isCompiledMetadata(_ file: String) -> Bool {
        file.split(separator: "/").contains { $0.lowercased() == compiledMetadataFolder }
    }
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
