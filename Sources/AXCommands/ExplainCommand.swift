import AXLicensing
import AXModel
import AXReading
import AXReports
import ArgumentParser

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Why a user or role needs its license: the chains behind each tier and SKU, and the drivers with their savings.",
        discussion: """
            For the entry-point tier and each SKU of the license, lists the chains that demand it (role > sub-role > \
            duty > privilege > entry point with its grant and menu-item license, or the SKU-map row), at most 50 per \
            need. Drivers are the smallest sets of privileges whose removal makes the license cheaper (no part of a \
            set saves as much), with the license after and the monthly saving; exact while the privileges fall \
            into at most 12 distinct contributions (tier, SKU row). Above that the output says so: sets of up to 2 \
            contributions are searched, and for the tier and each SKU the contributions demanding it, shrunk.
            Under the per-object method, each SKU of the license lists the object grants that force it (the license \
            meets the object's SKU set only through that SKU: neither the other SKUs held nor the tier license just \
            below it would), the unlicensable objects, the objects not in Microsoft's data, and the Write → Read \
            downgrades that alone lower the license. With --method both, the legacy license is shown beside.
            """)

    @Option(name: .long, help: ArgumentHelp("Explain this user (UserId in the users file, case-insensitive).", valueName: "id"))
    var user: String?

    @Option(name: .long, help: ArgumentHelp("Explain what a user holding only this role needs (AOT name, case-insensitive).", valueName: "name"))
    var role: String?

    @OptionGroup(title: "Rules") var rules: RuleOptions

    @OptionGroup(title: "Inputs") var inputs: InputOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    func validate() throws {
        guard (user == nil) != (role == nil) else { throw ValidationError("give exactly one of --user ID or --role NAME") }
    }

    func run() throws {
        let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: user == nil ? .unused : .required)
        let explanation: LicenseExplanation
        var comparison: (method: MethodUse.Method, license: LicenseChoice)?
        do {
            if let user {
                explanation = try workspace.engine.explain(user: user, in: workspace.users!, options: rules.estimateOptions)
            } else {
                explanation = try workspace.engine.explain(role: role!)
            }
            // The other method's license only: its chains and drivers are not shown.
            if let other = workspace.comparison, let method = workspace.method.comparison {
                if let user {
                    let directory = UserDirectory(users: [try workspace.users!.user(withID: user)])
                    comparison = (method, other.estimate(directory, options: rules.estimateOptions).users[0].license)
                } else {
                    comparison = (method, other.license(of: try other.findObject(named: role!, type: .role)))
                }
            }
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
        let report = ExplainReport(explanation: explanation, diagnostics: workspace.diagnostics, isComplete: workspace.isComplete, comparison: comparison)
        try CommandRunner.finish(text: output.render(report, workspace: workspace, quiet: analysis.quiet), diagnostics: workspace.diagnostics, analysis: analysis, output: output,
                                 protecting: inputs.protectedInputs)
    }
}
