import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An in-process fake of the licensing service contract (DOMAIN.md §8, Docs/licensing-service.openapi.yaml) on a real
/// HTTP/1.1 listener at 127.0.0.1 on a free port, for tests of the client and of `serve`.
///
/// By default it behaves as the contract says: `register` issues fresh tokens (unique, so tests can grep for them),
/// `token/refresh` renews a known refresh token (401 otherwise), `licenses` and `telemetry` need a current access
/// token (401 otherwise). Tests script anything else per path, first in first out: an error status, a slow or
/// missing reply, a dropped connection, malformed JSON. Every request is kept for assertions.
///
/// Plain POSIX sockets, a thread per connection: no package to build, and the test controls every byte and delay.
public final class FakeLicensingService: @unchecked Sendable {
    /// One request as received.
    public struct Request: Sendable, Hashable {
        public var method: String
        /// Path after the port, e.g. `/licenses`.
        public var path: String
        /// Header names in lower case.
        public var headers: [String: String]
        public var body: Data
        /// The token of `Authorization: Bearer …`, if any.
        public var bearer: String? {
            guard let value = headers["authorization"], value.hasPrefix("Bearer ") else { return nil }
            return String(value.dropFirst("Bearer ".count))
        }
        /// The body as a JSON object, if it is one.
        public var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] }
    }

    /// A scripted reply.
    public indirect enum Reply: Sendable {
        /// The contract's own behaviour for the path.
        case contract
        /// This status and body (sent as `application/json`).
        case status(Int, body: String)
        /// `reply` after a pause of `seconds`.
        case delayed(seconds: Double, Reply)
        /// Reads the request and never answers (until `stop`): a timeout.
        case silence
        /// Closes the connection without a reply: a network error.
        case dropConnection
        /// This status, then a body without a length that goes on until the client closes the connection (1 GiB at
        /// most): a reply larger than any maximum. `endlessBodyBytesSent()` tells how much went out.
        case endlessBody(status: Int)
    }

    /// The purchased licenses `GET /licenses` returns, as JSON (`{"licenseHolder": …, "products": [ … ]}`).
    public var licensesJSON: String {
        get { lock.withLock { _licensesJSON } }
        set { lock.withLock { _licensesJSON = newValue } }
    }

    /// The port it listens on (127.0.0.1).
    public let port: Int
    /// `http://127.0.0.1:<port>`: the endpoint to register.
    public var endpoint: String { "http://127.0.0.1:\(port)" }

    /// How long issued access tokens live; tests shorten it to see "Token expired".
    public var tokenLifetime: TimeInterval {
        get { lock.withLock { _tokenLifetime } }
        set { lock.withLock { _tokenLifetime = newValue } }
    }

    private let lock = NSLock()
    private let listener: Int32
    private var _licensesJSON = #"{"licenseHolder":"Contoso Ltd","products":[]}"#
    private var _tokenLifetime: TimeInterval = 3600
    private var scripted: [String: [Reply]] = [:]
    private var received: [Request] = []
    private var issued: [String] = []
    private var validAccess: Set<String> = []
    private var validRefresh: Set<String> = []
    private var counter = 0
    private var stopped = false
    private let stopSignal = DispatchSemaphore(value: 0)
    private let endlessBodyEnded = DispatchSemaphore(value: 0)
    private var endlessBytes = 0
    private let acceptThread: Thread

    /// Starts listening on 127.0.0.1 at a free port.
    public init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw FakeServiceError.socket("socket: \(errno)") }
        var yes: Int32 = 1
        setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socket, 64) == 0 else {
            close(socket)
            throw FakeServiceError.socket("bind/listen: \(errno)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        listener = socket
        port = Int(UInt16(bigEndian: address.sin_port))
        let box = WeakBox()
        acceptThread = Thread {
            while true {
                let connection = accept(socket, nil, nil)
                guard connection >= 0 else {
                    if errno == EINTR { continue }
                    return
                }
                guard let service = box.service else {
                    close(connection)
                    return
                }
                Thread.detachNewThread { service.serve(connection) }
            }
        }
        box.service = self
        acceptThread.start()
    }

    deinit { stop() }

    /// Stops listening and releases connections held by `.silence`.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        for _ in 0..<64 { stopSignal.signal() }
    }

    /// Queues `replies` for the next requests to `path` (e.g. `/licenses`), in order; after them, the contract.
    public func script(_ path: String, _ replies: Reply...) {
        lock.withLock { scripted[path, default: []].append(contentsOf: replies) }
    }

    /// Every request received, in order.
    public var requests: [Request] { lock.withLock { received } }

    /// Requests received for `path`.
    public func requests(to path: String) -> [Request] { requests.filter { $0.path == path } }

    /// Every access and refresh token ever issued: none may appear in any output, file or audit row.
    public var issuedTokens: [String] { lock.withLock { issued } }

    /// The body bytes the oldest unreported `.endlessBody` reply sent before the client closed the connection, once it
    /// has ended (nil if none ends within `seconds`).
    public func endlessBodyBytesSent(waitingAtMost seconds: Double = 30) -> Int? {
        guard endlessBodyEnded.wait(timeout: .now() + seconds) == .success else { return nil }
        return lock.withLock { endlessBytes }
    }

    /// Makes every issued access token invalid (the next `licenses` or `telemetry` is 401).
    public func expireAccessTokens() { lock.withLock { validAccess.removeAll() } }

    /// Makes every issued refresh token invalid (the next `token/refresh` is 401).
    public func revokeRefreshTokens() { lock.withLock { validRefresh.removeAll() } }

    // MARK: - Serving

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard let request = Self.readRequest(connection) else { return }
        let reply = lock.withLock { () -> Reply in
            received.append(request)
            if var queue = scripted[request.path], !queue.isEmpty {
                let next = queue.removeFirst()
                scripted[request.path] = queue
                return next
            }
            return .contract
        }
        respond(reply, to: request, on: connection)
    }

    private func respond(_ reply: Reply, to request: Request, on connection: Int32) {
        switch reply {
        case .contract:
            let (status, body) = contract(request)
            Self.send(status: status, body: body, on: connection)
        case .status(let status, let body):
            Self.send(status: status, body: body, on: connection)
        case .delayed(let seconds, let then):
            if stopSignal.wait(timeout: .now() + seconds) == .success { return }
            respond(then, to: request, on: connection)
        case .silence:
            _ = stopSignal.wait(timeout: .now() + 60)
        case .endlessBody(let status):
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let head = "HTTP/1.1 \(status) Status\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
            var sent = 0
            if Self.sendAll(Array(head.utf8), on: connection) {
                let chunk = [UInt8](repeating: UInt8(ascii: " "), count: 65_536)
                while sent < 1 << 30, Self.sendAll(chunk, on: connection) { sent += chunk.count }
            }
            lock.withLock { endlessBytes = sent }
            endlessBodyEnded.signal()
        case .dropConnection:
            var linger = linger(l_onoff: 1, l_linger: 0)
            setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<linger>.size))
        }
    }

    /// The contract's behaviour (DOMAIN.md §8).
    private func contract(_ request: Request) -> (Int, String) {
        lock.lock()
        defer { lock.unlock() }
        func tokens() -> String {
            counter += 1
            let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            let access = "fake-access-\(counter)-\(suffix)"
            let refresh = "fake-refresh-\(counter)-\(suffix)"
            issued += [access, refresh]
            validAccess.insert(access)
            validRefresh.insert(refresh)
            let formatter = ISO8601DateFormatter()
            let expires = formatter.string(from: Date().addingTimeInterval(_tokenLifetime))
            return #"{"accessToken":"\#(access)","refreshToken":"\#(refresh)","expiresAt":"\#(expires)"}"#
        }
        switch (request.method, request.path) {
        case ("POST", "/register"):
            guard let body = request.json, body["tenantId"] is String, body["environmentId"] is String else {
                return (400, #"{"message":"tenantId and environmentId are required"}"#)
            }
            return (200, tokens())
        case ("POST", "/token/refresh"):
            guard let token = request.json?["refreshToken"] as? String, validRefresh.contains(token) else {
                return (401, #"{"message":"refresh token expired or unknown"}"#)
            }
            validRefresh.remove(token)
            return (200, tokens())
        case ("GET", "/licenses"):
            guard let token = request.bearer, validAccess.contains(token) else { return (401, #"{"message":"access token expired"}"#) }
            return (200, _licensesJSON)
        case ("POST", "/telemetry"):
            guard let token = request.bearer, validAccess.contains(token) else { return (401, #"{"message":"access token expired"}"#) }
            guard let body = request.json, body["environmentId"] is String, body["products"] is [Any] else {
                return (400, #"{"message":"environmentId and products are required"}"#)
            }
            return (202, "{}")
        default:
            return (404, #"{"message":"no such operation"}"#)
        }
    }

    private static func readRequest(_ connection: Int32) -> Request? {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 16_384)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while headerEnd == nil {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            data.append(contentsOf: buffer[0..<count])
            headerEnd = data.range(of: separator)
            if data.count > 1 << 20 { return nil }
        }
        let head = String(decoding: data[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Data(data[headerEnd!.upperBound...])
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while body.count < length {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            body.append(contentsOf: buffer[0..<count])
        }
        return Request(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body)
    }

    private static func send(status: Int, body: String, on connection: Int32) {
        let reason = [200: "OK", 202: "Accepted", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 500: "Internal Server Error",
                      502: "Bad Gateway", 503: "Service Unavailable"][status] ?? "Status"
        let bytes = Array(body.utf8)
        var text = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\nConnection: close\r\n"
        if (300..<400).contains(status) { text += "Location: http://127.0.0.1:1/elsewhere\r\n" }
        _ = sendAll(Array((text + "\r\n").utf8) + bytes, on: connection)
    }

    /// Sends every byte of `message`; false when the connection fails first.
    private static func sendAll(_ message: [UInt8], on connection: Int32) -> Bool {
        var offset = 0
        while offset < message.count {
            let sent = message[offset...].withUnsafeBytes { Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}

/// The fake could not start.
public enum FakeServiceError: Error {
    case socket(String)
}

/// The accept thread's reference to the service, weak so the service can be released.
private final class WeakBox: @unchecked Sendable {
    weak var service: FakeLicensingService?
}
