import Foundation

/// The base URL of a licensing service, checked: `https://…`, or `http://…` only to a loopback host (a local fake,
/// a proxy on the same machine), so a token never crosses a network in clear text.
public struct ServiceEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// The URL as given, without a trailing `/`.
    public let url: URL

    /// Longest endpoint accepted.
    static let maximumLength = 2048

    /// Checks `text`; an endpoint that is not usable throws `LicensingServiceError.invalidEndpoint` saying why.
    public init(_ text: String) throws(LicensingServiceError) {
        func refuse(_ reason: String) -> LicensingServiceError {
            .invalidEndpoint(endpoint: Self.displayText(text), reason: reason)
        }
        guard text.count <= Self.maximumLength else { throw refuse("is longer than \(Self.maximumLength) characters") }
        guard !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == " " }) else {
            throw refuse("contains spaces or control characters")
        }
        var trimmed = text
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let components = URLComponents(string: trimmed), let scheme = components.scheme?.lowercased(),
              let host = components.host, !host.isEmpty, let url = components.url else {
            throw refuse("is not a URL such as https://licensing.example.com/api")
        }
        guard components.user == nil && components.password == nil else {
            throw refuse("holds a user name or password; the service authenticates by registration tokens")
        }
        guard components.query == nil && components.fragment == nil else { throw refuse("has a query or fragment; give the base URL only") }
        switch scheme {
        case "https": break
        case "http":
            guard Self.isLoopback(host) else {
                throw refuse("uses plain http to '\(host)': use https (plain http is allowed only to 127.0.0.1, ::1 or localhost)")
            }
        default:
            throw refuse("uses '\(scheme)': use https")
        }
        self.url = url
    }

    /// `text` as an error or the stored registration may show it: without a password or user name (a secret the
    /// user should not have typed there), cut to 200 characters.
    public static func displayText(_ text: String) -> String {
        var shown = text
        if var components = URLComponents(string: text), components.user != nil || components.password != nil {
            components.user = nil
            components.password = nil
            shown = components.string ?? "(an endpoint with credentials)"
        } else if text.contains("@"), URLComponents(string: text) == nil {
            shown = "(an endpoint that is not a URL)"
        }
        return String(shown.prefix(200))
    }

    /// `localhost`, `127.x.x.x` and `::1`.
    static func isLoopback(_ host: String) -> Bool {
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if name == "localhost" || name == "::1" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { part in UInt8(part).map { String($0) == part } ?? false }
    }

    /// `{endpoint}/path`.
    func url(_ path: String) -> URL { URL(string: url.absoluteString + "/" + path)! }

    public var description: String { url.absoluteString }
}
