import AXState
import AXTestSupport
import Foundation
import GRDB
import Testing

@Suite struct ServiceStateTests {
    let registration = ServiceRegistration(endpoint: "https://licensing.example.com", tenantId: "t", environmentId: "e", environmentName: "Prod",
                                           registeredAt: Date(timeIntervalSince1970: 1_790_000_000), tokenIssuedAt: Date(timeIntervalSince1970: 1_790_000_000),
                                           status: .registered, tokenExpiresAt: Date(timeIntervalSince1970: 1_790_003_600))

    @Test func aServiceCallStoresItsAuditEntryRegistrationAndLicensesTogether() throws {
        let db = TemporaryDatabase()
        let store = try StateStore(path: db.path)
        #expect(try store.serviceRegistration() == nil)
        #expect(try store.storedLicenses().isEmpty)
        let licenses = [StoredLicense(product: "Finance", licenseQuantity: 10, expirationDate: "2027-06-30", latestVersion: "10.0.45", releaseNotesURL: "https://x"),
                        StoredLicense(product: "Isv", licenseQuantity: 1, expirationDate: nil, latestVersion: "", releaseNotesURL: "")]
        try store.recordServiceCall(entry("License Refresh", at: Date(timeIntervalSince1970: 1_790_000_100)), registration: registration, licenses: licenses)
        #expect(try store.serviceRegistration() == registration)
        #expect(try store.storedLicenses() == licenses)
        // A failed call (nil licenses) keeps the last good licenses.
        var failed = registration
        failed.status = .failure
        failed.statusMessage = "HTTP 503"
        try store.recordServiceCall(entry("License Refresh Failed", at: Date(timeIntervalSince1970: 1_790_000_200)), registration: failed)
        #expect(try store.serviceRegistration() == failed)
        #expect(try store.storedLicenses() == licenses)
        #expect(try store.auditEntries().map(\.operation) == ["License Refresh", "License Refresh Failed"])
    }

    @Test func aVersionOneDatabaseIsMigratedKeepingItsRunsWithEmptyHolderAndLatestVersion() throws {
        let db = TemporaryDatabase()
        try FileManager.default.createDirectory(atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { c in
            try c.execute(sql: "PRAGMA application_id = \(StateStore.applicationID)")
            try c.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            try c.execute(sql: "INSERT INTO grdb_migrations VALUES ('v1: audit log and product usage')")
            try c.execute(sql: """
                CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, operation TEXT NOT NULL, user_id TEXT NOT NULL, occurred_at DATETIME NOT NULL,
                    details TEXT NOT NULL, environment TEXT NOT NULL);
                CREATE TABLE product_usage (id INTEGER PRIMARY KEY AUTOINCREMENT, auditId INTEGER NOT NULL REFERENCES audit_log(id) ON DELETE CASCADE,
                    product TEXT NOT NULL, license_quantity INTEGER NOT NULL, used INTEGER NOT NULL);
                INSERT INTO audit_log VALUES (1, 'License check', 'me', '2026-01-01 10:00:00.000', 'ok', 'prod');
                INSERT INTO product_usage VALUES (1, 1, 'Finance', 10, 9);
                """)
        }
        try queue.close()
        let store = try StateStore(path: db.path)
        #expect(try store.history().map(\.usage) == [ProductUsage(product: "Finance", licenseQuantity: 10, used: 9)])
        try store.append(entry("License check", at: Date(timeIntervalSince1970: 1_790_000_000)),
                         usage: [ProductUsage(product: "Finance", licenseQuantity: 12, used: 9, licenseHolder: "Contoso", latestVersion: "10.0.45")])
        #expect(try store.history().last?.usage == ProductUsage(product: "Finance", licenseQuantity: 12, used: 9, licenseHolder: "Contoso", latestVersion: "10.0.45"))
        #expect(try store.serviceRegistration() == nil)
    }

    @Test func aRegistrationWithAnUnknownStatusIsUnreadableNamingTheColumn() throws {
        let db = TemporaryDatabase()
        let store = try StateStore(path: db.path)
        try store.recordServiceCall(entry("Registration Success", at: Date()), registration: registration)
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { try $0.execute(sql: "UPDATE service_registration SET status = 'Maybe'") }
        try queue.close()
        #expect {
            try store.serviceRegistration()
        } throws: { error in
            "\(error)".contains("service_registration row 1, column status: 'Maybe' is not one of Registered, Token expired, Failure")
        }
    }
}
