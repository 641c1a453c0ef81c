import AXTestSupport
import Foundation
import Testing

/// `axlicense report`: the HTML page and the workbook, checked against the JSON outputs and real readers.
@Suite struct ReportCommandTests {
    static let checkArguments = ["--workspace", "Data/sample", "--method", "legacy", "--quiet", "--today", "2026-11-23", "--assigned", "Data/sample/assigned-licenses.csv"]

    /// Writes the report into a fresh folder and returns the folder.
    func makeReport() throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        let result = try run(axlicenseBinary, ["report"] + Self.checkArguments + ["--output", folder.path + "/"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        return folder
    }

    /// `data-key="…" data-value="…"` and the other data attributes of every tile.
    func tiles(_ html: String) throws -> [String: [String: String]] {
        let tile = try Regex(#"<div class="tile[^"]*" data-key="([^"]+)"([^>]*)>"#)
        let attribute = try Regex(#"data-([a-z]+)="([^"]*)""#)
        var result: [String: [String: String]] = [:]
        for match in html.matches(of: tile) {
            let key = String(match.output[1].substring!)
            var attributes: [String: String] = [:]
            for pair in String(match.output[2].substring!).matches(of: attribute) {
                attributes[String(pair.output[1].substring!)] = String(pair.output[2].substring!)
            }
            result[key] = attributes
        }
        return result
    }

    /// The cells of every body row of one table.
    func tableRows(_ html: String, id: String) throws -> [[String]] {
        let table = try #require(html.range(of: #"data-table="\#(id)""#))
        let start = try #require(html.range(of: "<tbody>", range: table.upperBound..<html.endIndex))
        let end = try #require(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
        let body = String(html[start.upperBound..<end.lowerBound])
        let row = try Regex(#"<tr>(.*?)</tr>"#)
        let cell = try Regex(#"<td[^>]*>(.*?)</td>"#)
        return body.matches(of: row).map { match in
            String(match.output[1].substring!).matches(of: cell).map { String($0.output[1].substring!).replacingOccurrences(of: "&amp;", with: "&") }
        }
    }

    @Test func htmlNumbersEqualTheJSONOutputs() throws {
        let folder = try makeReport()
        let html = try String(contentsOfFile: folder.path + "/license-report.html", encoding: .utf8)
        let estimate = try json(try axlicense("estimate", "--workspace", "Data/sample", "--method", "legacy", "--quiet", "--no-db", "--format", "json").stdout)
        let summary = try #require(estimate["summary"] as? [String: Any])
        let tiles = try tiles(html)
        #expect(Double(try #require(tiles["monthlyCost"]?["value"])) == summary["monthlyCost"] as? Double)
        #expect(tiles["users"]?["value"] == "\(summary["users"] as! Int)")
        for (tier, count) in try #require(summary["tiers"] as? [String: Int]) {
            #expect(tiles["tier-\(tier)"]?["value"] == "\(count)", "tier \(tier)")
        }
        for (sku, counts) in try #require(summary["skus"] as? [String: [String: Int]]) where counts["base"]! + counts["attach"]! > 0 {
            #expect(tiles["sku-\(sku)"]?["base"] == "\(counts["base"]!)", "\(sku) base")
            #expect(tiles["sku-\(sku)"]?["attach"] == "\(counts["attach"]!)", "\(sku) attach")
        }
        // The SKU costs add up to the total.
        let skuCosts = tiles.filter { $0.key.hasPrefix("sku-") }.compactMap { Double($0.value["cost"] ?? "") }
        #expect(abs(skuCosts.reduce(0, +) - (summary["monthlyCost"] as! Double)) < 0.001)
        // Every user row: id and monthly cost as in JSON.
        let users = try #require(estimate["users"] as? [[String: Any]])
        let rows = try tableRows(html, id: "users")
        #expect(rows.map { $0[0] } == users.map { $0["userId"] as! String })
        // Amounts are shown in the catalog currency (USD) with thousands separators.
        #expect(rows.allSatisfy { $0[7].hasPrefix("$") }, "\(rows.map { $0[7] })")
        #expect(rows.map { Double($0[7].filter { $0 != "$" && $0 != "," })! } == users.map { ($0["monthlyCost"] as! NSNumber).doubleValue })
        #expect(tiles["monthlyCost"]?["value"] == "3138.00" && html.contains(#"<span class="value">$3,138.00</span>"#))
        // License View: quantity and used per product as in `check --format json`.
        let check = try json(try run(axlicenseBinary, ["check", "--no-db", "--fail-on", "none", "--format", "json"] + Self.checkArguments).stdout)
        let products = try #require(check["products"] as? [[String: Any]])
        let view = try tableRows(html, id: "license-view")
        #expect(view.map { [$0[1], $0[2], $0[3]] } == products.map { [$0["model"] as! String, "\($0["licenseQuantity"] as! Int)", "\($0["used"] as! Int)"] })
        // Both notifications fire on the sample.
        #expect(html.contains(#"data-notification="expired""#) && html.contains(#"data-notification="over-quantity""#))
    }

    @Test func htmlIsSelfContained() throws {
        let folder = try makeReport()
        let html = try String(contentsOfFile: folder.path + "/license-report.html", encoding: .utf8)
        #expect(!html.contains("<link"))
        #expect(!html.contains("<script src"))
        #expect(!html.contains("@import"))
        #expect(!html.contains("url("))
        let addresses = html.matches(of: try Regex(#"https?://[^"' <]+"#)).map { String(html[$0.range]) }
        #expect(Set(addresses) == ["http://www.w3.org/2000/svg"], "only the SVG namespace may look like an address")
        // Readable without JavaScript: the tables are in the markup, not built by the script.
        #expect(try tableRows(html, id: "roles").count == 16)
    }

    @Test func workbookOpensInOpenpyxlWithNumbersAndAFrozenHeader() throws {
        let folder = try makeReport()
        let script = """
            import json, sys
            try:
                import openpyxl
            except ImportError:
                sys.exit("openpyxl is missing: pip install openpyxl (.ci/run installs it)")
            book = openpyxl.load_workbook(sys.argv[1])
            out = {}
            for sheet in book.worksheets:
                header = [cell.value for cell in sheet[1]]
                out[sheet.title] = {"freeze": sheet.freeze_panes, "header": header, "bold": all(cell.font.b for cell in sheet[1] if cell.value),
                                    "rows": [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]}
            print(json.dumps(out, default=str))
            """
        let result = try run("/usr/bin/env", ["python3", "-c", script, folder.path + "/license-report.xlsx"])
        #expect(result.status == 0, "\(result.stderr)")
        let book = try json(result.stdout)
        #expect(Set(book.keys) == ["Summary", "Users", "Roles", "SKU summary", "Users per tier", "License View", "Over and under", "Diagnostics"])
        for (name, value) in book {
            let sheet = try #require(value as? [String: Any])
            #expect(sheet["freeze"] as? String == "A2", "\(name) header not frozen")
            #expect(sheet["bold"] as? Bool == true, "\(name) header not bold")
        }
        let users = try #require((book["Users"] as? [String: Any])?["rows"] as? [[Any]])
        #expect(users.count == 28)
        let costs = users.map { $0[7] as? Double }
        #expect(!costs.contains(nil), "monthly costs must be numeric cells")
        #expect(abs(costs.compactMap { $0 }.reduce(0, +) - 3138) < 0.001)
        let view = try #require((book["License View"] as? [String: Any])?["rows"] as? [[Any]])
        #expect(view.first?[2] as? Int == 10)  // Finance: quantity 10 as a number
    }

    /// Dates are Excel dates with a date format, amounts numbers with a currency format; the workbook opens on a
    /// Summary sheet (the page's tiles) and ends on a Diagnostics sheet.
    @Test func workbookHasDatesAsDatesAmountsInTheCurrencyFormatASummaryAndDiagnostics() throws {
        let folder = try makeReport()
        let script = """
            import datetime, json, sys
            import openpyxl
            book = openpyxl.load_workbook(sys.argv[1])
            def cell(c):
                v = c.value
                kind = "date" if isinstance(v, datetime.datetime) else type(v).__name__
                return [v.date().isoformat() if kind == "date" else v, kind, c.number_format]
            out = {"order": book.sheetnames}
            for name in ("Summary", "Users", "License View", "Diagnostics"):
                out[name] = [[cell(c) for c in row] for row in book[name].iter_rows(min_row=2)]
            print(json.dumps(out))
            """
        let result = try run("/usr/bin/env", ["python3", "-c", script, folder.path + "/license-report.xlsx"])
        #expect(result.status == 0, "\(result.stderr)")
        let book = try json(result.stdout)
        let order = try #require(book["order"] as? [String])
        #expect(order.first == "Summary" && order.last == "Diagnostics", "\(order)")
        let summary = try #require(book["Summary"] as? [[[Any]]])
        func figure(_ name: String) -> [Any]? { summary.first { ($0[0][0] as? String) == name }?[1] }
        #expect(figure("Report date")?[0] as? String == "2026-11-23" && figure("Report date")?[1] as? String == "date")
        #expect(figure("Report date")?[2] as? String == "yyyy-mm-dd")
        #expect((figure("Total monthly cost")?[0] as? NSNumber)?.doubleValue == 3138 && figure("Total monthly cost")?[2] as? String == ##""$"#,##0.00"##)
        #expect(figure("Users")?[0] as? Int == 28 && figure("Workspace")?[0] as? String == "sample" && figure("Currency")?[0] as? String == "USD")
        #expect(figure("Operations users")?[0] as? Int != nil)
        // Users: the monthly cost is a number in the currency format.
        let users = try #require(book["Users"] as? [[[Any]]])
        #expect(users.allSatisfy { $0[7][1] as? String != "str" && $0[7][2] as? String == ##""$"#,##0.00"## }, "\(users.first ?? [])")
        // License View: every expiration date is a date (Commerce's 2026-01-31 among them).
        let view = try #require(book["License View"] as? [[[Any]]])
        let dates = view.map { $0[4] }.filter { !($0[0] is NSNull) }
        #expect(!dates.isEmpty && dates.allSatisfy { $0[1] as? String == "date" && $0[2] as? String == "yyyy-mm-dd" }, "\(dates)")
        // Diagnostics: the rows of the page's Diagnostics table (the estimate's and the license check's), in order.
        let html = try String(contentsOfFile: folder.path + "/license-report.html", encoding: .utf8)
        let diagnostics = try #require(book["Diagnostics"] as? [[[Any]]])
        let shown = try tableRows(html, id: "diagnostics")
        #expect(diagnostics.count == shown.count && shown.count > 10)
        #expect(diagnostics.map { $0[1][0] as? String } == shown.map { $0[1] })
    }

    /// With files left unread (--keep-going) the workbook opens on an INCOMPLETE sheet naming the error, as the page
    /// carries its alert; a complete report has no such sheet.
    @Test func workbookOfAnIncompleteEstimateOpensOnAnIncompleteSheet() throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        let role = try #require(FileManager.default.enumerator(atPath: workspace)?.compactMap { $0 as? String }.first { $0.hasSuffix("AccountsPayableClerk.xml") })
        try "<AxSecurityRole><Name>Broken".write(toFile: workspace + "/" + role, atomically: true, encoding: .utf8)
        let result = try axlicense("report", "--workspace", workspace, "--quiet", "--keep-going", "--output", folder.path + "/book.xlsx")
        #expect(result.status == 0, "\(result.stderr)")
        let script = "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read('xl/workbook.xml').decode()); print(z.read('xl/worksheets/sheet1.xml').decode())"
        let book = try run("/usr/bin/env", ["python3", "-c", script, folder.path + "/book.xlsx"]).stdout
        #expect(book.contains(#"<sheet name="INCOMPLETE" sheetId="1""#), "\(book.prefix(600))")
        #expect(book.contains("AccountsPayableClerk.xml"))
    }

    @Test(.disabled(if: ProcessInfo.processInfo.environment["AXLICENSE_SKIP_BROWSER"] == "1",
                    "AXLICENSE_SKIP_BROWSER=1: this machine has no headless Chromium to render the page"))
    func pageRendersInHeadlessChromium() throws {
        let folder = try makeReport()
        let result = try run("/bin/bash", ["Scripts/check-report-render.sh", folder.path + "/license-report.html", folder.path + "/shot.png"])
        #expect(result.status == 0, "\(result.stderr) (install chromium, or set AXLICENSE_SKIP_BROWSER=1 on a machine without it)")
        #expect(result.stdout.contains("tables: users, roles, skus, license-view, over-under"))
        // Measured in the browser at a phone's and a desktop's width: no overflow, the heading sticks, tiers by rank.
        for width in [390, 1400] {
            #expect(result.stdout.contains("measured: \(width) px: page \(width) px wide, heading at 0 px after scrolling, charts fill 100%, tiers None < TeamMembers < Activity < Operations"),
                    "\(result.stdout)")
        }
    }

    @Test func outputFileChoosesTheFormatFromItsExtension() throws {
        let folder = TemporaryFolder()
        // A folder named with a trailing slash is made when missing.
        let made = try axlicense("report", "--workspace", "Data/sample", "--quiet", "--output", folder.path + "/new/deeper/")
        #expect(made.status == 0, "\(made.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.path + "/new/deeper/license-report.html"))
        #expect(FileManager.default.fileExists(atPath: folder.path + "/new/deeper/license-report.xlsx"))
        let book = try axlicense("report", "--workspace", "Data/sample", "--quiet", "--output", folder.path + "/book.xlsx")
        #expect(book.status == 0)
        let bytes = try Data(contentsOf: folder.url.appendingPathComponent("book.xlsx"))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a ZIP file")
        let page = try axlicense("report", "--workspace", "Data/sample", "--quiet")
        #expect(page.stdout.hasPrefix("<!DOCTYPE html>"))
        // Without purchased licenses the License View is left out, not an error.
        let bare = folder.copySample()
        try FileManager.default.removeItem(atPath: bare + "/entitlements.json")
        let noView = try axlicense("report", "--workspace", bare, "--quiet")
        #expect(noView.status == 0)
        #expect(!noView.stdout.contains(#"data-table="license-view""#))
        let missing = try axlicense("report", "--workspace", bare, "--quiet", "--entitlements", bare + "/nope.json")
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix(bare + "/nope.json: error: entitlements file"))
    }
}

@Suite struct ExplainAndWhatIfCommandTests {
    @Test func explainUserAsJSON() throws {
        let result = try axlicense("explain", "--user", "arnie", "--method", "legacy", "--workspace", "Data/sample", "--quiet", "--format", "json")
        #expect(result.status == 0)
        let object = try json(result.stdout)
        #expect(object["licenseTier"] == nil)
        #expect((object["license"] as? [String: Any])?["base"] as? String == "Finance")
        let drivers = try #require(object["drivers"] as? [[String: Any]])
        #expect(drivers.count == 2)
        #expect(drivers[1]["removePrivileges"] as? [String] == ["CustAgingReportView"])
        #expect(drivers[1]["monthlySaving"] as? Int == 160)
        #expect((drivers[0]["licenseAfter"] as? [String: Any])?["base"] as? String == "TeamMembers")
        #expect((object["demands"] as? [[String: Any]])?.map { $0["need"] as? String } == ["Activity", "Finance"])
    }

    @Test func whatIfRoleAsJSON() throws {
        let result = try axlicense("what-if", "--role", "AccountsPayableClerk", "--remove-privilege", "CustAgingReportView",
                                   "--method", "legacy", "--workspace", "Data/sample", "--quiet", "--format", "json")
        #expect(result.status == 0)
        let object = try json(result.stdout)
        #expect(object["monthlyCostDelta"] as? Int == -320)
        #expect((object["usersChanged"] as? [[String: Any]])?.map { $0["userId"] as? String } == ["arnie", "victor"])
        #expect(object["usersAssigned"] as? Int == 3)
    }

    @Test func usageMistakesExit64AndUnknownNamesExit1() throws {
        #expect(try axlicense("explain", "--workspace", "Data/sample").status == 64)
        #expect(try axlicense("explain", "--user", "arnie", "--role", "SalesClerk", "--workspace", "Data/sample").status == 64)
        #expect(try axlicense("what-if", "--user", "arnie", "--add-duty", "X", "--workspace", "Data/sample").status == 64)
        #expect(try axlicense("what-if", "--role", "SalesClerk", "--workspace", "Data/sample").status == 64)
        let unknown = try axlicense("explain", "--user", "nobody", "--workspace", "Data/sample", "--quiet")
        #expect(unknown.status == 1)
        #expect(unknown.stderr == "axlicense: error: no user 'nobody' in the users file\n")
        let indirect = try axlicense("what-if", "--role", "AccountsPayableClerk", "--remove-privilege", "VendInvoiceJournalMaintain", "--workspace", "Data/sample", "--quiet")
        #expect(indirect.status == 1)
        #expect(indirect.stderr.contains("it is granted through AccountsPayableClerk > VendInvoicesProcess > VendInvoiceJournalMaintain"))
        #expect(indirect.stdout.isEmpty)
    }
}
