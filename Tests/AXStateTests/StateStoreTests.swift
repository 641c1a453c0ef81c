import AXState
import Foundation
import Testing

final class TemporaryDatabase {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axl-state-\(UUID().uuidString)")
    var path: String { folder.appendingPathComponent(".axlicense/state.sqlite").path }
    deinit { try? FileManager.default.removeItem(at: folder) }
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
        #expect(try store.history(product: "finance").map(\.usage) == [ProductUsage(product: "Finance", licenseQuantity: 10, used: 9)])
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
        guard bytes.count > 8192 else { return }
        for index in 100..<bytes.count where index % 7 == 0 { bytes[index] = 0xFF }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("axl-corrupt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("state.sqlite").path
        try bytes.write(to: URL(fileURLWithPath: path))
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
}
