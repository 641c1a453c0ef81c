import AXTestSupport
import Foundation
import Testing

/// Runs the CLI with its standard output and error set up by the caller (a device, a pipe nobody reads, nothing).
private func runWithStreams(_ arguments: [String], stdout: Any?, stderr: Any? = nil) throws -> (reason: Process.TerminationReason, status: Int32, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: axlicenseBinary)
    process.arguments = arguments
    process.currentDirectoryURL = packageRoot
    process.standardOutput = stdout
    let errorPipe = Pipe()
    process.standardError = stderr ?? errorPipe
    try process.run()
    let errData = stderr == nil ? errorPipe.fileHandleForReading.readDataToEndOfFile() : Data()
    process.waitUntilExit()
    return (process.terminationReason, process.terminationStatus, String(decoding: errData, as: UTF8.self))
}

/// A failing standard output or error: a status of 1 and a message, never a signal.
@Suite struct StandardStreamFailureTests {
    private let estimate = ["estimate", "--no-db", "--workspace", "Data/sample", "--quiet"]

    @Test func reportToAFullDeviceExitsOneNamingStandardOutput() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try runWithStreams(estimate, stdout: full)
        #expect(result.reason == .exit, "killed by signal \(result.status)")
        #expect(result.status == 1)
        #expect(result.stderr.contains("axlicense: error: cannot write to standard output: No space left on device"), "\(result.stderr)")
    }

    @Test func helpToAFullDeviceExitsOne() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        let result = try runWithStreams(["--help"], stdout: full)
        #expect(result.reason == .exit && result.status == 1, "\(result.reason) \(result.status): \(result.stderr)")
    }

    @Test func closedStandardOutputExitsOne() throws {
        // The shell closes descriptor 1 before starting the tool.
        let result = try run("/bin/sh", ["-c", "exec \"$0\" \"$@\" >&-"] + [axlicenseBinary] + estimate)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot write to standard output"), "\(result.stderr)")
    }

    @Test func pipeWhoseReaderIsGoneEndsQuietlyWithStatusOneAndNoSignal() throws {
        let pipe = Pipe()
        try pipe.fileHandleForReading.close()
        let result = try runWithStreams(estimate, stdout: pipe.fileHandleForWriting)
        #expect(result.reason == .exit, "killed by signal \(result.status)")
        #expect(result.status == 1)
        #expect(result.stderr.isEmpty, "\(result.stderr)")
    }

    @Test func failingStandardErrorStillEndsWithStatusOne() throws {
        let full = try #require(FileHandle(forWritingAtPath: "/dev/full"))
        // An error to report, and nowhere to report it.
        let failing = try runWithStreams(["estimate", "--no-db", "--workspace", "Data/sample", "--users", "/nonexistent.csv"],
                                         stdout: FileHandle.nullDevice, stderr: full)
        #expect(failing.reason == .exit && failing.status == 1, "\(failing.reason) \(failing.status)")
        // Warnings that cannot be shown: the run does not pass as clean.
        let warnings = try runWithStreams(["estimate", "--no-db", "--workspace", "Data/sample"], stdout: FileHandle.nullDevice, stderr: full)
        #expect(warnings.reason == .exit && warnings.status == 1, "\(warnings.reason) \(warnings.status)")
    }

    @Test func outputToDevStdoutReachesThePipe() throws {
        let result = try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--output", "/dev/stdout")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("SalesClerk"))
    }

    @Test func outputFileOnAFullDeviceExitsOne() throws {
        let result = try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--output", "/dev/full")
        #expect(result.status == 1)
        #expect(result.stderr.contains("/dev/full: error: cannot write output: No space left on device"), "\(result.stderr)")
    }
}

