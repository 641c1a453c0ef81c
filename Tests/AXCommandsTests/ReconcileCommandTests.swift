@testable import AXCommands
import AXTestSupport
import Foundation
import Testing

/// Runs `axlicense arguments…` in this process, capturing what it writes.
private func axlicense(_ arguments: String...) -> (status: Int32, stdout: String, stderr: String) {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { AXLicenseCommand.execute(arguments) }
    return (status, capture.standardOutput, capture.standardError)
}

private let sample = sampleWorkspaceFolder.path
private let samplePPAC = sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv").path

@Suite struct ReconcileCommandTests {
    @Test func theSampleReconcilesWithOneUserUnknownToD365AndExitsZero() {
        let result = axlicense("reconcile", "--method", "legacy", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "2026-11-23", "--quiet", "--format", "csv")
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1 + 29)
        #expect(lines.filter { $0.contains(",No,") } == [",former.employee@contoso.example,,Finance,,,,No,PPAC user not found in D365FO users,2026-11-20,"])
    }

    @Test func theSummaryNamesTheEnginesMethod() {
        let result = axlicense("reconcile", "--method", "legacy", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "2026-11-23", "--quiet")
        #expect(result.stdout.contains("Reconciled 29 user(s) with PPAC (legacy entry-point + SKU-map licensing method): 28 agree, 1 disagree (1 PPAC user not found in D365FO users)"))
    }

    /// Without --method the sample, which has object-license data, is reconciled under the per-object method (what
    /// PPAC reports), and the output says so and why.
    @Test func byDefaultThePerObjectMethodIsReconciledAndNamed() {
        let result = axlicense("reconcile", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "2026-11-23", "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Method: per-object licensing (10.0.44 and later), from \(sample)/ObjectLicenses (Licensing* SQL exports) (chosen because object-license data is present)\n"))
        #expect(result.stdout.contains("Reconciled 29 user(s) with PPAC (per-object licensing (10.0.44 and later) method): 24 agree, 5 disagree"))
    }

    @Test func failOnDisagreementExitsThreeAndStillWritesTheReport() {
        let result = axlicense("reconcile", "--method", "legacy", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "2026-11-23", "--quiet", "--fail-on-disagreement")
        #expect(result.status == 3)
        #expect(result.stdout.contains("Reconciled 29 user(s)"))
        #expect(result.stderr == "axlicense: --fail-on-disagreement: 1 user(s) disagree with PPAC\n")
    }

    @Test func aStaleRefreshIsJudgedAgainstAsOfAndStaleAfter() {
        // The sample's rows were refreshed on 2026-11-20: stale 8 days later with the default threshold, not with 8 days.
        let stale = axlicense("reconcile", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "2026-11-28", "--quiet", "--format", "json")
        #expect(stale.stdout.contains("\"stale\" : 29"))
        let fresh = axlicense("reconcile", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "2026-11-28", "--stale-after", "8", "--quiet", "--format", "json")
        #expect(fresh.stdout.contains("\"stale\" : 0"))
    }

    @Test func usersAreMatchedThroughTheSystemUsersExport() throws {
        let folder = TemporaryFolder()
        let ppac = folder.write("ppac.csv", """
            TenantId,UserId,UserEmail,AssignedLicenses,MissingLicenses,RefreshedOn
            t,1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6,1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6,Dynamics 365 Finance,,2026-11-20
            t,00000000-0000-0000-0000-000000000001,Arnie@Contoso.example,Dynamics 365 Operations – Activity,Dynamics 365 Finance,11/20/2026 6:00 AM
            """)
        let systemUsers = folder.write("systemusers.csv", """
            UserID,Email,ObjectId,Enabled
            alicia,alicia@contoso.example,{1F0C7E2A-3B4D-4C5E-8F90-A1B2C3D4E5F6},Yes
            arnie,arnie@contoso.example,,Yes
            """)
        let result = axlicense("reconcile", "--method", "legacy", "--workspace", sample, "--ppac", ppac, "--system-users", systemUsers, "--as-of", "2026-11-23", "--quiet", "--format", "csv")
        #expect(result.status == 0)
        let rows = result.stdout.split(separator: "\n").map(String.init)
        #expect(rows.contains("alicia,1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6,object id,Finance,Finance,,,Yes,,2026-11-20,"))
        #expect(rows.contains("arnie,Arnie@Contoso.example,e-mail,Activity,Finance,Finance,Finance,Yes,,2026-11-20,"))
        // Every other licensed user of the sample has no PPAC row here.
        #expect(rows.contains { $0.hasPrefix("dana,,,,SupplyChainManagement + Finance,,") && $0.hasSuffix(",No,D365FO licensed user missing from PPAC,,") })
    }

    @Test func aMissingPPACFileNamesTheReconcileFlag() {
        let result = axlicense("reconcile", "--workspace", sample, "--ppac", "/nonexistent/ppac.csv")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "/nonexistent/ppac.csv: error: assigned licenses file (Power Platform admin center report) not found; pass it with --ppac; where to get it: README.md#getting-your-inputs, \"Assigned licenses\"\n")
    }

    @Test func aMissingSystemUsersFileNamesItsFlag() {
        let result = axlicense("reconcile", "--workspace", sample, "--ppac", samplePPAC, "--system-users", "/nonexistent/su.csv")
        #expect(result.status == 1)
        #expect(result.stderr == "/nonexistent/su.csv: error: system users file (SystemUsers export) not found; pass it with --system-users; where to get it: README.md#getting-your-inputs, \"Users (enabled, e-mail, object id)\"\n")
    }

    @Test func theReportCannotReplaceThePPACExport() throws {
        let folder = TemporaryFolder()
        let ppac = folder.write("ppac.csv", try String(contentsOfFile: samplePPAC, encoding: .utf8))
        let result = axlicense("reconcile", "--workspace", sample, "--ppac", ppac, "--quiet", "--output", ppac)
        #expect(result.status == 1)
        #expect(result.stderr.contains("it is the PPAC export"))
        #expect(try String(contentsOfFile: ppac, encoding: .utf8) == String(contentsOfFile: samplePPAC, encoding: .utf8))
    }

    @Test func badDatesAndThresholdsAreUsageErrors() {
        #expect(axlicense("reconcile", "--workspace", sample, "--ppac", samplePPAC, "--as-of", "23/11/2026").status == 64)
        #expect(axlicense("reconcile", "--workspace", sample, "--ppac", samplePPAC, "--stale-after", "-1").status == 64)
        #expect(axlicense("reconcile", "--workspace", sample).status == 64)
    }
}
