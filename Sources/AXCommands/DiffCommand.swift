import AXChangeImpact
import AXLicensing
import AXModel
import AXReading
import AXReports
import ArgumentParser
import Foundation

extension DiffFormat: ExpressibleByArgument {}

extension ChangePolicy {
    /// Parses one item of `--fail-on`.
    init(argument text: String) throws {
        guard let policy = ChangePolicy(name: text) else {
            throw ValidationError("--fail-on '\(text)' is not escalation, new-sku, unresolved, cost-increase:AMOUNT or never")
        }
        self = policy
    }
}

extension ChangePolicyFailure {
    /// The failure as `diff` reports it, naming the `--fail-on` rule that failed.
    var commandLineMessage: String {
        switch self {
        case .escalation: "\(description) (--fail-on escalation)"
        case .newSkus: "\(description) (--fail-on new-sku)"
        case .unresolved: "\(description); pass the standard application with --reference (--fail-on unresolved)"
        case .costIncrease: "\(description) (--fail-on cost-increase)"
        }
    }
}

struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "CI gate: the license impact of a security change between two metadata trees.",
        discussion: """
            --base and --head are metadata folders, or git:REV[:PATH] read from the object store of the repository \
            around the current folder (nothing is extracted; the working tree is never touched; only files that differ \
            from the head are parsed). Without PATH, git:REV means the current \
            folder's place in the repository, so `--base git:HEAD~1 --head .` compares like with like.

            --reference DIR (repeatable, or "references" in <workspace>/axlicense.json) layers the standard \
            application under both trees; --base-reference DIR reads the base over another version of it. Objects the \
            head references that no layer holds make license impact unknown: the summary says so, and \
            --fail-on unresolved fails on it.

            Exit status 3 when the --fail-on policy fails (default: escalation); otherwise as for every command.
            """)

    @Option(name: .long, help: ArgumentHelp("The tree before the change: a folder or git:REV[:PATH].", valueName: "tree"))
    var base: String

    @Option(name: .long, help: ArgumentHelp("The tree after the change: a folder or git:REV[:PATH] (default: the current folder).", valueName: "tree"))
    var head: String = "."

    @Option(name: .customLong("base-sku-map"), help: ArgumentHelp("SKU map before the change, a file or git:REV:PATH (default: the same as --sku-map).", valueName: "file"))
    var baseSkuMap: String?

    @Option(name: .customLong("reference"), help: ArgumentHelp("Reference metadata under both trees, repeatable, first wins: the standard application as a PackagesLocalDirectory, a packages folder or extracted build NuGet packages (default: the \"references\" of <workspace>/axlicense.json).", valueName: "dir"))
    var references: [String] = []

    @Option(name: .customLong("base-reference"), help: ArgumentHelp("Reference metadata under the base tree instead of --reference, repeatable: the application version before an upgrade.", valueName: "dir"))
    var baseReferences: [String] = []

    @Option(name: .customLong("fail-on"), help: ArgumentHelp("Comma list of escalation, new-sku, unresolved, cost-increase:AMOUNT; or never.", valueName: "policy"))
    var failOn: String = "escalation"

    @Option(name: .long, help: ArgumentHelp("Workspace folder for the SKU map and users.", valueName: "dir"))
    var workspace: String = "."

    @Option(name: .customLong("sku-map"), help: ArgumentHelp("LicensingServicePlansPrivilege JSON (after the change).", valueName: "file"))
    var skuMap: String?

    @Option(name: .long, help: ArgumentHelp("Role assignments CSV; adds the users whose license changes and the cost delta.", valueName: "file"))
    var users: String?

    @Option(name: .long, help: ArgumentHelp("SKU catalog JSON (default: <workspace>/skus.json when present, else the built-in Data/skus.json).", valueName: "file"))
    var skus: String?

    @Option(name: .customLong("object-licenses"), help: ArgumentHelp("Microsoft's per-object license data after the change: an export (.xlsx or .csv) or a folder (default: <workspace>/ObjectLicenses when present).", valueName: "path"))
    var objectLicenses: String?

    @Option(name: .customLong("base-object-licenses"), help: ArgumentHelp("Per-object license data before the change, a path or git:REV:PATH (default: the same as --object-licenses).", valueName: "path"))
    var baseObjectLicenses: String?

    @Option(name: .long, help: ArgumentHelp("Licensing method of both sides: objects, legacy or both (the verdict follows objects, legacy shown beside it) (default: objects when object-license data is present, else legacy).", valueName: "method"))
    var method: MethodSelection?

    @OptionGroup(title: "Rules") var rules: RuleOptions

    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions

    @OptionGroup(title: "Output") var output: ReportOutputOptions<DiffFormat>

    func validate() throws { _ = try policies() }

    func policies() throws -> [ChangePolicy] {
        try failOn.split(separator: ",").map { try ChangePolicy(argument: $0.trimmingCharacters(in: .whitespaces)) }
    }

    func run() throws {
        let sides: (base: TreeSnapshot, head: TreeSnapshot)
        do {
            sides = try TreeSides.read(base: TreeSource(base), head: TreeSource(head), loader: MetadataLoader())
        } catch {
            switch error {
            case .git(let error): CommandRunner.printError(error)
            case .folder(let error): CommandRunner.printError(CommandLineMessages.message(for: WorkspaceError.metadataFolder(error), metadataFlag: TreeSource(base) == .folder(error.path) ? "--base" : "--head"))
            }
            throw ExitStatus.inputError
        }
        let (baseTree, headTree) = sides
        var headPaths = WorkspacePaths(workspace: workspace, metadata: headTree.root, skuMap: skuMap, users: users, skuCatalog: skus, objectLicenses: objectLicenses,
                                       references: references.isEmpty ? nil : references)
        // Both sides name reference files by one absolute path: the two trees' messages then compare equal.
        do {
            headPaths.references = try headPaths.resolvedReferences().map(Self.absolute)
        } catch {
            CommandRunner.printError(CommandLineMessages.message(for: error))
            throw ExitStatus.inputError
        }
        var baseInputTrees: [MaterializedTree] = []
        defer { baseInputTrees.forEach { $0.cleanUp() } }
        /// A base-side input given as a path or git:REV:PATH, else the head's.
        func baseInput(_ given: String?, default head: String?) throws -> String? {
            guard let given else { return head }
            let tree = try materialize(TreeSource(given))
            baseInputTrees.append(tree)
            return tree.root
        }
        // Both sides are evaluated by one method: a side with per-object data and a side without it would compare methods, not trees.
        if baseObjectLicenses != nil && headPaths.objectLicenses == nil {
            CommandRunner.printError("axlicense: error: --base-object-licenses needs the head's object-license data too: pass --object-licenses PATH (or put it in <workspace>/ObjectLicenses)")
            throw ExitStatus.inputError
        }
        let basePaths = WorkspacePaths(workspace: workspace, metadata: baseTree.root,
                                       skuMap: try baseInput(baseSkuMap, default: headPaths.skuMapGivenExplicitly || FileManager.default.fileExists(atPath: headPaths.skuMap) ? headPaths.skuMap : nil),
                                       users: users, skuCatalog: skus, objectLicenses: try baseInput(baseObjectLicenses, default: headPaths.objectLicenses),
                                       references: baseReferences.isEmpty ? headPaths.references : baseReferences.map(Self.absolute))
        // The two sides are loaded and evaluated at once, one on each core; the SKU catalog, SKU map and
        // object-license data are read once for both when both name the same files. A base-side error is still the
        // one reported when both fail, as when the base was loaded first.
        let (keepGoing, method, inputs) = (analysis.keepGoing, method, LicensingInputs(headPaths, method: method))
        let baseLoad = BackgroundWork { () throws(WorkspaceError) in
            try LoadedWorkspace.load(basePaths, users: .unused, keepGoing: keepGoing, method: method, metadata: baseTree.snapshot, inputs: inputs)
        }
        let headLoad = Result { () throws(WorkspaceError) in
            try LoadedWorkspace.load(headPaths, users: .optional, keepGoing: keepGoing, method: method, metadata: headTree.snapshot, inputs: inputs)
        }
        let before = try loaded(Result { () throws(WorkspaceError) in try baseLoad.value() }, tree: baseTree, flag: "--base")
        let after = try loaded(headLoad, tree: headTree, flag: "--head")
        func compare(_ base: LicensingEngine, _ head: LicensingEngine) -> LicenseImpact {
            LicenseImpact(base: base, head: head, users: after.users, options: rules.estimateOptions,
                          baseRoot: baseTree.root, headRoot: headTree.root, baseDisplayPath: baseTree.displayPath, headDisplayPath: headTree.displayPath)
        }
        // The verdict follows the primary method; with `both` the other method's impact is shown beside it.
        let impact = compare(before.engine, after.engine)
        ExitWithoutTeardown.keep((before, after, baseTree, headTree, impact))
        var comparison: DiffReport.MethodImpact?
        if let other = after.method.comparison, let base = before.comparison, let head = after.comparison {
            comparison = DiffReport.MethodImpact(method: other, impact: compare(base, head))
        }
        // Both sides' unread files, each saying its side: with git: trees the two sides show the same paths.
        CommandRunner.printDiagnostics(impact.unreadFiles.map { file in
            Diagnostic(file.diagnostic.severity, file.diagnostic.code, "\(file.side.rawValue) tree: \(file.diagnostic.message)", at: file.diagnostic.location)
        }, quiet: analysis.quiet)
        let report = DiffReport(impact: impact, baseName: base, headName: head, method: after.method, comparison: comparison)
        if output.format == .csv && !analysis.quiet { Console.error(after.method.note) }
        let text = try output.render(money: MoneyFormat(after.engine.catalog)) { (format, options) throws(ColumnSelectionError) in try report.render(format, options: options) }
        try CommandRunner.write(text, output: output, protecting: protectedInputs(basePaths, headPaths))
        if !impact.isComplete {
            let count = { (side: TreeSide) in impact.unreadFiles.filter { $0.side == side }.count }
            CommandRunner.printError("axlicense: warning: --keep-going: the result is incomplete: \(count(.base)) file(s) of the base tree and \(count(.head)) of the head tree could not be read; their license impact is unknown")
        }
        let failures = try policies().compactMap { $0.failure(for: impact)?.commandLineMessage }
        if !failures.isEmpty {
            CommandRunner.printError("axlicense: " + failures.joined(separator: "; "))
            throw ExitStatus.licenseNotification
        }
        if analysis.strict && !impact.isComplete {
            CommandRunner.printError("axlicense: --strict: the result is incomplete (files that could not be read were skipped with --keep-going)")
            throw ExitStatus.strictWarnings
        }
        if analysis.strict && !impact.newDiagnostics.isEmpty {
            CommandRunner.printError("axlicense: --strict: the change introduces \(impact.newDiagnostics.count) diagnostic(s)")
            throw ExitStatus.strictWarnings
        }
    }

    /// Both trees, the SKU maps, the users file and the catalog: files an output must never replace.
    private func protectedInputs(_ base: WorkspacePaths, _ head: WorkspacePaths) -> [ProtectedInput] {
        [.metadataTree(base.metadata), .metadataTree(head.metadata)] + InputOptions.referenceTrees(base) + InputOptions.referenceTrees(head) + [.file(base.skuMap, "the base SKU map"), .file(head.skuMap, "the SKU map"),
         .file(head.users, "the users file")] + (skus.map { [.file($0, "the SKU catalog")] } ?? [])
            + [base.objectLicenses, head.objectLicenses].compactMap { $0 }.flatMap(InputOptions.objectLicenseFiles)
    }

    /// `path` from the root, `.` and `..` resolved (links kept: the folder is read as named).
    private static func absolute(_ path: String) -> String { URL(fileURLWithPath: path).standardizedFileURL.path }

    private func materialize(_ source: TreeSource) throws -> MaterializedTree {
        do {
            return try MaterializedTree.materialize(source)
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
    }

    /// One side's loaded workspace, or its error reported (naming the side's options) as exit status 1.
    private func loaded(_ result: Result<LoadedWorkspace, WorkspaceError>, tree: TreeSnapshot, flag: String) throws -> LoadedWorkspace {
        do {
            return try result.get()
        } catch {
            if case .metadataErrors(let errors) = error {
                CommandRunner.printDiagnostics(errors.map { Diagnostic($0.severity, $0.code, $0.message, at: $0.location.map { SourceLocation(file: tree.displayPath($0.file), line: $0.line, column: $0.column) }) }, quiet: false)
            }
            // A base-side input given by its own option is named by it: the fix is on that option, not the head's.
            let flags: [InputKind: String] = flag == "--base"
                ? [.skuMap: baseSkuMap == nil ? "--sku-map" : "--base-sku-map", .objectLicenses: baseObjectLicenses == nil ? "--object-licenses" : "--base-object-licenses",
                   .reference: baseReferences.isEmpty ? "--reference" : "--base-reference"]
                : [:]
            CommandRunner.printError(CommandLineMessages.message(for: error, metadataFlag: flag, flags: flags).replacingOccurrences(of: tree.displayPrefix ?? "\u{0}", with: ""))
            throw ExitStatus.inputError
        }
    }
}
