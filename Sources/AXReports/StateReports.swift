import AXState
import Foundation

/// Formats instants as ISO 8601 UTC (`2026-11-23T09:30:00Z`) in every output.
package func utcTimestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

/// `axlicense audit list`: the audit log, as the License Management form's Audit Log tab shows it.
public struct AuditReport: Sendable {
    public var entries: [AuditEntry]

    public init(entries: [AuditEntry]) { self.entries = entries }

    /// One row per logged operation.
    public var table: ReportTable {
        ReportTable(title: "Audit log",
                    columns: [ReportColumn("Operation", priority: .essential), ReportColumn("User ID"), ReportColumn("Date/Time (UTC)", priority: .essential),
                              ReportColumn("Details", .message, priority: .essential), ReportColumn("Environment", priority: .low)],
                    rows: entries.map { [$0.operation, $0.userId, utcTimestamp($0.occurredAt), $0.details, $0.environment] })
    }
}

extension AuditReport: ReportConvertible {
    /// The audit table alone.
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)]], csvTable: table, jsonBody: ["entries": entries.map {
            ["id": "\($0.id ?? 0)", "operation": $0.operation, "userId": $0.userId, "occurredAt": utcTimestamp($0.occurredAt),
             "details": $0.details, "environment": $0.environment]
        }])
    }
}

/// `axlicense history`: used vs quantity per product per run, over time.
public struct HistoryReport: Sendable {
    public var points: [ProductUsagePoint]

    public init(points: [ProductUsagePoint]) { self.points = points }

    /// One row per product per recorded run.
    public var table: ReportTable {
        ReportTable(title: "License usage history",
                    columns: [ReportColumn("Date/Time (UTC)", priority: .essential), ReportColumn("Environment", priority: .low), ReportColumn("Product", priority: .essential),
                              ReportColumn("Used licenses", .number), ReportColumn("License Qty", .number), ReportColumn("Over"),
                              ReportColumn("Latest version", priority: .low), ReportColumn("License holder", priority: .low)],
                    rows: points.map { [utcTimestamp($0.recordedAt), $0.environment, $0.usage.product, "\($0.usage.used)", "\($0.usage.licenseQuantity)",
                                        $0.usage.used > $0.usage.licenseQuantity ? "yes" : "", $0.usage.latestVersion, $0.usage.licenseHolder] })
    }

    struct HistoryJSON: Encodable {
        struct Point: Encodable {
            var recordedAt: String
            var environment: String
            var product: String
            var used: Int
            var licenseQuantity: Int
            var latestVersion: String
            var licenseHolder: String
        }
        var points: [Point]
    }
}

extension HistoryReport: ReportConvertible {
    /// The history table alone.
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)]], csvTable: table, jsonBody: HistoryJSON(points: points.map {
            .init(recordedAt: utcTimestamp($0.recordedAt), environment: $0.environment, product: $0.usage.product, used: $0.usage.used, licenseQuantity: $0.usage.licenseQuantity,
                  latestVersion: $0.usage.latestVersion, licenseHolder: $0.usage.licenseHolder)
        }))
    }
}
