import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Issue 16 in the libraries: any-of groups that list Activity name no full SKU, the catalog's order, System
/// administrator as a role, and looking names up by label with "did you mean".
@Suite struct EverydayLicensingTests {
    func tree() -> TreeBuilder {
        var tree = TreeBuilder()
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.menuItem("Read", view: "Universal", maintain: "Universal")
        tree.privilege("OpsPriv", [.allow("Ops", .update)])
        tree.privilege("ReadPriv", [.allow("Read", .read)])
        tree.role("Planner", label: "Project planner", privileges: ["OpsPriv"])
        tree.role("ClerkA", label: "Clerk", privileges: ["ReadPriv"])
        tree.role("ClerkB", label: "clerk", privileges: ["ReadPriv"])
        tree.role("-SYSADMIN-", label: "System administrator", privileges: ["OpsPriv"])
        return tree
    }

    /// Project Operations is the cheapest full SKU, and the group lists it: without the rule the tie-break would
    /// name it as demanded, when any base meets a group that lists Activity.
    @Test func anAnyOfGroupListingActivityNamesNoFullSku() throws {
        let engine = tree().engine(rows: [row("OpsPriv", "ProjectOperations", unique: false), row("OpsPriv", "Activity", unique: false)])
        let license = engine.license(ofRole: "Planner")
        #expect(license.base == .anyBase)
        #expect(license.summary == "Operations (any base)")
        #expect(license.tier == .operations)
        #expect(license.monthlyCost == Money(cents: 12000))
        let explanation = try engine.explain(role: "Planner")
        let anyBase = try #require(explanation.demands.first { $0.need == .anyBase })
        #expect(anyBase.chains.count == 1)
        #expect(!explanation.demands.contains { if case .sku = $0.need { true } else { false } })
    }

    @Test func aGroupWithoutATierLevelSkuStillNamesItsSku() {
        let engine = tree().engine(rows: [row("OpsPriv", "ProjectOperations", unique: false), row("OpsPriv", "Finance", unique: false)])
        #expect(engine.license(ofRole: "Planner").summary == "ProjectOperations")
    }

    @Test func theCatalogIsReadInPriorityOrderWhateverTheFilesOrder() throws {
        let shipped = try Data(contentsOf: packageRoot.appendingPathComponent("Data/skus.json"))
        var root = try #require(try JSONSerialization.jsonObject(with: shipped) as? [String: Any])
        root["skus"] = Array(try #require(root["skus"] as? [Any]).reversed())
        let reversed = try SkuCatalog.decode(try JSONSerialization.data(withJSONObject: root), source: "reversed.json")
        let builtIn = SkuCatalog.builtIn()
        #expect(reversed.skus.map(\.name) == builtIn.skus.map(\.name))
        #expect(builtIn.skus.map(\.priority) == builtIn.skus.map(\.priority).sorted(by: >))
    }

    @Test func systemAdministratorNeedsNoLicenseAsARoleUnlessCounted() throws {
        let engine = tree().engine()
        let admin = try #require(engine.roleLicenses(users: nil).first { $0.role.name == "-SYSADMIN-" })
        #expect(admin.basis == .systemAdministrator)
        #expect(admin.license == .none)
        let counted = try #require(engine.roleLicenses(users: nil, options: EstimateOptions(sysadminCounts: true)).first { $0.role.name == "-SYSADMIN-" })
        #expect(counted.basis == .roles)
        #expect(counted.license.tier == .operations)
        #expect(try engine.explain(role: "-sysadmin-").basis == .systemAdministrator)
    }

    @Test func aLabelFindsItsRoleAndASharedLabelListsTheCandidates() throws {
        let graph = tree().graph
        #expect(try graph.index(of: .role, named: "PROJECT PLANNER") == graph.role(named: "Planner"))
        #expect(throws: LookupError.ambiguousLabel(label: "clerk", candidates: ["ClerkA", "ClerkB"])) { _ = try graph.index(of: .role, named: "clerk") }
        #expect(throws: LookupError.ambiguousLabel(label: "Clerk", candidates: ["ClerkA", "ClerkB"])) { _ = try graph.object(named: "Clerk", type: nil) }
    }

    @Test func anUnknownNameSuggestsTheClosestNamesAndLabels() {
        let graph = tree().graph
        #expect(throws: LookupError.notFound(name: "Planer", type: .role, suggestions: ["Planner"])) { _ = try graph.index(of: .role, named: "Planer") }
        #expect(throws: LookupError.notFound(name: "project planer", type: .role, suggestions: ["Planner (Project planner)"])) {
            _ = try graph.index(of: .role, named: "project planer")
        }
        #expect(throws: LookupError.notFound(name: "Zzzzzzzzzz", type: .role, suggestions: [])) { _ = try graph.index(of: .role, named: "Zzzzzzzzzz") }
    }
}
