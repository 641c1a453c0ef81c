import AXCommands
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
    @Test func estimateOfTheSampleReportsItsTotalAndExitsZero() {
        let result = axlicense("estimate", "--no-db", "--workspace", sample, "--quiet")
        #expect(result.status == 0)
        #expect(result.stdout.contains("Total monthly cost: 2808.00"))
        #expect(result.stderr.isEmpty)
    }

    @Test func aMissingSkuMapNamesTheFlagThatSuppliesItAndExitsOne() {
        let result = axlicense("estimate", "--no-db", "--workspace", sample, "--sku-map", "/nonexistent/map.json")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("/nonexistent/map.json: error: SKU map (LicensingServicePlansPrivilege JSON) not found; pass it with --sku-map"))
    }

    @Test func explainOfAnUnknownRoleIsAnInputErrorNamingTheRole() {
        let result = axlicense("explain", "--role", "NoSuchRole", "--workspace", sample)
        #expect(result.status == 1)
        #expect(result.stderr == "axlicense: error: no role named 'NoSuchRole' in the metadata\n")
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
}
