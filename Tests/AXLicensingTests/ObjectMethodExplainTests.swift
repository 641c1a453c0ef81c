import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Testing

/// `permissions`, `explain` and `what-if` under the per-object method (Docs/licensing-rules.md §7, "Explaining a
/// per-object license"), on trees small enough to work out by hand.
@Suite struct ObjectMethodExplainTests {
    /// Role Clerk > duty ClerkDuty > CustMaintain (CustTable Write: Finance only; Read: Team Members),
    /// + direct ProjMaintain (ProjTable Write: Project Operations), + DashView (Dashboard Read: Team Members),
    /// + PurchMaintain (PurchTable Write: Activity or Finance), + Custom (CustomForm Read: not in Microsoft's data).
    func clerk() -> TreeBuilder {
        var t = TreeBuilder()
        t.privilege("CustMaintain", [.allow("CustTable", .read, .update)])
        t.privilege("ProjMaintain", [.allow("ProjTable", .read, .create)])
        t.privilege("DashView", [.allow("Dashboard", .read)])
        t.privilege("PurchMaintain", [.allow("PurchTable", .read, .delete)])
        t.privilege("Custom", [.allow("CustomForm", .read)])
        t.duty("ClerkDuty", privileges: ["CustMaintain"])
        t.role("Clerk", duties: ["ClerkDuty"], privileges: ["ProjMaintain", "DashView", "PurchMaintain", "Custom"])
        return t
    }

    let rows = [
        ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance"), ObjectRow(.menuItemDisplay, "CustTable", .read, "TeamMembers"),
        ObjectRow(.menuItemDisplay, "ProjTable", .write, "ProjectOperations"),
        ObjectRow(.menuItemDisplay, "Dashboard", .read, "TeamMembers"),
        ObjectRow(.menuItemDisplay, "PurchTable", .write, "Activity", "Finance"),
    ]

    /// The objects behind each demand, as `Need: object` strings.
    func forcing(_ explanation: LicenseExplanation) -> [String] {
        explanation.demands.flatMap { demand in
            demand.chains.map { chain -> String in
                guard case .object(let object) = chain.source else { return "\(demand.need): not an object" }
                return "\(demand.need): \(object.objectText) (\(object.entitlement.level)) via \(chain.path.map(\.name).joined(separator: " > "))"
            }
        }
    }

