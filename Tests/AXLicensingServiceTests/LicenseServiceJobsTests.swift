import AXCompliance
import AXLicensingService
import AXLicensingServiceFake
import AXState
import AXTestSupport
import Foundation
import Testing

/// The waits the client asked for, instead of waiting.
final class RecordedSleeps: @unchecked Sendable {
    private let lock = NSLock()
    private var waits: [Duration] = []
    var all: [Duration] { lock.withLock { waits } }
    func record(_ duration: Duration) { lock.withLock { waits.append(duration) } }
}

/// A workspace state database, the fake service and jobs on both.
struct ServiceHarness {
    let folder = TemporaryFolder()
    let fake: FakeLicensingService
    let store: StateStore
    let sleeps = RecordedSleeps()
    let jobs: LicenseServiceJobs

    var databasePath: String { folder.url.appendingPathComponent(".axlicense/state.sqlite").path }
    var tokenPath: String { databasePath + ".token" }

    /// `adjust` changes the client's options (the maximum reply size, the libcurl names) after the test defaults.
    init(timeout: Double = 5, adjust: (inout ServiceClientOptions) -> Void = { _ in }) throws {
        fake = try FakeLicensingService()
        store = try StateStore(path: folder.url.appendingPathComponent(".axlicense/state.sqlite").path)
        let sleeps = self.sleeps
        var options = ServiceClientOptions(timeout: timeout, sleep: { sleeps.record($0) })
        adjust(&options)
        jobs = LicenseServiceJobs(store: store, user: "tester", environment: "test-env", options: options)
    }

    func register() async throws -> LicensingServiceStatus {
        try await jobs.register(endpoint: fake.endpoint, tenantId: "tenant-1", environmentId: "env-1", environmentName: "Production")
    }

    var operations: [String] { get throws { try store.auditEntries().map(\.operation) } }

    /// Every byte of the state folder (database, WAL, token file aside) and every audit row, for token greps.
    func everythingButTheTokenFile() throws -> String {
        var text = try store.auditEntries().map { "\($0.operation) \($0.details) \($0.environment)" }.joined(separator: "\n")
        let folder = (databasePath as NSString).deletingLastPathComponent
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where !name.hasSuffix(".token") {
            text += String(decoding: try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name)), as: UTF8.self)
        }
        return text
    }
}

