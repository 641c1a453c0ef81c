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
        // Problems are collected, then logged in file order, so which ones are shown never depends on hashing order.
        var problems: [Diagnostic] = []
        for (key, entry) in table.entries {
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
                    problems.append(Diagnostic(.warning, .unknownSku, "object license names SKU '\(name)', which the catalog does not know (\(key.kind) \(entry.aotName), \(key.level))",
                                          at: entry.location))
                }
            }
            if skus.isEmpty {
                problems.append(Diagnostic(.warning, .unlicensableObject,
                                      "\(key.kind) \(entry.aotName) (\(key.level)) is entitled only by SKUs the catalog does not know: its holders are flagged unlicensable",
                                      at: entry.location))
            } else if key.level == .read, skus.positions.contains(where: { catalog[$0].tier.licenseTier > .teamMembers }) {
                problems.append(Diagnostic(.warning, .readAboveTeamMembers,
                                      "Read on \(key.kind) \(entry.aotName) names \(entry.licenseText); Microsoft says Read needs at most Team Members, applied as given",
                                      at: entry.location))
            }
            entries[key] = Entry(skus: skus, licenseText: entry.licenseText, location: entry.location)
        }
        log.append(contentsOf: problems.sorted { Self.precedes($0.location!, $1.location!) || ($0.location == $1.location && $0.message < $1.message) })
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
    /// Licenses come from Microsoft's data by object name: a menu item missing from the metadata changes nothing.
    public var readsMenuItemLicenses: Bool { false }
    public let map: ObjectLicenseMap
    /// Per privilege, per grant (entry points, then data entity permissions): the entitlement, nil for no access.
    private let entitlements: [[ObjectEntitlement?]]
    private let demands: [PrivilegeDemand]
    /// Per privilege, the objects it grants that are not in Microsoft's data, as indices into `notInDataNames`.
    private let notInData: [[Int]]
    /// Each object not in Microsoft's data once, as the first grant found on it.
    private let notInDataObjects: [(privilege: Int, grant: Int)]
    public let diagnostics: [Diagnostic]

    public var name: String { "objects" }

    /// The object-license files the data came from.
    public var inputs: [MethodInput] { map.files.map { MethodInput(kind: .objectLicenses, file: $0) } }

    /// Evaluates every grant of every privilege of `graph` once.
    public init(graph: SecurityGraph, map: ObjectLicenseMap) {
        self.graph = graph
        self.map = map
        self.diagnostics = map.diagnostics
        // Privileges are evaluated in slices on the cores, each slice with its own key cache.
        let count = graph.privileges.count
        let slices = max(1, min(8, count / 2_048))
        let evaluated = concurrentMap(slices) { slice in
            Self.evaluate(graph.privileges[(count * slice / slices)..<(count * (slice + 1) / slices)], map: map)
        }
        var entitlements: [[ObjectEntitlement?]] = [], demands: [PrivilegeDemand] = [], notInData: [[Int]] = []
        entitlements.reserveCapacity(count)
        demands.reserveCapacity(count)
        notInData.reserveCapacity(count)
        // Objects not in the data are told apart by their identity, each once; names are made only when asked for.
        var objects: [(privilege: Int, grant: Int)] = [], index: [ObjectIdentity: Int] = [:]
        for part in evaluated {
            for privilege in part {
                let number = entitlements.count
                entitlements.append(privilege.entitlements)
                demands.append(privilege.demand)
                notInData.append(privilege.notInData.map { identity, grant in
                    if let known = index[identity] { return known }
                    objects.append((number, grant))
                    index[identity] = objects.count - 1
                    return objects.count - 1
                })
            }
        }
        self.entitlements = entitlements
        self.demands = demands
        self.notInData = notInData
        self.notInDataObjects = objects
    }

    /// An object as the metadata names it at one level: its type as written (a kind the data does not know included).
    private struct ObjectIdentity: Hashable, Sendable {
        var type: String
        var name: NameKey
        var child: NameKey
        var level: ObjectAccessLevel
    }

    /// One privilege evaluated: each grant's entitlement, the demand, and the grants on objects not in the data.
    private struct EvaluatedPrivilege: Sendable {
        var entitlements: [ObjectEntitlement?]
        var demand: PrivilegeDemand
        var notInData: [(identity: ObjectIdentity, grant: Int)]
    }

    private static func evaluate(_ privileges: ArraySlice<SecurityPrivilege>, map: ObjectLicenseMap) -> [EvaluatedPrivilege] {
        let teamMembers = SkuSet([map.catalog.teamMembers])
        let meetsAll = map.catalog.metByEveryLicense
        var keys = KeyCache()
        return privileges.map { privilege in
            var row: [ObjectEntitlement?] = []
            row.reserveCapacity(privilege.entryPoints.count + privilege.dataEntityPermissions.count)
            var groups: Set<SkuSet> = []
            var isUnlicensable = false
            var notInData: [(identity: ObjectIdentity, grant: Int)] = []
            func add(kind: SecurableKind?, type: @autoclosure () -> String, name: String, child: String, grant: AccessGrant) {
                let (nameKey, childKey) = (keys.key(name), keys.key(child))
                let entitlement = Self.entitlement(kind: kind, name: nameKey, child: childKey, grant: grant, map: map, teamMembers: teamMembers)
                row.append(entitlement)
                guard let entitlement else { return }
                switch entitlement.status {
                case .unlicensable: isUnlicensable = true
                case .notInMicrosoftData:
                    groups.insert(entitlement.skus)
                    notInData.append((ObjectIdentity(type: type(), name: nameKey, child: childKey, level: entitlement.level), row.count - 1))
                case .entitled: groups.insert(entitlement.skus)
                }
            }
            for entryPoint in privilege.entryPoints {
                add(kind: keys.kind(entryPoint.objectType), type: entryPoint.objectType.description, name: entryPoint.objectName,
                    child: entryPoint.objectChildName, grant: entryPoint.grant)
            }
            for permission in privilege.dataEntityPermissions {
                add(kind: .dataEntity, type: SecurableKind.dataEntity.rawValue, name: permission.name, child: "", grant: permission.grant)
            }
            // Only the groups that constrain a license are kept: roles merge thousands of privileges' groups.
            let essential = LicensingEngine.essentialGroups(groups, meetingAll: meetsAll).sorted()
            return EvaluatedPrivilege(entitlements: row, demand: PrivilegeDemand(tier: .none, skus: nil, objectGroups: essential, isUnlicensable: isUnlicensable),
                                      notInData: notInData)
        }
    }

    /// The objects these privileges grant that are not in Microsoft's data, each once, sorted.
    public func objectsNotInMicrosoftData(ofPrivileges privileges: [Int]) -> [String] {
        var seen = Set<Int>()
        for privilege in privileges { seen.formUnion(notInData[privilege]) }
        return seen.map(notInDataName).sorted()
    }

    /// `Kind Name[.Child] (Level)` of the `index`th object not in Microsoft's data.
    private func notInDataName(_ index: Int) -> String {
        let (privilege, grant) = notInDataObjects[index]
        return Self.describe(graph, entitlements, privilege: privilege, grant: grant)
    }

    /// The object type, name and child name of grant `grant` of `privilege`.
    private static func object(_ graph: SecurityGraph, privilege: Int, grant: Int) -> (kind: String, name: String, child: String) {
        let definition = graph.privileges[privilege]
        if grant < definition.entryPoints.count {
            let entryPoint = definition.entryPoints[grant]
            return (entryPoint.objectType.description, entryPoint.objectName, entryPoint.objectChildName)
        }
        return (SecurableKind.dataEntity.rawValue, definition.dataEntityPermissions[grant - definition.entryPoints.count].name, "")
    }

    /// `Kind Name[.Child] (Level)`.
    private static func describe(_ graph: SecurityGraph, _ entitlements: [[ObjectEntitlement?]], privilege: Int, grant: Int) -> String {
        let (kind, name, child) = object(graph, privilege: privilege, grant: grant)
        return "\(kind) \(name)\(child.isEmpty ? "" : ".\(child)") (\(entitlements[privilege][grant]!.level))"
    }

    /// Thousands of grants name a few thousand objects: each name is made a key, and each written type a kind, once.
    private struct KeyCache {
        private var names: [String: NameKey] = [:]
        private var kinds: [String: SecurableKind?] = [:]

        mutating func key(_ name: String) -> NameKey {
            if let known = names[name] { return known }
            let key = NameKey(name)
            names[name] = key
            return key
        }

        mutating func kind(_ type: EntryPointObjectType) -> SecurableKind? {
            guard case .other(let text) = type else { return SecurableKind(type) }
            if let known = kinds[text] { return known }
            let kind = SecurableKind(type)
            kinds[text] = kind
            return kind
        }
    }

    private static func entitlement(kind: SecurableKind?, name: NameKey, child: NameKey, grant: AccessGrant, map: ObjectLicenseMap,
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
        notInData[privilege].map(notInDataName)
    }

    /// The objects `privilege` grants that no known SKU can entitle.
    public func unlicensableObjects(ofPrivilege privilege: Int) -> [String] {
        Self.objects(graph, entitlements, ofPrivilege: privilege, status: .unlicensable)
    }

    private static func objects(_ graph: SecurityGraph, _ entitlements: [[ObjectEntitlement?]], ofPrivilege privilege: Int, status: ObjectEntitlement.Status) -> [String] {
        entitlements[privilege].indices.filter { entitlements[privilege][$0]?.status == status }.map {
            describe(graph, entitlements, privilege: privilege, grant: $0)
        }
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
