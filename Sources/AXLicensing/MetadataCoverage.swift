import AXModel

/// Where a run's security objects came from and what it could not find: the analysed tree, the reference folders
/// layered under it (`MetadataLayers`), and the references no layer resolves. Every report states it, so a reader
/// knows which objects the repository does not hold and when license impact is unknown.
public struct MetadataCoverage: Sendable, Hashable {
    /// The reference folders, in order (empty when none).
    public var references: [String]
    /// Roles, duties and privileges from the analysed tree.
    public var treeObjects: ObjectCounts
    /// Roles, duties and privileges from the reference folders.
    public var referenceObjects: ObjectCounts
    /// What the tree references that no layer holds, under the run's licensing method.
    public var unresolved: UnresolvedObjects

    /// Counts of security objects by kind.
    public struct ObjectCounts: Sendable, Hashable, Codable {
        public var roles = 0
        public var duties = 0
        public var privileges = 0

        public init(roles: Int = 0, duties: Int = 0, privileges: Int = 0) {
            self.roles = roles
            self.duties = duties
            self.privileges = privileges
        }

        /// `3 roles, 12 duties, 40 privileges`.
        public var description: String { "\(roles) role(s), \(duties) duty(ies), \(privileges) privilege(s)" }
    }

    public init(references: [String], treeObjects: ObjectCounts, referenceObjects: ObjectCounts, unresolved: UnresolvedObjects) {
        self.references = references
        self.treeObjects = treeObjects
        self.referenceObjects = referenceObjects
        self.unresolved = unresolved
    }

    /// The coverage of `engine`'s graph, read with `references` under the tree.
    public init(engine: LicensingEngine, references: [String]) {
        func counts(fromReference: Bool) -> ObjectCounts {
            let graph = engine.graph
            return ObjectCounts(roles: graph.roles.count { $0.origin.isFromReference == fromReference },
                                duties: graph.duties.count { $0.origin.isFromReference == fromReference },
                                privileges: graph.privileges.count { $0.origin.isFromReference == fromReference })
        }
        self.init(references: references, treeObjects: counts(fromReference: false), referenceObjects: counts(fromReference: true),
                  unresolved: engine.unresolved)
    }

    /// The summary lines: the objects per source when references were read, nothing otherwise.
    public var sourceLine: String? {
        guard !references.isEmpty else { return nil }
        return "Metadata: \(treeObjects.description) from the analysed tree; \(referenceObjects.description) from \(references.count) reference folder(s): \(references.joined(separator: ", "))"
    }

    /// `UNKNOWN: license impact through 2 objects … is unknown: …`, nil when every reference resolved.
    public var unresolvedLine: String? {
        unresolved.isEmpty ? nil : "UNKNOWN: \(unresolved.sentence). Pass the standard application with --reference (or list it in axlicense.json)."
    }
}

extension LoadedWorkspace {
    /// Where the run's objects came from, and what it could not resolve, under the primary method.
    public var coverage: MetadataCoverage { MetadataCoverage(engine: engine, references: references) }
}
