import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// The one rule of every JSON input: keys ignore case, a repeated key is a warning at its line, the first wins.
@Suite struct JSONInputTests {
    private func skuMap(_ text: String) throws -> SkuMap {
        try SkuMap.decode(Data(text.utf8), catalog: .builtIn(), source: "map.json")
    }

    private func required(_ map: SkuMap) -> [String] {
        SkuCatalog.builtIn().names(map.requirement(forPrivilege: "P")?.required ?? .empty)
    }

    /// The issue's row, both ways round: whichever spelling comes first is used, whatever the hash order.
    @Test(arguments: [("Finance", "Commerce"), ("Commerce", "Finance")])
    func caseVariantDuplicateKeyKeepsTheFirstInDocumentOrder(first: String, second: String) throws {
        for spelling in [(#""SkuName""#, #""skuname""#), (#""skuname""#, #""SkuName""#)] {
            let text = "[\n{\"PrivilegeIdentifier\": \"P\", \(spelling.0): \"\(first)\",\n \(spelling.1): \"\(second)\", \"IsUnique\": 1}\n]"
            for _ in 0..<20 {
                let map = try skuMap(text)
                #expect(required(map) == [first])
                #expect(map.diagnostics.map(\.description) == [
                    "map.json:3:2: warning: key \(spelling.1.dropFirst().dropLast().debugDescription) repeats \(spelling.0.dropFirst().dropLast().debugDescription) of line 2 in the same object (keys ignore case); the first is used, this one ignored [duplicate-key]"
                        .replacingOccurrences(of: "\"", with: "'")
                ])
            }
        }
    }

    @Test func exactDuplicateKeyKeepsTheFirstAndWarns() throws {
        let map = try skuMap(#"[{"PrivilegeIdentifier": "P", "SkuName": "Commerce", "SkuName": "Finance", "IsUnique": 1}]"#)
        #expect(required(map) == ["Commerce"])
        #expect(map.diagnostics.map(\.code) == [.duplicateKey])
        #expect(map.diagnostics.first?.location == SourceLocation(file: "map.json", line: 1, column: 54))
    }

    /// A repeated member holding an object is removed whole; repeats inside it are not reported on their own.
    @Test func repeatedMemberIsRemovedWithItsNestedValue() throws {
        let text = #"{"rows": [{"PrivilegeIdentifier": "P", "SkuName": "Finance", "IsUnique": 1}], "ROWS": [{"a": 1, "A": 2}], "note": "x"}"#
        let input = JSONInput(Data(text.utf8), path: "f.json")
        #expect(String(decoding: input.data, as: UTF8.self) == #"{"rows": [{"PrivilegeIdentifier": "P", "SkuName": "Finance", "IsUnique": 1}], "note": "x"}"#)
        #expect(input.diagnostics.count == 1)
        #expect(try required(skuMap(text)) == ["Finance"])
    }

    /// Escaped spellings are the same key; text without repeats is passed through as it is.
    @Test func escapedKeyIsTheSameKeyAndCleanTextIsUntouched() throws {
        let escaped = JSONInput(Data(#"{"a\u0042": 1, "ab": 2}"#.utf8), path: "f.json")
        #expect(escaped.diagnostics.count == 1)
        let clean = Data(#"{"a": [1, 2, {"b": null}], "c": "}\",{"}"#.utf8)
        let input = JSONInput(clean, path: "f.json")
        #expect(input.data == clean && input.diagnostics.isEmpty)
    }

    /// Syntax errors still point at their line and column in the file as written.
    @Test func syntaxErrorKeepsItsLineAndColumn() throws {
        #expect(throws: InputError.self) { try skuMap("[\n{\"PrivilegeIdentifier\": \"P\", \"P\": 1, \"p\": 2,,}\n]") }
        do {
            _ = try skuMap("[\n{\"PrivilegeIdentifier\": \"P\", \"P\": 1, \"p\": 2,,}\n]")
        } catch {
            #expect("\(error)".hasPrefix("map.json:2:"), "\(error)")
        }
    }

    @Test func catalogAndItsRepeatedKeyWarning() throws {
        var text = defaultSkuCatalogJSON
        text = text.replacingOccurrences(of: #""currency": "USD","#, with: #""currency": "USD", "Currency": "EUR","#)
        #expect(text != defaultSkuCatalogJSON)
        let catalog = try SkuCatalog.decode(Data(text.utf8), source: "skus.json")
        #expect(catalog.currency == "USD")
        #expect(catalog.diagnostics.map(\.code) == [.duplicateKey])
    }

    /// Keys ignore case in every JSON input, so a case-variant repeat is the same field and the first spelling's value
    /// is the one read (not an unknown key beside it).
    @Test func catalogKeysIgnoreCaseAndTheFirstSpellingWins() throws {
        let text = defaultSkuCatalogJSON.replacingOccurrences(of: #""basePrice": 210,"#, with: #""BasePrice": 175, "basePrice": 210,"#)
        #expect(text != defaultSkuCatalogJSON)
        let catalog = try SkuCatalog.decode(Data(text.utf8), source: "skus.json")
        #expect(catalog.skus.filter { $0.tier == .operations }.map(\.basePrice).contains(Money(cents: 17_500)))
        #expect(!catalog.diagnostics.isEmpty && catalog.diagnostics.allSatisfy { $0.code == .duplicateKey })
    }

    /// A minified SKU map (one line) repeating a key in every row: the right requirements, a bounded list of warnings
    /// (the first few, then one "... and N more"), and a scan linear in the file. Counting each repeat's column from the
    /// line start made this shape quadratic (20,000 rows: 114 s for one `estimate` in a debug build), and every repeat
    /// was a warning of its own (20,000 of them). The scan's speed is measured outside the tests (the closing note of
    /// issue 12: 20,000 rows 114 s → 1.7 s, 40,000 rows 4.5 s), never timed here.
    @Test func repeatInEveryRowOfAOneLineFileGivesTheRightRowsAndBoundedWarnings() throws {
        let rows = 5_000
        let text = "[" + (0..<rows).map { #"{"PrivilegeIdentifier":"P\#($0)","SkuName":"Finance","IsUnique":1,"X":1,"x":2}"# }.joined(separator: ",") + "]"
        let map = try SkuMap.decode(Data(text.utf8), catalog: .builtIn(), source: "map.json")
        #expect(SkuCatalog.builtIn().names(map.requirement(forPrivilege: "P4999")?.required ?? .empty) == ["Finance"])
        let warnings = map.diagnostics.filter { $0.code == .duplicateKey }
        #expect(warnings.count == DiagnosticLog.perFileLimit + 1)
        #expect(warnings.last?.omitted == rows - DiagnosticLog.perFileLimit)
        let rowWidth = #"{"PrivilegeIdentifier":"P0","SkuName":"Finance","IsUnique":1,"X":1,"x":2}"#.count
        #expect(warnings.first?.location == SourceLocation(file: "map.json", line: 1, column: 2 + rowWidth - 6))
    }

    /// Several repeats on one line each get their own column, counted in characters (not bytes).
    @Test func repeatsOnOneLineEachGetTheirColumn() {
        let input = JSONInput(Data(#"[{"é":1,"É":2},{"b":1,"B":2,"b":3}]"#.utf8), path: "f.json")
        #expect(input.diagnostics.map { $0.location?.column } == [9, 23, 29])
    }

    /// Objects with many keys (looked up in a dictionary past 16) find repeats on both sides of the switch.
    @Test func repeatsInALargeObjectAreFoundBeforeAndAfterItGrows() throws {
        let names = (0..<40).map { "key\($0)" } + ["KEY3", "Key39", "k\\u0065y20", "Ünï", "üNÏ"]
        let text = "{" + names.enumerated().map { "\"\($0.element)\": \($0.offset)" }.joined(separator: ", ") + "}"
        let input = JSONInput(Data(text.utf8), path: "big.json")
        #expect(input.diagnostics.count == 4, "\(input.diagnostics)")
        let object = try #require(try JSONSerialization.jsonObject(with: input.data) as? [String: Int])
        #expect(object.count == 41 && object["key3"] == 3 && object["key39"] == 39 && object["key20"] == 20 && object["Ünï"] == 43)
    }

    /// Random documents (seeded): text without repeats comes back byte for byte; with repeats it stays valid JSON,
    /// loses exactly the later members, and the reader never traps on cut-off or nested text.
    @Test func randomDocumentsKeepTheirShapeAndLoseOnlyLaterRepeats() throws {
        var generator = SeededGenerator(seed: 12)
        func value(_ depth: Int) -> Any {
            switch Int.random(in: 0..<(depth > 3 ? 3 : 5), using: &generator) {
            case 0: return Int.random(in: -5...5, using: &generator)
            case 1: return ["a", "b\"}", "é", ""].randomElement(using: &generator)!
            case 2: return Bool.random(using: &generator) ? NSNull() : true
            case 3: return (0..<Int.random(in: 0...3, using: &generator)).map { _ in value(depth + 1) }
            default:
                var members: [(String, Any)] = []
                for _ in 0..<Int.random(in: 0...4, using: &generator) {
                    members.append((["k", "K", "x", #"\u006B"#, "y"].randomElement(using: &generator)!, value(depth + 1)))
                }
                return members.map { ($0.0, $0.1) } as [(String, Any)]
            }
        }
        func render(_ value: Any) -> String {
            switch value {
            case let members as [(String, Any)]: return "{" + members.map { "\"\($0.0)\": " + render($0.1) }.joined(separator: ", ") + "}"
            case let items as [Any]: return "[" + items.map(render).joined(separator: ",") + "]"
            case let text as String: return "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\""
            case is NSNull: return "null"
            default: return "\(value)"
            }
        }
        var repeats = 0
        for _ in 0..<300 {
            let text = render(value(0))
            let input = JSONInput(Data(text.utf8), path: "r.json")
            #expect((try? JSONSerialization.jsonObject(with: input.data, options: [.fragmentsAllowed])) != nil, "\(text) → \(String(decoding: input.data, as: UTF8.self))")
            if input.diagnostics.isEmpty { #expect(input.data == Data(text.utf8)) }
            // No repeat is left behind.
            #expect(JSONInput(input.data, path: "r.json").diagnostics.isEmpty, "\(text)")
            repeats += input.diagnostics.count
            // Cut anywhere: never a trap, and broken text is left as it is for the decoder to report.
            let cut = Data(text.utf8.prefix(Int.random(in: 0..<max(1, text.utf8.count), using: &generator)))
            let partial = JSONInput(cut, path: "r.json")
            if (try? JSONSerialization.jsonObject(with: cut, options: [.fragmentsAllowed])) == nil { #expect(partial.data == cut) }
        }
        #expect(repeats > 50, "the generator makes repeats")
        let deep = Data(String(repeating: "[", count: 100_000).utf8)
        #expect(JSONInput(deep, path: "d.json").data == deep)
    }
}

