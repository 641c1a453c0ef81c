import AXModel
import AXReading

/// A way of deciding what license holding a privilege demands: the seam between the security model and every
/// licensing answer (estimate, roles, View Permissions, explain, what-if, diff). Commands and reports ask the
/// `LicensingEngine`, which asks its method; nothing outside a method reads menu-item licenses or the SKU map.
///
/// Two methods are known (Docs/licensing-rules.md): the entry-point + SKU-map method (`EntryPointSkuMapMethod`,
/// menu-item licenses and the `LicensingServicePlansPrivilege` map) and the per-object method, where each grant's
/// access level (Read or Write) on an object maps to the SKUs that license that object. Both answer the same
/// questions, privilege by privilege and grant by grant, so the combination over roles and users (the highest tier,
/// every required SKU, one SKU of each any-of group) and the optimiser stay the same whichever method is used.
public protocol LicensingMethod: Sendable {
    /// The method's name in documentation and diagnostics (`entry-point-sku-map`).
    var name: String { get }

    /// What holding `privilege` (an index into `SecurityGraph.privileges`) demands on its own.
    func demand(ofPrivilege privilege: Int) -> PrivilegeDemand

    /// The access and license that grant `grant` of `privilege` needs: one row of View Permissions, one cause in
    /// explain. Grants are the privilege's entry points, then its data entity permissions.
    func license(ofGrant grant: Int, inPrivilege privilege: Int) -> GrantLicense

    /// Problems found in the method's own inputs (the SKU map's, say), for the run's diagnostics.
    var diagnostics: [Diagnostic] { get }

    /// The files the method read its rules from, each with what it is, so a report can point at the one a change
    /// touched (diff points a changed SKU-map row at the SKU map) without knowing the method's type.
    var inputs: [MethodInput] { get }

    /// True when the method reads a license from each entry point's menu item (so a menu item missing from the
    /// metadata leaves a license unknown); false when licenses come from elsewhere (Microsoft's per-object data).
    var readsMenuItemLicenses: Bool { get }
}

extension LicensingMethod {
    /// Menu-item licenses decide, unless a method says otherwise.
    public var readsMenuItemLicenses: Bool { true }
}

/// One file a licensing method reads its rules from.
public struct MethodInput: Sendable, Hashable {
    /// What the file is (`skuMap`, `objectLicenses`).
    public var kind: InputKind
    /// The file's path as it was read.
    public var file: String

    public init(kind: InputKind, file: String) {
        self.kind = kind
        self.file = file
    }
}

/// What one privilege demands under a licensing method.
public struct PrivilegeDemand: Sendable, Hashable {
    /// The lowest license tier a holder needs (`none` when the method demands no tier, only SKUs).
    public var tier: LicenseTier
    /// The SKU map's requirement (entry-point + SKU-map method), nil when the map names none for this privilege.
    public var skus: SkuRequirement?
    /// Per-object method: one any-of group per distinct requirement of the objects the privilege grants.
    public var objectGroups: [SkuSet]
    /// Per-object method: some object the privilege grants can be entitled by no SKU the catalog knows.
    public var isUnlicensable: Bool

    public init(tier: LicenseTier, skus: SkuRequirement?, objectGroups: [SkuSet] = [], isUnlicensable: Bool = false) {
        self.tier = tier
        self.skus = skus
        self.objectGroups = objectGroups
        self.isUnlicensable = isUnlicensable
    }
}

/// The license one grant needs, and the access it gives. Under the entry-point method a grant is an entry point
/// (view or maintain access to a menu item); under the per-object method it is an object permission (Read or Write).
public typealias GrantLicense = EntryPointLicense

