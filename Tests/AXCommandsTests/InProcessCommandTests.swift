@testable import AXCommands
import AXLicensing
import AXModel
import AXReading
import AXState
import Foundation
import Testing

/// The package root, where `Data/sample` is.
private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs `axlicense arguments…` in this process, capturing what it writes.
private func axlicense(_ arguments: String...) -> (status: Int32, stdout: String, stderr: String) {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { AXLicenseCommand.execute(arguments) }
    return (status, capture.standardOutput, capture.standardError)
}

private let sample = packageRoot.appendingPathComponent("Data/sample").path

@Suite struct InProcessCommandTests {
    @Test func legacyEstimateOfTheSampleReportsItsTotalAndExitsZero() {
        let result = axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", sample, "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Total monthly cost: $3,138.00"))
        #expect(result.stderr.isEmpty)
    }

    @Test func aMissingSkuMapNamesTheFlagThatSuppliesItAndExitsOne() {
        let result = axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", sample, "--sku-map", "/nonexistent/map.json")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("/nonexistent/map.json: error: SKU map (LicensingServicePlansPrivilege JSON or CSV) not found; pass it with --sku-map"))
    }

    @Test func explainOfAnUnknownRoleIsAnInputErrorNamingTheRole() {
        let result = axlicense("explain", "--role", "NoSuchRole", "--workspace", sample)
        #expect(result.status == 1)
        #expect(result.stderr == "axlicense: error: no role named 'NoSuchRole' in the metadata\n")
    }

    /// `--format`, `--output` and `--columns` are declared once: diff's help lists them under Output, as every other
    /// command's does, each with its own formats.
    @Test func diffSharesTheOutputOptionsWithItsOwnFormats() {
        let diff = DiffCommand.helpMessage(columns: 200), estimate = EstimateCommand.helpMessage(columns: 200)
        #expect(diff.contains("OUTPUT:\n  -f, --format <format>   Output format: table, csv, json, markdown, github or junit."))
        #expect(estimate.contains("OUTPUT:\n  -f, --format <format>   Output format: table, csv, json, markdown or html."))
        for help in [diff, estimate] { #expect(help.contains("-o, --output <file>") && help.contains("--columns <a,b,c>")) }
        let parsed = try? DiffCommand.parse(["--base", "a", "--format", "junit", "--columns", "Role"])
        #expect(parsed?.output.format == .junit && parsed?.output.columns == "Role")
    }

    @Test func anUnknownOptionIsAUsageErrorWithStatus64() {
        let result = axlicense("estimate", "--no-such-option")
        #expect(result.status == 64)
        #expect(result.stderr.contains("Unknown option '--no-such-option'"))
    }

    @Test func rolesAsJSONListsTheSampleRoles() throws {
        let result = axlicense("roles", "--workspace", sample, "--format", "json", "--quiet")
        #expect(result.status == 0)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(root["complete"] as? Bool == true)
        #expect(result.stdout.contains("\"SalesClerk\""))
    }

    @Test func libraryErrorsGetTheFlagThatSuppliesTheInputAtFault() {
        #expect(CommandLineMessages.message(for: InputError.missing(path: "a.csv", input: .assignedLicenses))
            == "a.csv: error: assigned licenses file (Power Platform admin center report) not found; pass it with --assigned; where to get it: README.md#getting-your-inputs, \"Assigned licenses\"")
        #expect(CommandLineMessages.message(for: InputError.missing(path: "u.csv", input: .users))
            == "u.csv: error: users file (role assignments CSV) not found; pass it with --users (or put it at this path in the --workspace folder); where to get it: README.md#getting-your-inputs, \"Role assignments\"")
        #expect(CommandLineMessages.message(for: LookupError.ambiguous(name: "X"))
            == "'X' names more than one of role, duty and privilege; choose one with --type role|duty|privilege")
        #expect(CommandLineMessages.message(for: WhatIfError.lookup(.noUser("nobody"))) == "no user 'nobody' in the users file")
        #expect(CommandLineMessages.message(for: StateStoreError.newerVersion(path: "s.db", migration: "v2"))
            == "s.db: error: state database was made by a newer axlicense: migration 'v2' unknown; it was left untouched. Upgrade axlicense, or choose another file with --db (or run with --no-db)")
    }
}
