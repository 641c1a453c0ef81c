import AXReading
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
/// Built on URLSession (FoundationNetworking, libcurl on Linux): part of the toolchain, so no package to build, and
/// the system's certificate store verifies TLS (no delegate overrides it). Redirects are not followed, so a bearer
/// token is only ever sent to the endpoint that was registered.
public final class LicensingServiceClient: Sendable {
    /// The service's base URL.
    public let endpoint: ServiceEndpoint
    /// Timeout and retry behaviour.
    public let options: ServiceClientOptions
    private let session: URLSession

    public init(endpoint: ServiceEndpoint, options: ServiceClientOptions = ServiceClientOptions()) {
        self.endpoint = endpoint
        self.options = options
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = options.timeout
        configuration.timeoutIntervalForResource = options.timeout
        configuration.httpCookieAcceptPolicy = .never
        configuration.httpShouldSetCookies = false
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    }

    deinit {
        session.finishTasksAndInvalidate()
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
        var request = URLRequest(url: endpoint.url(path))
        request.httpMethod = method
        request.timeoutInterval = options.timeout
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let bearer { request.setValue("Bearer " + bearer, forHTTPHeaderField: "Authorization") }
        let attempts = max(0, options.retries) + 1
        var failure: LicensingServiceError
        var attempt = 1
        while true {
            do {
                let (data, response) = try await session.data(for: request)
                guard let http = response as? HTTPURLResponse else {
                    throw LicensingServiceError.malformedReply(call: call, detail: "not an HTTP reply")
                }
                guard data.count <= options.maximumReplySize else {
                    throw LicensingServiceError.malformedReply(call: call, detail: "the reply is larger than \(options.maximumReplySize) bytes")
                }
                let reply = Reply(status: http.statusCode, body: data)
                if (300..<400).contains(reply.status) {
                    throw LicensingServiceError.rejected(call: call, status: reply.status, message: "the service redirected; redirects are not followed, register the final URL")
                }
                guard (500..<600).contains(reply.status) else { return reply }
                failure = .rejected(call: call, status: reply.status, message: reply.message(scrubbing: secrets))
            } catch let error as LicensingServiceError {
                throw error
            } catch {
                let classified = classify(error, call: call, attempts: attempt, secrets: secrets)
                guard classified.isTransient else { throw classified.error }
                failure = classified.error
            }
            guard attempt < attempts else { throw failure }
            await options.sleep(options.initialBackoff * (1 << (attempt - 1)))
            attempt += 1
        }
    }

    /// A transport error as a service error, and whether trying again can help (not for a certificate problem).
    private func classify(_ error: any Error, call: ServiceCall, attempts: Int, secrets: [String]) -> (error: LicensingServiceError, isTransient: Bool) {
        let code = (error as? URLError)?.code
        switch code {
        case .timedOut?:
            return (.timedOut(call: call, seconds: options.timeout, attempts: attempts), true)
        case .serverCertificateUntrusted?, .serverCertificateHasBadDate?, .serverCertificateNotYetValid?, .serverCertificateHasUnknownRoot?,
             .secureConnectionFailed?, .clientCertificateRejected?, .clientCertificateRequired?:
            return (.unreachable(call: call, detail: "TLS: the server's certificate is not trusted or the secure connection failed", attempts: attempts), false)
        case .unsupportedURL?, .badURL?, .cancelled?:
            return (.unreachable(call: call, detail: ServiceText.scrub(error.localizedDescription, secrets: secrets), attempts: attempts), false)
        default:
            let detail = (error as? URLError).map { ServiceText.networkDetail($0) } ?? ServiceText.scrub("\(error)", secrets: secrets)
            return (.unreachable(call: call, detail: detail, attempts: attempts), true)
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

/// Refuses every redirect: the reply is returned as it is (3xx), and no request (with its bearer token) goes elsewhere.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(_ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
                    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void) {
        completionHandler(nil)
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

    /// A network error in words, without its URL (which the user gave and the message names elsewhere).
    static func networkDetail(_ error: URLError) -> String {
        switch error.code {
        case .cannotConnectToHost: "connection refused"
        case .cannotFindHost, .dnsLookupFailed: "host not found"
        case .networkConnectionLost: "the connection was closed before the reply was complete"
        case .notConnectedToInternet: "no network"
        case .badServerResponse: "the reply is not valid HTTP"
        default: "network error \(error.code.rawValue)"
        }
    }
}
