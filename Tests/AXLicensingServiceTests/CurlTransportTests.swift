import AXLicensingService
import AXLicensingServiceFake
import AXTestSupport
import Foundation
import Testing

/// The client's HTTP layer: libcurl loaded on first use (CCurlLoader), and what it refuses to do.
@Suite struct CurlTransportTests {
    static let missingLibrary = "libaxlicense-test-no-such-curl.so.4"

    func request(_ url: String, method: String = "GET", headers: [String] = [], body: Data? = nil, maximumReplySize: Int = 4 << 20) -> HTTPRequest {
        HTTPRequest(method: method, url: url, headers: headers, body: body, timeout: 5, maximumReplySize: maximumReplySize)
    }

    @Test func withoutLibcurlACallFailsWithTheInstallHintIsAuditedAndNotRetried() async throws {
        let harness = try ServiceHarness { $0.curlLibraryNames = [Self.missingLibrary] }
        await #expect {
            _ = try await harness.register()
        } throws: { error in
            guard case .networkLibraryUnavailable(let detail) = error as? LicensingServiceError else { return false }
            #if os(Linux)
            return detail == "\(Self.missingLibrary) is not installed: apt-get install libcurl4 (or your distribution's libcurl package)"
            #else
            return detail.hasPrefix("\(Self.missingLibrary) ")
            #endif
        }
        #expect(harness.fake.requests.isEmpty)
        #expect(harness.sleeps.all.isEmpty)
        #expect(try harness.operations == ["Registration Failure"])
        let status = try await harness.jobs.status()
        #expect(status.status == .failure && status.statusMessage.hasPrefix("\(Self.missingLibrary) is not installed"))
    }

    #if os(Linux)
    @Test func aLibraryThatIsNotLibcurlIsRefusedNamingWhatItLacks() async throws {
        await #expect(throws: LicensingServiceError.networkLibraryUnavailable(
            detail: "libz.so.1 lacks curl_global_init: it is not a usable libcurl; apt-get install libcurl4 (or your distribution's libcurl package)")) {
            _ = try await CurlTransport(libraryNames: ["libz.so.1"]).exchange(request("http://127.0.0.1:1/"))
        }
    }
    #endif

    @Test func aReplyAnnouncingMoreThanTheMaximumIsMalformedAndNotRetried() async throws {
        let harness = try ServiceHarness { $0.maximumReplySize = 1000 }
        _ = try await harness.register()
        harness.fake.script("/licenses", .status(200, body: String(repeating: " ", count: 1001)))
        await #expect(throws: LicensingServiceError.malformedReply(call: .licenseRefresh, detail: "the reply is larger than 1000 bytes")) {
            try await harness.jobs.refreshLicenses()
        }
        #expect(harness.fake.requests(to: "/licenses").count == 1)
        #expect(harness.sleeps.all.isEmpty)
    }

    @Test func aReplyOfExactlyTheMaximumIsRead() async throws {
        let harness = try ServiceHarness { $0.maximumReplySize = 1000 }
        _ = try await harness.register()
        let licenses = #"{"licenseHolder":"Contoso Ltd","products":[]}"#
        harness.fake.script("/licenses", .status(200, body: licenses + String(repeating: " ", count: 1000 - licenses.utf8.count)))
        #expect(try await harness.jobs.refreshLicenses().licenseHolder == "Contoso Ltd")
    }

    @Test func aReplyWithoutALengthIsCutOffAtTheMaximumNotReadToTheEnd() async throws {
        let fake = try FakeLicensingService()
        fake.script("/endless", .endlessBody(status: 200))
        let outcome = try await CurlTransport().exchange(request(fake.endpoint + "/endless", maximumReplySize: 65_536))
        #expect(outcome == .tooLarge)
        // The fake stops sending when the client closes the connection: what it sent is what the socket buffers took
        // before that, far from the 1 GiB it would send to a client reading on.
        let sent = try #require(fake.endlessBodyBytesSent())
        #expect(sent < 64 << 20)
    }

    @Test func urlsOtherThanHttpAndHttpsAreRefusedWithoutAConnection() async throws {
        let fake = try FakeLicensingService()
        for url in ["file:///etc/passwd", "ftp://127.0.0.1:\(fake.port)/licenses", "gopher://127.0.0.1:\(fake.port)/licenses",
                    "dict://127.0.0.1:\(fake.port)/licenses", "telnet://127.0.0.1:\(fake.port)"] {
            let outcome = try await CurlTransport().exchange(request(url))
            #expect(outcome.failureCode == CurlFailure.Code.unsupportedProtocol, "\(url): \(outcome)")
        }
        #expect(fake.requests.isEmpty)
    }

    @Test func aHeaderWithALineBreakIsNeverSent() async throws {
        let fake = try FakeLicensingService()
        let outcome = try await CurlTransport().exchange(request(fake.endpoint + "/licenses", headers: ["Authorization: Bearer x\r\nX-Injected: 1"]))
        #expect(outcome.failureCode == CurlFailure.Code.badFunctionArgument, "the header was sent: \(outcome)")
        #expect(fake.requests.isEmpty)
    }

    @Test func aTokenHoldingALineBreakIsRefusedSoItNeverBecomesAHeader() async throws {
        let harness = try ServiceHarness()
        harness.fake.script("/register", .status(200, body: #"{"accessToken":"a\r\nX-Injected: 1","refreshToken":"r","expiresAt":"2030-01-01T00:00:00Z"}"#))
        await #expect {
            _ = try await harness.register()
        } throws: { error in
            guard case .malformedReply(.register, let detail) = error as? LicensingServiceError else { return false }
            return detail.contains("accessToken holds control characters")
        }
    }

    @Test func aRedirectComesBackAsTheReplyAndIsNotFollowed() async throws {
        let fake = try FakeLicensingService()
        fake.script("/register", .status(302, body: ""))
        let outcome = try await CurlTransport().exchange(request(fake.endpoint + "/register", method: "POST", body: Data("{}".utf8)))
        #expect(outcome == .replied(status: 302, body: Data()))
        #expect(fake.requests.map(\.path) == ["/register"])
    }

    @Test func theRequestCarriesItsMethodHeadersAndBody() async throws {
        let fake = try FakeLicensingService()
        let body = Data(#"{"environmentId":"e","products":[]}"#.utf8)
        _ = try await CurlTransport().exchange(request(fake.endpoint + "/telemetry", method: "POST", headers: ["Authorization: Bearer t-1", "Content-Type: application/json"], body: body))
        let received = try #require(fake.requests.only)
        #expect(received.method == "POST" && received.bearer == "t-1" && received.body == body)
        #expect(received.headers["content-type"] == "application/json" && received.headers["expect"] == nil && received.headers["cookie"] == nil)
    }

    @Test func cancellingTheCallingTaskStopsTheExchangeWithoutRetries() async throws {
        let fake = try FakeLicensingService()
        defer { fake.stop() }
        for _ in 0..<4 { fake.script("/licenses", .silence) }
        let client = LicensingServiceClient(endpoint: try ServiceEndpoint(fake.endpoint), options: ServiceClientOptions(timeout: 120, sleep: { _ in }))
        let call = Task { try await client.licenses(accessToken: "t") }
        // Cancel once the request is at the service, so the exchange is under way (not refused before it starts).
        for _ in 0..<3000 where fake.requests.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        try #require(!fake.requests.isEmpty, "the request never reached the fake")
        call.cancel()
        // A timeout would be `timedOut` after four attempts; cancelled, it is one attempt, not retried.
        await #expect(throws: LicensingServiceError.unreachable(call: .licenseRefresh, detail: "the request was cancelled", attempts: 1)) {
            _ = try await call.value
        }
        #expect(fake.requests(to: "/licenses").count == 1)
    }

    @Test func anExchangeCancelledBeforeItStartsSendsNothing() async throws {
        let fake = try FakeLicensingService()
        let outcome = await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await CurlTransport().exchange(request(fake.endpoint + "/licenses"))
        }.result
        #expect(try outcome.get().failureCode == CurlFailure.Code.abortedByCallback, "a cancelled exchange ran: \(outcome)")
        #expect(fake.requests.isEmpty)
    }

    @Test func concurrentCallsEachGetTheirOwnReply() async throws {
        let fake = try FakeLicensingService()
        let client = LicensingServiceClient(endpoint: try ServiceEndpoint(fake.endpoint))
        let tokens = try await client.register(RegistrationRequest(tenantId: "t", environmentId: "e", environmentName: "Production"))
        let holders = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<8 { group.addTask { try await client.licenses(accessToken: tokens.accessToken).licenseHolder } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(holders == Array(repeating: "Contoso Ltd", count: 8))
        #expect(fake.requests(to: "/licenses").count == 8)
    }
}

extension HTTPOutcome {
    /// The libcurl failure's code; nil when the exchange got a reply.
    var failureCode: Int? {
        if case .failed(let failure) = self { failure.code } else { nil }
    }
}
