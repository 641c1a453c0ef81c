import AXLicensing
import AXModel
import AXReading

/// The User License Estimator report: one row per user, then totals.
public struct EstimateReport: Sendable {
    public var estimate: LicenseEstimate
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool

    public init(estimate: LicenseEstimate, isComplete: Bool) {
        self.estimate = estimate
        self.isComplete = isComplete
    }

    /// The per-user table.
    public var usersTable: ReportTable {
        ReportTable(
            title: "User License Estimator",
            columns: [ReportColumn("User", priority: .essential), ReportColumn("Enabled", priority: .low), ReportColumn("Roles", .list),
                      ReportColumn("Entry-point license", .license, priority: .low), ReportColumn("License tier", .license, priority: .essential),
                      ReportColumn("Base", priority: .essential), ReportColumn("Attach", .list), ReportColumn("Monthly cost", .money, priority: .essential)],
            rows: estimate.users.map { row in
                [row.user.userId, row.user.isEnabled ? "Yes" : "No", row.roles.joined(separator: ", "),
                 row.entryPointLicense.name, row.license.tier.name, row.license.base?.name ?? "", row.license.attach.map(\.name).joined(separator: ", "),
                 row.license.monthlyCost.description]
            })
    }

    /// Users per tier.
    public var tiersTable: ReportTable {
        ReportTable(title: "Users per license tier", columns: [ReportColumn("License tier", .license), ReportColumn("Users", .number)],
                    rows: LicenseTier.allCases.map { [$0.name, "\(estimate.summary.tiers[$0] ?? 0)"] })
    }

    /// Licenses per SKU (rows with no license left out).
    public var skusTable: ReportTable {
        ReportTable(title: "Licenses per SKU", columns: [ReportColumn("SKU"), ReportColumn("Base", .number), ReportColumn("Attach", .number)],
                    rows: estimate.summary.skus.filter { $0.count.base + $0.count.attach > 0 }.map { [$0.name, "\($0.count.base)", "\($0.count.attach)"] })
    }
}

extension EstimateReport: ReportConvertible {
    /// The users, tiers and SKU tables, then the total cost; CSV holds the users.
    public var report: Report {
        Report(
            sections: [[.table(usersTable, headingLevel: 2)], [.table(tiersTable, headingLevel: 2)], [.table(skusTable, headingLevel: 2)],
                       [.total("Total monthly cost", estimate.summary.monthlyCost.description)] + reportFooter(estimate.diagnostics, isComplete: isComplete)],
            csvTable: usersTable,
            jsonBody: EstimateJSON(self))
    }
}

/// The stable JSON of `estimate` (documented in the README).
struct EstimateJSON: Encodable {
    struct User: Encodable {
        var row: UserLicense
        enum CodingKeys: String, CodingKey { case userId, userName, enabled, roles, entryPointLicense, licenseTier, base, attach, monthlyCost, basis }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.user.userId, forKey: .userId)
            try c.encode(row.user.userName, forKey: .userName)
            try c.encode(row.user.isEnabled, forKey: .enabled)
            try c.encode(row.roles, forKey: .roles)
            try LicenseFieldsJSON(entryPointLicense: row.entryPointLicense, license: row.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
            try c.encode(row.basis.rawValue, forKey: .basis)
        }
    }
    struct Summary: Encodable {
        var tiers: [String: Int]
        var skus: [String: SkuCount]
        var monthlyCost: Money
        var users: Int
        var diagnostics: [String: Int]
    }
    var users: [User]
    var summary: Summary
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: EstimateReport) {
        let estimate = report.estimate
        users = estimate.users.map(User.init)
        let counts = diagnosticCounts(estimate.diagnostics)
        summary = Summary(
            tiers: Dictionary(uniqueKeysWithValues: LicenseTier.allCases.map { ($0.name, estimate.summary.tiers[$0] ?? 0) }),
            skus: Dictionary(uniqueKeysWithValues: estimate.summary.skus.map { ($0.name, $0.count) }),
            monthlyCost: estimate.summary.monthlyCost,
            users: estimate.users.count,
            diagnostics: ["errors": counts.errors, "warnings": counts.warnings])
        diagnostics = estimate.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
