import AXCompliance
import AXLicensing
import AXModel
import AXReading

/// `axlicense check`: the License View grid, the dashboard notifications, and (with `--assigned`) over- and
/// under-licensed users.
public struct CheckReport: Sendable {
    public var view: LicenseView
    public var review: LicenseAssignmentReview?
    public var diagnostics: [Diagnostic]
    public var isComplete: Bool
    /// Status icons as emoji (a terminal) or plain markers (files, pipes, `--no-emoji`).
    public var emoji: Bool
    /// With `--method both`: each product's used count under the other method, beside the judged one.
    public var comparison: ComparisonUsage?

    /// The used counts of the License View's products under the method shown for comparison (not judged).
    public struct ComparisonUsage: Sendable, Hashable {
        public var method: MethodUse.Method
        /// One count per row of the view, in its order.
        public var used: [Int]

        public init(method: MethodUse.Method, used: [Int]) {
            self.method = method
            self.used = used
        }
    }

    public init(view: LicenseView, review: LicenseAssignmentReview?, diagnostics: [Diagnostic], isComplete: Bool, emoji: Bool,
                comparison: ComparisonUsage? = nil) {
        precondition(comparison.map { $0.used.count == view.rows.count } ?? true, "one comparison count per product")
        self.view = view
        self.review = review
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.emoji = emoji
        self.comparison = comparison
    }

    /// The License View grid, columns as in the License Management form (with `--method both`, the other method's
    /// used count beside the judged one).
    public var licenseTable: ReportTable {
        ReportTable(
            title: "License View (today: \(view.today))",
            columns: [ReportColumn("Status", priority: .essential), ReportColumn("Model", priority: .essential), ReportColumn("License Qty", .number),
                      ReportColumn("Used licenses", .number)]
                + (comparison.map { [ReportColumn("Used (\($0.method == .legacy ? "legacy" : "per-object"))", .number)] } ?? [])
                + [ReportColumn("Expiration date", .date), ReportColumn("Current version", priority: .low),
                   ReportColumn("Latest version", priority: .low), ReportColumn("License holder", priority: .low)],
            rows: view.rows.enumerated().map { index, row in
                [Self.statusText(row, emoji: emoji), row.product.model, "\(row.product.licenseQuantity)", "\(row.used)"]
                    + (comparison.map { ["\($0.used[index])"] } ?? [])
                    + [row.product.expirationDate?.description ?? "", row.product.currentVersion, row.product.latestVersion, row.product.licenseHolder]
            })
    }

    /// The Status cell: the marker and why the row is flagged (`⚠️ expired on 2026-01-31; used 6 > purchased 5`).
    static func statusText(_ row: LicenseViewRow, emoji: Bool) -> String {
        ([row.status.marker(emoji: emoji)] + [row.reasons.joined(separator: "; ")]).filter { !$0.isEmpty }.joined(separator: " ")
    }

    /// Over- and under-licensed users (only users whose status is not compliant).
    public var reviewTable: ReportTable? {
        guard let review else { return nil }
        return ReportTable(
            title: "Over- and under-licensed users",
            columns: [ReportColumn("User", priority: .essential), ReportColumn("Status", priority: .essential), ReportColumn("Needs", .license),
                      ReportColumn("Assigned", .list, priority: .low), ReportColumn("Missing", .list), ReportColumn("Unneeded", .list),
                      ReportColumn("Monthly saving", .money), ReportColumn("Monthly extra cost", .money)],
            rows: review.rows.filter { $0.status != .compliant }.map { row in
                [row.userId, row.status.rawValue, row.needed.summary, row.assigned.joined(separator: ", "), row.missing.joined(separator: ", "),
                 row.unneeded.joined(separator: ", "), row.monthlySaving.description, row.monthlyAdditionalCost.description]
            })
    }

