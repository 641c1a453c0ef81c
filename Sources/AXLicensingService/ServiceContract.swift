import AXCompliance
import Foundation

// The JSON bodies of the licensing service contract (DOMAIN.md §8; Docs/licensing-service.openapi.yaml), as the
// client sends and reads them.

/// The body of `POST {endpoint}/register`: who is registering.
public struct RegistrationRequest: Sendable, Hashable, Codable {
    public var tenantId: String
    public var environmentId: String
    public var environmentName: String

    public init(tenantId: String, environmentId: String, environmentName: String) {
        self.tenantId = tenantId
        self.environmentId = environmentId
        self.environmentName = environmentName
    }
}

/// The tokens `register` and `token/refresh` return. Secrets: `description` and `debugDescription` never show them,
/// so a token cannot reach a log, an error or an audit entry by interpolation.
public struct ServiceTokens: Sendable, Hashable, Codable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Sent as `Authorization: Bearer` on `licenses` and `telemetry`.
    public var accessToken: String
    /// Exchanged for new tokens at `token/refresh`.
    public var refreshToken: String
    /// When the access token expires.
    public var expiresAt: Date

    public init(accessToken: String, refreshToken: String, expiresAt: Date) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresAt = expiresAt
    }

    /// `tokens (redacted), expire 2027-01-01T00:00:00Z`.
    public var description: String { "tokens (redacted), expire \(ServiceTimestamp.format(expiresAt))" }
    public var debugDescription: String { description }

    /// Both secrets, for scrubbing text that might echo one.
    var secrets: [String] { [accessToken, refreshToken] }

    private enum CodingKeys: String, CodingKey { case accessToken, refreshToken, expiresAt }

    /// Reads `expiresAt` as RFC 3339 text (whatever the decoder's date strategy); an empty token, or one holding control
    /// characters, is refused.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accessToken = try c.decode(String.self, forKey: .accessToken)
        refreshToken = try c.decode(String.self, forKey: .refreshToken)
        for (token, key) in [(accessToken, CodingKeys.accessToken), (refreshToken, .refreshToken)] {
            if token.isEmpty { throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) is empty") }
            // A line break in a token sent as `Authorization: Bearer …` would add a header line of the service's choosing.
            if token.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "\(key.stringValue) holds control characters")
            }
        }
        let text = try c.decode(String.self, forKey: .expiresAt)
        guard let date = ServiceTimestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: .expiresAt, in: c, debugDescription: "'\(text.prefix(40))' is not an RFC 3339 date-time")
        }
        expiresAt = date
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accessToken, forKey: .accessToken)
        try c.encode(refreshToken, forKey: .refreshToken)
        try c.encode(ServiceTimestamp.format(expiresAt), forKey: .expiresAt)
    }
}

/// One product of `GET {endpoint}/licenses`: what the service says was purchased.
public struct LicensedProduct: Sendable, Hashable, Codable {
    /// An SKU name (Microsoft licenses) or a model name (ISV licenses), matched as `entitlements.json`'s `model` is.
    public var product: String
    /// Purchased quantity.
    public var licenseQty: Int
    /// Expiry; nil for none.
    public var expirationDate: CalendarDate?
    /// The most recent version released.
    public var latestVersion: String
    /// Where the release notes of the latest version are; empty when the service gives none.
    public var releaseNotesUrl: String

    public init(product: String, licenseQty: Int, expirationDate: CalendarDate?, latestVersion: String, releaseNotesUrl: String) {
        self.product = product
        self.licenseQty = licenseQty
        self.expirationDate = expirationDate
        self.latestVersion = latestVersion
        self.releaseNotesUrl = releaseNotesUrl
    }

    private enum CodingKeys: String, CodingKey { case product, licenseQty, expirationDate, latestVersion, releaseNotesUrl }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        product = try c.decode(String.self, forKey: .product).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !product.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .product, in: c, debugDescription: "product is empty")
        }
        licenseQty = try c.decode(Int.self, forKey: .licenseQty)
        guard licenseQty >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .licenseQty, in: c, debugDescription: "licenseQty must be 0 or more, not \(licenseQty)")
        }
        expirationDate = try c.decodeIfPresent(CalendarDate.self, forKey: .expirationDate)
        latestVersion = try c.decodeIfPresent(String.self, forKey: .latestVersion) ?? ""
        releaseNotesUrl = try c.decodeIfPresent(String.self, forKey: .releaseNotesUrl) ?? ""
        // A link the License View opens: only a web address (never javascript:, file: or data:).
        if !releaseNotesUrl.isEmpty {
            let scheme = URLComponents(string: releaseNotesUrl)?.scheme?.lowercased()
            guard scheme == "https" || scheme == "http", releaseNotesUrl.count <= 2048 else {
                throw DecodingError.dataCorruptedError(forKey: .releaseNotesUrl, in: c, debugDescription: "releaseNotesUrl must be an http or https URL")
            }
        }
    }
}

/// The body of `GET {endpoint}/licenses`.
public struct LicenseRefresh: Sendable, Hashable, Codable {
    /// The organisation on the licenses.
    public var licenseHolder: String
    public var products: [LicensedProduct]

    public init(licenseHolder: String, products: [LicensedProduct]) {
        self.licenseHolder = licenseHolder
        self.products = products
    }
}

/// One product of a telemetry send: what is installed and how many licenses axlicense computes in use (§5).
public struct TelemetryProduct: Sendable, Hashable, Codable {
    public var product: String
    /// The version installed in this environment (the License View's Current version).
    public var installedVersion: String
    /// Used licenses, as `check` computes them.
    public var usedLicenses: Int
    /// The licensing method the count was computed by: `legacy` (entry points) or `objects` (per object, 10.0.44).
    public var licenseModel: String

    public init(product: String, installedVersion: String, usedLicenses: Int, licenseModel: String) {
        self.product = product
        self.installedVersion = installedVersion
        self.usedLicenses = usedLicenses
        self.licenseModel = licenseModel
    }

    /// One telemetry product per License View row, with the used count `check` shows.
    public static func products(of view: LicenseView, licenseModel: String) -> [TelemetryProduct] {
        view.rows.map { TelemetryProduct(product: $0.product.model, installedVersion: $0.product.currentVersion, usedLicenses: $0.used, licenseModel: licenseModel) }
    }
}

/// The body of `POST {endpoint}/telemetry`.
public struct TelemetryReport: Sendable, Hashable, Encodable {
    public var environmentId: String
    public var sentAt: Date
    public var products: [TelemetryProduct]

    public init(environmentId: String, sentAt: Date, products: [TelemetryProduct]) {
        self.environmentId = environmentId
        self.sentAt = sentAt
        self.products = products
    }
}

/// RFC 3339 timestamps as the contract writes them (`2027-01-01T00:00:00Z`, fractions and offsets accepted).
public enum ServiceTimestamp {
    /// `2027-01-01T00:00:00Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// The instant `text` names, or nil when it is not RFC 3339.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return encoder
    }
}
