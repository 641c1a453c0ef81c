import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// The sample under the legacy method: the License View and review figures of EXPECTED.md's legacy sections.
let sampleWorkspace = try! LoadedWorkspace.load(WorkspacePaths(workspace: sampleWorkspaceFolder.path), users: .required, keepGoing: false, method: .legacy)
let sampleEstimate = sampleWorkspace.engine.estimate(sampleWorkspace.users!)
let today = CalendarDate(year: 2026, month: 11, day: 23)!

func view(_ products: [ProductEntitlement]) -> LicenseView {
    LicenseView(products: products, estimate: sampleEstimate, engine: sampleWorkspace.engine, today: today, source: "entitlements.json")
}

@Suite struct LicenseStatusRuleTests {
    @Test func expiringTodayIsNotExpiredButYesterdayIs() {
        let rows = view([
            ProductEntitlement(model: "Finance", licenseQuantity: 100, expirationDate: CalendarDate(year: 2026, month: 11, day: 23)),
            ProductEntitlement(model: "Finance", licenseQuantity: 100, expirationDate: CalendarDate(year: 2026, month: 11, day: 22)),
            ProductEntitlement(model: "Finance", licenseQuantity: 100, expirationDate: nil),
        ]).rows
        #expect(rows.map(\.isExpired) == [false, true, false])
        #expect(rows.map(\.status) == [.healthy, .warning, .healthy])
    }

    @Test func usedEqualToQuantityIsHealthyAndOneMoreIsNot() {
        // Finance is held by 9 users of the sample (7 base, 2 attach).
        let rows = view([ProductEntitlement(model: "Finance", licenseQuantity: 9), ProductEntitlement(model: "Finance", licenseQuantity: 8)]).rows
        #expect(rows.map(\.used) == [9, 9])
        #expect(rows.map(\.isOverQuantity) == [false, true])
        #expect(rows.map(\.status) == [.healthy, .warning])
    }

    @Test func versionsCompareNumerically() {
        #expect(ProductVersion("10.0.9") < ProductVersion("10.0.10"))
        #expect(!(ProductVersion("10.0.10") < ProductVersion("10.0.9")))
        #expect(ProductVersion("10.0.44") == ProductVersion("10.0.44.0"))
        #expect(ProductVersion("2.3.9") < ProductVersion("2.3.10"))
        #expect(ProductVersion("1.2") < ProductVersion("1.10.0"))
    }

    @Test func newerLatestVersionIsInformationAndWarningWins() {
        let rows = view([
            ProductEntitlement(model: "Finance", licenseQuantity: 100, currentVersion: "10.0.9", latestVersion: "10.0.10"),
            ProductEntitlement(model: "Finance", licenseQuantity: 100, currentVersion: "10.0.10", latestVersion: "10.0.9"),
            ProductEntitlement(model: "Finance", licenseQuantity: 1, currentVersion: "10.0.9", latestVersion: "10.0.10"),
            ProductEntitlement(model: "Finance", licenseQuantity: 100, currentVersion: "", latestVersion: "10.0.10"),
        ]).rows
        #expect(rows.map(\.status) == [.newerVersion, .healthy, .warning, .healthy])
        #expect(LicenseStatus.newerVersion.marker(emoji: true) == "ℹ️" && LicenseStatus.warning.marker(emoji: true) == "⚠️")
        #expect(LicenseStatus.warning.marker(emoji: false) == "[!]" && LicenseStatus.healthy.marker(emoji: false) == "")
    }

    /// Expired, over quantity (9 used) and behind on its version; only behind on its version; healthy.
    var flaggedRows: [LicenseViewRow] {
        view([
            ProductEntitlement(model: "Finance", licenseQuantity: 8, expirationDate: CalendarDate(year: 2026, month: 1, day: 31),
                               currentVersion: "10.0.44", latestVersion: "10.0.45"),
            ProductEntitlement(model: "Finance", licenseQuantity: 100, currentVersion: "2.3.9", latestVersion: "2.3.10"),
            ProductEntitlement(model: "Finance", licenseQuantity: 9),
        ]).rows
    }

