import AXReading
import AXTestSupport
import Testing

/// Quote-free CSV is split on bytes rather than read by CSV.swift: the two must give the same records and lines.
@Suite struct CSVPlainSplitTests {
    static func randomText(seed: UInt64) -> (text: String, delimiter: UnicodeScalar) {
        var random = SeededGenerator(seed: seed)
        let delimiter: UnicodeScalar = [",", ";", "\t", "|"].randomElement(using: &random)!
        let pieces = ["a", "Finance", "", " ", "é", "名前", "x y", "1", "2.5", "-SYSADMIN-", "Dynamics 365 Operations – Activity"]
        let columns = Int.random(in: 1...4, using: &random)
        var lines = [(0..<columns).map { "H\($0)" }.joined(separator: String(delimiter))]
        for _ in 0..<Int.random(in: 0...40, using: &random) {
            switch Int.random(in: 0..<10, using: &random) {
            case 0: lines.append("")
            case 1: lines.append(String(repeating: String(delimiter), count: columns - 1))
            default:
                let count = Int.random(in: 1...columns + 1, using: &random)
                lines.append((0..<count).map { _ in pieces.randomElement(using: &random)! }.joined(separator: String(delimiter)))
            }
        }
        let lineBreak = Bool.random(using: &random) ? "\r\n" : "\n"
        return (lines.joined(separator: lineBreak) + (Bool.random(using: &random) ? lineBreak : ""), delimiter)
    }

    @Test(arguments: 0..<200) func plainSplitGivesWhatCSVSwiftGives(seed: UInt64) throws {
        let (text, delimiter) = Self.randomText(seed: seed)
        let table = try CSVTable(text, path: "t.csv", delimiter: delimiter)
        let fast = table.rows { $0 }, slow = table.rows(splittingPlainText: false) { $0 }
        #expect(fast.error == nil && slow.error == nil)
        #expect(fast.rows.map(\.line) == slow.rows.map(\.line), "text: \(text.debugDescription)")
        #expect(fast.rows.map(\.row) == slow.rows.map(\.row), "text: \(text.debugDescription)")
    }

    @Test func aTextWithQuotesIsNotSplitOnBytes() throws {
        let table = try CSVTable("A,B\n\"x,y\",z\n", path: "t.csv", delimiter: ",")
        #expect(table.rows { $0 }.rows.map(\.row) == [["x,y", "z"]])
    }

    @Test func aRecordAfterAQuotedLineBreakIsPlacedOnItsLineOfTheFile() throws {
        // The first record's quoted field spans lines 2 to 4 (an LF and a CRLF inside it), the second's lines 6 and 7.
        let text = "A,B\n\"x\ny\r\nz\",1\n\n\"p\nq\",2\n\nlast,3\n"
        let read = try CSVTable(text, path: "t.csv", delimiter: ",").rows { $0 }
        #expect(read.rows.map(\.line) == [2, 6, 9])
        #expect(read.rows.map(\.row) == [["x\ny\r\nz", "1"], ["p\nq", "2"], ["last", "3"]])
    }
}
