import AXLicensing
import AXModel
import AXReading

/// `axlicense roles`: one row per role with its entry-point license, SKU requirements and cheapest license.
public struct RolesReport: Sendable {
    public var roles: [RoleLicense]
    public var catalog: SkuCatalog
    public var diagnostics: [Diagnostic]
    public var isComplete: Bool
    /// The method the licenses come from: the per-object method has no entry-point license or SKU-map requirements,
    /// and counts objects not in Microsoft's data.
    public var method: MethodUse.Method
    /// The other method's licenses beside these (`both`), nil otherwise.
    public var comparison: MethodComparison?

    public init(roles: [RoleLicense], catalog: SkuCatalog, diagnostics: [Diagnostic], isComplete: Bool, method: MethodUse.Method = .legacy,
                comparison: MethodComparison? = nil) {
        self.roles = roles
        self.catalog = catalog
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.method = method
        self.comparison = comparison
    }

    private var showsUsers: Bool { roles.contains { $0.usersAssigned != nil } }

    /// The roles table.
    public var table: ReportTable {
        var columns = [ReportColumn("Role", priority: .essential), ReportColumn("Label", priority: .low), ReportColumn("Model", priority: .low)]
        switch method {
        case .legacy: columns += [ReportColumn("Entry-point license", .license), ReportColumn("Required SKUs", .list), ReportColumn("Any-of groups", .list)]
        case .objects: columns += [ReportColumn("Any-of groups", .list), ReportColumn("Not in Microsoft's data", .number)]
        }
        columns += [ReportColumn("License", .list, priority: .essential), ReportColumn("Monthly cost", .money, priority: .essential)]
        if method == .objects { columns.append(ReportColumn("Base group", priority: .low)) }
        if showsUsers { columns.append(ReportColumn("Users", .number, priority: .essential)) }
        if let comparison { columns += MigrationColumns.columns(other: comparison.other) }
        return ReportTable(
            title: "Security roles",
            columns: columns,
            rows: roles.enumerated().map { index, role in
                let requirement = RequirementText(role.requirements, catalog: catalog)
                var row = [role.role.name, role.role.label, role.role.origin.description]
                switch method {
                case .legacy: row += [role.entryPointLicense.name, requirement.requiredText, requirement.groupsText]
                case .objects: row += [requirement.groupsText, "\(role.objectsNotInMicrosoftData ?? 0)"]
                }
                row += [Self.licenseText(role), role.license.monthlyCost.description]
                if method == .objects { row.append(MigrationColumns.groupText(role.license)) }
                if let users = role.usersAssigned { row.append("\(users)") }
                if let comparison { row += MigrationColumns.cells(comparison.rows[index]) }
                return row
            })
    }
}

extension RolesReport {
    /// The License cell: the license, or for System administrator under the 10.0.44 rule why it is None.
    static func licenseText(_ role: RoleLicense) -> String {
        role.basis == .systemAdministrator ? "None (System administrator: its users need no license, 10.0.44 rule)" : role.license.summary
    }
}

extension RolesReport: ReportConvertible {
    /// The roles table; CSV holds it too.
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)]] + (comparison.map { [MigrationColumns.summary($0, of: "roles")] } ?? [])
                   + [reportFooter(diagnostics, isComplete: isComplete)],
               csvTable: table, jsonBody: RolesJSON(self))
    }
}

struct RolesJSON: Encodable {
    struct Role: Encodable {
        var row: RoleLicense
        var requirement: RequirementText
        var comparison: MethodComparison.Row?
        var otherMethod: MethodUse.Method?
        enum CodingKeys: String, CodingKey {
            case name, label, package, model, reference, entryPointLicense, requiredSkus, anyOfGroups, licenseTier, base, attach, monthlyCost, basis, usersAssigned
            case baseGroup, anyBase, unlicensable, objectsNotInMicrosoftData, comparison
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.role.name, forKey: .name)
            try c.encode(row.role.label, forKey: .label)
            try c.encode(row.role.origin.package, forKey: .package)
            try c.encode(row.role.origin.model, forKey: .model)
            try c.encode(row.role.origin.reference, forKey: .reference)
            try c.encode(requirement.required, forKey: .requiredSkus)
            try c.encode(requirement.anyOfGroups, forKey: .anyOfGroups)
            try LicenseFieldsJSON(entryPointLicense: row.entryPointLicense, license: row.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
            try c.encode(row.basis.rawValue, forKey: .basis)
            try c.encode(row.usersAssigned, forKey: .usersAssigned)
            try c.encode(row.license.baseGroup, forKey: .baseGroup)
            try c.encode(row.license.isAnyBaseOfGroup, forKey: .anyBase)
            try c.encode(row.license.isUnlicensable, forKey: .unlicensable)
            try c.encode(row.objectsNotInMicrosoftData, forKey: .objectsNotInMicrosoftData)
            if let comparison, let otherMethod { try c.encode(MigrationJSON(row: comparison, other: otherMethod), forKey: .comparison) }
        }
    }
    var roles: [Role]
    var migration: MigrationSummaryJSON?
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: RolesReport) {
        roles = report.roles.enumerated().map {
            Role(row: $1, requirement: RequirementText($1.requirements, catalog: report.catalog), comparison: report.comparison?.rows[$0], otherMethod: report.comparison?.other)
        }
        migration = report.comparison.map(MigrationSummaryJSON.init)
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
