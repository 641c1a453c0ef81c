import AXReports
import AXState
import ArgumentParser
import Foundation

/// Where run history goes.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("State database (SQLite) for the audit log and usage history (default: <workspace>/.axlicense/state.sqlite).", valueName: "file"))
    var db: String?

    @Flag(name: .customLong("no-db"), help: "Run without the state database: no audit entry, no history.")
    var noDB = false

    @Option(name: .long, help: ArgumentHelp("Environment name recorded in the audit log (default: the host name); audit list and history show only its entries.", valueName: "name"))
    var environment: String?

    func databasePath(workspace: String) -> String {
        db ?? Self.defaultDatabasePath(workspace: workspace)
    }

    /// `<workspace>/.axlicense/state.sqlite`.
    static func defaultDatabasePath(workspace: String) -> String {
        (workspace.hasSuffix("/") ? workspace : workspace + "/") + ".axlicense/state.sqlite"
    }

    /// The state database and the side files SQLite keeps beside it (and unlinks): inputs an output must never replace.
    func protectedInputs(workspace: String) -> [ProtectedInput] {
        let path = databasePath(workspace: workspace)
        return [.file(path, "the state database")]
            + ["-wal", "-shm", "-journal"].map { .file(path + $0, "a side file of the state database") }
    }

    /// Opens the store, or nil with `--no-db`; a store that cannot be used ends the run with status 1. The workspace
    /// folder must exist: a mistyped `--workspace` is an error, never a new `.axlicense/` folder made at that path.
    func openStore(workspace: String) throws -> StateStore? {
        guard !noDB else { return nil }
        try CommandRunner.requireWorkspaceFolder(workspace)
        do {
            return try StateStore(path: databasePath(workspace: workspace), createsMissingFolder: db == nil)
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
    }

    /// The store of a command that only reads it (`audit list`, `history`), opened read-only so a workspace the user
    /// cannot write to still works; nil when no run has been recorded yet (nothing is created). `--no-db` leaves
    /// nothing to read: `what` says what was asked for.
    func openStoreForReading(workspace: String, what: String) throws -> StateStore? {
        guard !noDB else { throw ValidationError("--no-db leaves no \(what) to show") }
        if db == nil { try CommandRunner.requireWorkspaceFolder(workspace) }
        let path = databasePath(workspace: workspace)
        let store = try CommandRunner.state { () throws(StateStoreError) in try StateStore.openForReading(path: path) }
        // The workspace's own database is absent until the first run; a file named with --db that is not there is a typo.
        if store == nil, let db, !FileManager.default.fileExists(atPath: db) {
            CommandRunner.printError("\(db): error: no state database here; check the path given with --db")
            throw ExitStatus.inputError
        }
        return store
    }

    /// Whether an entry of `environment` is one `--environment` asks for (every entry without it).
    func includes(environment recorded: String) -> Bool { environment.map { $0 == recorded } ?? true }

    var environmentName: String { environment ?? ProcessInfo.processInfo.hostName }
}

/// Records one run in the audit log.
struct AuditRecorder {
    var store: StateStore?
    var environment: String
    var operation: String

    static var operatingSystemUser: String {
        let environment = ProcessInfo.processInfo.environment
        return environment["USER"] ?? environment["LOGNAME"] ?? ProcessInfo.processInfo.userName
    }

    /// Appends the entry; a failure to record is reported and ends the run with status 1 (nothing is silently lost).
    func record(_ details: String, usage: [ProductUsage] = []) throws {
        guard let store else { return }
        do {
            try store.append(AuditEntry(operation: operation, userId: Self.operatingSystemUser, occurredAt: Date(), details: details, environment: environment), usage: usage)
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
    }

    /// Runs `body`; when it fails, the failure is recorded before it propagates.
    func recording<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let exit as ExitCode {
            try? record(AuditDetails.failed(exitStatus: exit.rawValue))
            throw exit
        }
    }
}
