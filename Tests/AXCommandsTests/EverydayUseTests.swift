@testable import AXCommands
import AXLicensing
import AXState
import AXTestSupport
import Foundation
import Testing

/// Runs `axlicense arguments…` in this process, capturing what it writes.
private func axlicense(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { AXLicenseCommand.execute(arguments) }
    return (status, capture.standardOutput, capture.standardError)
}

private func axlicense(_ arguments: String...) -> (status: Int32, stdout: String, stderr: String) { axlicense(arguments) }

private let sample = sampleWorkspaceFolder.path

/// Issue 16, "Everyday use": names that start with a dash, labels, "did you mean", System administrator, the workspace
/// folder, read-only state commands, `check`'s reasons and `estimate` in an empty folder.
@Suite struct EverydayUseTests {
    // MARK: Names that start with a dash

    @Test func permissionsTakesARoleNameThatStartsWithADash() {
        let result = axlicense("permissions", "-SYSADMIN-", "--workspace", sample, "--quiet", "--method", "legacy")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("-SYSADMIN-"))
        #expect(result.stdout.contains("BatchJob"))
    }

    @Test func permissionsTakesADashedNameAfterItsOptionsAndAfterDoubleDash() {
        for arguments in [["permissions", "--workspace", sample, "--quiet", "-SYSADMIN-", "--type", "role"],
                          ["permissions", "--workspace", sample, "--quiet", "--", "-SYSADMIN-"]] {
            let result = axlicense(arguments)
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
            #expect(result.stdout.contains("BatchJob"))
        }
    }

    @Test func aDashedArgumentThatIsNoNameStaysAUsageError() {
        let result = axlicense("permissions", "SalesClerk", "-SYSADMIN-", "--workspace", sample)
        #expect(result.status == 64)
    }

    @Test func explainTakesADashedRoleAndSaysItsHoldersNeedNoLicense() {
        let result = axlicense("explain", "--role", "-SYSADMIN-", "--workspace", sample, "--quiet", "--method", "legacy")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("this is System administrator, whose holders need no license"))
        let counted = axlicense("explain", "--role", "-SYSADMIN-", "--workspace", sample, "--quiet", "--method", "legacy", "--sysadmin-counts")
        #expect(counted.status == 0)
        #expect(!counted.stdout.contains("whose holders need no license"))
    }

    @Test func whatIfAddingSystemAdministratorSaysWhyTheCostDrops() {
        let result = axlicense("what-if", "--user", "arnie", "--add-role", "-SYSADMIN-", "--workspace", sample, "--quiet", "--method", "legacy",
                               "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let root = (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? [String: Any]
        let notes = root?["notes"] as? [String] ?? []
        #expect(notes.contains { $0.contains("now holds System administrator") && $0.contains("the cost drops to 0") })
        let after = (root?["after"] as? [String: Any])?["license"] as? [String: Any]
        #expect(after?["monthlyCost"] as? String == "0.00" || after?["monthlyCost"] as? Double == 0)
    }

    // MARK: Labels and "did you mean"

    @Test func aRoleLabelIsAcceptedWhereANameIs() {
        let byLabel = axlicense("explain", "--role", "accounts payable clerk", "--workspace", sample, "--quiet", "--method", "legacy")
        let byName = axlicense("explain", "--role", "AccountsPayableClerk", "--workspace", sample, "--quiet", "--method", "legacy")
        #expect(byLabel.status == 0, "\(byLabel.stderr)")
        #expect(byLabel.stdout == byName.stdout)
    }

    @Test func anUnknownRoleSuggestsTheClosestNames() {
        let result = axlicense("explain", "--role", "AccountsPayableClerc", "--workspace", sample, "--quiet")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("no role named 'AccountsPayableClerc' in the metadata; did you mean 'AccountsPayableClerk'"))
    }

    @Test func anUnknownUserSuggestsTheClosestUserIDs() {
        let result = axlicense("explain", "--user", "arnei", "--workspace", sample, "--quiet")
        #expect(result.status == 1)
        #expect(result.stderr.contains("no user 'arnei' in the users file; did you mean 'arnie"))
    }

    // MARK: System administrator in `roles`

    @Test func rolesShowsSystemAdministratorExemptWithItsUsers() throws {
        for method in ["legacy", "objects"] {
            let result = axlicense("roles", "--workspace", sample, "--quiet", "--method", method, "--format", "json")
            #expect(result.status == 0)
            let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            let roles = try #require(root["roles"] as? [[String: Any]])
            let admin = try #require(roles.first { $0["name"] as? String == "-SYSADMIN-" })
            #expect(admin["basis"] as? String == "systemAdministrator", "\(method)")
            #expect(admin["licenseTier"] as? String == "None", "\(method)")
            #expect(admin["usersAssigned"] as? Int == 2, "\(method): admin and sam; yara's assignment is disabled")
            #expect("\(admin["monthlyCost"] ?? "")" == "0" || "\(admin["monthlyCost"] ?? "")" == "0.00", "\(method)")
        }
        let counted = axlicense("roles", "--workspace", sample, "--quiet", "--method", "legacy", "--sysadmin-counts", "--format", "csv")
        #expect(counted.stdout.contains("'-SYSADMIN-,System administrator"))
        #expect(counted.stdout.contains("Operations,120.00"))
    }

    // MARK: The workspace folder and the state database

    @Test func aMistypedWorkspaceIsAnErrorAndMakesNoFolder() {
        let folder = TemporaryFolder()
        let missing = folder.url.appendingPathComponent("no-such-workspace").path
        for arguments in [["estimate", "--workspace", missing], ["audit", "list", "--workspace", missing], ["history", "--workspace", missing],
                          ["roles", "--workspace", missing]] {
            let result = axlicense(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\(missing): error: no such folder; check the path given with --workspace"), "\(arguments): \(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing), "\(arguments)")
        }
    }

    @Test func readOnlyCommandsMakeNoDatabaseAndListNothingYet() {
        let folder = TemporaryFolder()
        for arguments in [["audit", "list"], ["history"]] {
            let result = axlicense(arguments + ["--workspace", folder.path])
            #expect(result.status == 0, "\(arguments): \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent(".axlicense").path))
        let typo = folder.url.appendingPathComponent("stat.sqlite").path
        let named = axlicense("audit", "list", "--db", typo)
        #expect(named.status == 1 && named.stdout.isEmpty)
        #expect(named.stderr.contains("\(typo): error: no state database here; check the path given with --db"))
        #expect(!FileManager.default.fileExists(atPath: typo))
    }

    @Test func readOnlyCommandsReadADatabaseTheyCannotWrite() throws {
        let folder = TemporaryFolder()
        let path = folder.url.appendingPathComponent("state.sqlite").path
        do {
            let store = try StateStore(path: path)
            try store.append(AuditEntry(operation: "License check", userId: "ops", occurredAt: Date(), details: "d", environment: "prod"),
                             usage: [ProductUsage(product: "Commerce", licenseQuantity: 5, used: 6)])
            try store.append(AuditEntry(operation: "License check", userId: "ops", occurredAt: Date(), details: "d", environment: "test"),
                             usage: [ProductUsage(product: "Finance", licenseQuantity: 5, used: 1)])
        }
        // Read-only opening writes nothing: not even SQLite's side files may be needed.
        let store = try #require(try StateStore.openForReading(path: path))
        #expect(try store.auditEntries().count == 2)
        let listed = axlicense("audit", "list", "--db", path, "--environment", "prod", "--format", "csv")
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("prod") && !listed.stdout.contains("test"))
        // `history` by a catalog alias: Retail is Commerce.
        let history = axlicense("history", "Retail", "--db", path, "--format", "csv")
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("Commerce") && !history.stdout.contains("Finance"))
        let filtered = axlicense("history", "--db", path, "--environment", "test", "--format", "csv")
        #expect(filtered.stdout.contains("Finance") && !filtered.stdout.contains("Commerce"))
        let unknown = axlicense("history", "Comerce", "--db", path)
        #expect(unknown.status == 1)
        #expect(unknown.stdout.isEmpty)
        #expect(unknown.stderr.contains("unknown product 'Comerce': not in the SKU catalog and not recorded by any check run; did you mean 'Commerce'"))
    }

    // MARK: `check` says why

    @Test func checkSaysWhyEachProductIsFlagged() throws {
        let result = axlicense("check", "--workspace", sample, "--no-db", "--quiet", "--today", "2026-11-23", "--fail-on", "none", "--format", "json")
        #expect(result.status == 0, "\(result.stderr)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let products = try #require(root["products"] as? [[String: Any]])
        let commerce = try #require(products.first { $0["model"] as? String == "Commerce" })
        #expect((commerce["reasons"] as? [String])?.first == "expired on 2026-01-31")
        let csv = axlicense("check", "--workspace", sample, "--no-db", "--quiet", "--today", "2026-11-23", "--fail-on", "none", "--format", "csv")
        #expect(csv.stdout.contains("[!] expired on 2026-01-31"))
    }

    // MARK: `estimate` in an empty folder

    /// The SKU map is optional (Docs/licensing-rules.md §3), so it is not among them.
    @Test func estimateInAnEmptyFolderListsEveryMissingInputMetadataFirst() {
        let folder = TemporaryFolder()
        let result = axlicense("estimate", "--workspace", folder.path, "--no-db")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "axlicense: error: 2 inputs are missing:")
        #expect(lines.count == 3)
        #expect(!result.stderr.contains("SKU map"))
        if lines.count == 3 {
            #expect(lines[1].contains("/Metadata: error: metadata folder not found; pass it with --metadata"))
            #expect(lines[2].contains("users.csv: error: users file"))
            for line in lines.dropFirst() { #expect(line.contains("where to get it: README.md#getting-your-inputs")) }
        }
    }

    // MARK: Ties never depend on the catalog file's order

    /// Every command's output on the sample with the catalog as shipped, reversed, and shuffled (seeded): identical.
    /// The catalog is read in priority order (Docs/licensing-rules.md §3), so ties, attach order, group order and
    /// summaries come out the same; the file is rewritten at one path, so the outputs may name it.
    @Test func everyOutputIsTheSameWhateverTheCatalogFilesOrder() throws {
        let folder = TemporaryFolder()
        let shipped = try Data(contentsOf: packageRoot.appendingPathComponent("Data/skus.json"))
        var root = try #require(try JSONSerialization.jsonObject(with: shipped) as? [String: Any])
        let skus = try #require(root["skus"] as? [[String: Any]])
        var random = SeededGenerator(seed: 16)
        let orders = [skus, Array(skus.reversed()), skus.shuffled(using: &random), skus.shuffled(using: &random)]
        let catalog = folder.url.appendingPathComponent("skus.json").path
        let commands: [[String]] = ["legacy", "objects", "both"].flatMap { method -> [[String]] in
            let common = ["--workspace", sample, "--quiet", "--skus", catalog, "--method", method]
            return [["estimate", "--no-db", "--format", "json"], ["estimate", "--no-db"], ["roles", "--format", "json"], ["roles", "--format", "markdown"],
                    ["check", "--no-db", "--today", "2026-11-23", "--fail-on", "none", "--assigned", sample + "/assigned-licenses.csv", "--format", "json"],
                    ["explain", "--user", "arnie", "--format", "json"], ["explain", "--role", "ContosoFinanceController"],
                    ["what-if", "--user", "grace", "--add-role", "ProjectManager", "--format", "json"],
                    ["permissions", "ContosoFinanceController", "--format", "json"],
                    ["reconcile", "--ppac", sample + "/assigned-licenses.csv", "--as-of", "2026-11-23", "--format", "json"]].map { $0 + common }
        }
        var first: [String]?
        for order in orders {
            root["skus"] = order
            try JSONSerialization.data(withJSONObject: root).write(to: URL(fileURLWithPath: catalog))
            let outputs = commands.map { arguments in
                let result = axlicense(arguments)
                return "\(arguments.prefix(3)) \(result.status)\n\(result.stdout)\(result.stderr)"
            }
            if let first {
                for (index, output) in outputs.enumerated() { #expect(output == first[index], "\(commands[index])") }
            } else {
                first = outputs
                #expect(outputs.allSatisfy { $0.contains("] 0\n") }, "every command runs on the sample")
            }
        }
    }
}

