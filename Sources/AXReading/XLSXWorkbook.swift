import Foundation
import ZIPFoundation

/// One row of a worksheet as the sheet numbers it, with its cells that hold text.
package struct WorksheetRow: Sendable {
    /// The sheet's row number (1 for the first row), as Excel shows it.
    package var number: Int
    /// Each cell that is not empty: its column (1 = A) and its text, in column order.
    package var cells: [(column: Int, text: String)]

    /// The text of the cell in `column` (1 = A), or nil when the cell is empty or absent.
    package func text(at column: Int) -> String? { cells.first { $0.column == column }?.text }

    /// `A`, `B`, …, `Z`, `AA`: the letters Excel names column `number` (1 = A) with.
    package static func letters(ofColumn number: Int) -> String {
        var number = number, letters = ""
        while number > 0 {
            let remainder = (number - 1) % 26
            letters = String(UnicodeScalar(UInt8(65 + remainder))) + letters
            number = (number - 1) / 26
        }
        return letters
    }
}

/// How much of a workbook axlicense reads: a part whose uncompressed size (as declared, and as actually inflated)
/// is over its limit is refused, so a ZIP bomb costs neither memory nor hours.
package enum XLSXLimit {
    /// The workbook file itself (compressed). A 1,000,000-row Security object licenses export is about 30 to 60 MB.
    package static let file = 1 << 30
    /// The worksheet, streamed (never held in memory): 1,000,000 rows of 14 cells with inline strings stay under 2 GiB.
    package static let worksheet: UInt64 = 4 << 30
    /// The shared strings, held in memory as the table cells point into.
    package static let sharedStrings: UInt64 = 256 << 20
    /// The workbook and relationships parts, which only say where the first worksheet is.
    package static let smallPart: UInt64 = 16 << 20
    /// The parts (ZIP entries) of a workbook: an Excel export has a few dozen.
    package static let parts = 10_000
    /// The characters (UTF-16 code units) a cell holds at most, as Excel allows: a longer cell is no export of Excel.
    package static let cellCharacters = 32_767
}

