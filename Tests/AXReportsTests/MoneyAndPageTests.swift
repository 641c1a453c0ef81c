import AXCompliance
import AXLicensing
import Foundation
import Testing

@testable import AXReports

/// Amounts as people read them (the catalog currency's symbol, thousands separators) in the table, markdown, HTML and
/// workbook formats, machine numbers in CSV and JSON; and the shared page chrome of the HTML pages.
@Suite struct MoneyAndPageTests {
    @Test func amountsGetTheCurrencySymbolAndThousandsSeparators() {
        let usd = MoneyFormat(currency: "USD")
        #expect(usd.text(Money(cents: 123_450)) == "$1,234.50")
        #expect(usd.text(Money(cents: 123_456_789)) == "$1,234,567.89")
        #expect(usd.text(Money(cents: 99_900)) == "$999.00")
        #expect(usd.text(Money(cents: 5)) == "$0.05")
        #expect(usd.text(Money(cents: -500)) == "-$5.00")
        #expect(usd.signedText(Money(cents: 3_000)) == "+$30.00")
        #expect(usd.signedText(.zero) == "$0.00")
        #expect(MoneyFormat(currency: " eur ").text(Money(cents: 100_000)) == "€1,000.00")
        #expect(MoneyFormat(currency: "GBP").text(Money(cents: 100)) == "£1.00")
    }

    @Test func aCurrencyWithoutAKnownSymbolIsWrittenAsItsCode() {
        #expect(MoneyFormat(currency: "CHF").text(Money(cents: 123_450)) == "CHF 1,234.50")
        #expect(MoneyFormat(currency: "").text(Money(cents: 123_450)) == "1,234.50")
    }

    @Test func displayFormatsOnlyAmountsInTheMachineForm() {
        let usd = MoneyFormat(currency: "USD")
        #expect(usd.display("2808.00") == "$2,808.00")
        #expect(usd.display("+30.00") == "+$30.00")
        #expect(usd.display("-1234.50") == "-$1,234.50")
        #expect(usd.display("-0.00") == "$0.00")
        #expect(usd.display("180.00 → 1210.00") == "$180.00 → $1,210.00")
        #expect(usd.display("0.00 (other license)") == "$0.00 (other license)")
        for text in ["", "n/a", "1.5", "12", "1e3", "12.345", "--1.00", "١٢.٠٠", "1.00 (stale", "x (y)"] {
            #expect(usd.display(text) == text, "\(text)")
        }
    }

    static let table = ReportTable(title: "Costs", columns: [ReportColumn("SKU"), ReportColumn("Users", .number), ReportColumn("Monthly cost", .money)],
                                   rows: [["Finance", "1200", "216000.00"], ["Activity", "3", "-30.00"]])
    static let report = Report(sections: [[.table(table, headingLevel: 2), .total("Total monthly cost", "215970.00"),
                                           .facts([ReportFact("Change", "+5.00", kind: .money), ReportFact("Users", "1203.00")])]],
                               csvTable: table, jsonBody: ["cost": Money(cents: 21_597_000)])

    @Test func tableMarkdownAndHTMLShowTheCurrencyWhileCSVAndJSONKeepMachineNumbers() throws {
        let options = RenderOptions(money: MoneyFormat(currency: "USD"))
        let table = try Self.report.render(.table, options: options)
        #expect(table.contains("$216,000.00") && table.contains("-$30.00") && table.contains("Total monthly cost: $215,970.00"), "\(table)")
        #expect(table.contains("Change: +$5.00") && table.contains("Users:  1203.00"), "a fact that is not money stays as written: \(table)")
        #expect(table.contains(" 1200 "), "counts get no separators: \(table)")
        let markdown = try Self.report.render(.markdown, options: options)
        #expect(markdown.contains(#"| Finance | 1200 | \$216,000.00 |"#), "markdown escapes the dollar sign (GitHub math): \(markdown)")
        let html = try Self.report.render(.html, options: options)
        #expect(html.contains(#"data-sort="216000.00">$216,000.00</td>"#), "\(html)")
        #expect(try Self.report.render(.csv, options: options) == "SKU,Users,Monthly cost\nFinance,1200,216000.00\nActivity,3,-30.00\n")
        #expect(try Self.report.render(.json, options: options).contains(#""cost" : 215970"#))
        // Without a currency (a library caller, a test) the machine form is shown.
        #expect(Self.report.render(.table).contains("216000.00"))
    }

