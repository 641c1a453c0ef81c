import AXTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Runs `diff` on case `name` with per-object data: `Tests/Fixtures/diff/object-licenses/<head>.csv` after the change
/// and `<base>.csv` before it (see Tests/Fixtures/diff/README.md), both copied next to the case.
func diffWithObjectLicenses(_ name: String, base: String = "base", head: String = "base", _ extra: [String]) throws -> RunResult {
    let folder = TemporaryFolder()
    let fixture = try DiffFixture(name, in: folder)
    let data = DiffFixture.folder.appendingPathComponent("object-licenses")
    for (side, file) in [("base", base), ("head", head)] {
        try FileManager.default.copyItem(at: data.appendingPathComponent("\(file).csv"), to: fixture.root.appendingPathComponent("\(name)/\(side)-object-licenses.csv"))
    }
    let arguments = ["diff", "--base", fixture.path(.base), "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head),
                     "--base-sku-map", fixture.skuMapPath(.base), "--users", fixture.usersPath,
                     "--object-licenses", "\(name)/head-object-licenses.csv", "--base-object-licenses", "\(name)/base-object-licenses.csv"]
    return try run(axlicenseBinary, arguments + extra, in: fixture.root)
}

/// `diff` under the per-object method and both methods: the causes speak of objects, access levels and the SKUs
/// Microsoft's data names; every format names the method; with `both` the verdict follows the per-object method.
@Suite struct DiffMethodTests {
    /// JournalView gains Update on JournalForm: Write on it is entitled by Finance only, so Viewer goes from Team
    /// Members (8) to Finance (180); u1 8 → 180 and u3 (Viewer + Clerk) Activity 50 → Finance 180: 108 → 410.
    @Test func objectsCauseNamesTheObjectItsLevelAndTheSkusThatEntitleIt() throws {
        let result = try diffWithObjectLicenses("grant-gains-update", ["--method", "objects", "--format", "json"])
        #expect(result.status == 3)
        let root = try json(result.stdout)
        #expect((root["method"] as? [String: Any])?["primary"] as? String == "objects")
        #expect(root["monthlyCostDelta"] as? Double == 362)
        let roles = try #require(root["roles"] as? [[String: Any]])
        #expect(roles.map { $0["role"] as? String } == ["Viewer"])
        #expect((roles[0]["after"] as? [String: Any])?["base"] as? String == "Finance")
        let causes = try #require(roles[0]["causes"] as? [[String: Any]])
        #expect(causes.count == 1)
        #expect(causes[0]["kind"] as? String == "grant changed")
        #expect(causes[0]["entryPoint"] as? String == "MenuItemDisplay JournalForm")
        #expect(causes[0]["detail"] as? String
                == "Read → Read, Update: now grants Write on MenuItemDisplay JournalForm, entitled by Dynamics 365 Finance (was Read, entitled by Dynamics 365 Team Members)")
    }

    /// A changed row of the object-license data (OrderForm Write: Activity or SCM → SCM only) with the same trees:
    /// Clerk Activity → SCM, the cause pointing at the head data's row; ExpenseForm's row dropped makes it an object
    /// not in Microsoft's data (Team Members, so no license moves for it).
    @Test func changedObjectLicenseRowIsTheCauseAndPointsAtTheHeadDataRow() throws {
        let result = try diffWithObjectLicenses("no-change", head: "order-form-scm-only", ["--format", "json"])
        #expect(result.status == 3)
        let root = try json(result.stdout)
        // Not asked for: chosen because object-license data is given.
        #expect((root["method"] as? [String: Any])?["defaulted"] as? Bool == true)
        let roles = try #require(root["roles"] as? [[String: Any]])
        #expect(roles.map { $0["role"] as? String } == ["Clerk"])
        let cause = try #require((roles[0]["causes"] as? [[String: Any]])?.only)
        #expect(cause["kind"] as? String == "object license changed")
        #expect(cause["detail"] as? String
                == "Write on MenuItemDisplay OrderForm: entitled by Dynamics 365 Operations – Activity or Dynamics 365 Supply Chain Management → entitled by Dynamics 365 Supply Chain Management")
        #expect(cause["file"] as? String == "no-change/head-object-licenses.csv" && cause["line"] as? Int == 3)
        let objects = try #require(root["objects"] as? [String: Any])
        #expect((objects["objectsNotInMicrosoftData"] as? [String: Any])?["added"] as? [String] == ["MenuItemDisplay ExpenseForm (Write)"])
        let markdown = try diffWithObjectLicenses("no-change", head: "order-form-scm-only", ["--format", "markdown"]).stdout
        #expect(markdown.contains("| Object not in Microsoft's data | added | MenuItemDisplay ExpenseForm (Write) | Team Members |"), "\(markdown)")
    }

    /// Menu-item license properties play no part in the per-object method: the change that escalates Clerk under the
    /// legacy method has no license impact under objects, and with `both` the gate follows objects (exit 0) while the
    /// legacy impact is shown beside it.
    @Test func bothJudgesThePerObjectImpactAndShowsTheLegacyOne() throws {
        let objects = try diffWithObjectLicenses("menu-item-maintain-license", ["--method", "objects"])
        #expect(objects.status == 0, "\(objects.stdout)\(objects.stderr)")
        #expect(objects.stdout.contains("No license impact."))
        let both = try diffWithObjectLicenses("menu-item-maintain-license", ["--method", "both", "--format", "json"])
        #expect(both.status == 0, "\(both.stderr)")
        let root = try json(both.stdout)
        #expect(root["hasLicenseImpact"] as? Bool == false)
        #expect((root["method"] as? [String: Any])?["name"] as? String == "both")
        let comparison = try #require(root["comparison"] as? [String: Any])
        #expect(comparison["method"] as? String == "legacy")
        #expect(comparison["hasLicenseImpact"] as? Bool == true)
        let legacyRoles = try #require(comparison["roles"] as? [[String: Any]])
        #expect(legacyRoles.map { $0["role"] as? String } == ["Clerk"])
        #expect((legacyRoles[0]["after"] as? [String: Any])?["licenseTier"] as? String == "Operations")
        let table = try diffWithObjectLicenses("menu-item-maintain-license", ["--method", "both"]).stdout
        #expect(table.contains("Under legacy entry-point + SKU-map licensing (shown for comparison, not judged): 1 role(s) change license: 1 escalation"), "\(table)")
    }

    /// Every format names the method: a line on the terminal and in markdown, a notice in GitHub annotations, a
    /// property in JUnit, the `method` member in JSON (above), and standard error for CSV.
    @Test func everyFormatNamesTheMethod() throws {
        let note = "Method: per-object licensing (10.0.44 and later)"
        let table = try diffWithObjectLicenses("grant-gains-update", ["--method", "objects"])
        #expect(table.stdout.contains(note))
        let markdown = try diffWithObjectLicenses("grant-gains-update", ["--method", "objects", "--format", "markdown"])
        #expect(markdown.stdout.split(separator: "\n").first == "## axlicense: license impact")
        #expect(markdown.stdout.contains(note))
        let github = try diffWithObjectLicenses("grant-gains-update", ["--method", "objects", "--format", "github"])
        #expect(github.stdout.split(separator: "\n").last?.contains(note) == true, "\(github.stdout)")
        let junit = try diffWithObjectLicenses("grant-gains-update", ["--method", "objects", "--format", "junit"])
        let document = try XMLDocument(data: Data(junit.stdout.utf8))
        let method = try document.nodes(forXPath: "//testsuite/properties/property[@name='method']/@value").first?.stringValue
        #expect(method == "objects")
        let csv = try diffWithObjectLicenses("grant-gains-update", ["--method", "objects", "--format", "csv"])
        #expect(csv.stderr.contains(note))
        // The legacy method is named too (no object-license data: the default).
        let legacy = try diff("no-change", ["--format", "markdown"])
        #expect(legacy.stdout.contains("Method: legacy entry-point + SKU-map licensing"))
    }

    /// Per-object data before the change alone would compare two methods, not two trees: refused, naming the fix.
    @Test func baseObjectLicensesWithoutTheHeadsAreRefused() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("no-change", in: folder)
        let data = DiffFixture.folder.appendingPathComponent("object-licenses/base.csv").path
        let result = try run(axlicenseBinary, ["diff", "--base", fixture.path(.base), "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head),
                                               "--base-object-licenses", data], in: fixture.root)
        #expect(result.status == 1)
        #expect(result.stderr.contains("--base-object-licenses needs the head's object-license data too"))
    }

    /// A base-side input that is missing names the option that gave it (`--base-object-licenses`, `--base-sku-map`),
    /// not the head's.
    @Test func missingBaseSideInputNamesItsOwnOption() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("no-change", in: folder)
        let data = DiffFixture.folder.appendingPathComponent("object-licenses/base.csv").path
        let objects = try run(axlicenseBinary, ["diff", "--base", fixture.path(.base), "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head),
                                                "--object-licenses", data, "--base-object-licenses", "missing.csv"], in: fixture.root)
        #expect(objects.status == 1)
        #expect(objects.stderr.contains("missing.csv: error: object licenses (Security object licenses export or Licensing* SQL exports) not found; pass it with --base-object-licenses"), "\(objects.stderr)")
        let skuMap = try run(axlicenseBinary, ["diff", "--base", fixture.path(.base), "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head),
                                               "--base-sku-map", "missing.json"], in: fixture.root)
        #expect(skuMap.status == 1)
        #expect(skuMap.stderr.contains("not found; pass it with --base-sku-map"), "\(skuMap.stderr)")
    }
}
