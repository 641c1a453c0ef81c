import CSV
import Foundation

/// A CSV input, read the one way every CSV input of axlicense is read: the separator given or detected from the
/// header, a quoted field that never closes refused (naming where it opens), the header row, then the records that
/// are not blank with their line numbers. A big file without quotes is cut into pieces read on several cores.
package struct CSVTable {
    /// The header row's fields, as written.
    package let header: [String]
    /// The field separator.
    package let delimiter: UnicodeScalar
    private let text: String
    private let path: String

    /// Checks the text and reads its header; `delimiter` nil means detected from the header.
    package init(_ text: String, path: String, delimiter: UnicodeScalar?) throws(InputError) {
        let delimiter = delimiter ?? CSVDelimiter.detect(in: text)
        try CSVQuotes.requireClosed(in: text, delimiter: delimiter, path: path)
        // Reads the header row only; the records are read by `rows`.
        guard let header = try? CSVReader(string: text, hasHeaderRow: true, delimiter: delimiter).headerRow else {
            throw .invalid(path: path, line: 1, column: nil, message: "cannot read the header row")
        }
        self.header = header
        self.delimiter = delimiter
        self.text = text
        self.path = path
    }

    /// Every record that is not blank, as `extract` makes it from the record's fields, with its line, in file order.
    /// A record CSV.swift cannot read ends the rows: `error` then names the line after the last one read.
    /// `splittingPlainText: false` reads even quote-free text with CSV.swift (tests compare the two ways).
    package func rows<Row: Sendable>(splittingPlainText: Bool = true, _ extract: @escaping @Sendable ([String]) -> Row) -> (rows: [(line: Int, row: Row)], error: InputError?) {
        var cut = CSVPieces(text)
        cut.isPlain = cut.isPlain && splittingPlainText
        let (pieces, delimiter) = (cut, delimiter)
        let read = concurrentMap(pieces.records.count) { index in
            PieceRows(pieces.records[index], skippingHeader: pieces.recordsIncludeHeader, delimiter: delimiter, isPlain: pieces.isPlain, extract: extract)
        }
        var rows: [(line: Int, row: Row)] = []
        var line = 1
        for piece in read {
            for (offset, row) in piece.rows { rows.append((line + offset, row)) }
            line += piece.lineCount
            if let error = piece.error {
                return (rows, .invalid(path: path, line: line, column: nil, message: "malformed CSV: \(error)"))
            }
        }
        return (rows, nil)
    }
}

/// The records of one piece of a CSV text.
private struct PieceRows<Row: Sendable>: Sendable {
    /// Each record that is not blank, with its line counted from the piece's start (1 for its first record).
    var rows: [(line: Int, row: Row)] = []
    /// The lines the piece's records span, blank ones and line breaks inside quoted fields included.
    var lineCount = 0
    /// Why reading stopped early, if it did.
    var error: String?

    init(_ text: Substring, skippingHeader: Bool, delimiter: UnicodeScalar, isPlain: Bool, extract: ([String]) -> Row) {
        if isPlain, delimiter.isASCII {
            (rows, lineCount) = Self.plainRows(text, skippingHeader: skippingHeader, delimiter: UInt8(delimiter.value), extract: extract)
            return
        }
        let reader: CSVReader
        do {
            // A piece that is the whole text is read from it, not from a copy (the file may be hundreds of MB).
            let whole = text.startIndex == text.base.startIndex && text.endIndex == text.base.endIndex
            reader = try CSVReader(string: whole ? text.base : String(text), hasHeaderRow: skippingHeader, delimiter: delimiter)
        } catch {
            self.error = "\(error)"
            return
        }
        // A quoted field may hold line breaks: a record spans one line plus the line feeds inside its fields, so that
        // every record (and an error after it) is placed on its line of the file, not counted as one line.
        func lineFeeds(_ fields: [String]) -> Int { fields.reduce(0) { $0 + $1.utf8.count { $0 == UInt8(ascii: "\n") } } }
        lineCount = skippingHeader ? reader.headerRow.map(lineFeeds) ?? 0 : 0
        while let fields = reader.next() {
            let line = lineCount + 1
            lineCount += 1 + lineFeeds(fields)
            if fields.allSatisfy({ $0.trimmingBlanks().isEmpty }) { continue }
            rows.append((line, extract(fields)))
        }
        error = reader.error.map { "\($0)" }
    }

