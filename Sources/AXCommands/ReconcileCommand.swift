import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXReports
import ArgumentParser
import Foundation

struct ReconcileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Compare the licenses axlicense computes with the Power Platform admin center's user license report.",
        discussion: """
            Per user: the licenses PPAC says are assigned, the license axlicense requires, what PPAC and what \
            axlicense say is missing, whether they agree, and for each disagreement its likely reasons (role not in \
            metadata, objects not in Microsoft's data, stale PPAC refresh, PPAC user not in D365FO, D365FO user \
            missing from PPAC). PPAC rows are matched to D365FO user ids by Entra object id or e-mail through the \
            SystemUsers export (--system-users); without it, PPAC's UserId or UserEmail must be the D365FO user id.

            Exit status 3 with --fail-on-disagreement when any user disagrees (the report is still written); \
            otherwise as for every command (0, 1, 2, 64).
            """)

    @OptionGroup(title: "Inputs") var inputs: InputOptions

    @Option(name: .long, help: ArgumentHelp("The PPAC user license export CSV (TenantId, UserId, UserEmail, AssignedLicense(s), MissingLicense(s), RefreshedOn).", valueName: "file"))
    var ppac: String

    @Option(name: .customLong("system-users"), help: ArgumentHelp("The D365FO SystemUsers export CSV (UserID, Email/NetworkAlias, ObjectId), to match PPAC users by e-mail or object id.", valueName: "file"))
    var systemUsers: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("The day PPAC's RefreshedOn is judged against, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var asOf: String?

    @Option(name: .customLong("stale-after"), help: ArgumentHelp("A PPAC row refreshed more than this many days before --as-of is stale (default 7).", valueName: "days"))
    var staleAfter: Int = 7

    @Flag(name: .customLong("fail-on-disagreement"), help: "Exit with status 3 when any user's licenses disagree.")
    var failOnDisagreement = false

    @OptionGroup(title: "Rules") var rules: RuleOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of '\(asOf)' is not a date (YYYY-MM-DD)") }
        guard staleAfter >= 0 else { throw ValidationError("--stale-after must be 0 or more days") }
    }

    /// The PPAC and SystemUsers files: inputs an output must never replace.
    private var protectedInputs: [ProtectedInput] {
        inputs.protectedInputs + [.file(ppac, "the PPAC export")] + (systemUsers.map { [.file($0, "the SystemUsers export")] } ?? [])
    }

    func run() throws {
        // PPAC reports what Microsoft enforces, the per-object method: the default whenever object-license data is
        // present; without it the legacy method is used and every output says so.
        let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .required)
        let engine = workspace.engine
        // `.required` guarantees users are present.
        let estimate = engine.estimate(workspace.users!, options: rules.estimateOptions)
        let ppacRows: (users: [AssignedLicenses], diagnostics: [Diagnostic])
        let directory: SystemUserDirectory?
        do {
            ppacRows = try AssignedLicensesReader.load(path: ppac, catalog: engine.catalog, delimiter: inputs.csvDelimiter)
            directory = try systemUsers.map { path throws(InputError) in try SystemUserDirectory.load(path: path, delimiter: inputs.csvDelimiter) }
        } catch {
            // The PPAC report is the assigned-licenses input, supplied here with --ppac.
            CommandRunner.printError(CommandLineMessages.message(for: error, flags: [.assignedLicenses: "--ppac"]))
            throw ExitStatus.inputError
        }
        let options = ReconciliationOptions(asOf: asOf.flatMap(CalendarDate.init) ?? CalendarDate.today(), staleAfterDays: staleAfter)
        // The method is the engine's: whichever one computed the estimate is the one PPAC is compared with.
        let notInData = { (row: UserLicense) -> [String] in
            engine.objectsNotInMicrosoftData(ofPrivileges: Array(Set(row.roleIndices.flatMap { engine.graph.roleEffectivePrivileges[$0] }))) ?? []
        }
        let users = ReconciliationUser.users(of: estimate, graph: engine.graph, objectsNotInMicrosoftData: notInData)
        let reconciliation = Reconciliation(users: users, ppac: ppacRows.users, systemUsers: directory,
                                            optimizer: engine.optimizer, options: options)
        let diagnostics = DiagnosticLog.merged(estimate.diagnostics, ppacRows.diagnostics, directory?.diagnostics ?? [], reconciliation.diagnostics)
        let report = ReconcileReport(reconciliation: reconciliation, methodName: workspace.method.primary.title, options: options, diagnostics: diagnostics,
                                     isComplete: workspace.isComplete)
        let failure = failOnDisagreement && reconciliation.disagreeing > 0
            ? "--fail-on-disagreement: \(reconciliation.disagreeing) user(s) disagree with PPAC" : nil
        try CommandRunner.finish(text: output.render(report, workspace: workspace, quiet: analysis.quiet), diagnostics: diagnostics, analysis: analysis, output: output, protecting: protectedInputs,
                                 policyFailure: failure)
    }
}
