import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import AXWorkload
import Foundation
import Testing

/// A generated `small` workspace with the USG export of its object licenses, made once for the suite.
let generatedSmall: String = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axl-workload-\(UUID().uuidString)").path
    _ = try! WorkloadGenerator(scale: .small, seed: 7, writesSecurityObjectLicensesExport: true).write(to: folder)
    return folder
}()

/// Every file under `folder`, relative path → bytes.
func snapshotOfFiles(_ folder: String) throws -> [String: Data] {
    var result: [String: Data] = [:]
    let enumerator = FileManager.default.enumerator(atPath: folder)!
    while let relative = enumerator.nextObject() as? String {
        var isDirectory: ObjCBool = false
        let path = folder + "/" + relative
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
            result[relative] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
    }
    return result
}

@Suite struct WorkloadGeneratorTests {
    @Test func sameSeedWritesTheSameBytesAndAnotherSeedDoesNot() throws {
        let folder = TemporaryFolder()
        let again = folder.path + "/again", other = folder.path + "/other"
        try WorkloadGenerator(scale: .small, seed: 7, writesSecurityObjectLicensesExport: true).write(to: again)
        try WorkloadGenerator(scale: .small, seed: 8).write(to: other)
        let first = try snapshotOfFiles(generatedSmall), second = try snapshotOfFiles(again), third = try snapshotOfFiles(other)
        #expect(first.count > 2_500)
        #expect(first == second)
        #expect(first != third)
    }

    @Test func filesLookLikeRealAotFiles() throws {
        let files = try snapshotOfFiles(generatedSmall)
        let menuItem = try #require(files.first { $0.key.contains("/AxMenuItemDisplay/") }?.value)
        let text = String(decoding: menuItem, as: UTF8.self)
        #expect(text.contains("\r\n"))
        #expect(text.contains("xmlns=\"Microsoft.Dynamics.AX.Metadata.V1\""))
        #expect(files.values.contains { $0.starts(with: [0xEF, 0xBB, 0xBF]) })
        #expect(files.keys.contains { $0.contains("/AxSecurityRoleExtension/") })
        #expect(files.keys.contains { $0.contains("/AxSecurityDutyExtension/") })
    }

    @Test func parallelLoadGivesExactlyTheSingleThreadedResult() throws {
        let sequential = SecurityGraph(try MetadataLoader(concurrency: 1).load(root: generatedSmall + "/Metadata"))
        let parallel = SecurityGraph(try MetadataLoader(concurrency: 4).load(root: generatedSmall + "/Metadata"))
        #expect(sequential.roles == parallel.roles)
        #expect(sequential.duties == parallel.duties)
        #expect(sequential.privileges == parallel.privileges)
        #expect(sequential.menuItems == parallel.menuItems)
        #expect(sequential.diagnostics == parallel.diagnostics)
        #expect(sequential.roleEffectivePrivileges == parallel.roleEffectivePrivileges)
    }

    @Test func generatedWorkspaceEstimatesWithAMixOfTiersUnderTheLegacyMethod() throws {
        let workspace = try LoadedWorkspace.load(WorkspacePaths(workspace: generatedSmall), users: .required, keepGoing: false, method: .legacy)
        let estimate = workspace.engine.estimate(workspace.users!)
        #expect(estimate.users.count == 1_000)
        #expect(workspace.engine.graph.roles.count == 30)
        for tier in LicenseTier.allCases { #expect((estimate.summary.tiers[tier] ?? 0) > 0, "no \(tier) users") }
        #expect(!estimate.diagnostics.containsErrors)
    }

    /// A generated workspace carries ObjectLicenses/, so its default is the per-object method, which prices the same
    /// users differently from the legacy one.
    @Test func generatedWorkspaceDefaultsToThePerObjectMethod() throws {
        let paths = WorkspacePaths(workspace: generatedSmall)
        let objects = try LoadedWorkspace.load(paths, users: .required, keepGoing: false)
        #expect(objects.method.primary == .objects && objects.method.wasDefaulted)
        let estimate = objects.engine.estimate(objects.users!)
        #expect(estimate.users.count == 1_000)
        #expect(!estimate.diagnostics.containsErrors)
        #expect((estimate.summary.tiers[.teamMembers] ?? 0) > 0 && (estimate.summary.tiers[.operations] ?? 0) > 0)
        let legacy = try LoadedWorkspace.load(paths, users: .required, keepGoing: false, method: .legacy)
        #expect(estimate.summary.monthlyCost != legacy.engine.estimate(legacy.users!).summary.monthlyCost)
    }
}

/// The rows of a generated CSV file (header first), read the way axlicense reads every CSV input.
func csvRows(_ path: String) throws -> (header: [String], rows: [[String]]) {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let table = try CSVTable(text, path: path, delimiter: ",")
    let read = table.rows { $0 }
    if let error = read.error { throw error }
    return (table.header, read.rows.map(\.row))
}

/// The generated object-license data (the Licensing* SQL exports and the USG export) for the per-object method.
@Suite struct GeneratedObjectLicenseTests {
    static let sql = generatedSmall + "/ObjectLicenses/"

    @Test func objectLicenseDataLeavesTheRestOfTheWorkspaceByteForByteAsBefore() throws {
        let folder = TemporaryFolder()
        try WorkloadGenerator(scale: .small, seed: 7, writesObjectLicenses: false).write(to: folder.path + "/without")
        let with = try snapshotOfFiles(generatedSmall), without = try snapshotOfFiles(folder.path + "/without")
        #expect(Set(with.keys).subtracting(without.keys) == [
            "ObjectLicenses/LicensingAllSkus.csv", "ObjectLicenses/LicensingEntitlementObjects.csv",
            "ObjectLicenses/LicensingAllEntitledPermissions.csv", "SecurityObjectLicenses.csv",
        ])
        for (path, bytes) in without { #expect(with[path] == bytes, "\(path) differs") }
    }

