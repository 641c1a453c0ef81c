import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import Testing

/// Docs/licensing-rules.md §2: entry-point licensing.
@Suite struct EntryPointLicensingTests {
    @Test func aotLicenseValuesMapToTiers() {
        #expect(UserLicenseValue(aotValue: "None").tier == .none)
        #expect(UserLicenseValue(aotValue: "").tier == .none)
        #expect(UserLicenseValue(aotValue: "Universal").tier == .teamMembers)
        #expect(UserLicenseValue(aotValue: "Activity").tier == .activity)
        #expect(UserLicenseValue(aotValue: "Enterprise").tier == .operations)
        #expect(UserLicenseValue(aotValue: "enterprise").kind == .current)
    }

    @Test func legacyValuesMapPerDecisionAndAreFlagged() {
        #expect(UserLicenseValue(aotValue: "SelfServe").tier == .teamMembers)
        #expect(UserLicenseValue(aotValue: "Task").tier == .activity)
        #expect(UserLicenseValue(aotValue: "Functional").tier == .operations)
        #expect(UserLicenseValue(aotValue: "Server").tier == .none)
        for value in ["SelfServe", "Task", "Functional", "Server"] {
            #expect(UserLicenseValue(aotValue: value).kind == .legacy)
        }
        #expect(UserLicenseValue(aotValue: "Premium").kind == .unknown)
        #expect(UserLicenseValue(aotValue: "Premium").tier == .none)
    }

    /// Docs/licensing-rules.md §2, for each of the 729 ways to write the six rights: Read denied gives no access; an
    /// allowed right beyond Read needs the maintain license; Read alone, the view license; nothing allowed, none.
    @Test func accessLevelFollowsTheRuleForEveryCombinationOfRights() {
        let values: [GrantValue] = [.unset, .allow, .deny]
        let rights = AccessRight.allCases
        for code in 0..<729 {
            var written: [AccessRight: GrantValue] = [:]
            var rest = code
            for right in rights {
                written[right] = values[rest % 3]
                rest /= 3
            }
            let grant = AccessGrant(written)
            let expected: AccessLevel
            if written[.read] == .deny {
                expected = .none
            } else if rights.contains(where: { $0 != .read && written[$0] == .allow }) {
                expected = .maintain
            } else {
                expected = written[.read] == .allow ? .view : .none
            }
            #expect(grant.accessLevel == expected, "\(written)")
            #expect(grant.allowsAnyRight == !grant.allowedRights.isEmpty)
        }
    }

    @Test func accessLevelsAreOrderedNoneViewMaintain() {
        #expect(AccessLevel.none < .view && AccessLevel.view < .maintain && AccessLevel.none < .maintain)
        #expect(!(AccessLevel.maintain < .view) && !(AccessLevel.view < .view))
        #expect([AccessLevel.view, .maintain, .none].max() == .maintain)
    }

    /// The licensing method interprets the values and reports them; the model keeps them as written.
    @Test func legacyAndUnknownValuesAreReportedOncePerPropertyByTheMethod() {
        var tree = TreeBuilder()
        tree.menuItem("Old", view: "Task", maintain: "Functional")
        tree.menuItem("Odd", view: "Premium", maintain: "Enterprise")
        #expect(tree.graph.diagnostics.isEmpty)
        let codes = tree.engine().method.diagnostics.map(\.code)
        #expect(codes.filter { $0 == .legacyLicenseValue }.count == 2)
        #expect(codes.filter { $0 == .unknownLicenseValue }.count == 1)
    }

    @Test func readOnlyGrantNeedsTheViewLicense() {
        var tree = TreeBuilder()
        tree.menuItem("Journal", view: "Universal", maintain: "Enterprise")
        tree.privilege("JournalView", [.allow("Journal", .read)])
        #expect(tree.engine().entryPointTier(ofPrivilege: "JournalView") == .teamMembers)
    }

    @Test(arguments: [AccessRight.update, .create, .delete, .correct, .invoke])
    func anyRightBeyondReadNeedsTheMaintainLicense(right: AccessRight) {
        var tree = TreeBuilder()
        tree.menuItem("Journal", view: "Universal", maintain: "Enterprise")
        tree.privilege("JournalWrite", [.allow("Journal", right)])
        #expect(tree.engine().entryPointTier(ofPrivilege: "JournalWrite") == .operations)
    }

    @Test func maintainNeedsTheHigherOfMaintainAndView() {
        var tree = TreeBuilder()
        tree.menuItem("Odd", view: "Activity", maintain: "Universal")
        tree.privilege("OddWrite", [.allow("Odd", .read, .update)])
        #expect(tree.engine().entryPointTier(ofPrivilege: "OddWrite") == .activity)
    }

