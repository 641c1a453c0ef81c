import AXCompliance
import AXLicensing
import AXMetadata
import AXReports
import AXState
import ArgumentParser
import Foundation

/// The exit statuses documented in `axlicense --help`.
enum ExitStatus {
    static let inputError = ExitCode(1)
    static let strictWarnings = ExitCode(2)
    static let licenseNotification = ExitCode(3)
}

/// The steps every command shares: load inputs, report diagnostics, write output, choose the exit status.
enum CommandRunner {
    /// Loads the workspace; on failure prints what went wrong and exits 1.
    static func loadWorkspace(_ inputs: InputOptions, _ analysis: AnalysisOptions, users: UsersRequirement) throws -> LoadedWorkspace {
        var progress: (@Sendable (Int, Int) -> Void)?
        if !analysis.quiet && isatty(STDERR_FILENO) == 1 {
            progress = { (done: Int, total: Int) in
                let end = done == total ? "\n" : ""
                FileHandle.standardError.write(Data("\rReading metadata: \(done) / \(total) files\(end)".utf8))
            }
        }
        do {
            return try LoadedWorkspace.load(inputs.paths, users: users, keepGoing: analysis.keepGoing, progress: progress)
        } catch {
            if case .metadataErrors(let errors) = error { printDiagnostics(errors, quiet: analysis.quiet) }
            printError(error.description)
            throw ExitStatus.inputError
        }
    }

    /// Prints diagnostics, writes `text`, and ends with the status a policy failure (3) or `--strict` (2) asks for.
    static func finish(text: String, diagnostics: [Diagnostic], analysis: AnalysisOptions, output: OutputOptions, policyFailure: String? = nil) throws {
        printDiagnostics(diagnostics, quiet: analysis.quiet)
        try write(text, output: output)
        try endStatus(diagnostics: diagnostics, analysis: analysis, policyFailure: policyFailure)
    }

    /// Ends with status 3 for a policy failure, 2 for warnings under `--strict`, else returns (status 0).
    static func endStatus(diagnostics: [Diagnostic], analysis: AnalysisOptions, policyFailure: String? = nil) throws {
        if let policyFailure {
            printError("axlicense: \(policyFailure)")
            throw ExitStatus.licenseNotification
        }
        if analysis.strict && diagnostics.contains(where: { $0.severity == .warning }) {
            printError("axlicense: --strict: \(diagnostics.severityCounts.warnings) warning(s)")
            throw ExitStatus.strictWarnings
        }
    }

    /// Writes a report to `--output` atomically, or to standard output.
    static func write(_ text: String, output: OutputOptions) throws {
        try write(Data(text.utf8), to: output.output)
    }

    /// Writes bytes to `path` atomically, or to standard output when `path` is nil; a failure ends the run with status 1.
    static func write(_ data: Data, to path: String?) throws {
        guard let path else { return FileHandle.standardOutput.write(data) }
        do {
            try OutputWriter.write(data, to: path)
        } catch {
            printError(error.description)
            throw ExitStatus.inputError
        }
    }

    /// The License View of `estimate` and, with `--assigned`, the over/under review, with their diagnostics.
    /// Nil when the entitlements file is absent and `required` is false; any unreadable input ends the run with status 1.
    static func licenseCheck(_ purchased: PurchasedLicenseOptions, inputs: InputOptions, workspace: LoadedWorkspace, estimate: LicenseEstimate,
                             required: Bool) throws -> (view: LicenseView, review: LicenseAssignmentReview?, diagnostics: [Diagnostic])? {
        let path = purchased.entitlements ?? inputs.paths.inside(WorkspacePaths.Convention.entitlements)
        guard required || FileManager.default.fileExists(atPath: path) else {
            if purchased.assigned != nil {
                printError("axlicense: error: --assigned needs purchased licenses: \(path) does not exist; pass --entitlements FILE")
                throw ExitStatus.inputError
            }
            return nil
        }
        do {
            let products = try ProductEntitlement.load(path: path)
            let view = LicenseView(products: products, estimate: estimate, engine: workspace.engine, today: purchased.day, source: path)
            var diagnostics = view.diagnostics
            var review: LicenseAssignmentReview?
            if let assigned = purchased.assigned {
                let held = try AssignedLicensesReader.load(path: assigned, catalog: workspace.engine.catalog, delimiter: inputs.csvDelimiter)
                let made = LicenseAssignmentReview(estimate: estimate, assigned: held.users, optimizer: workspace.engine.optimizer)
                diagnostics += held.diagnostics + made.diagnostics
                review = made
            }
            return (view, review, diagnostics)
        } catch {
            printError("\(error)")
            throw ExitStatus.inputError
        }
    }

    /// Runs a state-database operation; a failure is printed and ends the run with status 1.
    static func state<T>(_ body: () throws(StateStoreError) -> T) throws -> T {
        do {
            return try body()
        } catch {
            printError(error.description)
            throw ExitStatus.inputError
        }
    }

    static func printDiagnostics(_ diagnostics: [Diagnostic], quiet: Bool) {
        let shown = quiet ? diagnostics.filter { $0.severity == .error } : diagnostics
        guard !shown.isEmpty else { return }
        FileHandle.standardError.write(Data((shown.map(\.description).joined(separator: "\n") + "\n").utf8))
    }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message.hasPrefix("axlicense") || message.contains(": error: ") ? message : "axlicense: error: " + message).utf8 + [0x0A]))
    }
}
