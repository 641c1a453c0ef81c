import AXCompliance
import AXState
import Foundation

/// The effective registration status the License Management form shows (seed 000, DOMAIN.md §8).
public enum RegistrationStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// No registration, or no stored token.
    case notRegistered = "Not registered"
    /// A token that has not expired, and the last call succeeded.
    case registered = "Registered"
    /// The token's `expiresAt` has passed, or a 401 that a token refresh could not cure.
    case tokenExpired = "Token expired"
    /// The last call failed; the status message says how.
    case failure = "Failure"
}

/// The Configuration and Token Information fields of the License Management form: what `license status` shows and
/// the `serve` page's Configuration tab. No secret: the token itself is never part of it.
public struct LicensingServiceStatus: Sendable, Hashable {
    /// The service's URL ("Registration endpoint"); nil when never registered.
    public var registrationEndpoint: String?
    /// The last successful license refresh ("Last license check").
    public var lastLicenseCheck: Date?
    /// The daily refresh's schedule; nil: Not scheduled.
    public var refreshSchedule: String?
    /// The daily telemetry send's schedule; nil: Not scheduled.
    public var telemetrySchedule: String?
    /// "Effective registration status".
    public var status: RegistrationStatus
    /// Error details when the status is Failure or Token expired.
    public var statusMessage: String
    /// When the current token expires ("Token expiry date").
    public var tokenExpiry: Date?
    /// "Registration info".
    public var tenantId: String?
    public var environmentId: String?
    public var environmentName: String?
    /// When registration first succeeded, and when the current token was issued.
    public var registeredAt: Date?
    public var tokenIssuedAt: Date?
    /// The organisation on the refreshed licenses; empty before the first refresh.
    public var licenseHolder: String

    /// The status of `registration` with `tokens` stored, as of `now`: Failure and Token expired as stored win; no
    /// token is Not registered; a token past its expiry is Token expired.
    public init(registration: ServiceRegistration?, tokens: ServiceTokens?, now: Date) {
        registrationEndpoint = registration?.endpoint
        lastLicenseCheck = registration?.lastLicenseCheck
        refreshSchedule = registration?.refreshSchedule
        telemetrySchedule = registration?.telemetrySchedule
        statusMessage = registration?.statusMessage ?? ""
        tokenExpiry = tokens?.expiresAt ?? registration?.tokenExpiresAt
        tenantId = registration?.tenantId
        environmentId = registration?.environmentId
        environmentName = registration?.environmentName
        registeredAt = registration?.registeredAt
        tokenIssuedAt = registration?.tokenIssuedAt
        licenseHolder = registration?.licenseHolder ?? ""
        guard let registration else {
            status = .notRegistered
            return
        }
        if registration.status == .failure {
            status = .failure
        } else if let tokens {
            status = registration.status == .tokenExpired || tokens.expiresAt <= now ? .tokenExpired : .registered
        } else {
            status = .notRegistered
        }
    }

    /// `Scheduled` or `Not scheduled`, the form's words for a job.
    public static func scheduleText(_ schedule: String?) -> String { schedule == nil ? "Not scheduled" : "Scheduled" }
}

/// The purchased side from the last successful license refresh: what replaces `entitlements.json` in `check`,
/// `report` and `history`.
public struct ServicePurchasedLicenses: Sendable, Hashable {
    public var licenseHolder: String
    /// When they were fetched ("Last license check").
    public var lastLicenseCheck: Date
    /// The service they came from.
    public var endpoint: String
    /// As the service listed them.
    public var licenses: [StoredLicense]

    /// The License View's products: quantities, expiry, latest version and holder from the service. The installed
    /// (current) version, which the service cannot know, is left empty: `LicenseCheck.refreshedProducts` joins it from
    /// the entitlements file.
    public func entitlements() -> [ProductEntitlement] {
        licenses.map { license in
            ProductEntitlement(model: license.product, licenseQuantity: license.licenseQuantity, expirationDate: license.expirationDate.flatMap(CalendarDate.init),
                               latestVersion: license.latestVersion, licenseHolder: licenseHolder)
        }
    }

    /// The age of the data in words, for "Last license check": `2026-03-01 06:00 UTC (3 days ago)`.
    public func ageText(now: Date) -> String {
        ServiceStatusText.dateTime(lastLicenseCheck) + " (" + ServiceStatusText.age(from: lastLicenseCheck, to: now) + ")"
    }

    /// The stored licenses of `store`, or nil when no refresh has succeeded.
    public static func load(from store: StateStore) throws(LicensingServiceError) -> ServicePurchasedLicenses? {
        do {
            guard let registration = try store.serviceRegistration(), let checked = registration.lastLicenseCheck else { return nil }
            return ServicePurchasedLicenses(licenseHolder: registration.licenseHolder, lastLicenseCheck: checked, endpoint: registration.endpoint,
                                            licenses: try store.storedLicenses())
        } catch {
            throw .state(error)
        }
    }
}

/// Dates and ages as the status and the check say them.
public enum ServiceStatusText {
    /// `2026-03-01 06:00 UTC`.
    public static func dateTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// `just now`, `5 minutes ago`, `3 hours ago`, `2 days ago`.
    public static func age(from date: Date, to now: Date) -> String {
        let seconds = Int(now.timeIntervalSince(date))
        func plural(_ n: Int, _ unit: String) -> String { "\(n) \(unit)\(n == 1 ? "" : "s") ago" }
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return plural(seconds / 60, "minute")
        case ..<86_400: return plural(seconds / 3600, "hour")
        default: return plural(seconds / 86_400, "day")
        }
    }
}