/// An Office Open XML workbook (`.xlsx`) read for its first worksheet's rows: shared strings (rich-text runs joined),
/// inline strings, numbers and other plain values as written, empty cells skipped by their references.
///
/// The worksheet is inflated and parsed as a stream (`XMLPushParser` fed by the ZIP extraction): memory holds the
/// shared strings and one row, never the sheet. Refused with one `InputError` naming the file: a file that is not a ZIP
/// archive (a password-protected workbook is an encrypted OLE file, not a ZIP), a damaged or encrypted archive, an
/// entry compressed in a way other than stored or deflate, a part over its `XLSXLimit`, malformed XML.
package struct XLSXWorkbook {
    private let path: String
    private let archive: Archive
    /// The archive's entries by lower-case path (without a leading `/`), the first of each: read once, as ZIPFoundation
    /// looks a path up by reading the whole central directory.
    private let entries: [String: Entry]

    /// Opens the workbook at `path`.
    package init(path: String) throws(InputError) {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else { throw .missing(path: path, input: .objectLicenses) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .unreadable(path: path, reason: "it is not a regular file") }
        guard Int(status.st_size) <= XLSXLimit.file else {
            throw .unreadable(path: path, reason: "file is over the \(XLSXLimit.file >> 20) MiB limit for a workbook")
        }
        guard status.st_size > 0 else { throw .empty(path: path) }
        let magic = Self.firstBytes(of: path, count: 4)
        if magic == [0xD0, 0xCF, 0x11, 0xE0] {
            throw .invalid(path: path, line: nil, column: nil,
                           message: "this is a password-protected (encrypted) workbook or an old .xls file, not an .xlsx; save it in Excel as an .xlsx workbook without a password")
        }
        guard magic == [0x50, 0x4B, 0x03, 0x04] else {
            throw .invalid(path: path, line: nil, column: nil, message: "this is not an .xlsx workbook (not a ZIP archive); save it in Excel as an .xlsx workbook or as CSV")
        }
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw .invalid(path: path, line: nil, column: nil, message: "the workbook is damaged (its ZIP directory cannot be read); export it again")
        }
        var entries: [String: Entry] = [:]
        var count = 0
        for entry in archive {
            count += 1
            guard count <= XLSXLimit.parts else {
                throw .invalid(path: path, line: nil, column: nil,
                               message: "the workbook has over \(XLSXLimit.parts) parts, more than an export holds (a few dozen); refused")
            }
            var key = entry.path.lowercased()
            if key.hasPrefix("/") { key.removeFirst() }
            if entries[key] == nil { entries[key] = entry }
        }
        self.entries = entries
    }

    private static func firstBytes(of path: String, count: Int) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { return [] }
        defer { try? handle.close() }
        return [UInt8]((try? handle.read(upToCount: count)) ?? Data())
    }

    /// Streams the rows of the first worksheet (the workbook's first sheet, else `xl/worksheets/sheet1.xml`) to
    /// `body`, in sheet order; rows without any text are skipped. An error `body` throws stops the read and is rethrown.
    package func readFirstWorksheet(_ body: @escaping (WorksheetRow) throws(InputError) -> Void) throws(InputError) {
        let sheetPath = try firstWorksheetPath()
        let strings = try sharedStrings()
        let handler = WorksheetHandler(file: path, sharedStrings: strings, part: sheetPath, body: body)
        try parse(part: sheetPath, limit: XLSXLimit.worksheet, handler: handler)
        if let error = handler.error { throw error }
    }

    // MARK: Parts

    private func entry(_ part: String) -> Entry? { entries[part.lowercased()] }

    /// The first sheet's part, found through `xl/workbook.xml` and its relationships.
    private func firstWorksheetPath() throws(InputError) -> String {
        let fallback = "xl/worksheets/sheet1.xml"
        func fallingBack() throws(InputError) -> String {
            guard entry(fallback) != nil else {
                throw .invalid(path: path, line: nil, column: nil, message: "the workbook has no worksheet (no xl/workbook.xml sheet and no \(fallback)); export it again")
            }
            return fallback
        }
        guard entry("xl/workbook.xml") != nil else { return try fallingBack() }
        let sheets = FirstSheetHandler()
        try parse(part: "xl/workbook.xml", limit: XLSXLimit.smallPart, handler: sheets)
        guard let relationship = sheets.relationshipId, entry("xl/_rels/workbook.xml.rels") != nil else { return try fallingBack() }
        let relationships = RelationshipHandler(wanted: relationship)
        try parse(part: "xl/_rels/workbook.xml.rels", limit: XLSXLimit.smallPart, handler: relationships)
        guard let target = relationships.target else { return try fallingBack() }
        let resolved = Self.resolve(target, from: "xl")
        guard entry(resolved) != nil else {
            throw .invalid(path: path, line: nil, column: nil, message: "the workbook's first sheet points to \(resolved), which the file does not hold; export it again")
        }
        return resolved
    }

    /// A relationship target resolved against the folder of the part that declares it (`/xl/…` is from the root).
    private static func resolve(_ target: String, from folder: String) -> String {
        var parts = target.hasPrefix("/") ? [] : folder.split(separator: "/").map(String.init)
        for piece in target.split(separator: "/") {
            switch piece {
            case ".": continue
            case "..": _ = parts.popLast()
            default: parts.append(String(piece))
            }
        }
        return parts.joined(separator: "/")
    }

    /// The shared strings table, empty when the workbook has none.
    private func sharedStrings() throws(InputError) -> [String] {
        guard entry("xl/sharedStrings.xml") != nil else { return [] }
        let handler = SharedStringsHandler()
        try parse(part: "xl/sharedStrings.xml", limit: XLSXLimit.sharedStrings, handler: handler)
        return handler.strings
    }

    /// Why inflating a part stopped early.
    private struct PartTooLarge: Error {}

    /// Inflates `part` chunk by chunk into a push parser feeding `handler`.
    private func parse(part: String, limit: UInt64, handler: some XMLPushHandler) throws(InputError) {
        guard let entry = entry(part) else { throw .invalid(path: path, line: nil, column: nil, message: "the workbook has no \(part)") }
        guard entry.type == .file else { throw .invalid(path: path, line: nil, column: nil, message: "\(part) in the workbook is not a file entry") }
        guard entry.uncompressedSize <= limit else {
            throw .invalid(path: path, line: nil, column: nil, message: "\(part) in the workbook inflates to over \(limit >> 20) MiB, more than a workbook of this kind holds; refused")
        }
        let parser = XMLPushParser(handler: handler)
        var inflated: UInt64 = 0
        let checksum: CRC32
        do {
            checksum = try archive.extract(entry, bufferSize: 1 << 16, skipCRC32: false) { chunk in
                inflated += UInt64(chunk.count)
                guard inflated <= limit else { throw PartTooLarge() }
                try chunk.withUnsafeBytes { try parser.feed($0) }
            }
            try parser.finish()
        } catch let error as XMLSyntaxError {
            if let stop = (handler as? WorksheetHandler)?.error { throw stop }
            let place = [error.line.map { "line \($0)" }, error.column.map { "column \($0)" }].compactMap { $0 }.joined(separator: ", ")
            throw .invalid(path: path, line: nil, column: nil, message: "\(part)\(place.isEmpty ? "" : " (\(place))") in the workbook is not well-formed XML: \(error.message)")
        } catch is PartTooLarge {
            throw .invalid(path: path, line: nil, column: nil, message: "\(part) in the workbook inflates to over \(limit >> 20) MiB, more than a workbook of this kind holds; refused")
        } catch {
            throw .invalid(path: path, line: nil, column: nil,
                           message: "\(part) in the workbook cannot be inflated (the file is damaged, encrypted or uses an unsupported compression): \(error); export it again")
        }
        guard checksum == entry.checksum else {
            throw .invalid(path: path, line: nil, column: nil, message: "\(part) in the workbook fails its checksum (the file is damaged or encrypted); export it again")
        }
    }
}

