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

/// Applies the licensing rules of DOMAIN §2–3 to a resolved security graph.
public struct LicensingEngine: Sendable {
    public let graph: SecurityGraph
    public let catalog: SkuCatalog
    public let skuMap: SkuMap
    public let optimizer: LicenseOptimizer
    /// Entry-point license per privilege (the highest over its entry points).
    public let privilegeEntryPointTiers: [LicenseTier]
    /// SKU-map requirement per privilege, nil when the map does not name it.
    public let privilegeSkuRequirements: [SkuRequirement?]
    /// Requirements per role, over its effective privileges (replaced only by `whatIf(role:…)` on a copy).
    public internal(set) var roleRequirements: [LicenseRequirements]

    /// Evaluates every privilege and role of `graph` once.
    public init(graph: SecurityGraph, catalog: SkuCatalog, skuMap: SkuMap) {
        self.graph = graph
        self.catalog = catalog
        self.skuMap = skuMap
        self.optimizer = LicenseOptimizer(catalog: catalog)
        var tiers: [LicenseTier] = []
        tiers.reserveCapacity(graph.privileges.count)
        for privilege in graph.privileges.indices {
            var tier = LicenseTier.none
            for entryPoint in graph.privileges[privilege].entryPoints.indices {
                tier = max(tier, Self.entryPointLicense(graph, privilege, entryPoint).tier)
            }
            tiers.append(tier)
        }
        self.privilegeEntryPointTiers = tiers
        let skus = graph.privileges.map { skuMap.requirement(forPrivilege: $0.name) }
        self.privilegeSkuRequirements = skus
        self.roleRequirements = graph.roleEffectivePrivileges.map { Self.requirements(ofPrivileges: $0, tiers: tiers, skus: skus) }
    }

    private static func entryPointLicense(_ graph: SecurityGraph, _ privilege: Int, _ entryPoint: Int) -> EntryPointLicense {
        let grant = graph.privileges[privilege].entryPoints[entryPoint]
        let access = grant.grant.accessLevel
        guard access != .none, grant.objectType.menuItemKind != nil else {
            return EntryPointLicense(access: access, tier: .none, isKnown: true)
        }
        guard let item = graph.entryPointMenuItems[privilege][entryPoint] else {
            return EntryPointLicense(access: access, tier: .none, isKnown: false)
        }
        return EntryPointLicense(access: access, tier: graph.menuItems[item].license(for: access), isKnown: true)
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

    /// The license one entry point of one privilege needs.
    public func entryPointLicense(privilege: Int, entryPoint: Int) -> EntryPointLicense {
        Self.entryPointLicense(graph, privilege, entryPoint)
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

    /// What a user holding only `object` would need (DOMAIN §3): at least Team Members.
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
