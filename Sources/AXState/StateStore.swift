import Foundation
import GRDB

/// One entry of the audit log, like the License Management form's Audit Log (seed 000).
public struct AuditEntry: Sendable, Hashable {
    /// Row id, assigned when stored.
    public var id: Int64?
    /// What ran: `Estimate`, `License check`, …
    public var operation: String
    /// The operating-system user who ran it.
    public var userId: String
    /// When, in UTC.
    public var occurredAt: Date
    /// Result summary, or the error.
    public var details: String
    /// The environment name (`--environment`, default the host name).
    public var environment: String

    public init(id: Int64? = nil, operation: String, userId: String, occurredAt: Date, details: String, environment: String) {
        self.id = id
        self.operation = operation
        self.userId = userId
        self.occurredAt = occurredAt
        self.details = details
        self.environment = environment
    }
}

/// A product's used count and purchased quantity recorded by one run.
public struct ProductUsage: Sendable, Hashable {
    public var product: String
    public var licenseQuantity: Int
    public var used: Int
    /// The organisation on the license (from the licensing service or entitlements.json); empty when not known.
    public var licenseHolder: String
    /// The most recent version released, as known at the run; empty when not known.
    public var latestVersion: String

    public init(product: String, licenseQuantity: Int, used: Int, licenseHolder: String = "", latestVersion: String = "") {
        self.product = product
        self.licenseQuantity = licenseQuantity
        self.used = used
        self.licenseHolder = licenseHolder
        self.latestVersion = latestVersion
    }
}

/// One point of a product's usage history.
public struct ProductUsagePoint: Sendable, Hashable {
    public var recordedAt: Date
    public var environment: String
    public var usage: ProductUsage
}

/// Why the state database cannot be used. The file is never modified in these cases.
public enum StateStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is an SQLite database of something else.
    case notAnAxlicenseDatabase(path: String)
    /// The file is not a readable SQLite database (corrupt, truncated, or another format).
    case corrupt(path: String, detail: String)
    /// The file or its folder cannot be created or opened.
    case cannotOpen(path: String, detail: String)
    /// A read or write failed (disk full, locked too long, …).
    case failed(path: String, detail: String)
    /// The database holds what this build cannot read: a missing table or column, or a value of the wrong kind
    /// (NULL, a date that is not a date) in a row; `detail` names the table, row and column.
    case unreadable(path: String, detail: String)
    /// The database records a schema migration this build does not know: it was made by a newer axlicense, whose
    /// tables this build would misread.
    case newerVersion(path: String, migration: String)

    public var description: String {
        switch self {
        case .notAnAxlicenseDatabase(let path):
            "\(path): error: not an axlicense state database (it holds other data); it was left untouched."
        case .corrupt(let path, let detail):
            "\(path): error: state database is corrupt or not an SQLite file (\(detail)); it was left untouched."
        case .cannotOpen(let path, let detail):
            "\(path): error: cannot open the state database: \(detail)."
        case .failed(let path, let detail):
            "\(path): error: state database operation failed: \(detail)"
        case .unreadable(let path, let detail):
            "\(path): error: state database has contents this axlicense cannot read: \(detail); it was left untouched."
        case .newerVersion(let path, let migration):
            "\(path): error: state database was made by a newer axlicense: migration '\(migration)' unknown; it was left untouched."
        }
    }
}

/// The SQLite state of a workspace: the audit log and the used counts of every run, so history can be shown.
///
/// Safe for several processes at once: WAL mode, a busy timeout, and one immediate transaction per run.
public final class StateStore: Sendable {
    /// Marks axlicense databases (`PRAGMA application_id`), ASCII "AXLC".
    public static let applicationID: Int32 = 0x4158_4C43
    /// The file's path.
    public let path: String
    let queue: DatabaseQueue

