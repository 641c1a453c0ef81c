import AXState
import Foundation

extension TextTable {
    /// The table in a text format, or `json()` for JSON: for reports that are one table.
    func render(_ format: OutputFormat, json: () -> String) -> String {
        switch format {
        case .table: renderText()
        case .markdown: renderMarkdown()
        case .csv: renderCSV()
        case .json: json()
        }
    }
}

/// Formats instants as ISO 8601 UTC (`2026-11-23T09:30:00Z`) in every output.
func utcTimestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

/// `axlicense audit list`: the audit log, as the License Management form's Audit Log tab shows it.
public struct AuditReport: Sendable {
    public var entries: [AuditEntry]

    /// Creates the report.
    public init(entries: [AuditEntry]) { self.entries = entries }

    public var table: TextTable {
        TextTable(title: "Audit log", header: ["Operation", "User ID", "Date/Time (UTC)", "Details", "Environment"],
                  rows: entries.map { [$0.operation, $0.userId, utcTimestamp($0.occurredAt), $0.details, $0.environment] })
    }

    /// Renders the report.
    public func render(_ format: OutputFormat) -> String {
        table.render(format) {
            encodeJSON(["entries": entries.map {
                ["id": "\($0.id ?? 0)", "operation": $0.operation, "userId": $0.userId, "occurredAt": utcTimestamp($0.occurredAt),
                 "details": $0.details, "environment": $0.environment]
            }])
        }
    }
}

/// `axlicense history`: used vs quantity per product per run, over time.
public struct HistoryReport: Sendable {
    public var points: [ProductUsagePoint]

    /// Creates the report.
    public init(points: [ProductUsagePoint]) { self.points = points }

    public var table: TextTable {
        TextTable(title: "License usage history", header: ["Date/Time (UTC)", "Environment", "Product", "Used licenses", "License Qty", "Over"],
                  rows: points.map { [utcTimestamp($0.recordedAt), $0.environment, $0.usage.product, "\($0.usage.used)", "\($0.usage.licenseQuantity)",
                                      $0.usage.used > $0.usage.licenseQuantity ? "yes" : ""] },
                  numericColumns: [3, 4])
    }

    /// Renders the report.
    public func render(_ format: OutputFormat) -> String {
        table.render(format) {
            encodeJSON(HistoryJSON(points: points.map {
                .init(recordedAt: utcTimestamp($0.recordedAt), environment: $0.environment, product: $0.usage.product, used: $0.usage.used, licenseQuantity: $0.usage.licenseQuantity)
            }))
        }
    }

    struct HistoryJSON: Encodable {
        struct Point: Encodable {
            var recordedAt: String
            var environment: String
            var product: String
            var used: Int
            var licenseQuantity: Int
        }
        var points: [Point]
    }
}
