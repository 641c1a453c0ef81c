import AXCompliance
import AXLicensing
import AXModel
import AXReading

/// `axlicense reconcile`: axlicense's result beside the Power Platform admin center's user license report, per user,
/// with each disagreement's likely reasons.
public struct ReconcileReport: Sendable {
    public var reconciliation: Reconciliation
    /// The licensing method that produced axlicense's side (`entry-point-sku-map`, `objects`): named in the summary,
    /// so a reader can tell which computation PPAC was compared with.
    public var methodName: String
    /// The day staleness was judged against and the threshold, for the summary.
    public var options: ReconciliationOptions
    public var diagnostics: [Diagnostic]
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool

    public init(reconciliation: Reconciliation, methodName: String, options: ReconciliationOptions, diagnostics: [Diagnostic], isComplete: Bool) {
        self.reconciliation = reconciliation
        self.methodName = methodName
        self.options = options
        self.diagnostics = diagnostics
        self.isComplete = isComplete
    }

    /// The one-line summary: how many agree and disagree, by which method, and the reasons cited.
    public var summary: String {
        let r = reconciliation
        let reasons = DisagreementReason.allCases.filter { r.count($0) > 0 }.map { "\(r.count($0)) \($0.text)" }
        return "Reconciled \(r.rows.count) user(s) with PPAC (\(methodName) method): \(r.agreeing) agree, \(r.disagreeing) disagree"
            + (reasons.isEmpty ? "" : " (" + reasons.joined(separator: "; ") + ")")
    }

    /// One row per user.
    public var usersTable: ReportTable {
        ReportTable(
            title: "Per user",
            columns: [ReportColumn("User", priority: .essential), ReportColumn("PPAC user"), ReportColumn("Matched by", priority: .low),
                      ReportColumn("Assigned (PPAC)", .list), ReportColumn("Required (axlicense)", .license, priority: .essential),
                      ReportColumn("Missing (PPAC)", .list), ReportColumn("Missing (axlicense)", .list), ReportColumn("Agree", priority: .essential),
                      ReportColumn("Reasons", .message), ReportColumn("Refreshed on", priority: .low), ReportColumn("Details", .message, priority: .low)],
            rows: reconciliation.rows.map { row in
                [row.userId, row.ppacUser, row.match == .none ? "" : row.match.rawValue, row.assigned.joined(separator: ", "),
                 row.userId.isEmpty ? "" : row.required.summary, row.missingPerPPAC.joined(separator: "; "), row.missingPerAxlicense.joined(separator: ", "),
                 row.agrees ? "Yes" : "No", row.reasons.map(\.text).joined(separator: "; "),
                 (row.refreshedOn?.description ?? "") + (row.isStale ? " (stale)" : ""), row.details.joined(separator: "; ")]
            })
    }

    /// Counts per outcome and per reason (a disagreement may cite several).
    public var countsTable: ReportTable {
        let r = reconciliation
        return ReportTable(title: "Summary", columns: [ReportColumn("Outcome"), ReportColumn("Users", .number)],
                           rows: [["Agree", "\(r.agreeing)"], ["Disagree", "\(r.disagreeing)"]]
                               + DisagreementReason.allCases.map { [$0.text.prefix(1).uppercased() + $0.text.dropFirst(), "\(r.count($0))"] })
    }
}

extension ReconcileReport: ReportConvertible {
    /// The summary line and notes, the users table, the counts; CSV holds the users.
    public var report: Report {
        let staleness = "PPAC rows refreshed more than \(options.staleAfterDays) day(s) before \(options.asOf) are stale."
        return Report(
            sections: [[.title("Reconciliation with PPAC", markdown: "Reconciliation with PPAC"), .paragraph(ReportText(summary)),
                        .notes(reconciliation.notes + [staleness])],
                       [.table(usersTable, headingLevel: 2)], [.table(countsTable, headingLevel: 2)],
                       reportFooter(diagnostics, isComplete: isComplete)],
            csvTable: usersTable,
            jsonBody: ReconcileJSON(self))
    }
}

/// The stable JSON of `reconcile` (documented in the README).
struct ReconcileJSON: Encodable {
    struct User: Encodable {
        var userId: String
        var ppacUser: String
        var matchedBy: String
        var assigned: [String]
        var required: String
        var missingPerPPAC: [String]
        var missingPerAxlicense: [String]
        var agrees: Bool
        var reasons: [String]
        @ExplicitNull var refreshedOn: String?
        var stale: Bool
        var details: [String]
    }
    struct Summary: Encodable {
        var users: Int
        var agree: Int
        var disagree: Int
        var reasons: [String: Int]
        var stale: Int
        var diagnostics: [String: Int]
    }
    var method: String
    var asOf: String
    var staleAfterDays: Int
    var users: [User]
    var summary: Summary
    var notes: [String]
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: ReconcileReport) {
        let r = report.reconciliation
        method = report.methodName
        asOf = report.options.asOf.description
        staleAfterDays = report.options.staleAfterDays
        users = r.rows.map { row in
            User(userId: row.userId, ppacUser: row.ppacUser, matchedBy: row.match.rawValue, assigned: row.assigned,
                 required: row.userId.isEmpty ? "" : row.required.summary, missingPerPPAC: row.missingPerPPAC, missingPerAxlicense: row.missingPerAxlicense,
                 agrees: row.agrees, reasons: row.reasons.map(\.rawValue), refreshedOn: row.refreshedOn?.description, stale: row.isStale, details: row.details)
        }
        let counts = diagnosticCounts(report.diagnostics)
        summary = Summary(users: r.rows.count, agree: r.agreeing, disagree: r.disagreeing,
                          reasons: Dictionary(uniqueKeysWithValues: DisagreementReason.allCases.map { ($0.rawValue, r.count($0)) }), stale: r.stale,
                          diagnostics: ["errors": counts.errors, "warnings": counts.warnings])
        notes = r.notes
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