// MARK: - Handlers

/// Finds the relationship id of the workbook's first `<sheet>`.
private final class FirstSheetHandler: XMLPushHandler {
    var relationshipId: String?
    let stopReason: String? = nil
    func didStart(element localName: XMLName, attributes: XMLAttributes) {
        if relationshipId == nil, localName == "sheet" { relationshipId = attributes.value("id") }
    }
    func didEnd(element localName: XMLName) {}
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// Finds the target of one relationship.
private final class RelationshipHandler: XMLPushHandler {
    let wanted: String
    var target: String?
    let stopReason: String? = nil
    init(wanted: String) { self.wanted = wanted }
    func didStart(element localName: XMLName, attributes: XMLAttributes) {
        if target == nil, localName == "Relationship", attributes.value("Id") == wanted { target = attributes.value("Target") }
    }
    func didEnd(element localName: XMLName) {}
    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// Collects each `<si>`'s text: its `<t>`, or its rich-text runs' `<t>`s joined; phonetic runs (`<rPh>`) left out.
private final class SharedStringsHandler: XMLPushHandler {
    var strings: [String] = []
    private var text: [UInt8] = []
    private var inText = false
    private var phonetic = 0
    let stopReason: String? = nil

    func didStart(element localName: XMLName, attributes: XMLAttributes) {
        switch localName {
        case "si": text.removeAll(keepingCapacity: true)
        case "t": inText = phonetic == 0
        case "rPh": phonetic += 1
        default: break
        }
    }

    func didEnd(element localName: XMLName) {
        switch localName {
        case "si": strings.append(String(decoding: text, as: UTF8.self))
        case "t": inText = false
        case "rPh": phonetic -= 1
        default: break
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        if inText { text.append(contentsOf: bytes) }
    }
}

/// Turns a worksheet's `<row>`s and `<c>`s into `WorksheetRow`s.
private final class WorksheetHandler: XMLPushHandler {
    private let file: String
    private let sharedStrings: [String]
    private let part: String
    private let body: (WorksheetRow) throws(InputError) -> Void
    /// The error that stopped the read: a bad cell, or one `body` threw.
    var error: InputError?
    var stopReason: String? { error.map { _ in "stopped" } }

    private var row = WorksheetRow(number: 0, cells: [])
    private var inRow = false
    private var column = 0
    private var cellType = CellType.other
    private var value: [UInt8] = []
    private var inlineText: [UInt8] = []
    private var capture = Capture.none
    private var inInlineString = false
    private var phonetic = 0
    private var lastColumn = 0

    private enum Capture { case none, value, inline }
    /// How a cell holds its text: an index into the shared strings (`t="s"`), an inline string, or its value as written.
    private enum CellType { case shared, inline, other }

    init(file: String, sharedStrings: [String], part: String, body: @escaping (WorksheetRow) throws(InputError) -> Void) {
        self.file = file
        self.sharedStrings = sharedStrings
        self.part = part
        self.body = body
    }

    private func fail(_ message: String, column: Int? = nil) {
        guard error == nil else { return }
        // Before the first row is read there is no row to place the error on.
        error = .invalid(path: file, line: row.number > 0 ? row.number : nil, column: column, message: message)
    }