    @Test func everyCauseOfAnIconIsGivenAsAReasonAndAHealthyRowHasNone() {
        let rows = flaggedRows
        #expect(rows[0].statusReasons == ["License expired on 2026-01-31.", "9 used licenses exceed the License Qty of 8.",
                                          "Version 10.0.45 is available (installed: 10.0.44)."])
        #expect(rows[1].statusReasons == ["Version 2.3.10 is available (installed: 2.3.9)."])
        #expect(rows[2].statusReasons.isEmpty)
    }

    @Test func theColumnAndThePageRenderTheSameCausesAndTheColumnKeepsThoseOfTheIcon() {
        let rows = flaggedRows
        #expect(rows[0].causes == [.expired(on: CalendarDate(year: 2026, month: 1, day: 31)!), .overQuantity(used: 9, purchased: 8),
                                   .newerVersion(latest: "10.0.45", installed: "10.0.44")])
        // The check column says why the icon is ⚠️; the page says every cause, from the same causes.
        #expect(rows[0].reasons == ["expired on 2026-01-31", "used 9 > purchased 8"])
        #expect(rows[1].reasons == ["version 2.3.10 available"])
        #expect(rows[2].causes.isEmpty && rows[2].reasons.isEmpty)
        for row in rows {
            #expect(row.statusReasons == row.causes.map(\.sentence))
            #expect(row.reasons == row.causes.filter { $0.status == row.status }.map(\.shortText))
            #expect(row.causes.allSatisfy { $0.status == .warning || $0.status == .newerVersion })
        }
    }

    @Test func notificationsUseTheSeedsExactText() {
        let both = view([
            ProductEntitlement(model: "Finance", licenseQuantity: 1),
            ProductEntitlement(model: "Commerce", licenseQuantity: 10, expirationDate: CalendarDate(year: 2025, month: 1, day: 1)),
        ])
        #expect(both.notifications.map(\.message) == [
            "One or more product licenses have expired.",
            "The number of used licenses exceeds the assigned quantity for one or more products.",
        ])
        #expect(view([ProductEntitlement(model: "Finance", licenseQuantity: 9)]).notifications.isEmpty)
    }
}

@Suite struct UsedLicenseCountTests {
    @Test func usedCountsPerSkuAndPerModelOnTheSample() {
        let names = ["Finance", "SupplyChainManagement", "Commerce", "HumanResources", "ProjectOperations", "Activity", "TeamMembers", "ContosoSecurity", "Retail"]
        let rows = view(names.map { ProductEntitlement(model: $0, licenseQuantity: 0) }).rows
        // Worked by hand in Data/sample/EXPECTED.md: ContosoSecurity privileges reach arnie, benjamin, charlie, jack, mike, victor.
        #expect(rows.map(\.used) == [9, 2, 3, 3, 2, 3, 6, 6, 3])
        #expect(rows[7].match == .model("ContosoSecurity"))
        #expect(rows[8].match == .sku("Commerce"))
    }

    @Test func modelCountsOnlyLicensedUsers() {
        // Foundation privileges reach every role but SystemUser, -SYSADMIN- and ContosoBatchOperator; admin, sam, oscar and quinn need no license.
        let row = view([ProductEntitlement(model: "foundation", licenseQuantity: 0)]).rows[0]
        #expect(row.match == .model("Foundation"))
        #expect(row.used == 22)
    }

    @Test func unmatchedProductIsAWarningWithZeroUsed() {
        let result = view([ProductEntitlement(model: "FleetManagement", licenseQuantity: 3)])
        #expect(result.rows[0].match == .unmatched && result.rows[0].used == 0)
        #expect(result.diagnostics.map(\.code) == [.unknownProduct])
    }
}

@Suite struct EntitlementsFileTests {
    func load(_ json: String) throws -> [ProductEntitlement] {
        let folder = TemporaryFolder()
        return try ProductEntitlement.load(path: folder.write("entitlements.json", json)).products
    }

    @Test func readsTheSampleFile() throws {
        let products = try ProductEntitlement.load(path: sampleWorkspaceFolder.appendingPathComponent("entitlements.json").path).products
        #expect(products.count == 8)
        #expect(products[4].expirationDate == nil)
        #expect(products[2].expirationDate == CalendarDate(year: 2026, month: 1, day: 31))
    }

