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

    /// `Operations`, `None`, or `Unknown`.
    public var name: String { isKnown ? tier.name : "Unknown" }
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
    /// The SKUs each privilege demands under `method`, nil when it names none.
    public let privilegeSkuRequirements: [SkuRequirement?]
    /// Requirements per role, over its effective privileges (replaced only by `whatIf(role:…)` on a copy).
    public internal(set) var roleRequirements: [LicenseRequirements]

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
        let tiers = demands.map(\.tier)
        let skus = demands.map(\.skus)
        self.privilegeEntryPointTiers = tiers
        self.privilegeSkuRequirements = skus
        self.roleRequirements = graph.roleEffectivePrivileges.map { Self.requirements(ofPrivileges: $0, tiers: tiers, skus: skus) }
    }

    private static func requirements(ofPrivileges privileges: [Int], tiers: [LicenseTier], skus: [SkuRequirement?]) -> LicenseRequirements {
        var tier = LicenseTier.none
        var required = SkuSet.empty
        var groups: [SkuSet] = []
        for privilege in privileges {
            tier = max(tier, tiers[privilege])
            if let sku = skus[privilege] {
                required = required.union(sku.required)
                groups.append(sku.anyOf)
            }
        }
        return LicenseRequirements(entryPointTier: tier, required: required, anyOfGroups: groups)
    }

    /// The license one entry point (grant) of one privilege needs, as the method says.
    public func entryPointLicense(privilege: Int, entryPoint: Int) -> EntryPointLicense {
        method.license(ofGrant: entryPoint, inPrivilege: privilege)
    }

    /// The requirements of holding these privileges.
    public func requirements(ofPrivileges privileges: [Int]) -> LicenseRequirements {
        Self.requirements(ofPrivileges: privileges, tiers: privilegeEntryPointTiers, skus: privilegeSkuRequirements)
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
