import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Docs/licensing-rules.md §3: privilege-based SKUs, base vs attach, the single optimisation.
@Suite struct SkuLicensingTests {
    /// One Team Members privilege and one Operations privilege, to hang SKU rows on.
    func tree() -> TreeBuilder {
        var tree = TreeBuilder()
        tree.menuItem("Read", view: "Universal", maintain: "Universal")
        tree.menuItem("Act", view: "Universal", maintain: "Activity")
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.privilege("TeamPriv", [.allow("Read", .read)])
        tree.privilege("ActPriv", [.allow("Act", .update)])
        tree.privilege("OpsPriv", [.allow("Ops", .update)])
        tree.privilege("OpsPriv2", [.allow("Ops", .create)])
        return tree
    }

    @Test func requiredSkuDecidesEvenWhenEntryPointsAreTeamMembers() {
        var t = tree()
        t.role("Viewer", privileges: ["TeamPriv"])
        let license = t.engine(rows: [row("TeamPriv", "Finance", unique: true)]).license(ofRole: "Viewer")
        #expect(license.tier == .operations)
        #expect(license.base?.name == "Finance")
        #expect(license.monthlyCost == Money(cents: 21000))
    }

    @Test func anyOfGroupIsMetByTheCheapestListedSku() {
        var t = tree()
        t.role("R", privileges: ["OpsPriv"])
        let license = t.engine(rows: [row("OpsPriv", "Finance", unique: false), row("OpsPriv", "HumanResources", unique: false)]).license(ofRole: "R")
        #expect(license.base?.name == "HumanResources")
        #expect(license.monthlyCost == Money(cents: 12000))
    }

    @Test func twoRequiredSkusMakeABaseAndAnAttach() {
        var t = tree()
        t.role("R", privileges: ["OpsPriv", "OpsPriv2"])
        let license = t.engine(rows: [row("OpsPriv", "Finance", unique: true), row("OpsPriv2", "ProjectOperations", unique: true)]).license(ofRole: "R")
        #expect(license.base?.name == "Finance")
        #expect(license.attach.map(\.name) == ["ProjectOperations"])
        #expect(license.monthlyCost == Money(cents: 24000))
    }

    /// Docs/licensing-rules.md, "Premium SKUs": a premium wins only when a requirement names it and nothing cheaper
    /// meets it; listed beside its standard SKU it loses on cost, whatever its higher priority.
    @Test func premiumSkuWinsOnlyWhereNothingCheaperMeetsTheRequirement() {
        var t = tree()
        t.role("Either", privileges: ["OpsPriv"])
        t.role("Premium", privileges: ["OpsPriv2"])
        t.role("Both", privileges: ["OpsPriv", "OpsPriv2"])
        let engine = t.engine(rows: [row("OpsPriv", "Finance", unique: false), row("OpsPriv", "FinancePremium", unique: false),
                                     row("OpsPriv2", "FinancePremium", unique: true)])
        #expect(engine.license(ofRole: "Either").summary == "Finance")
        #expect(engine.license(ofRole: "Either").monthlyCost == Money(cents: 21000))
        #expect(engine.license(ofRole: "Premium").base?.name == "FinancePremium")
        #expect(engine.license(ofRole: "Premium").monthlyCost == Money(cents: 30000))
        #expect(engine.license(ofRole: "Both").summary == "FinancePremium", "the premium meets the any-of group itself")
    }

    @Test func anyOfGroupSharingARequiredSkuAddsNothing() {
        var t = tree()
        t.role("R", privileges: ["OpsPriv", "OpsPriv2"])
        let engine = t.engine(rows: [row("OpsPriv", "Finance", unique: true), row("OpsPriv2", "Finance", unique: false), row("OpsPriv2", "Commerce", unique: false)])
        #expect(engine.license(ofRole: "R").summary == "Finance")
    }

    @Test func aliasesResolveThroughTheCatalog() {
        var t = tree()
        t.role("Store", privileges: ["OpsPriv"])
        t.role("Hr", privileges: ["OpsPriv2"])
        let engine = t.engine(rows: [row("OpsPriv", "Retail", unique: true), row("OpsPriv2", "Talent", unique: true)])
        #expect(engine.license(ofRole: "Store").base?.name == "Commerce")
        #expect(engine.license(ofRole: "Hr").base?.name == "HumanResources")
    }

