import AXTestSupport
import Foundation
import Testing

/// Hostile graph shapes through the commands (issue 12, items 1 and 2). The 100,000-role chain is checked in process
/// (GraphShapeTests for estimate, roles, permissions, explain and what-if; DeepChainImpactTests for diff): writing
/// and reading 100,000 files would make this slow, and the walks are the same.
@Suite struct GraphShapeCLITests {
    /// A workspace in `folder` whose roles are `roles` (name, sub-roles, privileges); P needs Operations and Finance.
    static func workspace(in folder: TemporaryFolder, roles: [(String, [String], [String])], users: [(String, String)]) throws -> String {
        let root = folder.path + "/ws", model = root + "/Metadata/P/M"
        for kind in ["AxSecurityRole", "AxSecurityPrivilege", "AxMenuItemDisplay"] {
            try FileManager.default.createDirectory(atPath: model + "/" + kind, withIntermediateDirectories: true)
        }
        func write(_ path: String, _ text: String) throws { try text.write(toFile: path, atomically: false, encoding: .utf8) }
        try write(model + "/AxMenuItemDisplay/MI.xml", "<AxMenuItemDisplay><Name>MI</Name><ViewUserLicense>Universal</ViewUserLicense><MaintainUserLicense>Enterprise</MaintainUserLicense></AxMenuItemDisplay>")
        try write(model + "/AxSecurityPrivilege/P.xml", "<AxSecurityPrivilege><Name>P</Name><EntryPoints><AxSecurityEntryPointReference><Name>MI</Name><ObjectName>MI</ObjectName><ObjectType>MenuItemDisplay</ObjectType><Grant><Read>Allow</Read><Update>Allow</Update></Grant></AxSecurityEntryPointReference></EntryPoints></AxSecurityPrivilege>")
        for (name, subRoles, privileges) in roles {
            let subs = subRoles.map { "<AxSecurityRoleReference><Name>\($0)</Name></AxSecurityRoleReference>" }.joined()
            let privs = privileges.map { "<AxSecurityPrivilegeReference><Name>\($0)</Name></AxSecurityPrivilegeReference>" }.joined()
            try write(model + "/AxSecurityRole/\(name).xml", "<AxSecurityRole><Name>\(name)</Name><Privileges>\(privs)</Privileges><SubRoles>\(subs)</SubRoles></AxSecurityRole>")
        }
        try write(root + "/users.csv", "UserId,SecurityRoleIdentifier\n" + users.map { "\($0.0),\($0.1)\n" }.joined())
        try write(root + "/LicensingServicePlansPrivilege.json", #"[{"PrivilegeIdentifier": "P", "SkuName": "Finance", "IsUnique": 1}]"#)
        return root
    }

    /// 5,000 roles: the unfixed debug binary died with SIGSEGV from about 3,300 (a release one from about 15,000);
    /// deeper chains are checked in process, where no files need writing.
    @Test func aDeepSubRoleChainWorksThroughTheCommands() throws {
        let count = 5_000
        let folder = TemporaryFolder()
        let roles = (0..<count).map { ("C\($0)", $0 + 1 < count ? ["C\($0 + 1)"] : [], $0 + 1 < count ? [] : ["P"]) }
        let ws = try Self.workspace(in: folder, roles: roles, users: [("u0", "C0")])
        let common = ["--workspace", ws, "--quiet"]
        let estimate = try run(axlicenseBinary, ["estimate", "--no-db", "--format", "json"] + common)
        #expect(estimate.status == 0, "\(estimate.stderr.prefix(300))")
        #expect(estimate.stdout.contains(#""base" : "Finance""#))
        let permissions = try run(axlicenseBinary, ["permissions", "C0", "--format", "json"] + common)
        #expect(permissions.status == 0, "\(permissions.stderr.prefix(300))")
        let entry = try #require((try json(permissions.stdout)["entryPoints"] as? [[String: Any]])?.first)
        #expect((entry["path"] as? [String])?.count == count + 1 && entry["furtherPaths"] as? Int == 0)
        let whatIf = try run(axlicenseBinary, ["what-if", "--role", "C\(count - 1)", "--remove-privilege", "P", "--format", "json"] + common)
        #expect(whatIf.status == 0, "\(whatIf.stderr.prefix(300))")
        #expect((try json(whatIf.stdout)["roles"] as? [Any])?.count == count)
        _ = try run("/bin/rm", ["-rf", ws])  // much faster than FileManager for thousands of files
    }

    /// 40 levels: 2^40 grant paths, listed once and counted (saturated).
    @Test func aDiamondLatticeGivesOneRowPerEntryPointWithACountOfFurtherPaths() throws {
        let levels = 40
        let folder = TemporaryFolder()
        var roles: [(String, [String], [String])] = [("Top", ["L0A", "L0B"], [])]
        for level in 0..<levels {
            for side in ["A", "B"] {
                roles.append(("L\(level)\(side)", level + 1 < levels ? ["L\(level + 1)A", "L\(level + 1)B"] : [], level + 1 < levels ? [] : ["P"]))
            }
        }
        let ws = try Self.workspace(in: folder, roles: roles, users: [("u0", "Top")])
        let common = ["--workspace", ws, "--quiet"]
        let permissions = try run(axlicenseBinary, ["permissions", "Top", "--format", "json"] + common)
        #expect(permissions.status == 0)
        let entries = try #require(try json(permissions.stdout)["entryPoints"] as? [[String: Any]])
        #expect(entries.count == 1 && entries[0]["furtherPaths"] as? Int == 1_000_000)
        let table = try run(axlicenseBinary, ["permissions", "Top"] + common)
        #expect(table.stdout.contains("L39A > P (and at least 1000000 more paths)"))
        let explain = try run(axlicenseBinary, ["explain", "--user", "u0", "--format", "json"] + common)
        let demands = try #require(try json(explain.stdout)["demands"] as? [[String: Any]])
        #expect(demands.map { $0["totalChains"] as? Int } == [1, 1])
        let chain = try #require((demands[0]["chains"] as? [[String: Any]])?.first)
        #expect(chain["furtherPaths"] as? Int == 1_000_000)
        let whatIf = try run(axlicenseBinary, ["what-if", "--role", "Top", "--remove-privilege", "P"] + common)
        #expect(whatIf.status == 1)
        #expect(whatIf.stderr.hasPrefix("axlicense: error: role 'Top' does not hold privilege 'P' directly; it is granted through Top > L0A > L1A"))
    }
}
