import AXCompliance
import AXLicensing
import AXModel
import AXReading
import Foundation

/// `axlicense report`: everything an admin or licensing manager looks at, in one self-contained HTML page or one
/// Excel workbook — tiles, charts, and the users, roles, per-SKU, License View and over/under tables.
public struct LicenseReport: Sendable {
    /// The User License Estimator: users, tiers, SKUs.
    public var estimate: EstimateReport
    /// One row per role.
    public var roles: RolesReport
    /// The License View and (with `--assigned`) the over/under review; nil without purchased licenses.
    public var check: CheckReport?
    /// SKU names and prices, for the cost per SKU.
    public var catalog: SkuCatalog
    /// The date the report is for (expiry is judged against it).
    public var today: CalendarDate
    /// What the report is about, shown in the heading and the page title (the workspace folder's name: `subject(ofWorkspace:)`).
    public var subject: String
    /// The licensing method the licenses come from, named at the top of the page and in the SKU summary sheet.
    public var method: MethodUse

    public init(estimate: EstimateReport, roles: RolesReport, check: CheckReport?, catalog: SkuCatalog, today: CalendarDate, subject: String,
                method: MethodUse = MethodUse(primary: .legacy)) {
        self.estimate = estimate
        self.roles = roles
        self.check = check
        self.catalog = catalog
        self.today = today
        self.subject = subject
        self.method = method
    }

    /// The name a workspace folder is known by: its own name, with `.`, `..` and trailing slashes resolved
    /// (`--workspace .` run in `/srv/contoso` gives `contoso`); a symbolic link keeps the name it was given by; the
    /// whole path for the root folder.
    public static func subject(ofWorkspace path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let name = url.lastPathComponent
        return name.isEmpty || name == "/" ? url.path : name
    }

    /// With `--method both`: who changes between the methods, for users then roles (counts, costs under each).
    public var migrationTable: ReportTable? {
        let comparisons = [("Users", estimate.comparison), ("Roles", roles.comparison)].compactMap { name, comparison in comparison.map { (name, $0) } }
        guard let first = comparisons.first?.1 else { return nil }
        let primary = first.primary == .objects ? "per-object" : "legacy", other = first.other == .objects ? "per-object" : "legacy"
        return ReportTable(
            title: "What changes from the \(other) to the \(primary) method",
            columns: [ReportColumn("Of", priority: .essential), ReportColumn("Higher", .number), ReportColumn("Lower", .number),
                      ReportColumn("Other license, same cost", .number), ReportColumn("Unchanged", .number),
                      ReportColumn("Monthly cost, \(other)", .money), ReportColumn("Monthly cost, \(primary)", .money), ReportColumn("Change", .money)],
            rows: comparisons.map { name, comparison in
                let change = comparison.primaryCost - comparison.otherCost
                return [name, "\(comparison.count(.higher))", "\(comparison.count(.lower))", "\(comparison.count(.different))", "\(comparison.count(.same))",
                        comparison.otherCost.description, comparison.primaryCost.description, (change.cents > 0 ? "+" : "") + change.description]
            })
    }

    /// One licensed SKU's counts and the monthly cost it accounts for.
    public struct SkuCost: Sendable, Hashable {
        /// SKU name, or `Operations` for any-base licenses.
        public var name: String
        /// Licenses holding it as base.
        public var base: Int
        /// Licenses holding it as an attach.
        public var attach: Int
        /// The part of the total monthly cost it accounts for.
        public var monthlyCost: Money
    }

    /// Per SKU (and `Operations` for any-base licenses): base and attach counts and the cost they make up; the
    /// costs add up to the total. A base accounts for its license's cost less the attaches' prices.
    public var skuCosts: [SkuCost] {
        var costs: [String: Money] = [:]
        for user in estimate.estimate.users {
            guard let base = user.license.base?.name else { continue }
            var attachTotal = Money.zero
            for attach in user.license.attach {
                let price = catalog[attach.position].attachPrice ?? catalog[attach.position].basePrice
                costs[attach.name, default: .zero] += price
                attachTotal += price
            }
            costs[base, default: .zero] += user.license.monthlyCost - attachTotal
        }
        return estimate.estimate.summary.skus.filter { $0.count.base + $0.count.attach > 0 }.map {
            SkuCost(name: $0.name, base: $0.count.base, attach: $0.count.attach, monthlyCost: costs[$0.name] ?? .zero)
        }
    }

    /// The per-SKU summary table.
    public var skuTable: ReportTable { skuTable(skuCosts) }

    private func skuTable(_ skuCosts: [SkuCost]) -> ReportTable {
        ReportTable(title: "Licenses per SKU",
                    columns: [ReportColumn("SKU"), ReportColumn("Base", .number), ReportColumn("Attach", .number), ReportColumn("Monthly cost", .money)],
                    rows: skuCosts.map { [$0.name, "\($0.base)", "\($0.attach)", $0.monthlyCost.description] })
    }

