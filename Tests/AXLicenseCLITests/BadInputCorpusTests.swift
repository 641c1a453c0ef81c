import AXTestSupport
import Foundation
import Testing

/// What a case of the bad-input corpus expects (see Tests/Fixtures/bad-input/README.md).
struct BadInputExpectation: Decodable {
    var arguments: [String]
    var exit: Int32
    var stderr: String
}

@Suite struct BadInputCorpusTests {
    @Test func corpusHasAtLeastFiftyCases() {
        #expect(BadInputFixture.all.count >= 50)
    }

    @Test(arguments: BadInputFixture.all)
    func caseFailsWithItsExactErrorAndStatus(_ badInput: BadInputFixture) throws {
        let expected = try JSONDecoder().decode(BadInputExpectation.self, from: Data(contentsOf: badInput.stored.appendingPathComponent("expected.json")))
        // Assembled in a temporary folder: some cases create files (the state database) and none may change the corpus.
        let folder = TemporaryFolder()
        let workspace = try badInput.workspace(in: folder)
        var arguments = expected.arguments.map { $0.replacingOccurrences(of: "$WS", with: workspace) } + ["--workspace", workspace]
        if ["estimate", "check"].contains(arguments[0]) && !arguments.contains("--no-db") && !badInput.name.hasPrefix("state-db") {
            arguments.append("--no-db")
        }
        let result = try run(axlicenseBinary, arguments)
        let firstLine = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        let wanted = expected.stderr.replacingOccurrences(of: "$WS", with: workspace)
        #expect(result.status == expected.exit, "\(badInput.name): exit \(result.status)\n\(result.stderr)")
        if wanted.isEmpty {
            #expect(result.stderr.isEmpty, "\(badInput.name): \(result.stderr)")
        } else {
            #expect(firstLine.hasPrefix(wanted), "\(badInput.name): first stderr line\n  \(firstLine)\nexpected to begin\n  \(wanted)")
        }
        if expected.exit != 0 && expected.exit != 2 {
            #expect(result.stdout.isEmpty, "\(badInput.name): a failing run printed a report")
        }
    }
}

/// Inputs too big to commit as fixtures: made here as sparse files, so the test costs no disk.
@Suite struct OversizedInputTests {
    private func sparseFile(at path: String, size: UInt64) throws {
        #expect(FileManager.default.createFile(atPath: path, contents: Data("[".utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.truncate(atOffset: size)
        try handle.close()
    }

    /// A 200 MB SKU map (the case) and a users file over the CSV limit: refused by size, never read.
    @Test(arguments: [("LicensingServicePlansPrivilege.json", 200, 32), ("users.csv", 300, 256)])
    func oversizedInputIsRefusedBeforeItIsRead(file: String, mebibytes: UInt64, limit: Int) throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        let path = workspace + "/" + file
        try sparseFile(at: path, size: mebibytes * 1_048_576)
        let result = try axlicense("estimate", "--workspace", workspace, "--no-db")
        #expect(result.status == 1)
        #expect(result.stderr == "\(path): error: cannot read file: file is \(mebibytes).0 MiB, over the \(limit) MiB limit for this input\n")
        #expect(result.stdout.isEmpty)
    }
}
