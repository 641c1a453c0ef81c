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

    /// Creates the report.
    public init(view: LicenseView, review: LicenseAssignmentReview?, diagnostics: [Diagnostic], isComplete: Bool, emoji: Bool) {
        self.view = view
        self.review = review
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.emoji = emoji
    }

    /// The License View grid, columns as in the License Management form.
    public var licenseTable: TextTable {
        TextTable(
            title: "License View (today: \(view.today))",
            header: ["Status", "Model", "License Qty", "Used licenses", "Expiration date", "Current version", "Latest version", "License holder"],
            rows: view.rows.map { row in
                [row.status.marker(emoji: emoji), row.product.model, "\(row.product.licenseQuantity)", "\(row.used)",
                 row.product.expirationDate?.description ?? "", row.product.currentVersion, row.product.latestVersion, row.product.licenseHolder]
            },
            numericColumns: [2, 3])
    }

    /// Over- and under-licensed users (only users whose status is not compliant).
    public var reviewTable: TextTable? {
        guard let review else { return nil }
        return TextTable(
            title: "Over- and under-licensed users",
            header: ["User", "Status", "Needs", "Assigned", "Missing", "Unneeded", "Monthly saving", "Monthly extra cost"],
            rows: review.rows.filter { $0.status != .compliant }.map { row in
                [row.userId, row.status.rawValue, row.needed.summary, row.assigned.joined(separator: ", "), row.missing.joined(separator: ", "),
                 row.unneeded.joined(separator: ", "), row.monthlySaving.description, row.monthlyAdditionalCost.description]
            },
            numericColumns: [6, 7])
    }

    private var notificationLines: [String] {
        view.notifications.isEmpty ? ["No notifications."] : view.notifications.map { (emoji ? "⚠️ " : "[!] ") + $0.message }
    }

    private var reviewTotals: String? {
        guard let review else { return nil }
        return "Under-licensed users: \(review.underLicensed); over-licensed users: \(review.overLicensed); "
            + "monthly saving: \(review.totalSaving); monthly extra cost: \(review.totalAdditionalCost)"
    }

    /// Renders the report.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table:
            var parts = [licenseTable.renderText(), "Notifications\n" + notificationLines.joined(separator: "\n") + "\n"]
            if let table = reviewTable, let totals = reviewTotals { parts.append(table.renderText() + totals + "\n") }
            parts.append(reportFooter(diagnostics, isComplete: isComplete, markdown: false))
            return parts.joined(separator: "\n")
        case .markdown:
            var parts = [licenseTable.renderMarkdown(), "## Notifications\n\n" + notificationLines.map { "- " + Markdown.text($0) }.joined(separator: "\n") + "\n"]
            if let table = reviewTable, let totals = reviewTotals { parts.append(table.renderMarkdown() + "\n" + totals + "\n") }
            parts.append(reportFooter(diagnostics, isComplete: isComplete, markdown: true))
            return parts.joined(separator: "\n")
        case .csv:
            return licenseTable.renderCSV()
        case .json:
            return encodeJSON(CheckJSON(self))
        }
    }
}

struct CheckJSON: Encodable {
    struct Product: Encodable {
        var status: String
        var model: String
        var matchedAs: String
        var licenseQuantity: Int
        var used: Int
        var expirationDate: String?
        var currentVersion: String
        var latestVersion: String
        var licenseHolder: String
        var expired: Bool
        var overQuantity: Bool
        var newerVersion: Bool

        enum CodingKeys: String, CodingKey {
            case status, model, matchedAs, licenseQuantity, used, expirationDate, currentVersion, latestVersion, licenseHolder, expired, overQuantity, newerVersion
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encode(model, forKey: .model)
            try c.encode(matchedAs, forKey: .matchedAs)
            try c.encode(licenseQuantity, forKey: .licenseQuantity)
            try c.encode(used, forKey: .used)
            try c.encode(expirationDate, forKey: .expirationDate)
            try c.encode(currentVersion, forKey: .currentVersion)
            try c.encode(latestVersion, forKey: .latestVersion)
            try c.encode(licenseHolder, forKey: .licenseHolder)
            try c.encode(expired, forKey: .expired)
            try c.encode(overQuantity, forKey: .overQuantity)
            try c.encode(newerVersion, forKey: .newerVersion)
        }
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
    var assignments: Review?
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: CheckReport) {
        today = report.view.today.description
        products = report.view.rows.map { row in
            Product(status: row.status.rawValue, model: row.product.model, matchedAs: row.match.kind, licenseQuantity: row.product.licenseQuantity,
                    used: row.used, expirationDate: row.product.expirationDate?.description, currentVersion: row.product.currentVersion,
                    latestVersion: row.product.latestVersion, licenseHolder: row.product.licenseHolder, expired: row.isExpired,
                    overQuantity: row.isOverQuantity, newerVersion: row.hasNewerVersion)
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
