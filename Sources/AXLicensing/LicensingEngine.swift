import AXModel
import AXReading

/// The license one entry-point grant needs.
public struct EntryPointLicense: Sendable, Hashable {
    /// View, maintain, or no access.
    public var access: AccessLevel
    /// The tier needed; `.none` when access is none, the object carries no license, or the license is unknown.
    public var tier: LicenseTier
    /// False when the entry point is a menu item that is not in the tree (D365FO's "license unknown").
    public var isKnown: Bool
    /// Under the per-object method: the object permission's level and the SKUs that entitle it; nil under the
    /// entry-point method.
    public var object: ObjectEntitlement?

    public init(access: AccessLevel, tier: LicenseTier, isKnown: Bool, object: ObjectEntitlement? = nil) {
        self.access = access
        self.tier = tier
        self.isKnown = isKnown
        self.object = object
    }

    /// `Operations`, `None`, or `Unknown`; under the per-object method, Microsoft's License text (`Finance or Supply
    /// Chain Management`), `Team Members` for objects not in Microsoft's data.
    public var name: String {
        if let object { return object.licenseText }
        return isKnown ? tier.name : "Unknown"
    }
}

/// Every licensing answer over a resolved security graph: requirements and cheapest license of privileges, duties,
/// roles and users, under one `LicensingMethod` (Docs/licensing-rules.md §2–§3 for how privileges combine).
public struct LicensingEngine: Sendable {
    public let graph: SecurityGraph
    public let catalog: SkuCatalog
    /// The method that says what each privilege and grant demands.
    public let method: any LicensingMethod
    public let optimizer: LicenseOptimizer
    /// The tier each privilege demands under `method` (for the entry-point method, the highest over its entry points).
    public let privilegeEntryPointTiers: [LicenseTier]
    /// The SKU map's requirement of each privilege (entry-point + SKU-map method), nil when it names none.
    public let privilegeSkuRequirements: [SkuRequirement?]
    /// What each privilege demands under `method`.
    public let privilegeDemands: [PrivilegeDemand]
    /// Requirements per role, over its effective privileges (replaced only by `whatIf(role:…)` on a copy).
    public internal(set) var roleRequirements: [LicenseRequirements]

    /// References from the analysed tree to objects no layer holds, through which license impact is unknown under
    /// this method (a missing menu item matters only to a method that reads menu-item licenses).
    public var unresolved: UnresolvedObjects {
        UnresolvedObjects(graph.unresolved.filter { method.readsMenuItemLicenses || $0.kind != .menuItem })
    }

    /// Evaluates every privilege and role of `graph` once, with the entry-point + SKU-map method.
    public init(graph: SecurityGraph, catalog: SkuCatalog, skuMap: SkuMap) {
        self.init(graph: graph, catalog: catalog, method: EntryPointSkuMapMethod(graph: graph, skuMap: skuMap))
    }

    /// Evaluates every privilege and role of `graph` once, with `method`.
    public init(graph: SecurityGraph, catalog: SkuCatalog, method: any LicensingMethod) {
        self.graph = graph
        self.catalog = catalog
        self.method = method
        self.optimizer = LicenseOptimizer(catalog: catalog)
        let demands = graph.privileges.indices.map { method.demand(ofPrivilege: $0) }
        self.privilegeDemands = demands
        self.privilegeEntryPointTiers = demands.map(\.tier)
        self.privilegeSkuRequirements = demands.map(\.skus)
        let meetsAll = catalog.metByEveryLicense
        self.roleRequirements = graph.roleEffectivePrivileges.map { Self.requirements(ofPrivileges: $0, demands: demands, everyLicenseMeets: meetsAll) }
    }

