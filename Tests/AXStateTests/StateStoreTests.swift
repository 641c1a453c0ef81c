import AXState
import AXTestSupport
import Foundation
import GRDB
import Testing

/// A state database path inside a fresh temporary folder, where the store makes `.axlicense/` as it does in a workspace.
struct TemporaryDatabase {
    let folder = TemporaryFolder()
    var path: String { folder.url.appendingPathComponent(".axlicense/state.sqlite").path }
}

func entry(_ operation: String, at date: Date) -> AuditEntry {
    AuditEntry(operation: operation, userId: "tester", occurredAt: date, details: "details", environment: "test")
}

@Suite struct StateStoreTests {
    @Test func createsTheDatabaseAndItsFolderAndReadsEntriesBack() throws {
        let db = TemporaryDatabase()
        let store = try StateStore(path: db.path)
        let now = Date(timeIntervalSince1970: 1_790_000_000)
        try store.append(entry("License check", at: now), usage: [ProductUsage(product: "Finance", licenseQuantity: 10, used: 9)])
        let entries = try store.auditEntries()
        #expect(entries.map(\.operation) == ["License check"])
        #expect(entries[0].occurredAt == now)
        #expect(try store.history().map(\.usage) == [ProductUsage(product: "Finance", licenseQuantity: 10, used: 9)])
        // Reopening finds the same database.
        #expect(try StateStore(path: db.path).auditEntries().count == 1)
    }

    @Test func clearRemovesOnlyEntriesStrictlyOlderThanTheCutoffWithTheirUsage() throws {
        let db = TemporaryDatabase()
        let store = try StateStore(path: db.path)
        let cutoff = Date(timeIntervalSince1970: 1_790_000_000)
        try store.append(entry("old", at: cutoff.addingTimeInterval(-1)), usage: [ProductUsage(product: "A", licenseQuantity: 1, used: 1)])
        try store.append(entry("boundary", at: cutoff), usage: [ProductUsage(product: "A", licenseQuantity: 1, used: 2)])
        try store.append(entry("new", at: cutoff.addingTimeInterval(1)))
        #expect(try store.clearAudit(olderThan: cutoff) == 1)
        #expect(try store.auditEntries().map(\.operation) == ["boundary", "new"])
        #expect(try store.history().map(\.usage.used) == [2])
        #expect(try store.clearAudit(olderThan: cutoff) == 0)
    }

    @Test func sinceFiltersEntries() throws {
        let db = TemporaryDatabase()
        let store = try StateStore(path: db.path)
        let day: TimeInterval = 86_400
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 0..<3 { try store.append(entry("run \(index)", at: start.addingTimeInterval(Double(index) * day))) }
        #expect(try store.auditEntries(since: start.addingTimeInterval(day)).map(\.operation) == ["run 1", "run 2"])
    }

