import Foundation
import Testing

/// One case of `Tests/Fixtures/bad-input` (see its README).
struct BadInputCase: Sendable, CustomTestStringConvertible {
    var name: String
    var testDescription: String { name }

    struct Expected: Decodable {
        var arguments: [String]
        var exit: Int32
        var stderr: String
    }

    static let folder = packageRoot.appendingPathComponent("Tests/Fixtures/bad-input")
    static var all: [BadInputCase] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasSuffix(".md") }.sorted().map(BadInputCase.init)
    }
}

@Suite struct BadInputCorpusTests {
    @Test func corpusHasAtLeastFiftyCases() {
        #expect(BadInputCase.all.count >= 50)
    }

    @Test(arguments: BadInputCase.all)
    func caseFailsWithItsExactErrorAndStatus(_ badInput: BadInputCase) throws {
        let source = BadInputCase.folder.appendingPathComponent(badInput.name)
        let expected = try JSONDecoder().decode(BadInputCase.Expected.self, from: Data(contentsOf: source.appendingPathComponent("expected.json")))
        // Work on a copy: some cases create files (the state database) and none may change the corpus.
        let folder = TemporaryFolder()
        let workspace = folder.url.appendingPathComponent("workspace").path
        try FileManager.default.copyItem(atPath: source.appendingPathComponent("workspace").path, toPath: workspace)
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
