import AXCompliance
import AXLicensingService
import AXReading
import AXReports
import AXServer
import AXState
import ArgumentParser
import Dispatch
import Foundation

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the License Management page and run the daily license refresh and telemetry jobs.",
        discussion: """
            The page has the License View (purchased vs used, ⚠️/ℹ️ with their reasons, Refresh licenses, Send \
            telemetry, Release Notes), Configuration (registration and token state, Refresh token) and Audit Log \
            (Clear audit log) tabs, and the dashboard notifications. It listens on 127.0.0.1 (this machine only) \
            unless --bind says otherwise; it has no sign-in, so bind to another address only behind a proxy that \
            authenticates. Stop it with Ctrl-C or SIGTERM.

            The jobs run daily at --refresh-at and --telemetry-at (UTC), and at start when they have not run since \
            their last scheduled time. With --once, the due jobs run once and the command exits (for cron, a \
            systemd timer or a CI schedule): exit status 1 when a job failed.
            """)

    @OptionGroup(title: "Inputs") var inputs: InputOptions

    @Option(name: .long, help: ArgumentHelp("Purchased licenses JSON, used while no licenses were refreshed from a licensing service (default: <workspace>/entitlements.json).", valueName: "file"))
    var entitlements: String?

    @Option(name: .long, help: ArgumentHelp("The date expiry is judged against, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var today: String?

    @Option(name: .long, help: ArgumentHelp("Address to listen on: an IP address of this machine or localhost (default: 127.0.0.1).", valueName: "addr"))
    var bind: String = "127.0.0.1"

    @Option(name: .long, help: ArgumentHelp("Port to listen on, 0 for any free port (default: 8080).", valueName: "n"))
    var port: Int = 8080

    @Option(name: .customLong("refresh-at"), help: ArgumentHelp("Daily license refresh time, HH:MM UTC, or off (default: 02:00).", valueName: "time"))
    var refreshAt: String = "02:00"

    @Option(name: .customLong("telemetry-at"), help: ArgumentHelp("Daily telemetry send time, HH:MM UTC, or off (default: 02:30).", valueName: "time"))
    var telemetryAt: String = "02:30"

    @Flag(name: .long, help: "Run the jobs that are due once, print what they did, and exit (no web server).")
    var once = false

    @OptionGroup(title: "State") var state: StateOptions

    func validate() throws {
        if let today, CalendarDate(today) == nil { throw ValidationError("--today '\(today)' is not a date (YYYY-MM-DD)") }
        _ = try schedule()
        if state.noDB { throw ValidationError("serve keeps its audit log in the state database: --no-db cannot be used") }
        if !once { _ = try address() }
    }

    /// The daily schedule the options give.
    func schedule() throws -> DailySchedule {
        var times: [DailyJob: TimeOfDay] = [:]
        for (job, flag, text) in [(DailyJob.licenseRefresh, "--refresh-at", refreshAt), (.telemetry, "--telemetry-at", telemetryAt)] where text != "off" {
            guard let time = TimeOfDay(text) else { throw ValidationError("\(flag) '\(text)' is not a time HH:MM (00:00 to 23:59, UTC) or off") }
            times[job] = time
        }
        return DailySchedule(times: times)
    }

    func address() throws -> ServeAddress {
        do {
            return try ServeAddress(host: bind, port: port)
        } catch {
            throw ValidationError(error.description.replacingOccurrences(of: "cannot listen on '\(bind)'", with: "--bind '\(bind)'")
                .replacingOccurrences(of: "port \(port) ", with: "--port \(port) "))
        }
    }

    func run() throws {
        guard let store = try state.openStore(workspace: inputs.workspace) else { return }
        let source = LicenseViewSource(paths: inputs.paths, method: inputs.method, entitlements: entitlements, today: today.flatMap(CalendarDate.init))
        let schedule = try schedule()
        let service = ServiceActions(jobs: LicenseServiceJobs(store: store, user: AuditRecorder.operatingSystemUser, environment: state.environment))
        let management = LicenseManagement(source: source, store: store, service: service, schedule: schedule)
        // `license status` shows the schedule of the server (or timer) that runs the jobs.
        try blocking { try? await service.record(schedule) }
        if once {
            try runOnce(management)
            return
        }
        let address = try address()
        // Inputs that cannot be read stop the start with the usual error; no purchased licenses yet is said on the page.
        if case .failure(let problem) = try blocking({ await management.currentView() }) {
            switch problem {
            case .workspace(let error): CommandRunner.printError(error); throw ExitStatus.inputError
            case .entitlements(let error): CommandRunner.printError(error); throw ExitStatus.inputError
            case .noPurchasedLicenses: break
            }
        }
        if !address.isLoopback {
            Console.error("axlicense: warning: listening on \(address): the page has no sign-in, so anyone who reaches this address can refresh licenses and clear the audit log")
        }
        try blocking {
            try await ManagementServer.run(management, at: address, onListening: { port in
                let host = address.host.contains(":") ? "[\(address.host)]" : address.host
                try? Console.output(Data("axlicense serve: License Management on http://\(host):\(port)/ (Ctrl-C stops)\n".utf8))
            }, log: { line in Console.error("axlicense serve: " + line) })
        }
    }

    /// `--once`: runs the due jobs, prints one line per job, and fails (status 1) when one failed.
    private func runOnce(_ management: LicenseManagement) throws {
        guard try blocking({ await management.service?.isRegistered() ?? false }) else {
            CommandRunner.printError("axlicense: error: not registered with a licensing service: no job can run (register this environment first)")
            throw ExitStatus.inputError
        }
        let now = Date()
        let outcomes = try blocking { await management.runDueJobs(now: now) }
        var lines: [String] = []
        for job in DailyJob.allCases {
            if let outcome = outcomes.first(where: { $0.job == job }) {
                lines.append("\(job.title): \(outcome.notice.isFailure ? "failed: " : "")\(outcome.notice.message)")
            } else {
                lines.append("\(job.title): not due" + (management.schedule.times[job].map { " (next run \(utcTimestamp($0.nextOccurrence(after: now))))" } ?? " (not scheduled)"))
            }
        }
        try Console.output(Data((lines.joined(separator: "\n") + "\n").utf8))
        if outcomes.contains(where: \.notice.isFailure) { throw ExitStatus.inputError }
    }

    /// Runs async work from this synchronous command and waits for it; a `ServeError` is printed and ends the run
    /// with status 1.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        do {
            return try box.result!.get()
        } catch let error as ServeError {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
    }
}

/// Carries a task's result to the thread waiting for it (the semaphore orders the write before the read).
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
