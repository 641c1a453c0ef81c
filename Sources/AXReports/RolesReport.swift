import AXLicensing
import AXModel
import AXReading

/// `axlicense roles`: one row per role with its entry-point license, SKU requirements and cheapest license.
public struct RolesReport: Sendable {
    public var roles: [RoleLicense]
    public var catalog: SkuCatalog
    public var diagnostics: [Diagnostic]
    public var isComplete: Bool

    /// Creates the report.
    public init(roles: [RoleLicense], catalog: SkuCatalog, diagnostics: [Diagnostic], isComplete: Bool) {
        self.roles = roles
        self.catalog = catalog
        self.diagnostics = diagnostics
        self.isComplete = isComplete
    }

    private var showsUsers: Bool { roles.contains { $0.usersAssigned != nil } }

    /// The roles table.
    public var table: TextTable {
        var header = ["Role", "Label", "Model", "Entry-point license", "Required SKUs", "Any-of groups", "License", "Monthly cost"]
        if showsUsers { header.append("Users") }
        return TextTable(
            title: "Security roles",
            header: header,
            rows: roles.map { role in
                let requirement = RequirementText(role.requirements, catalog: catalog)
                var row = [role.role.name, role.role.label, role.role.origin.description, role.entryPointLicense.name,
                           requirement.requiredText, requirement.groupsText, role.license.summary, role.license.monthlyCost.description]
                if let users = role.usersAssigned { row.append("\(users)") }
                return row
            },
            numericColumns: showsUsers ? [7, 8] : [7])
    }

    /// Renders the report.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table:
            return table.renderText() + "\n" + reportFooter(diagnostics, isComplete: isComplete, markdown: false)
        case .markdown:
            return table.renderMarkdown() + "\n" + reportFooter(diagnostics, isComplete: isComplete, markdown: true)
        case .csv:
            return table.renderCSV()
        case .json:
            return encodeJSON(RolesJSON(self))
        }
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
