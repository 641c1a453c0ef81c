import AXChangeImpact
import AXLicensing
import AXReading
import AXTestSupport
import Foundation
import Testing

/// `diff` reads the SKU catalog, the SKU map and the object-license data once for both sides when both name the same
/// files (`LicensingInputs`); a side that names other files must read its own, or the comparison would compare the
/// head with itself.
@Suite struct SharedInputsTests {
    func paths(_ fixture: DiffFixture, tree side: DiffFixture.Side, skuMap mapSide: DiffFixture.Side) -> WorkspacePaths {
        WorkspacePaths(workspace: fixture.root.path, metadata: fixture.tree(side).path, skuMap: fixture.skuMap(mapSide).path, users: fixture.users.path)
    }

    func compare(_ base: LoadedWorkspace, _ head: LoadedWorkspace, _ fixture: DiffFixture) -> LicenseImpact {
        LicenseImpact(base: base.engine, head: head.engine, users: head.users, baseRoot: fixture.tree(.base).path, headRoot: fixture.tree(.head).path)
    }

    @Test func aBaseThatNamesAnotherSkuMapReadsItsOwnNotTheHeadsReads() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("new-isunique-row", in: folder)
        let headPaths = paths(fixture, tree: .head, skuMap: .head)
        let shared = LicensingInputs(headPaths, method: nil)
        let head = try LoadedWorkspace.load(headPaths, users: .required, keepGoing: false, inputs: shared)
        let base = try LoadedWorkspace.load(paths(fixture, tree: .base, skuMap: .base), users: .unused, keepGoing: false, inputs: shared)
        let result = compare(base, head, fixture)
        // The base's own map has no IsUnique 1 row: the head's new row is the change, priced for the users.
        #expect(result.roleChanges.only?.causes.map(\.kind) == [.skuRowsChanged])
        #expect(result.newSkus == ["Finance"])
        #expect(result.userCostDelta == Money(cents: 36200))
    }

    @Test func aSideThatNamesTheSameFilesTakesTheReadsAlreadyMade() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("duty-added-to-role", in: folder)
        let headPaths = paths(fixture, tree: .head, skuMap: .head)
        let shared = LicensingInputs(headPaths, method: nil)
        let head = try LoadedWorkspace.load(headPaths, users: .required, keepGoing: false, inputs: shared)
        // Gone from disk: a base that read the map again would fail; one that takes the shared read does not.
        try FileManager.default.removeItem(at: fixture.skuMap(.head))
        let base = try LoadedWorkspace.load(paths(fixture, tree: .base, skuMap: .head), users: .unused, keepGoing: false, inputs: shared)
        let change = try #require(compare(base, head, fixture).roleChanges.only)
        #expect(change.role == "Viewer" && change.causes.map(\.privilege) == ["OrderMaintain"])
        #expect(change.after.anyOfGroups == [["SupplyChainManagement", "Activity"]])
    }
}

/// The base side licenses again only the users holding a role that requires something different there; every other
/// user takes the head's row. The result must be what licensing every user on both sides gives.
@Suite struct UnchangedUsersTests {
    /// User changes and costs as licensing every user on both sides gives them.
    func everyUserLicensed(_ base: LoadedWorkspace, _ head: LoadedWorkspace) throws -> (changed: [String], before: Money, after: Money) {
        let users = try #require(head.users)
        let before = base.engine.estimate(users), after = head.engine.estimate(users)
        let changed = zip(before.users, after.users).filter { $0.license != $1.license || $0.entryPointLicense != $1.entryPointLicense }.map(\.0.user.userId)
        return (changed, before.summary.monthlyCost, after.summary.monthlyCost)
    }

    @Test(arguments: ["grant-gains-update", "duty-added-to-role", "new-isunique-row", "no-change", "menu-item-maintain-license"])
    func userChangesAndCostsAreThoseOfLicensingEveryUserOnBothSides(name: String) throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture(name, in: folder)
        let base = try side(fixture, .base), head = try side(fixture, .head)
        let result = LicenseImpact(base: base.engine, head: head.engine, users: head.users, baseRoot: fixture.tree(.base).path, headRoot: fixture.tree(.head).path)
        let expected = try everyUserLicensed(base, head)
        #expect(result.userChanges?.map(\.userId) == expected.changed)
        #expect(result.userCostBefore == expected.before && result.userCostAfter == expected.after)
    }

    /// A role the head no longer defines is a change for its holders, though its requirements cannot be compared.
    @Test func theHoldersOfARoleTheHeadRemovedAreLicensedAgain() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("no-change", in: folder)
        try FileManager.default.removeItem(at: fixture.tree(.head).appendingPathComponent("Core/Core/AxSecurityRole/Viewer.xml"))
        let base = try side(fixture, .base), head = try side(fixture, .head)
        let result = LicenseImpact(base: base.engine, head: head.engine, users: head.users, baseRoot: fixture.tree(.base).path, headRoot: fixture.tree(.head).path)
        let expected = try everyUserLicensed(base, head)
        #expect(expected.changed.contains("u1"))
        #expect(result.userChanges?.map(\.userId) == expected.changed)
        #expect(result.userCostBefore == expected.before && result.userCostDelta == expected.after - expected.before)
    }
}