    @Test func foreignSqliteDatabaseIsRefusedAndLeftUntouched() throws {
        let db = TemporaryDatabase()
        try FileManager.default.createDirectory(atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A minimal valid SQLite database of someone else's: made by SQLite itself through a throwaway store, then re-marked.
        do { _ = try StateStore(path: db.path) }  // closed (and checkpointed) at the end of this scope
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db.path))
        bytes.replaceSubrange(68..<72, with: [0, 0, 0, 7])  // application_id field of the SQLite header
        try bytes.write(to: URL(fileURLWithPath: db.path))
        let before = try Data(contentsOf: URL(fileURLWithPath: db.path))
        #expect(throws: StateStoreError.notAnAxlicenseDatabase(path: db.path)) { try StateStore(path: db.path) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db.path)) == before)
    }

    @Test func corruptFileIsRefusedAndLeftUntouched() throws {
        let db = TemporaryDatabase()
        try FileManager.default.createDirectory(atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let garbage = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        try garbage.write(to: URL(fileURLWithPath: db.path))
        #expect {
            try StateStore(path: db.path)
        } throws: { error in
            if case .corrupt = error as? StateStoreError { return true }
            return false
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db.path)) == garbage)
    }

    @Test func truncatedDatabaseIsReportedNotOverwritten() throws {
        let db = TemporaryDatabase()
        do {
            let store = try StateStore(path: db.path)
            for index in 0..<200 { try store.append(entry("run \(index)", at: Date()), usage: [ProductUsage(product: String(repeating: "x", count: 200), licenseQuantity: 1, used: index)]) }
        }
        // Header intact, pages scrambled.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: db.path))
        try #require(bytes.count > 8192, "the database must span several pages for the scrambled pages to be behind an intact header")
        for index in 100..<bytes.count where index % 7 == 0 { bytes[index] = 0xFF }
        let folder = TemporaryFolder()
        let path = folder.write("state.sqlite", bytes)
        #expect(throws: StateStoreError.self) {
            let reopened = try StateStore(path: path)
            _ = try reopened.history()
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
    }

    @Test func concurrentWritersFromSeparateConnectionsAllLand() async throws {
        let db = TemporaryDatabase()
        _ = try StateStore(path: db.path)
        let path = db.path
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    let store = try StateStore(path: path)
                    for index in 0..<25 {
                        try store.append(entry("w\(writer)-\(index)", at: Date()), usage: [ProductUsage(product: "P", licenseQuantity: 1, used: index)])
                    }
                }
            }
            try await group.waitForAll()
        }
        let store = try StateStore(path: path)
        #expect(try store.auditEntries().count == 200)
        #expect(try store.history().count == 200)
    }

    /// A database as an older or newer axlicense (or a hand edit) might leave it: marked as ours, migration `v1`
    /// recorded, tables made by `schema`, rows by `rows`.
    private func handMadeDatabase(_ db: TemporaryDatabase, schema: String, rows: String = "", migrations: [String] = Self.currentMigrations) throws {
        try FileManager.default.createDirectory(atPath: (db.path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: db.path)
        _ = try queue.writeWithoutTransaction { try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }  // as axlicense leaves it
        try queue.write { connection in
            try connection.execute(sql: "PRAGMA application_id = \(StateStore.applicationID)")
            try connection.execute(sql: "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            for migration in migrations { try connection.execute(sql: "INSERT INTO grdb_migrations VALUES (?)", arguments: [migration]) }
            try connection.execute(sql: schema)
            if !rows.isEmpty { try connection.execute(sql: rows) }
        }
    }

    /// Every migration this build knows: a database recording them all is opened without a change to the file.
    private static let currentMigrations = ["v1: audit log and product usage", "v2: licensing service registration and refreshed licenses"]

    private static let looseAuditLog = """
        CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, operation TEXT, user_id TEXT, occurred_at DATETIME, details TEXT, environment TEXT);
        CREATE TABLE product_usage (id INTEGER PRIMARY KEY AUTOINCREMENT, auditId INTEGER, product TEXT, license_quantity INTEGER, used INTEGER,
            license_holder TEXT, latest_version TEXT);
        CREATE TABLE service_registration (id INTEGER PRIMARY KEY, endpoint TEXT, tenant_id TEXT, environment_id TEXT, environment_name TEXT,
            registered_at DATETIME, token_issued_at DATETIME, status TEXT, status_message TEXT, token_expires_at DATETIME, last_license_check DATETIME,
            license_holder TEXT, refresh_schedule TEXT, telemetry_schedule TEXT);
        CREATE TABLE service_license (id INTEGER PRIMARY KEY AUTOINCREMENT, product TEXT, license_quantity INTEGER, expiration_date TEXT,
            latest_version TEXT, release_notes_url TEXT);
        """

    private func expectUnreadable(_ db: TemporaryDatabase, _ detail: String, _ body: (StateStore) throws(StateStoreError) -> Void) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: db.path))
        do {
            try body(try StateStore(path: db.path))
            Issue.record("expected an unreadable-row error")
        } catch {
            #expect(error.description.hasPrefix("\(db.path): error: state database has contents this axlicense cannot read: \(detail)"), "\(error)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: db.path)) == before)
    }

    @Test func nullValueInAnAuditRowIsAnErrorNamingTheDatabaseAndRow() throws {
        let db = TemporaryDatabase()
        try handMadeDatabase(db, schema: Self.looseAuditLog, rows: "INSERT INTO audit_log VALUES (7, 'Estimate', 'me', '2026-01-01 10:00:00.000', NULL, 'prod')")
        try expectUnreadable(db, "audit_log row 7, column details: NULL is not text") { store throws(StateStoreError) in _ = try store.auditEntries() }
    }

    @Test func malformedDateOrNumberIsAnErrorNamingTheDatabaseAndRow() throws {
        let db = TemporaryDatabase()
        try handMadeDatabase(db, schema: Self.looseAuditLog, rows: "INSERT INTO audit_log VALUES (3, 'Estimate', 'me', 'last tuesday', 'ok', 'prod')")
        try expectUnreadable(db, "audit_log row 3, column occurred_at: 'last tuesday' is not a date") { store throws(StateStoreError) in _ = try store.auditEntries() }

        let other = TemporaryDatabase()
        try handMadeDatabase(other, schema: Self.looseAuditLog, rows: """
            INSERT INTO audit_log VALUES (1, 'License check', 'me', '2026-01-01 10:00:00.000', 'ok', 'prod');
            INSERT INTO product_usage VALUES (5, 1, 'Finance', 10, 'many', '', '');
            """)
        try expectUnreadable(other, "product_usage row 5, column used: 'many' is not a whole number") { store throws(StateStoreError) in _ = try store.history() }
    }

    @Test func missingColumnIsRefusedWhenTheDatabaseIsOpened() throws {
        let db = TemporaryDatabase()
        try handMadeDatabase(db, schema: """
            CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, operation TEXT, user_id TEXT, occurred_at DATETIME, environment TEXT);
            CREATE TABLE product_usage (id INTEGER PRIMARY KEY AUTOINCREMENT, auditId INTEGER, product TEXT, license_quantity INTEGER, used INTEGER);
            """)
        try expectUnreadable(db, "table audit_log has no column details") { _ throws(StateStoreError) in }
    }

    /// Tables made before any migration was recorded (by hand, or another tool claiming our application id) are
    /// checked before the migration adopts them, not at the first insert.
    @Test func unmigratedTablesMissingAColumnAreRefusedBeforeAdoption() throws {
        let db = TemporaryDatabase()
        try handMadeDatabase(db, schema: """
            CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, operation TEXT, user_id TEXT, details TEXT, environment TEXT);
            """, migrations: [])
        try expectUnreadable(db, "table audit_log has no column occurred_at") { _ throws(StateStoreError) in }
    }

    @Test func databaseOfANewerAxlicenseIsRefusedNamingTheUnknownMigration() throws {
        let db = TemporaryDatabase()
        try handMadeDatabase(db, schema: Self.looseAuditLog, migrations: Self.currentMigrations + ["v3: audit tags"])
        let before = try Data(contentsOf: URL(fileURLWithPath: db.path))
        #expect(throws: StateStoreError.newerVersion(path: db.path, migration: "v3: audit tags")) { try StateStore(path: db.path) }
        #expect(StateStoreError.newerVersion(path: "s.db", migration: "v3: audit tags").description
            == "s.db: error: state database was made by a newer axlicense: migration 'v3: audit tags' unknown; it was left untouched.")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db.path)) == before)
    }

    @Test(arguments: [
        ("0000-01-01T00:00:00Z", "'0000-01-01T00:00:00Z'"), ("2026-13-45T99:99:99Z", "'2026-13-45T99:99:99Z'"),
        ("2026-02-29 10:00:00.000", "'2026-02-29 10:00:00.000'"), ("1700000000", "1700000000"),
    ])
    func auditDateOutOfRangeOrNotTextIsAnErrorNamingTheRowNeverHiddenOrShifted(stored: String, shown: String) throws {
        let db = TemporaryDatabase()
        let value = stored == "1700000000" ? stored : "'\(stored)'"
        try handMadeDatabase(db, schema: Self.looseAuditLog, rows: """
            INSERT INTO audit_log VALUES (1, 'Estimate', 'me', '2026-01-01 10:00:00.000', 'ok', 'prod');
            INSERT INTO audit_log VALUES (9, 'Estimate', 'me', \(value), 'ok', 'prod');
            """)
        let detail = "audit_log row 9, column occurred_at: \(shown) is not a date"
        try expectUnreadable(db, detail) { store throws(StateStoreError) in _ = try store.auditEntries() }
        try expectUnreadable(db, detail) { store throws(StateStoreError) in _ = try store.auditEntries(since: Date(timeIntervalSince1970: 0)) }
        // `clear` deletes nothing it cannot read: the same error, every row still there.
        try expectUnreadable(db, detail) { store throws(StateStoreError) in _ = try store.clearAudit(olderThan: Date()) }
    }

    @Test func rfc3339DatesWithOffsetsAreReadAndSortedByInstant() throws {
        let db = TemporaryDatabase()
        try handMadeDatabase(db, schema: Self.looseAuditLog, rows: """
            INSERT INTO audit_log VALUES (1, 'later', 'me', '2026-01-01T12:00:00+02:00', 'ok', 'prod');
            INSERT INTO audit_log VALUES (2, 'earlier', 'me', '2026-01-01 09:30:00.500', 'ok', 'prod');
            INSERT INTO audit_log VALUES (3, 'leap', 'me', '2024-02-29T00:00:00Z', 'ok', 'prod');
            """)
        let entries = try StateStore(path: db.path).auditEntries()
        #expect(entries.map(\.operation) == ["leap", "earlier", "later"])
        #expect(entries[1].occurredAt == Date(timeIntervalSince1970: 1_767_259_800.5))
        #expect(entries[2].occurredAt == Date(timeIntervalSince1970: 1_767_261_600))
    }

    @Test func folderFifoOrDeviceAsTheDatabaseIsRefusedWithoutOpeningIt() throws {
        let db = TemporaryDatabase()
        try FileManager.default.createDirectory(atPath: db.path, withIntermediateDirectories: true)
        #expect(throws: StateStoreError.cannotOpen(path: db.path, detail: "it is a folder, not a database file")) { try StateStore(path: db.path) }
        let fifo = db.folder.url.appendingPathComponent("ff").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect(throws: StateStoreError.cannotOpen(path: fifo, detail: "it is a named pipe (FIFO), not a database file")) { try StateStore(path: fifo) }
        #expect(throws: StateStoreError.cannotOpen(path: "/dev/zero", detail: "it is a device, not a database file")) { try StateStore(path: "/dev/zero") }
    }

    @Test func namedDatabaseInAMissingFolderIsAnErrorAndNoFolderIsMade() throws {
        let db = TemporaryDatabase()
        let path = db.folder.url.appendingPathComponent("no/such/x.sqlite").path
        #expect(throws: StateStoreError.cannotOpen(path: path, detail: "folder '\(db.folder.url.path)/no/such' does not exist")) {
            try StateStore(path: path, createsMissingFolder: false)
        }
        #expect(!FileManager.default.fileExists(atPath: db.folder.url.appendingPathComponent("no").path))
    }
}
