import AXChangeImpact
import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Loads one side of an assembled diff case.
func side(_ fixture: DiffFixture, _ side: DiffFixture.Side) throws -> LoadedWorkspace {
    let paths = WorkspacePaths(workspace: fixture.root.path, metadata: fixture.tree(side).path, skuMap: fixture.skuMap(side).path, users: fixture.users.path)
    return try LoadedWorkspace.load(paths, users: .required, keepGoing: false)
}

/// The impact of diff case `name` (head against base, or base against head when `reversed`).
func impact(_ name: String, reversed: Bool = false) throws -> LicenseImpact {
    let folder = TemporaryFolder()
    let fixture = try DiffFixture(name, in: folder)
    let (from, to): (DiffFixture.Side, DiffFixture.Side) = reversed ? (.head, .base) : (.base, .head)
    let base = try side(fixture, from), head = try side(fixture, to)
    return LicenseImpact(base: base.engine, head: head.engine, users: head.users, baseRoot: fixture.tree(from).path, headRoot: fixture.tree(to).path)
}

@Suite struct LicenseImpactTests {
    @Test func privilegeGainingUpdateOnAnEnterpriseMenuItemEscalatesTeamMembersToOperations() throws {
        let result = try impact("grant-gains-update")
        let change = try #require(result.roleChanges.only)
        #expect(change.role == "Viewer" && change.classification == .escalation)
        #expect(change.before.entryPointLicense == .teamMembers && change.after.entryPointLicense == .operations)
        #expect(change.before.license.summary == "TeamMembers" && change.after.license.summary == "Operations (any base)")
        let cause = try #require(change.causes.only)
        #expect(cause.kind == .grantChanged && cause.privilege == "JournalView" && cause.entryPoint == "MenuItemDisplay JournalForm")
        #expect(cause.detail == "Read → Read, Update: TeamMembers → Operations")
        #expect(cause.location?.file.hasSuffix("AxSecurityPrivilege/JournalView.xml") == true)
        #expect(result.userChanges?.map(\.userId) == ["u1", "u3"])
        #expect(result.userCostDelta == Money(cents: 18200))
        #expect(result.newSkus.isEmpty)
    }

    @Test func theSameChangeReversedIsADeEscalation() throws {
        let result = try impact("grant-gains-update", reversed: true)
        #expect(result.roleChanges.map(\.classification) == [.deEscalation])
        #expect(result.userCostDelta == Money(cents: -18200))
    }

    @Test func dutyAddedToARoleNamesThePrivilegeItBrings() throws {
        let change = try #require(try impact("duty-added-to-role").roleChanges.only)
        #expect(change.role == "Viewer" && change.after.license.summary == "Activity")
        #expect(change.causes.map(\.kind) == [.privilegeAdded])
        #expect(change.causes[0].privilege == "OrderMaintain")
        #expect(change.after.anyOfGroups == [["SupplyChainManagement", "Activity"]])
    }

    /// Each cause points at what the change touched: the reference added (role or role-extension file, its line), and
    /// for a reference removed the head file of the object that lost it; never the unchanged privilege file.
    @Test func privilegeAddedOrRemovedPointsAtTheReferenceTheChangeTouched() throws {
        let added = try #require(try impact("duty-added-to-role").roleChanges.only?.causes.only)
        #expect(added.location?.file.hasSuffix("duty-added-to-role/head/Core/Core/AxSecurityRole/Viewer.xml") == true, "\(String(describing: added.location))")
        #expect(added.location?.line == 9)
        let removed = try #require(try impact("duty-added-to-role", reversed: true).roleChanges.only?.causes.only)
        #expect(removed.kind == .privilegeRemoved)
        #expect(removed.location?.file.hasSuffix("duty-added-to-role/base/Core/Core/AxSecurityRole/Viewer.xml") == true, "\(String(describing: removed.location))")
        let extended = try #require(try impact("role-extension-in-other-model").roleChanges.only?.causes.only)
        #expect(extended.location?.file.hasSuffix("AxSecurityRoleExtension/Viewer.Contoso.xml") == true, "\(String(describing: extended.location))")
        #expect(extended.location?.line == 7)
    }

