import AXTestSupport
import Foundation
import Testing

/// `check` and `report` under the per-object method and both methods, on the sample workspace. Figures from
/// Data/sample/EXPECTED.md, "Per-object method": per SKU (base / attach) Finance 4 / 1, SCM 3 / 0, Commerce 3 / 0,
/// Project Operations 2 / 0, Human Resources 1 / 2, Activity 6, Team Members 4; total 3,182.00 against the legacy
/// method's 3,138.00 (Finance 7 / 2, SCM 2, Commerce 2 / 1, PO 2, HR 1 / 2, Activity 3, Team Members 6).
@Suite struct CheckAndReportMethodTests {
    let check = ["check", "--workspace", "Data/sample", "--no-db", "--quiet", "--today", "2026-11-23"]

    /// Used counts per product (entitlements.json order: Finance, SCM, Commerce, HR, PO, Activity, Team Members,
    /// ContosoSecurity) from each method's estimate.
    static let usedPerObject = [5, 3, 3, 3, 2, 6, 4, 6]
    static let usedLegacy = [9, 2, 3, 3, 2, 3, 6, 6]

    @Test func checkCountsUsedLicensesFromThePerObjectEstimateAndNamesTheMethod() throws {
        let result = try run(axlicenseBinary, check + ["--method", "objects", "--format", "json"])
        #expect(result.status == 3)
        let root = try json(result.stdout)
        let products = try #require(root["products"] as? [[String: Any]])
        #expect(products.map { $0["used"] as? Int } == Self.usedPerObject)
        // Six Activity users against five purchased: over quantity under this method only.
        #expect(products[5]["overQuantity"] as? Bool == true)
        #expect((root["method"] as? [String: Any])?["primary"] as? String == "objects")
        let table = try run(axlicenseBinary, check + ["--method", "objects"])
        #expect(table.stdout.hasPrefix("Method: per-object licensing (10.0.44 and later)"), "\(table.stdout.prefix(200))")
    }

