import AXTestSupport
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Runs `diff` on case `name` (see Tests/Fixtures/diff/README.md), assembled in a temporary folder and run from
/// there, so the paths it prints read `<name>/head/...`.
func diff(_ name: String, _ extra: [String] = []) throws -> RunResult {
    let folder = TemporaryFolder()
    let fixture = try DiffFixture(name, in: folder)
    let arguments = ["diff", "--base", fixture.path(.base), "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head),
                     "--base-sku-map", fixture.skuMapPath(.base), "--users", fixture.usersPath]
    return try run(axlicenseBinary, arguments + extra, in: fixture.root)
}

@Suite struct DiffCommandTests {
    @Test func markdownPutsTheSummaryFirstAndDetailsInCollapsibleBlocks() throws {
        let result = try diff("grant-gains-update", ["--format", "markdown"])
        #expect(result.status == 3)
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "## axlicense: license impact")
        #expect(lines[2] == #"**1 role(s) change license: 1 escalation; 2 user(s) change license; monthly cost \$108.00 → \$290.00 (+\$182.00).**"#)
        #expect(result.stdout.contains(#"| Viewer | escalation | TeamMembers → Operations | - | TeamMembers → Operations (any base) | \$8.00 → \$120.00 |"#))
        #expect(result.stdout.contains("<details><summary>Why each role changes</summary>"))
        #expect(result.stdout.contains("- grant changed: `JournalView` → `MenuItemDisplay JournalForm`: Read → Read, Update: TeamMembers → Operations (grant-gains-update/head/Core/Core/AxSecurityPrivilege/JournalView.xml:"))
        #expect(result.stderr.contains("the change escalates licenses"))
    }

    @Test func jsonHasRolesUsersAndTheCostDelta() throws {
        let result = try diff("new-isunique-row", ["--format", "json"])
        let root = try json(result.stdout)
        #expect(root["hasLicenseImpact"] as? Bool == true)
        #expect(root["monthlyCostDelta"] as? Double == 362)
        #expect(root["newSkus"] as? [String] == ["Finance"])
        let roles = try #require(root["roles"] as? [[String: Any]])
        #expect(roles.count == 1 && roles[0]["classification"] as? String == "escalation")
        #expect((roles[0]["after"] as? [String: Any])?["base"] as? String == "Finance")
        #expect((roles[0]["before"] as? [String: Any])?["requiredSkus"] as? [String] == [])
        let users = try #require(root["users"] as? [[String: Any]])
        #expect(users.count == 2)
        // Each user's license before and after as values (tier, base, attaches, cost), not a summary in words.
        let before = try #require(users[0]["before"] as? [String: Any]), after = try #require(users[0]["after"] as? [String: Any])
        #expect(Set(before.keys) == ["licenseTier", "base", "attach", "monthlyCost"] && Set(after.keys) == Set(before.keys))
        #expect(after["base"] as? String == "Finance" && after["attach"] as? [String] == [] && after["licenseTier"] as? String == "Operations")
    }

    @Test func githubFormatAnnotatesTheChangedFile() throws {
        let result = try diff("menu-item-maintain-license", ["--format", "github"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("::error file=menu-item-maintain-license/head/Core/Core/AxMenuItemDisplay/OrderForm.xml,line=2,title=axlicense%3A escalation of Clerk::Role Clerk: Activity (50.00) → Operations (any base) (120.00)") == true)
        #expect(lines.last?.hasPrefix("::notice title=axlicense::1 role(s) change license") == true)
    }

    /// A duty added to a role is annotated at the role file's new reference, not at the unchanged privilege file.
    @Test func githubAnnotationOfAnAddedReferencePointsAtTheRoleFileLine() throws {
        let result = try diff("duty-added-to-role", ["--format", "github"])
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("::error file=duty-added-to-role/head/Core/Core/AxSecurityRole/Viewer.xml,line=9,title=axlicense%3A escalation of Viewer::") == true, "\(result.stdout)")
        #expect(!result.stdout.contains("AxSecurityPrivilege/"))
    }

    @Test func junitIsValidXmlWithOneFailingCasePerEscalatedRole() throws {
        let result = try diff("duty-added-to-role", ["--format", "junit"])
        #expect(result.stdout.contains("<testsuites name=\"axlicense diff\" tests=\"1\" failures=\"1\">"))
        #expect(result.stdout.contains("<testcase classname=\"axlicense.roles\" name=\"Viewer\""))
        #expect(result.stdout.contains("<failure type=\"escalation\""))
        let parser = XMLParser(data: Data(result.stdout.utf8))
        #expect(parser.parse(), "JUnit output is not well-formed XML")
        let clean = try diff("no-change", ["--format", "junit"])
        #expect(clean.stdout.contains("<testcase classname=\"axlicense.roles\" name=\"no license impact\"/>"))
        #expect(XMLParser(data: Data(clean.stdout.utf8)).parse())
    }

    @Test func tableAndCsvRender() throws {
        let table = try diff("pure-rename")
        #expect(table.status == 0)
        #expect(table.stdout.contains("No license impact."))
        #expect(table.stdout.contains("Privilege  added    ExpenseReportMaintain"))
        let csv = try diff("grant-gains-update", ["--format", "csv", "--fail-on", "never"])
        #expect(csv.stdout.hasPrefix("Role,Change,Entry-point license,Required SKUs,License,Monthly cost\nViewer,escalation,"))
    }

    @Test func noChangeSaysSoAndExitsZero() throws {
        let result = try diff("no-change")
        #expect(result.status == 0)
        #expect(result.stdout.contains("No license impact."))
    }

    /// The same malformed role file on both sides, with --keep-going: both sides' errors are printed (each naming its
    /// side), every format says the result is incomplete and never "No license impact", and --strict fails.
    @Test func keepGoingWithMalformedFilesOnBothSidesIsMarkedIncompleteEverywhere() throws {
        let broken = "Core/Core/AxSecurityRole/Broken.xml"
        let folder = "malformed-both-sides"
        let table = try diff("malformed-both-sides", ["--keep-going"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(!table.stdout.contains("No license impact"))
        #expect(table.stdout.contains("INCOMPLETE"))
        #expect(table.stdout.contains("base  \(folder)/base/\(broken)"))
        #expect(table.stdout.contains("head  \(folder)/head/\(broken)"))
        #expect(table.stderr.contains("\(folder)/base/\(broken):5:"), "\(table.stderr)")
        #expect(table.stderr.contains("\(folder)/head/\(broken):5:"), "\(table.stderr)")
        #expect(table.stderr.contains("axlicense: warning: --keep-going: the result is incomplete: 1 file(s) of the base tree and 1 of the head tree could not be read"))

        let strict = try diff("malformed-both-sides", ["--keep-going", "--strict"])
        #expect(strict.status == 2, "\(strict.stderr)")
        #expect(strict.stderr.contains("--strict: the result is incomplete"))

        let json = try json(try diff("malformed-both-sides", ["--keep-going", "--format", "json"]).stdout)
        #expect(json["complete"] as? Bool == false)
        #expect(json["hasLicenseImpact"] as? Bool == false)
        #expect(!(json["summary"] as? String ?? "No license impact").contains("No license impact"))
        let errors = try #require(json["unreadFiles"] as? [[String: Any]])
        #expect(errors.map { $0["side"] as? String } == ["base", "head"])
        #expect(errors.map { $0["file"] as? String } == ["\(folder)/base/\(broken)", "\(folder)/head/\(broken)"])

        // CSV: a row per unread file, so the result is not the header alone that "no change" gives.
        let csv = try diff("malformed-both-sides", ["--keep-going", "--format", "csv"]).stdout
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.count == 2 && rows.allSatisfy { $0.count == 6 && $0[1] == "unread-file" }, "\(csv)")
        #expect(rows.first?.first?.hasPrefix("base:\(folder)/base/\(broken):5") == true && rows.last?.first?.hasPrefix("head:\(folder)/head/\(broken):5") == true, "\(csv)")

        let markdown = try diff("malformed-both-sides", ["--keep-going", "--format", "markdown"]).stdout
        #expect(!markdown.contains("No license impact"))
        #expect(markdown.contains("INCOMPLETE"))
        #expect(markdown.contains("| base | \(folder)/base/\(broken)"))

        let github = try diff("malformed-both-sides", ["--keep-going", "--format", "github"]).stdout
        #expect(github.contains("::error file=\(folder)/base/\(broken),line=5,title=axlicense%3A base tree file not read::"))
        #expect(github.contains("::error file=\(folder)/head/\(broken),line=5,title=axlicense%3A head tree file not read::"))
        #expect(!github.contains("No license impact"))

        let junit = try diff("malformed-both-sides", ["--keep-going", "--format", "junit"]).stdout
        #expect(XMLParser(data: Data(junit.utf8)).parse())
        #expect(!junit.contains("no license impact"))
        #expect(junit.contains("errors=\"2\""))
        #expect(junit.contains("<testcase classname=\"axlicense.incomplete\" name=\"base: \(folder)/base/\(broken)\">"))
        #expect(junit.contains("<error type=\"malformed-file\""))
    }

    @Test func failOnPolicies() throws {
        #expect(try diff("grant-gains-update", ["--fail-on", "never"]).status == 0)
        #expect(try diff("grant-gains-update", ["--fail-on", "new-sku"]).status == 0)
        #expect(try diff("new-isunique-row", ["--fail-on", "new-sku"]).status == 3)
        #expect(try diff("grant-gains-update", ["--fail-on", "cost-increase:200"]).status == 0)
        #expect(try diff("grant-gains-update", ["--fail-on", "cost-increase:100"]).status == 3)
        #expect(try diff("grant-gains-update", ["--fail-on", "cost-increase:lots"]).status == 64)
        // A de-escalation passes the default policy.
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("grant-gains-update", in: folder)
        let reversed = ["diff", "--base", fixture.path(.head), "--head", fixture.path(.base), "--sku-map", fixture.skuMapPath(.base)]
        #expect(try run(axlicenseBinary, reversed, in: fixture.root).status == 0)
    }
}

