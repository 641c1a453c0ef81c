@testable import AXCommands
import AXTestSupport
import Foundation
import Testing

/// The package root, where `Data/sample` is.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let sample = packageRoot.appendingPathComponent("Data/sample").path

/// Runs `axlicense arguments…` in this process on the sample workspace, capturing what it writes.
private func axlicense(_ arguments: String...) -> (status: Int32, stdout: String, stderr: String) {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { AXLicenseCommand.execute(arguments + ["--workspace", sample, "--quiet"]) }
    return (status, capture.standardOutput, capture.standardError)
}

private func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}

/// `permissions`, `explain` and `what-if` on `Data/sample` under the per-object method; every figure is from
/// `Data/sample/EXPECTED.md`, section "Per-object method".
@Suite struct ObjectMethodCommandTests {
    @Test func permissionsShowEachObjectsAccessLevelLicenseTextAndWhetherMicrosoftsDataListsIt() throws {
        let result = axlicense("permissions", "AccountsPayableClerk", "--method", "objects", "--format", "json")
        #expect(result.status == 0)
        let root = try json(result.stdout)
        let object = try #require(root["object"] as? [String: Any])
        // AccountsPayableClerk: Activity 50; ContosoVendorStatement and ContosoPremiumDashboard are not in the data.
        #expect(object["base"] as? String == "Activity")
        #expect(object["monthlyCost"] as? Double == 50)
        #expect((object["objectsNotInMicrosoftData"] as? [String])?.count == 2)
        let entries = try #require(root["entryPoints"] as? [[String: Any]])
        let invoice = try #require(entries.first { $0["objectName"] as? String == "VendInvoiceJournal" })
        #expect(invoice["accessLevel"] as? String == "Write")
        #expect(invoice["skus"] as? [String] == ["Finance", "Activity"])
        #expect(invoice["inMicrosoftData"] as? Bool == true)
        #expect(invoice["unlicensable"] as? Bool == false)
        #expect(invoice["entryPointLicense"] == nil && invoice["privilegeSkus"] == nil)
        let custom = try #require(entries.first { $0["objectName"] as? String == "ContosoVendorStatement" })
        #expect(custom["inMicrosoftData"] as? Bool == false)
        #expect(custom["accessLevel"] as? String == "Read")
        #expect(custom["skus"] as? [String] == ["TeamMembers"])
        let aging = try #require(entries.first { $0["objectName"] as? String == "CustAgingReport" })
        #expect(aging["accessLevel"] as? String == "Read")
    }

    @Test func permissionsAsTextMarkObjectsNotInMicrosoftDataAndDropTheLegacyColumns() {
        let result = axlicense("permissions", "AccountsPayableClerk", "--method", "objects", "--format", "csv")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Access level,License,Not in Microsoft's data,Granted through"))
        #expect(result.stdout.contains("Read,Read,Dynamics 365 Team Members *,yes,"))
        let markdown = axlicense("permissions", "AccountsPayableClerk", "--method", "objects", "--format", "markdown").stdout
        #expect(markdown.contains(#"License (per-object method):** Activity (\$50.00 per month)"#))
        #expect(markdown.contains("2 objects not in Microsoft's data"))
        #expect(!markdown.contains("Privilege SKUs") && !markdown.contains("Entry-point license"))
    }

    @Test func permissionsUnderBothShowTheLegacyEntryPointLicenseBeside() throws {
        let result = axlicense("permissions", "AccountsPayableClerk", "--method", "both", "--format", "json")
        #expect(result.status == 0)
        let root = try json(result.stdout)
        let legacy = try #require((root["object"] as? [String: Any])?["legacy"] as? [String: Any])
        // Legacy: Finance 210 (CustAgingReportView's SKU-map row).
        #expect(legacy["base"] as? String == "Finance" && legacy["monthlyCost"] as? Double == 210)
        let entries = try #require(root["entryPoints"] as? [[String: Any]])
        #expect(entries.allSatisfy { $0["legacyEntryPointLicense"] is String })
        let text = axlicense("permissions", "AccountsPayableClerk", "--method", "both", "--format", "markdown").stdout
        #expect(text.contains("Legacy entry-point license") && text.contains("Legacy license"))
    }

