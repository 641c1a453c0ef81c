import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Docs/licensing-rules.md §7: the per-object method.
@Suite struct PerObjectMethodTests {
    /// Menu items whose legacy licenses would say Operations, so a test notices if they leak into the method.
    func tree() -> TreeBuilder {
        var tree = TreeBuilder()
        tree.menuItem("CustTable", view: "Enterprise", maintain: "Enterprise")
        tree.menuItem("VendTable", view: "Enterprise", maintain: "Enterprise")
        tree.menuItem("CustomForm", view: "Enterprise", maintain: "Enterprise")
        return tree
    }

    @Test func writeGrantNeedsAnSkuOfTheWriteRow() {
        var t = tree()
        t.privilege("CustMaintain", [.allow("CustTable", .read, .update)])
        t.role("Clerk", privileges: ["CustMaintain"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance"), ObjectRow(.menuItemDisplay, "CustTable", .read, "TeamMembers")])
        let license = engine.license(ofRole: "Clerk")
        #expect(license.base?.name == "Finance")
        #expect(license.monthlyCost == Money(cents: 21000))
    }

    @Test func readGrantUsesTheReadRowNotTheMenuItemLicense() {
        var t = tree()
        t.privilege("CustView", [.allow("CustTable", .read)])
        t.role("Viewer", privileges: ["CustView"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance"), ObjectRow(.menuItemDisplay, "CustTable", .read, "TeamMembers")])
        #expect(engine.license(ofRole: "Viewer").summary == "TeamMembers")
        #expect(engine.license(ofRole: "Viewer").monthlyCost == Money(cents: 800))
    }

    @Test func objectNotInMicrosoftDataNeedsTeamMembersAndIsCounted() {
        var t = tree()
        t.privilege("Custom", [.allow("CustomForm", .read, .delete)])
        t.role("R", privileges: ["Custom"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance")])
        #expect(engine.license(ofRole: "R").summary == "TeamMembers")
        let method = try! #require(engine.method as? PerObjectMethod)
        #expect(method.objectsNotInMicrosoftData(ofPrivilege: 0) == ["MenuItemDisplay CustomForm (Write)"])
        let grant = engine.entryPointLicense(privilege: 0, entryPoint: 0)
        #expect(grant.object?.status == .notInMicrosoftData)
        #expect(grant.access == .maintain)
    }

    @Test func anyOfSeveralSkusPicksByPriorityAndLabelsTheGroup() {
        var t = tree()
        t.privilege("CustMaintain", [.allow("CustTable", .update)])
        t.role("Clerk", privileges: ["CustMaintain"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Dynamics 365 Finance", "Dynamics 365 Supply Chain Management")])
        let license = engine.license(ofRole: "Clerk")
        // Equal price: the higher priority (Supply Chain Management 80 over Finance 70) is the base; either would do.
        #expect(license.base?.name == "SupplyChainManagement")
        #expect(license.anyBaseLabel == "Any base (Base 1)")
        #expect(engine.entryPointLicense(privilege: 0, entryPoint: 0).name == "Dynamics 365 Finance or Dynamics 365 Supply Chain Management")
    }

    @Test func noAnyBaseLabelWhenTheOtherGroupMemberWouldNotServe() {
        var t = tree()
        t.privilege("CustMaintain", [.allow("CustTable", .update)])
        t.role("Clerk", privileges: ["CustMaintain"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance")])
        let license = engine.license(ofRole: "Clerk")
        #expect(license.baseGroup == "Base 1")
        #expect(license.anyBaseLabel == nil)
    }

    @Test func groupNamesFromLicensingAllSkusOverrideTheCatalog() {
        var t = tree()
        t.privilege("CustMaintain", [.allow("CustTable", .update)])
        t.role("Clerk", privileges: ["CustMaintain"])
        let skus = [ObjectLicenseSku(name: "Dynamics 365 Finance", priority: 70, group: "Base 9", location: SourceLocation(file: "LicensingAllSkus.csv", line: 2))]
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance")], skus: skus)
        #expect(engine.license(ofRole: "Clerk").baseGroup == "Base 9")
    }

    @Test func unknownSkuNamesLeaveTheObjectUnlicensableAtNoCost() {
        var t = tree()
        t.privilege("CustMaintain", [.allow("CustTable", .update)])
        t.role("Clerk", privileges: ["CustMaintain"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Dynamics 365 Imaginary")])
        let license = engine.license(ofRole: "Clerk")
        #expect(license.isUnlicensable)
        #expect(license.summary == "TeamMembers")
        #expect(engine.method.diagnostics.map(\.code).contains(.unlicensableObject))
        #expect(engine.method.diagnostics.map(\.code).contains(.unknownSku))
    }

    @Test func readRowNamingAFullSkuIsAppliedWithAWarning() {
        var t = tree()
        t.privilege("CustView", [.allow("CustTable", .read)])
        t.role("Viewer", privileges: ["CustView"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .read, "Finance")])
        #expect(engine.license(ofRole: "Viewer").base?.name == "Finance")
        #expect(engine.method.diagnostics.map(\.code) == [.readAboveTeamMembers])
    }

    @Test func selfServiceIsMetByTeamMembersAndActivityByActivity() {
        var t = tree()
        t.privilege("Self", [.allow("CustTable", .read)])
        t.privilege("Act", [.allow("VendTable", .update)])
        t.role("Employee", privileges: ["Self"])
        t.role("Worker", privileges: ["Self", "Act"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .read, "Human Resources Self Service"),
                                     ObjectRow(.menuItemDisplay, "VendTable", .write, "Dynamics 365 Operations – Activity", "Finance")])
        #expect(engine.license(ofRole: "Employee").summary == "TeamMembers")
        #expect(engine.license(ofRole: "Worker").summary == "Activity")
    }

    @Test func everySecurableKindCounts() {
        var t = tree()
        t.privilege("Service", [.allow("CustService", .invoke, type: .other("ServiceOperation"))])
        t.privilege("Entity", [], dataEntities: [.allow("CustCustomerV3Entity", .read, .create)])
        t.privilege("Method", [TreeBuilder.EP(object: "CustCustomerV3Entity", type: .other("DataEntityMethod"), grant: [.invoke: .allow])])
        t.role("S", privileges: ["Service"])
        t.role("E", privileges: ["Entity"])
        t.role("M", privileges: ["Method"])
        let engine = t.objectEngine([ObjectRow(.serviceOperation, "CustService", .write, "Commerce"),
                                     ObjectRow(.dataEntity, "CustCustomerV3Entity", .write, "HumanResources"),
                                     ObjectRow(.dataEntityMethod, "CustCustomerV3Entity", .write, "ProjectOperations")])
        #expect(engine.license(ofRole: "S").base?.name == "Commerce")
        #expect(engine.license(ofRole: "E").base?.name == "HumanResources")
        #expect(engine.license(ofRole: "M").base?.name == "ProjectOperations")
    }

    @Test func deniedReadGivesNoAccessAndNeedsNothing() {
        var t = tree()
        t.privilege("Denied", [TreeBuilder.EP(object: "CustTable", grant: [.read: .deny, .update: .allow])])
        t.role("R", privileges: ["Denied"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance")])
        #expect(engine.license(ofRole: "R").summary == "TeamMembers")
        #expect(engine.entryPointLicense(privilege: 0, entryPoint: 0).access == .none)
    }

    @Test func namesMatchWhateverTheCase() {
        var t = tree()
        t.privilege("CustMaintain", [.allow("CustTable", .update)])
        t.role("Clerk", privileges: ["CustMaintain"])
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CUSTTABLE", .write, "finance")])
        #expect(engine.license(ofRole: "Clerk").base?.name == "Finance")
    }

    @Test func userLicenseCombinesRolesAndSystemAdministratorNeedsNone() {
        var t = tree()
        t.privilege("Cust", [.allow("CustTable", .update)])
        t.privilege("Vend", [.allow("VendTable", .update)])
        t.role("A", privileges: ["Cust"])
        t.role("B", privileges: ["Vend"])
        t.role("-SYSADMIN-")
        let engine = t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance"), ObjectRow(.menuItemDisplay, "VendTable", .write, "SupplyChainManagement")])
        let estimate = engine.estimate(UserDirectory(users: [user("both", ("A", true), ("B", true)), user("admin", ("A", true), ("-SYSADMIN-", true))]))
        let both = try! #require(estimate.users.first { $0.user.userId == "both" })
        #expect(both.license.summary == "SupplyChainManagement + Finance")
        #expect(both.license.monthlyCost == Money(cents: 24000))
        let admin = try! #require(estimate.users.first { $0.user.userId == "admin" })
        #expect(admin.license.summary == "None")
    }
}

/// Properties of the per-object method over random trees and data (seeded, so a failure replays).
@Suite struct PerObjectMethodPropertyTests {
    static let skuNames = ["Finance", "SupplyChainManagement", "Commerce", "ProjectOperations", "HumanResources", "Activity", "TeamMembers",
                           "HumanResourcesSelfService"]

    /// Eight menu items, a Read or Write grant on each, and random data rows. With `readAsMicrosoftStates`, Read rows
    /// name only Team Members or Self Service, as Microsoft states Read needs; otherwise any SKUs.
    static func scenario(seed: UInt64, readAsMicrosoftStates: Bool = false) -> (tree: TreeBuilder, rows: [ObjectRow], grants: [(object: String, write: Bool)]) {
        var random = SeededGenerator(seed: seed)
        var tree = TreeBuilder()
        var rows: [ObjectRow] = []
        var grants: [(object: String, write: Bool)] = []
        for index in 0..<8 {
            let name = "Item\(index)"
            tree.menuItem(name)
            for level in ObjectAccessLevel.allCases where Int.random(in: 0..<4, using: &random) > 0 {
                let count = Int.random(in: 1...3, using: &random)
                var names = (0..<count).map { _ in skuNames.randomElement(using: &random)! }
                if level == .read && (readAsMicrosoftStates || Bool.random(using: &random)) {
                    names = [["TeamMembers"], ["HumanResourcesSelfService"], ["TeamMembers", "HumanResourcesSelfService"]].randomElement(using: &random)!
                }
                rows.append(ObjectRow(kind: .menuItemDisplay, name: name, level: level, skus: names))
            }
            grants.append((name, Bool.random(using: &random)))
        }
        return (tree, rows, grants)
    }

    static func engine(_ tree: TreeBuilder, _ rows: [ObjectRow], grants: [(object: String, write: Bool)]) -> LicensingEngine {
        var tree = tree
        tree.privilege("P", grants.map { $0.write ? .allow($0.object, .read, .update) : .allow($0.object, .read) })
        tree.role("R", privileges: ["P"])
        return tree.objectEngine(rows)
    }

    /// Turning a Read grant into Write, where Read rows say what Microsoft states (at most Team Members). With a Read
    /// row above Team Members (a warning) the Write level's own row decides, which may be lower: §7 looks each level up
    /// on its own.
    @Test(arguments: 0..<40) func wideningAReadGrantToWriteNeverLowersTheLicense(seed: UInt64) {
        let (tree, rows, grants) = Self.scenario(seed: seed, readAsMicrosoftStates: true)
        let readOnly = grants.indices.first { !grants[$0].write } ?? 0
        var narrowed = grants, widened = grants
        narrowed[readOnly].write = false
        widened[readOnly].write = true
        let before = Self.engine(tree, rows, grants: narrowed).license(ofRole: "R"), after = Self.engine(tree, rows, grants: widened).license(ofRole: "R")
        #expect(after.monthlyCost >= before.monthlyCost)
        #expect(after.tier >= before.tier)
    }

    /// Granting Write on one more object, whatever the data says.
    @Test(arguments: 0..<40) func addingAWriteGrantNeverLowersTheLicense(seed: UInt64) {
        let (tree, rows, grants) = Self.scenario(seed: seed)
        let fewer = Array(grants.dropLast()), more = Array(grants.dropLast()) + [(grants.last!.object, true)]
        let before = Self.engine(tree, rows, grants: fewer).license(ofRole: "R"), after = Self.engine(tree, rows, grants: more).license(ofRole: "R")
        #expect(after.monthlyCost >= before.monthlyCost)
        #expect(after.tier >= before.tier)
        #expect(after.isUnlicensable || !before.isUnlicensable)
    }

    @Test(arguments: 0..<40) func readOnlyGrantsNeedNoMoreThanTheReadEntitlement(seed: UInt64) {
        let (tree, rows, grants) = Self.scenario(seed: seed)
        let readOnly = grants.map { ($0.object, false) }
        let engine = Self.engine(tree, rows.filter { $0.level == .read }.map { row in
            var row = row
            row.skus = ["TeamMembers"]
            return row
        }, grants: readOnly)
        // Every Read row names Team Members (as Microsoft says Read needs): the license never goes above it.
        #expect(engine.license(ofRole: "R").summary == "TeamMembers")
    }

    @Test(arguments: 0..<40) func resultDoesNotDependOnRowOrder(seed: UInt64) {
        let (tree, rows, grants) = Self.scenario(seed: seed)
        var random = SeededGenerator(seed: seed &+ 1_000)
        let shuffled = rows.shuffled(using: &random)
        // Distinct keys only, so that "first row wins" cannot legitimately differ between the orders.
        let distinct = Dictionary(rows.map { ("\($0.name)|\($0.level)", $0) }, uniquingKeysWith: { first, _ in first })
        func isFirst(_ row: ObjectRow) -> Bool { distinct["\(row.name)|\(row.level)"]?.skus == row.skus }
        let ordered = rows.filter(isFirst), reshuffled = shuffled.filter(isFirst)
        #expect(ordered.count == reshuffled.count)
        let a = Self.engine(tree, ordered, grants: grants).license(ofRole: "R"), b = Self.engine(tree, reshuffled, grants: grants).license(ofRole: "R")
        #expect(a == b)
    }
}
