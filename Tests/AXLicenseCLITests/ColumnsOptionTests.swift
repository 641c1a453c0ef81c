import AXTestSupport
import Foundation
import Testing

/// `--columns` picks columns by heading in every format that has columns; a file or pipe keeps full values.
@Suite struct ColumnsOptionTests {
    @Test func columnsPickAndOrderTheCSVColumnsByHeadingCaseInsensitively() throws {
        let result = try axlicense("estimate", "--workspace", "Data/sample", "--method", "legacy", "--no-db", "--quiet", "--format", "csv", "--columns", "monthly cost, USER")
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        #expect(lines.first == "Monthly cost,User")
        #expect(lines.contains("240.00,dana"))
    }

    @Test func anUnknownColumnIsOneClearErrorListingTheColumns() throws {
        let result = try axlicense("roles", "--workspace", "Data/sample", "--method", "legacy", "--quiet", "--columns", "Role,Price")
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "axlicense: error: --columns: no column named 'Price'; the columns are: Role, Label, Model, Entry-point license, Required SKUs, Any-of groups, License, Monthly cost, Users\n")
    }

    @Test func diffTakesColumnsToo() throws {
        let folder = TemporaryFolder()
        let fixture = try DiffFixture("grant-gains-update", in: folder)
        let result = try axlicense("diff", "--base", fixture.path(.base), "--head", fixture.path(.head), "--sku-map", fixture.skuMapPath(.head),
                                   "--fail-on", "never", "--format", "csv", "--columns", "role,change", in: fixture.root)
        #expect(result.status == 0)
        #expect(result.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) } == ["Role,Change", "Viewer,escalation"])
    }

    /// Piped output is not fitted to any terminal, whatever COLUMNS says: the legacy roles table keeps its 228-character line.
    @Test func pipedOutputKeepsEveryColumnAndFullValues() throws {
        let result = try axlicense("roles", "--workspace", "Data/sample", "--method", "legacy", "--quiet")
        #expect(result.stdout.split(separator: "\n").map(\.count).max() ?? 0 > 200)
        #expect(!result.stdout.contains("Not shown to fit"))
    }
}

/// On a terminal (a pseudo-terminal made by `script`), the table follows `COLUMNS`.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs util-linux script(1) for a pseudo-terminal"))
struct TerminalOutputTests {
    @Test(arguments: ["estimate --no-db", "roles", "permissions SalesClerk", "explain --user arnie"])
    func aTerminalOfOneHundredColumnsGetsNoLongerLine(command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", "\(axlicenseBinary) \(command) --workspace Data/sample --quiet", "/dev/null"]
        process.currentDirectoryURL = packageRoot
        process.environment = ProcessInfo.processInfo.environment.merging(["COLUMNS": "100"]) { $1 }
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let lines = text.replacingOccurrences(of: "\r", with: "").split(separator: "\n")
        #expect(lines.count > 5)
        #expect(lines.allSatisfy { $0.count <= 100 }, "\(lines.first { $0.count > 100 } ?? "")")
    }
}