    @Test func eachSkuOfTheLicenseNamesTheObjectsThatForceItWithTheirGrantPaths() throws {
        let engine = clerk().objectEngine(rows)
        let explanation = try engine.explain(role: "Clerk")
        // Finance base 180 + Project Operations attach 30 (Project Operations' base is 120, so Finance is the base).
        #expect(explanation.license.summary == "Finance + ProjectOperations")
        #expect(explanation.license.monthlyCost == Money(cents: 24000))
        // PurchTable (Activity or Finance) is met by Finance too, but Activity would do: it forces no full SKU. Dashboard
        // and CustomForm need only Team Members.
        #expect(forcing(explanation) == [
            "Finance (SKU): MenuItemDisplay CustTable (Write) via Clerk > ClerkDuty > CustMaintain",
            "ProjectOperations (SKU): MenuItemDisplay ProjTable (Write) via Clerk > ProjMaintain",
        ])
        #expect(explanation.objectsNotInMicrosoftData == ["MenuItemDisplay CustomForm (Read)"])
    }

    @Test func anActivityLicenseNamesTheObjectsTeamMembersDoesNotMeet() throws {
        var t = clerk()
        t.role("Buyer", privileges: ["PurchMaintain", "DashView"])
        let explanation = try t.objectEngine(rows).explain(role: "Buyer")
        #expect(explanation.license.summary == "Activity")
        #expect(forcing(explanation) == ["Activity (SKU): MenuItemDisplay PurchTable (Write) via Buyer > PurchMaintain"])
        // PurchTable has no Read row: at Read it would need Team Members, 50 → 8.
        #expect(explanation.downgrades.map { "\($0.object) → \($0.licenseAfter.summary) saves \($0.monthlySaving)" } == ["MenuItemDisplay PurchTable → TeamMembers saves 42.00"])
    }

    @Test func unlicensableObjectsAreNamedWithTheirPaths() throws {
        var t = clerk()
        t.privilege("SalesCopy", [.allow("SalesInvoiceCopy", .read)])
        t.role("Sales", privileges: ["SalesCopy", "DashView"])
        let explanation = try t.objectEngine(rows + [ObjectRow(.menuItemDisplay, "SalesInvoiceCopy", .read, "Dynamics 365 Sales Enterprise")]).explain(role: "Sales")
        #expect(explanation.license.isUnlicensable)
        let unlicensable = try #require(explanation.demands.first { $0.need == .unlicensable })
        #expect(unlicensable.chains.map(\.path.last?.name) == ["SalesCopy"])
        guard case .object(let object) = unlicensable.chains[0].source else { Issue.record("not an object chain"); return }
        #expect(object.objectText == "MenuItemDisplay SalesInvoiceCopy")
        #expect(object.entitlement.status == .unlicensable)
    }

    /// Before the fix, drivers grouped privileges by entry-point tier and SKU-map row only: under the per-object method
    /// every privilege looked like "Team Members or less" and no driver was ever found.
    @Test func driversAreThePrivilegesWhoseRemovalLowersTheLicense() throws {
        let explanation = try clerk().objectEngine(rows).explain(role: "Clerk")
        #expect(explanation.driversAreExhaustive)
        let drivers = explanation.drivers.map { "\($0.privileges.joined(separator: ", ")) → \($0.licenseAfter.summary) saves \($0.monthlySaving)" }
        // Without CustMaintain: Project Operations 120, with PurchTable's Activity set met by it (saves 90). Without
        // ProjMaintain: Finance 180 (saves 30). Without both: Activity 50 (saves 160); without PurchMaintain too, Team
        // Members 8 (saves 202). DashView and Custom (Team Members) never matter.
        #expect(drivers == ["CustMaintain, ProjMaintain, PurchMaintain → TeamMembers saves 232.00", "CustMaintain, ProjMaintain → Activity saves 190.00", "CustMaintain → ProjectOperations saves 120.00", "ProjMaintain → Finance saves 30.00"])
    }

    @Test func aWriteGrantWhoseReadRowIsCheaperIsADowngradeWhenItAloneLowersTheLicense() throws {
        var t = clerk()
        t.role("Receivables", duties: ["ClerkDuty"], privileges: ["DashView"])
        let explanation = try t.objectEngine(rows).explain(role: "Receivables")
        #expect(explanation.license.summary == "Finance")
        let downgrade = try #require(explanation.downgrades.only)
        #expect(downgrade.object == "MenuItemDisplay CustTable")
        #expect(downgrade.path.map(\.name) == ["Receivables", "ClerkDuty", "CustMaintain"])
        #expect((downgrade.writeLicense, downgrade.readLicense) == ("Finance", "TeamMembers"))
        #expect(downgrade.licenseAfter.summary == "TeamMembers")
        #expect(downgrade.monthlySaving == Money(cents: 20200))
    }

    @Test func aDowngradeIsListedOnlyWhenItAloneLowersTheLicense() throws {
        // Clerk: CustTable at Read leaves ProjTable's Project Operations (120) and PurchTable's Activity | Finance,
        // met by it: 240 → 120. ProjTable has no Read row (Team Members), 240 → 210. PurchTable at Read: nothing changes.
        let explanation = try clerk().objectEngine(rows).explain(role: "Clerk")
        #expect(explanation.downgrades.map { "\($0.object) → \($0.licenseAfter.summary) saves \($0.monthlySaving)" } == [
            "MenuItemDisplay CustTable → ProjectOperations saves 120.00",
            "MenuItemDisplay ProjTable → Finance saves 30.00",
        ])
        // A second object forcing Finance: no single downgrade lowers the license.
        var t = clerk()
        t.privilege("LedgerPost", [.allow("LedgerPost", .invoke, type: .menuItemAction)])
        t.role("Ledger", duties: ["ClerkDuty"], privileges: ["LedgerPost"])
        let ledger = try t.objectEngine(rows + [ObjectRow(.menuItemAction, "LedgerPost", .write, "Finance"), ObjectRow(.menuItemAction, "LedgerPost", .read, "Finance")])
            .explain(role: "Ledger")
        #expect(ledger.license.summary == "Finance")
        #expect(ledger.downgrades.isEmpty)
    }

    @Test func theLegacyExplanationCarriesNoObjectsAndNoDowngrades() throws {
        var t = clerk()
        t.menuItem("CustTable", view: "Universal", maintain: "Enterprise")
        let explanation = try t.engine().explain(role: "Clerk")
        #expect(explanation.objectsNotInMicrosoftData == nil)
        #expect(explanation.downgrades.isEmpty)
        #expect(explanation.demands.map(\.need) == [.tier(.operations)])
    }

    @Test func permissionsUnderTheObjectMethodGiveEachGrantItsLevelLicenseTextAndDataStatus() throws {
        let engine = clerk().objectEngine(rows)
        let view = engine.permissions(of: try engine.findObject(named: "Clerk", type: .role))
        let rows = view.entries.map { "\($0.objectName) \($0.entryPointLicense.object.map { "\($0.level) \($0.licenseText) \($0.status.rawValue)" } ?? "none")" }
        #expect(rows == [
            "ProjTable Write ProjectOperations entitled", "Dashboard Read TeamMembers entitled", "PurchTable Write Activity or Finance entitled",
            "CustomForm Read Dynamics 365 Team Members not-in-microsoft-data", "CustTable Write Finance entitled",
        ])
        #expect(view.objectsNotInMicrosoftData == ["MenuItemDisplay CustomForm (Read)"])
        #expect(view.unlicensableObjects == [])
        #expect(engine.permissions(of: try engine.findObject(named: "Clerk", type: .role)).license.summary == "Finance + ProjectOperations")
        let legacy = clerk().engine()
        #expect(legacy.permissions(of: try legacy.findObject(named: "Clerk", type: .role)).objectsNotInMicrosoftData == nil)
    }

    @Test func whatIfAddsAndRemovesObjectsByThePerObjectRules() throws {
        var t = clerk()
        t.role("Viewer", privileges: ["DashView"])
        let engine = t.objectEngine(rows)
        let users = UserDirectory(users: [user("ann", ("Viewer", true)), user("bob", ("Clerk", true))])
        // Adding a Write grant on a Finance-only object: Team Members 8 → Finance 180.
        let added = try engine.whatIf(role: "Viewer", edit: RoleEdit(addPrivileges: ["CustMaintain"]), users: users)
        #expect(added.roles.map { "\($0.before.summary) → \($0.after.summary)" } == ["TeamMembers → Finance"])
        #expect(added.usersChanged.map(\.userId) == ["ann"])
        #expect(added.monthlyCostDelta == Money(cents: 20200))
        // Adding a duty whose privilege grants an Activity | Finance object: Activity 50.
        t.duty("BuyDuty", privileges: ["PurchMaintain"])
        let duty = try t.objectEngine(rows).whatIf(role: "Viewer", edit: RoleEdit(addDuties: ["BuyDuty"]), users: users)
        #expect(duty.roles[0].after.summary == "Activity" && duty.monthlyCostDelta == Money(cents: 4200))
        // Adding an object not in Microsoft's data needs only Team Members: nothing changes.
        let custom = try engine.whatIf(role: "Viewer", edit: RoleEdit(addPrivileges: ["Custom"]), users: users)
        #expect(custom.usersChanged.isEmpty && custom.roles[0].after.summary == "TeamMembers")
        // A user gaining Clerk: Team Members → Finance + Project Operations.
        let user = try engine.whatIf(user: "ann", addRoles: ["Clerk"], removeRoles: [], in: users)
        #expect(user.after.license.summary == "Finance + ProjectOperations" && user.monthlyCostDelta == Money(cents: 23200))
        // Removing CustMaintain's duty from Clerk leaves Project Operations (120), which meets PurchTable's Activity set.
        let removed = try engine.whatIf(role: "Clerk", edit: RoleEdit(removeDuties: ["ClerkDuty"]), users: users)
        #expect(removed.roles[0].after.summary == "ProjectOperations" && removed.monthlyCostDelta == Money(cents: -12000))
    }
}