/// `--output` never replaces an input, keeps a replaced file's mode, and writes through a dangling link.
@Suite struct OutputOverInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// The input file, relative to the workspace copy.
        var input: String
        /// Extra arguments (`$WS` is the workspace).
        var arguments: [String]
        var command = "estimate"
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "users", input: "users.csv", arguments: []),
        Case(name: "SKU map", input: "LicensingServicePlansPrivilege.json", arguments: []),
        Case(name: "catalog", input: "skus.json", arguments: ["--skus", "$WS/skus.json"]),
        Case(name: "entitlements", input: "entitlements.json", arguments: [], command: "check"),
        Case(name: "assigned licenses", input: "assigned-licenses.csv", arguments: ["--assigned", "$WS/assigned-licenses.csv"], command: "check"),
        Case(name: "state database", input: ".axlicense/state.sqlite", arguments: ["--db", "$WS/.axlicense/state.sqlite"]),
        Case(name: "metadata file", input: "Metadata/ApplicationSuite/Foundation/AxSecurityRole/SalesClerk.xml", arguments: []),
    ]

    @Test(arguments: cases)
    func outputNamingAnInputIsRefusedAndTheInputIsUntouched(_ testCase: Case) throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try FileManager.default.copyItem(atPath: packageRoot.appendingPathComponent("Data/skus.json").path, toPath: ws + "/skus.json")
        try FileManager.default.createDirectory(atPath: ws + "/.axlicense", withIntermediateDirectories: true)
        #expect(try axlicense("estimate", "--workspace", ws, "--quiet", "--db", ws + "/.axlicense/state.sqlite", "--output", "/dev/null").status == 0)
        let input = ws + "/" + testCase.input
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        // By the same path, through a symbolic link, and through a hard link: the file is the same. (A metadata file is
        // recognised by the object folder it is in, so a hard link to one elsewhere is not.)
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/soft", withDestinationPath: input)
        try FileManager.default.linkItem(atPath: input, toPath: folder.path + "/hard")
        let isMetadata = testCase.input.hasPrefix("Metadata/"), isDatabase = testCase.input.hasSuffix(".sqlite")
        for output in [input, folder.path + "/soft"] + (isMetadata ? [] : [folder.path + "/hard"]) {
            var arguments = [testCase.command, "--workspace", ws, "--quiet"] + (isDatabase ? [] : ["--no-db"])
            if testCase.command == "check" { arguments += ["--today", "2026-11-23", "--fail-on", "none"] }
            arguments += testCase.arguments.map { $0.replacingOccurrences(of: "$WS", with: ws) } + ["--output", output]
            let result = try run(axlicenseBinary, arguments)
            #expect(result.status == 1, "\(output): \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("\(output): error: cannot write output: it is "), "\(result.stderr)")
            let after = try Data(contentsOf: URL(fileURLWithPath: input))
            if isDatabase {
                // The database logs the failed run, as it logs every run: still a database, not a report.
                #expect(after.prefix(16) == Data("SQLite format 3\u{0}".utf8), "\(output) replaced the database")
            } else {
                #expect(after == before, "\(output) replaced the input")
            }
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: folder.path + "/soft") == input)
    }

    @Test func workspaceStateDatabaseAndEntitlementsAreSafeFromCommandsThatDoNotReadThem() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        #expect(try axlicense("estimate", "--workspace", ws, "--quiet", "--output", "/dev/null").status == 0)
        for (input, what) in [(".axlicense/state.sqlite", "the state database"), ("entitlements.json", "the entitlements file")] {
            let path = ws + "/" + input
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let result = try axlicense("roles", "--workspace", ws, "--quiet", "--output", path)
            #expect(result.status == 1)
            #expect(result.stderr.contains("\(path): error: cannot write output: it is \(what)"), "\(result.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    @Test func newFileInAMetadataObjectFolderIsRefusedEvenThroughALinkedFolder() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/model", withDestinationPath: ws + "/Metadata/ApplicationSuite/Foundation")
        let output = folder.path + "/model/AxSecurityRole/Report.xml"
        let result = try axlicense("roles", "--workspace", ws, "--quiet", "--output", output)
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(output): error: cannot write output: it is in a metadata object folder"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func reportFolderWhoseFileIsAnInputWritesNeitherFile() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        let out = folder.path + "/out"
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: out + "/license-report.xlsx", withDestinationPath: ws + "/users.csv")
        let before = try Data(contentsOf: URL(fileURLWithPath: ws + "/users.csv"))
        let result = try axlicense("report", "--workspace", ws, "--quiet", "--output", out + "/")
        #expect(result.status == 1)
        #expect(result.stderr.contains("license-report.xlsx: error: cannot write output: it is the users file"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ws + "/users.csv")) == before)
        #expect(!FileManager.default.fileExists(atPath: out + "/license-report.html"), "the HTML was written before the refusal")
    }

    @Test func replacedFileKeepsItsModeAndANewFileGetsTheUmaskDefault() throws {
        let folder = TemporaryFolder()
        let private_ = folder.path + "/private.md"
        try "old".write(toFile: private_, atomically: true, encoding: .utf8)
        chmod(private_, 0o600)
        #expect(try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--output", private_).status == 0)
        var status = stat()
        #expect(stat(private_, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o600, "mode \(String(status.st_mode & 0o7777, radix: 8))")
        #expect(try String(contentsOfFile: private_, encoding: .utf8).contains("SalesClerk"))

        let fresh = folder.path + "/fresh.md"
        #expect(try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--output", fresh).status == 0)
        let mask = umask(0o022)
        umask(mask)
        #expect(stat(fresh, &status) == 0)
        #expect(status.st_mode & 0o7777 == 0o666 & ~mask, "mode \(String(status.st_mode & 0o7777, radix: 8))")
    }

    @Test func danglingLinkGetsItsTargetCreatedAndStaysALink() throws {
        let folder = TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/reports", withIntermediateDirectories: true)
        let link = folder.path + "/latest.md"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "reports/roles.md")
        let result = try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--format", "markdown", "--output", link)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "reports/roles.md")
        #expect(try String(contentsOfFile: folder.path + "/reports/roles.md", encoding: .utf8).contains("SalesClerk"))

        // A link whose target's folder is missing: a clear error, the link left as it was.
        let broken = folder.path + "/broken.md"
        try FileManager.default.createSymbolicLink(atPath: broken, withDestinationPath: "missing/roles.md")
        let failed = try axlicense("roles", "--workspace", "Data/sample", "--quiet", "--output", broken)
        #expect(failed.status == 1)
        #expect(failed.stderr.contains("\(broken): error: cannot write output: folder '\(folder.path)/missing' does not exist"), "\(failed.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: broken) == "missing/roles.md")
    }
}
