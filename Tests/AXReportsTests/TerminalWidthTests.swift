import AXChangeImpact
import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

@testable import AXReports

/// The repository root (this file is Tests/AXReportsTests/TerminalWidthTests.swift).
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// Every command's report on the sample workspace under the legacy method, as the command builds it.
func sampleReports() throws -> [(name: String, report: Report)] {
    let sample = WorkspacePaths(workspace: root + "/Data/sample")
    let workspace = try LoadedWorkspace.load(sample, users: .required, keepGoing: false, method: .legacy)
    let engine = workspace.engine, users = workspace.users!
    let estimate = engine.estimate(users)
    let (products, _) = try ProductEntitlement.load(path: root + "/Data/sample/entitlements.json")
    let view = LicenseView(products: products, estimate: estimate, engine: engine, today: CalendarDate("2026-11-23")!, source: "entitlements.json")
    let held = try AssignedLicensesReader.load(path: root + "/Data/sample/assigned-licenses.csv", catalog: engine.catalog)
    let review = LicenseAssignmentReview(estimate: estimate, assigned: held.users, optimizer: engine.optimizer)
    var reports: [(String, Report)] = [
        ("estimate", EstimateReport(estimate: estimate, isComplete: true).report),
        ("roles", RolesReport(roles: engine.roleLicenses(users: users), catalog: engine.catalog, diagnostics: workspace.diagnostics, isComplete: true).report),
        ("explain user", ExplainReport(explanation: try engine.explain(user: "arnie", in: users), diagnostics: [], isComplete: true).report),
        ("explain role", ExplainReport(explanation: try engine.explain(role: "SalesClerk"), diagnostics: [], isComplete: true).report),
        ("what-if user", WhatIfReport(answer: .user(try engine.whatIf(user: "arnie", addRoles: [], removeRoles: ["AccountsPayableClerk"], in: users)),
                                      diagnostics: [], isComplete: true).report),
        ("what-if role", WhatIfReport(answer: .role(try engine.whatIf(role: "AccountsPayableClerk", edit: RoleEdit(removePrivileges: ["CustAgingReportView"]), users: users)),
                                      diagnostics: [], isComplete: true).report),
        ("check", CheckReport(view: view, review: review, diagnostics: [], isComplete: true, emoji: true).report),
        ("reconcile", ReconcileReport(reconciliation: Reconciliation(users: ReconciliationUser.users(of: estimate, graph: engine.graph), ppac: held.users, systemUsers: nil,
                                                                     optimizer: engine.optimizer, options: ReconciliationOptions(asOf: CalendarDate("2026-11-23")!)),
                                      methodName: engine.method.name, options: ReconciliationOptions(asOf: CalendarDate("2026-11-23")!), diagnostics: [], isComplete: true).report),
    ]
    for object in ["AccountsPayableClerk", "ContosoFinanceController", "SalesClerk"] {
        let found = try engine.findObject(named: object, type: nil)
        reports.append(("permissions \(object)", PermissionsReport(view: engine.permissions(of: found), catalog: engine.catalog, diagnostics: [], isComplete: true).report))
    }
    let folder = TemporaryFolder()
    let fixture = try DiffFixture("grant-gains-update", in: folder)
    let base = try LoadedWorkspace.load(WorkspacePaths(workspace: root, metadata: fixture.tree(.base).path, skuMap: fixture.skuMap(.base).path), users: .unused, keepGoing: false)
    let head = try LoadedWorkspace.load(WorkspacePaths(workspace: root, metadata: fixture.tree(.head).path, skuMap: fixture.skuMap(.head).path,
                                                       users: fixture.users.path), users: .optional, keepGoing: false)
    let impact = LicenseImpact(base: base.engine, head: head.engine, users: head.users)
    reports.append(("diff", DiffReport(impact: impact, baseName: fixture.path(.base), headName: fixture.path(.head)).report))
    return reports
}

@Suite struct TerminalWidthTests {
    /// At 100 columns no line of any command's table output is longer than 100 characters, while the same reports
    /// written in full (a pipe) have longer lines: the fitting is what keeps them in.
    @Test func everyCommandOnTheSampleFitsOneHundredColumns() throws {
        var widestInFull = 0
        for (name, report) in try sampleReports() {
            let fitted = try report.render(.table, options: RenderOptions(width: 100))
            let long = fitted.split(separator: "\n").filter { displayWidth(String($0)) > 100 }
            #expect(long.isEmpty, "\(name): \(long.first ?? "")")
            widestInFull = max(widestInFull, report.render(.table).split(separator: "\n").map { displayWidth(String($0)) }.max() ?? 0)
        }
        #expect(widestInFull > 200)
    }

    /// Piped output keeps every column and full values: the same bytes as the report rendered without a width.
    @Test func aTableThatFitsIsTheSameAtAnyWidthAndInFull() throws {
        let reports = try sampleReports()
        let tiers = reports[0].report.tables[1]
        let single = Report(sections: [[.table(tiers, headingLevel: 2)]], csvTable: nil, jsonBody: [String: String]())
        #expect(try single.render(.table, options: RenderOptions(width: 100)) == single.render(.table))
    }

    /// The roles table at 100 columns leaves out its low-value columns first and says so under the table.
    @Test func rolesAtOneHundredColumnsNameTheColumnsLeftOut() throws {
        let roles = try #require(try sampleReports().first { $0.name == "roles" }).report
        let text = try roles.render(.table, options: RenderOptions(width: 100))
        #expect(text.contains("Not shown to fit 100 columns: Label, Model."))
        #expect(text.contains("…") || text.contains("\n  "))
    }
}
