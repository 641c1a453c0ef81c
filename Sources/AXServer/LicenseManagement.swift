import AXCompliance
import AXState
import Foundation

/// What the License Management page and the daily jobs ask of the licensing service. `serve` gives an implementation
/// over the licensing-service client; without one (not registered), the page shows the workspace's entitlements file
/// and the service actions say that nothing is registered.
public protocol LicensingServiceActions: Sendable {
    /// Fetches the licenses from the service and keeps them (the client records the audit entry).
    func refreshLicenses() async -> ActionNotice
    /// Sends the used counts of `view`, computed under `licenseModel` (`legacy` or `objects`; the client records the
    /// audit entry).
    func sendTelemetry(view: LicenseView, licenseModel: String) async -> ActionNotice
    /// Obtains a new access token with the stored refresh token (the client records the audit entry).
    func refreshToken() async -> ActionNotice
    /// Whether a registration is stored (the jobs run only then).
    func isRegistered() async -> Bool
    /// The licenses last refreshed (the purchased side of the License View), or nil when none have been.
    func refreshedLicenses() async -> RefreshedLicenses?
    /// The registration, token and last-check fields of the Configuration tab (the schedule is the server's own).
    func configuration(schedule: DailySchedule) async -> ServiceConfigurationFields
}

/// Licenses as the last successful refresh returned them.
public struct RefreshedLicenses: Sendable {
    /// The purchased products (quantities, expiry, versions, holder).
    public var products: [ProductEntitlement]
    /// Each product's release notes page, by product name (only http and https addresses are kept).
    public var releaseNotes: [String: URL]

    public init(products: [ProductEntitlement], releaseNotes: [String: URL]) {
        self.products = products
        self.releaseNotes = releaseNotes.filter { ["http", "https"].contains($0.value.scheme?.lowercased() ?? "") }
    }
}

/// The one action a page form can ask for.
public enum ManagementAction: Sendable, Hashable {
    case refreshLicenses
    case sendTelemetry
    case refreshToken
    /// Delete audit entries older than this many days.
    case clearAuditLog(olderThanDays: Int)

    /// The tab the page returns to after the action.
    public var tab: ManagementTab {
        switch self {
        case .refreshLicenses, .sendTelemetry: .licenseView
        case .refreshToken: .configuration
        case .clearAuditLog: .auditLog
        }
    }
}

/// One daily job's run by `runDueJobs`.
public struct JobOutcome: Sendable, Hashable {
    public var job: DailyJob
    /// What the job did or why it failed.
    public var notice: ActionNotice
}

