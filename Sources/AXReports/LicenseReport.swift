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
    /// What the report is about, shown in the heading (the workspace folder).
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

    /// The workbook: users, roles, per-SKU summary (with the method), "What changes" with `--method both`, License View
    /// and over/under users when there are any; first an
    /// `INCOMPLETE` sheet when metadata files could not be read (--keep-going).
    public func workbook() throws(Workbook.BuildError) -> Data {
        var sheets = [Workbook.Sheet(name: "Users", table: estimate.usersTable), Workbook.Sheet(name: "Roles", table: roles.table),
                      Workbook.Sheet(name: "SKU summary", table: skuSummarySheet), Workbook.Sheet(name: "Users per tier", table: estimate.tiersTable)]
        if let migration = migrationTable { sheets.append(Workbook.Sheet(name: "What changes", table: migration)) }
        if let check = plainCheck {
            sheets.append(Workbook.Sheet(name: "License View", table: check.licenseTable))
            if let review = check.reviewTable { sheets.append(Workbook.Sheet(name: "Over and under", table: review)) }
        }
        // An incomplete estimate opens on a sheet that says so, with the errors behind it (the HTML page's alert).
        if !estimate.isComplete {
            let errors = estimate.estimate.diagnostics.filter { $0.severity == .error }.map { [$0.description] }
            sheets.insert(Workbook.Sheet(name: "INCOMPLETE", table: ReportTable(title: "INCOMPLETE", columns: [ReportColumn("Note", .message)],
                                                                                rows: [[incompleteNote]] + errors)), at: 0)
        }
        return try Workbook(sheets: sheets, date: today.startOfDay).data()
    }

    // MARK: HTML

    /// The self-contained HTML page.
    public func html() -> String {
        let summary = estimate.estimate.summary
        let users = estimate.estimate.users
        let counts = diagnosticCounts(estimate.estimate.diagnostics)
        let skuCosts = self.skuCosts  // one pass over the users for the tiles, the chart and the table
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="axlicense">
            <title>License report — \(xmlEscaped(subject))</title>
            <style>\(Self.css)</style>
            </head>
            <body>
            <header>
            <h1>Dynamics 365 Finance &amp; Operations license report</h1>
            <p class="meta">Workspace <code>\(xmlEscaped(subject))</code> · for \(today) · \(users.count) users · prices per user per month in \(xmlEscaped(catalog.currency))</p>
            <p class="meta method" data-method="\(xmlEscaped(method.name))">\(xmlEscaped(method.note))</p>

            """
        if !estimate.isComplete { page += #"<p class="alert">\#(xmlEscaped(incompleteNote))</p>"# + "\n" }
        page += "</header>\n<main>\n"

        // Tiles.
        page += #"<section aria-label="Summary"><div class="tiles">"#
        page += tile("Total monthly cost", summary.monthlyCost.description, key: "monthlyCost", emphasis: true)
        page += tile("Users", "\(users.count)", key: "users")
        for tier in LicenseTier.allCases.reversed() {
            page += tile("\(tier.name) users", "\(summary.tiers[tier] ?? 0)", key: "tier-\(tier.name)")
        }
        page += tile("Diagnostics", "\(counts.errors) errors · \(counts.warnings) warnings", key: "diagnostics",
                     attributes: #" data-errors="\#(counts.errors)" data-warnings="\#(counts.warnings)""#)
        page += "</div>\n<h2>Licenses per SKU</h2><div class=\"tiles\">"
        for sku in skuCosts {
            page += tile(sku.name, "\(sku.base) base · \(sku.attach) attach", key: "sku-\(sku.name)",
                         attributes: #" data-base="\#(sku.base)" data-attach="\#(sku.attach)" data-cost="\#(sku.monthlyCost)""#,
                         detail: "\(sku.monthlyCost) per month")
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
                                format: { Money(units: $0).map(\.description) ?? "" })
        page += figure(costs)
        if let check {
            let used = SVGBarChart(
                title: "Used vs purchased licenses per product",
                series: [.init(name: "Purchased", color: "#9aa5b1"), .init(name: "Used", color: "#c2571a")],
                categories: check.view.rows.map { .init(label: $0.product.model, values: [Double($0.product.licenseQuantity), Double($0.used)], note: $0.status.marker(emoji: true)) },
                format: { String(Int($0)) })
            page += figure(used)
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
            page += htmlTable(check.licenseTable, id: "license-view")
            if let review = check.reviewTable, let data = check.review {
                page += htmlTable(review, id: "over-under", note: "Under-licensed users: \(data.underLicensed); over-licensed users: \(data.overLicensed); monthly saving: \(data.totalSaving); monthly extra cost: \(data.totalAdditionalCost)")
            }
        }
        if !estimate.estimate.diagnostics.isEmpty {
            let diagnostics = ReportTable(title: "Diagnostics",
                                          columns: [ReportColumn("Severity"), ReportColumn("Code"), ReportColumn("Where", .path), ReportColumn("Message", .message)],
                                          rows: estimate.estimate.diagnostics.map { [$0.severity.rawValue, $0.code.rawValue, $0.location?.description ?? "", $0.message] })
            page += htmlTable(diagnostics, id: "diagnostics")
        }
        page += "</main>\n<footer>Generated by axlicense. Tables sort when a column heading is clicked and filter as you type (JavaScript); without JavaScript they are plain tables.</footer>\n"
        page += "<script>\(Self.script)</script>\n</body>\n</html>\n"
        return page
    }

    private func tile(_ label: String, _ value: String, key: String, emphasis: Bool = false, attributes: String = "", detail: String? = nil) -> String {
        let numeric = value.allSatisfy { $0.isNumber || $0 == "." || $0 == "-" }
        return #"<div class="tile\#(emphasis ? " emphasis" : "")" data-key="\#(xmlEscaped(key))"\#(numeric ? #" data-value="\#(xmlEscaped(value))""# : "")\#(attributes)>"#
            + #"<span class="label">\#(xmlEscaped(label))</span><span class="value">\#(xmlEscaped(value))</span>"#
            + (detail.map { #"<span class="detail">\#(xmlEscaped($0))</span>"# } ?? "") + "</div>"
    }

    private func figure(_ chart: SVGBarChart) -> String {
        "<figure>\(chart.render())<figcaption>\(xmlEscaped(chart.title))</figcaption></figure>"
    }

    private func htmlTable(_ table: ReportTable, id: String, note: String? = nil) -> String {
        HTMLTableRenderer().render(table, id: id, note: note)
    }

    package static let css = """
        :root{color-scheme:light;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d2733;background:#f5f7fa}
        body{margin:0 auto;max-width:1200px;padding:16px 24px}h1{font-size:1.5rem;margin:.2em 0}h2{font-size:1.1rem;margin:1.2em 0 .5em}
        .meta{color:#4b5866;margin:0}.tiles{display:flex;flex-wrap:wrap;gap:10px}
        .tile{background:#fff;border:1px solid #d5dbe3;border-radius:8px;padding:10px 14px;min-width:130px;display:flex;flex-direction:column}
        .tile.emphasis{border-color:#2f6fb3;box-shadow:0 0 0 1px #2f6fb3 inset}.tile .label{font-size:.8rem;color:#4b5866}
        .tile .value{font-size:1.35rem;font-weight:600}.tile .detail{font-size:.8rem;color:#4b5866}
        .charts{display:flex;flex-wrap:wrap;gap:16px}figure{background:#fff;border:1px solid #d5dbe3;border-radius:8px;margin:0;padding:10px}
        figcaption{font-size:.85rem;color:#4b5866;text-align:center}svg text{fill:#1d2733;font-family:inherit}
        .alert{background:#fff4e5;border:1px solid #e0a050;border-radius:6px;padding:8px 12px}.ok{color:#3f8f5a}
        .scroll{overflow-x:auto}table.data{border-collapse:collapse;background:#fff;font-size:.85rem;width:100%}
        table.data th,table.data td{border:1px solid #d5dbe3;padding:4px 8px;text-align:left;vertical-align:top}
        table.data th{background:#e9eef4;cursor:pointer;user-select:none;position:sticky;top:0}
        table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
        th[aria-sort=ascending]::after{content:" ▲"}th[aria-sort=descending]::after{content:" ▼"}
        input.filter{margin:0 0 6px;padding:4px 8px;border:1px solid #b9c3cf;border-radius:4px;width:260px}
        footer{color:#4b5866;font-size:.8rem;margin:2em 0 1em}code{font-size:.9em}
        @media print{input.filter{display:none}body{background:#fff}}
        """

    /// Sorting and filtering, added only when JavaScript runs (the page is complete without it).
    private static let script = """
        document.querySelectorAll("table.data").forEach(function (table) {
          var body = table.tBodies[0], headings = table.tHead.rows[0].cells;
          var input = document.createElement("input");
          input.type = "search"; input.className = "filter";
          input.placeholder = "Filter " + table.closest("section").querySelector("h2").textContent + "…";
          input.addEventListener("input", function () {
            var query = input.value.toLowerCase();
            Array.prototype.forEach.call(body.rows, function (row) { row.hidden = query !== "" && row.textContent.toLowerCase().indexOf(query) < 0; });
          });
          table.parentNode.parentNode.insertBefore(input, table.parentNode);
          Array.prototype.forEach.call(headings, function (heading, column) {
            heading.tabIndex = 0;
            function sort() {
              var ascending = heading.getAttribute("aria-sort") !== "ascending", numeric = heading.dataset.type === "number";
              Array.prototype.forEach.call(headings, function (other) { other.removeAttribute("aria-sort"); });
              heading.setAttribute("aria-sort", ascending ? "ascending" : "descending");
              var rows = Array.prototype.slice.call(body.rows);
              rows.sort(function (a, b) {
                var x = a.cells[column].textContent, y = b.cells[column].textContent;
                var order = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
                return ascending ? order : -order;
              });
              rows.forEach(function (row) { body.appendChild(row); });
            }
            heading.addEventListener("click", sort);
            heading.addEventListener("keydown", function (event) { if (event.key === "Enter") { sort(); } });
          });
        });
        """
}
