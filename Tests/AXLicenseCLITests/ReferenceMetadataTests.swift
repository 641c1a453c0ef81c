import AXTestSupport
import Foundation
import Testing

/// `--reference`, `axlicense.json` and `diff --base-reference` on the sample split into a custom-only repository and
/// the standard models as build NuGet packages (`SplitSampleRepository`).
@Suite struct ReferenceMetadataTests {
    func estimateJSON(_ split: SplitSampleRepository, _ extra: [String] = []) throws -> [String: Any] {
        let result = try run(axlicenseBinary, ["estimate", "--no-db", "--quiet", "--format", "json"] + extra, in: split.repository)
        #expect(result.status == 0, "\(result.stderr)")
        return try json(result.stdout)
    }

    func metadata(_ root: [String: Any]) throws -> [String: Any] { try #require(root["metadata"] as? [String: Any]) }

    @Test func aCustomOnlyRepositoryOverTheStandardNuGetPackagesGivesTheWholeSamplesEstimate() throws {
        let split = try SplitSampleRepository()
        let root = try estimateJSON(split)
        #expect((root["summary"] as? [String: Any])?["monthlyCost"] as? Double == 3182)
        let coverage = try metadata(root)
        #expect(coverage["references"] as? [String] == ["../NuGets"])
        #expect(coverage["objectsFromTree"] as? [String: Int] == ["roles": 4, "duties": 1, "privileges": 2])
        #expect(coverage["objectsFromReferences"] as? [String: Int] == ["roles": 12, "duties": 18, "privileges": 33])
        // Only the two planted dangling duties stay unknown (Data/sample/EXPECTED.md).
        let unresolved = try #require(coverage["unresolved"] as? [String: Any])
        #expect(unresolved["count"] as? Int == 2)
        #expect((unresolved["objects"] as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["LedgerPeriodCloseMaintain", "SysServerAXBasicMaintain"])
    }

    @Test func withoutTheReferenceTheEstimateSaysLicenseImpactIsUnknown() throws {
        let split = try SplitSampleRepository(config: false)
        let root = try estimateJSON(split)
        let unresolved = try #require(try metadata(root)["unresolved"] as? [String: Any])
        #expect(unresolved["count"] as? Int == 9)
        let table = try run(axlicenseBinary, ["estimate", "--no-db", "--quiet"], in: split.repository)
        #expect(table.stdout.contains("UNKNOWN: license impact through 9 objects not in the metadata or a reference is unknown: role 'AccountsPayableClerk' (referenced by role extension 'AccountsPayableClerk.ContosoSecurity')"))
    }

    @Test func theWorkspaceConfigIsReadFromAnyCurrentFolderAndTheFlagReplacesIt() throws {
        let split = try SplitSampleRepository()
        // Run from elsewhere: "../NuGets" is relative to the workspace, not to the current folder.
        let fromRoot = try run(axlicenseBinary, ["estimate", "--no-db", "--quiet", "--workspace", "repo", "--format", "json"], in: split.root)
        #expect(fromRoot.status == 0, "\(fromRoot.stderr)")
        #expect((try json(fromRoot.stdout)["summary"] as? [String: Any])?["monthlyCost"] as? Double == 3182)
        // --reference replaces the configured list: an empty model folder as the only reference leaves 9 unknown.
        split.folder.write("Other/Pkg/Model/AxSecurityDuty/Unrelated.xml", "<AxSecurityDuty><Name>Unrelated</Name></AxSecurityDuty>")
        let replaced = try estimateJSON(split, ["--reference", split.root.appendingPathComponent("Other").path])
        #expect((try metadata(replaced)["unresolved"] as? [String: Any])?["count"] as? Int == 9)
    }

    @Test func aModelInTheTreeReplacesTheSameNamedModelOfTheReference() throws {
        let split = try SplitSampleRepository(config: false)
        // The reference holds the whole sample, custom model included; the tree's ContosoSecurity wins as a whole:
        // its ContosoAuditorA (changed) is used, and ContosoBatchOperator, deleted from the tree, is gone.
        try split.addSalesOrdersMaintainToAuditor()
        try FileManager.default.removeItem(at: split.auditorRole.deletingLastPathComponent().appendingPathComponent("ContosoBatchOperator.xml"))
        let result = try run(axlicenseBinary, ["roles", "--quiet", "--format", "json", "--reference", sampleWorkspaceFolder.appendingPathComponent("Metadata").path],
                             in: split.repository)
        #expect(result.status == 0, "\(result.stderr)")
        let roles = try #require(try json(result.stdout)["roles"] as? [[String: Any]])
        let auditor = try #require(roles.first { $0["name"] as? String == "ContosoAuditorA" })
        #expect(auditor["reference"] is NSNull)
        #expect(auditor["base"] as? String == "SupplyChainManagement")
        #expect(!roles.contains { $0["name"] as? String == "ContosoBatchOperator" })
        let clerk = try #require(roles.first { $0["name"] as? String == "AccountsPayableClerk" })
        #expect(clerk["reference"] as? String == sampleWorkspaceFolder.appendingPathComponent("Metadata").path)
    }

    @Test func anExtensionInTheTreeAppliesToAReferenceRoleAndPathsMarkReferenceObjects() throws {
        let split = try SplitSampleRepository()
        let result = try run(axlicenseBinary, ["permissions", "AccountsPayableClerk", "--quiet", "--format", "json"], in: split.repository)
        #expect(result.status == 0, "\(result.stderr)")
        let root = try json(result.stdout)
        #expect((root["object"] as? [String: Any])?["reference"] as? String == "../NuGets")
        let entries = try #require(root["entryPoints"] as? [[String: Any]])
        // ContosoVendPortalView is granted only through the tree's extensions: the duty extension of the reference duty
        // VendorsInquire (the shortest path), and the role extension's duty ContosoVendorPortalInquire (one more path).
        let portal = try #require(entries.first { $0["privilege"] as? String == "ContosoVendPortalView" })
        #expect(portal["path"] as? [String] == ["AccountsPayableClerk", "VendorsInquire", "ContosoVendPortalView"])
        #expect(portal["pathFromReference"] as? [Bool] == [true, true, false])
        #expect(portal["furtherPaths"] as? Int == 1)
        let table = try run(axlicenseBinary, ["permissions", "AccountsPayableClerk", "--quiet", "--format", "markdown"], in: split.repository)
        #expect(table.stdout.contains("AccountsPayableClerk (reference) > VendorsInquire (reference) > ContosoVendPortalView (and 1 more path)"))
        #expect(table.stdout.contains("ApplicationSuite/Foundation (reference)"))
    }

    @Test func diffOfACustomOnlyRepositoryWithTheReferenceCatchesTheStandardDutyEscalation() throws {
        let split = try SplitSampleRepository()
        try split.commitAll("base")
        try split.addSalesOrdersMaintainToAuditor()
        try split.commitAll("ContosoAuditorA gains SalesOrdersMaintain")
        let result = try run(axlicenseBinary, ["diff", "--base", "git:HEAD~1:Metadata", "--head", "Metadata", "--format", "github"], in: split.repository)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("::error file=Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/ContosoAuditorA.xml,line=12,title=axlicense%3A escalation of ContosoAuditorA::"))
        #expect(!result.stdout.contains("::warning"), "\(result.stdout)")
        #expect(result.stderr.contains("the change escalates licenses (--fail-on escalation)"))
    }