let sampleLicenses = #"""
    {"licenseHolder":"Contoso Ltd","products":[
      {"product":"Finance","licenseQty":10,"expirationDate":"2027-06-30","latestVersion":"10.0.45","releaseNotesUrl":"https://example.com/notes/finance"},
      {"product":"ContosoWarehouse","licenseQty":5,"expirationDate":null,"latestVersion":"2.4.0","releaseNotesUrl":""}]}
    """#

@Suite struct LicenseServiceJobsTests {
    @Test func aWorkspaceNeverRegisteredIsNotRegisteredAndItsCallsAreRefusedAndAudited() async throws {
        let harness = try ServiceHarness()
        #expect(try await harness.jobs.status().status == .notRegistered)
        await #expect(throws: LicensingServiceError.notRegistered) { try await harness.jobs.refreshLicenses() }
        #expect(try harness.operations == ["License Refresh Failed"])
        #expect(harness.fake.requests.isEmpty)
    }

    @Test func registrationStoresTheTokensInAPrivateFileAndTheRegistrationInTheDatabase() async throws {
        let harness = try ServiceHarness()
        let status = try await harness.register()
        #expect(status.status == .registered)
        #expect(status.registrationEndpoint == harness.fake.endpoint)
        #expect(status.tenantId == "tenant-1" && status.environmentId == "env-1" && status.environmentName == "Production")
        #expect(status.registeredAt != nil && status.tokenExpiry != nil)
        let body = try #require(harness.fake.requests(to: "/register").only?.json)
        #expect(body["tenantId"] as? String == "tenant-1" && body["environmentName"] as? String == "Production")
        let attributes = try FileManager.default.attributesOfItem(atPath: harness.tokenPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let entry = try #require(try harness.store.auditEntries().only)
        #expect(entry.operation == "Registration Success" && entry.userId == "tester" && entry.environment == "test-env")
        #expect(entry.details.contains("tenant tenant-1, environment env-1"))
        for token in harness.fake.issuedTokens { #expect(!(try harness.everythingButTheTokenFile()).contains(token)) }
    }

    @Test func aRefusedRegistrationIsFailureWithTheServicesMessage() async throws {
        let harness = try ServiceHarness()
        harness.fake.script("/register", .status(403, body: #"{"message":"tenant tenant-1 is not licensed"}"#))
        await #expect(throws: LicensingServiceError.rejected(call: .register, status: 403, message: "tenant tenant-1 is not licensed")) {
            _ = try await harness.register()
        }
        let status = try await harness.jobs.status()
        #expect(status.status == .failure)
        #expect(status.statusMessage == "registration failed: HTTP 403: tenant tenant-1 is not licensed")
        #expect(try harness.operations == ["Registration Failure"])
        #expect(!FileManager.default.fileExists(atPath: harness.tokenPath))
    }

    @Test func licenseRefreshStoresTheLicensesAndTheLastLicenseCheck() async throws {
        let harness = try ServiceHarness()
        harness.fake.licensesJSON = sampleLicenses
        _ = try await harness.register()
        let refresh = try await harness.jobs.refreshLicenses()
        #expect(refresh.licenseHolder == "Contoso Ltd" && refresh.products.count == 2)
        let purchased = try #require(try await harness.jobs.purchasedLicenses())
        #expect(purchased.licenseHolder == "Contoso Ltd")
        let products = purchased.entitlements()
        #expect(products.map(\.model) == ["Finance", "ContosoWarehouse"])
        #expect(products[0].licenseQuantity == 10 && products[0].expirationDate == CalendarDate("2027-06-30") && products[0].currentVersion.isEmpty)
        #expect(products[1].expirationDate == nil && products[1].latestVersion == "2.4.0" && products[1].licenseHolder == "Contoso Ltd")
        #expect(try await harness.jobs.status().lastLicenseCheck != nil)
        #expect(try harness.operations == ["Registration Success", "License Refresh"])
        #expect(harness.fake.requests(to: "/licenses").only?.bearer == harness.fake.issuedTokens.first)
    }

    @Test func aFailedRefreshKeepsTheLastGoodLicensesAndIsFailure() async throws {
        let harness = try ServiceHarness()
        harness.fake.licensesJSON = sampleLicenses
        _ = try await harness.register()
        _ = try await harness.jobs.refreshLicenses()
        let before = try #require(try await harness.jobs.purchasedLicenses())
        harness.fake.script("/licenses", .status(400, body: #"{"error":"bad request"}"#))
        await #expect(throws: LicensingServiceError.self) { try await harness.jobs.refreshLicenses() }
        #expect(try await harness.jobs.purchasedLicenses() == before)
        let status = try await harness.jobs.status()
        #expect(status.status == .failure && status.statusMessage == "license refresh failed: HTTP 400: bad request")
        // The next success clears the failure.
        _ = try await harness.jobs.refreshLicenses()
        #expect(try await harness.jobs.status().status == .registered)
        #expect(try harness.operations == ["Registration Success", "License Refresh", "License Refresh Failed", "License Refresh"])
    }

    @Test func a401IsCuredByOneTokenRefreshAndTheCallIsRetriedWithTheNewToken() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        harness.fake.expireAccessTokens()
        _ = try await harness.jobs.refreshLicenses()
        let calls = harness.fake.requests.map(\.path)
        #expect(calls == ["/register", "/licenses", "/token/refresh", "/licenses"])
        let issued = harness.fake.issuedTokens
        #expect(harness.fake.requests(to: "/licenses").map(\.bearer) == [issued[0], issued[2]])
        #expect(harness.fake.requests(to: "/token/refresh").only?.json?["refreshToken"] as? String == issued[1])
        #expect(try harness.operations == ["Registration Success", "Token Refresh", "License Refresh"])
        #expect(try await harness.jobs.status().status == .registered)
        for token in issued { #expect(!(try harness.everythingButTheTokenFile()).contains(token)) }
    }

    @Test func a401ThatTheTokenRefreshCannotCureIsTokenExpired() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        harness.fake.expireAccessTokens()
        harness.fake.revokeRefreshTokens()
        await #expect(throws: LicensingServiceError.self) { try await harness.jobs.sendTelemetry([]) }
        let status = try await harness.jobs.status()
        #expect(status.status == .tokenExpired)
        #expect(try harness.operations == ["Registration Success", "Token Refresh Failed", "Telemetry Failed"])
        #expect(harness.fake.requests.map(\.path) == ["/register", "/telemetry", "/token/refresh"])
    }

    @Test func a401AgainAfterASuccessfulTokenRefreshIsTokenExpiredWithoutASecondRefresh() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        harness.fake.script("/licenses", .status(401, body: "{}"), .status(401, body: #"{"message":"revoked"}"#))
        await #expect(throws: LicensingServiceError.tokenExpired(call: .licenseRefresh, message: "revoked")) { try await harness.jobs.refreshLicenses() }
        #expect(harness.fake.requests.map(\.path) == ["/register", "/licenses", "/token/refresh", "/licenses"])
        #expect(try await harness.jobs.status().status == .tokenExpired)
    }

    @Test func aTokenPastItsExpiryIsTokenExpiredAndRefreshTokenMakesItRegistered() async throws {
        let harness = try ServiceHarness()
        harness.fake.tokenLifetime = -60
        _ = try await harness.register()
        #expect(try await harness.jobs.status().status == .tokenExpired)
        harness.fake.tokenLifetime = 3600
        let renewed = try await harness.jobs.refreshToken()
        #expect(renewed.status == .registered)
        #expect(renewed.tokenExpiry! > Date())
        #expect(try harness.operations == ["Registration Success", "Token Refresh"])
    }

    @Test func anExpiredTokenIsRefreshedBeforeTheCallNotAfterA401() async throws {
        let harness = try ServiceHarness()
        harness.fake.tokenLifetime = -60
        _ = try await harness.register()
        harness.fake.tokenLifetime = 3600
        try await harness.jobs.sendTelemetry([TelemetryProduct(product: "Finance", installedVersion: "10.0.44", usedLicenses: 7, licenseModel: "legacy")])
        #expect(harness.fake.requests.map(\.path) == ["/register", "/token/refresh", "/telemetry"])
        let body = try #require(harness.fake.requests(to: "/telemetry").only?.json)
        #expect(body["environmentId"] as? String == "env-1")
        let product = try #require((body["products"] as? [[String: Any]])?.only)
        #expect(product["usedLicenses"] as? Int == 7 && product["licenseModel"] as? String == "legacy" && product["installedVersion"] as? String == "10.0.44")
        #expect((body["sentAt"] as? String).flatMap(ServiceTimestamp.parse) != nil)
        #expect(try harness.operations == ["Registration Success", "Token Refresh", "Telemetry Sent"])
    }

    @Test func fiveHundredsAreRetriedThreeTimesWithExponentialBackoffThenFailure() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        for _ in 0..<4 { harness.fake.script("/licenses", .status(503, body: #"{"message":"maintenance"}"#)) }
        await #expect(throws: LicensingServiceError.rejected(call: .licenseRefresh, status: 503, message: "maintenance")) {
            try await harness.jobs.refreshLicenses()
        }
        #expect(harness.fake.requests(to: "/licenses").count == 4)
        #expect(harness.sleeps.all == [.seconds(1), .seconds(2), .seconds(4)])
        #expect(try await harness.jobs.status().status == .failure)
    }

    @Test func aFiveHundredThenSuccessSucceedsAfterOneRetry() async throws {
        let harness = try ServiceHarness()
        harness.fake.script("/register", .status(500, body: "oops"))
        #expect(try await harness.register().status == .registered)
        #expect(harness.fake.requests(to: "/register").count == 2)
        #expect(harness.sleeps.all == [.seconds(1)])
    }

    @Test func aDroppedConnectionIsANetworkErrorRetriedThenReported() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        for _ in 0..<4 { harness.fake.script("/telemetry", .dropConnection) }
        await #expect {
            try await harness.jobs.sendTelemetry([])
        } throws: { error in
            guard case .unreachable(.telemetry, _, 4) = error as? LicensingServiceError else { return false }
            return true
        }
        #expect(harness.fake.requests(to: "/telemetry").count == 4)
        #expect(try harness.operations.last == "Telemetry Failed")
    }

    @Test func aServiceThatDoesNotAnswerTimesOutAndIsRetried() async throws {
        let harness = try ServiceHarness(timeout: 0.5)
        for _ in 0..<4 { harness.fake.script("/register", .silence) }
        await #expect(throws: LicensingServiceError.timedOut(call: .register, seconds: 0.5, attempts: 4)) { _ = try await harness.register() }
        // Four attempts (the error says so); the fake sees those whose request arrived before the client gave up, which on a
        // busy machine is not every one.
        #expect(!harness.fake.requests(to: "/register").isEmpty)
        #expect(try await harness.jobs.status().status == .failure)
        harness.fake.stop()
    }

    @Test func aSlowServiceWithinTheTimeoutSucceeds() async throws {
        let harness = try ServiceHarness(timeout: 5)
        harness.fake.script("/register", .delayed(seconds: 0.3, .contract))
        #expect(try await harness.register().status == .registered)
        #expect(harness.sleeps.all.isEmpty)
    }

    @Test func malformedJSONIsAFailureNamingWhereTheReplyIsWrong() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        harness.fake.script("/licenses", .status(200, body: #"{"licenseHolder":"Contoso","products":[{"product":"Finance","licenseQty":"ten"}]}"#))
        await #expect {
            try await harness.jobs.refreshLicenses()
        } throws: { error in
            guard case .malformedReply(.licenseRefresh, let detail) = error as? LicensingServiceError else { return false }
            return detail.contains("products[0].licenseQty")
        }
        harness.fake.script("/licenses", .status(200, body: #"{"licenseHolder":"C","products":[{"product":"F","licenseQty":1,"releaseNotesUrl":"javascript:alert(1)"}]}"#))
        await #expect {
            try await harness.jobs.refreshLicenses()
        } throws: { error in
            "\(error)".contains("releaseNotesUrl must be an http or https URL")
        }
        harness.fake.script("/licenses", .status(200, body: "{not json"))
        await #expect(throws: LicensingServiceError.self) { try await harness.jobs.refreshLicenses() }
        #expect(try await harness.jobs.purchasedLicenses() == nil)
        #expect(try await harness.jobs.status().status == .failure)
    }

    @Test func aReplyEchoingTheTokenNeverPutsItInAMessageOrTheAuditLog() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        let token = try #require(harness.fake.issuedTokens.first)
        harness.fake.script("/licenses", .status(400, body: #"{"message":"bad token \#(token)"}"#))
        await #expect {
            try await harness.jobs.refreshLicenses()
        } throws: { error in
            "\(error)".contains("[redacted]") && !"\(error)".contains(token)
        }
        #expect(!(try harness.everythingButTheTokenFile()).contains(token))
        #expect(!"\(try await harness.jobs.status())".contains(token))
    }

    @Test func aRedirectIsNotFollowedSoTheTokenStaysWithTheRegisteredEndpoint() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        harness.fake.script("/licenses", .status(307, body: ""))
        await #expect {
            try await harness.jobs.refreshLicenses()
        } throws: { error in
            guard case .rejected(_, 307, _) = error as? LicensingServiceError else { return false }
            return true
        }
        #expect(harness.fake.requests(to: "/licenses").count == 1)
    }

    @Test func scheduleIsShownAsScheduledOrNotScheduled() async throws {
        let harness = try ServiceHarness()
        _ = try await harness.register()
        #expect(try await harness.jobs.status().refreshSchedule == nil)
        try await harness.jobs.setSchedule(refresh: "daily 02:00 UTC", telemetry: nil)
        let status = try await harness.jobs.status()
        #expect(LicensingServiceStatus.scheduleText(status.refreshSchedule) == "Scheduled")
        #expect(LicensingServiceStatus.scheduleText(status.telemetrySchedule) == "Not scheduled")
    }
}

@Suite struct ServiceEndpointTests {
    @Test func httpsAnywhereAndPlainHttpOnlyToLoopbackAreAccepted() throws {
        for text in ["https://licensing.example.com/api", "https://licensing.example.com/api/", "http://127.0.0.1:8080", "http://localhost:1/x", "http://[::1]:9"] {
            #expect(throws: Never.self) { try ServiceEndpoint(text) }
        }
        #expect(try ServiceEndpoint("https://licensing.example.com/api/").description == "https://licensing.example.com/api")
    }

    @Test func plainHttpElsewhereOtherSchemesAndCredentialsAreRefused() {
        for text in ["http://licensing.example.com", "http://127.0.0.1.evil.com", "http://10.0.0.1", "ftp://x", "https://user:pw@example.com", "example.com",
                     "https://example.com/?q=1", "https://exa mple.com", ""] {
            #expect(throws: LicensingServiceError.self) { try ServiceEndpoint(text) }
        }
    }
}

@Suite struct EndpointCredentialsTests {
    @Test func anEndpointWithAPasswordIsRefusedWithoutShowingOrStoringThePassword() async throws {
        let harness = try ServiceHarness()
        await #expect {
            _ = try await harness.jobs.register(endpoint: "https://admin:hunter2@licensing.example.com", tenantId: "t", environmentId: "e", environmentName: nil)
        } throws: { error in
            "\(error)".contains("holds a user name or password") && !"\(error)".contains("hunter2")
        }
        #expect(!(try harness.everythingButTheTokenFile()).contains("hunter2"))
        #expect(try await harness.jobs.status().registrationEndpoint == "https://licensing.example.com")
    }
}

@Suite struct ServiceTokenFileTests {
    let tokens = ServiceTokens(accessToken: "secret-access", refreshToken: "secret-refresh", expiresAt: Date(timeIntervalSince1970: 1_800_000_000))

    @Test func tokensAreWrittenMode600AndReadBack() throws {
        let folder = TemporaryFolder()
        let file = ServiceTokenFile(path: folder.url.appendingPathComponent("t.token").path)
        try file.write(tokens)
        #expect(try file.read() == tokens)
        #expect((try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int) == 0o600)
        #expect(!"\(tokens)".contains("secret") && !String(reflecting: tokens).contains("secret"))
    }

    @Test func aTokenFileReadableByOthersIsRefusedAndNotReplaced() throws {
        let folder = TemporaryFolder()
        let file = ServiceTokenFile(path: folder.url.appendingPathComponent("t.token").path)
        try file.write(tokens)
        chmod(file.path, 0o644)
        #expect(throws: LicensingServiceError.self) { try file.read() }
        #expect(throws: LicensingServiceError.self) { try file.write(tokens) }
        do { _ = try file.read() } catch { #expect("\(error)".contains("mode 644")) }
    }

    @Test func aSymlinkedTokenFileIsRefusedForReadingAndWriting() throws {
        let folder = TemporaryFolder()
        let target = folder.write("elsewhere.json", "{}")
        let link = folder.url.appendingPathComponent("t.token").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let file = ServiceTokenFile(path: link)
        #expect(throws: LicensingServiceError.self) { try file.read() }
        #expect(throws: LicensingServiceError.self) { try file.write(tokens) }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "{}")
    }

    @Test func aDamagedTokenFileIsRefusedWithoutQuotingIt() throws {
        let folder = TemporaryFolder()
        let path = folder.write("t.token", #"{"accessToken":"leaky-secret""#)
        chmod(path, 0o600)
        do {
            _ = try ServiceTokenFile(path: path).read()
            Issue.record("a damaged token file was read")
        } catch {
            #expect(!"\(error)".contains("leaky-secret"))
        }
    }
}
