import AXModel
import AXReading

/// Microsoft's per-object data resolved against a catalog: for each securable object and access level, the SKUs any
/// one of which entitles it (Docs/licensing-rules.md §7).
public struct ObjectLicenseMap: Sendable {
    /// One object and level's entitlement.
    public struct Entry: Sendable, Hashable {
        /// The catalog SKUs that entitle it; empty when every name in the data is unknown (unlicensable).
        public var skus: SkuSet
        /// The License text as Microsoft writes it (`Finance or Supply Chain Management`).
        public var licenseText: String
        /// Where the data said so.
        public var location: SourceLocation
    }

    /// Entitlements by object and level.
    public let entries: [ObjectLicenseKey: Entry]
    /// The catalog, with base groups from `LicensingAllSkus.GroupName` where the data gives them.
    public let catalog: SkuCatalog
    /// The shape the data came in.
    public let shape: ObjectLicenseShape
    /// The files the data came from.
    public let files: [String]
    /// The reader's problems, then unknown SKU names, unlicensable objects and Read rows above Team Members.
    public let diagnostics: [Diagnostic]

    /// Resolves `table`'s SKU names through `catalog`'s names, display names and aliases.
    public init(table: ObjectLicenseTable, catalog: SkuCatalog) {
        var log = DiagnosticLog(table.diagnostics)
        var groups: [Int: String] = [:]
        for sku in table.skus {
            guard let group = sku.group?.trimmingBlanks(), !group.isEmpty, let position = catalog.position(of: sku.name) else { continue }
            groups[position] = group
        }
        let catalog = groups.isEmpty ? catalog : catalog.withGroups(groups)
        var entries: [ObjectLicenseKey: Entry] = [:]
        entries.reserveCapacity(table.entries.count)
        // Sorted so that which diagnostics are shown never depends on hashing order.
        // Real data repeats a dozen SKU names over many thousand objects: each name is resolved once.
        var positions: [String: Int?] = [:]
        for (key, entry) in table.entries.sorted(by: { Self.precedes($0.value.location, $1.value.location) }) {
            var skus = SkuSet.empty
            for name in entry.skuNames {
                let resolved = positions[name] ?? {
                    let position = catalog.position(of: name)
                    positions[name] = position
                    return position
                }()
                if let position = resolved {
                    skus.insert(position)
                } else {
                    log.append(Diagnostic(.warning, .unknownSku, "object license names SKU '\(name)', which the catalog does not know (\(key.kind) \(entry.aotName), \(key.level))",
                                          at: entry.location))
                }
            }
            if skus.isEmpty {
                log.append(Diagnostic(.warning, .unlicensableObject,
                                      "\(key.kind) \(entry.aotName) (\(key.level)) is entitled only by SKUs the catalog does not know: its holders are flagged unlicensable",
                                      at: entry.location))
            } else if key.level == .read, skus.positions.contains(where: { catalog[$0].tier.licenseTier > .teamMembers }) {
                log.append(Diagnostic(.warning, .readAboveTeamMembers,
                                      "Read on \(key.kind) \(entry.aotName) names \(entry.licenseText); Microsoft says Read needs at most Team Members, applied as given",
                                      at: entry.location))
            }
            entries[key] = Entry(skus: skus, licenseText: entry.licenseText, location: entry.location)
        }
        self.entries = entries
        self.catalog = catalog
        self.shape = table.shape
        self.files = table.files
        self.diagnostics = log.diagnostics
    }

    private static func precedes(_ a: SourceLocation, _ b: SourceLocation) -> Bool {
        (a.file, a.line ?? 0, a.column ?? 0) < (b.file, b.line ?? 0, b.column ?? 0)
    }
}

