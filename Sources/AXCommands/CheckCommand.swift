import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXReports
import AXState
import ArgumentParser
import Foundation

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "CSL license check: purchased vs used licenses per product, expiry, versions and dashboard notifications.",
        discussion: """
            Used licenses are computed by the estimator: a product naming an SKU counts the users whose license \
            holds it (base or attach); a product naming a model counts the licensed users with at least one \
            privilege defined in that model.

            Exit status 3 when a notification selected by --fail-on fires (default: expired,over-quantity); \
            otherwise as for every command (0, 1, 2, 64).
            """)

    @OptionGroup(title: "Inputs") var inputs: InputOptions

    @OptionGroup(title: "Licenses") var purchased: PurchasedLicenseOptions

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Notifications that make the exit status 3: a comma list of expired, over-quantity; or none.", valueName: "list"))
    var failOn: String = "expired,over-quantity"

    @Flag(name: .customLong("no-emoji"), help: "Plain-text status markers ([!], [i]) even on a terminal.")
    var noEmoji = false

    @OptionGroup(title: "Rules") var rules: RuleOptions

    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "State") var state: StateOptions

    func validate() throws {
        _ = try failOnPolicies()
    }

    func failOnPolicies() throws -> NotificationPolicy {
        do {
            return try NotificationPolicy(names: failOn.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        } catch {
            throw ValidationError("--fail-on '\(error.name)' is not one of expired, over-quantity, none")
        }
    }

    func run() throws {
        let recorder = AuditRecorder(store: try state.openStore(workspace: inputs.workspace), environment: state.environmentName, operation: AuditOperation.licenseCheck.rawValue)
        let (report, usage) = try recorder.recording { () throws -> (CheckReport, [ProductUsage]) in
            let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .required)
            let estimate = workspace.engine.estimate(workspace.users!, options: rules.estimateOptions)
            // `required: true`: a missing entitlements file is an error here.
            let check = try CommandRunner.licenseCheck(purchased, inputs: inputs, workspace: workspace, estimate: estimate, required: true,
                                                       store: recorder.store, quiet: analysis.quiet)!
            let view = check.view
            let emoji = !noEmoji && OutputOptions.isStandardOutput(output.output) && isatty(STDOUT_FILENO) == 1
            // With `--method both`: the used counts under the other method beside the judged ones (notifications follow the primary).
            let comparison = workspace.comparisonUsage(of: view, options: rules.estimateOptions)
            let report = CheckReport(view: view, review: check.review, diagnostics: DiagnosticLog.merged(estimate.diagnostics, check.diagnostics),
                                     isComplete: workspace.isComplete, emoji: emoji, comparison: comparison)
            let usage = view.rows.map {
                ProductUsage(product: $0.product.model, licenseQuantity: $0.product.licenseQuantity, used: $0.used, licenseHolder: $0.product.licenseHolder,
                             latestVersion: $0.product.latestVersion)
            }
            // Written inside `recording`: a run whose output fails is logged as failed.
            CommandRunner.printDiagnostics(report.diagnostics, quiet: analysis.quiet)
            try CommandRunner.write(output.render(report, workspace: workspace, quiet: analysis.quiet), output: output,
                                    protecting: inputs.protectedInputs + purchased.protectedInputs(inputs) + state.protectedInputs(workspace: inputs.workspace))
            return (report, usage)
        }
        let rows = report.view.rows
        try recorder.record(AuditDetails.licenseCheck(products: rows.count, warning: rows.filter { $0.status == .warning }.count,
                                                      newerVersion: rows.filter { $0.status == .newerVersion }.count, healthy: rows.filter { $0.status == .healthy }.count,
                                                      notifications: report.view.notifications.map(\.rawValue)), usage: usage)
        let failing = try failOnPolicies().failures(in: report.view)  // valid: checked in validate()
        try CommandRunner.endStatus(diagnostics: report.diagnostics, analysis: analysis,
                                    policyFailure: failing.isEmpty ? nil : "license notification: " + failing.map { $0.message }.joined(separator: " "))
    }
}

