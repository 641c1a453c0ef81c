import AXCompliance
import AXReports
import AXState
import Foundation

/// The three tabs of the License Management form (seed 000), in the form's order.
public enum ManagementTab: String, Sendable, CaseIterable {
    /// Purchased against used, per product, with the license actions.
    case licenseView = "license-view"
    /// Registration, schedule and token state, with **Refresh token**.
    case configuration
    /// The audit log, with **Clear audit log**.
    case auditLog = "audit-log"

    /// The tab's label, as the seed names it.
    public var title: String {
        switch self {
        case .licenseView: "License View"
        case .configuration: "Configuration"
        case .auditLog: "Audit Log"
        }
    }
}

/// The outcome of an action, shown once at the top of the page after the action redirects back to it.
public struct ActionNotice: Sendable, Hashable {
    /// What happened, in a sentence.
    public var message: String
    /// True when the action failed: shown as an alert instead of a confirmation.
    public var isFailure: Bool

    public init(_ message: String, isFailure: Bool = false) {
        self.message = message
        self.isFailure = isFailure
    }
}

/// The Configuration tab's fields: the seed's Configuration and Token Information FastTabs. Nil values are shown empty.
public struct ServiceConfigurationFields: Sendable, Hashable {
    /// The licensing service's URL.
    public var registrationEndpoint: String?
    /// The most recent successful license refresh.
    public var lastLicenseCheck: Date?
    /// Whether this server runs the daily license refresh.
    public var refreshScheduled: Bool
    /// Whether this server runs the daily telemetry send.
    public var telemetryScheduled: Bool
    /// Not registered, Registered, Token expired or Failure.
    public var registrationStatus: String
    /// The error behind a Failure status.
    public var statusMessage: String?
    /// When the current access token expires.
    public var tokenExpiry: Date?
    public var tenantId: String?
    public var environmentId: String?
    public var environmentName: String?
    /// When the environment was registered.
    public var registeredAt: Date?

    public init(registrationEndpoint: String? = nil, lastLicenseCheck: Date? = nil, refreshScheduled: Bool, telemetryScheduled: Bool,
                registrationStatus: String, statusMessage: String? = nil, tokenExpiry: Date? = nil, tenantId: String? = nil,
                environmentId: String? = nil, environmentName: String? = nil, registeredAt: Date? = nil) {
        self.registrationEndpoint = registrationEndpoint
        self.lastLicenseCheck = lastLicenseCheck
        self.refreshScheduled = refreshScheduled
        self.telemetryScheduled = telemetryScheduled
        self.registrationStatus = registrationStatus
        self.statusMessage = statusMessage
        self.tokenExpiry = tokenExpiry
        self.tenantId = tenantId
        self.environmentId = environmentId
        self.environmentName = environmentName
        self.registeredAt = registeredAt
    }

    /// The Configuration FastTab's rows, labelled as in the seed.
    var configurationRows: [(label: String, value: String)] {
        [("Registration endpoint", registrationEndpoint ?? ""),
         ("Last license check", lastLicenseCheck.map(utcTimestamp) ?? "Never"),
         ("License refresh batch task", refreshScheduled ? "Scheduled" : "Not scheduled"),
         ("Telemetry batch task", telemetryScheduled ? "Scheduled" : "Not scheduled")]
    }

    /// The Token Information FastTab's rows, labelled as in the seed (Registration info split into its parts).
    var tokenRows: [(label: String, value: String)] {
        [("Effective registration status", registrationStatus),
         ("Status message", statusMessage ?? ""),
         ("Token expiry date", tokenExpiry.map(utcTimestamp) ?? ""),
         ("Tenant ID", tenantId ?? ""),
         ("Environment ID", environmentId ?? ""),
         ("Environment name", environmentName ?? ""),
         ("Registered at", registeredAt.map(utcTimestamp) ?? "")]
    }
}

/// Everything one rendering of the License Management page shows. A value: built by `LicenseManagement`, rendered
/// by `html()`, and tested on its own.
public struct ManagementPage: Sendable {
    /// The tab shown.
    public var tab: ManagementTab
    /// What the page is about (the workspace folder's name), in the heading.
    public var subject: String
    /// Purchased against used; nil when it could not be computed (`viewProblem` says why).
    public var view: LicenseView?
    /// Why there is no License View (an input that cannot be read, no purchased licenses).
    public var viewProblem: String?
    /// Each product's release notes page (an http or https URL), by product name.
    public var releaseNotes: [String: URL]
    /// The Configuration tab.
    public var configuration: ServiceConfigurationFields
    /// Audit entries shown, newest first.
    public var audit: [AuditEntry]
    /// Entries in the log in all (more than `audit` holds when the list is cut short).
    public var auditTotal: Int
    /// Why the audit log could not be read, if it could not.
    public var auditProblem: String?
    /// The outcome of the action that led here.
    public var notice: ActionNotice?
    /// The per-process token every action form carries (cross-site request protection).
    public var formToken: String

