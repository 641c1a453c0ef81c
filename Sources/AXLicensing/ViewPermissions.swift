import AXModel
import AXReading

/// One row of View Permissions: an entry point (or data entity) of one reachable privilege, with a shortest grant path.
public struct PermissionEntry: Sendable, Hashable {
    /// `MenuItemDisplay`, `MenuItemAction`, `MenuItemOutput`, `ServiceOperation`, `DataEntity`, …
    public var objectType: String
    public var objectName: String
    public var objectChildName: String
    /// The grant on the entry point: each right allowed, denied or not set.
    public var grant: AccessGrant
    /// What the grant gives and needs: the access level and the tier (unknown when the menu item is not in the tree).
    public var entryPointLicense: EntryPointLicense
    /// The granting privilege.
    public var privilege: String
    /// What the SKU map demands of the granting privilege's holders; nil when the map does not name the privilege.
    /// A value: the reports word it (`Finance (required)`, `any of Finance, Commerce`).
    public var privilegeSkus: SkuRequirement?
    /// Role > sub-role > duty > privilege: a shortest path (see `GrantPath`).
    public var path: [GrantPathStep]
    /// How many other paths grant the privilege; `GrantPath.furtherPathLimit` means that many or more.
    public var furtherPaths: Int

    /// View, maintain or no access.
    public var access: AccessLevel { entryPointLicense.access }
}

/// View Permissions for one role, duty or privilege: a header and every reachable entry point, each once.
public struct PermissionsView: Sendable {
    public var type: SecurableObjectType
    public var name: String
    public var label: String
    public var origin: ModelOrigin
    /// The highest entry-point license over everything reachable.
    public var entryPointLicense: LicenseTier
    public var requirements: LicenseRequirements
    /// What a user holding only this object needs.
    public var license: LicenseChoice
    public var entries: [PermissionEntry]
    /// Per-object method: the objects reached that are not in Microsoft's data (each needs Team Members), as
    /// `Kind Name[.Child] (Level)`; nil under the legacy method.
    public var objectsNotInMicrosoftData: [String]? = nil
    /// Per-object method: the objects reached that no SKU the catalog knows can entitle; nil under the legacy method.
    public var unlicensableObjects: [String]? = nil
}

extension LicensingEngine {
    /// View Permissions for `object`.
    public func permissions(of object: SecurableObject) -> PermissionsView {
        let (type, name, label, origin) = describe(object)
        let requirements = requirements(of: object)
        var entries: [PermissionEntry] = []
        for grant in graph.grantPaths(from: object) {
            let (path, privilege, furtherPaths) = (grant.path, grant.privilege, grant.furtherPaths)
            let definition = graph.privileges[privilege]
            let skus = privilegeSkuRequirements[privilege]
            for (index, entryPoint) in definition.entryPoints.enumerated() {
                let license = entryPointLicense(privilege: privilege, entryPoint: index)
                entries.append(PermissionEntry(
                    objectType: entryPoint.objectType.description, objectName: entryPoint.objectName,
                    objectChildName: entryPoint.objectChildName, grant: entryPoint.grant,
                    entryPointLicense: license, privilege: definition.name, privilegeSkus: skus, path: path, furtherPaths: furtherPaths))
            }
            for (offset, permission) in definition.dataEntityPermissions.enumerated() {
                entries.append(PermissionEntry(
                    objectType: SecurableKind.dataEntity.rawValue, objectName: permission.name, objectChildName: "",
                    grant: permission.grant,
                    entryPointLicense: entryPointLicense(privilege: privilege, entryPoint: definition.entryPoints.count + offset),
                    privilege: definition.name, privilegeSkus: skus, path: path, furtherPaths: furtherPaths))
            }
        }
        let privileges = graph.effectivePrivileges(of: object)
        return PermissionsView(
            type: type, name: name, label: label, origin: origin, entryPointLicense: requirements.entryPointTier,
            requirements: requirements, license: optimizer.cheapestLicense(for: requirements), entries: entries,
            objectsNotInMicrosoftData: objectsNotInMicrosoftData(ofPrivileges: privileges), unlicensableObjects: unlicensableObjects(ofPrivileges: privileges))
    }
}

extension SkuRequirement {
    /// The requirement in words, as every report and the diff's causes write it: `Finance (required); any of Finance,
    /// Commerce` (the any-of part names every SKU of the privilege's rows, and appears only when some are not required).
    public func description(in catalog: SkuCatalog) -> String {
        var parts: [String] = []
        if !required.isEmpty { parts.append(catalog.names(required).map { "\($0) (required)" }.joined(separator: ", ")) }
        let optional = anyOf.intersection(SkuSet(bits: ~required.bits))
        if !optional.isEmpty { parts.append("any of " + catalog.names(anyOf).joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }
}
