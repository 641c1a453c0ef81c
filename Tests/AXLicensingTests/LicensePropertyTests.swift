import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Testing

/// A random security tree as plain data, so a test can change one thing and build both versions.
struct RandomTree {
    var menuItems: [(name: String, view: String, maintain: String)] = []
    var privileges: [(name: String, entryPoints: [(object: String, rights: [AccessRight])])] = []
    var duties: [(name: String, privileges: [String])] = []
    var roles: [(name: String, duties: [String], privileges: [String], subRoles: [String])] = []
    var rows: [ServicePlanPrivilegeRow] = []

    init(seed: UInt64) {
        var rng = SeededGenerator(seed: seed)
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

    /// The engine for this tree; with a shuffle seed the objects are added in a shuffled order.
    func engine(shuffleSeed: UInt64? = nil) -> LicensingEngine {
        builder(shuffleSeed: shuffleSeed).engine(rows: rows)
    }

    /// The tree builder holding this tree's objects, in the order menu items, privileges, duties, roles, or shuffled.
    func builder(shuffleSeed: UInt64? = nil) -> TreeBuilder {
        var steps: [(inout TreeBuilder) -> Void] = []
        for item in menuItems { steps.append { $0.menuItem(item.name, view: item.view, maintain: item.maintain) } }
        for privilege in privileges {
            steps.append { $0.privilege(privilege.name, privilege.entryPoints.map { TreeBuilder.EP(object: $0.object, grant: Dictionary(uniqueKeysWithValues: $0.rights.map { ($0, .allow) })) }) }
        }
        for duty in duties { steps.append { $0.duty(duty.name, privileges: duty.privileges) } }
        for role in roles { steps.append { $0.role(role.name, duties: role.duties, privileges: role.privileges, subRoles: role.subRoles) } }
        if let shuffleSeed {
            var rng = SeededGenerator(seed: shuffleSeed)
            steps.shuffle(using: &rng)
        }
        var builder = TreeBuilder()
        for step in steps { step(&builder) }
        return builder
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

extension LicensingEngine {
    /// The names of the privileges each role holds (directly, through duties and sub-roles), by role name.
    var roleEffectivePrivilegeNames: [String: Set<String>] {
        Dictionary(uniqueKeysWithValues: graph.roles.indices.map { index in
            (graph.roles[index].name, Set(graph.roleEffectivePrivileges[index].map { graph.privileges[$0].name }))
        })
    }
}

/// Monotonicity and order independence on random trees. Each property runs over many seeds and counts the seeds where
/// the mutation changed at least one role's license: a generator that stops producing mutations that matter makes the
/// test fail, instead of passing without having tested anything.
@Suite struct LicensePropertyTests {
    static let seeds: [UInt64] = Array(1...30)

    /// Expects no role of `before` to be cheaper or on a lower entry-point tier in `after`; returns whether any role's
    /// license or tier changed (the mutation reached the licensing result).
    @discardableResult
    func expectNoLower(_ before: LicensingEngine, _ after: LicensingEngine, _ what: String) -> Bool {
        let old = before.roleResults, new = after.roleResults
        var changed = false
        for (role, result) in old {
            guard let now = new[role] else { continue }
            #expect(now.cost >= result.cost, "\(what): \(role) \(result.summary) → \(now.summary)")
            #expect(now.tier >= result.tier, "\(what): \(role) entry-point \(result.tier) → \(now.tier)")
            if now.cost != result.cost || now.tier != result.tier || now.summary != result.summary { changed = true }
        }
        return changed
    }

    /// Every right added to every entry point of every privilege, one at a time. Few of these mutations change a
    /// license (about 3%: most add a right to an access level the entry point already has), so the test runs over 12
    /// seeds, in parallel, and requires at least 4 of them to hold an added grant that raised a license.
    @Test func addingAGrantNeverLowersALicense() async {
        let exercised = await withTaskGroup(of: Bool.self) { group in
            for seed in Self.seeds.prefix(12) {
                group.addTask { addingEachGrantNeverLowersALicense(seed: seed) }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(exercised >= 4, "only \(exercised) of 12 seeds had an added grant that changed a license")
    }

    /// Adds each missing right to each entry point of the tree of `seed`; returns whether any of them changed a license.
    private func addingEachGrantNeverLowersALicense(seed: UInt64) -> Bool {
        let tree = RandomTree(seed: seed)
        let before = tree.engine()
        var changedAny = false
        for p in tree.privileges.indices {
            for e in tree.privileges[p].entryPoints.indices {
                for right in AccessRight.allCases where !tree.privileges[p].entryPoints[e].rights.contains(right) {
                    var changed = tree
                    changed.privileges[p].entryPoints[e].rights.append(right)
                    if expectNoLower(before, changed.engine(), "seed \(seed) +\(right) on P\(p) entry point \(e)") { changedAny = true }
                }
            }
        }
        return changedAny
    }

    @Test func addingADutyOrSubRoleNeverLowersALicense() {
        var dutyExercised = 0, subRoleExercised = 0
        for seed in Self.seeds {
            let tree = RandomTree(seed: seed)
            var rng = SeededGenerator(seed: seed &* 17)
            let before = tree.engine()
            let dutyRole = Int.random(in: 0..<tree.roles.count, using: &rng)
            let newDuties = tree.duties.map(\.name).filter { !tree.roles[dutyRole].duties.contains($0) }
            if let duty = newDuties.randomElement(using: &rng) {
                var withDuty = tree
                withDuty.roles[dutyRole].duties.append(duty)
                if expectNoLower(before, withDuty.engine(), "seed \(seed) duty \(duty) added to R\(dutyRole)") { dutyExercised += 1 }
            }
            let subRoleParent = Int.random(in: 0..<tree.roles.count, using: &rng)
            let newSubRoles = tree.roles.map(\.name).filter { $0 != tree.roles[subRoleParent].name && !tree.roles[subRoleParent].subRoles.contains($0) }
            if let subRole = newSubRoles.randomElement(using: &rng) {
                var withSubRole = tree
                withSubRole.roles[subRoleParent].subRoles.append(subRole)
                if expectNoLower(before, withSubRole.engine(), "seed \(seed) sub-role \(subRole) added to R\(subRoleParent)") { subRoleExercised += 1 }
            }
        }
        #expect(dutyExercised >= 10, "only \(dutyExercised) of \(Self.seeds.count) seeds added a duty that changed a license")
        #expect(subRoleExercised >= 10, "only \(subRoleExercised) of \(Self.seeds.count) seeds added a sub-role that changed a license")
    }

    @Test func removingAPrivilegeNeverRaisesALicense() {
        var exercised = 0
        for seed in Self.seeds {
            let tree = RandomTree(seed: seed)
            var rng = SeededGenerator(seed: seed &* 7)
            var smaller = tree
            let d = Int.random(in: 0..<tree.duties.count, using: &rng)
            let removed = tree.duties[d].privileges[0]
            smaller.duties[d].privileges.removeAll { $0 == removed }
            #expect(!smaller.duties[d].privileges.contains(removed), "seed \(seed): D\(d) still holds \(removed)")
            if expectNoLower(smaller.engine(), tree.engine(), "seed \(seed) \(removed) removed from D\(d)") { exercised += 1 }
        }
        #expect(exercised >= 5, "only \(exercised) of \(Self.seeds.count) seeds removed a privilege that changed a license")
    }

    @Test func resultDoesNotDependOnFileOrder() {
        for seed in Self.seeds {
            let tree = RandomTree(seed: seed)
            let inOrder = tree.builder(), shuffled = tree.builder(shuffleSeed: seed &+ 99)
            #expect(inOrder.objects.map(\.file) != shuffled.objects.map(\.file), "seed \(seed): the shuffle left the order as it was")
            #expect(Set(inOrder.objects.map(\.file)) == Set(shuffled.objects.map(\.file)))
            let before = inOrder.engine(rows: tree.rows).roleResults, after = shuffled.engine(rows: tree.rows).roleResults
            #expect(before.mapValues(\.summary) == after.mapValues(\.summary), "seed \(seed)")
            #expect(before.mapValues(\.cost) == after.mapValues(\.cost), "seed \(seed)")
        }
    }
}