    @Test func readDenyMeansNoAccessAndNoLicense() {
        var tree = TreeBuilder()
        tree.menuItem("Payments", view: "Universal", maintain: "Enterprise")
        tree.privilege("Denied", [TreeBuilder.EP(object: "Payments", grant: [.read: .deny, .update: .allow])])
        let engine = tree.engine()
        #expect(engine.entryPointTier(ofPrivilege: "Denied") == .none)
        #expect(engine.entryPointLicense(privilege: 0, entryPoint: 0).access == .none)
    }

    @Test func entryPointWithoutGrantNeedsNothing() {
        var tree = TreeBuilder()
        tree.menuItem("Customers", view: "Universal", maintain: "Enterprise")
        tree.privilege("NoGrant", [TreeBuilder.EP(object: "Customers", grant: [:])])
        #expect(tree.engine().entryPointTier(ofPrivilege: "NoGrant") == .none)
    }

    @Test func onlyMenuItemsCarryALicense() {
        var tree = TreeBuilder()
        tree.menuItem("Svc", view: "Enterprise", maintain: "Enterprise")
        tree.privilege("Service", [.allow("Svc", .invoke, type: .other("ServiceOperation"))])
        #expect(tree.engine().entryPointTier(ofPrivilege: "Service") == .none)
    }

    @Test func menuItemKindsAreSeparateNamespaces() {
        var tree = TreeBuilder()
        tree.menuItem("Post", .display, view: "Universal", maintain: "Universal")
        tree.menuItem("Post", .action, view: "Enterprise", maintain: "Enterprise")
        tree.privilege("PostIt", [.allow("Post", .invoke, type: .menuItemAction)])
        #expect(tree.engine().entryPointTier(ofPrivilege: "PostIt") == .operations)
    }

    @Test func missingMenuItemIsLicenseUnknownAndCountsAsNone() {
        var tree = TreeBuilder()
        tree.privilege("Standard", [.allow("NotInTree", .read)])
        let engine = tree.engine()
        #expect(engine.entryPointTier(ofPrivilege: "Standard") == .none)
        #expect(engine.entryPointLicense(privilege: 0, entryPoint: 0).name == "Unknown")
        #expect(engine.graph.diagnostics.contains { $0.code == .unknownEntryPointLicense })
    }

    @Test func privilegeLicenseIsTheHighestOverItsEntryPoints() {
        var tree = TreeBuilder()
        tree.menuItem("A", view: "Universal", maintain: "Activity")
        tree.menuItem("B", view: "Universal", maintain: "Enterprise")
        tree.privilege("Mixed", [.allow("A", .update), .allow("B", .read)])
        #expect(tree.engine().entryPointTier(ofPrivilege: "Mixed") == .activity)
    }

    @Test func roleLicenseIsTheHighestOverDutiesPrivilegesAndSubRoles() {
        var tree = TreeBuilder()
        tree.menuItem("A", view: "Universal", maintain: "Activity")
        tree.menuItem("B", view: "Universal", maintain: "Enterprise")
        tree.privilege("ActivityWrite", [.allow("A", .update)])
        tree.privilege("OpsWrite", [.allow("B", .update)])
        tree.duty("D", privileges: ["ActivityWrite"])
        tree.role("Inner", privileges: ["OpsWrite"])
        tree.role("Outer", duties: ["D"], subRoles: ["Inner"])
        tree.role("DutyOnly", duties: ["D"])
        let engine = tree.engine()
        #expect(engine.entryPointTier(ofRole: "DutyOnly") == .activity)
        #expect(engine.entryPointTier(ofRole: "Outer") == .operations)
    }

    @Test func roleExtensionsAndDutyExtensionsAddToTheirBase() {
        var tree = TreeBuilder()
        tree.menuItem("A", view: "Universal", maintain: "Activity")
        tree.menuItem("B", view: "Universal", maintain: "Enterprise")
        tree.privilege("ActivityWrite", [.allow("A", .update)])
        tree.privilege("OpsWrite", [.allow("B", .update)])
        tree.duty("D", privileges: [])
        tree.role("Clerk", duties: ["D"])
        tree.role("Other", duties: ["D"])
        tree.dutyExtension("D.Contoso", privileges: ["ActivityWrite"])
        tree.roleExtension("Clerk.Contoso", privileges: ["OpsWrite"])
        let engine = tree.engine()
        #expect(engine.entryPointTier(ofRole: "Other") == .activity)
        #expect(engine.entryPointTier(ofRole: "Clerk") == .operations)
    }

