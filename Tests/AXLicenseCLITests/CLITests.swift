import AXTestSupport
import Foundation
import Testing

@Suite struct EstimateCommandTests {
    /// The top-level help lists every input found by workspace convention, including the one that changes the
    /// default licensing method, so a newcomer learns from --help why a workspace runs the per-object method.
    @Test func helpListsTheObjectLicensesFolderAndTheMethodItSelects() throws {
        let result = try axlicense("--help")
        #expect(result.status == 0)
        #expect(result.stdout.contains("DIR/ObjectLicenses/"), "\(result.stdout)")
        #expect(result.stdout.contains("--method legacy"), "\(result.stdout)")
    }

    @Test func tableShowsUsersSummaryAndTotal() throws {
        let result = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Total monthly cost: $3,138.00"))
        #expect(result.stdout.contains("ursula    Yes      SalesClerk, HRAssistant"))
        #expect(result.stderr.isEmpty)
    }

    @Test func jsonHasTheDocumentedShape() throws {
        let result = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--format", "json", "--quiet")
        #expect(result.status == 0)
        let root = try json(result.stdout)
        let users = try #require(root["users"] as? [[String: Any]])
        #expect(users.count == 28)
        let dana = try #require(users.first { $0["userId"] as? String == "dana" })
        #expect(dana["enabled"] as? Bool == true)
        #expect(dana["roles"] as? [String] == ["SalesClerk", "SystemUser"])
        #expect(dana["entryPointLicense"] as? String == "Operations")
        #expect(dana["licenseTier"] as? String == "Operations")
        #expect(dana["base"] as? String == "SupplyChainManagement")
        #expect(dana["attach"] as? [String] == ["Finance"])
        #expect(dana["monthlyCost"] as? Double == 240)
        let admin = try #require(users.first { $0["userId"] as? String == "admin" })
        #expect(admin["base"] is NSNull)
        let zoe = try #require(users.first { $0["userId"] as? String == "zoe" })
        #expect(zoe["base"] as? String == "Operations (any base)")
        let summary = try #require(root["summary"] as? [String: Any])
        #expect(summary["monthlyCost"] as? Double == 3138)
        #expect(summary["tiers"] as? [String: Int] == ["None": 4, "TeamMembers": 6, "Activity": 3, "Operations": 15])
        let skus = try #require(summary["skus"] as? [String: [String: Int]])
        #expect(skus["Finance"] == ["base": 7, "attach": 2])
        let diagnostics = try #require(root["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 13)
        #expect(diagnostics.allSatisfy { $0["severity"] as? String == "warning" && $0["code"] is String && $0["message"] is String && $0["file"] is String })
        #expect(root["complete"] as? Bool == true)
    }

    @Test func csvHasAHeaderAndOneRowPerUser() throws {
        let result = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--format", "csv", "--quiet")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "User,Enabled,Roles,Entry-point license,License tier,Base,Attach,Monthly cost")
        #expect(lines.count == 29)
        #expect(lines.contains("ursula,Yes,\"SalesClerk, HRAssistant\",Operations,Operations,SupplyChainManagement,\"Finance, HumanResources\",270.00"))
    }

    @Test func markdownHasTablesAndTotal() throws {
        let result = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--format", "markdown", "--quiet")
        #expect(result.stdout.contains(#"| zoe | Yes | ContosoBatchOperator | Operations | Operations | Operations (any base) |  | \$120.00 |"#))
        #expect(result.stdout.contains(#"**Total monthly cost:** \$3,138.00"#))
    }

    @Test func warningsGoToStderrAsPathLineColumn() throws {
        let result = try axlicense("estimate", "--no-db", "--workspace", "Data/sample")
        #expect(result.status == 0)
        #expect(result.stderr.contains("Data/sample/Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/ContosoFinanceController.xml:9: warning: role 'ContosoFinanceController' references duty 'LedgerPeriodCloseMaintain'"))
        #expect(result.stderr.contains("Data/sample/users.csv:36: warning: user 'quinn'"))
    }

    @Test func sysadminCountsFlagChangesTheTotal() throws {
        let result = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--sysadmin-counts", "--quiet")
        #expect(result.stdout.contains("Total monthly cost: $3,378.00"))
    }

