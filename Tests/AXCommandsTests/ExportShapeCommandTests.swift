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

/// The sample's role assignments as a CSV table: header and rows, each a list of fields.
private let sampleAssignments: [[String]] = {
    let text = try! String(contentsOf: sampleWorkspaceFolder.appendingPathComponent("users.csv"), encoding: .utf8)
    // The sample's lines end in CRLF, one Character in Swift: split on any line break.
    return text.split(whereSeparator: \.isNewline).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
}()

/// The sample's users, in file order, each once, with whether the sample marks them enabled.
private let sampleUsers: [(id: String, name: String, enabled: Bool)] = {
    var seen: Set<String> = []
    return sampleAssignments.dropFirst().compactMap { row in seen.insert(row[0]).inserted ? (row[0], row[5], row[6] == "true") : nil }
}()

/// A made-up Entra object id per sample user, as PPAC and the SystemUsers export name users.
private func objectId(_ index: Int) -> String { "1f0c7e2a-3b4d-4c5e-8f90-\(String(format: "%012d", index))" }

/// Text in `encoding`, with a byte-order mark where Windows tools write one (UTF-16 as Excel's "Unicode text" saves it).
private func encoded(_ text: String, _ encoding: String.Encoding) -> Data {
    switch encoding {
    case .utf16LittleEndian: Data([0xFF, 0xFE]) + text.data(using: .utf16LittleEndian)!
    case .utf16BigEndian: Data([0xFE, 0xFF]) + text.data(using: .utf16BigEndian)!
    default: Data(text.utf8)
    }
}

/// The sample's SystemUsers export as D365FO's Users form exports it to Excel: user id, name, enabled (oscar is
/// disabled), e-mail, network alias and Entra object id.
private func systemUsersExport() -> String {
    (["User ID,User name,Enabled,Email,Network alias,Object ID"]
        + sampleUsers.enumerated().map { index, user in
            "\(user.id),\(user.name),\(user.enabled ? "Yes" : "No"),\(user.id)@contoso.example,\(user.id)@contoso.example,{\(objectId(index).uppercased())}"
        }).joined(separator: "\n") + "\n"
}

/// `estimate` on a copy of the sample whose files `change` rewrites, against `estimate` on the sample itself.
private func sameEstimate(_ method: String, _ change: (TemporaryFolder, String) -> Void) -> (expected: String, actual: (status: Int32, stdout: String, stderr: String)) {
    let folder = TemporaryFolder()
    let workspace = folder.copySample()
    change(folder, workspace)
    let arguments = ["estimate", "--no-db", "--method", method, "--format", "csv"]
    let expected = axlicense(arguments + ["--workspace", sampleWorkspaceFolder.path, "--quiet"])
    #expect(expected.status == 0)
    return (expected.stdout, axlicense(arguments + ["--workspace", workspace]))
}

@Suite struct ExportShapeCommandTests {
    /// The Security user role associations export (`SecurityUserRoles`) has no Enabled column: joined with the
    /// SystemUsers export, which says oscar is disabled, it gives every figure the hand-made users file gives, in
    /// the shapes Excel saves it (semicolons, upper-case headers, UTF-16 "Unicode text" with tabs).
    @Test(arguments: [(String.Encoding.utf8, ";"), (.utf16LittleEndian, "\t"), (.utf16BigEndian, ",")])
    func securityUserRolesWithSystemUsersGivesTheSampleEstimate(encoding: String.Encoding, separator: String) {
        for method in ["legacy", "objects"] {
            let (expected, actual) = sameEstimate(method) { folder, workspace in
                let rows = [["USERID", "SECURITYROLEIDENTIFIER", "SECURITYROLENAME", "ASSIGNMENTSTATUS", "ASSIGNMENTMODE"]]
                    + sampleAssignments.dropFirst().map { Array($0[0...4]) }
                folder.write("ws/users.csv", encoded(rows.map { $0.joined(separator: separator) }.joined(separator: "\r\n") + "\r\n", encoding))
                folder.write("ws/system-users.csv", encoded(systemUsersExport(), encoding))
            }
            #expect(actual.status == 0, "\(actual.stderr)")
            #expect(actual.stdout == expected)
            #expect(!actual.stderr.contains("enabled-state-unknown"))
        }
    }