@Suite struct DiffGitTests {
    /// A repository with two commits: the grant-gains-update base tree, then its head tree.
    func repository() throws -> (folder: TemporaryFolder, repo: URL, fixture: DiffFixture) {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("grant-gains-update", in: folder)
        let repo = folder.url.appendingPathComponent("repo")
        let metadata = repo.appendingPathComponent("Metadata")
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        try git(["init", "-q"], in: repo)
        try FileManager.default.copyItem(at: fixture.tree(.base), to: metadata)
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "base"], in: repo)
        try FileManager.default.removeItem(at: metadata)
        try FileManager.default.copyItem(at: fixture.tree(.head), to: metadata)
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "JournalView grants Update"], in: repo)
        return (folder, repo, fixture)
    }

    @Test func gitRevisionAgainstTheWorkingFolderGivesTheMarkdownReportAndExitCode() throws {
        let (folder, repo, fixture) = try repository()
        _ = folder
        let skuMap = fixture.skuMap(.head).path
        let users = fixture.users.path
        let result = try run(axlicenseBinary, ["diff", "--base", "git:HEAD~1", "--head", ".", "--sku-map", skuMap, "--users", users, "--format", "markdown"], in: repo)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.contains(#"**1 role(s) change license: 1 escalation; 2 user(s) change license; monthly cost \$108.00 → \$290.00 (+\$182.00).**"#))
        #expect(result.stdout.contains("(Metadata/Core/Core/AxSecurityPrivilege/JournalView.xml:"))
        #expect(!result.stdout.contains("New diagnostics"))
        // The working tree is untouched.
        let status = try run("/usr/bin/env", ["git", "status", "--porcelain"], in: repo)
        #expect(status.stdout.isEmpty)
    }

    @Test func gitRevisionWithAPathAndFromASubfolder() throws {
        let (folder, repo, fixture) = try repository()
        _ = folder
        let skuMap = fixture.skuMap(.head).path
        let withPath = try run(axlicenseBinary, ["diff", "--base", "git:HEAD~1:Metadata", "--head", "Metadata", "--sku-map", skuMap, "--format", "json"], in: repo)
        #expect(try json(withPath.stdout)["hasLicenseImpact"] as? Bool == true)
        let sameCommit = try run(axlicenseBinary, ["diff", "--base", "git:HEAD", "--head", ".", "--sku-map", skuMap], in: repo.appendingPathComponent("Metadata"))
        #expect(sameCommit.status == 0, "\(sameCommit.stderr)")
        #expect(sameCommit.stdout.contains("No license impact."))
    }

    @Test func unknownRevisionIsAClearError() throws {
        let (folder, repo, fixture) = try repository()
        _ = folder
        let skuMap = fixture.skuMap(.head).path
        let result = try run(axlicenseBinary, ["diff", "--base", "git:nosuchbranch", "--head", ".", "--sku-map", skuMap], in: repo)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("git:nosuchbranch: error: 'nosuchbranch' is not a commit in the repository at"))
    }
}