/// The legacy method (Docs/licensing-rules.md §2–§3): a privilege needs the highest license of the menu items it grants (view or
/// maintain, as the menu item's `ViewUserLicense` / `MaintainUserLicense` say, AX 2012 values mapped and reported),
/// plus the SKUs the SKU map lists for it.
public struct EntryPointSkuMapMethod: LicensingMethod {
    /// The resolved security model.
    public let graph: SecurityGraph
    /// The `LicensingServicePlansPrivilege` map.
    public let skuMap: SkuMap
    private let demands: [PrivilegeDemand]
    /// Each menu item's interpreted `ViewUserLicense` and `MaintainUserLicense`.
    private let menuItemLicenses: [(view: UserLicenseValue, maintain: UserLicenseValue)]
    /// Legacy and unknown license values, then the SKU map's problems.
    public let diagnostics: [Diagnostic]

    public var name: String { "entry-point-sku-map" }

    /// The SKU map, when it was read from a file.
    public var inputs: [MethodInput] { skuMap.source.map { [MethodInput(kind: .skuMap, file: $0)] } ?? [] }

    /// Evaluates every privilege of `graph` once.
    public init(graph: SecurityGraph, skuMap: SkuMap) {
        self.graph = graph
        self.skuMap = skuMap
        // Elements are read in place by index: iterating (`zip`, `enumerated`) copies every menu item and privilege.
        let menuItems = graph.menuItems
        var licenses: [(view: UserLicenseValue, maintain: UserLicenseValue)] = []
        licenses.reserveCapacity(menuItems.count)
        var diagnostics: [Diagnostic] = []
        for index in menuItems.indices {
            let license = (view: UserLicenseValue(aotValue: menuItems[index].viewLicense), maintain: UserLicenseValue(aotValue: menuItems[index].maintainLicense))
            licenses.append(license)
            guard license.view.kind != .current || license.maintain.kind != .current else { continue }
            for (property, value) in [("ViewUserLicense", license.view), ("MaintainUserLicense", license.maintain)] {
                if let diagnostic = UserLicenseValue.diagnostic(value, property: property, of: menuItems[index]) { diagnostics.append(diagnostic) }
            }
        }
        self.menuItemLicenses = licenses
        self.diagnostics = DiagnosticLog.merged(diagnostics, skuMap.diagnostics)
        let privileges = graph.privileges
        var demands: [PrivilegeDemand] = []
        demands.reserveCapacity(privileges.count)
        for privilege in privileges.indices {
            let entryPoints = privileges[privilege].entryPoints
            let targets = graph.entryPointMenuItems[privilege]
            var tier = LicenseTier.none
            for entryPoint in entryPoints.indices where tier < .operations {
                tier = max(tier, Self.license(of: entryPoints[entryPoint], menuItem: targets[entryPoint], licenses).tier)
            }
            demands.append(PrivilegeDemand(tier: tier, skus: skuMap.requirement(forPrivilege: privileges[privilege].name)))
        }
        self.demands = demands
    }

    public func demand(ofPrivilege privilege: Int) -> PrivilegeDemand { demands[privilege] }

    /// Grants past the entry points are data entity permissions, which carry no license under this method.
    public func license(ofGrant grant: Int, inPrivilege privilege: Int) -> GrantLicense {
        let entryPoints = graph.privileges[privilege].entryPoints
        guard grant < entryPoints.count else {
            let permission = graph.privileges[privilege].dataEntityPermissions[grant - entryPoints.count]
            return EntryPointLicense(access: permission.grant.accessLevel, tier: .none, isKnown: true)
        }
        return Self.license(of: entryPoints[grant], menuItem: graph.entryPointMenuItems[privilege][grant], menuItemLicenses)
    }

    /// The license of one entry point, which opens the menu item at index `menuItem` of the graph (nil: none is defined).
    private static func license(of grant: EntryPointGrant, menuItem: Int?, _ licenses: [(view: UserLicenseValue, maintain: UserLicenseValue)]) -> EntryPointLicense {
        let access = grant.grant.accessLevel
        guard access != .none, grant.objectType.menuItemKind != nil else {
            return EntryPointLicense(access: access, tier: .none, isKnown: true)
        }
        guard let item = menuItem else {
            return EntryPointLicense(access: access, tier: .none, isKnown: false)
        }
        return EntryPointLicense(access: access, tier: UserLicenseValue.license(for: access, view: licenses[item].view, maintain: licenses[item].maintain), isKnown: true)
    }
}