    @Test func readsAPlainArrayWithProductAsTheName() throws {
        let products = try load(#"[{"product": "Finance", "licenseQuantity": 3}]"#)
        #expect(products == [ProductEntitlement(model: "Finance", licenseQuantity: 3)])
    }

    @Test func invalidDateIsAnErrorNamingTheEntry() {
        #expect {
            try load(#"{"products": [{"model": "A", "licenseQuantity": 1}, {"model": "B", "licenseQuantity": 1, "expirationDate": "2026-02-30"}]}"#)
        } throws: { error in
            "\(error)".contains("products[1].expirationDate") && "\(error)".contains("not a date")
        }
    }

    @Test func missingQuantityIsAnError() {
        #expect(throws: InputError.self) { try load(#"[{"model": "A"}]"#) }
    }

    @Test func negativeQuantityIsAnError() {
        #expect(throws: InputError.self) { try load(#"[{"model": "A", "licenseQuantity": -1}]"#) }
    }
}

@Suite struct LicenseAssignmentReviewTests {
    func review() throws -> LicenseAssignmentReview {
        let held = try AssignedLicensesReader.load(path: sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv").path, catalog: sampleWorkspace.engine.catalog)
        return LicenseAssignmentReview(estimate: sampleEstimate, assigned: held.users, optimizer: sampleWorkspace.engine.optimizer)
    }

    @Test func sampleUsersAreClassifiedAsWorkedByHand() throws {
        let rows = Dictionary(uniqueKeysWithValues: try review().rows.map { ($0.userId, $0) })
        let arnie = try #require(rows["arnie"])
        #expect(arnie.status == .underLicensed && arnie.missing == ["Finance"] && arnie.unneeded == ["Activity"])
        #expect(arnie.monthlyAdditionalCost == Money(cents: 16000))
        let kim = try #require(rows["kim"])
        #expect(kim.status == .underLicensed && kim.missing == ["Commerce"] && kim.monthlyAdditionalCost == Money(cents: 3000))
        let irene = try #require(rows["irene"])
        #expect(irene.status == .underLicensed && irene.missing == ["ProjectOperations"] && irene.monthlyAdditionalCost == Money(cents: 12000))
        let benjamin = try #require(rows["benjamin"])
        #expect(benjamin.status == .overLicensed && benjamin.unneeded == ["TeamMembers"] && benjamin.monthlySaving == Money(cents: 800))
        let charlie = try #require(rows["charlie"])
        #expect(charlie.status == .overLicensed && charlie.unneeded == ["SupplyChainManagement"] && charlie.monthlySaving == Money(cents: 16000))
        let oscar = try #require(rows["oscar"])
        #expect(oscar.status == .overLicensed && oscar.unneeded == ["Finance"] && oscar.monthlySaving == Money(cents: 21000))
        // Any base SKU is met by the Finance zoe holds: no swap to a cheaper base is suggested.
        #expect(rows["zoe"]?.status == .compliant)
        #expect(rows["dana"]?.status == .compliant)
        #expect(rows["admin"]?.status == .compliant)
    }

    @Test func totalsAddUp() throws {
        let review = try review()
        #expect(review.underLicensed == 3 && review.overLicensed == 3)
        #expect(review.totalSaving == Money(cents: 37800))
        #expect(review.totalAdditionalCost == Money(cents: 31000))
        #expect(review.diagnostics.map(\.code) == [.unknownUser])
    }

    @Test func equallyPricedAlternativeIsCompliant() throws {
        // SalesClerk-like needs: Finance required + any of SCM, Commerce. Holding Finance + Commerce costs the same as the recommendation.
        let catalog = sampleWorkspace.engine.catalog
        let dana = try #require(sampleEstimate.users.first { $0.user.userId == "dana" })
        let held = SkuSet([catalog.position(of: "Finance")!, catalog.position(of: "Commerce")!])
        let row = LicenseAssignmentReview.review(dana, holding: held, optimizer: sampleWorkspace.engine.optimizer, catalog: catalog)
        #expect(row.status == .compliant && row.unneeded.isEmpty)
    }

    @Test func reportHeadersAreMatchedLooselyAndUnknownLicensesWarned() throws {
        let text = "UserId,UserEmail,Assigned License(s)\nbob,b@x,\"Dynamics 365 Finance, Microsoft 365 E3\"\n"
        let result = try AssignedLicensesReader.parse(text, path: "a.csv", catalog: sampleWorkspace.engine.catalog)
        #expect(sampleWorkspace.engine.catalog.names(result.users[0].skus) == ["Finance"])
        #expect(result.diagnostics.map(\.code) == [.unknownLicenseName])
    }

    @Test func anUnclosedQuoteIsAnErrorWhereItOpens() {
        let text = "UserId,UserEmail,Assigned License(s)\nbob,b@x,\"Dynamics 365 Finance\nann,a@x,Dynamics 365 Finance\n"
        #expect {
            try AssignedLicensesReader.parse(text, path: "a.csv", catalog: sampleWorkspace.engine.catalog)
        } throws: { error in
            "\(error)".hasPrefix("a.csv:2:9: error: this quoted field is never closed")
        }
    }
}

@Suite struct AssignedLicensesHeaderTests {
    @Test func repeatedColumnAndHeaderWithoutRowsAreWarnings() throws {
        let catalog = SkuCatalog.builtIn()
        let read = try AssignedLicensesReader.parse("UserId,AssignedLicenses,Assigned Licenses\nbob,Finance,Commerce\n", path: "a.csv", catalog: catalog)
        #expect(read.users.map { catalog.names($0.skus) } == [["Finance"]])
        #expect(read.diagnostics.map(\.description) == [
            "a.csv:1: warning: column 'Assigned Licenses' (field 3) repeats 'AssignedLicenses' (field 2) in the header; the first is read, this one ignored [duplicate-column]"
        ])
        let empty = try AssignedLicensesReader.parse("UserId,AssignedLicenses\n", path: "a.csv", catalog: catalog)
        #expect(empty.diagnostics.map(\.description) == ["a.csv:1: warning: the file has a header and no rows: no users [no-rows]"])
    }
}

