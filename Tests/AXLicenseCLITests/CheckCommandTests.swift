import AXTestSupport
import Foundation
import Testing

@Suite struct CheckCommandTests {
    let check = ["check", "--workspace", "Data/sample", "--method", "legacy", "--no-db", "--quiet", "--today", "2026-11-23"]

    @Test func sampleShowsEveryStatusBothNotificationsAndExitsThree() throws {
        let result = try run(axlicenseBinary, check)
        #expect(result.status == 3)
        #expect(result.stdout.contains("[!] used 2 > purchased 1       SupplyChainManagement            1              2  2027-06-30"))
        #expect(result.stdout.contains("[!] expired on 2026-01-31      Commerce                         5              3  2026-01-31"))
        #expect(result.stdout.contains("[i] version 10.0.45 available  HumanResources                   3              3"))
        #expect(result.stdout.contains("                               Finance                         10              9"))
        #expect(result.stdout.contains("[!] One or more product licenses have expired."))
        #expect(result.stdout.contains("[!] The number of used licenses exceeds the assigned quantity for one or more products."))
        #expect(result.stderr.contains("license notification"))
    }

    @Test func failOnChoosesWhichNotificationsFail() throws {
        #expect(try run(axlicenseBinary, check + ["--fail-on", "none"]).status == 0)
        #expect(try run(axlicenseBinary, check + ["--fail-on", "expired"]).status == 3)
        // Before Commerce expired, only over-quantity fires.
        let earlier = ["check", "--workspace", "Data/sample", "--method", "legacy", "--no-db", "--quiet", "--today", "2026-01-31"]
        #expect(try run(axlicenseBinary, earlier + ["--fail-on", "expired"]).status == 0)
        #expect(try run(axlicenseBinary, earlier + ["--fail-on", "over-quantity"]).status == 3)
        #expect(try run(axlicenseBinary, check + ["--fail-on", "bogus"]).status == 64)
    }

    @Test func jsonCarriesUsedCountsFlagsAndTheReview() throws {
        let result = try run(axlicenseBinary, check + ["--format", "json", "--assigned", "Data/sample/assigned-licenses.csv"])
        let root = try json(result.stdout)
        let products = try #require(root["products"] as? [[String: Any]])
        #expect(products.map { $0["used"] as? Int } == [9, 2, 3, 3, 2, 3, 6, 6])
        #expect(products.map { $0["status"] as? String } == ["healthy", "warning", "warning", "newerVersion", "healthy", "healthy", "healthy", "newerVersion"])
        #expect(products[7]["matchedAs"] as? String == "model")
        #expect(products[4]["expirationDate"] is NSNull)
        let notifications = try #require(root["notifications"] as? [[String: String]])
        #expect(notifications.map { $0["id"] } == ["expired", "over-quantity"])
        let review = try #require(root["assignments"] as? [String: Any])
        #expect(review["underLicensed"] as? Int == 3 && review["overLicensed"] as? Int == 3)
        #expect(review["monthlySaving"] as? Double == 378 && review["monthlyAdditionalCost"] as? Double == 310)
    }

    @Test func everyFormatRenders() throws {
        for format in ["table", "csv", "markdown", "json"] {
            let result = try run(axlicenseBinary, check + ["--format", format, "--fail-on", "none"])
            #expect(result.status == 0 && result.stdout.contains("ContosoSecurity"), "\(format)")
        }
    }