extension LoadedWorkspace {
    /// With `--method both`: the used count of each of `view`'s products under the other method (the same products
    /// and date, that method's estimate of the same users); nil otherwise.
    func comparisonUsage(of view: LicenseView, options: EstimateOptions) -> CheckReport.ComparisonUsage? {
        guard let other = method.comparison, let engine = comparison, let users else { return nil }
        let otherView = LicenseView(products: view.rows.map(\.product), estimate: engine.estimate(users, options: options), engine: engine,
                                    today: view.today, source: "")
        return CheckReport.ComparisonUsage(method: other, used: otherView.rows.map(\.used))
    }
}

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The audit log of check and estimate runs.", subcommands: [List.self, Clear.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List audit entries, oldest first.")
        @Option(name: .long, help: ArgumentHelp("Workspace folder whose state database is used.", valueName: "dir")) var workspace: String = "."
        @Option(name: .long, help: ArgumentHelp("Only entries on or after this date (YYYY-MM-DD, UTC).", valueName: "date")) var since: String?
        @OptionGroup(title: "Output") var output: OutputOptions
        @OptionGroup(title: "State") var state: StateOptions

        func validate() throws {
            if let since, CalendarDate(since) == nil { throw ValidationError("--since '\(since)' is not a date (YYYY-MM-DD)") }
        }

        func run() throws {
            let store = try state.openStoreForReading(workspace: workspace, what: "audit log")
            let entries = try store.map { store in
                try CommandRunner.state { () throws(StateStoreError) in try store.auditEntries(since: since.flatMap(CalendarDate.init)?.startOfDay) }
            } ?? []
            try CommandRunner.write(output.render(AuditReport(entries: entries.filter { state.includes(environment: $0.environment) })), output: output,
                                    protecting: state.protectedInputs(workspace: workspace))
        }
    }

    struct Clear: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete audit entries older than a number of days.")
        @Option(name: .long, help: ArgumentHelp("Delete entries older than this many days (default 30).", valueName: "days")) var olderThan: Int = 30
        @Option(name: .long, help: ArgumentHelp("Workspace folder whose state database is used.", valueName: "dir")) var workspace: String = "."
        @OptionGroup(title: "State") var state: StateOptions

        func validate() throws {
            guard olderThan >= 0 else { throw ValidationError("--older-than must be 0 or more days") }
        }

        func run() throws {
            guard let store = try state.openStore(workspace: workspace) else { throw ValidationError("--no-db leaves no audit log to clear") }
            let cutoff = Date().addingTimeInterval(-Double(olderThan) * 86_400)
            let removed = try CommandRunner.state { () throws(StateStoreError) in try store.clearAudit(olderThan: cutoff) }
            try Console.output(Data((AuditDetails.cleared(removed: removed, olderThanDays: olderThan) + "\n").utf8))
        }
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Used vs purchased licenses per product, per check run, over time.")
    @Argument(help: "Only this product: its name as recorded, or any name or alias of the SKU in the catalog (Retail for Commerce), case-insensitive.")
    var product: String?
    @Option(name: .long, help: ArgumentHelp("Workspace folder whose state database is used.", valueName: "dir")) var workspace: String = "."
    @Option(name: .long, help: ArgumentHelp("SKU catalog JSON whose names and aliases PRODUCT may use (default: the built-in Data/skus.json).", valueName: "file"))
    var skus: String?
    @OptionGroup(title: "Output") var output: OutputOptions
    @OptionGroup(title: "State") var state: StateOptions

    func run() throws {
        let store = try state.openStoreForReading(workspace: workspace, what: "history")
        var points = try store.map { store in try CommandRunner.state { () throws(StateStoreError) in try store.history() } } ?? []
        points = points.filter { state.includes(environment: $0.environment) }
        if let product {
            let catalog: SkuCatalog
            do {
                catalog = try skus.map { path throws(InputError) in try SkuCatalog.load(path: path) } ?? SkuCatalog.builtIn()
            } catch {
                CommandRunner.printError(error)
                throw ExitStatus.inputError
            }
            let recorded = points
            points = recorded.filter { catalog.namesSameProduct($0.usage.product, product) }
            // A name neither the catalog nor any recorded run knows is a typo, not a product without history.
            if points.isEmpty && catalog.position(of: product) == nil {
                let names = Set(recorded.map(\.usage.product)).sorted()
                let suggestions = NameSuggestions.closest(to: product, among: (names + catalog.skus.map(\.name)).map { ($0, "") })
                CommandRunner.printError("unknown product '\(product)': not in the SKU catalog and not recorded by any check run"
                    + (suggestions.isEmpty ? "" : "; did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?"))
                throw ExitStatus.inputError
            }
        }
        try CommandRunner.write(output.render(HistoryReport(points: points)), output: output,
                                protecting: state.protectedInputs(workspace: workspace) + (skus.map { [.file($0, "the SKU catalog")] } ?? []))
    }
}
