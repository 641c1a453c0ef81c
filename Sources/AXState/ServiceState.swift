import Foundation
import GRDB

/// The registration state the licensing service last left (DOMAIN.md §8), as stored. "Not registered" is not stored:
/// it is the absence of a registration or of a token.
public enum StoredRegistrationStatus: String, Sendable, Hashable, CaseIterable {
    /// The last call succeeded with a valid token.
    case registered = "Registered"
    /// A 401 that a token refresh could not cure, or a refresh the service refused.
    case tokenExpired = "Token expired"
    /// The last call failed (network, 4xx/5xx, a malformed reply); the status message says how.
    case failure = "Failure"
}

/// The workspace's registration with the licensing service: the seed's Configuration and Token Information fields.
/// One per state database. Holds no secret: the tokens live in the token file (`ServiceTokenFile`).
public struct ServiceRegistration: Sendable, Hashable {
    /// The service's base URL, as given to `license register`.
    public var endpoint: String
    public var tenantId: String
    public var environmentId: String
    public var environmentName: String
    /// When registration first succeeded; nil until it has.
    public var registeredAt: Date?
    /// When the current token was issued (registration or token refresh).
    public var tokenIssuedAt: Date?
    public var status: StoredRegistrationStatus
    /// Error details when the status is Failure or Token expired; empty otherwise.
    public var statusMessage: String
    /// When the current access token expires (the service's `expiresAt`).
    public var tokenExpiresAt: Date?
    /// The most recent successful license refresh ("Last license check").
    public var lastLicenseCheck: Date?
    /// The organisation the refreshed licenses belong to.
    public var licenseHolder: String
    /// How the daily license refresh runs (e.g. `daily 02:00 UTC`); nil: Not scheduled.
    public var refreshSchedule: String?
    /// How the daily telemetry send runs; nil: Not scheduled.
    public var telemetrySchedule: String?

    public init(endpoint: String, tenantId: String, environmentId: String, environmentName: String, registeredAt: Date? = nil,
                tokenIssuedAt: Date? = nil, status: StoredRegistrationStatus, statusMessage: String = "", tokenExpiresAt: Date? = nil,
                lastLicenseCheck: Date? = nil, licenseHolder: String = "", refreshSchedule: String? = nil, telemetrySchedule: String? = nil) {
        self.endpoint = endpoint
        self.tenantId = tenantId
        self.environmentId = environmentId
        self.environmentName = environmentName
        self.registeredAt = registeredAt
        self.tokenIssuedAt = tokenIssuedAt
        self.status = status
        self.statusMessage = statusMessage
        self.tokenExpiresAt = tokenExpiresAt
        self.lastLicenseCheck = lastLicenseCheck
        self.licenseHolder = licenseHolder
        self.refreshSchedule = refreshSchedule
        self.telemetrySchedule = telemetrySchedule
    }
}

/// One product of the last successful license refresh: the purchased side the License View compares with.
public struct StoredLicense: Sendable, Hashable {
    public var product: String
    public var licenseQuantity: Int
    /// `YYYY-MM-DD`, or nil for no expiry.
    public var expirationDate: String?
    public var latestVersion: String
    public var releaseNotesURL: String

    public init(product: String, licenseQuantity: Int, expirationDate: String?, latestVersion: String, releaseNotesURL: String) {
        self.product = product
        self.licenseQuantity = licenseQuantity
        self.expirationDate = expirationDate
        self.latestVersion = latestVersion
        self.releaseNotesURL = releaseNotesURL
    }
}

/// The tables of the licensing service state (migration v2).
enum ServiceStateSchema {
    static func create(_ db: Database) throws {
        try db.create(table: "service_registration", ifNotExists: true) { t in
            // One row, id 1.
            t.primaryKey("id", .integer).check { $0 == 1 }
            t.column("endpoint", .text).notNull()
            t.column("tenant_id", .text).notNull()
            t.column("environment_id", .text).notNull()
            t.column("environment_name", .text).notNull()
            t.column("registered_at", .datetime)
            t.column("token_issued_at", .datetime)
            t.column("status", .text).notNull()
            t.column("status_message", .text).notNull()
            t.column("token_expires_at", .datetime)
            t.column("last_license_check", .datetime)
            t.column("license_holder", .text).notNull()
            t.column("refresh_schedule", .text)
            t.column("telemetry_schedule", .text)
        }
        try db.create(table: "service_license", ifNotExists: true) { t in
            t.autoIncrementedPrimaryKey("id")
            t.column("product", .text).notNull()
            t.column("license_quantity", .integer).notNull()
            t.column("expiration_date", .text)
            t.column("latest_version", .text).notNull()
            t.column("release_notes_url", .text).notNull()
        }
    }
}