    @Test func missingEntitlementsFileNamesTheFlag() throws {
        let result = try run(axlicenseBinary, check + ["--entitlements", "/nonexistent/ent.json"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/ent.json: error: entitlements file (purchased licenses) not found; pass it with --entitlements (or put it at this path in the --workspace folder)"))
    }
}

@Suite struct StateCommandTests {
    @Test func auditAndHistoryAccumulateAcrossRuns() throws {
        let folder = TemporaryFolder()
        let db = folder.path + "/state.sqlite"
        let base = ["--workspace", "Data/sample", "--method", "legacy", "--quiet", "--db", db, "--environment", "test-env"]
        #expect(try run(axlicenseBinary, ["check", "--today", "2026-11-23", "--fail-on", "none"] + base).status == 0)
        #expect(try run(axlicenseBinary, ["estimate"] + base).status == 0)
        #expect(try run(axlicenseBinary, ["check", "--today", "2026-11-23", "--fail-on", "none"] + base).status == 0)
        let failed = try run(axlicenseBinary, ["estimate", "--users", "/nonexistent.csv"] + base)
        #expect(failed.status == 1)

        let audit = try json(try run(axlicenseBinary, ["audit", "list", "--db", db, "--format", "json"]).stdout)
        let entries = try #require(audit["entries"] as? [[String: String]])
        #expect(entries.map { $0["operation"] } == ["License check", "Estimate", "License check", "Estimate"])
        #expect(entries.allSatisfy { $0["environment"] == "test-env" && $0["userId"]?.isEmpty == false })
        #expect(entries[0]["details"] == "8 product(s): 2 warning, 2 newer version, 4 healthy; notifications: expired, over-quantity")
        #expect(entries[1]["details"]?.hasPrefix("28 users: None 4, TeamMembers 6, Activity 3, Operations 15; monthly cost 3138.00") == true)
        #expect(entries[3]["details"]?.hasPrefix("Failed") == true)

        let history = try run(axlicenseBinary, ["history", "commerce", "--db", db, "--format", "csv"])
        let lines = history.stdout.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.dropFirst().allSatisfy { $0.hasSuffix(",test-env,Commerce,3,5,,10.0.44,Contoso Ltd") })

        let cleared = try run(axlicenseBinary, ["audit", "clear", "--older-than", "0", "--db", db])
        #expect(cleared.stdout == "Removed 4 audit entries older than 0 day(s).\n")
        #expect(try run(axlicenseBinary, ["history", "--db", db, "--format", "csv"]).stdout.split(separator: "\n").count == 1)
    }

    @Test func defaultDatabaseLivesInTheWorkspace() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        #expect(try run(axlicenseBinary, ["estimate", "--workspace", ws, "--quiet"]).status == 0)
        #expect(FileManager.default.fileExists(atPath: ws + "/.axlicense/state.sqlite"))
        let listed = try run(axlicenseBinary, ["audit", "list", "--workspace", ws])
        #expect(listed.stdout.contains("Estimate"))
    }

    @Test func severalProcessesAppendingAtOnceAllLand() throws {
        let folder = TemporaryFolder()
        let db = folder.path + "/state.sqlite"
        let processes = (0..<6).map { index -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: axlicenseBinary)
            process.arguments = ["check", "--workspace", "Data/sample", "--quiet", "--db", db, "--today", "2026-11-23", "--fail-on", "none"]
            process.currentDirectoryURL = packageRoot
            process.standardOutput = FileHandle.nullDevice
            FileManager.default.createFile(atPath: folder.path + "/stderr-\(index)", contents: nil)
            process.standardError = FileHandle(forWritingAtPath: folder.path + "/stderr-\(index)")
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        for (index, process) in processes.enumerated() {
            let stderr = (try? String(contentsOfFile: folder.path + "/stderr-\(index)", encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "process \(index): \(stderr)")
        }
        let audit = try json(try run(axlicenseBinary, ["audit", "list", "--db", db, "--format", "json"]).stdout)
        #expect((audit["entries"] as? [Any])?.count == 6)
        let history = try run(axlicenseBinary, ["history", "--db", db, "--format", "csv"])
        #expect(history.stdout.split(separator: "\n").count == 1 + 6 * 8)
    }

    @Test func corruptDatabaseIsAClearErrorAndIsNeverOverwritten() throws {
        let folder = TemporaryFolder()
        let db = folder.path + "/state.sqlite"
        let garbage = Data("this is not a database, it is someone's notes\n".utf8)
        try garbage.write(to: URL(fileURLWithPath: db))
        let result = try run(axlicenseBinary, ["check", "--workspace", "Data/sample", "--quiet", "--db", db, "--today", "2026-11-23"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(db): error: state database is corrupt or not an SQLite file"))
        #expect(result.stdout.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == garbage)
    }
}