    @Test func referencesResolveCaseInsensitivelyAndKeepTheDefiningSpelling() {
        var tree = TreeBuilder()
        tree.menuItem("LedgerJournalTable", view: "Universal", maintain: "Enterprise")
        tree.privilege("LedgerJournalTableMaintain", [.allow("ledgerjournaltable", .update)])
        tree.role("Accountant", privileges: ["LEDGERJOURNALTABLEMAINTAIN"])
        let engine = tree.engine()
        #expect(engine.entryPointTier(ofRole: "accountant") == .operations)
        #expect(engine.graph.roles[engine.graph.role(named: "ACCOUNTANT")!].name == "Accountant")
        #expect(engine.graph.diagnostics.isEmpty)
    }

    @Test func danglingReferencesAreWarningsAndGrantNothing() {
        var tree = TreeBuilder()
        tree.role("Custom", duties: ["SysServerAXBasicMaintain"], privileges: ["Missing"], subRoles: ["Gone"])
        tree.dutyExtension("StandardDuty.Contoso", privileges: [])
        let graph = tree.graph
        #expect(graph.diagnostics.filter { $0.code == .danglingReference }.count == 4)
        #expect(graph.diagnostics.allSatisfy { $0.severity == .warning })
        #expect(graph.roleEffectivePrivileges[0].isEmpty)
    }

    @Test func subRoleCycleIsReportedOnceAndEveryRoleInItGetsAllPrivileges() {
        var tree = TreeBuilder()
        tree.menuItem("A", view: "Universal", maintain: "Activity")
        tree.menuItem("B", view: "Universal", maintain: "Enterprise")
        tree.privilege("PA", [.allow("A", .update)])
        tree.privilege("PB", [.allow("B", .update)])
        tree.role("RoleA", privileges: ["PA"], subRoles: ["RoleB"])
        tree.role("RoleB", privileges: ["PB"], subRoles: ["RoleA"])
        tree.role("Self", privileges: ["PA"], subRoles: ["Self"])
        let engine = tree.engine()
        #expect(engine.graph.diagnostics.filter { $0.code == .subRoleCycle }.count == 2)
        #expect(engine.entryPointTier(ofRole: "RoleA") == .operations)
        #expect(engine.entryPointTier(ofRole: "RoleB") == .operations)
        #expect(engine.entryPointTier(ofRole: "Self") == .activity)
        #expect(engine.graph.grantPaths(from: .role(engine.graph.role(named: "RoleA")!)).count == 2)
    }

    @Test func duplicateDefinitionFirstInPathOrderWins() {
        var tree = TreeBuilder()
        tree.menuItem("X", view: "Universal", maintain: "Universal")
        tree.origin = ModelOrigin(package: "Zeta", model: "Zeta")
        tree.menuItem("x", view: "Enterprise", maintain: "Enterprise")
        let graph = tree.graph
        #expect(graph.menuItems.count == 1)
        #expect(UserLicenseValue(aotValue: graph.menuItems[0].viewLicense).tier == .teamMembers)
        #expect(graph.diagnostics.map(\.code) == [.duplicateDefinition])
    }

    @Test func duplicateWinnerIsFirstInPathOrderWhateverItsSpelling() {
        var tree = TreeBuilder()
        tree.origin = ModelOrigin(package: "A", model: "A")
        tree.menuItem("x", view: "Universal", maintain: "Universal")
        tree.role("sales", privileges: ["P1"])
        tree.privilege("P1", [])
        tree.privilege("P2", [])
        tree.origin = ModelOrigin(package: "B", model: "B")
        tree.menuItem("X", view: "Enterprise", maintain: "Enterprise")
        tree.role("SALES", privileges: ["P2"])
        tree.origin = ModelOrigin(package: "C", model: "C")
        tree.menuItem("x", view: "Enterprise", maintain: "Enterprise")
        let graph = tree.graph
        #expect(graph.menuItems.map(\.name) == ["x"])
        #expect(UserLicenseValue(aotValue: graph.menuItems[0].viewLicense).tier == .teamMembers)
        #expect(graph.roles.map(\.name) == ["sales"])
        #expect(graph.roleEffectivePrivileges[0].map { graph.privileges[$0].name } == ["P1"])
        let duplicates = graph.diagnostics.filter { $0.code == .duplicateDefinition }
        #expect(duplicates.compactMap(\.location?.file).sorted() == ["B/SALES.xml", "B/X.xml", "C/x.xml"])
        #expect(duplicates.allSatisfy { $0.message.contains("also defined in A/") })
    }

    @Test func roleExtensionsAddTheirContentsInPathOrder() {
        var tree = TreeBuilder()
        tree.privilege("P1", [])
        tree.privilege("P2", [])
        tree.role("Clerk")
        tree.roleExtension("Clerk.Zeta", privileges: ["P2"])
        tree.roleExtension("Clerk.Alpha", privileges: ["P1"])
        let graph = tree.graph
        #expect(graph.roleLinks[0].privileges.map { graph.privileges[$0].name } == ["P2", "P1"])
    }
}
