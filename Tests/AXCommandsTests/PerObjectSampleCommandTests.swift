@testable import AXCommands
import AXTestSupport
import Foundation
import Testing

/// Runs `axlicense arguments…` in this process, capturing what it writes.
private func axlicense(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { AXLicenseCommand.execute(arguments) }
    return (status, capture.standardOutput, capture.standardError)
}

private let sample = sampleWorkspaceFolder.path

/// The JSON object a command wrote.
private func jsonObject(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// The note naming the method the sample is estimated by when none is asked for.
private let defaultedNote = "Method: per-object licensing (10.0.44 and later), from \(sample)/ObjectLicenses (Licensing* SQL exports) (chosen because object-license data is present)"

/// The per-object figures of `Data/sample/EXPECTED.md` ("Per-object method"), worked by hand, through the commands:
/// the sample has `ObjectLicenses/`, so the per-object method is the default there.
@Suite struct PerObjectSampleCommandTests {
    /// user → base, attach, base group label ("Any base (Base 1)" when another SKU of the group at the base's price
    /// would serve), monthly cost, flagged unlicensable (EXPECTED.md, "Users").
    static let users: [String: (base: String?, attach: [String], group: String?, anyBase: Bool, cost: Double, unlicensable: Bool)] = [
        "admin": (nil, [], nil, false, 0, false),
        "alicia": ("Finance", [], "Base 1", false, 210, false),
        "arnie": ("Activity", [], nil, false, 50, false),
        "benjamin": ("Activity", [], nil, false, 50, false),
        "charlie": ("Activity", [], nil, false, 50, false),
        "dana": ("SupplyChainManagement", [], "Base 1", true, 210, true),
        "emma": ("Commerce", [], "Base 1", false, 210, false),
        "frank": ("Activity", [], nil, false, 50, false),
        "grace": ("HumanResources", [], "Base 2", false, 120, false),
        "henry": ("TeamMembers", [], nil, false, 8, false),
        "irene": ("ProjectOperations", [], "Base 2", false, 120, false),
        "jack": ("Activity", [], nil, false, 50, false),
        "kim": ("Commerce", [], "Base 1", false, 210, true),
        "lena": ("ProjectOperations", ["HumanResources"], "Base 2", false, 150, false),
        "mike": ("FinancePremium", ["Finance"], "Base 1", false, 330, false),
        "nora": ("Finance", [], "Base 1", false, 210, false),
        "oscar": (nil, [], nil, false, 0, false),
        "paula": ("TeamMembers", [], nil, false, 8, false),
        "quinn": (nil, [], nil, false, 0, false),
        "rachel": ("TeamMembers", [], nil, false, 8, false),
        "sam": (nil, [], nil, false, 0, false),
        "tina": ("Commerce", [], "Base 1", false, 210, false),
        "ursula": ("SupplyChainManagement", ["HumanResources"], "Base 1", true, 240, true),
        "victor": ("Activity", [], nil, false, 50, false),
        "wendy": ("TeamMembers", [], nil, false, 8, false),
        "xavier": ("Finance", [], "Base 1", false, 210, false),
        "yara": ("Finance", [], "Base 1", false, 210, false),
        "zoe": ("SupplyChainManagement", [], "Base 1", true, 210, false),
    ]

    /// Every user's license and cost, the totals, tiers and SKU counts: the same from the SQL exports (the default
    /// `ObjectLicenses/`) and from the USG export in either file type.
    @Test(arguments: [[], ["--object-licenses", "Data/sample-usg/SecurityObjectLicenses.csv"], ["--object-licenses", "Data/sample-usg/SecurityObjectLicenses.xlsx"]])
    func everyUsersLicenseAndTheTotalsAreTheHandWorkedOnes(source: [String]) throws {
        let source = source.map { $0.hasPrefix("Data/") ? packageRoot.appendingPathComponent($0).path : $0 }
        let result = axlicense(["estimate", "--no-db", "--workspace", sample, "--format", "json", "--quiet"] + source)
        #expect(result.status == 0, "\(result.stderr)")
        let root = try jsonObject(result.stdout)
        let rows = try #require(root["users"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["userId"] as? String }) == Set(Self.users.keys))
        for row in rows {
            let id = try #require(row["userId"] as? String)
            let expected = try #require(Self.users[id])
            #expect(row["base"] as? String == expected.base, "\(id) base")
            #expect(row["attach"] as? [String] == expected.attach, "\(id) attach")
            #expect(row["baseGroup"] as? String == expected.group, "\(id) base group")
            #expect(row["anyBase"] as? Bool == expected.anyBase, "\(id) any base")
            #expect(row["monthlyCost"] as? Double == expected.cost, "\(id) cost")
            #expect(row["unlicensable"] as? Bool == expected.unlicensable, "\(id) unlicensable")
        }
        let summary = try #require(root["summary"] as? [String: Any])
        #expect(summary["monthlyCost"] as? Double == 3182)
        #expect(summary["tiers"] as? [String: Int] == ["None": 4, "TeamMembers": 4, "Activity": 6, "Operations": 14])
        let skus = try #require(summary["skus"] as? [String: [String: Int]])
        let used = skus.filter { $0.value["base"]! + $0.value["attach"]! > 0 }
        #expect(used == ["Finance": ["base": 4, "attach": 1], "SupplyChainManagement": ["base": 3, "attach": 0], "Commerce": ["base": 3, "attach": 0],
                         "ProjectOperations": ["base": 2, "attach": 0], "HumanResources": ["base": 1, "attach": 2], "FinancePremium": ["base": 1, "attach": 0],
                         "Activity": ["base": 6, "attach": 0], "TeamMembers": ["base": 4, "attach": 0]])
    }

    /// With `--sysadmin-counts`, admin and sam need the any-base license BatchJob Write asks for: SCM, 210 each.
    @Test func systemAdministratorsWhoCountNeedAnyBaseOfBaseOne() throws {
        let result = axlicense(["estimate", "--no-db", "--workspace", sample, "--sysadmin-counts", "--format", "json", "--quiet"])
        let rows = try #require(try jsonObject(result.stdout)["users"] as? [[String: Any]])
        for id in ["admin", "sam"] {
            let row = try #require(rows.first { $0["userId"] as? String == id })
            #expect(row["base"] as? String == "SupplyChainManagement" && row["anyBase"] as? Bool == true && row["monthlyCost"] as? Double == 210, "\(id)")
        }
        #expect((try jsonObject(result.stdout)["summary"] as? [String: Any])?["monthlyCost"] as? Double == 3602)
    }

    /// role → license text, monthly cost, objects not in Microsoft's data, any-base label, unlicensable (EXPECTED.md, "Roles").
    static let roles: [String: (base: String, attach: [String], cost: Double, notInData: Int, anyBase: Bool, unlicensable: Bool)] = [
        "SystemUser": ("TeamMembers", [], 8, 0, false, false),
        "-SYSADMIN-": ("SupplyChainManagement", [], 210, 0, true, false),
        "LedgerAccountant": ("Finance", [], 210, 0, false, false),
        "AccountsPayableClerk": ("Activity", [], 50, 2, false, false),
        "AccountsReceivableClerk": ("Activity", [], 50, 1, false, false),
        "PurchasingAgent": ("Activity", [], 50, 1, false, false),
        "SalesClerk": ("SupplyChainManagement", [], 210, 0, true, true),
        "RetailStoreManager": ("Commerce", [], 210, 0, false, false),
        "WarehouseWorker": ("Activity", [], 50, 0, false, false),
        "HRAssistant": ("HumanResources", [], 120, 0, false, false),
        "Employee": ("TeamMembers", [], 8, 0, false, false),
        "ProjectManager": ("ProjectOperations", [], 120, 0, false, false),
        "ContosoFinanceController": ("FinancePremium", ["Finance"], 330, 2, false, false),
        "ContosoAuditorA": ("Finance", [], 210, 0, false, false),
        "ContosoAuditorB": ("Finance", [], 210, 0, false, false),
        "ContosoBatchOperator": ("SupplyChainManagement", [], 210, 0, true, false),
    ]

    @Test func everyRolesLicenseAndItsObjectsNotInMicrosoftsData() throws {
        // Counted: what System administrator itself would need (by default its holders need nothing: EverydayUseTests).
        let result = axlicense(["roles", "--workspace", sample, "--format", "json", "--quiet", "--sysadmin-counts"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = try #require(try jsonObject(result.stdout)["roles"] as? [[String: Any]])
        #expect(Set(rows.compactMap { $0["name"] as? String }) == Set(Self.roles.keys))
        for row in rows {
            let name = try #require(row["name"] as? String)
            let expected = try #require(Self.roles[name])
            #expect(row["base"] as? String == expected.base, "\(name) base")
            #expect(row["attach"] as? [String] == expected.attach, "\(name) attach")
            #expect(row["monthlyCost"] as? Double == expected.cost, "\(name) cost")
            #expect(row["objectsNotInMicrosoftData"] as? Int == expected.notInData, "\(name) not in Microsoft's data")
            #expect(row["anyBase"] as? Bool == expected.anyBase, "\(name) any base")
            #expect(row["unlicensable"] as? Bool == expected.unlicensable, "\(name) unlicensable")
        }
    }

    /// The roles table has the per-object columns: how many objects are not in Microsoft's data, and the base group.
    @Test func rolesTableCountsObjectsNotInMicrosoftsDataPerRole() {
        let result = axlicense(["roles", "--workspace", sample, "--quiet", "--columns", "Role,Not in Microsoft's data,License,Base group"])
        #expect(result.status == 0, "\(result.stderr)")
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains("AccountsPayableClerk 2 Activity"))
        #expect(rows.contains("ContosoFinanceController 2 FinancePremium + Finance Base 1"))
        #expect(rows.contains("SalesClerk 0 SupplyChainManagement Any base (Base 1)"))
        #expect(rows.contains("PurchasingAgent 1 Activity"))
    }

    /// `both`: per user the legacy license, cost and change, and the summary of who changes (EXPECTED.md, "Both
    /// methods side by side"): 10 users, 4 up (+614.00), 6 down (−570.00), 3,138.00 → 3,182.00.
    @Test func bothShowsWhoChangesAndByHowMuch() throws {
        let result = axlicense(["estimate", "--no-db", "--workspace", sample, "--method", "both", "--format", "json", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        let root = try jsonObject(result.stdout)
        let rows = try #require(root["users"] as? [[String: Any]])
        let changes: [String: (legacyBase: String, legacyAttach: [String], legacyCost: Double, change: Double)] = [
            "arnie": ("Finance", [], 210, -160), "benjamin": ("Finance", [], 210, -160), "victor": ("Finance", [], 210, -160),
            "dana": ("SupplyChainManagement", ["Finance"], 240, -30), "kim": ("Finance", ["Commerce"], 240, -30),
            "ursula": ("SupplyChainManagement", ["Finance", "HumanResources"], 270, -30),
            "mike": ("Finance", [], 210, 120), "nora": ("TeamMembers", [], 8, 202), "xavier": ("TeamMembers", [], 8, 202), "zoe": ("Operations (any base)", [], 120, 90),
        ]
        for row in rows {
            let id = try #require(row["userId"] as? String)
            let comparison = try #require(row["comparison"] as? [String: Any], "\(id)")
            #expect(comparison["method"] as? String == "legacy")
            if let change = changes[id] {
                #expect(comparison["base"] as? String == change.legacyBase, "\(id)")
                #expect(comparison["attach"] as? [String] == change.legacyAttach, "\(id)")
                #expect(comparison["monthlyCost"] as? Double == change.legacyCost, "\(id)")
                #expect(comparison["costChange"] as? Double == change.change, "\(id)")
                #expect(comparison["direction"] as? String == (change.change > 0 ? "higher" : "lower"), "\(id)")
            } else {
                #expect(comparison["costChange"] as? Double == 0, "\(id) keeps its cost")
                #expect(comparison["base"] as? String == row["base"] as? String, "\(id) keeps its license")
            }
        }
        let migration = try #require((root["summary"] as? [String: Any])?["migration"] as? [String: Any])
        #expect(migration["higher"] as? Int == 4 && migration["lower"] as? Int == 6 && migration["same"] as? Int == 18 && migration["different"] as? Int == 0)
        #expect(migration["otherMonthlyCost"] as? Double == 3138 && migration["primaryMonthlyCost"] as? Double == 3182 && migration["change"] as? Double == 44)
        let rises = changes.values.filter { $0.change > 0 }.map(\.change).reduce(0, +), falls = changes.values.filter { $0.change < 0 }.map(\.change).reduce(0, +)
        #expect(rises == 614 && falls == -570)
    }

    /// The roles' side by side: 7 roles change (4 up, 3 down), 9 keep their license (-SYSADMIN- needs nothing under both).
    @Test func bothShowsWhichRolesChange() {
        let result = axlicense(["roles", "--workspace", sample, "--method", "both", "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("What changes from the legacy to the per-object method (roles)\nHigher:                   4\nLower:                    3\n"
            + "Other license, same cost: 0\nUnchanged:                9\n"))
        let rows = result.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
        #expect(rows.contains { $0.hasPrefix("SalesClerk ") && $0.hasSuffix(" $210.00 Any base (Base 1) 3 SupplyChainManagement + Finance $240.00 -$30.00") })
        #expect(rows.contains { $0.hasPrefix("ContosoAuditorB ") && $0.hasSuffix(" $210.00 Base 1 1 TeamMembers $8.00 +$202.00") })
    }

    @Test func theTableSummaryOfBothSaysWhatChangesForUs() {
        let result = axlicense(["estimate", "--no-db", "--workspace", sample, "--method", "both", "--quiet"])
        #expect(result.stdout.hasPrefix("Method: per-object licensing (10.0.44 and later), from \(sample)/ObjectLicenses (Licensing* SQL exports); compared with legacy entry-point + SKU-map licensing\n"))
        #expect(result.stdout.contains("""
            What changes from the legacy to the per-object method (users)
            Higher:                   4
            Lower:                    6
            Other license, same cost: 0
            Unchanged:                18
            Monthly cost, legacy:     $3,138.00
            Monthly cost, per-object: $3,182.00
            Change:                   +$44.00
            """))
    }

    /// Every format names the method: the first line of a table or markdown, the JSON `method` member, and for CSV
    /// (one table, nothing above the header) standard error.
    @Test func everyFormatNamesTheDefaultedMethod() throws {
        let table = axlicense(["estimate", "--no-db", "--workspace", sample, "--quiet"])
        #expect(table.stdout.hasPrefix(defaultedNote + "\n\nUser License Estimator\n"))
        #expect(table.stdout.contains("Total monthly cost: $3,182.00"))
        let markdown = axlicense(["estimate", "--no-db", "--workspace", sample, "--quiet", "--format", "markdown"])
        #expect(markdown.stdout.hasPrefix(defaultedNote.replacingOccurrences(of: "*", with: "\\*") + "\n\n## User License Estimator"))
        let json = try jsonObject(axlicense(["estimate", "--no-db", "--workspace", sample, "--quiet", "--format", "json"]).stdout)
        let method = try #require(json["method"] as? [String: Any])
        #expect(method["name"] as? String == "objects" && method["primary"] as? String == "objects" && method["defaulted"] as? Bool == true)
        #expect(method["comparison"] is NSNull && method["note"] as? String == defaultedNote)
        let csv = axlicense(["estimate", "--no-db", "--workspace", sample, "--format", "csv"])
        #expect(csv.stdout.hasPrefix("User,Enabled,Roles,"))
        #expect(csv.stderr.split(separator: "\n").first.map(String.init) == defaultedNote)
        let quiet = axlicense(["estimate", "--no-db", "--workspace", sample, "--format", "csv", "--quiet"])
        #expect(quiet.stderr.isEmpty)
    }

    /// `--method legacy` on the sample says so, without the reason a defaulted method gives.
    @Test func legacyAskedForIsNamedAsAsked() throws {
        let table = axlicense(["estimate", "--no-db", "--workspace", sample, "--quiet", "--method", "legacy"])
        #expect(table.stdout.hasPrefix("Method: legacy entry-point + SKU-map licensing\n\nUser License Estimator\n"))
        #expect(table.stdout.contains("Total monthly cost: $3,138.00"))
        let json = try jsonObject(axlicense(["roles", "--workspace", sample, "--quiet", "--method", "legacy", "--format", "json"]).stdout)
        #expect((json["method"] as? [String: Any])?["name"] as? String == "legacy" && (json["method"] as? [String: Any])?["defaulted"] as? Bool == false)
    }

    /// `--method objects` (or `both`) where there is no object-license data: one error naming where it was looked
    /// for and the flag that supplies it, nothing on standard output.
    @Test(arguments: ["objects", "both"])
    func objectsWithoutObjectLicenseDataNamesTheFlag(method: String) {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try? FileManager.default.removeItem(atPath: ws + "/ObjectLicenses")
        let result = axlicense(["estimate", "--no-db", "--workspace", ws, "--method", method])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "\(ws)/ObjectLicenses: error: object licenses (Security object licenses export or Licensing* SQL exports) not found; pass it with --object-licenses (or put it at this path in the --workspace folder); where to get it: README.md#getting-your-inputs, \"Object licenses\"\n")
        // Without the data and without --method, the legacy method runs and says why.
        let defaulted = axlicense(["estimate", "--no-db", "--workspace", ws, "--quiet"])
        #expect(defaulted.status == 0)
        #expect(defaulted.stdout.hasPrefix("Method: legacy entry-point + SKU-map licensing (no object-license data found; Microsoft licenses by securable object since 10.0.44)\n"))
    }
}