    public init(tab: ManagementTab, subject: String, view: LicenseView?, viewProblem: String?, releaseNotes: [String: URL],
                configuration: ServiceConfigurationFields, audit: [AuditEntry], auditTotal: Int, auditProblem: String? = nil,
                notice: ActionNotice?, formToken: String) {
        self.tab = tab
        self.subject = subject
        self.view = view
        self.viewProblem = viewProblem
        self.releaseNotes = releaseNotes
        self.configuration = configuration
        self.audit = audit
        self.auditTotal = auditTotal
        self.auditProblem = auditProblem
        self.notice = notice
        self.formToken = formToken
    }

    /// The action forms post to these paths; `ManagementRoutes` serves them.
    public enum ActionPath {
        public static let refreshLicenses = "/actions/refresh-licenses"
        public static let sendTelemetry = "/actions/send-telemetry"
        public static let refreshToken = "/actions/refresh-token"
        public static let clearAuditLog = "/actions/clear-audit-log"
    }

    /// The form field holding `formToken`.
    public static let tokenField = "csrf"
    /// The form field holding the number of days for **Clear audit log**.
    public static let daysField = "days"

    /// The page: one HTML document in the report's chrome (`PageChrome`: stylesheet, header, legend), the notifications, the tab bar and the chosen
    /// tab. It needs no script: tabs are links and actions are forms.
    public func html() -> String {
        let header = PageChrome.header(heading: "License Management",
                                       meta: ["Workspace \(subject)" + (view.map { " · expiry judged on \($0.today)" } ?? "")])
        var page = ""
        page += notificationsSection
        page += #"<nav class="tabs" aria-label="License Management tabs"><ul>"#
        for candidate in ManagementTab.allCases {
            let current = candidate == tab ? #" aria-current="page""# : ""
            page += #"<li><a href="/?tab=\#(candidate.rawValue)" id="tab-\#(candidate.rawValue)"\#(current)>\#(xmlEscaped(candidate.title))</a></li>"#
        }
        page += "</ul></nav>\n"
        if let notice {
            let kind = notice.isFailure ? "alert" : "ok notice"
            page += #"<p class="\#(kind)" role="status" data-notice>\#(xmlEscaped(notice.message))</p>"# + "\n"
        }
        page += #"<section id="\#(tab.rawValue)" aria-labelledby="tab-\#(tab.rawValue)"><h2>\#(xmlEscaped(tab.title))</h2>"# + "\n"
        switch tab {
        case .licenseView: page += licenseViewTab
        case .configuration: page += configurationTab
        case .auditLog: page += auditLogTab
        }
        page += "</section>\n"
        return PageChrome.page(title: "License Management — \(tab.title) — \(subject)", headerHTML: header, mainHTML: page,
                               footer: "axlicense serve · no sign-in: anyone who can reach this address can use the actions.", script: nil,
                               extraStyle: Self.css)
    }

    /// The dashboard notifications (seed's exact text), each with a "See licenses" link to the License View tab.
    private var notificationsSection: String {
        guard let view, !view.notifications.isEmpty else { return "" }
        var html = #"<section class="notifications" aria-label="Notifications">"#
        for notification in view.notifications {
            html += #"<p class="alert" role="alert" data-notification="\#(notification.rawValue)">⚠️ \#(xmlEscaped(notification.message)) "#
                + #"<a href="/?tab=license-view">See licenses</a></p>"#
        }
        return html + "</section>\n"
    }

    private func actionForm(_ path: String, _ label: String, extra: String = "") -> String {
        #"<form method="post" action="\#(path)" class="action"><input type="hidden" name="\#(Self.tokenField)" value="\#(xmlEscaped(formToken))">"#
            + extra + #"<button type="submit">\#(xmlEscaped(label))</button></form>"#
    }

