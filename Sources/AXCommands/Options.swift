import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXReports
import ArgumentParser
import Foundation

/// Where the inputs are.
struct InputOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Workspace folder holding Metadata/, LicensingServicePlansPrivilege.json and users.csv.", valueName: "dir"))
    var workspace: String = "."

    @Option(name: .long, help: ArgumentHelp("AOT metadata folder: a PackagesLocalDirectory, a package, a model, or a folder of Ax* folders.", valueName: "dir"))
    var metadata: String?

    @Option(name: .customLong("sku-map"), help: ArgumentHelp("LicensingServicePlansPrivilege JSON (privilege → SKU rows).", valueName: "file"))
    var skuMap: String?

    @Option(name: .long, help: ArgumentHelp("Role assignments CSV (SystemSecurityUserRoleAssociationEntity export).", valueName: "file"))
    var users: String?

    @Option(name: .long, help: ArgumentHelp("SKU catalog JSON with names, tiers, prices and priorities (default: the built-in Data/skus.json).", valueName: "file"))
    var skus: String?

    @Option(name: .long, help: ArgumentHelp("CSV field separator for the users (and assigned-licenses) files: one character or 'tab' (default: detected from the header).", valueName: "char"))
    var delimiter: String?

    @Option(name: .customLong("object-licenses"), help: ArgumentHelp("Microsoft's per-object license data: a Security object licenses export (.xlsx or .csv) or a folder with it or the Licensing* SQL exports (default: <workspace>/ObjectLicenses when present).", valueName: "path"))
    var objectLicenses: String?

    @Option(name: .long, help: ArgumentHelp("Licensing method: objects (per securable object, 10.0.44 and later), legacy (menu-item licenses + SKU map) or both side by side (default: objects when object-license data is present, else legacy).", valueName: "method"))
    var method: MethodSelection?

    func validate() throws {
        if let delimiter, CSVDelimiter.parse(delimiter) == nil {
            throw ValidationError("--delimiter '\(delimiter)' is not one character or 'tab'")
        }
    }

    var csvDelimiter: UnicodeScalar? { delimiter.flatMap(CSVDelimiter.parse) }

    var paths: WorkspacePaths {
        WorkspacePaths(workspace: workspace, metadata: metadata, skuMap: skuMap, users: users, skuCatalog: skus, csvDelimiter: csvDelimiter,
                       objectLicenses: objectLicenses)
    }

    /// The metadata, SKU map, users file and catalog, and the workspace's entitlements and state database (which
    /// commands that do not read them must not destroy either): files an output must never replace.
    var protectedInputs: [ProtectedInput] {
        let paths = self.paths
        return [.metadataTree(paths.metadata), .file(paths.skuMap, "the SKU map"), .file(paths.users, "the users file"),
                .file(paths.inside(WorkspacePaths.Convention.entitlements), "the entitlements file"),
                .file(StateOptions.defaultDatabasePath(workspace: workspace), "the state database")]
            + (paths.skuCatalog.map { [.file($0, "the SKU catalog")] } ?? [])
            + (paths.objectLicenses.map(Self.objectLicenseFiles) ?? [])
    }
}

extension InputOptions {
    /// The object-license file, or each file of the object-license folder.
    static func objectLicenseFiles(_ path: String) -> [ProtectedInput] {
        let what = "the object-license data"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [.file(path, what)] }
        return names.map { .file(path.hasSuffix("/") ? path + $0 : path + "/" + $0, what) }
    }
}

extension MethodSelection: ExpressibleByArgument {}

/// How problems in the input are treated.
struct AnalysisOptions: ParsableArguments {
    @Flag(name: .long, help: "Analyse the readable metadata when some files are malformed, and mark the result incomplete.")
    var keepGoing = false

    @Flag(name: .long, help: "Exit with status 2 when there are warnings (dangling references, legacy license values, …).")
    var strict = false

    @Flag(name: [.short, .long], help: "Print only errors on stderr, not warnings (they stay in JSON output).")
    var quiet = false
}

extension OutputFormat: ExpressibleByArgument {}

/// The formats a command's `--format` offers: every command's four (`OutputFormat`), or `diff`'s six (`DiffFormat`).
protocol OutputFormatChoice: ExpressibleByArgument, CaseIterable, RawRepresentable<String>, Sendable {
    /// The format without `--format`: aligned columns for a terminal.
    static var table: Self { get }
}

extension OutputFormat: OutputFormatChoice {}
extension DiffFormat: OutputFormatChoice {}