    @Test func withoutTheReferenceTheDiffSaysImpactIsUnknownAndFailOnUnresolvedFails() throws {
        let split = try SplitSampleRepository(config: false)
        try split.commitAll("base")
        try split.addSalesOrdersMaintainToAuditor()
        try split.commitAll("change")
        let result = try run(axlicenseBinary, ["diff", "--base", "git:HEAD~1", "--head", ".", "--format", "json", "--fail-on", "escalation,unresolved"], in: split.repository)
        #expect(result.status == 3)
        let root = try json(result.stdout)
        let summary = try #require(root["summary"] as? String)
        #expect(summary.hasPrefix("No license impact found, but UNKNOWN; license impact through 10 objects"))
        #expect(summary.hasSuffix("(1 new with this change)."))
        let objects = try #require((root["unresolved"] as? [String: Any])?["objects"] as? [[String: Any]])
        let added = try #require(objects.first { $0["name"] as? String == "SalesOrdersMaintain" })
        #expect(added["new"] as? Bool == true && added["kind"] as? String == "duty" && added["line"] as? Int == 12)
        #expect(result.stderr.contains("license impact is unknown: the metadata references 10 objects that neither it nor a reference folder holds; pass the standard application with --reference (--fail-on unresolved)"))
        let github = try run(axlicenseBinary, ["diff", "--base", "git:HEAD~1", "--head", ".", "--format", "github"], in: split.repository)
        #expect(github.status == 0)
        #expect(github.stdout.contains("::warning file=Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/ContosoAuditorA.xml,line=12,title=axlicense%3A license impact unknown::role 'ContosoAuditorA' references duty 'SalesOrdersMaintain'"))
        #expect(!github.stdout.contains("No license impact."))
    }

