import AXLicensing
import AXModel
import AXReading
import AXReports
import AXState
import ArgumentParser

struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "User License Estimator: the license each user needs, with counts and monthly cost.")

    @OptionGroup(title: "Inputs") var inputs: InputOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    @OptionGroup(title: "State") var state: StateOptions

    @OptionGroup(title: "Rules") var rules: RuleOptions

    func run() throws {
        let recorder = AuditRecorder(store: try state.openStore(workspace: inputs.workspace), environment: state.environmentName, operation: AuditOperation.estimate.rawValue)
        // The report is written inside `recording`: a run whose output fails is logged as failed.
        let (estimate, isComplete) = try recorder.recording {
            let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .required)
            // `.required` guarantees users are present.
            let estimate = workspace.engine.estimate(workspace.users!, options: rules.estimateOptions)
            PhaseTimer.mark("users evaluated (\(estimate.users.count) users)")
            let report = EstimateReport(estimate: estimate, isComplete: workspace.isComplete, method: workspace.method.primary,
                                        comparison: workspace.comparison(ofUsers: estimate, options: rules.estimateOptions),
                                        coverage: workspace.coverage)
            let text = try output.render(report, workspace: workspace, quiet: analysis.quiet)
            PhaseTimer.mark("report rendered")
            CommandRunner.printDiagnostics(estimate.diagnostics, quiet: analysis.quiet)
            try CommandRunner.write(text, output: output, protecting: inputs.protectedInputs + state.protectedInputs(workspace: inputs.workspace))
            PhaseTimer.mark("written")
            ExitWithoutTeardown.keep((estimate, report))
            return (estimate, workspace.isComplete)
        }
        let summary = estimate.summary
        let tiers = LicenseTier.allCases.map { (name: $0.name, count: summary.tiers[$0] ?? 0) }
        try recorder.record(AuditDetails.estimate(users: estimate.users.count, tiers: tiers, monthlyCost: "\(summary.monthlyCost)", isComplete: isComplete))
        try CommandRunner.endStatus(diagnostics: estimate.diagnostics, analysis: analysis)
    }
}

struct RolesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "One row per security role: entry-point license, SKU requirements, cheapest license and assigned users.")

    @OptionGroup(title: "Rules") var rules: RuleOptions

    @OptionGroup(title: "Inputs") var inputs: InputOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func run() throws {
        let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .optional)
        let roles = workspace.engine.roleLicenses(users: workspace.users, options: rules.estimateOptions)
        let report = RolesReport(roles: roles, catalog: workspace.engine.catalog, diagnostics: workspace.diagnostics, isComplete: workspace.isComplete,
                                 method: workspace.method.primary, comparison: workspace.comparison(ofRoles: roles, options: rules.estimateOptions))
        try CommandRunner.finish(text: output.render(report, workspace: workspace, quiet: analysis.quiet), diagnostics: workspace.diagnostics, analysis: analysis, output: output,
                                 protecting: inputs.protectedInputs)
    }
}

extension SecurableObjectType: ExpressibleByArgument {}

struct PermissionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "permissions",
        abstract: "View Permissions: every entry point a role, duty or privilege reaches, its access, license and granting path.",
        discussion: """
            Under the per-object method each row is an object permission: its access level (Read, Write or none), \
            Microsoft's License text ("Finance or Supply Chain Management"), and "Team Members *" with "yes" under \
            "Not in Microsoft's data" for objects Microsoft's data does not list. With --method both, the legacy \
            entry-point license is shown beside each row and the legacy license in the header.
            """)

    @Argument(help: "The role, duty or privilege's AOT name or label (case-insensitive; a name starting with a dash, -SYSADMIN-, works as is).")
    var name: String

    @Option(name: .long, help: "Which kind of object NAME is, when a role, duty or privilege share it: role, duty or privilege.")
    var type: SecurableObjectType?

    @OptionGroup(title: "Inputs") var inputs: InputOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func run() throws {
        let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .unused)
        let object: SecurableObject
        do {
            object = try workspace.engine.findObject(named: name, type: type)
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
        let report = PermissionsReport(view: workspace.engine.permissions(of: object), catalog: workspace.engine.catalog,
                                       diagnostics: workspace.diagnostics, isComplete: workspace.isComplete, method: workspace.method.primary,
                                       comparison: workspace.comparison?.permissions(of: object))
        try CommandRunner.finish(text: output.render(report, workspace: workspace, quiet: analysis.quiet), diagnostics: workspace.diagnostics, analysis: analysis, output: output,
                                 protecting: inputs.protectedInputs)
    }
}