    @Test func activityRowLetsTheActivityLicenseMeetTheGroup() {
        var t = tree()
        t.role("Clerk", privileges: ["ActPriv"])
        let withActivityRow = t.engine(rows: [row("ActPriv", "Activity", unique: false), row("ActPriv", "Finance", unique: false)])
        #expect(withActivityRow.license(ofRole: "Clerk").summary == "Activity")
        let withoutActivityRow = t.engine(rows: [row("ActPriv", "Finance", unique: false)])
        #expect(withoutActivityRow.license(ofRole: "Clerk").summary == "Finance")
    }

    @Test func activityRowRaisesTheFloorButNeverToAFullLicense() {
        var t = tree()
        t.role("Viewer", privileges: ["TeamPriv"])
        let license = t.engine(rows: [row("TeamPriv", "Activity", unique: true)]).license(ofRole: "Viewer")
        #expect(license.tier == .activity)
        #expect(license.monthlyCost == Money(cents: 5000))
    }

    @Test func operationsWithoutAnySkuNeedsAnyBaseAtTheCheapestBasePrice() {
        var t = tree()
        t.role("Ops", privileges: ["OpsPriv"])
        let license = t.engine().license(ofRole: "Ops")
        #expect(license.tier == .operations)
        #expect(license.base?.name == "Operations (any base)")
        #expect(license.attach.isEmpty)
        #expect(license.monthlyCost == Money(cents: 12000))
    }

    @Test func activityOnlyGroupDoesNotTurnAnyBaseIntoANamedSku() {
        var t = tree()
        t.role("Ops", privileges: ["OpsPriv", "ActPriv"])
        let license = t.engine(rows: [row("ActPriv", "Activity", unique: false)]).license(ofRole: "Ops")
        #expect(license.base?.name == "Operations (any base)")
    }

    @Test func noneEntryPointsStillNeedTeamMembers() {
        var t = tree()
        t.menuItem("Free", view: "None", maintain: "None")
        t.privilege("FreePriv", [.allow("Free", .update)])
        t.role("Basic", privileges: ["FreePriv"])
        let engine = t.engine()
        #expect(engine.entryPointTier(ofRole: "Basic") == .none)
        #expect(engine.license(ofRole: "Basic").summary == "TeamMembers")
        #expect(engine.license(ofRole: "Basic").monthlyCost == Money(cents: 800))
    }

    @Test func baseMustBeTheHighestPricedSkuInTheSet() throws {
        let catalog = try SkuCatalog(skus: [
            Sku(name: "Cheap", displayName: "Cheap", tier: .operations, basePrice: Money(cents: 10000), attachPrice: Money(cents: 1000), priority: 90),
            Sku(name: "Dear", displayName: "Dear", tier: .operations, basePrice: Money(cents: 20000), attachPrice: Money(cents: 5000), priority: 10),
            Sku(name: "Activity", displayName: "Activity", tier: .activity, basePrice: Money(cents: 5000), attachPrice: nil, priority: 5),
            Sku(name: "TeamMembers", displayName: "TM", tier: .teamMembers, basePrice: Money(cents: 800), attachPrice: nil, priority: 1),
        ])
        var t = tree()
        t.role("Both", privileges: ["OpsPriv", "OpsPriv2"])
        let license = t.engine(rows: [row("OpsPriv", "Cheap", unique: true), row("OpsPriv2", "Dear", unique: true)], catalog: catalog).license(ofRole: "Both")
        // Cheap as base with Dear attached would cost 150; the rule forces Dear as base: 200 + 10.
        #expect(license.base?.name == "Dear")
        #expect(license.attach.map(\.name) == ["Cheap"])
        #expect(license.monthlyCost == Money(cents: 21000))
    }

    @Test func equalCostTieGoesToTheHigherPriorityBase() {
        var t = tree()
        t.role("R", privileges: ["OpsPriv", "OpsPriv2"])
        let license = t.engine(rows: [row("OpsPriv", "Finance", unique: true), row("OpsPriv2", "SupplyChainManagement", unique: true)]).license(ofRole: "R")
        #expect(license.base?.name == "SupplyChainManagement")  // priority 80 beats Finance's 70 at the same 210
        #expect(license.attach.map(\.name) == ["Finance"])
    }

