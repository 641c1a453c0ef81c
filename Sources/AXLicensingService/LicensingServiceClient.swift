import AXReading
import Foundation

/// How the client talks to the service: timeout, retries and the wait between them.
public struct ServiceClientOptions: Sendable {
    /// Seconds a request may take (connect, send, reply) before it counts as a network error.
    public var timeout: Double
    /// Retries after the first attempt, on a network error, a timeout or a 5xx reply.
    public var retries: Int
    /// The wait before the first retry; each later wait doubles it (1 s, 2 s, 4 s by default).
    public var initialBackoff: Duration
    /// How a wait is made; tests pass one that records the waits and returns at once.
    public var sleep: @Sendable (Duration) async -> Void
    /// Largest reply body read, in bytes; a larger reply is a malformed reply.
    public var maximumReplySize: Int
    /// The names `dlopen` tries for libcurl, in order (`CurlTransport.defaultLibraryNames`). Not for users: tests name a
    /// library that does not exist to see the error a machine without libcurl gives.
    package var curlLibraryNames = CurlTransport.defaultLibraryNames

    /// 30 s timeout, three retries waiting 1 s, 2 s and 4 s, replies up to 4 MiB.
    public init(timeout: Double = 30, retries: Int = 3, initialBackoff: Duration = .seconds(1),
                sleep: @escaping @Sendable (Duration) async -> Void = { try? await Task.sleep(for: $0) }, maximumReplySize: Int = 4 << 20) {
        self.timeout = timeout
        self.retries = retries
        self.initialBackoff = initialBackoff
        self.sleep = sleep
        self.maximumReplySize = maximumReplySize
    }
}

/// The licensing service contract's four calls over HTTP (DOMAIN.md §8), without state: each call takes the tokens
/// it needs and returns what the service said. `LicenseServiceJobs` adds the state, the token refresh on 401 and the
/// audit log.
///
/// Built on libcurl, loaded with `dlopen` on the first request (`CurlTransport`, the C target CCurlLoader): no package
/// to build, the system's certificate store verifies TLS (libcurl's defaults; no option weakens them), and the commands
/// that never call the service do not load libcurl and its ~30 libraries at start. Redirects are not followed, so a
/// bearer token is only ever sent to the endpoint that was registered; only http and https are spoken.
public final class LicensingServiceClient: Sendable {
    /// The service's base URL.
    public let endpoint: ServiceEndpoint
    /// Timeout and retry behaviour.
    public let options: ServiceClientOptions
    private let transport: CurlTransport

    /// A client of the service at `endpoint`; nothing is loaded or sent until the first call.
    public init(endpoint: ServiceEndpoint, options: ServiceClientOptions = ServiceClientOptions()) {
        self.endpoint = endpoint
        self.options = options
        transport = CurlTransport(libraryNames: options.curlLibraryNames)
    }

    /// `POST /register`: new tokens for this tenant and environment. Any error status is `rejected`.
    public func register(_ request: RegistrationRequest) async throws(LicensingServiceError) -> ServiceTokens {
        let reply = try await exchange(.register, method: "POST", path: "register", body: encode(request), bearer: nil, secrets: [])
        guard reply.status == 200 else {
            throw .rejected(call: .register, status: reply.status, message: reply.message(scrubbing: []))
        }
        return try decode(ServiceTokens.self, reply, call: .register, keys: ["accessToken", "refreshToken", "expiresAt"])
    }

    /// `POST /token/refresh`: new tokens for the refresh token; 401 is `tokenExpired`.
    public func refreshTokens(using refreshToken: String) async throws(LicensingServiceError) -> ServiceTokens {
        let body = try encode(["refreshToken": refreshToken])
        let reply = try await exchange(.tokenRefresh, method: "POST", path: "token/refresh", body: body, bearer: nil, secrets: [refreshToken])
        switch reply.status {
        case 200: return try decode(ServiceTokens.self, reply, call: .tokenRefresh, keys: ["accessToken", "refreshToken", "expiresAt"])
        case 401: throw .tokenExpired(call: .tokenRefresh, message: reply.message(scrubbing: [refreshToken]))
        default: throw .rejected(call: .tokenRefresh, status: reply.status, message: reply.message(scrubbing: [refreshToken]))
        }
    }

    /// `GET /licenses`: the purchased licenses; 401 is `tokenExpired` (the caller refreshes and asks again).
    public func licenses(accessToken: String) async throws(LicensingServiceError) -> LicenseRefresh {
        let reply = try await exchange(.licenseRefresh, method: "GET", path: "licenses", body: nil, bearer: accessToken, secrets: [accessToken])
        switch reply.status {
        case 200:
            return try decode(LicenseRefresh.self, reply, call: .licenseRefresh,
                              keys: ["licenseHolder", "products", "product", "licenseQty", "expirationDate", "latestVersion", "releaseNotesUrl"])
        case 401: throw .tokenExpired(call: .licenseRefresh, message: reply.message(scrubbing: [accessToken]))
        default: throw .rejected(call: .licenseRefresh, status: reply.status, message: reply.message(scrubbing: [accessToken]))
        }
    }

    /// `POST /telemetry`: the used counts; 202 (or any 2xx) is success, 401 is `tokenExpired`.
    public func sendTelemetry(_ report: TelemetryReport, accessToken: String) async throws(LicensingServiceError) {
        let reply = try await exchange(.telemetry, method: "POST", path: "telemetry", body: encode(report), bearer: accessToken, secrets: [accessToken])
        switch reply.status {
        case 200..<300: return
        case 401: throw .tokenExpired(call: .telemetry, message: reply.message(scrubbing: [accessToken]))
        default: throw .rejected(call: .telemetry, status: reply.status, message: reply.message(scrubbing: [accessToken]))
        }
    }

