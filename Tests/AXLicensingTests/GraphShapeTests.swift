import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Testing

/// Hostile but legal graph shapes: deep sub-role chains and diamond lattices must be resolved and explained in time
/// and memory linear in the graph (issue 12, items 1 and 2).
@Suite struct GraphShapeTests {
    /// C0 → C1 → … → C(n-1), the last holding privilege P (Operations through an Enterprise menu item), and back to
    /// C0 when `closed`.
    static func chain(_ count: Int, closed: Bool = false) -> TreeBuilder {
        var tree = TreeBuilder()
        tree.menuItem("M", view: "Universal", maintain: "Enterprise")
        tree.privilege("P", [.allow("M", .read, .update)])
        for index in 0..<count {
            let last = index == count - 1
            tree.role("C\(index)", privileges: last ? ["P"] : [], subRoles: last ? (closed ? ["C0"] : []) : ["C\(index + 1)"])
        }
        return tree
    }

    /// Top holding L0A and L0B; each role of level l holding both roles of level l + 1; the last level holding P.
    static func diamond(levels: Int) -> TreeBuilder {
        var tree = TreeBuilder()
        tree.menuItem("M", view: "Universal", maintain: "Enterprise")
        tree.privilege("P", [.allow("M", .read, .update)])
        tree.role("Top", subRoles: ["L0A", "L0B"])
        for level in 0..<levels {
            let next = level + 1 < levels ? ["L\(level + 1)A", "L\(level + 1)B"] : []
            for side in ["A", "B"] { tree.role("L\(level)\(side)", privileges: level + 1 == levels ? ["P"] : [], subRoles: next) }
        }
        return tree
    }