    private static func requirements(ofPrivileges privileges: [Int], demands: [PrivilegeDemand], everyLicenseMeets: SkuSet) -> LicenseRequirements {
        var tier = LicenseTier.none
        var required = SkuSet.empty
        var groups: Set<SkuSet> = []
        var objectGroups: Set<SkuSet> = []
        var isUnlicensable = false
        for privilege in privileges {
            let demand = demands[privilege]
            tier = max(tier, demand.tier)
            if let sku = demand.skus {
                required = required.union(sku.required)
                groups.insert(sku.anyOf)
            }
            objectGroups.formUnion(demand.objectGroups)
            isUnlicensable = isUnlicensable || demand.isUnlicensable
        }
        groups.formUnion(Self.essentialGroups(objectGroups, meetingAll: everyLicenseMeets))
        return LicenseRequirements(entryPointTier: tier, required: required, anyOfGroups: groups, isUnlicensable: isUnlicensable)
    }

    /// The per-object groups that still constrain the license: a group listing a Team Members or Self Service SKU
    /// is met by every license (Docs/licensing-rules.md §7, "Meeting a set"), and a group that contains another
    /// group is met whenever that one is. A role grants thousands of objects but only a handful of such groups
    /// remain, so users share requirement signatures and the optimiser checks few groups.
    static func essentialGroups(_ groups: Set<SkuSet>, meetingAll: SkuSet) -> [SkuSet] {
        let candidates = groups.filter { !$0.intersects(meetingAll) }.sorted { $0.bits.nonzeroBitCount < $1.bits.nonzeroBitCount }
        var kept: [SkuSet] = []
        for group in candidates where !kept.contains(where: { $0.isSubset(of: group) }) { kept.append(group) }
        return kept
    }

    /// The license one entry point (grant) of one privilege needs, as the method says.
    public func entryPointLicense(privilege: Int, entryPoint: Int) -> EntryPointLicense {
        method.license(ofGrant: entryPoint, inPrivilege: privilege)
    }

    /// The objects these privileges grant that are not in Microsoft's data (each needs Team Members); nil when the
    /// method is not the per-object one.
    public func objectsNotInMicrosoftData(ofPrivileges privileges: [Int]) -> [String]? {
        (method as? PerObjectMethod)?.objectsNotInMicrosoftData(ofPrivileges: privileges)
    }

    /// The objects these privileges grant that no SKU the catalog knows can entitle; nil when the method is not the
    /// per-object one.
    public func unlicensableObjects(ofPrivileges privileges: [Int]) -> [String]? {
        guard let method = method as? PerObjectMethod else { return nil }
        return Array(Set(privileges.flatMap(method.unlicensableObjects(ofPrivilege:)))).sorted()
    }

    /// The requirements of holding these privileges.
    public func requirements(ofPrivileges privileges: [Int]) -> LicenseRequirements {
        Self.requirements(ofPrivileges: privileges, demands: privilegeDemands, everyLicenseMeets: catalog.metByEveryLicense)
    }

    /// The requirements of holding a role, duty or privilege.
    public func requirements(of object: SecurableObject) -> LicenseRequirements {
        if case .role(let role) = object { return roleRequirements[role] }
        return requirements(ofPrivileges: graph.effectivePrivileges(of: object))
    }

    /// What a user holding only `object` would need (Docs/licensing-rules.md §3): at least Team Members.
    public func license(of object: SecurableObject) -> LicenseChoice {
        optimizer.cheapestLicense(for: requirements(of: object))
    }

    /// The role, duty or privilege with this name; `type` narrows the search when names collide.
    public func findObject(named name: String, type: SecurableObjectType?) throws(LookupError) -> SecurableObject {
        try graph.object(named: name, type: type)
    }

    /// Name, label, kind and origin of an object, for headers and rows.
    public func describe(_ object: SecurableObject) -> (type: SecurableObjectType, name: String, label: String, origin: ModelOrigin) {
        switch object {
        case .role(let i): (.role, graph.roles[i].name, graph.roles[i].label, graph.roles[i].origin)
        case .duty(let i): (.duty, graph.duties[i].name, graph.duties[i].label, graph.duties[i].origin)
        case .privilege(let i): (.privilege, graph.privileges[i].name, graph.privileges[i].label, graph.privileges[i].origin)
        }
    }
}