    /// `--method both`: the legacy used count beside each product's per-object one; the notifications follow the
    /// per-object counts.
    @Test func checkBothShowsTheLegacyUsedCountBesideEachProduct() throws {
        let result = try run(axlicenseBinary, check + ["--method", "both", "--format", "json"])
        let root = try json(result.stdout)
        let products = try #require(root["products"] as? [[String: Any]])
        #expect(products.map { $0["used"] as? Int } == Self.usedPerObject)
        #expect(products.map { ($0["comparison"] as? [String: Any])?["used"] as? Int } == Self.usedLegacy)
        #expect(products.allSatisfy { ($0["comparison"] as? [String: Any])?["method"] as? String == "legacy" })
        let csv = try run(axlicenseBinary, check + ["--method", "both", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("Status,Model,License Qty,Used licenses,Used (legacy),") == true, "\(csv.stdout)")
        #expect(lines.contains { $0.hasPrefix(",Finance,10,5,9,") }, "\(csv.stdout)")
        // Without `both` there is no such column.
        let single = try run(axlicenseBinary, check + ["--method", "objects", "--format", "csv"])
        #expect(single.stdout.split(separator: "\n").first?.contains("Used (legacy)") == false)
    }

    /// The cells of every body row of the HTML table `id`.
    private func htmlTableRows(_ html: String, id: String) throws -> [[String]] {
        let table = try #require(html.range(of: #"data-table="\#(id)""#))
        let start = try #require(html.range(of: "<tbody>", range: table.upperBound..<html.endIndex))
        let end = try #require(html.range(of: "</table>", range: start.upperBound..<html.endIndex))
        let cell = try Regex(#"<td[^>]*>(.*?)</td>"#)
        return String(html[start.upperBound..<end.lowerBound]).matches(of: try Regex(#"<tr>(.*?)</tr>"#)).map { match in
            String(match.output[1].substring!).matches(of: cell).map { String($0.output[1].substring!) }
        }
    }

    private func report(_ method: String, _ file: String) throws -> (TemporaryFolder, String) {
        let folder = TemporaryFolder()
        let path = folder.path + "/" + file
        let result = try run(axlicenseBinary, ["report", "--workspace", "Data/sample", "--today", "2026-11-23", "--quiet", "--method", method, "--output", path])
        #expect(result.status == 0, "\(result.stderr)")
        return (folder, path)
    }

    @Test func htmlReportNamesTheMethodAtTheTopAndShowsWhatChangesWithBoth() throws {
        let (objectsFolder, objects) = try report("objects", "objects.html")
        let page = try String(contentsOfFile: objects, encoding: .utf8)
        let header = try #require(page.range(of: "</header>")).lowerBound
        let method = try #require(page.range(of: #"<p class="meta method" data-method="objects">Method: per-object licensing (10.0.44 and later)"#))
        #expect(method.lowerBound < header)
        #expect(page.contains(#"data-key="monthlyCost" data-value="3182.00""#))
        #expect(!page.contains(#"id="what-changes""#))
        withExtendedLifetime(objectsFolder) {}  // the folder (and the page) is removed with it

        let (bothFolder, both) = try report("both", "both.html")
        let migration = try String(contentsOfFile: both, encoding: .utf8)
        #expect(migration.contains(#"data-method="both""#))
        let rows = try htmlTableRows(migration, id: "what-changes")
        // Users: 4 higher, 6 lower, 18 unchanged; 3,138.00 → 3,182.00 (+44.00).
        let users = try #require(rows.first)
        #expect(users.prefix(5) == ["Users", "4", "6", "0", "18"], "\(users)")
        #expect(users.last == "+$44.00", "\(users)")
        // Roles (EXPECTED.md's list): up ContosoBatchOperator (+90), ContosoFinanceController (+120), ContosoAuditorA / B
        // (+202 each); down AccountsPayableClerk, AccountsReceivableClerk (−160 each), SalesClerk (−30); the other 9 of
        // the 16 unchanged (-SYSADMIN- is None under both: its holders need nothing): +264.00.
        #expect(rows.count == 2)
        #expect(rows[1].prefix(5) == ["Roles", "4", "3", "0", "9"] && rows[1].last == "+$264.00", "\(rows[1])")
        // The users table carries the legacy license beside each user.
        #expect(migration.contains("<th scope=\"col\">Legacy license</th>"))
        withExtendedLifetime(bothFolder) {}
    }

    @Test func workbookNamesTheMethodInTheSummarySheetAndHasAWhatChangesSheetWithBoth() throws {
        let (folder, path) = try report("both", "both.xlsx")
        let script = """
            import json, sys
            try:
                import openpyxl
            except ImportError:
                sys.exit("openpyxl is missing: pip install openpyxl (.ci/run installs it)")
            book = openpyxl.load_workbook(sys.argv[1])
            print(json.dumps({sheet.title: [[cell.value for cell in row] for row in sheet.iter_rows()] for sheet in book.worksheets}, default=str))
            """
        let result = try run("/usr/bin/env", ["python3", "-c", script, path])
        #expect(result.status == 0, "\(result.stderr)")
        let book = try json(result.stdout)
        let summary = try #require(book["SKU summary"] as? [[Any]])
        #expect((summary.last?.first as? String)?.hasPrefix("Method: per-object licensing (10.0.44 and later)") == true, "\(summary)")
        let changes = try #require(book["What changes"] as? [[Any]])
        #expect(changes[1].first as? String == "Users")
        #expect(changes[1][1] as? Int == 4 && changes[1][2] as? Int == 6 && changes[1][4] as? Int == 18)
        #expect(abs((changes[1][5] as? Double ?? 0) - 3138) < 0.001 && abs((changes[1][6] as? Double ?? 0) - 3182) < 0.001)
        let users = try #require(book["Users"] as? [[Any]])
        #expect(users.count == 29)  // header + 28 users
        withExtendedLifetime(folder) {}
    }
}