@Suite struct EntitlementsKeyCaseTests {
    @Test func keysIgnoreCaseAndTheFirstOfARepeatWins() throws {
        let folder = TemporaryFolder()
        let read = try ProductEntitlement.load(path: folder.write("entitlements.json", #"{"Products": [{"MODEL": "Finance", "LicenseQuantity": 3, "licensequantity": 9}]}"#))
        #expect(read.products.map(\.model) == ["Finance"])
        #expect(read.products.map(\.licenseQuantity) == [3])
        #expect(read.diagnostics.map(\.code) == [.duplicateKey])
    }
}

/// The one join of a licensing service's refreshed licenses with the installed versions of entitlements.json, which
/// `check`, `report`, `license telemetry` and the License Management page all use.
@Suite struct RefreshedLicensesJoinTests {
    let catalog = SkuCatalog.builtIn()

    @Test func anEmptyCurrentVersionIsTakenFromTheSameProductByAnyNameOrCase() {
        let refreshed = [ProductEntitlement(model: "Commerce", licenseQuantity: 3, latestVersion: "10.0.45"),
                         ProductEntitlement(model: "CONTOSOWAREHOUSE", licenseQuantity: 5, latestVersion: "2.4.0"),
                         ProductEntitlement(model: "Finance", licenseQuantity: 10, currentVersion: "10.0.43", latestVersion: "10.0.45"),
                         ProductEntitlement(model: "Supply Chain Management", licenseQuantity: 1)]
        let installed = [ProductEntitlement(model: "Retail", licenseQuantity: 0, currentVersion: "10.0.44"),
                         ProductEntitlement(model: "ContosoWarehouse", licenseQuantity: 0),
                         ProductEntitlement(model: "contosowarehouse", licenseQuantity: 0, currentVersion: "2.3.9"),
                         ProductEntitlement(model: "ContosoWarehouse", licenseQuantity: 0, currentVersion: "2.0.0"),
                         ProductEntitlement(model: "Finance", licenseQuantity: 0, currentVersion: "10.0.44")]
        let joined = LicenseCheck.joiningInstalledVersions(refreshed, installed: installed, catalog: catalog)
        // Retail is an alias of Commerce; the first row with a version wins; a version the service gave is kept;
        // a product the file does not hold stays without one. Everything else is the service's.
        #expect(joined.map(\.currentVersion) == ["10.0.44", "2.3.9", "10.0.43", ""])
        #expect(joined.map(\.model) == refreshed.map(\.model) && joined.map(\.licenseQuantity) == [3, 5, 10, 1])
        #expect(joined.map(\.latestVersion) == refreshed.map(\.latestVersion))
    }

    @Test func theFileIsReadLikeEveryEntitlementsFileAndNoFileLeavesTheVersions() throws {
        let folder = TemporaryFolder()
        let path = folder.write("entitlements.json", #"{"products": [{"model": "finance", "licenseQuantity": 1, "currentVersion": "10.0.44", "currentVersion": "10.0.1"}]}"#)
        let refreshed = [ProductEntitlement(model: "Finance", licenseQuantity: 10, latestVersion: "10.0.45")]
        let read = try LicenseCheck.refreshedProducts(refreshed, installedFrom: path, catalog: catalog)
        // The file's repeated key is a warning and the first wins, as in every JSON input.
        #expect(read.products.map(\.currentVersion) == ["10.0.44"])
        #expect(read.diagnostics.map(\.code) == [.duplicateKey])
        #expect(try LicenseCheck.refreshedProducts(refreshed, installedFrom: nil, catalog: catalog).products == refreshed)
        #expect(try LicenseCheck.refreshedProducts(refreshed, installedFrom: folder.path + "/none.json", catalog: catalog).products == refreshed)
        let broken = folder.write("broken.json", "{")
        #expect(throws: InputError.self) { try LicenseCheck.refreshedProducts(refreshed, installedFrom: broken, catalog: catalog) }
    }
}