    @Test func aHundredThousandRoleSubRoleChainIsResolvedExplainedAndEdited() throws {
        let count = 100_000
        let engine = Self.chain(count).engine(rows: [row("P", "Finance", unique: true)])
        let graph = engine.graph
        #expect(graph.diagnostics.isEmpty)
        let top = try #require(graph.role(named: "C0")), bottom = try #require(graph.role(named: "C\(count - 1)"))
        #expect(graph.roleEffectivePrivileges.allSatisfy { $0 == [0] })
        #expect(engine.license(of: .role(top)).summary == "Finance")
        // estimate
        let users = UserDirectory(users: [user("u0", ("C0", true)), user("u1", ("c\(count - 1)", true))])
        #expect(engine.estimate(users).users.map(\.license.summary) == ["Finance", "Finance"])
        // permissions and explain: one entry, the whole chain as its path
        let view = engine.permissions(of: .role(top))
        #expect(view.entries.count == 1)
        #expect(view.entries[0].path.count == count + 1 && view.entries[0].furtherPaths == 0)
        let explanation = try engine.explain(role: "C0")
        #expect(explanation.demands.map(\.chains.count) == [1, 1])
        #expect(explanation.demands[0].chains[0].path.last?.name == "P")
        // what-if on the bottom role reaches every role above it
        let answer = try engine.whatIf(role: "C\(count - 1)", edit: RoleEdit(removePrivileges: ["P"]), users: users)
        #expect(answer.roles.count == count)
        #expect(answer.roles.allSatisfy { $0.after.summary == "TeamMembers" })
        #expect(answer.usersChanged.map(\.userId) == ["u0", "u1"])
        let error = #expect(throws: WhatIfError.self) { try engine.whatIf(role: "C0", edit: RoleEdit(removePrivileges: ["P"]), users: nil) }
        if case .notDirectlyGranted(_, _, _, let path) = error { #expect(path?.hasSuffix("C\(count - 1) > P") == true) }
        _ = bottom
    }

    @Test func aFiftyThousandRoleCycleIsOneComponentAndReportedInAShortMessage() throws {
        let count = 50_000
        let graph = Self.chain(count, closed: true).graph
        #expect(graph.roles.count == count)
        let cycle = try #require(graph.diagnostics.filter { $0.code == .subRoleCycle }.only)
        #expect(cycle.message.hasPrefix("sub-role cycle C0 > C1 > C2 > C3 > C4 > … 49991 more … > C49996 > C49997 > C49998 > C49999 > C0;"))
        #expect(graph.roleEffectivePrivileges.allSatisfy { $0 == [0] })
    }

    @Test func aDiamondLatticeListsEachEntryPointOnceWithItsShortestPathAndCountsTheOthers() throws {
        let engine = Self.diamond(levels: 10).engine(rows: [row("P", "Finance", unique: true)])
        let top = try #require(engine.graph.role(named: "Top"))
        let view = engine.permissions(of: .role(top))
        let entry = try #require(view.entries.only)
        #expect(entry.path.map(\.name) == ["Top"] + (0..<10).map { "L\($0)A" } + ["P"])
        #expect(entry.furtherPaths == 1023)  // 2^10 paths in all
        let explanation = try engine.explain(role: "Top")
        #expect(explanation.demands.map(\.totalChains) == [1, 1])
        #expect(explanation.demands.allSatisfy { $0.chains.only?.furtherPaths == 1023 })
    }

    @Test func pathCountsSaturateInsteadOfOverflowing() throws {
        // 2^70 paths: more than Int holds.
        let engine = Self.diamond(levels: 70).engine()
        let top = try #require(engine.graph.role(named: "Top"))
        let grant = try #require(engine.graph.grantPaths(from: .role(top)).only)
        #expect(grant.furtherPaths == GrantPath.furtherPathLimit)
        #expect(grant.path.count == 72)
        #expect(grant.pathDescription.hasSuffix("L69A > P (and at least 1000000 more paths)"))
        let answer = #expect(throws: WhatIfError.self) { try engine.whatIf(role: "Top", edit: RoleEdit(removePrivileges: ["P"]), users: nil) }
        if case .notDirectlyGranted(_, _, _, let path) = answer { #expect(path?.hasSuffix("L69A > P") == true) }
        let edited = try engine.whatIf(role: "L69B", edit: RoleEdit(removePrivileges: ["P"]), users: nil)
        #expect(edited.roles.count == 2 * 70)  // L69B and every role above it but L69A
    }

    @Test func theShortestPathWinsOverTheFirstLinkedOne() throws {
        var tree = TreeBuilder()
        tree.menuItem("M", view: "Universal", maintain: "Enterprise")
        tree.privilege("P", [.allow("M", .read)])
        tree.duty("D", privileges: ["P"])
        tree.role("Deep", subRoles: ["Deeper"])
        tree.role("Deeper", duties: ["D"])
        tree.role("R", duties: ["D"], subRoles: ["Deep"])
        let graph = tree.graph
        let role = try #require(graph.role(named: "R"))
        let grant = try #require(graph.grantPaths(from: .role(role)).only)
        #expect(grant.path.map(\.name) == ["R", "D", "P"])
        #expect(grant.path.map(\.kind) == ["Role", "Duty", "Privilege"])
        #expect(grant.furtherPaths == 1)
    }

    @Test func aUsersRolesGrantingOnePrivilegeGiveOneChainCountingThePathsOfBoth() throws {
        var tree = TreeBuilder()
        tree.menuItem("M", view: "Universal", maintain: "Enterprise")
        tree.privilege("P", [.allow("M", .update)])
        tree.role("A", privileges: ["P"])
        tree.role("B", privileges: ["P"], subRoles: ["A"])
        let engine = tree.engine()
        let explanation = try engine.explain(user: "u", in: UserDirectory(users: [user("u", ("A", true), ("B", true))]))
        let chain = try #require(explanation.demands[0].chains.only)
        #expect(chain.path.map(\.name) == ["A", "P"])
        #expect(chain.furtherPaths == 2)  // B > P and B > A > P
    }

    @Test func pathsInASubRoleCycleDoNotGoRoundIt() throws {
        var tree = TreeBuilder()
        tree.menuItem("A", view: "Universal", maintain: "Activity")
        tree.privilege("PA", [.allow("A", .update)])
        tree.privilege("PB", [.allow("A", .read)])
        tree.role("RoleA", privileges: ["PA"], subRoles: ["RoleB"])
        tree.role("RoleB", privileges: ["PB"], subRoles: ["RoleA"])
        let graph = tree.graph
        let roleB = try #require(graph.role(named: "RoleB"))
        let grants = graph.grantPaths(from: .role(roleB))
        #expect(grants.map { $0.path.map(\.name) } == [["RoleB", "PB"], ["RoleB", "RoleA", "PA"]])
        #expect(grants.map(\.furtherPaths) == [0, 0])
        #expect(graph.roleEffectivePrivileges.allSatisfy { $0.count == 2 })
    }
}
