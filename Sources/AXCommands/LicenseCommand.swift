import AXCompliance
import AXLicensingService
import AXReading
import AXReports
import AXState
import ArgumentParser
import Foundation

/// `axlicense license …`: the licensing service (DOMAIN.md §8): register, refresh licenses, send telemetry, refresh
/// the token, show the status.
struct LicenseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "license",
        abstract: "The licensing service: register, refresh licenses, send telemetry, refresh the token, status.",
        discussion: """
            The service's contract is Docs/licensing-service.openapi.yaml. State is kept in the workspace's state \
            database (--db); the tokens in a file beside it (<db>.token, mode 600), never printed. Refreshed licenses \
            replace entitlements.json as the purchased side of check and report. Every call is an audit-log entry.
            """,
        subcommands: [Register.self, Refresh.self, Telemetry.self, TokenRefresh.self, Status.self])

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register this workspace with a licensing service and store its tokens.")
        @Option(name: .long, help: ArgumentHelp("The licensing service's base URL (https; plain http only to 127.0.0.1, ::1 or localhost).", valueName: "url"))
        var endpoint: String
        @Option(name: .customLong("tenant-id"), help: ArgumentHelp("Your tenant id, as the vendor gave it.", valueName: "id")) var tenantId: String
        @Option(name: .customLong("environment-id"), help: ArgumentHelp("This environment's id.", valueName: "id")) var environmentId: String
        @Option(name: .customLong("environment-name"), help: ArgumentHelp("This environment's name (default: the environment id).", valueName: "name"))
        var environmentName: String?
        @OptionGroup var common: LicenseStateCommandOptions

        func run() throws {
            let (endpoint, tenantId, environmentId, environmentName) = (self.endpoint, self.tenantId, self.environmentId, self.environmentName)
            try common.run { jobs in
                LicenseServiceStatusReport(status: try await jobs.register(endpoint: endpoint, tenantId: tenantId, environmentId: environmentId,
                                                                           environmentName: environmentName))
            }
        }
    }

    struct Refresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch the purchased licenses from the licensing service (the daily license refresh).",
            discussion: "A failed refresh keeps the licenses of the last successful one (its time is the status's Last license check).")
        @OptionGroup var common: LicenseStateCommandOptions

        func run() throws {
            try common.run { jobs in LicenseRefreshReport(refresh: try await jobs.refreshLicenses()) }
        }
    }

    struct Telemetry: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the used licenses per product to the licensing service (the daily telemetry send).",
            discussion: "The used counts are those `check` shows, computed from the workspace for the purchased products.")
        @OptionGroup(title: "Inputs") var inputs: InputOptions
        @OptionGroup(title: "Licenses") var purchased: PurchasedLicenseOptions
        @OptionGroup(title: "Rules") var rules: RuleOptions
        @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
        @OptionGroup(title: "Service") var options: LicenseServiceOptions
        @OptionGroup(title: "Output") var output: OutputOptions

        func run() throws {
            let service = options.with(workspace: inputs.workspace)
            let store = try service.openStore()
            let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .required)
            let estimate = workspace.engine.estimate(workspace.users!, options: rules.estimateOptions)
            let check = try CommandRunner.licenseCheck(purchased, inputs: inputs, workspace: workspace, estimate: estimate, required: true,
                                                       store: store, quiet: analysis.quiet)!
            CommandRunner.printDiagnostics(DiagnosticLog.merged(estimate.diagnostics, check.diagnostics), quiet: analysis.quiet)
            let products = TelemetryProduct.products(of: check.view, licenseModel: workspace.method.primary.rawValue)
            let jobs = service.jobs(store: store)
            let sent = try LicenseServiceSetup.wait { try await jobs.sendTelemetry(products) }
            try service.write(TelemetrySentReport(sent: sent), output: output, protecting: inputs.protectedInputs + purchased.protectedInputs(inputs))
        }
    }

    struct TokenRefresh: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token-refresh", abstract: "Obtain a new token with the stored refresh token (when the status shows Token expired).")
        @OptionGroup var common: LicenseStateCommandOptions

        func run() throws {
            try common.run { jobs in LicenseServiceStatusReport(status: try await jobs.refreshToken()) }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the registration: endpoint, last license check, schedules, effective status, token expiry, registration info.")
        @OptionGroup var common: LicenseStateCommandOptions

        func run() throws {
            try common.run { jobs in LicenseServiceStatusReport(status: try await jobs.status()) }
        }
    }
}

