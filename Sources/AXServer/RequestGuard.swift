import Foundation

/// The checks that keep other web sites away from the page: every request must name this server in its Host header
/// (a page of another site that rebinds its DNS name to this address sends its own name), and every action must come
/// from this server's own page: an Origin (or, lacking one, a Referer) of this server, and the form's per-process token.
public struct RequestGuard: Sendable {
    /// The port the server listens on, which the Host header must name (80 when it names none); set once the server
    /// listens when it asked for any free port.
    public let listeningPort: ListeningPort
    /// The port the Host header must name.
    public var port: Int { listeningPort.value }
    /// Host names besides IP literals that name this server: `localhost` and the machine's name.
    public var names: Set<String>
    /// The token every action form carries.
    public var formToken: String

    public init(port: Int, names: Set<String> = ["localhost", ProcessInfo.processInfo.hostName.lowercased()], formToken: String) {
        self.listeningPort = ListeningPort(port)
        self.names = Set(names.map { $0.lowercased() })
        self.formToken = formToken
    }

    /// Why a request is refused.
    public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        /// The Host header is missing, names another port, or a name that is not this server's.
        case foreignHost
        /// An action without an Origin or Referer of this server.
        case crossSite
        /// An action whose form token is missing or not this process's (a page from before a restart, or a forgery).
        case badFormToken

        public var description: String {
            switch self {
            case .foreignHost: "This server answers only to its own address (the Host header names another)."
            case .crossSite: "Actions are accepted only from this server's own page (the request came from another site)."
            case .badFormToken: "The form is out of date or not this server's: reload the page and try again."
            }
        }
    }

    /// Splits an authority (`host`, `host:port`, `[v6]`, `[v6]:port`) into its lowercased host and its port.
    public static func split(authority: String) -> (host: String, port: Int)? {
        let text = authority.lowercased()
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if rest.isEmpty { return (host, 80) }
            guard rest.first == ":", let port = Int(rest.dropFirst()), (0...65535).contains(port) else { return nil }
            return (host, port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return parts[0].isEmpty ? nil : (String(parts[0]), 80)
        case 2:
            guard !parts[0].isEmpty, parts[1].allSatisfy(\.isNumber), let port = Int(parts[1]), (0...65535).contains(port) else { return nil }
            return (String(parts[0]), port)
        default: return nil
        }
    }

    /// True for an IPv4 or IPv6 literal: a name DNS cannot rebind.
    public static func isAddressLiteral(_ host: String) -> Bool {
        var v4 = in_addr(), v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }

    /// Accepts a Host header that names this server's port and an IP address or one of `names`.
    public func checkHost(_ authority: String?) throws(Refusal) {
        guard let authority, let (host, port) = Self.split(authority: authority), port == self.port,
              Self.isAddressLiteral(host) || names.contains(host) else { throw .foreignHost }
    }

    /// Accepts an action whose Origin is this server (`http://` + its Host), or that has no Origin but a Referer on
    /// this server; then its form token.
    public func checkAction(authority: String?, origin: String?, referer: String?, token: String?) throws(Refusal) {
        try checkHost(authority)
        let own = "http://" + authority!.lowercased()
        if let origin {
            guard origin.lowercased() == own else { throw .crossSite }
        } else {
            guard let referer, referer.lowercased() == own || referer.lowercased().hasPrefix(own + "/") else { throw .crossSite }
        }
        guard let token, Self.constantTimeEqual(token, formToken) else { throw .badFormToken }
    }

    /// Compares without stopping at the first difference, so the time taken does not tell how much of a guess was right.
    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}

/// The port a server listens on, known only once it listens when it asked for port 0; read by every request.
public final class ListeningPort: @unchecked Sendable {
    private let lock = NSLock()
    private var port: Int

    public init(_ port: Int) { self.port = port }

    /// The port; written once when the server starts listening, under the lock.
    public var value: Int {
        get { lock.withLock { port } }
        set { lock.withLock { port = newValue } }
    }
}

/// An `application/x-www-form-urlencoded` body, as the page's forms send it.
public struct FormFields: Sendable, Equatable {
    /// Each field's value; a field given twice is refused when parsing, so a value is never chosen between two.
    public var values: [String: String]

    /// Why a form body is refused.
    public enum Problem: Error, Sendable, Equatable {
        /// Not percent-decodable, not UTF-8, or a field given twice.
        case malformed
    }

    /// Parses `body`: fields split on `&`, name and value on the first `=`, `+` as a space, then percent-decoding.
    public init(_ body: String) throws(Problem) {
        var values: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), let value = decode(parts.count > 1 ? parts[1] : ""), values[name] == nil else { throw .malformed }
            values[name] = value
        }
        self.values = values
    }
}