    @Test func aNoChangeDiffWithTheReferenceIsQuiet() throws {
        let split = try SplitSampleRepository()
        try split.commitAll("base")
        let result = try run(axlicenseBinary, ["diff", "--base", "git:HEAD:Metadata", "--head", "Metadata", "--format", "json", "--strict"], in: split.repository)
        #expect(result.status == 0, "\(result.stderr)")
        let root = try json(result.stdout)
        #expect(root["hasLicenseImpact"] as? Bool == false)
        #expect((root["newDiagnostics"] as? [Any])?.isEmpty == true)
        #expect((root["unresolved"] as? [String: Any])?["count"] as? Int == 2)
    }

    @Test func baseReferenceComparesTwoApplicationVersionsUnderUnchangedModels() throws {
        let split = try SplitSampleRepository()
        // The next version: SalesOrdersInquire (held by ContosoAuditorB, and A through it) gains SalesTableMaintain.
        let next = split.root.appendingPathComponent("NuGets-next")
        try FileManager.default.copyItem(at: split.nugets, to: next)
        let duty = next.appendingPathComponent("Microsoft.Dynamics.AX.ApplicationSuite.DevALM.BuildXpp/ref/net40/ApplicationSuite/XppMetadata/Foundation/AxSecurityDuty/SalesOrdersInquire.xml")
        let text = try String(contentsOf: duty, encoding: .utf8)
        try text.replacingOccurrences(of: "<Name>InventOnhandView</Name>", with: "<Name>InventOnhandView</Name></AxSecurityPrivilegeReference><AxSecurityPrivilegeReference><Name>SalesTableMaintain</Name>")
            .write(to: duty, atomically: true, encoding: .utf8)
        let result = try run(axlicenseBinary, ["diff", "--base", ".", "--head", ".", "--base-reference", "../NuGets", "--reference", "../NuGets-next", "--format", "json"],
                             in: split.repository)
        #expect(result.status == 3, "\(result.stderr)")
        let roles = try #require(try json(result.stdout)["roles"] as? [[String: Any]])
        let escalated = roles.filter { $0["classification"] as? String == "escalation" }.compactMap { $0["role"] as? String }
        #expect(escalated == ["ContosoAuditorA", "ContosoAuditorB"])
        // Same references on both sides: no impact.
        let same = try run(axlicenseBinary, ["diff", "--base", ".", "--head", ".", "--base-reference", "../NuGets-next", "--reference", "../NuGets-next"], in: split.repository)
        #expect(same.status == 0)
        // A missing base reference is named by its own flag.
        let missing = try run(axlicenseBinary, ["diff", "--base", ".", "--head", ".", "--base-reference", "../NuGets-old"], in: split.repository)
        #expect(missing.status == 1 && missing.stdout.isEmpty)
        #expect(missing.stderr.contains("NuGets-old' does not exist; fix --base-reference"))
    }
}

