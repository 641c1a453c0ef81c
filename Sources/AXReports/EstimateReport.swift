import AXLicensing
import AXModel
import AXReading

/// The User License Estimator report: one row per user, then totals.
public struct EstimateReport: Sendable {
    public var estimate: LicenseEstimate
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool
    /// The method the licenses come from: the per-object method has no entry-point license, and shows base groups.
    public var method: MethodUse.Method
    /// The other method's licenses beside these (`both`), nil otherwise.
    public var comparison: MethodComparison?
    /// Where the objects came from (tree, references) and what could not be resolved; nil when not known.
    public var coverage: MetadataCoverage?

    public init(estimate: LicenseEstimate, isComplete: Bool, method: MethodUse.Method = .legacy, comparison: MethodComparison? = nil,
                coverage: MetadataCoverage? = nil) {
        self.estimate = estimate
        self.isComplete = isComplete
        self.method = method
        self.comparison = comparison
        self.coverage = coverage
    }

    /// The per-user table.
    public var usersTable: ReportTable {
        var columns = [ReportColumn("User", priority: .essential), ReportColumn("Enabled", priority: .low), ReportColumn("Roles", .list)]
        if method == .legacy { columns.append(ReportColumn("Entry-point license", .license, priority: .low)) }
        columns += [ReportColumn("License tier", .license, priority: .essential), ReportColumn("Base", priority: .essential)]
        if method == .objects { columns.append(ReportColumn("Base group", priority: .low)) }
        columns += [ReportColumn("Attach", .list), ReportColumn("Monthly cost", .money, priority: .essential)]
        if let comparison { columns += MigrationColumns.columns(other: comparison.other) }
        return ReportTable(
            title: "User License Estimator",
            columns: columns,
            rows: estimate.users.enumerated().map { index, row in
                var cells: [String] = []
                cells.reserveCapacity(columns.count)
                cells.append(row.user.userId)
                cells.append(row.user.isEnabled ? "Yes" : "No")
                cells.append(row.roles.joined(separator: ", "))
                if method == .legacy { cells.append(row.entryPointLicense.name) }
                cells.append(row.license.tier.name)
                cells.append(row.license.base?.name ?? "")
                if method == .objects { cells.append(MigrationColumns.groupText(row.license)) }
                cells.append(row.license.attach.isEmpty ? "" : row.license.attach.map(\.name).joined(separator: ", "))
                cells.append(row.license.monthlyCost.description)
                if let comparison { cells += MigrationColumns.cells(comparison.rows[index]) }
                return cells
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
            sections: [[.table(usersTable, headingLevel: 2)], [.table(tiersTable, headingLevel: 2)], [.table(skusTable, headingLevel: 2)]]
                + (comparison.map { [MigrationColumns.summary($0, of: "users")] } ?? [])
                + [[.total("Total monthly cost", estimate.summary.monthlyCost.description)] + coverageFooter(coverage) + reportFooter(estimate.diagnostics, isComplete: isComplete)],
            csvTable: usersTable,
            jsonBody: EstimateJSON(self))
    }
}

/// The stable JSON of `estimate` (documented in the README).
struct EstimateJSON: Encodable {
    struct User: Encodable {
        var row: UserLicense
        var comparison: MethodComparison.Row?
        var otherMethod: MethodUse.Method?
        enum CodingKeys: String, CodingKey { case userId, userName, enabled, roles, entryPointLicense, licenseTier, base, attach, monthlyCost, basis, baseGroup, anyBase, unlicensable, comparison }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(row.user.userId, forKey: .userId)
            try c.encode(row.user.userName, forKey: .userName)
            try c.encode(row.user.isEnabled, forKey: .enabled)
            try c.encode(row.roles, forKey: .roles)
            try LicenseFieldsJSON(entryPointLicense: row.entryPointLicense, license: row.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
            try c.encode(row.basis.rawValue, forKey: .basis)
            try c.encode(row.license.baseGroup, forKey: .baseGroup)
            try c.encode(row.license.isAnyBaseOfGroup, forKey: .anyBase)
            try c.encode(row.license.isUnlicensable, forKey: .unlicensable)
            if let comparison, let otherMethod { try c.encode(MigrationJSON(row: comparison, other: otherMethod), forKey: .comparison) }
        }
    }
    struct Summary: Encodable {
        var tiers: [String: Int]
        var skus: [String: SkuCount]
        var monthlyCost: Money
        var users: Int
        var diagnostics: [String: Int]
        var migration: MigrationSummaryJSON?
    }
    var users: [User]
    var summary: Summary
    var diagnostics: [DiagnosticJSON]
    var complete: Bool
    /// Where the objects came from and what could not be resolved (`null` when not known).
    @ExplicitNull var metadata: MetadataCoverageJSON?

    init(_ report: EstimateReport) {
        let estimate = report.estimate
        users = estimate.users.enumerated().map { User(row: $1, comparison: report.comparison?.rows[$0], otherMethod: report.comparison?.other) }
        let counts = diagnosticCounts(estimate.diagnostics)
        summary = Summary(
            tiers: Dictionary(uniqueKeysWithValues: LicenseTier.allCases.map { ($0.name, estimate.summary.tiers[$0] ?? 0) }),
            skus: Dictionary(uniqueKeysWithValues: estimate.summary.skus.map { ($0.name, $0.count) }),
            monthlyCost: estimate.summary.monthlyCost,
            users: estimate.users.count,
            diagnostics: ["errors": counts.errors, "warnings": counts.warnings],
            migration: report.comparison.map(MigrationSummaryJSON.init))
        diagnostics = estimate.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
        metadata = report.coverage.map(MetadataCoverageJSON.init)
    }
}