    /// Opens (creating when absent or empty) the database at `path`; refuses any other database.
    ///
    /// Only a regular file, or a path where nothing exists yet, is a database: a folder, FIFO, device or socket is
    /// refused before SQLite opens it (SQLite would block on a FIFO). A missing folder is made only when
    /// `createsMissingFolder` is true (the workspace's own `.axlicense/`); a path the user named must be in a folder
    /// that exists, so a typo does not quietly make a tree of folders.
    public init(path: String, createsMissingFolder: Bool = true) throws(StateStoreError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        var status = stat()
        if stat(path, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFREG else {
                throw .cannotOpen(path: path, detail: "it is \(Self.kind(of: status)), not a database file")
            }
        } else if !folder.isEmpty {
            var folderStatus = stat()
            if stat(folder, &folderStatus) == 0 {
                guard folderStatus.st_mode & S_IFMT == S_IFDIR else {
                    throw .cannotOpen(path: path, detail: "'\(folder)' is not a folder")
                }
            } else if createsMissingFolder {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    throw .cannotOpen(path: path, detail: "cannot create folder '\(folder)'")
                }
            } else {
                throw .cannotOpen(path: path, detail: "folder '\(folder)' does not exist")
            }
        }
        try Self.checkHeader(path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = "axlicense-state"
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw .cannotOpen(path: path, detail: Self.describe(error))
        }
        try validateAndMigrate()
    }

    /// Opens an existing database at `path` for reading only, or returns nil when nothing is there yet (no run has been
    /// recorded). Nothing is created or written, so the commands that only read (`audit list`, `history`) work on a
    /// workspace they cannot write to; a database made by an older axlicense is migrated first, as any run would (that
    /// one needs write access), and another database or a newer schema is refused, never changed.
    public static func openForReading(path: String) throws(StateStoreError) -> StateStore? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        guard status.st_mode & S_IFMT == S_IFREG else {
            throw .cannotOpen(path: path, detail: "it is \(kind(of: status)), not a database file")
        }
        guard status.st_size > 0 else { return nil }
        try checkHeader(path)
        do {
            return StateStore(path: path, queue: try readOnlyQueue(location: path, path: path))
        } catch is NeedsMigration {
            // Made by an older axlicense: upgraded as a writing run would (the tables gain what this build reads).
            return try StateStore(path: path, createsMissingFolder: false)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY || error.resultCode == .SQLITE_CANTOPEN {
            // A database in WAL mode needs its shared-memory file, which a folder the user cannot write to cannot
            // hold: read it as immutable instead (what the last run committed and checkpointed, which is all of it
            // once that run ended), else the first error stands.
            guard let queue = try? readOnlyQueue(location: immutableURI(path), path: path) else { throw classify(error, path: path) }
            return StateStore(path: path, queue: queue)
        } catch {
            throw classify(error, path: path)
        }
    }

    /// Opens `location` (a path, or a `file:` URI) read-only and checks it is an axlicense database this build reads
    /// as it is: no migration to apply, none unknown.
    private static func readOnlyQueue(location: String, path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        configuration.label = "axlicense-state"
        let queue = try DatabaseQueue(path: location, configuration: configuration)
        try queue.read { db in
            let stored = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            guard stored == StateStore.applicationID else { throw StateStoreError.notAnAxlicenseDatabase(path: path) }
            let known = Set(migrator(path: path).migrations)
            let applied = try migrator(path: path).appliedIdentifiers(db)
            if let unknown = applied.filter({ !known.contains($0) }).sorted().first {
                throw StateStoreError.newerVersion(path: path, migration: unknown)
            }
            guard applied.isSuperset(of: known) else { throw NeedsMigration() }
            try requireSchema(db, path: path)
        }
        return queue
    }

    /// A database made by an older axlicense: it is migrated before it is read.
    private struct NeedsMigration: Error {}

    /// `file:/abs/path?immutable=1`, the path percent-encoded so `?`, `#` and `%` in it stay part of the name.
    private static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        return "file:" + (absolute.addingPercentEncoding(withAllowedCharacters: allowed) ?? absolute) + "?immutable=1"
    }

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    /// A regular file that is not empty must start with the SQLite header; read without blocking, without traps.
    private static func checkHeader(_ path: String) throws(StateStoreError) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // absent (SQLite creates it) or unreadable (SQLite's open says why)
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw .cannotOpen(path: path, detail: "it is not a regular file")
        }
        var header = [UInt8](repeating: 0, count: 16)
        let count = read(descriptor, &header, header.count)
        guard count > 0 else { return }
        if Array(header.prefix(count)) != Array("SQLite format 3\0".utf8) {
            throw .corrupt(path: path, detail: "the file does not start with the SQLite header")
        }
    }

    /// A file type in words, for an error.
    private static func kind(of status: stat) -> String {
        switch status.st_mode & S_IFMT {
        case S_IFDIR: "a folder"
        case S_IFIFO: "a named pipe (FIFO)"
        case S_IFCHR, S_IFBLK: "a device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    private func validateAndMigrate() throws(StateStoreError) {
        do {
            // Check and claim in one immediate transaction, so two first runs cannot both see an empty file and
            // neither sees a half-made one: an empty database becomes ours (application_id) before anything else.
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let applicationID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
                    let tableCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sqlite_master") ?? 0
                    if applicationID == 0 && tableCount == 0 {
                        try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                    } else if applicationID != Self.applicationID {
                        throw StateStoreError.notAnAxlicenseDatabase(path: path)
                    }
                    // A migration we do not know means a newer schema: refused before anything reads or migrates it.
                    // A migrated database missing a column is refused here too, before the switch to WAL touches the file.
                    let known = Set(Self.migrator(path: path).migrations)
                    let applied = try Self.migrator(path: path).appliedIdentifiers(db)
                    if let unknown = applied.filter({ !known.contains($0) }).sorted().first {
                        throw StateStoreError.newerVersion(path: path, migration: unknown)
                    }
                    if applied.isSuperset(of: known) { try Self.requireSchema(db, path: path) }
                    return .commit
                }
                do {
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                } catch {
                    // Another process switching at the same moment: fine once the file is in WAL mode.
                    guard try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() == "wal" else { throw error }
                }
            }
            // GRDB reads the applied migrations outside the migration's transaction: when another process applies
            // one in between, ours fails on its identifier, and looking again finds it applied.
            var attempt = 0
            while true {
                do {
                    try Self.migrator(path: path).migrate(queue)
                    break
                } catch {
                    attempt += 1
                    if attempt >= 3 { throw error }
                }
            }
        } catch let error as StateStoreError {
            throw error
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Every column each table must have (the migrations make them; a hand edit or an old tool may not have).
    private static let schema: [(table: String, columns: [String])] = [
        ("audit_log", ["id", "operation", "user_id", "occurred_at", "details", "environment"]),
        ("product_usage", ["id", "auditId", "product", "license_quantity", "used", "license_holder", "latest_version"]),
        ("service_registration", ["id", "endpoint", "tenant_id", "environment_id", "environment_name", "registered_at", "token_issued_at",
                                  "status", "status_message", "token_expires_at", "last_license_check", "license_holder",
                                  "refresh_schedule", "telemetry_schedule"]),
        ("service_license", ["id", "product", "license_quantity", "expiration_date", "latest_version", "release_notes_url"]),
    ]

    /// The tables and columns migration v1 makes (what tables already there must have before v1 adopts them).
    private static let schemaV1: [(table: String, columns: [String])] = [
        ("audit_log", ["id", "operation", "user_id", "occurred_at", "details", "environment"]),
        ("product_usage", ["id", "auditId", "product", "license_quantity", "used"]),
    ]

    /// Refuses a database whose tables lack a column this build reads, so no query later fails on "no such column".
    private static func requireSchema(_ db: Database, path: String, tables: [(table: String, columns: [String])] = schema,
                                      existingTablesOnly: Bool = false) throws {
        for (table, columns) in tables {
            guard try db.tableExists(table) else {
                if existingTablesOnly { continue }
                throw StateStoreError.unreadable(path: path, detail: "table \(table) is missing")
            }
            let present = Set(try db.columns(in: table).map { $0.name.lowercased() })
            if let missing = columns.first(where: { !present.contains($0.lowercased()) }) {
                throw StateStoreError.unreadable(path: path, detail: "table \(table) has no column \(missing)")
            }
        }
    }

    /// The schema's migrations; `path` names the database when one finds tables it cannot use.
    private static func migrator(path: String) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: audit log and product usage") { db in
            // Tables already there (made by hand or another tool) must have every column before they are adopted.
            try requireSchema(db, path: path, tables: schemaV1, existingTablesOnly: true)
            try db.create(table: "audit_log", ifNotExists: true) { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("operation", .text).notNull()
                t.column("user_id", .text).notNull()
                t.column("occurred_at", .datetime).notNull().indexed()
                t.column("details", .text).notNull()
                t.column("environment", .text).notNull()
            }
            try db.create(table: "product_usage", ifNotExists: true) { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("audit", inTable: "audit_log", onDelete: .cascade).notNull()
                t.column("product", .text).notNull().indexed()
                t.column("license_quantity", .integer).notNull()
                t.column("used", .integer).notNull()
            }
        }
        migrator.registerMigration("v2: licensing service registration and refreshed licenses") { db in
            try requireSchema(db, path: path, tables: schemaV1, existingTablesOnly: true)
            try ServiceStateSchema.create(db)
            // Each run's usage names the license holder and latest version it was judged with (empty before v2).
            try db.alter(table: "product_usage") { t in
                t.add(column: "license_holder", .text).notNull().defaults(to: "")
                t.add(column: "latest_version", .text).notNull().defaults(to: "")
            }
        }
        return migrator
    }

    /// Appends an audit entry and the run's product usage in one transaction; returns the entry's id.
    @discardableResult
    public func append(_ entry: AuditEntry, usage: [ProductUsage] = []) throws(StateStoreError) -> Int64 {
        do {
            return try queue.writeWithoutTransaction { db in
                var id: Int64 = 0
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: "INSERT INTO audit_log (operation, user_id, occurred_at, details, environment) VALUES (?, ?, ?, ?, ?)",
                        arguments: [entry.operation, entry.userId, entry.occurredAt, entry.details, entry.environment])
                    id = db.lastInsertedRowID
                    for item in usage {
                        try db.execute(
                            sql: "INSERT INTO product_usage (auditId, product, license_quantity, used, license_holder, latest_version) VALUES (?, ?, ?, ?, ?, ?)",
                            arguments: [id, item.product, item.licenseQuantity, item.used, item.licenseHolder, item.latestVersion])
                    }
                    return .commit
                }
                return id
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Audit entries, oldest first, optionally only those at or after `since`.
    ///
    /// Every row is read and its date parsed strictly (`StoredTimestamp`) before any is filtered: a row whose date
    /// is not a date is an error naming it, never a row quietly left out or moved to another day.
    public func auditEntries(since: Date? = nil) throws(StateStoreError) -> [AuditEntry] {
        do {
            let entries = try queue.read { db in
                try Row.fetchAll(db, sql: "SELECT id, operation, user_id, occurred_at, details, environment FROM audit_log ORDER BY id").map { row in
                    let read = StoredRow(row: row, path: path)
                    let id: Int64 = try read("audit_log", "id", rowIDColumn: "id")
                    return AuditEntry(id: id, operation: try read("audit_log", "operation", rowIDColumn: "id"), userId: try read("audit_log", "user_id", rowIDColumn: "id"),
                                      occurredAt: try read("audit_log", "occurred_at", rowIDColumn: "id"), details: try read("audit_log", "details", rowIDColumn: "id"),
                                      environment: try read("audit_log", "environment", rowIDColumn: "id"))
                }
            }
            // Sorting is stable: entries of one instant stay in id order.
            return entries.filter { since == nil || $0.occurredAt >= since! }.sorted { $0.occurredAt < $1.occurredAt }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Deletes audit entries (and their usage records) strictly older than `cutoff`; returns how many entries went.
    ///
    /// The dates are read as `auditEntries` reads them: when one row's date cannot be read, nothing is deleted and
    /// the error names that row (a row `audit list` cannot show is never silently removed).
    public func clearAudit(olderThan cutoff: Date) throws(StateStoreError) -> Int {
        do {
            return try queue.writeWithoutTransaction { db in
                var removed = 0
                try db.inTransaction(.immediate) {
                    let rows = try Row.fetchAll(db, sql: "SELECT id, occurred_at FROM audit_log ORDER BY id")
                    var expired: [Int64] = []
                    for row in rows {
                        let read = StoredRow(row: row, path: path)
                        let occurredAt: Date = try read("audit_log", "occurred_at", rowIDColumn: "id")
                        if occurredAt < cutoff { expired.append(try read("audit_log", "id", rowIDColumn: "id")) }
                    }
                    let statement = try db.makeStatement(sql: "DELETE FROM audit_log WHERE id = ?")
                    for id in expired {
                        try statement.execute(arguments: [id])
                        removed += db.changesCount
                    }
                    return .commit
                }
                return removed
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Used vs quantity per run and product, oldest first. Every product is returned: which recorded names are one
    /// product is the SKU catalog's knowledge (names and aliases), so the `history` command filters with it.
    public func history() throws(StateStoreError) -> [ProductUsagePoint] {
        do {
            return try queue.read { db in
                let sql = "SELECT a.id AS audit_id, a.occurred_at, a.environment, u.id AS usage_id, u.product, u.license_quantity, u.used, u.license_holder, u.latest_version FROM product_usage u JOIN audit_log a ON a.id = u.auditId ORDER BY a.id, u.id"
                let points = try Row.fetchAll(db, sql: sql).map { row in
                    let read = StoredRow(row: row, path: path)
                    let usage = ProductUsage(product: try read("product_usage", "product", rowIDColumn: "usage_id"),
                                             licenseQuantity: try read("product_usage", "license_quantity", rowIDColumn: "usage_id"),
                                             used: try read("product_usage", "used", rowIDColumn: "usage_id"),
                                             licenseHolder: try read("product_usage", "license_holder", rowIDColumn: "usage_id"),
                                             latestVersion: try read("product_usage", "latest_version", rowIDColumn: "usage_id"))
                    return ProductUsagePoint(recordedAt: try read("audit_log", "occurred_at", rowIDColumn: "audit_id"),
                                             environment: try read("audit_log", "environment", rowIDColumn: "audit_id"), usage: usage)
                }
                return points.sorted { $0.recordedAt < $1.recordedAt }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    static func classify(_ error: any Error, path: String) -> StateStoreError {
        if let error = error as? StateStoreError { return error }
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .corrupt(path: path, detail: error.message ?? "\(error.resultCode)")
            case .SQLITE_CANTOPEN, .SQLITE_READONLY, .SQLITE_PERM: return .cannotOpen(path: path, detail: error.message ?? "\(error.resultCode)")
            default: return .failed(path: path, detail: error.message ?? "\(error)")
            }
        }
        return .failed(path: path, detail: "\(error)")
    }

    private static func describe(_ error: any Error) -> String {
        (error as? DatabaseError)?.message ?? "\(error)"
    }
}

/// Reads one value of a fetched row as the type the caller needs; a value of another kind (NULL, text where a number
/// or date belongs) is `StateStoreError.unreadable` naming the table, row and column, never a trap.
struct StoredRow {
    let row: Row
    let path: String

    func callAsFunction<Value: DatabaseValueConvertible>(_ table: String, _ column: String, rowIDColumn: String) throws -> Value {
        let stored: DatabaseValue = (try? row.decode(DatabaseValue.self, forColumn: column)) ?? .null
        if Value.self == Date.self {
            // Dates only from text in a strict timestamp form: GRDB would read 1700000000 as seconds and roll
            // '2026-13-45' over into 2027.
            if case .string(let text) = stored.storage, let date = StoredTimestamp.parse(text) { return date as! Value }
            throw unreadable(stored, table, column, rowIDColumn: rowIDColumn)
        }
        // Integers are read only from integers (SQLite would turn 'many' into 0); other types convert as GRDB does.
        var isInteger = false
        if case .int64 = stored.storage { isInteger = true }
        let wantsInteger = Value.self == Int.self || Value.self == Int64.self
        if let value = Value.fromDatabaseValue(stored), isInteger || !wantsInteger {
            return value
        }
        throw unreadable(stored, table, column, rowIDColumn: rowIDColumn, expected: Self.expected(Value.self))
    }

    private func unreadable(_ stored: DatabaseValue, _ table: String, _ column: String, rowIDColumn: String, expected: String = "a date (YYYY-MM-DD HH:MM:SS or RFC 3339, in range)") -> StateStoreError {
        let rowID = (try? row.decode(DatabaseValue.self, forColumn: rowIDColumn)).map(Self.describe) ?? "?"
        return .unreadable(path: path, detail: "\(table) row \(rowID), column \(column): \(Self.describe(stored)) is not \(expected)")
    }

    private static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): "\(number)"
        case .double(let number): "\(number)"
        case .string(let text): "'\(text.count > 40 ? text.prefix(40) + "…" : text)'"
        case .blob(let data): "a blob of \(data.count) bytes"
        }
    }

    private static func expected(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "text"
        case is Date.Type: "a date"
        default: "a whole number"
        }
    }
}

/// The timestamps the audit log holds, read strictly: GRDB's own form (`2026-03-01 12:00:00.000`, UTC) and RFC 3339
/// (`2026-03-01T12:00:00Z`, `…+02:00`). Every field must be in range (month 1–12, a day the month has, hour 0–23,
/// minute and second 0–59, year 0001–9999): nothing rolls over into another date.
enum StoredTimestamp {
    /// The instant `text` names, or nil when it is not a timestamp in one of the forms above.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ digits: Int) -> Int? {
            guard index + digits <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + digits] {
                guard (0x30...0x39).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            index += digits
            return value
        }
        func expect(_ characters: String) -> Bool {
            guard index < bytes.count, characters.utf8.contains(bytes[index]) else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
              expect(" Tt"), let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2)
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                fraction += Double(bytes[index] - 0x30) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        var offset = 0
        if index < bytes.count {
            if expect("Zz") {
            } else if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                let sign = bytes[index] == UInt8(ascii: "-") ? -1 : 1
                index += 1
                guard let hours = number(2), expect(":"), let minutes = number(2), hours <= 23, minutes <= 59 else { return nil }
                offset = sign * (hours * 3600 + minutes * 60)
            } else {
                return nil
            }
        }
        guard index == bytes.count, (1...9999).contains(year), (1...12).contains(month), hour <= 23, minute <= 59, second <= 59 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...monthDays).contains(day) else { return nil }
        // Days from 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }
}