    func didStart(element localName: XMLName, attributes: XMLAttributes) {
        guard error == nil else { return }
        switch localName {
        case "row":
            let number = attributes.value("r").map { Int($0.trimmingBlanks()) } ?? .some(row.number + 1)
            guard let number, number > 0 else {
                let which = row.number > 0 ? "a row's number '\(attributes.value("r") ?? "")' after row \(row.number)" : "the first row's number '\(attributes.value("r") ?? "")'"
                fail("\(part): \(which) is not a row number")
                return
            }
            row = WorksheetRow(number: number, cells: [])
            inRow = true
            lastColumn = 0
        case "c":
            if let reference = attributes.bytes("r"), !reference.isEmpty {
                guard let parsed = Self.column(of: reference) else {
                    fail("\(part): the cell reference '\(String(decoding: reference, as: UTF8.self))' is not a cell reference (like C5)")
                    return
                }
                column = parsed
            } else {
                column = lastColumn + 1
            }
            lastColumn = column
            if let type = attributes.bytes("t") {
                cellType = type.count == 1 && type[0] == UInt8(ascii: "s") ? .shared : type.elementsEqual("inlineStr".utf8) ? .inline : .other
            } else {
                cellType = .other
            }
            value.removeAll(keepingCapacity: true)
            inlineText.removeAll(keepingCapacity: true)
        case "v": capture = .value
        case "is": inInlineString = true
        case "t" where inInlineString && phonetic == 0: capture = .inline
        case "rPh": phonetic += 1
        default: break
        }
    }

    func didEnd(element localName: XMLName) {
        guard error == nil else { return }
        switch localName {
        case "v", "t": capture = .none
        case "is": inInlineString = false
        case "rPh": phonetic -= 1
        case "c": endCell()
        case "row":
            inRow = false
            guard !row.cells.isEmpty else { return }
            do throws(InputError) { try body(row) } catch { self.error = error }
        default: break
        }
    }

    func characters(_ bytes: UnsafeBufferPointer<UInt8>) {
        switch capture {
        case .none: break
        case .value: value.append(contentsOf: bytes)
        case .inline: inlineText.append(contentsOf: bytes)
        }
        // A UTF-16 code unit takes at most 3 UTF-8 bytes: past that, the cell is over Excel's limit whatever it holds.
        if max(value.count, inlineText.count) > 3 * XLSXLimit.cellCharacters { refuseOverlongCell() }
    }

    private func refuseOverlongCell() {
        fail("\(part): cell \(WorksheetRow.letters(ofColumn: column))\(row.number) holds over 32,767 characters, more than an Excel cell can; the file is not an export of Excel (export it again)",
             column: column)
    }

    private func endCell() {
        let text: String
        switch cellType {
        case .shared:
            guard !value.isEmpty else { return }
            guard let index = Self.number(value), sharedStrings.indices.contains(index) else {
                fail("\(part): cell \(WorksheetRow.letters(ofColumn: column))\(row.number) points to shared string '\(String(decoding: value, as: UTF8.self).trimmingBlanks())', which the workbook does not have (it has \(sharedStrings.count))",
                     column: column)
                return
            }
            text = sharedStrings[index]
        case .inline: text = String(decoding: inlineText, as: UTF8.self)
        default: text = String(decoding: value, as: UTF8.self)
        }
        if text.utf8.count > XLSXLimit.cellCharacters && text.utf16.count > XLSXLimit.cellCharacters {
            refuseOverlongCell()
            return
        }
        guard inRow, !text.isEmpty else { return }
        row.cells.append((column, text))
    }

    /// A shared string index: digits, blanks around them allowed; nil when it is not one.
    static func number(_ bytes: [UInt8]) -> Int? {
        var number = 0, digits = 0
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits < 18 else { return nil }
                number = number * 10 + Int(byte - 48); digits += 1
            case 0x20, 0x09, 0x0A, 0x0D: continue
            default: return nil
            }
        }
        return digits > 0 ? number : nil
    }

    /// The column (1 = A) of a reference like `C5` or `AB12`; nil when it is not one.
    static func column(of reference: UnsafeBufferPointer<UInt8>) -> Int? {
        var column = 0, letters = 0, digits = 0
        for byte in reference {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z") where digits == 0:
                column = column * 26 + Int(byte - 64); letters += 1
            case UInt8(ascii: "a")...UInt8(ascii: "z") where digits == 0:
                column = column * 26 + Int(byte - 96); letters += 1
            case UInt8(ascii: "0")...UInt8(ascii: "9") where letters > 0:
                digits += 1
            case UInt8(ascii: "$"): continue
            default: return nil
            }
            if letters > 3 { return nil }
        }
        return letters > 0 ? column : nil
    }
}
