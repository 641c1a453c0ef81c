import AXWorkload
import ArgumentParser
import Foundation

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic, realistic workspace for benchmarks and scale tests (never commit it).",
        discussion: "Profiles: small (~3,000 files, 1,000 users), full (~55,000 files, 20,000 users), large (~110,000 files, 100,000 users).")

    @Option(name: .long, help: "small, full or large.") var scale: String = "small"
    @Option(name: .long, help: "Random seed: the same seed writes the same bytes.") var seed: UInt64 = 1
    @Option(name: [.short, .long], help: ArgumentHelp("Folder to write the workspace into.", valueName: "dir")) var output: String
    @Flag(name: .long, help: "Also write SecurityObjectLicenses.csv: the USG export of the same object licenses as ObjectLicenses/ (read it with --object-licenses).")
    var usgExport = false

    func validate() throws {
        guard WorkloadScale.named(scale) != nil else { throw ValidationError("--scale '\(scale)' is not small, full or large") }
    }

    func run() throws {
        let count: Int
        do {
            count = try WorkloadGenerator(scale: WorkloadScale.named(scale)!, seed: seed, writesSecurityObjectLicensesExport: usgExport).write(to: output)
        } catch {
            CommandRunner.printError(error)
            throw ExitStatus.inputError
        }
        try Console.output(Data("Wrote \(count) files to \(output)\n".utf8))
    }
}
