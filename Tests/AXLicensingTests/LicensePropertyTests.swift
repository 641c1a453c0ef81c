import AXLicensing
import AXModel
import AXReading
import Testing

/// A random security tree as plain data, so a test can change one thing and build both versions.
struct RandomTree {
    var menuItems: [(name: String, view: String, maintain: String)] = []
    var privileges: [(name: String, entryPoints: [(object: String, rights: [AccessRight])])] = []
    var duties: [(name: String, privileges: [String])] = []
    var roles: [(name: String, duties: [String], privileges: [String], subRoles: [String])] = []
    var rows: [ServicePlanPrivilegeRow] = []

    init(seed: UInt64) {
        var rng = OptimizerBruteForceTests.SplitMix64(state: seed)
        let licenses = ["None", "Universal", "Activity", "Enterprise", "Task", "Functional", ""]
        let skus = ["Finance", "SupplyChainManagement", "Commerce", "ProjectOperations", "HumanResources", "Activity", "TeamMembers"]
        for index in 0..<12 { menuItems.append(("M\(index)", licenses.randomElement(using: &rng)!, licenses.randomElement(using: &rng)!)) }
        for index in 0..<15 {
            let entryPoints = (0..<Int.random(in: 1...2, using: &rng)).map { _ in
                (object: "M\(Int.random(in: 0...13, using: &rng))", rights: AccessRight.allCases.filter { _ in Bool.random(using: &rng) && Bool.random(using: &rng) })
            }
            privileges.append(("P\(index)", entryPoints))
            if Int.random(in: 0...2, using: &rng) == 0 {
                for _ in 0..<Int.random(in: 1...2, using: &rng) {
                    rows.append(ServicePlanPrivilegeRow(privilegeIdentifier: "P\(index)", skuName: skus.randomElement(using: &rng)!, isUnique: Bool.random(using: &rng)))
                }
            }
        }
        // Sparse on purpose: roles of one or two privileges, so that one grant can decide a role's license.
        for index in 0..<8 { duties.append(("D\(index)", (0..<Int.random(in: 1...2, using: &rng)).map { _ in "P\(Int.random(in: 0...14, using: &rng))" })) }
        for index in 0..<6 {
            roles.append(("R\(index)", (0..<Int.random(in: 0...1, using: &rng)).map { _ in "D\(Int.random(in: 0...7, using: &rng))" },
                          (0..<Int.random(in: 1...1, using: &rng)).map { _ in "P\(Int.random(in: 0...14, using: &rng))" },
                          Int.random(in: 0...3, using: &rng) == 0 ? ["R\(Int.random(in: 0...5, using: &rng))"] : []))
        }
    }

    /// The engine for this tree, objects added in `order` (a permutation of the object kinds' items).
    func engine(shuffleSeed: UInt64? = nil) -> LicensingEngine {
        var steps: [(inout TreeBuilder) -> Void] = []
        for item in menuItems { steps.append { $0.menuItem(item.name, view: item.view, maintain: item.maintain) } }
        for privilege in privileges {
            steps.append { $0.privilege(privilege.name, privilege.entryPoints.map { TreeBuilder.EP(object: $0.object, grant: Dictionary(uniqueKeysWithValues: $0.rights.map { ($0, .allow) })) }) }
        }
        for duty in duties { steps.append { $0.duty(duty.name, privileges: duty.privileges) } }
        for role in roles { steps.append { $0.role(role.name, duties: role.duties, privileges: role.privileges, subRoles: role.subRoles) } }
        if let shuffleSeed {
            var rng = OptimizerBruteForceTests.SplitMix64(state: shuffleSeed)
            steps.shuffle(using: &rng)
        }
        var builder = TreeBuilder()
        for step in steps { step(&builder) }
        return builder.engine(rows: rows)
    }
}

extension LicensingEngine {
    /// Cost and entry-point tier of every role, by name.
    var roleResults: [String: (cost: Money, tier: LicenseTier, summary: String)] {
        Dictionary(uniqueKeysWithValues: graph.roles.indices.map { index in
            let license = license(of: .role(index))
            return (graph.roles[index].name, (license.monthlyCost, roleRequirements[index].entryPointTier, license.summary))
        })
    }
}

@Suite struct LicensePropertyTests {
    static let seeds: [UInt64] = Array(1...30)

    func expectNoLower(_ before: LicensingEngine, _ after: LicensingEngine, _ what: String) {
        let old = before.roleResults, new = after.roleResults
        for (role, result) in old {
            guard let changed = new[role] else { continue }
            #expect(changed.cost >= result.cost, "\(what): \(role) \(result.summary) → \(changed.summary)")
            #expect(changed.tier >= result.tier, "\(what): \(role) entry-point \(result.tier) → \(changed.tier)")
        }
    }

    /// Every right added to every entry point of every privilege, one at a time.
    @Test(arguments: Array(seeds.prefix(6)))
    func addingAGrantNeverLowersALicense(seed: UInt64) {
        let tree = RandomTree(seed: seed)
        let before = tree.engine()
        for p in tree.privileges.indices {
            for e in tree.privileges[p].entryPoints.indices {
                for right in AccessRight.allCases where !tree.privileges[p].entryPoints[e].rights.contains(right) {
                    var changed = tree
                    changed.privileges[p].entryPoints[e].rights.append(right)
                    expectNoLower(before, changed.engine(), "seed \(seed) +\(right) on P\(p) entry point \(e)")
                }
            }
        }
    }

    @Test(arguments: seeds)
    func addingADutyOrSubRoleNeverLowersALicense(seed: UInt64) {
        let tree = RandomTree(seed: seed)
        var rng = OptimizerBruteForceTests.SplitMix64(state: seed &* 17)
        var withDuty = tree
        withDuty.roles[Int.random(in: 0..<tree.roles.count, using: &rng)].duties.append("D\(Int.random(in: 0..<tree.duties.count, using: &rng))")
        expectNoLower(tree.engine(), withDuty.engine(), "seed \(seed) duty added")
        var withSubRole = tree
        withSubRole.roles[Int.random(in: 0..<tree.roles.count, using: &rng)].subRoles.append("R\(Int.random(in: 0..<tree.roles.count, using: &rng))")
        expectNoLower(tree.engine(), withSubRole.engine(), "seed \(seed) sub-role added")
    }

    @Test(arguments: seeds)
    func removingAPrivilegeNeverRaisesALicense(seed: UInt64) {
        let tree = RandomTree(seed: seed)
        var rng = OptimizerBruteForceTests.SplitMix64(state: seed &* 7)
        var smaller = tree
        let d = Int.random(in: 0..<tree.duties.count, using: &rng)
        smaller.duties[d].privileges.removeFirst()
        expectNoLower(smaller.engine(), tree.engine(), "seed \(seed) privilege removed from D\(d)")
    }

    @Test(arguments: seeds)
    func resultDoesNotDependOnFileOrder(seed: UInt64) {
        let tree = RandomTree(seed: seed)
        let inOrder = tree.engine().roleResults, shuffled = tree.engine(shuffleSeed: seed &+ 99).roleResults
        #expect(inOrder.mapValues(\.summary) == shuffled.mapValues(\.summary))
        #expect(inOrder.mapValues(\.cost) == shuffled.mapValues(\.cost))
    }
}