/// Amounts inside sentences (issue 16, "Currency shown with its symbol and thousands separators"): explain's and
/// permissions' license facts, check's review totals, diff's summary line and what-if's comparison columns show the
/// catalog currency through the one `MoneyFormat` in table, markdown and HTML; CSV and JSON keep plain numbers.
@Suite struct AmountsInSentencesTests {
    /// arnie under the legacy method needs Finance, 210.00 a month (Data/sample/EXPECTED.md).
    @Test func explainStatesTheLicenseCostWithTheCurrency() {
        // Markdown escapes the dollar sign (`\$`), as it does in every money fact and cell.
        for (format, dollar) in [("table", "$"), ("markdown", "\\$")] {
            let result = axlicense("explain", "--user", "arnie", "--workspace", sample, "--quiet", "--method", "legacy", "--format", format)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Finance (\(dollar)210.00 per month)"), "\(format): \(result.stdout)")
            #expect(!result.stdout.contains("(210.00 per month)"))
        }
        let both = axlicense("explain", "--user", "arnie", "--workspace", sample, "--quiet", "--method", "both", "--format", "markdown")
        #expect(both.stdout.contains("- **License:** Activity (\\$50.00 per month)"), "\(both.stdout)")
        #expect(both.stdout.contains("- **Legacy license:** Finance (\\$210.00 per month)"), "\(both.stdout)")
        let json = axlicense("explain", "--user", "arnie", "--workspace", sample, "--quiet", "--method", "legacy", "--format", "json")
        #expect(!json.stdout.contains("$"))
    }

