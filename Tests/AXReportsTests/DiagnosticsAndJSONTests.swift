import AXModel
import AXReading
import Foundation
import Testing

@testable import AXReports

@Suite struct TerminalDiagnosticsTests {
    private func diagnostics(_ counts: [(DiagnosticCode, DiagnosticSeverity, Int)]) -> [Diagnostic] {
        counts.flatMap { code, severity, count in
            (0..<count).map { Diagnostic(severity, code, "problem \($0)", at: SourceLocation(file: "f.xml", line: $0 + 1, column: 1)) }
        }
    }

    @Test func fewDiagnosticsArePrintedOneALineAsBefore() {
        let few = diagnostics([(.danglingReference, .warning, TerminalDiagnostics.groupingThreshold)])
        #expect(TerminalDiagnostics.lines(few, fullListHint: "see JSON") == few.map(\.description))
    }

    @Test func manyDiagnosticsAreCountedByCodeFirstAndOnlyTheFirstAreListed() {
        let many = diagnostics([(.danglingReference, .warning, 61), (.unknownEntryPointLicense, .warning, 30), (.unknownRole, .warning, 12), (.missingName, .error, 2)])
        let lines = TerminalDiagnostics.lines(many, fullListHint: "--format json for all")
        #expect(lines.count == 1 + TerminalDiagnostics.groupingThreshold)
        #expect(lines[0] == "2 errors, 103 warnings: 61 dangling-reference, 30 license-unknown, 12 unknown-role, 2 missing-name; first 20 shown; --format json for all")
        #expect(Array(lines.dropFirst()) == many.prefix(20).map(\.description))
    }
}

@Suite struct ReportJSONTests {
    /// Every chain of `explain` has the same keys: a SKU-map row's entry-point fields are null, an entry point's SKU
    /// fields are null (they used to be left out).
    @Test func explainChainsOfEitherKindHaveTheSameKeysWithNulls() throws {
        let explain = try #require(try sampleReports().first { $0.name == "explain user" }).report
        let root = try #require(try JSONSerialization.jsonObject(with: Data(explain.render(.json).utf8)) as? [String: Any])
        let chains = try #require(root["demands"] as? [[String: Any]]).flatMap { $0["chains"] as? [[String: Any]] ?? [] }
        let kinds = Set(chains.compactMap { $0["kind"] as? String })
        #expect(kinds == ["entryPoint", "skuMapRow"])
        #expect(Set(chains.map { Set($0.keys) }).count == 1)
        let row = try #require(chains.first { $0["kind"] as? String == "skuMapRow" })
        #expect(row["objectType"] is NSNull && row["entryPointLicense"] is NSNull)
    }

    /// An entry-point chain's rights are a list of right names in the AOT's order (a set of values, not words), and the
    /// markdown table words the same set.
    @Test func explainChainRightsAreAListOfRightNames() throws {
        let explain = try #require(try sampleReports().first { $0.name == "explain user" }).report
        let root = try #require(try JSONSerialization.jsonObject(with: Data(explain.render(.json).utf8)) as? [String: Any])
        let chains = try #require(root["demands"] as? [[String: Any]]).flatMap { $0["chains"] as? [[String: Any]] ?? [] }
        let journal = try #require(chains.first { $0["objectName"] as? String == "VendInvoiceJournal" })
        let rights = try #require(journal["rights"] as? [String])
        #expect(rights.first == "Read" && rights.contains("Update"))
        #expect(explain.render(.markdown).contains("| MenuItemDisplay VendInvoiceJournal | \(rights.joined(separator: ", ")) |"))
    }

    /// A View Permissions row's privilege SKUs: worded in the table, a requirement object (null when unmapped) in JSON.
    @Test func permissionsPrivilegeSkusAreWordedInTablesAndStructuredInJSON() throws {
        let report = try #require(try sampleReports().first { $0.name == "permissions AccountsPayableClerk" }).report
        let root = try #require(try JSONSerialization.jsonObject(with: Data(report.render(.json).utf8)) as? [String: Any])
        let entries = try #require(root["entryPoints"] as? [[String: Any]])
        let aging = try #require(entries.first { $0["privilege"] as? String == "CustAgingReportView" })
        #expect(aging["privilegeSkus"] as? [String: [String]] == ["required": ["Finance"], "anyOf": ["Finance"]])
        #expect(entries.contains { $0["privilegeSkus"] is NSNull })
        #expect(report.render(.csv).contains(",Finance (required),"))
    }
}
