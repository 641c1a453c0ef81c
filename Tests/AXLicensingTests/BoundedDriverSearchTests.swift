import AXLicensingTestSupport
import AXModel
import AXReading
import Testing

@testable import AXLicensing

/// The driver search stays bounded however many privilege groups a role has (`boundedEvaluationLimit` per phase):
/// a role holding one privilege per pair and triple of the seven operations SKUs (56 groups, each IsUnique 0) took
/// 35 s in a debug build, and 66 pairs over twelve SKUs over two minutes.
@Suite struct BoundedDriverSearchTests {
    @Test func manyAnyOfGroupsRunABoundedNumberOfOptimisations() throws {
        let operations = ["SupplyChainManagementPremium", "FinancePremium", "SupplyChainManagement", "Finance", "Commerce", "ProjectOperations", "HumanResources"]
        var sets: [[String]] = []
        for a in operations.indices {
            for b in operations.indices where b > a {
                sets.append([operations[a], operations[b]])
                for c in operations.indices where c > b { sets.append([operations[a], operations[b], operations[c]]) }
            }
        }
        #expect(sets.count == 56)
        var tree = TreeBuilder()
        tree.menuItem("Ent", view: "Universal", maintain: "Enterprise")
        var rows: [ServicePlanPrivilegeRow] = []
        for (index, skus) in sets.enumerated() {
            tree.privilege("P\(index)", [.allow("Ent", .read, .update)])
            rows += skus.map { row("P\(index)", $0, unique: false) }
        }
        tree.role("C0", privileges: sets.indices.map { "P\($0)" })
        let engine = tree.engine(rows: rows)
        let role = try #require(engine.graph.role(named: "C0"))
        let privileges = engine.graph.roleEffectivePrivileges[role]
        let license = engine.optimizer.cheapestLicense(for: engine.requirements(ofPrivileges: privileges))
        let search = engine.licenseDrivers(privileges: privileges, license: license)
        #expect(!search.exhaustive)
        #expect(search.evaluations <= 2 * LicenseExplanation.boundedEvaluationLimit, "\(search.evaluations) optimisations")
        // Removing every group still reaches Team Members: the shrinking phase finds the tier's driver.
        #expect(search.drivers.contains { $0.licenseAfter.summary == "TeamMembers" })
    }
}