/// How one object permission is entitled under the per-object method.
public struct ObjectEntitlement: Sendable, Hashable {
    /// Whether Microsoft's data lists the object at this level.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Listed, with at least one SKU the catalog knows.
        case entitled
        /// Not listed: needs Team Members (Docs/licensing-rules.md §7).
        case notInMicrosoftData = "not-in-microsoft-data"
        /// Listed only with SKUs the catalog does not know: no license can entitle it.
        case unlicensable
    }

    public var kind: SecurableKind?
    public var level: ObjectAccessLevel
    public var status: Status
    /// The SKUs any one of which entitles the permission; Team Members when not in the data; empty when unlicensable.
    public var skus: SkuSet
    /// Microsoft's License text, `Team Members` when not in the data, or the unknown names when unlicensable.
    public var licenseText: String
}

/// The per-object method (10.0.44 and later; Docs/licensing-rules.md §7): every grant of a privilege on a securable
/// object (menu items, service operations, data entities, data entity methods) is entitled, at its access level
/// (Read or Write), by any one of the SKUs Microsoft's data lists for that object and level. Menu-item licenses and
/// the SKU map play no part.
public struct PerObjectMethod: LicensingMethod {
    public let graph: SecurityGraph
    public let map: ObjectLicenseMap
    /// Per privilege, per grant (entry points, then data entity permissions): the entitlement, nil for no access.
    private let entitlements: [[ObjectEntitlement?]]
    private let demands: [PrivilegeDemand]
    /// Per privilege, the objects it grants that are not in Microsoft's data, as indices into `notInDataNames`.
    private let notInData: [[Int]]
    /// `Kind Name[.Child] (Level)` of each object not in Microsoft's data, each once.
    private let notInDataNames: [String]
    public let diagnostics: [Diagnostic]

    public var name: String { "objects" }

    /// The object-license files the data came from.
    public var inputs: [MethodInput] { map.files.map { MethodInput(kind: .objectLicenses, file: $0) } }

    /// Evaluates every grant of every privilege of `graph` once.
    public init(graph: SecurityGraph, map: ObjectLicenseMap) {
        self.graph = graph
        self.map = map
        let teamMembers = SkuSet([map.catalog.teamMembers])
        var entitlements: [[ObjectEntitlement?]] = []
        var demands: [PrivilegeDemand] = []
        entitlements.reserveCapacity(graph.privileges.count)
        demands.reserveCapacity(graph.privileges.count)
        for privilege in graph.privileges {
            var row: [ObjectEntitlement?] = []
            row.reserveCapacity(privilege.entryPoints.count + privilege.dataEntityPermissions.count)
            var groups: Set<SkuSet> = []
            var isUnlicensable = false
            func add(kind: SecurableKind?, name: String, child: String, grant: AccessGrant) {
                let entitlement = Self.entitlement(kind: kind, name: name, child: child, grant: grant, map: map, teamMembers: teamMembers)
                row.append(entitlement)
                guard let entitlement else { return }
                if entitlement.status == .unlicensable { isUnlicensable = true } else { groups.insert(entitlement.skus) }
            }
            for entryPoint in privilege.entryPoints {
                add(kind: SecurableKind(entryPoint.objectType), name: entryPoint.objectName, child: entryPoint.objectChildName, grant: entryPoint.grant)
            }
            for permission in privilege.dataEntityPermissions {
                add(kind: .dataEntity, name: permission.name, child: "", grant: permission.grant)
            }
            entitlements.append(row)
            demands.append(PrivilegeDemand(tier: .none, skus: nil, objectGroups: groups.sorted(), isUnlicensable: isUnlicensable))
        }
        self.entitlements = entitlements
        self.demands = demands
        self.diagnostics = map.diagnostics
        var names: [String] = [], index: [String: Int] = [:]
        self.notInData = graph.privileges.indices.map { privilege in
            Self.objects(graph, entitlements, ofPrivilege: privilege, status: .notInMicrosoftData).map { name in
                if let known = index[name] { return known }
                names.append(name)
                index[name] = names.count - 1
                return names.count - 1
            }
        }
        self.notInDataNames = names
    }

    /// The objects these privileges grant that are not in Microsoft's data, each once, sorted.
    public func objectsNotInMicrosoftData(ofPrivileges privileges: [Int]) -> [String] {
        var seen = Set<Int>()
        for privilege in privileges { seen.formUnion(notInData[privilege]) }
        return seen.map { notInDataNames[$0] }.sorted()
    }

