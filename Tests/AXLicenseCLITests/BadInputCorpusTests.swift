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
        // Only the legacy method reads the SKU map (the sample's default is the per-object method).
        let method = file == "LicensingServicePlansPrivilege.json" ? ["--method", "legacy"] : []
        let result = try run(axlicenseBinary, ["estimate", "--workspace", workspace, "--no-db"] + method)
        #expect(result.status == 1)
        #expect(result.stderr == "\(path): error: cannot read file: file is \(mebibytes).0 MiB, over the \(limit) MiB limit for this input\n")
        #expect(result.stdout.isEmpty)
    }
}

/// Fixtures stay stored as a base plus what each case changes: an overlay file equal to the base file it replaces is
/// a copy that would drift from the base unnoticed.
@Suite struct FixtureOverlayHygieneTests {
    /// Every regular file under `folder`, by path relative to it (the overlay's deletion list left out).
    func files(under folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return result }
        while let relative = walker.nextObject() as? String {
            let path = folder.appendingPathComponent(relative).path
            let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
            if type == .typeRegular && relative != FixtureOverlay.deletionList { result[relative] = FileManager.default.contents(atPath: path) }
        }
        return result
    }

    @Test func noOverlayFileRepeatsTheBaseFileItReplaces() {
        var overlays: [(overlay: URL, base: URL)] = BadInputFixture.all.map { ($0.stored.appendingPathComponent("workspace"), BadInputFixture.baseWorkspace) }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: DiffFixture.folder.path)) ?? [] {
            for side in DiffFixture.Side.allCases {
                overlays.append((DiffFixture.folder.appendingPathComponent("\(name)/\(side.rawValue)"), DiffFixture.folder.appendingPathComponent("base-tree")))
            }
        }
        let bases = [BadInputFixture.baseWorkspace, DiffFixture.folder.appendingPathComponent("base-tree")].map { ($0, files(under: $0)) }
        var compared = 0
        for (overlay, base) in overlays {
            let baseFiles = bases.first { $0.0 == base }!.1
            for (relative, data) in files(under: overlay) where baseFiles[relative] != nil {
                compared += 1
                #expect(baseFiles[relative] != data, "\(overlay.path)/\(relative) repeats the base: delete it from the overlay")
            }
        }
        #expect(compared > 50, "the overlays replace base files")
    }
}