    @Test func htmlTablesHaveNoScrollWrapperAndSortMoneyAndTiersByValue() {
        let tiers = ReportTable(title: "Users", columns: [ReportColumn("User"), ReportColumn("License tier", .license), ReportColumn("Monthly cost", .money)],
                                rows: [["ann", "Operations", "1210.00"], ["bob", "Activity", "30.00"], ["cy", "TeamMembers", "8.00"], ["di", "None", "0.00"]])
        let html = HTMLTableRenderer(money: MoneyFormat(currency: "USD")).render(tiers, id: "users")
        #expect(!html.contains("class=\"scroll\""), "a scroll box is the containing block of the sticky headings")
        #expect(html.contains(#"<th scope="col" data-type="rank">License tier</th>"#))
        #expect(html.contains(#"<td data-sort="3">Operations</td>"#) && html.contains(#"<td data-sort="1">TeamMembers</td>"#)
                && html.contains(#"<td data-sort="0">None</td>"#))
        #expect(html.contains(#"<td class="num" data-sort="1210.00">$1,210.00</td>"#))
        // A column with any other word sorts as text.
        let mixed = ReportTable(columns: [ReportColumn("License", .license)], rows: [["Operations"], ["Operations + Finance"]])
        #expect(!HTMLTableRenderer().render(mixed, id: "x").contains("data-type=\"rank\""))
    }

    @Test func thePageChromeIsSelfContainedWithAViewportTheLegendAndTheTableScript() {
        let page = PageChrome.page(title: "License Management <x>", headerHTML: PageChrome.header(heading: "Licenses & more", meta: ["a < b"]),
                                   mainHTML: PageChrome.statusLegend, footer: "f")
        #expect(page.hasPrefix("<!DOCTYPE html>"))
        #expect(page.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
        #expect(page.contains("<title>License Management &lt;x&gt;</title>") && page.contains("<h1>Licenses &amp; more</h1>")
                && page.contains(#"<p class="meta">a &lt; b</p>"#))
        #expect(page.contains("⚠️ expired, or more licenses used than purchased") && page.contains("ℹ️ a newer version is available"))
        #expect(page.contains("<script>") && page.contains("row.cells"), "the filter looks at each cell, never the row's joined text")
        #expect(!page.contains("overflow-x:auto"), "no scroll box around tables")
        #expect(!PageChrome.page(title: "t", headerHTML: "", mainHTML: "", footer: "", script: nil).contains("<script>"))
        #expect(PageChrome.page(title: "t", headerHTML: "", mainHTML: "", footer: "", extraStyle: ".tabs{display:flex}").contains(".tabs{display:flex}</style>"))
        let grid = PageChrome.table(Self.table, id: "license-view", money: MoneyFormat(currency: "EUR"), legendHTML: PageChrome.statusLegend)
        #expect(grid.hasPrefix(#"<section class="table" id="license-view"><h2>Costs</h2><ul class="legend""#) && grid.contains(">€216,000.00</td>"))
    }

    @Test func chartsScaleToTheirContainerInsteadOfAFixedWidth() {
        let chart = SVGBarChart(title: "t", series: [.init(name: "Users", color: "#000")],
                                categories: [.init(label: String(repeating: "Long SKU name ", count: 4), values: [3])], format: { "\($0)" })
        let svg = chart.render()
        let root = svg.prefix { $0 != ">" }
        #expect(root.contains("viewBox=") && !root.contains(" width=") && !root.contains(" height="), "\(root)")
        #expect(svg.contains(">Long SKU name Long SK…</text>"), "a label longer than the label area is cut")
        #expect(PageChrome.stylesheet.contains("figure svg{display:block;width:100%;max-width:620px;height:auto;margin:0 auto}"))
    }

    @Test func workbookCellsAreTypedDatesAndAmountsInTheCurrencyFormat() throws {
        let table = ReportTable(columns: [ReportColumn("Model"), ReportColumn("Qty", .number), ReportColumn("Expiration date", .date), ReportColumn("Cost", .money)],
                                rows: [["Finance", "10", "2026-10-31", "1234.50"], ["Old", "1", "1899-12-01", "180.00 → 210.00"], ["None", "", "", ""]])
        let sheet = Workbook.worksheet(table, money: MoneyFormat(currency: "USD"))
        #expect(sheet.contains(#"<c r="C2" s="4"><v>46326</v></c>"#), "2026-10-31 is Excel day 46326: \(sheet)")
        #expect(sheet.contains(#"<c r="D2" s="5"><v>1234.50</v></c>"#))
        #expect(sheet.contains(#"<c r="B2" s="3"><v>10</v></c>"#))
        #expect(sheet.contains(#"<c r="C3" t="inlineStr"><is><t xml:space="preserve">1899-12-01</t>"#), "before March 1900 a date stays text")
        #expect(sheet.contains(#"<c r="D3" t="inlineStr"><is><t xml:space="preserve">180.00 → 210.00</t>"#))
        #expect(!sheet.contains(#"r="C4""#) && !sheet.contains(#"r="D4""#), "empty cells are left out")
        let book = Workbook(sheets: [Workbook.Sheet(name: "A", table: table)], date: Date(timeIntervalSince1970: 0), money: MoneyFormat(currency: "EUR"))
        #expect(try book.data().count > 0)
    }

    @Test func theWorkspaceSubjectIsTheFolderNameNeverADot() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("contoso-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(LicenseReport.subject(ofWorkspace: folder.path + "/sub/..") == folder.lastPathComponent)
        #expect(LicenseReport.subject(ofWorkspace: folder.path + "/") == folder.lastPathComponent)
        #expect(LicenseReport.subject(ofWorkspace: ".") == URL(fileURLWithPath: FileManager.default.currentDirectoryPath).lastPathComponent)
        #expect(LicenseReport.subject(ofWorkspace: "/") == "/")
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/contoso-2026", withDestinationPath: folder.path + "/sub")
        #expect(LicenseReport.subject(ofWorkspace: folder.path + "/contoso-2026") == "contoso-2026", "a link is named as the user named it")
    }
}