    @Test func roleExtensionInAnotherModelChangesTheBaseRole() throws {
        let result = try impact("role-extension-in-other-model")
        let change = try #require(result.roleChanges.only)
        #expect(change.role == "Viewer" && change.classification == .escalation && change.after.license.summary == "Activity")
        #expect(result.userCostDelta == Money(cents: 4200))
        #expect(result.roles.isEmpty)
    }

    @Test func menuItemMaintainLicenseChangeIsTracedToTheMenuItem() throws {
        let change = try #require(try impact("menu-item-maintain-license").roleChanges.only)
        #expect(change.role == "Clerk" && change.after.license.summary == "Operations (any base)" && change.after.license.monthlyCost == Money(cents: 12000))
        let cause = try #require(change.causes.only)
        #expect(cause.kind == .menuItemLicenseChanged)
        #expect(cause.detail == "View Universal, Maintain Activity → View Universal, Maintain Enterprise: Activity → Operations")
        #expect(cause.location?.file.hasSuffix("AxMenuItemDisplay/OrderForm.xml") == true)
    }

    /// A grant that changes on an entry point whose license stays the same explains nothing: the role changes for the
    /// entry point added beside it, and that is the only cause (no "Activity → Activity").
    @Test func grantChangeThatKeepsTheEntryPointLicenseIsNotACause() throws {
        let change = try #require(try impact("grant-change-same-license").roleChanges.only)
        #expect(change.role == "Clerk" && change.classification == .escalation)
        #expect(change.causes.map(\.kind) == [.entryPointAdded])
        #expect(change.causes.map(\.entryPoint) == ["MenuItemDisplay JournalForm"])
        #expect(change.causes.allSatisfy { cause in !cause.detail.contains("Activity → Activity") })
    }

    /// Read → Read, Update on a menu item whose view and maintain licenses are both Activity changes the access level
    /// (view → maintain) but not the license shown: not a cause, only the entry point added beside it is.
    @Test func aGrantWhoseLicenseReadsTheSameIsNotACauseEvenWhenItsAccessLevelChanges() {
        func tree(_ entryPoints: [TreeBuilder.EP]) -> TreeBuilder {
            var tree = TreeBuilder()
            tree.menuItem("Journal", view: "Activity", maintain: "Activity")
            tree.menuItem("Ledger", view: "Enterprise", maintain: "Enterprise")
            tree.privilege("Post", entryPoints)
            tree.role("Clerk", privileges: ["Post"])
            return tree
        }
        let base = tree([.allow("Journal", .read)]).engine()
        let head = tree([.allow("Journal", .read, .update), .allow("Ledger", .read)]).engine()
        let result = LicenseImpact(base: base, head: head, users: nil)
        let change = result.roleChanges.only
        #expect(change?.causes.map(\.kind) == [.entryPointAdded])
        #expect(change?.causes.map(\.entryPoint) == ["MenuItemDisplay Ledger"])
    }

    @Test func newIsUniqueRowRequiresANewSku() throws {
        let result = try impact("new-isunique-row")
        let change = try #require(result.roleChanges.only)
        #expect(change.before.requiredSkus.isEmpty && change.after.requiredSkus == ["Finance"])
        #expect(change.causes.map(\.kind) == [.skuRowsChanged])
        #expect(change.causes[0].detail == "IsUnique 1 (required): none → Finance")
        #expect(result.newSkus == ["Finance"])
        #expect(result.userCostDelta == Money(cents: 36200))
    }