    // MARK: - One exchange, with retries

    private struct Reply {
        var status: Int
        var body: Data

        /// The service's explanation: a JSON `message` or `error` member, else the start of the body as text; with
        /// every secret replaced by `[redacted]` and control characters removed.
        func message(scrubbing secrets: [String]) -> String {
            var text = String(decoding: body.prefix(4096), as: UTF8.self)
            if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
                if let message = object["message"] as? String { text = message } else if let error = object["error"] as? String { text = error }
            }
            return ServiceText.scrub(text, secrets: secrets)
        }
    }

    private func exchange(_ call: ServiceCall, method: String, path: String, body: Data?, bearer: String?,
                          secrets: [String]) async throws(LicensingServiceError) -> Reply {
        var headers = ["Accept: application/json"]
        if body != nil { headers.append("Content-Type: application/json") }
        if let bearer { headers.append("Authorization: Bearer " + bearer) }
        let request = HTTPRequest(method: method, url: endpoint.url(path).absoluteString, headers: headers, body: body, timeout: options.timeout,
                                  maximumReplySize: options.maximumReplySize)
        let attempts = max(0, options.retries) + 1
        var failure: LicensingServiceError
        var attempt = 1
        while true {
            switch try await transport.exchange(request) {
            case .replied(let status, let body):
                let reply = Reply(status: status, body: body)
                if (300..<400).contains(reply.status) {
                    throw .rejected(call: call, status: reply.status, message: "the service redirected; redirects are not followed, register the final URL")
                }
                guard (500..<600).contains(reply.status) else { return reply }
                failure = .rejected(call: call, status: reply.status, message: reply.message(scrubbing: secrets))
            case .tooLarge:
                throw .malformedReply(call: call, detail: "the reply is larger than \(options.maximumReplySize) bytes")
            case .failed(let curlFailure):
                let classified = classify(curlFailure, call: call, attempts: attempt, secrets: secrets)
                guard classified.isTransient else { throw classified.error }
                failure = classified.error
            }
            guard attempt < attempts else { throw failure }
            await options.sleep(options.initialBackoff * (1 << (attempt - 1)))
            attempt += 1
        }
    }

    /// A libcurl failure as a service error, and whether trying again can help: not for a certificate or TLS problem,
    /// a request libcurl refuses to make, or a cancelled one.
    private func classify(_ failure: CurlFailure, call: ServiceCall, attempts: Int, secrets: [String]) -> (error: LicensingServiceError, isTransient: Bool) {
        typealias Code = CurlFailure.Code
        switch failure.code {
        case Code.operationTimedOut:
            return (.timedOut(call: call, seconds: options.timeout, attempts: attempts), true)
        case Code.abortedByCallback:
            return (.unreachable(call: call, detail: "the request was cancelled", attempts: attempts), false)
        case _ where Code.tls.contains(failure.code):
            return (.unreachable(call: call, detail: "TLS: the server's certificate is not trusted or the secure connection failed", attempts: attempts), false)
        case Code.unsupportedProtocol, Code.failedInit, Code.urlMalformed, Code.notBuiltIn, Code.outOfMemory, Code.badFunctionArgument, Code.unknownOption:
            return (.unreachable(call: call, detail: ServiceText.scrub(failure.text, secrets: secrets), attempts: attempts), false)
        default:
            return (.unreachable(call: call, detail: ServiceText.networkDetail(failure, secrets: secrets), attempts: attempts), true)
        }
    }

    private func encode(_ value: some Encodable) throws(LicensingServiceError) -> Data {
        do {
            return try ServiceTimestamp.encoder().encode(value)
        } catch {
            throw .malformedReply(call: .telemetry, detail: "cannot encode the request: \(error)")
        }
    }

    private func decode<Value: Decodable>(_ type: Value.Type, _ reply: Reply, call: ServiceCall, keys: [String]) throws(LicensingServiceError) -> Value {
        do {
            return try JSONInput(reply.body, path: "reply").decode(type, keys: keys)
        } catch {
            let detail: String
            if case .invalid(_, let line, let column, let message) = error {
                detail = (line.map { "line \($0)" + (column.map { ":\($0)" } ?? "") + ": " } ?? "") + message
            } else {
                detail = error.description
            }
            throw .malformedReply(call: call, detail: ServiceText.scrub(detail, secrets: []))
        }
    }
}

/// Text from the service or the network made safe for a message: secrets removed, control characters dropped, short.
enum ServiceText {
    static let maximumLength = 300

    static func scrub(_ text: String, secrets: [String]) -> String {
        var text = text
        for secret in secrets where !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "[redacted]") }
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
            .trimmingCharacters(in: .whitespaces)
        return cleaned.count > maximumLength ? String(cleaned.prefix(maximumLength)) + "…" : cleaned
    }

    /// A network error in words, keyed by libcurl's code: the common ones without the URL (which the user gave and the
    /// message names elsewhere), any other with libcurl's own text.
    static func networkDetail(_ failure: CurlFailure, secrets: [String]) -> String {
        typealias Code = CurlFailure.Code
        return switch failure.code {
        case Code.couldNotConnect: "connection refused"
        case Code.couldNotResolveHost: "host not found"
        case Code.couldNotResolveProxy: "proxy host not found"
        case Code.gotNothing, Code.receiveError, Code.sendError, Code.partialFile: "the connection was closed before the reply was complete"
        case Code.weirdServerReply: "the reply is not valid HTTP"
        default: "network error \(failure.code): " + scrub(failure.text, secrets: secrets)
        }
    }
}
