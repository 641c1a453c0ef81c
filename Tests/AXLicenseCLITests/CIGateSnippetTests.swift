import AXTestSupport
import Foundation
import Testing

/// The README's GitHub Actions snippet, run as written: the `run:` lines of its `License gate` step are taken from
/// README.md (so the test breaks when the README drifts) and run with bash in a scratch repository laid out as the
/// README describes: only the custom model, `axlicense.json` naming `../NuGets`, and the sample's standard models in
/// `../NuGets` as the build NuGet packages extract.
@Suite struct CIGateSnippetTests {
    /// The `run: |` lines of the step named `License gate` in the README's GitHub Actions workflow.
    static func gateScript() throws -> String {
        let readme = try String(contentsOf: packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        let workflowStart = try #require(lines.firstIndex { $0.hasPrefix("GitHub Actions (`.github/workflows/license-gate.yml`)") }, "README lost its GitHub Actions snippet")
        let step = try #require(lines[workflowStart...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "- name: License gate" }, "README's workflow lost its 'License gate' step")
        let run = try #require(lines[step...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "run: |" })
        let indent = lines[run].prefix { $0 == " " }.count
        var script: [String] = []
        for line in lines[(run + 1)...] {
            guard line.prefix { $0 == " " }.count > indent, !line.hasPrefix("```") else { break }
            script.append(String(line.dropFirst(indent + 2)))
        }
        #expect(!script.isEmpty)
        return script.joined(separator: "\n")
    }

    /// Runs the gate as the workflow would: the checkout as the current folder, `BASE_SHA` the pull request's base
    /// commit, axlicense on the PATH.
    func runGate(in split: SplitSampleRepository, base: String) throws -> RunResult {
        let script = try Self.gateScript()
        let binFolder = URL(fileURLWithPath: axlicenseBinary).deletingLastPathComponent().path
        let path = binFolder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try run("/usr/bin/env", ["PATH=\(path)", "BASE_SHA=\(base)", "bash", "-e", "-c", script], in: split.repository)
    }

    func revision(_ name: String, in split: SplitSampleRepository) throws -> String {
        let result = try run("/usr/bin/env", ["git", "rev-parse", name], in: split.repository)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theReadmeGateFailsAPullRequestThatAddsAStandardDutyToACustomRole() throws {
        let split = try SplitSampleRepository()
        try split.commitAll("base")
        let base = try revision("HEAD", in: split)
        try split.addSalesOrdersMaintainToAuditor()
        try split.commitAll("ContosoAuditorA gains SalesOrdersMaintain")
        let result = try runGate(in: split, base: base)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("::error file=Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/ContosoAuditorA.xml,line=12,title=axlicense%3A escalation of ContosoAuditorA::"), "\(result.stdout)")
        #expect(result.stdout.contains("Cause: privilege added in SalesTableMaintain"))
    }

    @Test func theReadmeGateIsQuietOnAPullRequestWithoutSecurityChanges() throws {
        let split = try SplitSampleRepository()
        try split.commitAll("base")
        let base = try revision("HEAD", in: split)
        split.folder.write("repo/README.md", "A change that touches no security object.\n")
        try split.commitAll("docs")
        let result = try runGate(in: split, base: base)
        #expect(result.status == 0, "\(result.stderr)")
        // No annotations: no error, no warning (no new diagnostics); only the closing summary notice.
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("::notice title=axlicense::"), "\(result.stdout)")
    }

    @Test func withoutTheReferenceTheReadmeGateWarnsAtTheNewUnresolvedDutyInsteadOfSayingNoImpact() throws {
        let split = try SplitSampleRepository(config: false)
        try split.commitAll("base")
        let base = try revision("HEAD", in: split)
        try split.addSalesOrdersMaintainToAuditor()
        try split.commitAll("change")
        let result = try runGate(in: split, base: base)
        #expect(result.stdout.contains("::warning file=Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/ContosoAuditorA.xml,line=12,title=axlicense%3A license impact unknown::"))
        #expect(result.stdout.contains("::notice title=axlicense::No license impact found, but UNKNOWN;"))
        #expect(!result.stdout.contains("No license impact."))
    }
}