    @Test func sqlExportsHaveMicrosoftsHeadersAndEveryRecIdResolves() throws {
        let skus = try csvRows(Self.sql + "LicensingAllSkus.csv")
        let objects = try csvRows(Self.sql + "LicensingEntitlementObjects.csv")
        let permissions = try csvRows(Self.sql + "LicensingAllEntitledPermissions.csv")
        #expect(skus.header == ["RecId", "SkuName", "Priority", "GroupName"])
        #expect(objects.header == ["RecId", "AOTName", "AOTChildName", "SecurableType"])
        #expect(permissions.header == ["EntitlementObject", "AccessLevel", "SkuRecId"])
        let skuIds = Set(skus.rows.map { $0[0] }), objectIds = Set(objects.rows.map { $0[0] })
        #expect(skuIds.count == skus.rows.count && objectIds.count == objects.rows.count, "RecIds are unique")
        #expect(Set(skus.rows.filter { $0[3] == "Base 1" }.map { $0[1] }).isSuperset(of: ["Dynamics 365 Finance", "Dynamics 365 Supply Chain Management", "Dynamics 365 Commerce"]))
        #expect(objects.rows.allSatisfy { SecurableKind(text: $0[3]) != nil })
        #expect(permissions.rows.count > objects.rows.count)
        var levels: [String: Set<String>] = [:]
        #expect(permissions.rows.filter { !objectIds.contains($0[0]) }.map { $0[0] } == [], "every EntitlementObject resolves")
        #expect(permissions.rows.filter { !skuIds.contains($0[2]) }.map { $0[2] } == [], "every SkuRecId resolves")
        #expect(permissions.rows.allSatisfy { ObjectAccessLevel(text: $0[1]) != nil })
        for row in permissions.rows { levels[row[0], default: []].insert(row[1]) }
        #expect(objectIds.subtracting(levels.keys).isEmpty, "every object has at least one level")
        #expect(levels.values.contains { $0 == ["1", "2"] } && levels.values.contains { $0 == ["2"] })
    }

    @Test func standardObjectsAreMostlyInTheDataWithOneToThreeSkusAndCustomObjectsAreNot() throws {
        let skuNames = Dictionary(uniqueKeysWithValues: try csvRows(Self.sql + "LicensingAllSkus.csv").rows.map { ($0[0], $0[1]) })
        let objects = try csvRows(Self.sql + "LicensingEntitlementObjects.csv").rows
        var writeSets: [String: [String]] = [:]
        for row in try csvRows(Self.sql + "LicensingAllEntitledPermissions.csv").rows where row[1] == "2" {
            writeSets[row[0], default: []].append(skuNames[row[2]]!)
        }
        let known = writeSets.values.filter { !$0.contains("Dynamics 365 Guides") }
        #expect(known.allSatisfy { (1...4).contains($0.count) })  // 1–3 SKUs, sometimes with a premium beside them
        #expect(known.filter { $0.count <= 3 }.count * 100 >= known.count * 95)
        #expect(known.contains { $0.count >= 2 } && known.contains { $0 == ["Dynamics 365 Finance"] })
        #expect(writeSets.values.contains { $0 == ["Dynamics 365 Guides"] }, "a few objects only an unknown SKU entitles")

        let graph = SecurityGraph(try MetadataLoader(concurrency: 2).load(root: generatedSmall + "/Metadata"))
        let microsoft: Set<String> = ["ApplicationSuite", "ApplicationPlatform"]
        let items = Dictionary(graph.menuItems.map { ($0.name, $0.origin.package) }, uniquingKeysWith: { first, _ in first })
        let inData = Set(objects.map { $0[1] })
        #expect(inData.allSatisfy { items[$0].map(microsoft.contains) ?? true }, "no custom object is in Microsoft's data")
        let granted = Set(graph.privileges.flatMap { $0.entryPoints.map(\.objectName) })
        let standard = granted.filter { items[$0].map(microsoft.contains) ?? true }
        let custom = granted.subtracting(standard)
        #expect(!custom.isEmpty)
        #expect(standard.filter(inData.contains).count * 100 >= standard.count * 90, "most standard objects are in the data")
    }

    @Test func usgExportCarriesTheSameLicensesAsTheSqlExports() throws {
        let skuNames = Dictionary(uniqueKeysWithValues: try csvRows(Self.sql + "LicensingAllSkus.csv").rows.map { ($0[0], $0[1]) })
        let objects = Dictionary(uniqueKeysWithValues: try csvRows(Self.sql + "LicensingEntitlementObjects.csv").rows.map { ($0[0], ($0[3], $0[1])) })
        var licenses: [String: [String]] = [:]
        for row in try csvRows(Self.sql + "LicensingAllEntitledPermissions.csv").rows {
            let (kind, name) = objects[row[0]]!
            licenses["\(SecurableKind(text: kind)!)|\(name)|\(ObjectAccessLevel(text: row[1])!)", default: []].append(skuNames[row[2]]!)
        }
        let usg = try csvRows(generatedSmall + "/SecurityObjectLicenses.csv")
        #expect(usg.header == ["Role name", "Subrole name", "Duty name", "Privilege name", "Securable type", "AOT name", "AOT child name",
                               "Read", "Update", "Create", "Delete", "Invoke", "Access level", "License"])
        #expect(usg.rows.count > 1_000)
        for row in usg.rows {
            let key = "\(SecurableKind(text: row[4])!)|\(row[5])|\(ObjectAccessLevel(text: row[12])!)"
            #expect(licenses[key]?.joined(separator: " or ") == row[13], "\(key)")
        }
    }
}
