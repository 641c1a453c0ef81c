import AXState
import Foundation

/// The licensing service operations of one workspace, with their state: register, refresh the token, refresh the
/// licenses, send telemetry, and the status. Each call updates the stored registration and is one audit-log entry
/// (DOMAIN.md §8: user, UTC time, details, environment); a license refresh or telemetry send answered 401 refreshes
/// the token once and tries again.
///
/// An actor: the commands and `serve` (its scheduled jobs and its page's buttons) share one, so calls never
/// interleave and a token is never refreshed twice at once.
public actor LicenseServiceJobs {
    /// The workspace's state database.
    public let store: StateStore
    /// Where the tokens are kept.
    public let tokenFile: ServiceTokenFile
    /// Who the audit log names as the caller.
    public let user: String
    private let environmentOverride: String?
    private let options: ServiceClientOptions
    private let now: @Sendable () -> Date
    private var client: LicensingServiceClient?

    /// Jobs on `store`, tokens in `tokenFile` (default: beside the database). Audit entries name `user` and
    /// `environment` (default: the registered environment's name, else the host name).
    public init(store: StateStore, tokenFile: ServiceTokenFile? = nil, user: String, environment: String? = nil,
                options: ServiceClientOptions = ServiceClientOptions(), now: @escaping @Sendable () -> Date = Date.init) {
        self.store = store
        self.tokenFile = tokenFile ?? ServiceTokenFile(databasePath: store.path)
        self.user = user
        self.environmentOverride = environment
        self.options = options
        self.now = now
    }

    // MARK: - The operations

    /// Registers the workspace at `endpoint` and stores the tokens; the status afterwards. A refused or failed
    /// registration is stored as Failure with its message, audited, and thrown.
    public func register(endpoint: String, tenantId: String, environmentId: String, environmentName: String?) async throws(LicensingServiceError) -> LicensingServiceStatus {
        let name = environmentName ?? environmentId
        let previous = try registration()
        var attempted = ServiceRegistration(endpoint: ServiceEndpoint.displayText(endpoint), tenantId: tenantId, environmentId: environmentId, environmentName: name,
                                            status: .failure, refreshSchedule: previous?.refreshSchedule, telemetrySchedule: previous?.telemetrySchedule)
        do {
            for (field, value) in [("tenant id", tenantId), ("environment id", environmentId), ("environment name", name)] {
                try Self.checkField(field, value)
            }
            let checked = try ServiceEndpoint(endpoint)
            attempted.endpoint = checked.description
            let tokens = try await client(for: checked).register(RegistrationRequest(tenantId: tenantId, environmentId: environmentId, environmentName: name))
            try tokenFile.write(tokens)
            let time = now()
            var registered = attempted
            registered.status = .registered
            registered.registeredAt = time
            registered.tokenIssuedAt = time
            registered.tokenExpiresAt = tokens.expiresAt
            // The last good licenses stay until a refresh replaces them; they are the same registration's when nothing changed.
            if let previous, previous.endpoint == registered.endpoint, previous.tenantId == tenantId, previous.environmentId == environmentId {
                registered.lastLicenseCheck = previous.lastLicenseCheck
                registered.licenseHolder = previous.licenseHolder
            }
            try record(.register, success: true, details: AuditDetails.registration(endpoint: registered.endpoint, tenantId: tenantId, environmentId: environmentId,
                                                                                       expiresAt: ServiceTimestamp.format(tokens.expiresAt)),
                       registration: registered, environment: name)
            return LicensingServiceStatus(registration: registered, tokens: tokens, now: time)
        } catch {
            // A token of another registration must never be sent to this endpoint.
            if previous.map({ $0.endpoint != attempted.endpoint || $0.tenantId != tenantId || $0.environmentId != environmentId }) ?? true {
                try? tokenFile.remove()
            } else if let previous {
                attempted = previous
                attempted.status = .failure
            }
            attempted.statusMessage = error.statusMessage
            try record(.register, success: false, details: error.statusMessage, registration: attempted, environment: name)
            throw error
        }
    }

    /// Exchanges the stored refresh token for new tokens ("Refresh token"); the status afterwards. A 401 leaves the
    /// status Token expired; any other failure, Failure.
    public func refreshToken() async throws(LicensingServiceError) -> LicensingServiceStatus {
        let (registration, tokens) = try requireRegistration(.tokenRefresh)
        let renewed = try await renewTokens(registration, tokens)
        return LicensingServiceStatus(registration: try self.registration(), tokens: renewed, now: now())
    }

    /// Fetches the purchased licenses and stores them as the purchased side ("Refresh licenses"); a failure keeps
    /// the licenses of the last successful refresh.
    public func refreshLicenses() async throws(LicensingServiceError) -> LicenseRefresh {
        let (registration, tokens) = try requireRegistration(.licenseRefresh)
        let call = ServiceCall.licenseRefresh
        do {
            let (refresh, current) = try await authorized(call, registration, tokens) { (client, token) async throws(LicensingServiceError) -> LicenseRefresh in
                try await client.licenses(accessToken: token)
            }
            var updated = current
            updated.status = .registered
            updated.statusMessage = ""
            updated.lastLicenseCheck = now()
            updated.licenseHolder = refresh.licenseHolder
            let licenses = refresh.products.map {
                StoredLicense(product: $0.product, licenseQuantity: $0.licenseQty, expirationDate: $0.expirationDate?.description,
                              latestVersion: $0.latestVersion, releaseNotesURL: $0.releaseNotesUrl)
            }
            try record(call, success: true, details: AuditDetails.licenseRefresh(products: licenses.count, holder: refresh.licenseHolder),
                       registration: updated, licenses: licenses)
            return refresh
        } catch {
            try recordFailure(call, error)
            throw error
        }
    }

    /// Sends `products` (the used counts `check` computes) as this environment's telemetry ("Send telemetry"); the
    /// report sent.
    @discardableResult
    public func sendTelemetry(_ products: [TelemetryProduct]) async throws(LicensingServiceError) -> TelemetryReport {
        let (registration, tokens) = try requireRegistration(.telemetry)
        let call = ServiceCall.telemetry
        let report = TelemetryReport(environmentId: registration.environmentId, sentAt: now(), products: products)
        do {
            let (_, current) = try await authorized(call, registration, tokens) { (client, token) async throws(LicensingServiceError) -> Void in
                try await client.sendTelemetry(report, accessToken: token)
            }
            var updated = current
            updated.status = .registered
            updated.statusMessage = ""
            try record(call, success: true, details: AuditDetails.telemetry(products: products.count, usedLicenses: products.reduce(0) { $0 + $1.usedLicenses },
                                                                             environmentId: registration.environmentId),
                       registration: updated)
            return report
        } catch {
            try recordFailure(call, error)
            throw error
        }
    }

    /// The Configuration and Token Information fields now.
    public func status() throws(LicensingServiceError) -> LicensingServiceStatus {
        LicensingServiceStatus(registration: try registration(), tokens: try tokenFile.read(), now: now())
    }

    /// The purchased side of the last successful license refresh, or nil when none succeeded.
    public func purchasedLicenses() throws(LicensingServiceError) -> ServicePurchasedLicenses? {
        try ServicePurchasedLicenses.load(from: store)
    }

    /// Records how the daily jobs run (nil: Not scheduled), for the status's schedule fields; `serve` sets it.
    public func setSchedule(refresh: String?, telemetry: String?) throws(LicensingServiceError) {
        do { try store.setServiceSchedule(refresh: refresh, telemetry: telemetry) } catch { throw .state(error) }
    }

    // MARK: - Tokens

    /// Runs `body` with the access token; when the stored token has expired, or the service answers 401, the token
    /// is refreshed once and `body` runs again. A second 401 is Token expired. Returns the result and the
    /// registration as the token refresh left it.
    private func authorized<T>(_ call: ServiceCall, _ registration: ServiceRegistration, _ tokens: ServiceTokens,
                               _ body: (LicensingServiceClient, String) async throws(LicensingServiceError) -> T) async throws(LicensingServiceError) -> (T, ServiceRegistration) {
        let client = try client(for: ServiceEndpoint(registration.endpoint))
        var tokens = tokens
        var refreshed = false
        if tokens.expiresAt <= now() {
            tokens = try await renewTokens(registration, tokens)
            refreshed = true
        }
        do {
            return (try await body(client, tokens.accessToken), try self.registration() ?? registration)
        } catch .tokenExpired where !refreshed {
            tokens = try await renewTokens(registration, tokens)
            do {
                return (try await body(client, tokens.accessToken), try self.registration() ?? registration)
            } catch .tokenExpired(_, let message) {
                throw .tokenExpired(call: call, message: message)
            }
        } catch .tokenExpired(_, let message) {
            throw .tokenExpired(call: call, message: message)
        }
    }

    /// `token/refresh`: stores and audits the new tokens, or records the failure (401: Token expired) and throws.
    private func renewTokens(_ registration: ServiceRegistration, _ tokens: ServiceTokens) async throws(LicensingServiceError) -> ServiceTokens {
        do {
            let renewed = try await client(for: ServiceEndpoint(registration.endpoint)).refreshTokens(using: tokens.refreshToken)
            try tokenFile.write(renewed)
            var updated = try self.registration() ?? registration
            updated.status = .registered
            updated.statusMessage = ""
            updated.tokenIssuedAt = now()
            updated.tokenExpiresAt = renewed.expiresAt
            try record(.tokenRefresh, success: true, details: AuditDetails.tokenRefresh(expiresAt: ServiceTimestamp.format(renewed.expiresAt)), registration: updated)
            return renewed
        } catch {
            try recordFailure(.tokenRefresh, error)
            throw error
        }
    }

    // MARK: - State and audit

    private func registration() throws(LicensingServiceError) -> ServiceRegistration? {
        do { return try store.serviceRegistration() } catch { throw .state(error) }
    }

    /// The registration and tokens a call needs; without them the call is audited as failed and `notRegistered` thrown.
    private func requireRegistration(_ call: ServiceCall) throws(LicensingServiceError) -> (ServiceRegistration, ServiceTokens) {
        let registration = try registration()
        let tokens: ServiceTokens?
        do {
            tokens = try tokenFile.read()
        } catch {
            try record(call, success: false, details: error.statusMessage, registration: nil)
            throw error
        }
        guard let registration, let tokens else {
            try record(call, success: false, details: LicensingServiceError.notRegistered.statusMessage, registration: nil)
            throw .notRegistered
        }
        return (registration, tokens)
    }

    /// Stores the failure of `call` as the status (401: Token expired; otherwise Failure), keeping everything else.
    private func recordFailure(_ call: ServiceCall, _ error: LicensingServiceError) throws(LicensingServiceError) {
        // Failures already recorded (a token refresh inside a license refresh) or that made no call are not stored again.
        if case .state = error { return }
        var updated = try registration()
        switch error {
        case .tokenExpired: updated?.status = .tokenExpired
        case .notRegistered, .tokenFile: updated = nil
        default: updated?.status = .failure
        }
        updated?.statusMessage = error.statusMessage
        try record(call, success: false, details: error.statusMessage, registration: updated)
    }

    private func record(_ call: ServiceCall, success: Bool, details: String, registration: ServiceRegistration?, licenses: [StoredLicense]? = nil,
                        environment: String? = nil) throws(LicensingServiceError) {
        let operation = success ? call.auditOperations.success : call.auditOperations.failure
        let name = environmentOverride ?? environment ?? (try? store.serviceRegistration())??.environmentName ?? ProcessInfo.processInfo.hostName
        let entry = AuditEntry(operation: operation.rawValue, userId: user, occurredAt: now(), details: details, environment: name)
        do { try store.recordServiceCall(entry, registration: registration, licenses: licenses) } catch { throw .state(error) }
    }

    private func client(for endpoint: ServiceEndpoint) -> LicensingServiceClient {
        if let client, client.endpoint == endpoint { return client }
        let made = LicensingServiceClient(endpoint: endpoint, options: options)
        client = made
        return made
    }

    /// Longest tenant id, environment id or name accepted.
    static let maximumFieldLength = 256

    private static func checkField(_ field: String, _ value: String) throws(LicensingServiceError) {
        if value.trimmingCharacters(in: .whitespaces).isEmpty { throw .invalidRegistration(field: field, reason: "is empty") }
        if value.count > maximumFieldLength { throw .invalidRegistration(field: field, reason: "is longer than \(maximumFieldLength) characters") }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw .invalidRegistration(field: field, reason: "contains control characters")
        }
    }
}
