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

    public init(product: String, licenseQuantity: Int, used: Int) {
        self.product = product
        self.licenseQuantity = licenseQuantity
        self.used = used
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
    private let queue: DatabaseQueue

    /// Opens (creating when absent or empty) the database at `path`; refuses any other database.
    public init(path: String) throws(StateStoreError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw .cannotOpen(path: path, detail: "cannot create folder '\(folder)'")
            }
        }
        if let handle = FileHandle(forReadingAtPath: path) {
            let header = handle.readData(ofLength: 16)
            try? handle.close()
            if !header.isEmpty && header != Data("SQLite format 3\0".utf8) {
                throw .corrupt(path: path, detail: "the file does not start with the SQLite header")
            }
        }
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
        ("product_usage", ["id", "auditId", "product", "license_quantity", "used"]),
    ]

    /// Refuses a database whose tables lack a column this build reads, so no query later fails on "no such column".
    private static func requireSchema(_ db: Database, path: String, existingTablesOnly: Bool = false) throws {
        for (table, columns) in schema {
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
            try requireSchema(db, path: path, existingTablesOnly: true)
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
                            sql: "INSERT INTO product_usage (auditId, product, license_quantity, used) VALUES (?, ?, ?, ?)",
                            arguments: [id, item.product, item.licenseQuantity, item.used])
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
    public func auditEntries(since: Date? = nil) throws(StateStoreError) -> [AuditEntry] {
        do {
            return try queue.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT id, operation, user_id, occurred_at, details, environment FROM audit_log WHERE occurred_at >= ? ORDER BY occurred_at, id",
                                            arguments: [since ?? Date.distantPast])
                return try rows.map { row in
                    let read = StoredRow(row: row, path: path)
                    let id: Int64 = try read("audit_log", "id", rowIDColumn: "id")
                    return AuditEntry(id: id, operation: try read("audit_log", "operation", rowIDColumn: "id"), userId: try read("audit_log", "user_id", rowIDColumn: "id"),
                                      occurredAt: try read("audit_log", "occurred_at", rowIDColumn: "id"), details: try read("audit_log", "details", rowIDColumn: "id"),
                                      environment: try read("audit_log", "environment", rowIDColumn: "id"))
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Deletes audit entries (and their usage records) strictly older than `cutoff`; returns how many entries went.
    public func clearAudit(olderThan cutoff: Date) throws(StateStoreError) -> Int {
        do {
            return try queue.writeWithoutTransaction { db in
                var removed = 0
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "DELETE FROM audit_log WHERE occurred_at < ?", arguments: [cutoff])
                    removed = db.changesCount
                    return .commit
                }
                return removed
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    /// Used vs quantity per run, oldest first; for one product (case-insensitive) or all.
    public func history(product: String? = nil) throws(StateStoreError) -> [ProductUsagePoint] {
        do {
            return try queue.read { db in
                var sql = "SELECT a.id AS audit_id, a.occurred_at, a.environment, u.id AS usage_id, u.product, u.license_quantity, u.used FROM product_usage u JOIN audit_log a ON a.id = u.auditId"
                var arguments: StatementArguments = []
                if let product {
                    sql += " WHERE lower(u.product) = lower(?)"
                    arguments = [product]
                }
                sql += " ORDER BY a.occurred_at, a.id, u.id"
                return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                    let read = StoredRow(row: row, path: path)
                    let usage = ProductUsage(product: try read("product_usage", "product", rowIDColumn: "usage_id"),
                                             licenseQuantity: try read("product_usage", "license_quantity", rowIDColumn: "usage_id"),
                                             used: try read("product_usage", "used", rowIDColumn: "usage_id"))
                    return ProductUsagePoint(recordedAt: try read("audit_log", "occurred_at", rowIDColumn: "audit_id"),
                                             environment: try read("audit_log", "environment", rowIDColumn: "audit_id"), usage: usage)
                }
            }
        } catch {
            throw Self.classify(error, path: path)
        }
    }

    private static func classify(_ error: any Error, path: String) -> StateStoreError {
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
private struct StoredRow {
    let row: Row
    let path: String

    func callAsFunction<Value: DatabaseValueConvertible>(_ table: String, _ column: String, rowIDColumn: String) throws -> Value {
        let stored: DatabaseValue = (try? row.decode(DatabaseValue.self, forColumn: column)) ?? .null
        // Integers are read only from integers (SQLite would turn 'many' into 0); other types convert as GRDB does.
        var isInteger = false
        if case .int64 = stored.storage { isInteger = true }
        let wantsInteger = Value.self == Int.self || Value.self == Int64.self
        if let value = Value.fromDatabaseValue(stored), isInteger || !wantsInteger {
            return value
        }
        let rowID = (try? row.decode(DatabaseValue.self, forColumn: rowIDColumn)).map(Self.describe) ?? "?"
        throw StateStoreError.unreadable(path: path, detail: "\(table) row \(rowID), column \(column): \(Self.describe(stored)) is not \(Self.expected(Value.self))")
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