    @Test func legacyPermissionsKeepTheEntryPointAndSkuColumns() throws {
        let result = axlicense("permissions", "AccountsPayableClerk", "--method", "legacy", "--format", "json")
        let entries = try #require(try json(result.stdout)["entryPoints"] as? [[String: Any]])
        #expect(entries.allSatisfy { $0["entryPointLicense"] is String && $0.keys.contains("privilegeSkus") && $0["accessLevel"] == nil })
        #expect((try json(result.stdout)["object"] as? [String: Any])?["objectsNotInMicrosoftData"] == nil)
    }

    @Test func explainNamesTheObjectThatForcesGracesHumanResourcesAndItsDowngrade() throws {
        let root = try json(axlicense("explain", "--user", "grace", "--method", "objects", "--format", "json").stdout)
        #expect((root["license"] as? [String: Any])?["base"] as? String == "HumanResources")
        let demands = try #require(root["demands"] as? [[String: Any]])
        #expect(demands.map { $0["need"] as? String } == ["HumanResources"])
        let chain = try #require((demands[0]["chains"] as? [[String: Any]])?.first)
        #expect(chain["kind"] as? String == "object" && chain["objectName"] as? String == "HcmWorkerListPage" && chain["accessLevel"] as? String == "Write")
        #expect(chain["path"] as? [String] == ["HRAssistant", "WorkersMaintain", "HcmWorkerMaintain"])
        // EXPECTED.md: HcmWorkerListPage at Read needs HR Self Service, met by Team Members: 120 → 8.
        let downgrade = try #require((root["downgrades"] as? [[String: Any]])?.first)
        #expect(downgrade["object"] as? String == "MenuItemDisplay HcmWorkerListPage")
        #expect(downgrade["monthlySaving"] as? Double == 112)
        #expect((downgrade["licenseAfter"] as? [String: Any])?["base"] as? String == "TeamMembers")
        #expect((root["drivers"] as? [[String: Any]])?.first?["removePrivileges"] as? [String] == ["HcmWorkerMaintain"])
    }

    @Test func explainListsTheWriteToReadDowngradesOfEmmaAndZoeAndNoneForLedgerAccountant() throws {
        for (user, object) in [("emma", "MenuItemDisplay RetailStoreTable"), ("zoe", "MenuItemDisplay BatchJob")] {
            let downgrades = try #require(try json(axlicense("explain", "--user", user, "--method", "objects", "--format", "json").stdout)["downgrades"] as? [[String: Any]])
            #expect(downgrades.map { $0["object"] as? String } == [object], "\(user)")
            #expect(downgrades.first?["monthlySaving"] as? Double == 202, "\(user): 210 → 8")
        }
        let ledger = try json(axlicense("explain", "--role", "LedgerAccountant", "--method", "objects", "--format", "json").stdout)
        #expect((ledger["downgrades"] as? [Any])?.isEmpty == true)
        let finance = try #require((ledger["demands"] as? [[String: Any]])?.first)
        #expect(finance["need"] as? String == "Finance")
        let objects = Set(((finance["chains"] as? [[String: Any]]) ?? []).compactMap { $0["objectName"] as? String })
        // The three Finance-only objects EXPECTED.md names, and the Finance | SCM ones: the license meets those only
        // through Finance, and Activity would not.
        #expect(objects == ["LedgerJournalTable", "LedgerJournalPost", "LedgerTrialBalanceReport", "MainAccountListPage", "BankAccountTableListPage"])
    }

