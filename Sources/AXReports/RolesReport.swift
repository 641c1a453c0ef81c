import AXLicensing
import AXModel
import AXReading

/// `axlicense roles`: one row per role with its entry-point license, SKU requirements and cheapest license.
public struct RolesReport: Sendable {
    public var roles: [RoleLicense]
    public var catalog: SkuCatalog
    public var diagnostics: [Diagnostic]
    public var isComplete: Bool

    public init(roles: [RoleLicense], catalog: SkuCatalog, diagnostics: [Diagnostic], isComplete: Bool) {
        self.roles = roles
        self.catalog = catalog
        self.diagnostics = diagnostics
        self.isComplete = isComplete
    }

    private var showsUsers: Bool { roles.contains { $0.usersAssigned != nil } }

    /// The roles table.
    public var table: ReportTable {
        var columns = [ReportColumn("Role", priority: .essential), ReportColumn("Label", priority: .low), ReportColumn("Model", priority: .low),
                       ReportColumn("Entry-point license", .license), ReportColumn("Required SKUs", .list), ReportColumn("Any-of groups", .list),
                       ReportColumn("License", .list, priority: .essential), ReportColumn("Monthly cost", .money, priority: .essential)]
        if showsUsers { columns.append(ReportColumn("Users", .number, priority: .essential)) }
        return ReportTable(
            title: "Security roles",
            columns: columns,
            rows: roles.map { role in
                let requirement = RequirementText(role.requirements, catalog: catalog)
                var row = [role.role.name, role.role.label, role.role.origin.description, role.entryPointLicense.name,
                           requirement.requiredText, requirement.groupsText, role.license.summary, role.license.monthlyCost.description]
                if let users = role.usersAssigned { row.append("\(users)") }
                return row
            })
    }
}

extension RolesReport: ReportConvertible {
    /// The roles table; CSV holds it too.
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)], reportFooter(diagnostics, isComplete: isComplete)], csvTable: table, jsonBody: RolesJSON(self))
    }
}

struct RolesJSON: Encodable {
    struct Role: Encodable {
        var row: RoleLicense
        var requirement: RequirementText
        enum CodingKeys: String, CodingKey { case name, label, package, model, entryPointLicense, requiredSkus, anyOfGroups, licenseTier, base, attach, monthlyCost, usersAssigned }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.role.name, forKey: .name)
            try c.encode(row.role.label, forKey: .label)
            try c.encode(row.role.origin.package, forKey: .package)
            try c.encode(row.role.origin.model, forKey: .model)
            try c.encode(requirement.required, forKey: .requiredSkus)
            try c.encode(requirement.anyOfGroups, forKey: .anyOfGroups)
            try LicenseFieldsJSON(entryPointLicense: row.entryPointLicense, license: row.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
            try c.encode(row.usersAssigned, forKey: .usersAssigned)
        }
    }
    var roles: [Role]
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: RolesReport) {
        roles = report.roles.map { Role(row: $0, requirement: RequirementText($0.requirements, catalog: report.catalog)) }
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