    /// The SKU-row cause points at the SKU map the head's licensing method names among its inputs, whatever type the
    /// method is: the diff asks the method, it does not know the entry-point method's type.
    @Test func skuRowChangePointsAtTheSkuMapTheMethodNamesAsItsInput() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("new-isunique-row", in: folder)
        let base = try side(fixture, .base), head = try side(fixture, .head)
        let wrapped = LicensingEngine(graph: head.engine.graph, catalog: head.engine.catalog, method: ForwardingMethod(inner: head.engine.method))
        let result = LicenseImpact(base: base.engine, head: wrapped, users: nil, baseRoot: fixture.tree(.base).path, headRoot: fixture.tree(.head).path)
        let cause = try #require(result.roleChanges.only?.causes.only)
        #expect(cause.kind == .skuRowsChanged)
        #expect(cause.location?.file == fixture.skuMap(.head).path, "\(String(describing: cause.location))")
    }

    @Test func pureRenameHasNoLicenseImpact() throws {
        let result = try impact("pure-rename")
        #expect(!result.hasLicenseImpact)
        #expect(result.privileges.added == ["ExpenseReportMaintain"] && result.privileges.removed == ["ExpenseMaintain"])
        #expect(result.userCostDelta == .zero)
        #expect(result.newDiagnostics.isEmpty)
    }

    @Test func noChangeHasNoImpactAndNoNewDiagnostics() throws {
        let result = try impact("no-change")
        #expect(!result.hasLicenseImpact && result.roles.isEmpty && result.duties.isEmpty && result.privileges.isEmpty)
        #expect(result.newDiagnostics.isEmpty)
    }

    @Test func classificationRules() {
        let catalog = SkuCatalog.builtIn()
        func licenseBase(_ tier: LicenseTier, _ name: String?) -> LicenseBase {
            guard let name else { return .tier(tier, SkuID(position: tier == .activity ? catalog.activity : catalog.teamMembers, name: tier.name)) }
            return name == "Operations" ? .anyBase : .sku(SkuID(position: catalog.position(of: name)!, name: name))
        }
        func outcome(_ tier: LicenseTier, _ cents: Int, required: [String] = [], base: String? = nil) -> LicenseOutcome {
            LicenseOutcome(entryPointLicense: tier, requiredSkus: required, anyOfGroups: [],
                           license: LicenseChoice(tier: tier, base: licenseBase(tier, base), attach: [], monthlyCost: Money(cents: cents)))
        }
        #expect(outcome(.teamMembers, 800).classify(to: outcome(.activity, 5000)) == .escalation)
        #expect(outcome(.operations, 18000, required: ["Finance"], base: "Finance").classify(to: outcome(.operations, 18000, required: ["Commerce"], base: "Commerce")) == .escalation)
        #expect(outcome(.operations, 18000, base: "Finance").classify(to: outcome(.operations, 12000, base: "Operations")) == .deEscalation)
        #expect(outcome(.activity, 5000).classify(to: outcome(.activity, 5000)) == .neutral)
    }
}

@Suite struct TreeSourceTests {
    @Test func parsesFoldersAndGitRevisions() {
        #expect(TreeSource("Metadata") == .folder("Metadata"))
        #expect(TreeSource("git:HEAD~1") == .git(revision: "HEAD~1", path: nil))
        #expect(TreeSource("git:main:src/Metadata") == .git(revision: "main", path: "src/Metadata"))
    }
}

/// `diff` over a deep sub-role chain (issue 12, item 1): no recursion, one optimisation per distinct need. 30,000 roles
/// keep the test quick (GraphShapeTests resolves 100,000; `diff` over 100,000 role files took 14 s in a debug build).
@Suite struct DeepChainImpactTests {
    static func engine(chain count: Int, bottomHolds privileges: [String]) -> LicensingEngine {
        var tree = TreeBuilder()
        tree.menuItem("MI", view: "Universal", maintain: "Enterprise")
        tree.privilege("P", [.allow("MI", .update)])
        for index in 0..<count {
            let bottom = index + 1 == count
            tree.role("C\(index)", privileges: bottom ? privileges : [], subRoles: bottom ? [] : ["C\(index + 1)"])
        }
        return tree.engine()
    }

    @Test func removingThePrivilegeAtTheBottomOfADeepChainDeEscalatesEveryRole() {
        let count = 30_000
        let impact = LicenseImpact(base: Self.engine(chain: count, bottomHolds: ["P"]), head: Self.engine(chain: count, bottomHolds: []), users: nil)
        #expect(impact.roleChanges.count == count)
        #expect(impact.roleChanges.allSatisfy { $0.classification == .deEscalation && $0.causes.map(\.kind) == [.privilegeRemoved] })
    }
}

/// A licensing method of another type than the entry-point one, answering as `inner` does.
private struct ForwardingMethod: LicensingMethod {
    var inner: any LicensingMethod
    var name: String { "forwarding" }
    var diagnostics: [Diagnostic] { inner.diagnostics }
    func demand(ofPrivilege privilege: Int) -> PrivilegeDemand { inner.demand(ofPrivilege: privilege) }
    func license(ofGrant grant: Int, inPrivilege privilege: Int) -> GrantLicense { inner.license(ofGrant: grant, inPrivilege: privilege) }
    var inputs: [MethodInput] { inner.inputs }
}