extension StateStore {
    /// The stored registration, or nil when the workspace never registered.
    public func serviceRegistration() throws(StateStoreError) -> ServiceRegistration? {
        do {
            return try queue.read { db in try Self.readRegistration(db, path: path) }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// The products of the last successful license refresh, in the service's order; empty when none was made.
    public func storedLicenses() throws(StateStoreError) -> [StoredLicense] {
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, product, license_quantity, expiration_date, latest_version, release_notes_url FROM service_license ORDER BY id").map { row in
                    let read = StoredRow(row: row, path: path)
                    let expiry: String? = row.isNullValue("expiration_date") ? nil : try read("service_license", "expiration_date", rowIDColumn: "id") as String
                    return StoredLicense(product: try read("service_license", "product", rowIDColumn: "id"),
                                         licenseQuantity: try read("service_license", "license_quantity", rowIDColumn: "id"),
                                         expirationDate: expiry,
                                         latestVersion: try read("service_license", "latest_version", rowIDColumn: "id"),
                                         releaseNotesURL: try read("service_license", "release_notes_url", rowIDColumn: "id"))
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Records one licensing service call in one transaction: its audit entry, the registration as the call left it
    /// (nil: unchanged), and, after a successful license refresh, the licenses that replace the stored ones (nil:
    /// the stored licenses stay, as a failed refresh must keep the last good data).
    @discardableResult
    public func recordServiceCall(_ entry: AuditEntry, registration: ServiceRegistration?, licenses: [StoredLicense]? = nil) throws(StateStoreError) -> Int64 {
        do {
            return try queue.writeWithoutTransaction { db in
                var id: Int64 = 0
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: "INSERT INTO audit_log (operation, user_id, occurred_at, details, environment) VALUES (?, ?, ?, ?, ?)",
                        arguments: [entry.operation, entry.userId, entry.occurredAt, entry.details, entry.environment])
                    id = db.lastInsertedRowID
                    if let r = registration {
                        try db.execute(
                            sql: """
                                INSERT OR REPLACE INTO service_registration (id, endpoint, tenant_id, environment_id, environment_name, registered_at,
                                    token_issued_at, status, status_message, token_expires_at, last_license_check, license_holder, refresh_schedule,
                                    telemetry_schedule) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """,
                            arguments: [r.endpoint, r.tenantId, r.environmentId, r.environmentName, r.registeredAt, r.tokenIssuedAt, r.status.rawValue,
                                        r.statusMessage, r.tokenExpiresAt, r.lastLicenseCheck, r.licenseHolder, r.refreshSchedule, r.telemetrySchedule])
                    }
                    if let licenses {
                        try db.execute(sql: "DELETE FROM service_license")
                        let insert = try db.makeStatement(
                            sql: "INSERT INTO service_license (product, license_quantity, expiration_date, latest_version, release_notes_url) VALUES (?, ?, ?, ?, ?)")
                        for license in licenses {
                            try insert.execute(arguments: [license.product, license.licenseQuantity, license.expirationDate, license.latestVersion, license.releaseNotesURL])
                        }
                    }
                    return .commit
                }
                return id
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Sets how the daily jobs are scheduled (nil: Not scheduled) on the stored registration, without an audit
    /// entry (it is configuration, not a call); nothing happens when the workspace never registered.
    public func setServiceSchedule(refresh: String?, telemetry: String?) throws(StateStoreError) {
        do {
            try queue.write { db in
                try db.execute(sql: "UPDATE service_registration SET refresh_schedule = ?, telemetry_schedule = ? WHERE id = 1",
                               arguments: [refresh, telemetry])
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    private static func readRegistration(_ db: Database, path: String) throws -> ServiceRegistration? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM service_registration WHERE id = 1") else { return nil }
        let read = StoredRow(row: row, path: path)
        func text(_ column: String) throws -> String { try read("service_registration", column, rowIDColumn: "id") }
        func optionalText(_ column: String) throws -> String? { row.isNullValue(column) ? nil : try text(column) }
        func date(_ column: String) throws -> Date? {
            row.isNullValue(column) ? nil : try read("service_registration", column, rowIDColumn: "id") as Date
        }
        let statusText = try text("status")
        guard let status = StoredRegistrationStatus(rawValue: statusText) else {
            throw StateStoreError.unreadable(path: path, detail: "service_registration row 1, column status: '\(statusText)' is not one of "
                                             + StoredRegistrationStatus.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return ServiceRegistration(endpoint: try text("endpoint"), tenantId: try text("tenant_id"), environmentId: try text("environment_id"),
                                   environmentName: try text("environment_name"), registeredAt: try date("registered_at"),
                                   tokenIssuedAt: try date("token_issued_at"), status: status, statusMessage: try text("status_message"),
                                   tokenExpiresAt: try date("token_expires_at"), lastLicenseCheck: try date("last_license_check"),
                                   licenseHolder: try text("license_holder"), refreshSchedule: try optionalText("refresh_schedule"),
                                   telemetrySchedule: try optionalText("telemetry_schedule"))
    }
}

extension Row {
    /// Whether `column` holds NULL (or is absent).
    fileprivate func isNullValue(_ column: String) -> Bool { (self[column] as DatabaseValue?)?.isNull ?? true }
}