    private var notificationLines: [String] {
        view.notifications.isEmpty ? ["No notifications."] : view.notifications.map { (emoji ? "⚠️ " : "[!] ") + $0.message }
    }

    /// The over/under review's counts and monthly totals as one sentence (the report page shows it too).
    var reviewTotals: ReportText? {
        guard let review else { return nil }
        return ReportText([.plain("Under-licensed users: \(review.underLicensed); over-licensed users: \(review.overLicensed); monthly saving: "),
                           .money(review.totalSaving), .plain("; monthly extra cost: "), .money(review.totalAdditionalCost)])
    }

}

extension CheckReport: ReportConvertible {
    /// The License View, the notifications, the over/under review with its totals; CSV holds the License View.
    public var report: Report {
        var sections: [[ReportElement]] = [[.table(licenseTable, headingLevel: 2)],
                                           [.heading("Notifications", level: 2), .list(notificationLines.map { ReportText($0) })]]
        if let table = reviewTable, let totals = reviewTotals { sections.append([.table(table, headingLevel: 2), .paragraph(totals)]) }
        sections.append(reportFooter(diagnostics, isComplete: isComplete))
        let built = sections
        return Report(sections: built, csvTable: licenseTable, jsonBody: CheckJSON(self))
    }
}

struct CheckJSON: Encodable {
    struct Product: Encodable {
        var status: String
        /// Why the product is flagged (`expired on 2026-01-31`, `used 6 > purchased 5`), as the Status column says.
        var reasons: [String]
        var model: String
        var matchedAs: String
        var licenseQuantity: Int
        var used: Int
        @ExplicitNull var expirationDate: String?
        var currentVersion: String
        var latestVersion: String
        var licenseHolder: String
        var expired: Bool
        var overQuantity: Bool
        var newerVersion: Bool
        /// With `--method both`: the used count under the other method.
        var comparison: ComparisonUsed?
    }
    struct ComparisonUsed: Encodable {
        var method: String
        var used: Int
    }
    struct Notification: Encodable {
        var id: String
        var message: String
    }
    struct Review: Encodable {
        struct User: Encodable {
            var userId: String
            var status: String
            var needs: String
            var assigned: [String]
            var missing: [String]
            var unneeded: [String]
            var monthlySaving: Money
            var monthlyAdditionalCost: Money
        }
        var users: [User]
        var underLicensed: Int
        var overLicensed: Int
        var monthlySaving: Money
        var monthlyAdditionalCost: Money
    }
    var today: String
    var products: [Product]
    var notifications: [Notification]
    @ExplicitNull var assignments: Review?
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: CheckReport) {
        today = report.view.today.description
        products = report.view.rows.enumerated().map { index, row in
            Product(status: row.status.rawValue, reasons: row.reasons, model: row.product.model, matchedAs: row.match.kind, licenseQuantity: row.product.licenseQuantity,
                    used: row.used, expirationDate: row.product.expirationDate?.description, currentVersion: row.product.currentVersion,
                    latestVersion: row.product.latestVersion, licenseHolder: row.product.licenseHolder, expired: row.isExpired,
                    overQuantity: row.isOverQuantity, newerVersion: row.hasNewerVersion,
                    comparison: report.comparison.map { ComparisonUsed(method: $0.method.rawValue, used: $0.used[index]) })
        }
        notifications = report.view.notifications.map { Notification(id: $0.rawValue, message: $0.message) }
        assignments = report.review.map { review in
            Review(users: review.rows.map { row in
                Review.User(userId: row.userId, status: row.status.rawValue, needs: row.needed.summary, assigned: row.assigned, missing: row.missing,
                            unneeded: row.unneeded, monthlySaving: row.monthlySaving, monthlyAdditionalCost: row.monthlyAdditionalCost)
            }, underLicensed: review.underLicensed, overLicensed: review.overLicensed, monthlySaving: review.totalSaving,
                   monthlyAdditionalCost: review.totalAdditionalCost)
        }
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