    /// The workbook's summary sheet: the per-SKU table, then a row naming the method the licenses come from.
    private var skuSummarySheet: ReportTable {
        var table = skuTable
        table.rows.append([method.note, "", "", ""])
        return table
    }

    private var plainCheck: CheckReport? {
        guard var check else { return nil }
        check.emoji = false
        return check
    }

    /// The workbook: a Summary sheet (the page's tiles), users, roles, per-SKU summary (with the method), "What
    /// changes" with `--method both`, License View and over/under users when there are any, and the diagnostics; first
    /// an `INCOMPLETE` sheet when metadata files could not be read (--keep-going). Amounts are in the catalog
    /// currency's format, dates are Excel dates.
    public func workbook() throws(Workbook.BuildError) -> Data {
        var sheets = [summarySheet, Workbook.Sheet(name: "Users", table: estimate.usersTable), Workbook.Sheet(name: "Roles", table: roles.table),
                      Workbook.Sheet(name: "SKU summary", table: skuSummarySheet), Workbook.Sheet(name: "Users per tier", table: estimate.tiersTable)]
        if let migration = migrationTable { sheets.append(Workbook.Sheet(name: "What changes", table: migration)) }
        if let check = plainCheck {
            sheets.append(Workbook.Sheet(name: "License View", table: check.licenseTable))
            if let review = check.reviewTable { sheets.append(Workbook.Sheet(name: "Over and under", table: review)) }
        }
        sheets.append(Workbook.Sheet(name: "Diagnostics", table: diagnosticsTable))
        // An incomplete estimate opens on a sheet that says so, with the errors behind it (the HTML page's alert).
        if !estimate.isComplete {
            let errors = estimate.estimate.diagnostics.filter { $0.severity == .error }.map { [$0.description] }
            sheets.insert(Workbook.Sheet(name: "INCOMPLETE", table: ReportTable(title: "INCOMPLETE", columns: [ReportColumn("Note", .message)],
                                                                                rows: [[incompleteNote]] + errors)), at: 0)
        }
        return try Workbook(sheets: sheets, date: today.startOfDay, money: money).data()
    }

    /// The workbook's first sheet: what the page's header and tiles say, one figure a row, each cell typed (the date a
    /// date, the cost an amount, counts numbers).
    var summarySheet: Workbook.Sheet {
        let summary = estimate.estimate.summary
        let counts = diagnosticCounts(estimate.estimate.diagnostics)
        var rows: [[Workbook.Cell]] = [
            [.text("Workspace"), .text(subject)],
            [.text("Report date"), .date(today)],
            [.text("Licensing method"), .text(method.note)],
            [.text("Currency"), .text(money.currency)],
            [.text("Users"), .number("\(estimate.estimate.users.count)", decimals: false)],
            [.text("Total monthly cost"), .money(summary.monthlyCost)],
        ]
        rows += LicenseTier.allCases.reversed().map { [.text("\($0.name) users"), .number("\(summary.tiers[$0] ?? 0)", decimals: false)] }
        rows += [[.text("Errors"), .number("\(counts.errors)", decimals: false)], [.text("Warnings"), .number("\(counts.warnings)", decimals: false)]]
        if let check {
            rows += check.view.notifications.map { [.text("Notification"), .text($0.message)] }
        }
        if !estimate.isComplete { rows.append([.text("Incomplete"), .text(incompleteNote)]) }
        return Workbook.Sheet(name: "Summary", header: ["Figure", "Value"], rows: rows)
    }

    // MARK: HTML

    /// How the page and the workbook show amounts: the catalog's currency.
    public var money: MoneyFormat { MoneyFormat(catalog) }