    @Test func skuThatCannotBeAttachedIsOnlyEverABase() {
        var t = tree()
        t.role("R", privileges: ["OpsPriv", "OpsPriv2"])
        let license = t.engine(rows: [row("OpsPriv", "FinancePremium", unique: true), row("OpsPriv2", "Finance", unique: true)]).license(ofRole: "R")
        #expect(license.base?.name == "FinancePremium")
        #expect(license.attach.map(\.name) == ["Finance"])
        #expect(license.monthlyCost == Money(cents: 33000))
    }
}

/// Docs/licensing-rules.md §3: the SKU map file.
@Suite struct SkuMapFileTests {
    func load(_ json: String) throws -> SkuMap {
        let folder = TemporaryFolder()
        return try SkuMap.load(path: folder.write("map.json", json), catalog: .builtIn())
    }

    @Test func readsAPlainArray() throws {
        let map = try load(#"[{"PrivilegeIdentifier":"P","SkuName":"Finance","IsUnique":1}]"#)
        let requirement = try #require(map.requirement(forPrivilege: "p"))
        #expect(requirement.required == requirement.anyOf)
        #expect(requirement.required.positions.count == 1)
    }

    @Test func readsAnObjectWithOneArrayMemberAndCaseInsensitiveKeys() throws {
        let map = try load(#"{"version": "10.0.40", "rows": [{"privilegeidentifier":"P","SKUNAME":"Retail","isunique":"0","Extra":true}]}"#)
        let requirement = try #require(map.requirement(forPrivilege: "P"))
        #expect(requirement.required.isEmpty)
        #expect(SkuCatalog.builtIn().names(requirement.anyOf) == ["Commerce"])
    }

    @Test(arguments: ["1", "true", "\"1\"", "\"true\""])
    func isUniqueAcceptsOneAndTrue(_ value: String) throws {
        let map = try load(#"[{"PrivilegeIdentifier":"P","SkuName":"Finance","IsUnique":\#(value)}]"#)
        #expect(map.requirement(forPrivilege: "P")?.required.isEmpty == false)
    }

    @Test func isUniqueOtherThanZeroOrOneIsAnErrorNamingTheRow() {
        #expect {
            try load(#"[{"PrivilegeIdentifier":"P","SkuName":"Finance","IsUnique":0},{"PrivilegeIdentifier":"Q","SkuName":"Finance","IsUnique":2}]"#)
        } throws: { error in
            "\(error)".contains("[1]") && "\(error)".contains("IsUnique must be 0, 1, true or false")
        }
    }

    @Test func missingFieldIsAnError() {
        #expect(throws: InputError.self) { try load(#"[{"PrivilegeIdentifier":"P","IsUnique":0}]"#) }
    }

    @Test func unknownSkuIsAWarningAndItsRowsAreIgnored() throws {
        let map = try load(#"[{"PrivilegeIdentifier":"P","SkuName":"Guides","IsUnique":1},{"PrivilegeIdentifier":"P","SkuName":"Guides","IsUnique":1}]"#)
        #expect(map.requirement(forPrivilege: "P") == nil)
        #expect(map.diagnostics.map(\.code) == [.unknownSku])
        #expect(map.diagnostics[0].message.contains("2 row(s)"))
    }

    @Test func emptyFileIsAnError() {
        #expect(throws: InputError.self) { try load("  \n") }
    }
}

/// The catalog file shipped in Data/ is the one compiled in.
@Suite struct SkuCatalogTests {
    @Test func builtInCatalogIsDataSkusJson() throws {
        let file = try String(contentsOf: packageRoot.appendingPathComponent("Data/skus.json"), encoding: .utf8)
        #expect(file.trimmingCharacters(in: .newlines) == defaultSkuCatalogJSON.trimmingCharacters(in: .newlines), "run Scripts/embed-catalog.sh")
    }

    @Test func builtInCatalogHasTheDomainPricesAndPriorities() {
        let catalog = SkuCatalog.builtIn()
        func sku(_ name: String) -> Sku { catalog[catalog.position(of: name)!] }
        // Microsoft's 1 October 2024 update: Finance, Supply Chain Management and Commerce 180 → 210, attach unchanged.
        for name in ["Finance", "SupplyChainManagement", "Commerce"] {
            #expect(sku(name).basePrice == Money(cents: 21000) && sku(name).attachPrice == Money(cents: 3000), "\(name)")
            #expect(sku(name).priceDate == "2024-10-01" && sku(name).priceSource?.contains("third-party") == true, "\(name)")
        }
        for name in ["FinancePremium", "SupplyChainManagementPremium"] {
            #expect(sku(name).basePrice == Money(cents: 30000) && sku(name).attachPrice == nil && sku(name).group == "Base 1", "\(name)")
        }
        #expect(catalog.skus.allSatisfy { $0.priceSource?.isEmpty == false }, "every figure names its source")
        #expect(sku("SupplyChainManagement").priority == 80)
        #expect(sku("ProjectOperations").basePrice == Money(cents: 12000))
        #expect(sku("Activity").basePrice == Money(cents: 5000) && sku("Activity").tier == .activity)
        #expect(sku("TeamMembers").basePrice == Money(cents: 800) && sku("TeamMembers").tier == .teamMembers)
        #expect(catalog.position(of: "Retail") == catalog.position(of: "Commerce"))
        #expect(catalog.position(of: "Talent") == catalog.position(of: "HumanResources"))
        #expect(catalog.position(of: "SCM") == catalog.position(of: "SupplyChainManagement"))
        #expect(catalog.position(of: "Operations – Activity") == catalog.activity)
    }

    @Test func aliasNamingTwoSkusIsRejected() {
        #expect(throws: InputError.self) {
            try SkuCatalog(skus: [
                Sku(name: "A", displayName: "A", tier: .operations, basePrice: .zero, attachPrice: nil, priority: 1, aliases: ["X"]),
                Sku(name: "B", displayName: "B", tier: .operations, basePrice: .zero, attachPrice: nil, priority: 1, aliases: ["x"]),
            ])
        }
    }
}

@Suite struct UnattachableSkuTests {
    @Test func twoRequiredSkusThatCannotBeAttachedArePricedAsTwoBasesAndFlagged() {
        var tree = TreeBuilder()
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.privilege("P1", [.allow("Ops", .update)])
        tree.privilege("P2", [.allow("Ops", .create)])
        tree.role("R", privileges: ["P1", "P2"])
        let engine = tree.engine(rows: [row("P1", "FinancePremium", unique: true), row("P2", "SupplyChainManagementPremium", unique: true)])
        let license = engine.license(ofRole: "R")
        #expect(license.exceedsCatalog)
        #expect(license.monthlyCost == Money(cents: 60000))
        #expect(Set([license.base!.name] + license.attach.map(\.name)) == ["FinancePremium", "SupplyChainManagementPremium"])
        let estimate = engine.estimate(UserDirectory(users: [user("u", ("R", true))]))
        #expect(estimate.diagnostics.contains { $0.code == .licenseExceedsCatalog })
    }
}

@Suite struct AnyBaseReportingTests {
    @Test func fullSetChosenOnlyForTheFloorIsAnyBaseEvenWhenAGroupNamesAnotherSku() {
        var tree = TreeBuilder()
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.privilege("OpsWrite", [.allow("Ops", .update)])
        tree.role("R", privileges: ["OpsWrite"])
        // {Activity, SCM} is met by any full set (it lists Activity), so the cheapest base (120) is not SCM.
        let license = tree.engine(rows: [row("OpsWrite", "Activity", unique: false), row("OpsWrite", "SupplyChainManagement", unique: false)]).license(ofRole: "R")
        #expect(license.base == .anyBase)
        #expect(license.base?.name == "Operations (any base)")
        #expect(license.monthlyCost == Money(cents: 12000))
    }
}

@Suite struct JSONSyntaxErrorTests {
    @Test func syntaxErrorNamesTheLineAndColumn() throws {
        let folder = TemporaryFolder()
        let path = folder.write("syntax.json", "[\n {\"PrivilegeIdentifier\": \"A\", \"SkuName\": \"Finance\", \"IsUnique\": 1},\n {\"PrivilegeIdentifier\": }\n]\n")
        #expect {
            try SkuMap.load(path: path, catalog: .builtIn())
        } throws: { error in
            "\(error)".hasPrefix("\(path):3:26: error: not valid JSON")
        }
    }

    @Test func truncatedFileIsPlacedAtItsEnd() throws {
        let folder = TemporaryFolder()
        let path = folder.write("truncated.json", "[\n {\"PrivilegeIdentifier\": \"A\",")
        #expect {
            try SkuMap.load(path: path, catalog: .builtIn())
        } throws: { error in
            "\(error)".hasPrefix("\(path):2:30: error: not valid JSON")
        }
    }
}
