import AXLicensing
import AXModel

/// How the reports word the values their rows carry: one wording per value, used by every renderer, so the rows
/// themselves stay data (rights as a set, a privilege's SKUs as a requirement).
enum ValueText {
    /// Allowed rights in the order the AOT writes them (`Read, Update`), or `None`.
    static func rights(_ rights: Set<AccessRight>) -> String {
        rights.isEmpty ? "None" : AccessRight.allCases.filter(rights.contains).map(\.rawValue).joined(separator: ", ")
    }

    /// A grant: its allowed rights (`Read, Update`), `Read denied` (which overrides every right), or `None`.
    static func grant(_ grant: AccessGrant) -> String {
        grant[.read] == .deny ? "Read denied" : rights(Set(grant.allowedRights))
    }

    /// A grant's access level under the per-object method: `Read`, `Write`, or `none` (denied or nothing set).
    static func accessLevel(_ object: ObjectEntitlement?) -> String {
        object?.level.description ?? "none"
    }

    /// An object permission's License under the per-object method: Microsoft's text (`Finance or Supply Chain
    /// Management`); `Team Members *` when the object is not in Microsoft's data; the unknown names marked unlicensable;
    /// empty for no access.
    static func objectLicense(_ object: ObjectEntitlement?) -> String {
        guard let object else { return "" }
        switch object.status {
        case .entitled: return object.licenseText
        case .notInMicrosoftData: return object.licenseText + PermissionsReport.notInDataMarker
        case .unlicensable: return "\(object.licenseText) (unlicensable: no known SKU)"
        }
    }

    /// A privilege's SKU-map requirement (`Finance (required); any of Finance, Commerce`), empty when the map names none.
    static func skus(_ requirement: SkuRequirement?, catalog: SkuCatalog) -> String {
        requirement?.description(in: catalog) ?? ""
    }
}

/// A privilege's SKU-map requirement in JSON, by SKU name: `required` the IsUnique 1 SKUs (each must be held), `anyOf`
/// every SKU the privilege's rows name (holding one meets the group).
struct SkuRequirementJSON: Encodable, Equatable, Sendable {
    var required: [String]
    var anyOf: [String]

    init(_ requirement: SkuRequirement, catalog: SkuCatalog) {
        required = catalog.names(requirement.required)
        anyOf = catalog.names(requirement.anyOf)
    }
}