/// Issue 15: the gate on a real workspace in git (the sample, committed), as CI runs it.
@Suite struct DiffGitSampleTests {

    @Test(arguments: ["objects", "legacy"])
    func aNoChangeDiffAgainstHeadPassesStrict(method: String) throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        let result = try run(axlicenseBinary, ["diff", "--base", "git:HEAD", "--head", ".", "--strict", "--method", method, "--format", "github"], in: repo)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stdout.contains("::warning"))
        #expect(result.stdout.contains("No license impact"))
        #expect(result.stderr.isEmpty)
    }

    @Test func anUncommittedDutyOnARoleIsAnnotatedAtTheRoleFileLine() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        let role = "Metadata/ApplicationSuite/Foundation/AxSecurityRole/Employee.xml"
        let file = repo.appendingPathComponent(role)
        let text = try String(contentsOf: file, encoding: .utf8)
        let reference = "\t<AxSecurityDutyReference>\n\t\t\t<Name>SalesOrdersMaintain</Name>\n\t\t</AxSecurityDutyReference>\n\t</Duties>"
        try text.replacingOccurrences(of: "</Duties>", with: reference).write(to: file, atomically: true, encoding: .utf8)
        let result = try run(axlicenseBinary, ["diff", "--base", "git:HEAD", "--head", ".", "--format", "github"], in: repo)
        #expect(result.status == 3)
        let errors = result.stdout.split(separator: "\n").filter { $0.hasPrefix("::error ") }
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.hasPrefix("::error file=\(role),line=12,title=axlicense%3A escalation of Employee::") })
        #expect(!result.stdout.contains("::warning"))
    }
}

@Suite struct DiffInputErrorTests {
    @Test func missingBaseFolderNamesTheBaseFlag() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("no-change", in: folder)
        let result = try run(axlicenseBinary, ["diff", "--base", "/nonexistent/base", "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head)], in: fixture.root)
        #expect(result.status == 1)
        #expect(result.stderr == "axlicense: error: metadata folder '/nonexistent/base' does not exist; pass the metadata folder with --base\n")
    }
}