    @Test func strictExitsTwoOnWarningsButStillWritesTheReport() throws {
        let result = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--strict", "--quiet")
        #expect(result.status == 2)
        #expect(result.stdout.contains("Total monthly cost: $3,138.00"))
    }

    @Test func missingUsersFileIsOneClearErrorNamingTheFlag() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try FileManager.default.removeItem(atPath: ws + "/users.csv")
        let result = try axlicense("estimate", "--no-db", "--workspace", ws)
        #expect(result.status == 1)
        #expect(result.stderr == "\(ws)/users.csv: error: users file (role assignments CSV) not found; pass it with --users (or put it at this path in the --workspace folder); where to get it: README.md#getting-your-inputs, \"Role assignments\"\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func missingMetadataFolderNamesTheFlag() throws {
        let result = try axlicense("roles", "--workspace", "Data/sample", "--metadata", "/nonexistent/Metadata")
        #expect(result.status == 1)
        #expect(result.stderr.contains("'/nonexistent/Metadata' does not exist; pass the metadata folder with --metadata"))
    }

    @Test func malformedMetadataFailsListingEveryBadFileUnlessKeepGoing() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        let duties = ws + "/Metadata/ApplicationSuite/Foundation/AxSecurityDuty"
        try "<AxSecurityDuty><Name>Broken</Name>".write(toFile: duties + "/Broken.xml", atomically: true, encoding: .utf8)
        try "<AxSecurityDuty>\n<Name>Bad</Name></Oops>".write(toFile: duties + "/Bad.xml", atomically: true, encoding: .utf8)
        let failing = try axlicense("estimate", "--no-db", "--workspace", ws, "--output", folder.path + "/out.json", "--format", "json")
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("AxSecurityDuty/Broken.xml:1:"))
        #expect(failing.stderr.contains("AxSecurityDuty/Bad.xml:2:"))
        #expect(failing.stderr.contains("2 metadata file(s) could not be read"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/out.json"))

        let keepGoing = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", ws, "--keep-going", "--format", "json", "--quiet")
        #expect(keepGoing.status == 0)
        let root = try json(keepGoing.stdout)
        #expect(root["complete"] as? Bool == false)
        #expect((root["summary"] as? [String: Any])?["monthlyCost"] as? Double == 3138)
        #expect(keepGoing.stderr.contains("Bad.xml:2:"))
    }

    @Test func outputIsWrittenAtomicallyAndAFailedRunKeepsTheEarlierFile() throws {
        let folder = TemporaryFolder()
        let output = folder.path + "/estimate.md"
        let first = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", "Data/sample", "--format", "markdown", "--output", output, "--quiet")
        #expect(first.status == 0 && first.stdout.isEmpty)
        let written = try String(contentsOfFile: output, encoding: .utf8)
        #expect(written.contains(#"\$3,138.00"#))
        let failed = try axlicense("estimate", "--no-db", "--workspace", "Data/sample", "--users", "/nonexistent.csv", "--output", output)
        #expect(failed.status == 1)
        #expect(try String(contentsOfFile: output, encoding: .utf8) == written)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["estimate.md"])
    }

    @Test func outputIntoAMissingFolderIsAClearError() throws {
        let result = try axlicense("estimate", "--no-db", "--workspace", "Data/sample", "--output", "/nonexistent/dir/out.md", "--quiet")
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/dir/out.md: error: cannot write output: folder '/nonexistent/dir' does not exist"))
    }

    @Test func badFormatIsAUsageError() throws {
        let result = try axlicense("estimate", "--no-db", "--workspace", "Data/sample", "--format", "pdf")
        #expect(result.status == 64)
    }
}

@Suite struct RolesAndPermissionsCommandTests {
    @Test func rolesTableWorksWithoutUsers() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try FileManager.default.removeItem(atPath: ws + "/users.csv")
        let result = try axlicense("roles", "--workspace", ws, "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.contains("SalesClerk"))
        #expect(!result.stdout.contains("Users"))
    }

