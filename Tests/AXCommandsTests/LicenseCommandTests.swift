@testable import AXCommands
import AXLicensingServiceFake
import AXState
import AXTestSupport
import Foundation
import Testing

/// Runs `axlicense arguments…` in this process, capturing what it writes.
private func axlicense(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
    let capture = ConsoleCapture()
    let status = Console.$capture.withValue(capture) { AXLicenseCommand.execute(arguments) }
    return (status, capture.standardOutput, capture.standardError)
}

/// The fake's licenses for the sample: Finance bought 12 (the sample's entitlements.json says 10), Commerce renewed,
/// ContosoSecurity with a newer version.
private let serviceLicenses = #"""
    {"licenseHolder":"Fabrikam Inc","products":[
      {"product":"Finance","licenseQty":12,"expirationDate":"2028-06-30","latestVersion":"10.0.46","releaseNotesUrl":"https://example.com/finance"},
      {"product":"Commerce","licenseQty":5,"expirationDate":"2028-01-31","latestVersion":"10.0.44","releaseNotesUrl":""},
      {"product":"ContosoSecurity","licenseQty":10,"expirationDate":null,"latestVersion":"2.4.0","releaseNotesUrl":"https://example.com/cs"}]}
    """#

/// A copy of the sample workspace and the fake service.
private struct Workspace {
    let folder = TemporaryFolder()
    let path: String
    let fake: FakeLicensingService

    init() throws {
        path = folder.copySample()
        fake = try FakeLicensingService()
        fake.licensesJSON = serviceLicenses
    }

    func run(_ arguments: String...) -> (status: Int32, stdout: String, stderr: String) {
        axlicense(arguments + ["--workspace", path])
    }

    func register() -> (status: Int32, stdout: String, stderr: String) {
        run("license", "register", "--endpoint", fake.endpoint, "--tenant-id", "tenant-1", "--environment-id", "env-1", "--environment-name", "Production")
    }

    var store: StateStore { get throws { try StateStore(path: path + "/.axlicense/state.sqlite") } }

    /// Every output, every file of the state folder but the token file, every audit row: no token may be in any.
    func expectNoTokenIn(_ outputs: [String]) throws {
        var text = outputs.joined(separator: "\n")
        let stateFolder = path + "/.axlicense"
        for name in try FileManager.default.contentsOfDirectory(atPath: stateFolder) where !name.hasSuffix(".token") {
            text += String(decoding: try Data(contentsOf: URL(fileURLWithPath: stateFolder + "/" + name)), as: UTF8.self)
        }
        text += try store.auditEntries().map { "\($0.operation) \($0.details)" }.joined(separator: "\n")
        #expect(!fake.issuedTokens.isEmpty)
        for token in fake.issuedTokens { #expect(!text.contains(token), "a token leaked") }
    }
}

/// Serialized: each test blocks its thread while the command awaits the service (`LicenseServiceSetup.wait`), and the
/// cooperative pool must keep a thread free for that work.
@Suite(.serialized) struct LicenseCommandTests {
    @Test func registerRefreshCheckTelemetryAndStatusWorkFromAFreshWorkspace() throws {
        let ws = try Workspace()
        let before = ws.run("license", "status", "--format", "json")
        #expect(before.status == 0)
        #expect(before.stdout.contains(#""effectiveRegistrationStatus" : "Not registered""#))

        let registered = ws.register()
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(registered.stdout.contains("Registered"))
        let tokenFile = ws.path + "/.axlicense/state.sqlite.token"
        #expect((try FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int) == 0o600)

        let refreshed = ws.run("license", "refresh", "--format", "csv")
        #expect(refreshed.status == 0, "\(refreshed.stderr)")
        #expect(refreshed.stdout.contains("Finance,12,2028-06-30,10.0.46,https://example.com/finance,Fabrikam Inc"))

        // check: the service's licenses are the purchased side (Finance 12, holder Fabrikam), the installed versions
        // still those of entitlements.json (ContosoSecurity 2.3.9 < 2.4.0: newer version).
        let check = ws.run("check", "--format", "json", "--today", "2026-11-23", "--fail-on", "none", "--quiet")
        #expect(check.status == 0, "\(check.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        let rows = try #require((json["products"] ?? json["rows"]) as? [[String: Any]])
        #expect(rows.count == 3)
        let finance = try #require(rows.first { ($0["model"] ?? $0["product"]) as? String == "Finance" })
        #expect(finance["licenseQuantity"] as? Int == 12 && finance["licenseHolder"] as? String == "Fabrikam Inc")
        let security = try #require(rows.first { ($0["model"] ?? $0["product"]) as? String == "ContosoSecurity" })
        #expect(security["currentVersion"] as? String == "2.3.9" && security["latestVersion"] as? String == "2.4.0")

        // report's License View too.
        let report = ws.run("report", "--quiet", "--today", "2026-11-23")
        #expect(report.status == 0 && report.stdout.contains("Fabrikam Inc"))

        // history names the holder and latest version of each run.
        let history = ws.run("history", "Finance", "--format", "csv")
        #expect(history.stdout.contains("Finance,") && history.stdout.contains(",10.0.46,Fabrikam Inc"))

        // telemetry sends the used counts check shows.
        let telemetry = ws.run("license", "telemetry", "--format", "json", "--quiet")
        #expect(telemetry.status == 0, "\(telemetry.stderr)")
        let sent = try #require(ws.fake.requests(to: "/telemetry").only?.json)
        let sentProducts = try #require(sent["products"] as? [[String: Any]])
        #expect(sentProducts.count == 3)
        let sentFinance = try #require(sentProducts.first { $0["product"] as? String == "Finance" })
        #expect(sentFinance["usedLicenses"] as? Int == finance["used"] as? Int)
        #expect(sent["environmentId"] as? String == "env-1")

        let status = ws.run("license", "status")
        #expect(status.status == 0)
        for field in ["Registration endpoint", "Last license check", "License refresh batch task", "Not scheduled", "Effective registration status",
                      "Registered", "Token expiry date", "Tenant ID", "tenant-1", "Environment ID", "env-1", "Registered at"] {
            #expect(status.stdout.contains(field), "status lacks \(field)")
        }
        let operations = try ws.store.auditEntries().map(\.operation)
        #expect(operations == ["Registration Success", "License Refresh", "License check", "Telemetry Sent"])
        try ws.expectNoTokenIn([before, registered, refreshed, check, report, history, telemetry, status].flatMap { [$0.stdout, $0.stderr] })
    }

    @Test func aFailedRefreshKeepsTheLastLicensesAndCheckSaysHowOldTheyAre() throws {
        let ws = try Workspace()
        #expect(ws.register().status == 0)
        #expect(ws.run("license", "refresh").status == 0)
        ws.fake.script("/licenses", .status(403, body: #"{"message":"subscription suspended"}"#))
        let failed = ws.run("license", "refresh")
        #expect(failed.status == 1 && failed.stdout.isEmpty)
        #expect(failed.stderr == "axlicense: error: license refresh failed: HTTP 403: subscription suspended\n")
        let check = ws.run("check", "--format", "json", "--today", "2026-11-23", "--fail-on", "none")
        #expect(check.status == 0)
        #expect(check.stdout.contains("Fabrikam Inc"))
        #expect(check.stderr.contains("Last license check") && check.stderr.contains("[stale-licenses]") && check.stderr.contains("subscription suspended"))
        let status = ws.run("license", "status", "--format", "json")
        #expect(status.stdout.contains(#""effectiveRegistrationStatus" : "Failure""#))
        #expect(status.stdout.contains("subscription suspended"))
    }

    @Test func licenseCommandsBeforeRegistrationSayHowToRegister() throws {
        let ws = try Workspace()
        let result = ws.run("license", "refresh")
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("not registered") && result.stderr.contains("axlicense license register --endpoint URL"))
        // Without a refresh, check reads entitlements.json as before.
        let check = ws.run("check", "--format", "json", "--today", "2026-11-23", "--fail-on", "none", "--quiet")
        #expect(check.stdout.contains("Contoso Ltd") && !check.stdout.contains("Fabrikam"))
    }

    @Test func plainHttpToAnotherHostIsRefusedNamingTheFlag() throws {
        let ws = try Workspace()
        let result = ws.run("license", "register", "--endpoint", "http://licensing.example.com", "--tenant-id", "t", "--environment-id", "e")
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("axlicense: error: --endpoint 'http://licensing.example.com' uses plain http"))
        #expect(ws.fake.requests.isEmpty)
    }

    @Test func aTokenFileOthersCanReadIsRefused() throws {
        let ws = try Workspace()
        #expect(ws.register().status == 0)
        chmod(ws.path + "/.axlicense/state.sqlite.token", 0o644)
        let result = ws.run("license", "refresh")
        #expect(result.status == 1)
        #expect(result.stderr.contains("token file has mode 644"))
        #expect(ws.fake.requests(to: "/licenses").isEmpty)
    }

    @Test func noDbIsRefusedForLicenseCommands() throws {
        let ws = try Workspace()
        let result = ws.run("license", "status", "--no-db")
        #expect(result.status == 64)
        #expect(result.stderr.contains("--no-db leaves nowhere to keep the registration"))
    }

    @Test func anOutputOverTheTokenFileIsRefused() throws {
        let ws = try Workspace()
        #expect(ws.register().status == 0)
        let tokenFile = ws.path + "/.axlicense/state.sqlite.token"
        let before = try Data(contentsOf: URL(fileURLWithPath: tokenFile))
        let result = ws.run("license", "status", "--output", tokenFile)
        #expect(result.status == 1)
        #expect(try Data(contentsOf: URL(fileURLWithPath: tokenFile)) == before)
    }
}