/// The options of a `license` command that reads nothing but the state database: the workspace, the service options
/// and the output.
struct LicenseStateCommandOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Workspace folder whose state database holds the registration.", valueName: "dir"))
    var workspace: String = "."
    @OptionGroup(title: "Service") var options: LicenseServiceOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    /// Runs `operation` on the workspace's jobs and writes the report it makes; a failure is printed and ends the run
    /// with status 1.
    func run<Made: ReportConvertible>(_ operation: @escaping @Sendable (LicenseServiceJobs) async throws -> Made) throws {
        let service = options.with(workspace: workspace)
        let jobs = try service.jobs()
        let report = try LicenseServiceSetup.wait { try await operation(jobs) }
        try service.write(report, output: output)
    }
}

/// The options every `license` command shares: the state database that holds the registration, and the request
/// timeout.
struct LicenseServiceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Seconds each request to the service may take (default 30); failed requests are retried three times.", valueName: "seconds"))
    var timeout: Double = 30

    @OptionGroup(title: "State") var state: StateOptions

    func validate() throws {
        guard timeout > 0, timeout <= 600 else { throw ValidationError("--timeout must be more than 0 and at most 600 seconds") }
        if state.noDB { throw ValidationError("--no-db leaves nowhere to keep the registration: the license commands need the state database") }
    }

    /// These options for the workspace folder `workspace`.
    func with(workspace: String) -> LicenseServiceSetup { LicenseServiceSetup(options: self, workspace: workspace) }
}

/// The `license` options with the command's workspace folder: opens the state database and the jobs, writes reports.
struct LicenseServiceSetup {
    var options: LicenseServiceOptions
    var workspace: String
    var state: StateOptions { options.state }

    /// The state database; `--no-db` is refused in `validate`.
    func openStore() throws -> StateStore {
        guard let store = try state.openStore(workspace: workspace) else { throw ValidationError("--no-db leaves nowhere to keep the registration") }
        return store
    }

    /// The jobs of the workspace's state database.
    func jobs() throws -> LicenseServiceJobs { jobs(store: try openStore()) }

    func jobs(store: StateStore) -> LicenseServiceJobs {
        LicenseServiceJobs(store: store, user: AuditRecorder.operatingSystemUser, environment: state.environment,
                           options: ServiceClientOptions(timeout: options.timeout))
    }

    /// Writes `report`, never over the database, its side files or the token file.
    func write(_ report: some ReportConvertible, output: OutputOptions, protecting inputs: [ProtectedInput] = []) throws {
        let database = state.databasePath(workspace: workspace)
        try CommandRunner.write(output.render(report), output: output,
                                protecting: inputs + state.protectedInputs(workspace: workspace) + [.file(ServiceTokenFile(databasePath: database).path, "the token file")])
    }

    /// Runs an operation of the jobs to its end; a failure is printed and ends the run with status 1.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { outcome.set(.success(try await body())) } catch { outcome.set(.failure(error)) }
            done.signal()
        }
        done.wait()
        switch outcome.value! {
        case .success(let value): return value
        case .failure(let error):
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
    }
}

/// The result of an operation run on another thread.
private final class Outcome<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Result<T, any Error>?
    var value: Result<T, any Error>? { lock.withLock { stored } }
    func set(_ result: Result<T, any Error>) { lock.withLock { stored = result } }
}