    /// The self-contained HTML page, in the look of `PageChrome`.
    public func html() -> String {
        let summary = estimate.estimate.summary
        let users = estimate.estimate.users
        let counts = diagnosticCounts(estimate.estimate.diagnostics)
        let money = self.money
        let skuCosts = self.skuCosts  // one pass over the users for the tiles, the chart and the table
        var extra = #"<p class="meta method" data-method="\#(xmlEscaped(method.name))">\#(xmlEscaped(method.note))</p>"# + "\n"
        if !estimate.isComplete { extra += #"<p class="alert">\#(xmlEscaped(incompleteNote))</p>"# + "\n" }
        let header = PageChrome.header(
            heading: "Dynamics 365 Finance & Operations license report",
            meta: ["Workspace \(subject) · for \(today) · \(users.count) users · prices per user per month in \(money.currency)"], extraHTML: extra)
        var page = ""

        // Tiles.
        page += #"<section aria-label="Summary"><div class="tiles">"#
        page += tile("Total monthly cost", money.text(summary.monthlyCost), key: "monthlyCost", emphasis: true,
                     attributes: #" data-value="\#(summary.monthlyCost)""#)
        page += tile("Users", "\(users.count)", key: "users", attributes: #" data-value="\#(users.count)""#)
        for tier in LicenseTier.allCases.reversed() {
            page += tile("\(tier.name) users", "\(summary.tiers[tier] ?? 0)", key: "tier-\(tier.name)", attributes: #" data-value="\#(summary.tiers[tier] ?? 0)""#)
        }
        page += tile("Diagnostics", "\(counts.errors) errors · \(counts.warnings) warnings", key: "diagnostics",
                     attributes: #" data-errors="\#(counts.errors)" data-warnings="\#(counts.warnings)""#)
        page += "</div>\n<h2>Licenses per SKU</h2><div class=\"tiles\">"
        for sku in skuCosts {
            page += tile(sku.name, "\(sku.base) base · \(sku.attach) attach", key: "sku-\(sku.name)",
                         attributes: #" data-base="\#(sku.base)" data-attach="\#(sku.attach)" data-cost="\#(sku.monthlyCost)""#,
                         detail: "\(money.text(sku.monthlyCost)) per month")
        }
        page += "</div></section>\n"

        // With both methods: who changes, before the charts, as the page's second answer.
        if let migration = migrationTable {
            page += htmlTable(migration, id: "what-changes")
        }

        // Charts.
        page += #"<section aria-label="Charts"><h2>Charts</h2><div class="charts">"#
        let tiers = SVGBarChart(title: "Users per license tier", series: [.init(name: "Users", color: "#2f6fb3")],
                                categories: LicenseTier.allCases.reversed().map { .init(label: $0.name, values: [Double(summary.tiers[$0] ?? 0)]) },
                                format: { String(Int($0)) })
        page += figure(tiers)
        let costs = SVGBarChart(title: "Monthly cost per SKU", series: [.init(name: "Monthly cost", color: "#3f8f5a")],
                                categories: skuCosts.map { .init(label: $0.name, values: [Double($0.monthlyCost.cents) / 100]) },
                                format: { Money(units: $0).map(money.text) ?? "" })
        page += figure(costs)
        if let check {
            let used = SVGBarChart(
                title: "Used vs purchased licenses per product",
                series: [.init(name: "Purchased", color: "#9aa5b1"), .init(name: "Used", color: "#c2571a")],
                categories: check.view.rows.map { .init(label: $0.product.model, values: [Double($0.product.licenseQuantity), Double($0.used)], note: $0.status.marker(emoji: true)) },
                format: { String(Int($0)) })
            page += figure(used, legendHTML: PageChrome.statusLegend)
        }
        page += "</div></section>\n"

        if let check {
            page += #"<section aria-label="Notifications"><h2>Notifications</h2>"#
            if check.view.notifications.isEmpty {
                page += #"<p class="ok">No notifications.</p>"#
            } else {
                page += check.view.notifications.map { #"<p class="alert" data-notification="\#($0.rawValue)">⚠️ \#(xmlEscaped($0.message))</p>"# }.joined()
            }
            page += "</section>\n"
        }

        // Tables.
        page += htmlTable(estimate.usersTable, id: "users")
        page += htmlTable(roles.table, id: "roles")
        page += htmlTable(skuTable(skuCosts), id: "skus")
        if let check {
            page += htmlTable(check.licenseTable, id: "license-view", legendHTML: PageChrome.statusLegend)
            if let review = check.reviewTable, let totals = check.reviewTotals {
                page += htmlTable(review, id: "over-under", note: totals.shown(money).plain)
            }
        }
        if !estimate.estimate.diagnostics.isEmpty {
            page += htmlTable(diagnosticsTable, id: "diagnostics")
        }
        return PageChrome.page(
            title: "License report — \(subject)", headerHTML: header, mainHTML: page,
            footer: "Generated by axlicense. Tables sort when a column heading is clicked and filter as you type (JavaScript); without JavaScript they are plain tables.")
    }

    /// Every diagnostic of the run: the page's last table and the workbook's Diagnostics sheet.
    public var diagnosticsTable: ReportTable {
        ReportTable(title: "Diagnostics",
                    columns: [ReportColumn("Severity"), ReportColumn("Code"), ReportColumn("Where", .path), ReportColumn("Message", .message)],
                    rows: estimate.estimate.diagnostics.map { [$0.severity.rawValue, $0.code.rawValue, $0.location?.description ?? "", $0.message] })
    }

    private func tile(_ label: String, _ value: String, key: String, emphasis: Bool = false, attributes: String = "", detail: String? = nil) -> String {
        #"<div class="tile\#(emphasis ? " emphasis" : "")" data-key="\#(xmlEscaped(key))"\#(attributes)>"#
            + #"<span class="label">\#(xmlEscaped(label))</span><span class="value">\#(xmlEscaped(value))</span>"#
            + (detail.map { #"<span class="detail">\#(xmlEscaped($0))</span>"# } ?? "") + "</div>"
    }

    private func figure(_ chart: SVGBarChart, legendHTML: String = "") -> String {
        "<figure>\(chart.render())<figcaption>\(xmlEscaped(chart.title))</figcaption>\(legendHTML)</figure>"
    }

    private func htmlTable(_ table: ReportTable, id: String, note: String? = nil, legendHTML: String = "") -> String {
        HTMLTableRenderer(money: money).render(table, id: id, note: note, legendHTML: legendHTML)
    }
}
