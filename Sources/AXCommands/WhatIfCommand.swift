import AXLicensing
import AXModel
import AXReading
import AXReports
import ArgumentParser

struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "what-if",
        abstract: "A license before and after a change: a user's role assignments, or a role's privileges and duties.",
        discussion: """
            what-if --user ID --add-role R --remove-role S …
                The user's license before and after, and the monthly cost delta.
            what-if --role R --remove-privilege P --add-duty D …
                The role's license before and after (and of every role holding it as a sub-role), the users whose \
            license changes, and the total monthly cost delta. Edits apply to the role's own links, as a security \
            change would: removing a privilege or duty the role does not hold directly is an error naming the \
            path that grants it.
            Licenses follow the method in use (--method); with --method both, the legacy licenses before and after \
            and the legacy cost delta are shown beside.
            Nothing is written to the metadata.
            """)

    @Option(name: .long, help: ArgumentHelp("The user whose role assignments change.", valueName: "id"))
    var user: String?
    @Option(name: .customLong("add-role"), help: ArgumentHelp("With --user: assign this role (repeatable).", valueName: "role"))
    var addRoles: [String] = []
    @Option(name: .customLong("remove-role"), help: ArgumentHelp("With --user: remove the user's assignment to this role (repeatable).", valueName: "role"))
    var removeRoles: [String] = []

    @Option(name: .long, help: ArgumentHelp("The role whose contents change.", valueName: "name"))
    var role: String?
    @Option(name: .customLong("add-privilege"), help: ArgumentHelp("With --role: add this privilege to the role (repeatable).", valueName: "name"))
    var addPrivileges: [String] = []
    @Option(name: .customLong("remove-privilege"), help: ArgumentHelp("With --role: remove this direct privilege from the role (repeatable).", valueName: "name"))
    var removePrivileges: [String] = []
    @Option(name: .customLong("add-duty"), help: ArgumentHelp("With --role: add this duty to the role (repeatable).", valueName: "name"))
    var addDuties: [String] = []
    @Option(name: .customLong("remove-duty"), help: ArgumentHelp("With --role: remove this duty from the role (repeatable).", valueName: "name"))
    var removeDuties: [String] = []

    @OptionGroup(title: "Rules") var rules: RuleOptions

    @OptionGroup(title: "Inputs") var inputs: InputOptions
    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions
    @OptionGroup(title: "Output") var output: OutputOptions

    private var edit: RoleEdit {
        RoleEdit(addPrivileges: addPrivileges, removePrivileges: removePrivileges, addDuties: addDuties, removeDuties: removeDuties)
    }

    func validate() throws {
        guard (user == nil) != (role == nil) else { throw ValidationError("give exactly one of --user ID or --role NAME") }
        if user != nil {
            guard edit.isEmpty else { throw ValidationError("--add-privilege, --remove-privilege, --add-duty and --remove-duty go with --role, not --user") }
            guard !addRoles.isEmpty || !removeRoles.isEmpty else { throw ValidationError("--user needs at least one --add-role or --remove-role") }
        } else {
            guard addRoles.isEmpty && removeRoles.isEmpty else { throw ValidationError("--add-role and --remove-role go with --user, not --role") }
            guard !edit.isEmpty else { throw ValidationError("--role needs at least one --add-privilege, --remove-privilege, --add-duty or --remove-duty") }
        }
    }

    func run() throws {
        let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: user == nil ? .optional : .required)
        let options = rules.estimateOptions
        let answer: WhatIfReport.Answer
        var comparison: (method: MethodUse.Method, answer: WhatIfReport.Answer)?
        do {
            func ask(_ engine: LicensingEngine) throws(WhatIfError) -> WhatIfReport.Answer {
                if let user { return .user(try engine.whatIf(user: user, addRoles: addRoles, removeRoles: removeRoles, in: workspace.users!, options: options)) }
                return .role(try engine.whatIf(role: role!, edit: edit, users: workspace.users, options: options))
            }
            answer = try ask(workspace.engine)
            if let other = workspace.comparison, let method = workspace.method.comparison { comparison = (method, try ask(other)) }
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
        let report = WhatIfReport(answer: answer, diagnostics: workspace.diagnostics, isComplete: workspace.isComplete, method: workspace.method.primary,
                                  comparison: comparison)
        try CommandRunner.finish(text: output.render(report, workspace: workspace, quiet: analysis.quiet), diagnostics: workspace.diagnostics, analysis: analysis, output: output,
                                 protecting: inputs.protectedInputs)
    }
}