    /// A text without quotes whose line breaks are LF or CRLF (`CSVPieces.isPlain`): a record is a line and a field is
    /// what lies between separators, so the bytes are split directly, giving the fields CSV.swift gives (a property
    /// test compares the two) at a fraction of its per-character cost.
    private static func plainRows(_ text: Substring, skippingHeader: Bool, delimiter: UInt8, extract: ([String]) -> Row)
        -> (rows: [(line: Int, row: Row)], lineCount: Int) {
        var rows: [(line: Int, row: Row)] = []
        var lineCount = 0
        var skipHeader = skippingHeader
        var text = text
        text.withUTF8 { bytes in
            var lineStart = 0
            while lineStart < bytes.count {
                let lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
                var contentEnd = lineEnd
                if contentEnd > lineStart && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
                defer { lineStart = lineEnd + 1 }
                if skipHeader {
                    skipHeader = false
                    continue
                }
                lineCount += 1
                var fields: [String] = []
                var fieldStart = lineStart
                var isBlank = true
                for index in lineStart...contentEnd where index == contentEnd || bytes[index] == delimiter {
                    let field = String(decoding: UnsafeBufferPointer(rebasing: bytes[fieldStart..<index]), as: UTF8.self)
                    if isBlank && !field.trimmingBlanks().isEmpty { isBlank = false }
                    fields.append(field)
                    fieldStart = index + 1
                }
                if !isBlank { rows.append((lineCount, extract(fields))) }
            }
        }
        return (rows, lineCount)
    }
}

/// A CSV text cut into pieces of whole records, so that the pieces can be read in parallel.
///
/// A record ends at a line break outside quotes. Cutting is only done where that is plain from the bytes alone: a
/// text with a `"` or a carriage return not followed by a line feed stays one piece, header included, as does a small
/// text (a piece is at least 256 KB).
struct CSVPieces {
    /// The records in order: after the header line when the text was cut, else the whole text.
    var records: [Substring]
    /// True when the text is one piece that starts with the header row.
    var recordsIncludeHeader: Bool
    /// No quotes, and every carriage return is part of a CRLF: each line is one record.
    var isPlain: Bool

    static let minimumPieceBytes = 256 * 1024

    init(_ text: String, pieces wanted: Int = 8) {
        let bytes = text.utf8
        let pieces = min(wanted, bytes.count / Self.minimumPieceBytes)
        isPlain = Self.recordsEndAtEveryLineFeed(text)
        guard pieces > 1, isPlain, let headerBreak = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            records = [text[...]]
            recordsIncludeHeader = true
            return
        }
        let rest = text[bytes.index(after: headerBreak)...]
        let count = rest.utf8.count
        records = []
        recordsIncludeHeader = false
        var start = rest.startIndex
        for piece in 1..<pieces {
            let target = rest.utf8.index(rest.startIndex, offsetBy: count * piece / pieces)
            guard target > start, let lineBreak = rest.utf8[target...].firstIndex(of: UInt8(ascii: "\n")) else { continue }
            let end = rest.utf8.index(after: lineBreak)
            records.append(rest[start..<end])
            start = end
        }
        records.append(rest[start...])
    }

    /// No quotes (no field can hold a line break) and every carriage return is part of a CRLF.
    private static func recordsEndAtEveryLineFeed(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            var afterCarriageReturn = false
            for byte in bytes {
                if afterCarriageReturn && byte != UInt8(ascii: "\n") { return false }
                if byte == UInt8(ascii: "\"") { return false }
                afterCarriageReturn = byte == UInt8(ascii: "\r")
            }
            return !afterCarriageReturn
        }
    }
}

/// Quote checks CSV.swift does not make.
/// The header of a CSV input: which field holds each column the reader understands.
package enum CSVHeader {
    /// The field of each column `key` recognises (nil: a column the reader ignores). A column named twice is read from
    /// its first field; each later one is a `duplicate-column` warning naming the file, header line and column, the
    /// column as `place` names the header's field at that index (`field 3` in a CSV; a sheet names its column letter).
    package static func columns<Column: Hashable>(_ header: [String], path: String, place: (Int) -> String = { "field \($0 + 1)" },
                                                  key: (String) -> Column?) -> (columns: [Column: Int], diagnostics: [Diagnostic]) {
        var columns: [Column: Int] = [:]
        var diagnostics: [Diagnostic] = []
        for (index, name) in header.enumerated() {
            guard let column = key(name) else { continue }
            if let first = columns[column] {
                diagnostics.append(Diagnostic(.warning, .duplicateColumn,
                                              "column '\(name.trimmingBlanks())' (\(place(index))) repeats '\(header[first].trimmingBlanks())' (\(place(first))) in the header; the first is read, this one ignored",
                                              at: SourceLocation(file: path, line: 1)))
            } else {
                columns[column] = index
            }
        }
        return (columns, diagnostics)
    }

    /// The warning for a file with a header and no data rows: a run over it has no users, which is rarely meant.
    package static func noRows(path: String) -> Diagnostic {
        Diagnostic(.warning, .noRows, "the file has a header and no rows: no users", at: SourceLocation(file: path, line: 1))
    }
}