    private var licenseViewTab: String {
        var html = #"<div class="actions">"#
            + actionForm(ActionPath.refreshLicenses, "Refresh licenses") + actionForm(ActionPath.sendTelemetry, "Send telemetry")
            + "</div>\n"
        html += PageChrome.statusLegend
        guard let view else {
            return html + #"<p class="alert" data-view-problem>\#(xmlEscaped(viewProblem ?? "No License View."))</p>"# + "\n"
        }
        let headings = ["Status", "Model", "License Qty", "Used licenses", "Expiration date", "Current version", "Latest version", "License holder", "Release Notes"]
        html += #"<div class="grid"><table class="data license-view" data-table="license-view"><thead><tr>"#
        for heading in headings {
            let numeric = heading == "License Qty" || heading == "Used licenses"
            html += #"<th scope="col"\#(numeric ? #" data-type="number""# : "")>\#(heading)</th>"#
        }
        // Each cell names its column (`data-label`): on a phone the rows are shown as cards, one "label value" line each.
        func cell(_ index: Int, _ content: String, _ attributes: String = "") -> String {
            #"<td data-label="\#(headings[index])"\#(attributes)>\#(content)</td>"#
        }
        html += "</tr></thead><tbody>\n"
        for row in view.rows {
            let reasons = row.statusReasons.joined(separator: " ")
            let status: String
            switch row.status {
            case .warning: status = #"<span role="img" aria-label="Warning">⚠️</span> "#
            case .newerVersion: status = #"<span role="img" aria-label="Information">ℹ️</span> "#
            case .healthy: status = ""
            }
            let notes = releaseNotes[row.product.model].map {
                #"<a href="\#(xmlEscaped($0.absoluteString))" target="_blank" rel="noopener noreferrer">Release Notes<span class="visually-hidden"> for \#(xmlEscaped(row.product.model))</span></a>"#
            } ?? ""
            html += #"<tr data-model="\#(xmlEscaped(row.product.model))" data-status="\#(row.status.rawValue)">"#
                + cell(0, status + (reasons.isEmpty ? "" : #"<span class="reason">\#(xmlEscaped(reasons))</span>"#), #" class="status""#)
                + cell(1, xmlEscaped(row.product.model))
                + cell(2, "\(row.product.licenseQuantity)", #" class="num" data-key="quantity""#) + cell(3, "\(row.used)", #" class="num" data-key="used""#)
                + cell(4, row.product.expirationDate?.description ?? "") + cell(5, xmlEscaped(row.product.currentVersion))
                + cell(6, xmlEscaped(row.product.latestVersion)) + cell(7, xmlEscaped(row.product.licenseHolder)) + cell(8, notes) + "</tr>\n"
        }
        if view.rows.isEmpty { html += #"<tr><td colspan="\#(headings.count)">No products.</td></tr>"# + "\n" }
        return html + "</tbody></table></div>\n"
    }

    private func facts(_ title: String, _ rows: [(label: String, value: String)]) -> String {
        #"<div class="fasttab"><h3>\#(xmlEscaped(title))</h3><dl class="fields">"#
            + rows.map { #"<div><dt>\#(xmlEscaped($0.label))</dt><dd>\#(xmlEscaped($0.value))</dd></div>"# }.joined()
            + "</dl></div>\n"
    }

    private var configurationTab: String {
        facts("Configuration", configuration.configurationRows) + facts("Token Information", configuration.tokenRows)
            + #"<div class="actions">"# + actionForm(ActionPath.refreshToken, "Refresh token") + "</div>\n"
    }

    private var auditLogTab: String {
        let days = #"<label for="days">Delete entries older than (days)</label> "#
            + #"<input id="days" name="\#(Self.daysField)" type="number" min="0" max="36500" step="1" value="30" required> "#
        var html = #"<div class="actions">"# + actionForm(ActionPath.clearAuditLog, "Clear audit log", extra: days) + "</div>\n"
        if let auditProblem { return html + #"<p class="alert">\#(xmlEscaped(auditProblem))</p>"# + "\n" }
        var table = AuditReport(entries: audit).table
        table.title = audit.count < auditTotal ? "Audit log: the newest \(audit.count) of \(auditTotal) entries" : "Audit log: \(auditTotal) entries, newest first"
        html += PageChrome.table(table, id: "audit")
        return html
    }

    /// What the page adds to the report's stylesheet: the tab bar, the action forms, the field lists.
    private static let css = """
        nav.tabs ul{display:flex;flex-wrap:wrap;gap:4px;list-style:none;margin:12px 0 0;padding:0;border-bottom:2px solid #d5dbe3}
        nav.tabs a{display:block;padding:8px 14px;color:#1d4f86;text-decoration:none;border:1px solid transparent;border-bottom:none;border-radius:6px 6px 0 0}
        nav.tabs a[aria-current=page]{background:#fff;border-color:#d5dbe3;color:#1d2733;font-weight:600}
        a:focus-visible,button:focus-visible,input:focus-visible{outline:3px solid #1d4f86;outline-offset:2px}
        .actions{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:12px 0}form.action{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin:0}
        button{background:#1d4f86;color:#fff;border:0;border-radius:4px;padding:7px 14px;font:inherit;cursor:pointer}
        input[type=number]{width:6em;padding:4px 6px;border:1px solid #6b7785;border-radius:4px;font:inherit}
        .notifications .alert{margin:8px 0}.notice{margin:12px 0}
        .grid{overflow-x:auto}table.data td{overflow-wrap:break-word}td.status .reason{font-size:.8rem;color:#4b5866}
        .fasttab{background:#fff;border:1px solid #d5dbe3;border-radius:8px;padding:4px 14px 10px;margin:12px 0}.fasttab h3{font-size:1rem}
        dl.fields{display:grid;grid-template-columns:minmax(10em,max-content) 1fr;gap:4px 16px;margin:0}dl.fields div{display:contents}
        dt{color:#4b5866}dd{margin:0;overflow-wrap:anywhere}
        .visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        @media (max-width:700px){body{padding:12px}dl.fields{grid-template-columns:1fr}dd{margin-bottom:6px}
        table.license-view thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
        table.license-view,table.license-view tbody,table.license-view tr{display:block}
        table.license-view tr{background:#fff;border:1px solid #d5dbe3;border-radius:6px;margin:0 0 10px}
        table.license-view td{display:grid;grid-template-columns:8.5em 1fr;gap:8px;border:0;border-bottom:1px solid #e9eef4}
        table.license-view td.num{text-align:left}table.license-view td::before{content:attr(data-label);font-weight:600;color:#4b5866}
        table.license-view td:empty{display:none}}
        """
}
