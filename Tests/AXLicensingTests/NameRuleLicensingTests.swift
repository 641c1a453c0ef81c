import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import Testing

/// Names compared after NFC normalisation and case folding, in every lookup (issue 12, item 9).
@Suite struct NameRuleLicensingTests {
    static let nfc = "Caf\u{E9}", nfd = "Cafe\u{301}"

    /// Two roles that differ only as NFC and NFD: one role (the first in path order) and a duplicate warning.
    func engine() -> LicensingEngine {
        var tree = TreeBuilder()
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.menuItem("Read", view: "Universal", maintain: "Universal")
        tree.privilege("Priv\(Self.nfc)", [.allow("Ops", .update)])
        tree.privilege("Look", [.allow("Read", .read)])
        tree.role(Self.nfc, privileges: ["Priv\(Self.nfd)"])  // the reference is spelled the other way
        tree.origin = ModelOrigin(package: "Zeta", model: "Zeta")
        tree.role(Self.nfd, privileges: ["Look"])
        return tree.engine(rows: [row("PRIV\(Self.nfd)", "Finance", unique: true)])
    }

    @Test func rolesDifferingOnlyInNormalisationAreOneRoleWithADuplicateWarning() throws {
        let engine = engine()
        #expect(engine.graph.roles.count == 1)
        #expect(engine.graph.roles[0].origin.model == "TestModel")
        #expect(engine.graph.diagnostics.map(\.code) == [.duplicateDefinition])
        #expect(engine.graph.role(named: Self.nfc) == 0 && engine.graph.role(named: Self.nfd.uppercased()) == 0)
        #expect(engine.graph.privilege(named: "priv\(Self.nfd)") == engine.graph.roleEffectivePrivileges[0].first)
    }

    @Test func aUserAssignedEitherSpellingIsPricedByTheSameRole() throws {
        let engine = engine()
        let users = UserDirectory(users: [user("a", (Self.nfc, true)), user("b", (Self.nfd.uppercased(), true))])
        let rows = engine.estimate(users).users
        #expect(rows.map(\.license.summary) == ["Finance", "Finance"])
        #expect(rows.allSatisfy { $0.roles == [Self.nfc] })
    }

    @Test func userIdsAreComparedByTheSameRule() throws {
        let directory = try UserDirectory.parse("UserId,SecurityRoleIdentifier\nZo\u{EB},\(Self.nfc)\nZOE\u{308},Other\n", path: "users.csv")
        #expect(directory.users.count == 1)
        #expect(directory.users[0].assignments.count == 2)
        let engine = engine()
        #expect(try engine.explain(user: "zoe\u{308}", in: directory).license.summary == "Finance")
        let answer = try engine.whatIf(user: "ZO\u{CB}", addRoles: [], removeRoles: [Self.nfd], in: directory)
        #expect(answer.after.license == .none)
    }

    @Test func skuNamesAreComparedByTheSameRule() throws {
        let catalog = SkuCatalog.builtIn()
        let finance = try #require(catalog.position(of: "Finance"))
        #expect(catalog.position(of: "FINANCE") == finance)
        var skus = catalog.skus
        skus[finance].aliases.append("Finanz\(Self.nfc)")
        let custom = try SkuCatalog(skus: skus)
        #expect(custom.position(of: "finanz\(Self.nfd.uppercased())") == finance)
    }
}
