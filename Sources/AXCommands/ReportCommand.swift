import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXReports
import AXState
import ArgumentParser
import Foundation

/// The formats of `axlicense report`.
enum ReportFormat: String, CaseIterable, ExpressibleByArgument {
    case html
    case xlsx

    var fileName: String { "license-report.\(rawValue)" }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "A self-contained HTML report (tiles, charts, sortable tables) or an Excel workbook of the license picture.",
        discussion: """
            The page has summary tiles (users per tier, licenses per SKU, total monthly cost, diagnostics), inline \
            SVG charts (users per tier, cost per SKU, used vs purchased per product) and the users, roles, per-SKU, \
            License View and over/under-licensed tables. It needs no network: it works from a file share or an \
            e-mail attachment, and reads without JavaScript (which only adds sorting and filtering).

            --output DIR/ (an existing folder, or a path ending in /, made when missing) writes license-report.html \
            and license-report.xlsx there; --output FILE writes one, in --format (default: from the extension, else html). \
            The License View needs purchased licenses (<workspace>/entitlements.json or --entitlements, or the \
            licensing service's licenses after `license refresh`, read from <workspace>/.axlicense/state.sqlite); \
            without them it is left out.
            """)

    @OptionGroup(title: "Inputs") var inputs: InputOptions

    @OptionGroup(title: "Licenses") var purchased: PurchasedLicenseOptions
    @OptionGroup(title: "Rules") var rules: RuleOptions

    @OptionGroup(title: "Analysis") var analysis: AnalysisOptions

    @Option(name: [.short, .long], help: ArgumentHelp("html or xlsx (default: from --output's extension, else html).", valueName: "format"))
    var format: ReportFormat?

    @Option(name: [.short, .long], help: ArgumentHelp("A file, or a folder for both the HTML and the workbook (default: HTML on standard output).", valueName: "path"))
    var output: String?

    func validate() throws {
        if OutputOptions.isStandardOutput(output), format == .xlsx, isatty(STDOUT_FILENO) == 1 {
            throw ValidationError("a workbook is binary: write it with --output FILE.xlsx (or redirect standard output)")
        }
    }

    /// Where each format goes: a folder gets both (or the one asked for), a file the one its extension or --format names.
    private func targets() -> [(ReportFormat, String?)] {
        guard let output, !OutputOptions.isStandardOutput(output) else { return [(format ?? .html, nil)] }
        var isDirectory: ObjCBool = false
        if output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory) && isDirectory.boolValue) {
            let folder = output.hasSuffix("/") ? String(output.dropLast()) : output
            return (format.map { [$0] } ?? ReportFormat.allCases).map { ($0, folder + "/" + $0.fileName) }
        }
        let byExtension = ReportFormat(rawValue: URL(fileURLWithPath: output).pathExtension.lowercased())
        return [(format ?? byExtension ?? .html, output)]
    }

    func run() throws {
        let workspace = try CommandRunner.loadWorkspace(inputs, analysis, users: .required)
        let estimate = workspace.engine.estimate(workspace.users!, options: rules.estimateOptions)
        // The License View when purchased licenses are there (or asked for by --entitlements).
        // The workspace's state database is read only when it exists (report records nothing, so it makes none).
        let database = StateOptions.defaultDatabasePath(workspace: inputs.workspace)
        let store = FileManager.default.fileExists(atPath: database)
            ? try CommandRunner.state { () throws(StateStoreError) in try StateStore(path: database, createsMissingFolder: false) } : nil
        let licenseCheck = try CommandRunner.licenseCheck(purchased, inputs: inputs, workspace: workspace, estimate: estimate,
                                                          required: purchased.entitlements != nil, store: store, quiet: analysis.quiet)
        var reportEstimate = estimate
        reportEstimate.diagnostics = DiagnosticLog.merged(estimate.diagnostics, licenseCheck?.diagnostics ?? [])
        let check = licenseCheck.map {
            CheckReport(view: $0.view, review: $0.review, diagnostics: reportEstimate.diagnostics, isComplete: workspace.isComplete, emoji: true,
                        comparison: workspace.comparisonUsage(of: $0.view, options: rules.estimateOptions))
        }
        let roles = workspace.engine.roleLicenses(estimate: estimate)
        // With `--method both` the users and roles carry the other method's license, and the page its "what changes".
        let report = LicenseReport(
            estimate: EstimateReport(estimate: reportEstimate, isComplete: workspace.isComplete, method: workspace.method.primary,
                                     comparison: workspace.comparison(ofUsers: estimate, options: rules.estimateOptions)),
            roles: RolesReport(roles: roles, catalog: workspace.engine.catalog, diagnostics: workspace.diagnostics, isComplete: workspace.isComplete,
                               method: workspace.method.primary, comparison: workspace.comparison(ofRoles: roles)),
            check: check, catalog: workspace.engine.catalog, today: purchased.day,
            subject: LicenseReport.subject(ofWorkspace: inputs.workspace), method: workspace.method)
        // Build every output before writing any, so a failure leaves earlier files as they were.
        var outputs: [(data: Data, path: String?)] = []
        for (format, path) in targets() {
            switch format {
            case .html:
                outputs.append((OutputText.bytes(report.html()), path))
            case .xlsx:
                do {
                    outputs.append((try report.workbook(), path))
                } catch {
                    CommandRunner.printError(error)
                    throw ExitStatus.inputError
                }
            }
        }
        CommandRunner.printDiagnostics(reportEstimate.diagnostics, quiet: analysis.quiet)
        // `--output DIR/` names a folder: made when missing, like `generate --output DIR`.
        if let output, output.hasSuffix("/") {
            do {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            } catch {
                CommandRunner.printError("\(output): error: cannot create the output folder: \(error.localizedDescription)")
                throw ExitStatus.inputError
            }
        }
        try CommandRunner.write(outputs, protecting: inputs.protectedInputs + purchased.protectedInputs(inputs))
        try CommandRunner.endStatus(diagnostics: reportEstimate.diagnostics, analysis: analysis)
    }
}