/// Where and how the report goes: `--format` (one of `Format`'s cases), `--output` and `--columns`, declared once for
/// every command.
struct ReportOutputOptions<Format: OutputFormatChoice>: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp("Output format: \(Self.formatList).", valueName: "format"))
    var format: Format = .table

    @Option(name: [.short, .long], help: ArgumentHelp("Write the report to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Show only these columns, named by their headings (case-insensitive), in this order: table, CSV and markdown.", valueName: "a,b,c"))
    var columns: String?

    /// `table, csv, json or markdown`: the formats in declaration order.
    static var formatList: String {
        let names = Format.allCases.map(\.rawValue)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }

    /// How to fit the report: the terminal's width when the report goes to a terminal, and the columns picked.
    var renderOptions: RenderOptions { OutputOptions.renderOptions(output: output, columns: columns) }

    /// The report in the chosen format, fitted to the terminal, amounts shown with `money` (the catalog's currency) in
    /// the formats people read; an unknown `--columns` name ends the run with status 1.
    func render(money: MoneyFormat? = nil, _ render: (Format, RenderOptions) throws(ColumnSelectionError) -> String) throws -> String {
        var options = renderOptions
        options.money = money
        let format = format
        return try OutputOptions.rendered { () throws(ColumnSelectionError) in try render(format, options) }
    }
}

/// The output options of every command but `diff`.
typealias OutputOptions = ReportOutputOptions<OutputFormat>

extension ReportOutputOptions where Format == OutputFormat {
    /// The report in the chosen format, fitted to the terminal; an unknown `--columns` name ends the run with status 1.
    func render(_ report: some ReportConvertible, money: MoneyFormat? = nil) throws -> String {
        try render(money: money) { (format, options) throws(ColumnSelectionError) in try report.render(format, options: options) }
    }

    /// The report naming the licensing method it was computed by (CSV holds one table, so the method is said on
    /// standard error), in the chosen format, amounts in the workspace catalog's currency.
    func render(_ report: some ReportConvertible, workspace: LoadedWorkspace, quiet: Bool) throws -> String {
        if format == .csv && !quiet { Console.error(workspace.method.note) }
        return try render(MethodNotedReport(report, method: workspace.method), money: MoneyFormat(workspace.engine.catalog))
    }

    /// Whether `--output` names standard output: absent, or `-` (the usual convention; a file named `-` is `./-`).
    static func isStandardOutput(_ output: String?) -> Bool { output == nil || output == "-" }

    /// Render options for a report written to `output` (nil: standard output) with `--columns` `columns`.
    static func renderOptions(output: String?, columns: String?) -> RenderOptions {
        RenderOptions(width: isStandardOutput(output) ? TerminalWidth.ofStandardOutput() : nil,
                      columns: columns.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
    }

    /// The text `body` renders; a column selection error is printed and ends the run with status 1.
    static func rendered(_ body: () throws(ColumnSelectionError) -> String) throws -> String {
        do {
            return try body()
        } catch {
            CommandRunner.printError("axlicense: error: --columns: \(error)")
            throw ExitStatus.inputError
        }
    }
}

/// Licensing rules a run can switch.
struct RuleOptions: ParsableArguments {
    @Flag(name: .long, help: "Count System administrator (-SYSADMIN-) users like any other (the rule before 10.0.44).")
    var sysadminCounts = false

    var estimateOptions: EstimateOptions { EstimateOptions(sysadminCounts: sysadminCounts) }
}

/// Purchased and assigned licenses: what the License View compares the computed used counts with.
struct PurchasedLicenseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Purchased licenses JSON (default: <workspace>/entitlements.json).", valueName: "file"))
    var entitlements: String?

    @Option(name: .long, help: ArgumentHelp("Licenses each user holds: the Power Platform admin center report CSV. Adds over- and under-licensed users.", valueName: "file"))
    var assigned: String?

    @Option(name: .long, help: ArgumentHelp("The date expiry is judged against, YYYY-MM-DD (default: today, UTC).", valueName: "date"))
    var today: String?

    func validate() throws {
        if let today, CalendarDate(today) == nil { throw ValidationError("--today '\(today)' is not a date (YYYY-MM-DD)") }
    }

    /// The entitlements and assigned-licenses files: inputs an output must never replace.
    func protectedInputs(_ inputs: InputOptions) -> [ProtectedInput] {
        [.file(entitlements ?? inputs.paths.inside(WorkspacePaths.Convention.entitlements), "the entitlements file")]
            + (assigned.map { [.file($0, "the assigned-licenses file")] } ?? [])
    }

    /// `--today`, else today in UTC.
    var day: CalendarDate { today.flatMap(CalendarDate.init) ?? CalendarDate.today() }
}
