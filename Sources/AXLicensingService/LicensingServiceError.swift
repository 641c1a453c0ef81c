import AXState
import Foundation

/// A licensing service call, by what the user asked for: names the call in errors and picks its audit operations.
public enum ServiceCall: String, Sendable, Hashable, CaseIterable {
    case register = "registration"
    case tokenRefresh = "token refresh"
    case licenseRefresh = "license refresh"
    case telemetry = "telemetry send"

    /// The audit operation of a success and of a failure (the seed's names).
    public var auditOperations: (success: AuditOperation, failure: AuditOperation) {
        switch self {
        case .register: (.registrationSuccess, .registrationFailure)
        case .tokenRefresh: (.tokenRefresh, .tokenRefreshFailed)
        case .licenseRefresh: (.licenseRefresh, .licenseRefreshFailed)
        case .telemetry: (.telemetrySent, .telemetryFailed)
        }
    }
}

/// Why a licensing service operation failed. Messages never hold a token: service replies are scrubbed of every
/// token the client knows, and cut short, before they become a message.
public enum LicensingServiceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint is not a usable URL: not http(s), plain http to a host other than loopback, credentials in it, …
    case invalidEndpoint(endpoint: String, reason: String)
    /// A registration field is empty or too long.
    case invalidRegistration(field: String, reason: String)
    /// There is no registration or no stored token: register first.
    case notRegistered
    /// The service refused the tokens (401) and a token refresh could not cure it; registering again will.
    case tokenExpired(call: ServiceCall, message: String)
    /// The service answered with an error status (4xx, or 5xx after the retries).
    case rejected(call: ServiceCall, status: Int, message: String)
    /// The service could not be reached (connection refused, DNS, TLS certificate not trusted, …) after the retries.
    case unreachable(call: ServiceCall, detail: String, attempts: Int)
    /// libcurl, which the client loads on its first request to reach the service, is not installed or not usable
    /// (`libcurl.so.4 is not installed: apt-get install libcurl4`); every command that does not call the service runs
    /// without it.
    case networkLibraryUnavailable(detail: String)
    /// No reply within the timeout, after the retries.
    case timedOut(call: ServiceCall, seconds: Double, attempts: Int)
    /// The reply is not the contract's JSON.
    case malformedReply(call: ServiceCall, detail: String)
    /// The token file cannot be used: a symlink, readable by others, not a regular file, unreadable or unwritable.
    case tokenFile(path: String, problem: String)
    /// The state database failed.
    case state(StateStoreError)

    public var description: String {
        switch self {
        case .invalidEndpoint(let endpoint, let reason):
            "licensing service: error: endpoint '\(endpoint)' \(reason)"
        case .invalidRegistration(let field, let reason):
            "licensing service: error: \(field) \(reason)"
        case .notRegistered:
            "licensing service: error: this workspace is not registered with a licensing service; register it first"
        case .tokenExpired(let call, let message):
            "licensing service: error: \(call.rawValue): Token expired: the service refused the token and a token refresh could not renew it"
                + (message.isEmpty ? "" : " (\(message))") + "; register again"
        case .rejected(let call, let status, let message):
            "licensing service: error: \(call.rawValue) failed: HTTP \(status)" + (message.isEmpty ? "" : ": \(message)")
        case .unreachable(let call, let detail, let attempts):
            "licensing service: error: \(call.rawValue) failed: cannot reach the service (\(detail)) after \(attempts) attempt(s)"
        case .networkLibraryUnavailable(let detail):
            "licensing service: error: \(detail)"
        case .timedOut(let call, let seconds, let attempts):
            "licensing service: error: \(call.rawValue) failed: no reply within \(Self.seconds(seconds)) s, \(attempts) attempt(s)"
        case .malformedReply(let call, let detail):
            "licensing service: error: \(call.rawValue) failed: the service's reply is not the contract's JSON: \(detail)"
        case .tokenFile(let path, let problem):
            "\(path): error: token file \(problem)"
        case .state(let error):
            error.description
        }
    }

    /// The registration status message of this failure: the description without the `licensing service: error:` prefix.
    public var statusMessage: String {
        let prefix = "licensing service: error: "
        return description.hasPrefix(prefix) ? String(description.dropFirst(prefix.count)) : description
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