    /// ContosoFinanceController's per-object license is FinancePremium + Finance, 300 + 30 (EXPECTED.md).
    @Test func permissionsStatesTheLicenseCostWithTheCurrency() {
        let result = axlicense("permissions", "ContosoFinanceController", "--workspace", sample, "--quiet", "--method", "both", "--format", "markdown")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("- **License (per-object method):** FinancePremium + Finance (\\$330.00 per month), Base 1"), "\(result.stdout)")
        #expect(result.stdout.contains("- **Legacy license:** Finance (\\$210.00 per month; entry-point license Operations)"), "\(result.stdout)")
        #expect(!result.stdout.contains("(330.00") && !result.stdout.contains("(210.00"), "no amount left in the machine form: \(result.stdout)")
    }

    /// The over/under review's totals (Reports/check.md: saving 758.00, extra cost 644.00) in the sentence under it,
    /// on the terminal, in markdown and on the report page; the CSV stays the License View with plain numbers.
    @Test func checkStatesTheReviewTotalsWithTheCurrency() throws {
        let assigned = sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv").path
        let arguments = ["check", "--workspace", sample, "--no-db", "--quiet", "--today", "2026-11-23", "--fail-on", "none", "--assigned", assigned]
        for (format, dollar) in [("table", "$"), ("markdown", "\\$")] {
            let result = axlicense(arguments + ["--format", format])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Under-licensed users: 5; over-licensed users: 6; monthly saving: \(dollar)758.00; monthly extra cost: \(dollar)644.00"),
                    "\(format): \(result.stdout)")
        }
        let folder = TemporaryFolder()
        let page = folder.url.appendingPathComponent("page.html").path
        let report = axlicense("report", "--workspace", sample, "--quiet", "--today", "2026-11-23", "--assigned", assigned, "--output", page)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("monthly saving: $758.00; monthly extra cost: $644.00"))
    }

    /// The diff fixture where a privilege gains Update: the summary line's monthly cost 108.00 → 290.00 (+182.00)
    /// (Reports/diff-example.md) and the cost columns, with the currency in table and markdown; JSON keeps the number.
    @Test func diffSummaryAndCostColumnsShowTheCurrency() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("grant-gains-update", in: folder)
        let arguments = ["diff", "--base", fixture.tree(.base).path, "--head", fixture.tree(.head).path, "--sku-map", fixture.skuMap(.head).path,
                         "--users", fixture.users.path, "--fail-on", "never", "--method", "legacy"]
        let markdown = axlicense(arguments + ["--format", "markdown"])
        #expect(markdown.status == 0, "\(markdown.stderr)")
        #expect(markdown.stdout.contains("2 user(s) change license; monthly cost \\$108.00 → \\$290.00 (+\\$182.00).**"), "\(markdown.stdout)")
        #expect(markdown.stdout.contains("| \\$8.00 → \\$120.00 |"), "\(markdown.stdout)")
        let table = axlicense(arguments + ["--format", "table"])
        #expect(table.stdout.contains("monthly cost $108.00 → $290.00 (+$182.00)."), "\(table.stdout)")
        let github = axlicense(arguments + ["--format", "github"])
        #expect(!github.stdout.contains("$"), "machine formats keep plain numbers: \(github.stdout)")
        let json = axlicense(arguments + ["--format", "json"])
        #expect(json.stdout.contains("\"summary\" : \"1 role(s) change license: 1 escalation; 2 user(s) change license; monthly cost 108.00 → 290.00 (+182.00).\""), "\(json.stdout)")
    }
}
