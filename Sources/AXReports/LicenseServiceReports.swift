import AXLicensingService
import Foundation

/// `axlicense license status` (and `register`, `token-refresh`): the License Management form's Configuration and
/// Token Information fields, with the seed's labels. Holds no token.
public struct LicenseServiceStatusReport: Sendable {
    public var status: LicensingServiceStatus
    /// When the status was read: the age of "Last license check" is counted from it.
    public var now: Date

    public init(status: LicensingServiceStatus, now: Date = Date()) {
        self.status = status
        self.now = now
    }

    private func time(_ date: Date?) -> String { date.map(utcTimestamp) ?? "" }

    /// The fields in the form's order: Configuration, then Token Information.
    public var fields: [(label: String, value: String)] {
        let lastCheck = status.lastLicenseCheck.map { utcTimestamp($0) + " (" + ServiceStatusText.age(from: $0, to: now) + ")" } ?? "never"
        return [
            ("Registration endpoint", status.registrationEndpoint ?? ""),
            ("Last license check", status.registrationEndpoint == nil ? "" : lastCheck),
            ("License refresh batch task", LicensingServiceStatus.scheduleText(status.refreshSchedule)),
            ("Telemetry batch task", LicensingServiceStatus.scheduleText(status.telemetrySchedule)),
            ("Effective registration status", status.status.rawValue),
            ("Status message", status.statusMessage),
            ("Token expiry date", time(status.tokenExpiry)),
            ("Tenant ID", status.tenantId ?? ""),
            ("Environment ID", status.environmentId ?? ""),
            ("Environment name", status.environmentName ?? ""),
            ("Registered at", time(status.registeredAt)),
            ("Token issued at", time(status.tokenIssuedAt)),
            ("License holder", status.licenseHolder),
        ]
    }

    /// Field and value, one row each.
    public var table: ReportTable {
        ReportTable(title: "Licensing service", columns: [ReportColumn("Field", priority: .essential), ReportColumn("Value", .message, priority: .essential)],
                    rows: fields.map { [$0.label, $0.value] })
    }

    struct StatusJSON: Encodable {
        var registrationEndpoint: String?
        var lastLicenseCheck: String?
        var licenseRefreshBatchTask: String
        var refreshSchedule: String?
        var telemetryBatchTask: String
        var telemetrySchedule: String?
        var effectiveRegistrationStatus: String
        var statusMessage: String
        var tokenExpiry: String?
        var tenantId: String?
        var environmentId: String?
        var environmentName: String?
        var registeredAt: String?
        var tokenIssuedAt: String?
        var licenseHolder: String
    }

    var json: StatusJSON {
        StatusJSON(registrationEndpoint: status.registrationEndpoint, lastLicenseCheck: status.lastLicenseCheck.map(utcTimestamp),
                   licenseRefreshBatchTask: LicensingServiceStatus.scheduleText(status.refreshSchedule), refreshSchedule: status.refreshSchedule,
                   telemetryBatchTask: LicensingServiceStatus.scheduleText(status.telemetrySchedule), telemetrySchedule: status.telemetrySchedule,
                   effectiveRegistrationStatus: status.status.rawValue, statusMessage: status.statusMessage, tokenExpiry: status.tokenExpiry.map(utcTimestamp),
                   tenantId: status.tenantId, environmentId: status.environmentId, environmentName: status.environmentName,
                   registeredAt: status.registeredAt.map(utcTimestamp), tokenIssuedAt: status.tokenIssuedAt.map(utcTimestamp), licenseHolder: status.licenseHolder)
    }
}

extension LicenseServiceStatusReport: ReportConvertible {
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)]], csvTable: table, jsonBody: json)
    }
}

/// `axlicense license refresh`: the licenses the service returned, now the purchased side of `check`.
public struct LicenseRefreshReport: Sendable {
    public var refresh: LicenseRefresh

    public init(refresh: LicenseRefresh) { self.refresh = refresh }

    /// One row per product, in the service's order.
    public var table: ReportTable {
        ReportTable(title: "Refreshed licenses",
                    columns: [ReportColumn("Model", priority: .essential), ReportColumn("License Qty", .number, priority: .essential),
                              ReportColumn("Expiration date"), ReportColumn("Latest version"), ReportColumn("Release notes", .path, priority: .low),
                              ReportColumn("License holder", priority: .low)],
                    rows: refresh.products.map { [$0.product, "\($0.licenseQty)", $0.expirationDate?.description ?? "", $0.latestVersion, $0.releaseNotesUrl, refresh.licenseHolder] })
    }

    struct RefreshJSON: Encodable {
        struct Product: Encodable {
            var product: String
            var licenseQty: Int
            var expirationDate: String?
            var latestVersion: String
            var releaseNotesUrl: String
        }
        var licenseHolder: String
        var products: [Product]
    }
}

extension LicenseRefreshReport: ReportConvertible {
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)]], csvTable: table, jsonBody: RefreshJSON(licenseHolder: refresh.licenseHolder, products: refresh.products.map {
            .init(product: $0.product, licenseQty: $0.licenseQty, expirationDate: $0.expirationDate?.description, latestVersion: $0.latestVersion,
                  releaseNotesUrl: $0.releaseNotesUrl)
        }))
    }
}

/// `axlicense license telemetry`: what was sent (the used counts `check` computes).
public struct TelemetrySentReport: Sendable {
    public var sent: TelemetryReport

    public init(sent: TelemetryReport) { self.sent = sent }

    /// One row per product sent.
    public var table: ReportTable {
        ReportTable(title: "Telemetry sent for environment \(sent.environmentId) at \(utcTimestamp(sent.sentAt))",
                    columns: [ReportColumn("Product", priority: .essential), ReportColumn("Installed version"), ReportColumn("Used licenses", .number, priority: .essential),
                              ReportColumn("License model")],
                    rows: sent.products.map { [$0.product, $0.installedVersion, "\($0.usedLicenses)", $0.licenseModel] })
    }

    struct SentJSON: Encodable {
        var environmentId: String
        var sentAt: String
        var products: [TelemetryProduct]
    }
}

extension TelemetrySentReport: ReportConvertible {
    public var report: Report {
        Report(sections: [[.table(table, headingLevel: 2)]], csvTable: table,
               jsonBody: SentJSON(environmentId: sent.environmentId, sentAt: utcTimestamp(sent.sentAt), products: sent.products))
    }
}