/// Outputs never land among the metadata a reference folder holds, as for the analysed tree.
@Suite struct ReferenceOutputSafetyTests {
    @Test func anOutputInAReferenceObjectFolderIsRefusedAndNothingIsWritten() throws {
        let split = try SplitSampleRepository()
        let target = "../NuGets/Microsoft.Dynamics.AX.ApplicationSuite.DevALM.BuildXpp/ref/net40/ApplicationSuite/XppMetadata/Foundation/AxSecurityDuty/Report.xml"
        let result = try run(axlicenseBinary, ["estimate", "--no-db", "--quiet", "--output", target], in: split.repository)
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("it is in a metadata object folder (AxSecurityDuty) of ../NuGets, which axlicense reads"))
        #expect(!FileManager.default.fileExists(atPath: split.repository.appendingPathComponent(target).path))
    }
}

/// The reference-folder policy (Docs/licensing-rules.md, "Reference metadata"): a reference is a folder apart from the
/// analysed tree; one holding the tree is read, the tree's models winning.
@Suite struct ReferenceFolderPolicyTests {
    @Test func aReferenceFlagThatIsTheTreeALinkToItOrInsideItIsRefusedWithNothingOnStandardOutput() throws {
        let split = try SplitSampleRepository(config: false)
        let tree = split.repository.appendingPathComponent("Metadata").path
        try FileManager.default.createSymbolicLink(atPath: split.root.appendingPathComponent("TreeLink").path, withDestinationPath: tree)
        let cases = [(tree, "is the analysed metadata tree itself"), ("../TreeLink", "is the analysed metadata tree itself"),
                     ("Metadata/ContosoExtensions", "lies inside the analysed metadata tree")]
        for (reference, problem) in cases {
            for command in [["estimate", "--no-db"], ["diff", "--base", "Metadata", "--head", "Metadata"]] {
                let result = try run(axlicenseBinary, command + ["--quiet", "--reference", reference], in: split.repository)
                #expect(result.status == 1 && result.stdout.isEmpty, "\(command) \(reference): \(result.stderr)")
                #expect(result.stderr.hasPrefix("\(reference): error: reference metadata folder: \(problem) ("), "\(result.stderr)")
            }
        }
    }

    @Test func aReferenceLinkLoopIsOneErrorAndAReferenceHoldingTheTreeIsReadWithTheTreesModelsWinning() throws {
        let split = try SplitSampleRepository(config: false)
        try FileManager.default.createSymbolicLink(atPath: split.root.appendingPathComponent("Loop").path, withDestinationPath: "Loop")
        let loop = try run(axlicenseBinary, ["estimate", "--no-db", "--quiet", "--reference", "../Loop"], in: split.repository)
        #expect(loop.status == 1 && loop.stdout.isEmpty)
        #expect(loop.stderr.hasPrefix("../Loop: error: reference metadata folder: a symbolic link loop ("), "\(loop.stderr)")
        // The folder above the repository holds the tree (repo/Metadata) and the NuGet packages: the custom model is
        // read once, from the tree, and the standard models from the packages, so the whole sample's total results.
        let holding = try run(axlicenseBinary, ["estimate", "--no-db", "--quiet", "--format", "json", "--reference", ".."], in: split.repository)
        #expect(holding.status == 0, "\(holding.stderr)")
        #expect((try json(holding.stdout)["summary"] as? [String: Any])?["monthlyCost"] as? Double == 3182)
    }
}
