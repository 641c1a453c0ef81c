import AXServer
import AXState
import Foundation
import HTTPTypes
import Hummingbird
import Testing

@Suite struct LicenseViewTabTests {
    @Test func theLicenseViewShowsEachProductWithItsIconReasonsAndCounts() async throws {
        let sample = try ServedSample()
        try await sample.withClient { client in
            let page = try await client.send("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            // EXPECTED.md "License check": Commerce expired, SupplyChainManagement over (2 used of 1), HumanResources and
            // ContosoSecurity behind on their versions, Finance healthy with 9 of 10.
            let commerce = try #require(row(page.body, "Commerce"))
            #expect(commerce.contains(#"data-status="warning""#) && commerce.contains("License expired on 2026-01-31."))
            let supply = try #require(row(page.body, "SupplyChainManagement"))
            #expect(cell(supply, "quantity") == "1" && cell(supply, "used") == "2")
            #expect(supply.contains("2 used licenses exceed the License Qty of 1."))
            let contoso = try #require(row(page.body, "ContosoSecurity"))
            #expect(contoso.contains(#"data-status="newerVersion""#) && contoso.contains("Version 2.3.10 is available (installed: 2.3.9)."))
            #expect(cell(contoso, "used") == "6")
            let finance = try #require(row(page.body, "Finance"))
            #expect(finance.contains(#"data-status="healthy""#) && cell(finance, "used") == "9" && !finance.contains("⚠️"))
            #expect(page.body.contains(#"<ul class="legend" aria-label="Status icons">"#))
            for label in ["Refresh licenses", "Send telemetry"] { #expect(page.body.contains("\(label)</button>")) }
            #expect(!page.body.contains("<script"))
        }
    }

    @Test func bothDashboardNotificationsShowTheSeedsTextWithASeeLicensesLink() async throws {
        let sample = try ServedSample()
        try await sample.withClient { client in
            for tab in ["license-view", "configuration", "audit-log"] {
                let page = try await client.send("/?tab=\(tab)").body
                #expect(page.contains(#"data-notification="expired">⚠️ One or more product licenses have expired. <a href="/?tab=license-view">See licenses</a>"#))
                #expect(page.contains(#"data-notification="over-quantity">⚠️ The number of used licenses exceeds the assigned quantity for one or more products. <a href="/?tab=license-view">See licenses</a>"#))
            }
        }
    }

    @Test func refreshLicensesWithoutAServiceRereadsTheEntitlementsAndTheGridChanges() async throws {
        let sample = try ServedSample()
        try await sample.withClient { client in
            let before = try #require(row(try await client.send("/").body, "SupplyChainManagement"))
            #expect(cell(before, "quantity") == "1")
            let path = sample.workspace + "/entitlements.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: #""SupplyChainManagement", "licenseQuantity": 1"#, with: #""SupplyChainManagement", "licenseQuantity": 4"#)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            let after = try await client.act(ManagementPage.ActionPath.refreshLicenses, sample.form())
            let supply = try #require(row(after.body, "SupplyChainManagement"))
            #expect(cell(supply, "quantity") == "4" && supply.contains(#"data-status="healthy""#))
            #expect(after.body.contains("Not registered with a licensing service: the License View was recomputed from"))
            #expect(!after.body.contains(#"data-notification="over-quantity""#))
        }
    }

    @Test func anUnreadableEntitlementsFileIsSaidOnThePageInsteadOfAGrid() async throws {
        let sample = try ServedSample()
        try "{ not json".write(toFile: sample.workspace + "/entitlements.json", atomically: true, encoding: .utf8)
        try await sample.withClient { client in
            let page = try await client.send("/")
            #expect(page.status == .ok)
            #expect(page.body.contains("data-view-problem>The purchased licenses cannot be read:"))
            #expect(page.body.contains("entitlements.json"))
            #expect(!page.body.contains("<tr data-model="))
        }
    }
}

@Suite struct ConfigurationAndAuditTabTests {
    @Test func configurationShowsTheSeedsFieldsAndTheSchedule() async throws {
        let sample = try ServedSample(schedule: DailySchedule(times: [.licenseRefresh: TimeOfDay("02:00")!]))
        try await sample.withClient { client in
            let page = try await client.send("/?tab=configuration").body
            for (label, value) in [("Effective registration status", "Not registered"), ("License refresh batch task", "Scheduled"),
                                   ("Telemetry batch task", "Not scheduled"), ("Last license check", "Never")] {
                #expect(page.contains("<dt>\(label)</dt><dd>\(value)</dd>"), "\(label)")
            }
            #expect(page.contains(#"<a href="/?tab=configuration" id="tab-configuration" aria-current="page">"#))
            #expect(page.contains("Refresh token</button>"))
        }
    }

    @Test func clearAuditLogDeletesOnlyEntriesOlderThanTheDaysGiven() async throws {
        let sample = try ServedSample()
        let now = Date()
        for (name, age) in [("old", 40.0), ("recent", 1.0), ("today", 0.0)] {
            try sample.store.append(AuditEntry(operation: "License check", userId: "u", occurredAt: now.addingTimeInterval(-age * 86_400), details: name, environment: "e"))
        }
        try await sample.withClient { client in
            let page = try await client.act(ManagementPage.ActionPath.clearAuditLog, sample.form([("days", "30")]))
            #expect(page.body.contains("Removed 1 audit entry older than 30 day(s)."))
            #expect(page.body.contains("Audit log: 2 entries, newest first"))
            #expect(try sample.store.auditEntries().map(\.details) == ["recent", "today"])
            // Newest first on the page.
            let today = try #require(page.body.range(of: "<td>today</td>")), recent = try #require(page.body.range(of: "<td>recent</td>"))
            #expect(today.lowerBound < recent.lowerBound)
        }
    }

    @Test func daysThatAreNotAWholeNumberInRangeAreRefusedAndNothingIsDeleted() async throws {
        let sample = try ServedSample()
        try sample.store.append(AuditEntry(operation: "License check", userId: "u", occurredAt: Date().addingTimeInterval(-90 * 86_400), details: "old", environment: "e"))
        try await sample.withClient { client in
            for days in ["-1", "abc", "1e3", "36501", "", "3.5", "99999999999999999999"] {
                let answer = try await client.send(ManagementPage.ActionPath.clearAuditLog, .post, headers: ServedSample.sameSite(), body: sample.form([("days", days)]))
                #expect(answer.status == .badRequest, "\(days)")
            }
            let twice = try await client.send(ManagementPage.ActionPath.clearAuditLog, .post, headers: ServedSample.sameSite(),
                                              body: ByteBuffer(string: "csrf=\(sample.management.formToken)&days=30&days=0"))
            #expect(twice.status == .badRequest)
        }
        #expect(try sample.store.auditEntries().count == 1)
    }
}

@Suite struct CrossSiteProtectionTests {
    @Test func anActionWithoutTheTokenOrWithAnotherSitesOriginIsRefusedAndDoesNothing() async throws {
        let sample = try ServedSample()
        try sample.store.append(AuditEntry(operation: "License check", userId: "u", occurredAt: Date().addingTimeInterval(-90 * 86_400), details: "old", environment: "e"))
        let path = ManagementPage.ActionPath.clearAuditLog
        try await sample.withClient { client in
            let noToken = try await client.send(path, .post, headers: ServedSample.sameSite(), body: ByteBuffer(string: "days=0"))
            #expect(noToken.status == .forbidden && noToken.body.contains("reload the page"))
            let wrongToken = try await client.send(path, .post, headers: ServedSample.sameSite(), body: sample.form([("days", "0")], token: String(repeating: "0", count: 64)))
            #expect(wrongToken.status == .forbidden)
            var foreign = ServedSample.sameSite()
            foreign[.origin] = "http://evil.example"
            #expect(try await client.send(path, .post, headers: foreign, body: sample.form([("days", "0")])).status == .forbidden)
            foreign[.origin] = "null"
            #expect(try await client.send(path, .post, headers: foreign, body: sample.form([("days", "0")])).status == .forbidden)
            // No Origin: a Referer of this server is accepted, none or another site's is not.
            var bare: HTTPFields = [HTTPField.Name("Host")!: ServedSample.host, .contentType: "application/x-www-form-urlencoded"]
            #expect(try await client.send(path, .post, headers: bare, body: sample.form([("days", "0")])).status == .forbidden)
            bare[.referer] = "http://127.0.0.1:8080.evil.example/"
            #expect(try await client.send(path, .post, headers: bare, body: sample.form([("days", "0")])).status == .forbidden)
            #expect(try sample.store.auditEntries().count == 1)
            bare[.referer] = "http://127.0.0.1:8080/?tab=audit-log"
            #expect(try await client.send(path, .post, headers: bare, body: sample.form([("days", "0")])).status == .seeOther)
            #expect(try sample.store.auditEntries().isEmpty)
        }
    }

    @Test func aRequestNamingAnotherHostOrPortIsRefused() async throws {
        let sample = try ServedSample()
        try await sample.withClient { client in
            for host in ["evil.example:8080", "127.0.0.1:9090", "127.0.0.1", "localhost.evil.example:8080", ""] {
                let answer = try await client.send("/", headers: [HTTPField.Name("Host")!: host])
                #expect(answer.status == .misdirectedRequest, "\(host)")
                #expect(!answer.body.contains(sample.management.formToken))
            }
            for host in ["localhost:8080", "LOCALHOST:8080", "[::1]:8080", "10.1.2.3:8080"] {
                #expect(try await client.send("/", headers: [HTTPField.Name("Host")!: host]).status == .ok, "\(host)")
            }
        }
    }

    @Test func everyResponseForbidsFramingCachingAndScripts() async throws {
        let sample = try ServedSample()
        try await sample.withClient { client in
            for answer in [try await client.send("/"), try await client.send("/?tab=nope"), try await client.send("/", headers: [HTTPField.Name("Host")!: "evil.example"])] {
                #expect(answer.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(answer.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(answer.headers[.cacheControl] == "no-store")
            }
            #expect(try await client.send("/?tab=nope").status == .notFound)
        }
    }

    @Test func aFormThatIsNotURLEncodedOrTooLargeIsRefused() async throws {
        let sample = try ServedSample()
        try await sample.withClient { client in
            var json = ServedSample.sameSite()
            json[.contentType] = "application/json"
            let notAForm = try await client.send(ManagementPage.ActionPath.refreshToken, .post, headers: json, body: sample.form())
            #expect(notAForm.status == .unsupportedMediaType)
            let huge = sample.form([("pad", String(repeating: "x", count: ManagementRoutes.formBodyLimit))])
            let tooLarge = try await client.send(ManagementPage.ActionPath.refreshToken, .post, headers: ServedSample.sameSite(), body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            let broken = try await client.send(ManagementPage.ActionPath.refreshToken, .post, headers: ServedSample.sameSite(),
                                               body: ByteBuffer(string: "csrf=\(sample.management.formToken)&x=%ZZ"))
            #expect(broken.status == .badRequest)
        }
    }
}

@Suite struct RequestGuardTests {
    @Test func authoritiesSplitIntoHostAndPortWithEightyByDefault() {
        #expect(RequestGuard.split(authority: "Example.COM:81")! == ("example.com", 81))
        #expect(RequestGuard.split(authority: "example.com")! == ("example.com", 80))
        #expect(RequestGuard.split(authority: "[::1]:8080")! == ("::1", 8080))
        #expect(RequestGuard.split(authority: "[::1]")! == ("::1", 80))
        for bad in ["", ":80", "a:b", "a:1:2", "[::1", "[::1]x", "a:70000", "a:+80"] { #expect(RequestGuard.split(authority: bad) == nil, "\(bad)") }
    }

    @Test func formsDecodePlusAndPercentAndRefuseRepeatedFields() throws {
        #expect(try FormFields("a=1+2&b=%C3%A9&c").values == ["a": "1 2", "b": "é", "c": ""])
        #expect(throws: FormFields.Problem.malformed) { try FormFields("a=1&a=2") }
        #expect(throws: FormFields.Problem.malformed) { try FormFields("a=%FF") }
    }
}
