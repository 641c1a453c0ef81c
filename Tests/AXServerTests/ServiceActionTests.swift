import AXLicensingService
import AXLicensingServiceFake
import AXServer
import AXState
import Foundation
import Testing

/// The page's actions and the daily jobs against the in-process fake of the licensing service (DOMAIN.md §8).
@Suite(.serialized) struct ServiceActionTests {
    static let licenses = #"""
        {"licenseHolder":"Fabrikam Inc","products":[
          {"product":"SupplyChainManagement","licenseQty":6,"expirationDate":"2028-01-31","latestVersion":"10.0.46","releaseNotesUrl":"https://example.com/scm?a=1&b=2"},
          {"product":"Commerce","licenseQty":3,"expirationDate":null,"latestVersion":"10.0.44","releaseNotesUrl":"http://example.com/commerce\"><script>"}]}
        """#

    /// The sample served, registered with a fresh fake that sells `licenses`.
    func registered() async throws -> (ServedSample, FakeLicensingService) {
        let sample = try ServedSample()
        let fake = try FakeLicensingService()
        fake.licensesJSON = Self.licenses
        _ = try await sample.jobs.register(endpoint: fake.endpoint, tenantId: "tenant-1", environmentId: "env-1", environmentName: "PROD")
        return (sample, fake)
    }

    @Test func refreshLicensesCallsTheServiceAndTheGridShowsItsLicenses() async throws {
        let (sample, fake) = try await registered()
        defer { fake.stop() }
        try await sample.withClient { client in
            // Before the refresh: entitlements.json (SupplyChainManagement 1, over quantity).
            #expect(cell(try #require(row(try await client.send("/").body, "SupplyChainManagement")), "quantity") == "1")
            let page = try await client.act(ManagementPage.ActionPath.refreshLicenses, sample.form()).body
            #expect(fake.requests(to: "/licenses").count == 1)
            #expect(page.contains("Licenses refreshed: 2 product(s) for Fabrikam Inc."))
            let supply = try #require(row(page, "SupplyChainManagement"))
            // 2 used of 6, installed 10.0.44 (from entitlements.json) behind 10.0.46: ℹ️, holder from the service.
            #expect(cell(supply, "quantity") == "6" && cell(supply, "used") == "2")
            #expect(supply.contains(#"data-status="newerVersion""#) && supply.contains("Fabrikam Inc"))
            #expect(supply.contains(#"<a href="https://example.com/scm?a=1&amp;b=2" target="_blank" rel="noopener noreferrer">Release Notes"#))
            // A release-notes address is escaped; products the service does not list are gone.
            #expect(!page.contains("<script>") && page.contains("commerce%22%3E%3Cscript%3E") || page.contains("commerce&quot;&gt;&lt;script&gt;"))
            #expect(row(page, "Finance") == nil)
            #expect(!page.contains(#"data-notification="over-quantity""#) && !page.contains(#"data-notification="expired""#))
        }
        #expect(try sample.store.auditEntries().map(\.operation).suffix(1) == ["License Refresh"])
    }

    @Test func sendTelemetrySendsTheUsedCountsOfTheGridAndNoPageHoldsAToken() async throws {
        let (sample, fake) = try await registered()
        defer { fake.stop() }
        try await sample.withClient { client in
            let page = try await client.act(ManagementPage.ActionPath.sendTelemetry, sample.form()).body
            #expect(page.contains("Telemetry sent: used counts of 8 product(s)"), "\(page.prefix(3000))")
            let sent = try #require(fake.requests(to: "/telemetry").first?.json?["products"] as? [[String: Any]])
            let supply = try #require(sent.first { $0["product"] as? String == "SupplyChainManagement" })
            #expect(supply["usedLicenses"] as? Int == 2 && supply["licenseModel"] as? String == "legacy")
            var pages = [page]
            for tab in ["license-view", "configuration", "audit-log"] { pages.append(try await client.send("/?tab=\(tab)").body) }
            let configuration = pages[2]
            #expect(configuration.contains("<dt>Effective registration status</dt><dd>Registered</dd>"))
            #expect(configuration.contains("<dt>Registration endpoint</dt><dd>\(fake.endpoint)</dd>"))
            #expect(configuration.contains("<dt>Tenant ID</dt><dd>tenant-1</dd>"))
            for token in fake.issuedTokens { #expect(!pages.contains { $0.contains(token) }, "a token is in a page") }
            #expect(try sample.store.auditEntries().map(\.operation).suffix(1) == ["Telemetry Sent"])
        }
    }

    @Test func aFailingServiceIsSaidOnThePageAndTheLastGoodLicensesStay() async throws {
        let (sample, fake) = try await registered()
        defer { fake.stop() }
        try await sample.withClient { client in
            _ = try await client.act(ManagementPage.ActionPath.refreshLicenses, sample.form())
            fake.script("/licenses", .status(500, body: #"{"error":"down"}"#), .status(500, body: "{}"), .status(500, body: "{}"), .status(500, body: "{}"))
            let page = try await client.act(ManagementPage.ActionPath.refreshLicenses, sample.form()).body
            #expect(page.contains("License refresh failed:") && page.contains("keeps the licenses of the last license check"))
            #expect(cell(try #require(row(page, "SupplyChainManagement")), "quantity") == "6")
            let configuration = try await client.send("/?tab=configuration").body
            #expect(configuration.contains("<dt>Effective registration status</dt><dd>Failure</dd>"))
        }
    }

    @Test func refreshTokenRenewsItAndTheDueJobsRunOnceADay() async throws {
        let (sample, fake) = try await registered()
        defer { fake.stop() }
        try await sample.withClient { client in
            let page = try await client.act(ManagementPage.ActionPath.refreshToken, sample.form()).body
            #expect(page.contains("Token refreshed; it expires "))
        }
        // Never ran: both jobs are due; run again at once: neither is.
        let first = await sample.management.runDueJobs()
        #expect(first.map(\.job) == [.licenseRefresh, .telemetry] && first.allSatisfy { !$0.notice.isFailure })
        #expect(await sample.management.runDueJobs().isEmpty)
        // A day later both are due again.
        #expect(await sample.management.runDueJobs(now: Date().addingTimeInterval(86_400 + 60)).count == 2)
        let operations = try sample.store.auditEntries().map(\.operation)
        #expect(operations.filter { $0 == "License Refresh" }.count == 2 && operations.filter { $0 == "Telemetry Sent" }.count == 2)
    }

    @Test func withoutARegistrationNoJobRuns() async throws {
        let sample = try ServedSample()
        #expect(await sample.management.runDueJobs().isEmpty)
        #expect(try sample.store.auditEntries().isEmpty)
    }
}
