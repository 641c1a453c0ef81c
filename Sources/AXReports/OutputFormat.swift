import CSV
import Foundation

/// The formats every command writes.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns for a terminal (the default).
    case table
    /// RFC 4180 CSV of the command's main rows, for spreadsheets.
    case csv
    /// The full result with diagnostics; stable and documented in the README.
    case json
    /// GitHub-flavoured markdown tables, for pull requests and wikis.
    case markdown
}

/// A titled grid of text cells: the one model behind the table, CSV and markdown outputs.
public struct TextTable: Sendable, Hashable {
    /// Shown above the table in table and markdown output.
    public var title: String?
    public var header: [String]
    public var rows: [[String]]
    /// Columns aligned right (numbers and money).
    public var numericColumns: Set<Int>

    /// Creates a table.
    public init(title: String? = nil, header: [String], rows: [[String]], numericColumns: Set<Int> = []) {
        self.title = title
        self.header = header
        self.rows = rows
        self.numericColumns = numericColumns
    }

    /// Columns padded to their widest cell, a rule under the header.
    public func renderText() -> String {
        // Width in characters; ASCII cells (nearly all) are measured by bytes, without grapheme breaking.
        func width(_ cell: String) -> Int { cell.utf8.allSatisfy { $0 < 0x80 } ? cell.utf8.count : cell.count }
        let cellWidths = ([header] + rows).map { row in header.indices.map { $0 < row.count ? width(row[$0]) : 0 } }
        let widths = header.indices.map { column in cellWidths.map { $0[column] }.max() ?? 0 }
        // One byte buffer for the whole table: tens of thousands of rows render without a String per padded cell.
        var out: [UInt8] = []
        out.reserveCapacity((widths.reduce(0, +) + 2 * widths.count + 1) * (rows.count + 3))
        func pad(_ count: Int) { if count > 0 { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: count)) } }
        func line(_ cells: [String], _ measured: [Int]) {
            let start = out.count
            for column in header.indices {
                if column > 0 { pad(2) }
                let cell = column < cells.count ? cells[column] : ""
                let padding = widths[column] - measured[column]
                if numericColumns.contains(column) { pad(padding); out.append(contentsOf: cell.utf8) } else { out.append(contentsOf: cell.utf8); pad(padding) }
            }
            while out.count > start, out.last == UInt8(ascii: " ") { out.removeLast() }
            out.append(UInt8(ascii: "\n"))
        }
        if let title { out.append(contentsOf: title.utf8); out.append(UInt8(ascii: "\n")) }
        line(header, cellWidths[0])
        out.append(contentsOf: widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ").utf8)
        out.append(UInt8(ascii: "\n"))
        for (index, row) in rows.enumerated() { line(row, cellWidths[index + 1]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// A GitHub-flavoured markdown table; every cell and the title are escaped text (one row per row, whatever a name holds).
    public func renderMarkdown(headingLevel: Int = 2) -> String {
        var lines: [String] = []
        if let title { lines.append(String(repeating: "#", count: headingLevel) + " " + Markdown.text(title)); lines.append("") }
        lines.append("| " + header.map(Markdown.text).joined(separator: " | ") + " |")
        lines.append("|" + header.indices.map { numericColumns.contains($0) ? " ---: |" : " --- |" }.joined())
        for row in rows {
            lines.append("| " + header.indices.map { Markdown.text($0 < row.count ? row[$0] : "") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The header and rows as CSV (the title is not part of CSV). A text cell a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, tab or carriage return) gets a leading `'`, as OWASP recommends; numbers in
    /// numeric columns (`-130.00`) stay numbers.
    public func renderCSV() -> String {
        let stream = OutputStream.toMemory()
        // CSVWriter on a memory stream cannot fail to open; writes only fail on closed streams.
        let writer = try! CSVWriter(stream: stream)
        try! writer.write(row: header.map(Self.spreadsheetText))
        for row in rows {
            try! writer.write(row: row.indices.map { column in
                numericColumns.contains(column) && Double(row[column]) != nil ? row[column] : Self.spreadsheetText(row[column])
            })
        }
        writer.stream.close()
        let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A CSV text cell that no spreadsheet evaluates.
    static func spreadsheetText(_ cell: String) -> String {
        guard let first = cell.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return cell }
        return "'" + cell
    }
}

extension String {
    func trailingSpacesRemoved() -> String {
        var result = self
        while result.last == " " { result.removeLast() }
        return result
    }
}

/// Encodes report values as pretty, key-sorted JSON so output is stable across runs and platforms.
public func encodeJSON<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    // Report values are plain structs of strings and numbers: encoding cannot fail.
    let data = try! encoder.encode(value)
    return String(decoding: data, as: UTF8.self) + "\n"
}