package enum CSVQuotes {
    /// Throws when a quoted field never closes, naming where it opens, or when text follows a field's closing quote,
    /// naming that text: CSV.swift would silently read the rest of the file as that one field, and every user or
    /// license after it would be lost.
    package static func requireClosed(in text: String, delimiter: UnicodeScalar, path: String) throws(InputError) {
        guard let problem = quoteProblem(in: text, delimiter: delimiter) else { return }
        switch problem {
        case .neverClosed(let line, let column):
            throw .invalid(path: path, line: line, column: column, message: "this quoted field is never closed (a \" is missing): the rest of the file would be read as one field")
        case .textAfterClosingQuote(let line, let column):
            throw .invalid(path: path, line: line, column: column,
                           message: "text follows the closing quote of a quoted field; quote the whole field (\"a\"\"b\" for a\"b) or end it at the quote")
        }
    }

    /// A quoting fault, with the line and column (characters) it is at.
    enum QuoteProblem: Equatable {
        /// A quoted field opens here and never closes.
        case neverClosed(line: Int, column: Int)
        /// Text (this character) follows a quoted field's closing quote (`"SalesClerk"x`), which RFC 4180 does not allow.
        case textAfterClosingQuote(line: Int, column: Int)
    }

    /// Where a quoted field opens that never closes, read the way CSV.swift reads: a quote opens a quoted field only
    /// at the field's start; inside one, `""` is a quote and the quote that ends it must be followed by the
    /// separator, a line break or the end (CSV.swift keeps other text and takes the rest of the file as one field).
    ///
    /// Lines count line feeds; the column counts characters from the line's start.
    static func quoteProblem(in text: String, delimiter: UnicodeScalar) -> QuoteProblem? {
        let separator = Array(String(delimiter).utf8)
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> QuoteProblem? {
            guard let base = bytes.baseAddress else { return nil }
            // Quotes are found with memchr, at memory speed; most files hold none at all.
            func nextQuote(from index: Int) -> Int? {
                guard index < bytes.count, let found = memchr(base + index, Int32(quote), bytes.count - index) else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            func separatorEnds(before index: Int) -> Bool {
                index >= separator.count && separator.indices.allSatisfy { bytes[index - separator.count + $0] == separator[$0] }
            }
            func endsField(_ index: Int) -> Bool {
                index == bytes.count || bytes[index] == lineFeed || bytes[index] == carriageReturn
                    || (index + separator.count <= bytes.count && separator.indices.allSatisfy { bytes[index + $0] == separator[$0] })
            }
            var index = 0
            while let open = nextQuote(from: index) {
                let atFieldStart = open == 0 || bytes[open - 1] == lineFeed || bytes[open - 1] == carriageReturn || separatorEnds(before: open)
                guard atFieldStart else { index = open + 1; continue }  // a quote inside an unquoted field is text
                var inside = open + 1
                while true {
                    guard let close = nextQuote(from: inside) else {
                        let at = position(of: open, in: bytes)
                        return .neverClosed(line: at.line, column: at.column)
                    }
                    if close + 1 < bytes.count && bytes[close + 1] == quote { inside = close + 2; continue }  // an escaped quote
                    if endsField(close + 1) { index = close + 1; break }
                    let at = position(of: close + 1, in: bytes)
                    return .textAfterClosingQuote(line: at.line, column: at.column)
                }
            }
            return nil
        }
        var text = text
        return text.withUTF8(scan)
    }

    /// Line (counting line feeds) and column (counting characters, not UTF-8 bytes) of byte `index`.
    private static func position(of index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        let before = bytes[..<index]
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return (1 + before.count { $0 == UInt8(ascii: "\n") }, 1 + bytes[lineStart..<index].count { $0 & 0xC0 != 0x80 })
    }
}

/// The field separator of a CSV file: `,`, or `;` as Excel writes in many locales, or tab.
package enum CSVDelimiter {
    /// The separator the header line uses: `;` or tab when the header has it and no comma, else `,`.
    package static func detect(in text: String) -> UnicodeScalar {
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" }
        if header.contains(",") { return "," }
        if header.contains(";") { return ";" }
        if header.contains("\t") { return "\t" }
        return ","
    }

    /// Parses a `--delimiter` value: one character, or `tab`.
    package static func parse(_ text: String) -> UnicodeScalar? {
        if text.lowercased() == "tab" || text == "\\t" { return "\t" }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 1, scalars[0] != "\"", scalars[0] != "\n", scalars[0] != "\r" else { return nil }
        return scalars[0]
    }
}