    private static func entitlement(kind: SecurableKind?, name: String, child: String, grant: AccessGrant, map: ObjectLicenseMap,
                                    teamMembers: SkuSet) -> ObjectEntitlement? {
        let level: ObjectAccessLevel
        switch grant.accessLevel {
        case .none: return nil
        case .view: level = .read
        case .maintain: level = .write
        }
        guard let kind, let entry = map.entries[ObjectLicenseKey(kind: kind, name: name, childName: child, level: level)] else {
            return ObjectEntitlement(kind: kind, level: level, status: .notInMicrosoftData, skus: teamMembers, licenseText: map.catalog[map.catalog.teamMembers].displayName)
        }
        return ObjectEntitlement(kind: kind, level: level, status: entry.skus.isEmpty ? .unlicensable : .entitled, skus: entry.skus, licenseText: entry.licenseText)
    }

    public func demand(ofPrivilege privilege: Int) -> PrivilegeDemand { demands[privilege] }

    /// The entitlement of grant `grant` (entry points first, then data entity permissions); nil when it gives no access.
    public func entitlement(ofGrant grant: Int, inPrivilege privilege: Int) -> ObjectEntitlement? { entitlements[privilege][grant] }

    public func license(ofGrant grant: Int, inPrivilege privilege: Int) -> GrantLicense {
        guard let entitlement = entitlements[privilege][grant] else { return GrantLicense(access: .none, tier: .none, isKnown: true) }
        return GrantLicense(access: entitlement.level == .read ? .view : .maintain, tier: lowestTier(meeting: entitlement), isKnown: true, object: entitlement)
    }

    /// The lowest tier of license that meets the entitlement: Team Members when the set lists a tier-level SKU
    /// (Team Members, Self Service), Activity when it lists Activity, else Operations; none when unlicensable.
    private func lowestTier(meeting entitlement: ObjectEntitlement) -> LicenseTier {
        guard !entitlement.skus.isEmpty else { return .none }
        return entitlement.skus.positions.map { map.catalog[$0].tier.licenseTier }.min() ?? .none
    }

    /// The objects `privilege` grants that are not in Microsoft's data, as `Kind Name[.Child] (Level)`.
    public func objectsNotInMicrosoftData(ofPrivilege privilege: Int) -> [String] {
        notInData[privilege].map { notInDataNames[$0] }
    }

    /// The objects `privilege` grants that no known SKU can entitle.
    public func unlicensableObjects(ofPrivilege privilege: Int) -> [String] {
        Self.objects(graph, entitlements, ofPrivilege: privilege, status: .unlicensable)
    }

    private static func objects(_ graph: SecurityGraph, _ entitlements: [[ObjectEntitlement?]], ofPrivilege privilege: Int, status: ObjectEntitlement.Status) -> [String] {
        let definition = graph.privileges[privilege]
        var names: [String] = []
        for (grant, entitlement) in entitlements[privilege].enumerated() where entitlement?.status == status {
            let (kind, name, child): (String, String, String)
            if grant < definition.entryPoints.count {
                let entryPoint = definition.entryPoints[grant]
                (kind, name, child) = (entryPoint.objectType.description, entryPoint.objectName, entryPoint.objectChildName)
            } else {
                (kind, name, child) = (SecurableKind.dataEntity.rawValue, definition.dataEntityPermissions[grant - definition.entryPoints.count].name, "")
            }
            names.append("\(kind) \(name)\(child.isEmpty ? "" : ".\(child)") (\(entitlement!.level))")
        }
        return names
    }
}

extension SecurableKind {
    /// The kind an entry point's `ObjectType` names; nil for kinds Microsoft's per-object data does not license.
    public init?(_ objectType: EntryPointObjectType) {
        switch objectType {
        case .menuItemDisplay: self = .menuItemDisplay
        case .menuItemAction: self = .menuItemAction
        case .menuItemOutput: self = .menuItemOutput
        case .other(let text): self.init(text: text)
        }
    }
}
