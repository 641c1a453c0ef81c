import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import AXWorkload
import Foundation
import Testing

/// A generated `small` workspace, made once for the suite.
let generatedSmall: String = {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axl-workload-\(UUID().uuidString)").path
    _ = try! WorkloadGenerator(scale: .small, seed: 7).write(to: folder)
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
        try WorkloadGenerator(scale: .small, seed: 7).write(to: again)
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

    @Test func generatedWorkspaceEstimatesWithAMixOfTiers() throws {
        let workspace = try LoadedWorkspace.load(WorkspacePaths(workspace: generatedSmall), users: .required, keepGoing: false)
        let estimate = workspace.engine.estimate(workspace.users!)
        #expect(estimate.users.count == 1_000)
        #expect(workspace.engine.graph.roles.count == 30)
        for tier in LicenseTier.allCases { #expect((estimate.summary.tiers[tier] ?? 0) > 0, "no \(tier) users") }
        #expect(!estimate.diagnostics.containsErrors)
    }
}