/// The state behind the License Management page: the License View (computed when the server starts and after each
/// refresh, so a page view costs no workspace read), the audit log, the service's state, and the results of actions.
/// Every action and job goes through here, one at a time.
public actor LicenseManagement {
    /// Where the License View's sides come from.
    public nonisolated let source: LicenseViewSource
    /// The state database: the audit log.
    public nonisolated let store: StateStore
    /// The licensing service, when the workspace is registered with one.
    public nonisolated let service: (any LicensingServiceActions)?
    /// When the daily jobs run.
    public nonisolated let schedule: DailySchedule
    /// The per-process token every action form must carry.
    public nonisolated let formToken: String
    /// The most audit entries a page lists (newest first).
    public static let auditPageLimit = 500

    private var view: Result<LicenseViewSource.Computed, LicenseViewSource.Problem>?
    private var releaseNotes: [String: URL] = [:]
    private var notices: [Int: ActionNotice] = [:]
    private var nextNotice = 1
    /// When each job last ran in this process: a run that failed before the service was called records no audit entry.
    private var lastAttempt: [DailyJob: Date] = [:]

    public init(source: LicenseViewSource, store: StateStore, service: (any LicensingServiceActions)?, schedule: DailySchedule,
                formToken: String = LicenseManagement.makeFormToken()) {
        self.source = source
        self.store = store
        self.service = service
        self.schedule = schedule
        self.formToken = formToken
    }

    /// 32 random bytes from the system's generator, in hex.
    public static func makeFormToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return (byte < 16 ? "0" : "") + String(byte, radix: 16)
        }.joined()
    }

    /// Recomputes the License View from the workspace and the purchased licenses (refreshed ones when there are any).
    /// The workspace is read off the actor, so pages keep being served (with the previous view) meanwhile.
    public func reloadView() async {
        let refreshed = await service?.refreshedLicenses()
        let source = self.source
        let computed = await Task.detached {
            Result { () throws(LicenseViewSource.Problem) in try source.view(purchased: refreshed?.products) }
        }.value
        releaseNotes = refreshed?.releaseNotes ?? [:]
        view = computed
    }

    /// The License View as last computed (computing it the first time).
    public func currentView() async -> Result<LicenseView, LicenseViewSource.Problem> {
        await computed().map(\.view)
    }

    private func computed() async -> Result<LicenseViewSource.Computed, LicenseViewSource.Problem> {
        if view == nil { await reloadView() }
        return view!
    }

    /// The page for `tab`, with the notice of the action numbered `notice` when there is one.
    public func page(tab: ManagementTab, notice: Int?) async -> ManagementPage {
        let current = await currentView()
        var entries: [AuditEntry] = []
        var total = 0
        var auditProblem: String?
        do {
            let all = try store.auditEntries()
            total = all.count
            entries = Array(all.suffix(Self.auditPageLimit).reversed())
        } catch {
            auditProblem = "The audit log cannot be read: \(error)"
        }
        let configuration = await service?.configuration(schedule: schedule)
            ?? ServiceConfigurationFields(refreshScheduled: schedule.isScheduled(.licenseRefresh), telemetryScheduled: schedule.isScheduled(.telemetry),
                                          registrationStatus: "Not registered")
        let subject = URL(fileURLWithPath: source.paths.workspace).standardizedFileURL.lastPathComponent
        return ManagementPage(tab: tab, subject: subject, view: try? current.get(), viewProblem: current.failureDescription,
                              releaseNotes: releaseNotes, configuration: configuration, audit: entries, auditTotal: total, auditProblem: auditProblem,
                              notice: notice.flatMap { notices[$0] }, formToken: formToken)
    }

    /// Performs `action` and keeps its notice; returns the notice's number for the page to show.
    public func perform(_ action: ManagementAction) async -> Int {
        let notice: ActionNotice
        switch action {
        case .refreshLicenses:
            if let service, await service.isRegistered() {
                notice = await service.refreshLicenses()
            } else {
                notice = ActionNotice("Not registered with a licensing service: the License View was recomputed from \(source.entitlementsPath).")
            }
            await reloadView()
        case .sendTelemetry:
            notice = await sendTelemetry()
        case .refreshToken:
            notice = await service?.refreshToken() ?? Self.notRegistered
        case .clearAuditLog(let days):
            do {
                let removed = try store.clearAudit(olderThan: Date().addingTimeInterval(-Double(days) * 86_400))
                notice = ActionNotice(AuditDetails.cleared(removed: removed, olderThanDays: days))
            } catch {
                notice = ActionNotice("The audit log was not cleared: \(error)", isFailure: true)
            }
        }
        return keep(notice)
    }

    private static let notRegistered = ActionNotice("Not registered with a licensing service: register this environment first.", isFailure: true)

    private func sendTelemetry() async -> ActionNotice {
        guard let service else { return Self.notRegistered }
        switch await computed() {
        case .success(let computed): return await service.sendTelemetry(view: computed.view, licenseModel: computed.licenseModel)
        case .failure(let problem): return ActionNotice("Telemetry was not sent: \(problem)", isFailure: true)
        }
    }

    private func keep(_ notice: ActionNotice) -> Int {
        let number = nextNotice
        nextNotice += 1
        notices[number] = notice
        notices[number - 100] = nil  // the last hundred are enough: a notice is read once, right after its action
        return number
    }

    /// Runs each daily job that is due at `now` (its time has passed since it last ran, by the audit log); returns
    /// what each job that ran did. Without a registered service nothing is due: there is nothing to refresh or send to.
    public func runDueJobs(now: Date = Date()) async -> [JobOutcome] {
        guard let service, await service.isRegistered() else { return [] }
        var outcomes: [JobOutcome] = []
        let entries = (try? store.auditEntries()) ?? []
        for job in DailyJob.allCases {
            let operations = Set(job.auditOperations)
            let logged = entries.last { operations.contains($0.operation) }?.occurredAt
            let lastRun = [logged, lastAttempt[job]].compactMap { $0 }.max()
            guard schedule.isDue(job, now: now, lastRun: lastRun) else { continue }
            lastAttempt[job] = now
            let notice: ActionNotice
            switch job {
            case .licenseRefresh:
                notice = await service.refreshLicenses()
                await reloadView()
            case .telemetry:
                notice = await sendTelemetry()
            }
            outcomes.append(JobOutcome(job: job, notice: notice))
        }
        return outcomes
    }
}

extension DailyJob {
    /// The audit operations a run of the job records, success or failure (DOMAIN.md §8): the last one is when it ran.
    public var auditOperations: [String] {
        switch self {
        case .licenseRefresh: ["License Refresh", "License Refresh Failed"]
        case .telemetry: ["Telemetry Sent", "Telemetry Failed"]
        }
    }
}

extension Result {
    /// The error's description, or nil on success.
    fileprivate var failureDescription: String? {
        if case .failure(let error) = self { return "\(error)" }
        return nil
    }
}