    @Test func explainOfMikeNamesThePremiumObjectTheUnlisted2AndDanasUnlicensableObject() throws {
        let mike = try json(axlicense("explain", "--user", "mike", "--method", "objects", "--format", "json").stdout)
        #expect((mike["license"] as? [String: Any])?["monthlyCost"] as? Double == 330)
        let demands = try #require(mike["demands"] as? [[String: Any]])
        #expect(demands.map { $0["need"] as? String } == ["FinancePremium", "Finance"])
        let premium = try #require((demands[0]["chains"] as? [[String: Any]])?.only)
        #expect(premium["objectType"] as? String == "DataEntityMethod" && premium["objectName"] as? String == "VendVendorV2Entity"
            && premium["objectChildName"] as? String == "runRiskAssessment")
        #expect((mike["objectsNotInMicrosoftData"] as? [String])?.count == 2)
        let text = axlicense("explain", "--user", "dana", "--method", "objects")
        #expect(text.status == 0)
        #expect(text.stdout.contains("Unlicensable (no known SKU)") && text.stdout.contains("SalesInvoiceCopy"))
    }

    @Test func explainUnderBothShowsTheLegacyLicenseBeside() {
        let result = axlicense("explain", "--user", "arnie", "--method", "both", "--format", "markdown")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Legacy license") && result.stdout.contains(#"Finance (\$210.00 per month)"#))
        #expect(result.stdout.contains(#"Activity (\$50.00 per month)"#))
    }

    @Test func whatIfUnderObjectsAddsAPrivilegeByThePerObjectRulesAndUnderBothShowsLegacyBeside() throws {
        // PurchasingAgent (Activity 50, Act | SCM sets) + LedgerJournalPost (Write: Finance only): Finance 210, which meets
        // the Act | SCM sets. Holders: charlie, jack (jack's WarehouseWorker sets are Act | SCM too), victor: 50 → 210 each.
        let root = try json(axlicense("what-if", "--role", "PurchasingAgent", "--add-privilege", "LedgerJournalPost", "--method", "objects", "--format", "json").stdout)
        let role = try #require((root["roles"] as? [[String: Any]])?.first)
        #expect((role["before"] as? [String: Any])?["base"] as? String == "Activity")
        #expect((role["after"] as? [String: Any])?["base"] as? String == "Finance")
        let changed = try #require(root["usersChanged"] as? [[String: Any]])
        #expect(changed.map { $0["userId"] as? String } == ["charlie", "jack", "victor"])
        #expect(changed.allSatisfy { $0["monthlyCostDelta"] as? Double == 160 })
        #expect(root["monthlyCostDelta"] as? Double == 480)
        #expect(root["comparison"] == nil)
        let both = try json(axlicense("what-if", "--role", "PurchasingAgent", "--add-privilege", "LedgerJournalPost", "--method", "both", "--format", "json").stdout)
        let legacy = try #require(both["comparison"] as? [String: Any])
        #expect((both["method"] as? [String: Any])?["name"] as? String == "both")
        // Legacy: victor already needs Finance (EXPECTED.md, both methods side by side): only charlie and jack change.
        #expect(legacy["method"] as? String == "legacy" && legacy["monthlyCostDelta"] as? Double == 320)
        #expect((legacy["usersChanged"] as? [[String: Any]])?.map { $0["userId"] as? String } == ["charlie", "jack"])
        #expect(both["monthlyCostDelta"] as? Double == 480)
        let text = axlicense("what-if", "--role", "PurchasingAgent", "--add-privilege", "LedgerJournalPost", "--method", "both", "--format", "markdown").stdout
        #expect(text.contains("Legacy before") && text.contains("Monthly cost delta (legacy)"))
    }

    @Test func whatIfForAUserUnderBothShowsTheLegacyLicenseBesideAndNoEntryPointLicense() {
        // arnie without AccountsPayableClerk: per-object Activity 50 → Team Members 8; legacy Finance 210 → 8.
        let text = axlicense("what-if", "--user", "arnie", "--remove-role", "AccountsPayableClerk", "--method", "both", "--format", "csv").stdout
        #expect(text.contains(",Roles,License,Monthly cost,Legacy license,Legacy cost\n"))
        #expect(text.contains("Before,\"AccountsPayableClerk, SystemUser\",Activity,50.00,Finance,210.00\n"))
        #expect(text.contains("After,SystemUser,TeamMembers,8.00,TeamMembers,8.00"))
    }
}