    @Test func rolesJsonGivesLicenseFieldsAndAssignedUsers() throws {
        let result = try axlicense("roles", "--method", "legacy", "--workspace", "Data/sample", "--format", "json", "--quiet")
        let roles = try #require(try json(result.stdout)["roles"] as? [[String: Any]])
        #expect(roles.count == 16)
        let sales = try #require(roles.first { $0["name"] as? String == "SalesClerk" })
        #expect(sales["entryPointLicense"] as? String == "Operations")
        #expect(sales["licenseTier"] as? String == "Operations")
        #expect(sales["requiredSkus"] as? [String] == ["Finance"])
        #expect(sales["anyOfGroups"] as? [[String]] == [["SupplyChainManagement", "Commerce"]])
        #expect(sales["base"] as? String == "SupplyChainManagement")
        #expect(sales["attach"] as? [String] == ["Finance"])
        #expect(sales["monthlyCost"] as? Double == 240)
        #expect(sales["usersAssigned"] as? Int == 3)
        #expect(sales["model"] as? String == "Foundation")
        let system = try #require(roles.first { $0["name"] as? String == "SystemUser" })
        #expect(system["entryPointLicense"] as? String == "None")
        #expect(system["base"] as? String == "TeamMembers")
    }

    @Test(arguments: ["table", "csv", "markdown", "json"])
    func everyCommandWritesEveryFormat(format: String) throws {
        let commands: [(arguments: [String], marker: String)] = [
            (["estimate", "--no-db"], "dana"),
            (["roles"], "SalesClerk"),
            (["permissions", "SalesClerk"], "SalesTableListPage"),
            (["check", "--no-db", "--fail-on", "none", "--today", "2026-11-23"], "ContosoSecurity"),
        ]
        for (command, marker) in commands {
            let result = try run(axlicenseBinary, command + ["--workspace", "Data/sample", "--format", format, "--quiet"])
            #expect(result.status == 0, "\(command) \(format)")
            #expect(result.stdout.contains(marker), "\(command) \(format)")
        }
    }

    @Test func permissionsHeaderAndRowsForADuty() throws {
        let result = try axlicense("permissions", "VendInvoicesProcess", "--type", "duty", "--method", "legacy", "--workspace", "Data/sample", "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Object:              Duty VendInvoicesProcess"))
        #expect(result.stdout.contains("License:             Activity ($50.00 per month)"))
        #expect(result.stdout.contains("VendPaymJournal"))
        #expect(result.stdout.contains("Read denied"))
    }

    @Test func permissionsJsonForAPrivilege() throws {
        let result = try axlicense("permissions", "custagingreportview", "--method", "legacy", "--workspace", "Data/sample", "--format", "json", "--quiet")
        let root = try json(result.stdout)
        let object = try #require(root["object"] as? [String: Any])
        #expect(object["type"] as? String == "privilege")
        #expect(object["name"] as? String == "CustAgingReportView")
        #expect(object["entryPointLicense"] as? String == "TeamMembers")
        #expect(object["base"] as? String == "Finance")
        let entries = try #require(root["entryPoints"] as? [[String: Any]])
        #expect(entries.count == 1)
        #expect(entries[0]["entryPointLicense"] as? String == "TeamMembers")
        // The SKU-map requirement as data: the required SKUs and every SKU the privilege's rows name.
        #expect(entries[0]["privilegeSkus"] as? [String: [String]] == ["required": ["Finance"], "anyOf": ["Finance"]])
        #expect(entries[0]["path"] as? [String] == ["CustAgingReportView"])
    }

    @Test func unknownObjectIsAClearError() throws {
        let result = try axlicense("permissions", "NoSuchRole", "--workspace", "Data/sample", "--quiet")
        #expect(result.status == 1)
        #expect(result.stderr == "axlicense: error: no role, duty or privilege named 'NoSuchRole' in the metadata\n")
    }
}

@Suite struct ReportsAreCurrentTests {
    @Test func committedReportsMatchWhatTheToolGeneratesNow() throws {
        let folder = TemporaryFolder()
        let result = try run("/bin/bash", ["Scripts/generate-reports.sh", folder.path, axlicenseBinary])
        #expect(result.status == 0, "\(result.stderr)")
        let generated = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let committed = try FileManager.default.contentsOfDirectory(atPath: packageRoot.appendingPathComponent("Reports").path).filter { !$0.hasPrefix(".") && $0 != "README.md" }.sorted()
        #expect(generated == committed, "regenerate with Scripts/generate-reports.sh")
        for name in generated {
            // Bytes, not text: the workbook is a ZIP file.
            let fresh = try Data(contentsOf: folder.url.appendingPathComponent(name))
            let old = try? Data(contentsOf: packageRoot.appendingPathComponent("Reports/\(name)"))
            #expect(fresh == old, "Reports/\(name) is stale: regenerate with Scripts/generate-reports.sh")
        }
    }
}