    /// Without the SystemUsers export, the same file counts oscar (disabled in D365FO) as enabled, and says once that
    /// the enabled state is unknown: the silent +180 of issue 16 is now a warning.
    @Test func securityUserRolesAloneWarnsThatEnabledStateIsUnknown() {
        let (expected, actual) = sameEstimate("legacy") { folder, _ in
            let rows = [["UserId", "SecurityRoleIdentifier", "AssignmentStatus"]] + sampleAssignments.dropFirst().map { [$0[0], $0[1], $0[3]] }
            folder.write("ws/users.csv", rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n")
        }
        #expect(actual.status == 0)
        #expect(actual.stdout != expected)
        #expect(actual.stdout.contains("oscar,Yes,"))
        #expect(actual.stderr.components(separatedBy: "[enabled-state-unknown]").count == 2, "\(actual.stderr)")
    }

    /// Assignment statuses Expired and Suspended grant nothing, as Disabled does: the sample's one disabled assignment
    /// (paula's LedgerAccountant) written either way gives the same estimate.
    @Test(arguments: ["Expired", "Suspended"])
    func expiredAndSuspendedAssignmentsCountLikeDisabledOnes(status: String) {
        let (expected, actual) = sameEstimate("legacy") { folder, _ in
            let rows = sampleAssignments.map { $0.joined(separator: ",") }.map { $0.replacingOccurrences(of: ",Disabled,", with: ",\(status),") }
            folder.write("ws/users.csv", rows.joined(separator: "\n") + "\n")
        }
        #expect(actual.status == 0, "\(actual.stderr)")
        #expect(actual.stdout == expected)
    }

    /// A CSV export of the LicensingServicePlansPrivilege table (SQL or the table browser: extra columns, semicolons)
    /// in place of the JSON gives the identical legacy estimate.
    @Test func skuMapAsTableExportGivesTheSameEstimate() throws {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: sampleWorkspaceFolder.appendingPathComponent("LicensingServicePlansPrivilege.json")))
        let rows = try #require((json as? [String: Any])?["LicensingServicePlansPrivilege"] as? [[String: Any]])
        let (expected, actual) = sameEstimate("legacy") { folder, workspace in
            try? FileManager.default.removeItem(atPath: workspace + "/LicensingServicePlansPrivilege.json")
            let lines = ["RECID;PrivilegeIdentifier;SkuName;IsUnique;DATAAREAID"] + rows.enumerated().map { index, row in
                "\(5_637_144_576 + index);\(row["PrivilegeIdentifier"]!);\(row["SkuName"]!);\(row["IsUnique"]!);dat"
            }
            folder.write("ws/LicensingServicePlansPrivilege.csv", lines.joined(separator: "\n") + "\n")
        }
        #expect(actual.status == 0, "\(actual.stderr)")
        #expect(actual.stdout == expected)
    }

    /// Without a SKU map the legacy method still runs, on entry-point licenses alone, with one warning saying so.
    @Test func withoutSkuMapTheLegacyMethodRunsOnEntryPointsWithOneWarning() {
        let (expected, actual) = sameEstimate("legacy") { _, workspace in
            try? FileManager.default.removeItem(atPath: workspace + "/LicensingServicePlansPrivilege.json")
        }
        #expect(actual.status == 0)
        #expect(actual.stdout != expected)
        #expect(actual.stdout.contains("alicia,Yes,\"LedgerAccountant, SystemUser\",Operations,Operations"), "\(actual.stdout)")
        #expect(actual.stderr.components(separatedBy: "[sku-requirements-unknown]").count == 2, "\(actual.stderr)")
    }

    /// The Power Platform admin center's own export names users by Entra object id (UserId) and e-mail, sometimes a
    /// GUID in UserEmail too: matched through the SystemUsers export, `check --assigned` gives the over/under review
    /// the hand-made file (D365FO user ids) gives.
    @Test func ppacExportMatchedThroughSystemUsersGivesTheSampleReview() throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        folder.write("ws/system-users.csv", systemUsersExport())
        let handMade = try String(contentsOf: sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv"), encoding: .utf8)
        let index = Dictionary(uniqueKeysWithValues: sampleUsers.enumerated().map { ($1.id, $0) })
        var lines = ["TenantId,UserEmail,UserId,AssignedLicense(s),MissingLicense(s),RefreshedOn"]
        for (number, line) in handMade.split(whereSeparator: \.isNewline).dropFirst().enumerated() {
            let userId = String(line.prefix { $0 != "," })
            let rest = line.dropFirst(userId.count + 1)
            let email = String(rest.prefix { $0 != "," })
            let fields = rest.dropFirst(email.count + 1)
            let guid = index[userId].map(objectId) ?? "9a9a9a9a-0000-4000-8000-000000000001"
            // Every third row has the object id where the e-mail is expected, as PPAC writes for some users.
            lines.append("72f988bf-86f1-41af-91ab-2d7cd011db47,\(number % 3 == 0 ? guid.uppercased() : email),\(guid),\(fields)")
        }
        let ppac = folder.write("ppac.csv", lines.joined(separator: "\n") + "\n")
        let arguments = ["check", "--no-db", "--method", "legacy", "--today", "2026-11-23", "--fail-on", "none", "--quiet", "--format", "markdown"]
        let expected = axlicense(arguments + ["--workspace", sampleWorkspaceFolder.path, "--assigned", sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv").path])
        let actual = axlicense(arguments + ["--workspace", workspace, "--assigned", ppac])
        #expect(expected.status == 0)
        #expect(actual.status == 0, "\(actual.stderr)")
        #expect(actual.stdout == expected.stdout)
        #expect(actual.stdout.contains("| oscar | Over-licensed | None | Finance |"))
    }

    /// `report` picks up the workspace's assigned-licenses.csv, as it picks up entitlements.json: the page gets the
    /// over/under table without --assigned.
    @Test func reportPicksUpTheWorkspacesAssignedLicenses() {
        let folder = TemporaryFolder()
        let page = folder.url.appendingPathComponent("page.html").path
        let picked = axlicense(["report", "--workspace", sampleWorkspaceFolder.path, "--today", "2026-11-23", "--quiet", "--output", page])
        #expect(picked.status == 0, "\(picked.stderr)")
        let pickedPage = (try? String(contentsOfFile: page, encoding: .utf8)) ?? ""
        let named = axlicense(["report", "--workspace", sampleWorkspaceFolder.path, "--today", "2026-11-23", "--quiet", "--output", page,
                               "--assigned", sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv").path])
        #expect(named.status == 0)
        #expect(pickedPage == ((try? String(contentsOfFile: page, encoding: .utf8)) ?? "-"))
        #expect(pickedPage.contains("Over-licensed"))
    }

    /// A workspace's own `skus.json` replaces the built-in catalog, as `--skus` does, so the list prices before
    /// Microsoft's 1 October 2024 update (Finance, Supply Chain Management, Commerce 180) stay reachable: with them the
    /// sample gives its old hand-checked figures (Data/README.md): alicia's Finance 180, 2,808.00 legacy, 2,882.00
    /// per-object, against 3,138.00 and 3,182.00 at the built-in 210.
    @Test func aWorkspaceCatalogWithThePre2024PricesGivesTheOldTotals() throws {
        let catalog = try String(contentsOf: packageRoot.appendingPathComponent("Data/skus.json"), encoding: .utf8)
        #expect(catalog.components(separatedBy: "\"basePrice\": 210").count == 4, "Finance, Supply Chain Management, Commerce at 210")
        let old = catalog.replacingOccurrences(of: "\"basePrice\": 210", with: "\"basePrice\": 180")
        let (expected, actual) = sameEstimate("legacy") { folder, _ in folder.write("ws/skus.json", old) }
        #expect(actual.status == 0, "\(actual.stderr)")
        #expect(expected.contains("alicia,Yes,\"LedgerAccountant, SystemUser\",Operations,Operations,Finance,,210.00"))
        #expect(actual.stdout.contains("alicia,Yes,\"LedgerAccountant, SystemUser\",Operations,Operations,Finance,,180.00"))
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        folder.write("ws/skus.json", old)
        for (method, old, current) in [("legacy", 2808.0, 3138.0), ("objects", 2882.0, 3182.0)] {
            for (path, total) in [(workspace, old), (sampleWorkspaceFolder.path, current)] {
                let result = axlicense(["estimate", "--no-db", "--method", method, "--format", "json", "--quiet", "--workspace", path])
                #expect(result.status == 0, "\(result.stderr)")
                let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                #expect((root["summary"] as? [String: Any])?["monthlyCost"] as? Double == total, "\(method) \(path)")
            }
        }
    }
}