/// Reports/ shows the sample under both methods, and each report says which: `-legacy` files were made by the legacy
/// method, `-both` files by the per-object method with the legacy one beside it, the others by the per-object method
/// (the sample's default). Markdown names the method on its first line, JSON in its `method` member.
@Suite struct ReportsNameTheirMethodTests {
    /// The method a committed report's file name says it was made by (nil: a report about no licensing method).
    static func method(ofReportNamed name: String) -> String? {
        if name == "README.md" || name.hasPrefix("diff-") || name.hasPrefix(".") { return nil }
        let stem = name.split(separator: ".").first.map(String.init) ?? name
        return stem.hasSuffix("-legacy") ? "legacy" : stem.hasSuffix("-both") ? "both" : "objects"
    }

    @Test func everyCommittedReportNamesTheMethodItsFileNameSays() throws {
        let folder = packageRoot.appendingPathComponent("Reports")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let notes = ["legacy": "Method: legacy entry-point + SKU-map licensing", "objects": "Method: per-object licensing (10.0.44 and later)", "both": "Method: per-object licensing (10.0.44 and later)"]
        for name in names {
            guard let method = Self.method(ofReportNamed: name) else { continue }
            let url = folder.appendingPathComponent(name)
            if name.hasSuffix(".md") {
                let first = try String(contentsOf: url, encoding: .utf8).split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
                #expect(first.hasPrefix(notes[method]!), "Reports/\(name): \(first)")
                #expect(first.contains("compared with legacy") == (method == "both"), "Reports/\(name): \(first)")
            } else if name.hasSuffix(".json") {
                let root = try json(try String(contentsOf: url, encoding: .utf8))
                #expect((root["method"] as? [String: Any])?["name"] as? String == method, "Reports/\(name)")
            }
        }
        // Both methods and the side-by-side view are there for the estimate and the roles.
        for name in ["estimate.md", "estimate-legacy.md", "estimate-both.md", "roles.md", "roles-legacy.md", "roles-both.md"] {
            #expect(names.contains(name), "Reports/\(name) is missing")
        }
    }
}

@Suite struct GenerateCommandTests {
    @Test func smallWorkloadGeneratesAndEstimates() throws {
        let folder = TemporaryFolder()
        let generated = try axlicense("generate", "--scale", "small", "--seed", "3", "--output", folder.path + "/ws")
        #expect(generated.status == 0)
        #expect(generated.stdout.hasPrefix("Wrote "))
        let estimate = try axlicense("estimate", "--workspace", folder.path + "/ws", "--no-db", "--quiet", "--format", "json")
        #expect(estimate.status == 0, "\(estimate.stderr)")
        let summary = try #require(try json(estimate.stdout)["summary"] as? [String: Any])
        #expect(summary["users"] as? Int == 1_000)
        let check = try axlicense("check", "--workspace", folder.path + "/ws", "--no-db", "--quiet", "--fail-on", "none", "--today", "2026-11-23")
        #expect(check.status == 0)
        #expect(try axlicense("generate", "--scale", "huge", "--output", folder.path + "/x").status == 64)
    }
}

@Suite struct OutputTargetTests {
    @Test func devNullStaysADevice() throws {
        let result = try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--output", "/dev/null")
        #expect(result.status == 0)
        var status = stat()
        #expect(stat("/dev/null", &status) == 0)
        #expect(status.st_mode & S_IFMT == S_IFCHR, "/dev/null must remain a character device")
    }

    @Test func symbolicLinkStaysALinkAndItsTargetIsReplaced() throws {
        let folder = TemporaryFolder()
        let target = folder.path + "/report.md", link = folder.path + "/latest.md"
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let result = try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--format", "markdown", "--output", link)
        #expect(result.status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("SalesClerk"))
    }
}
