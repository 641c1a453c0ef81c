import Foundation

/// Reads User security governance's Security object licenses export, as `.xlsx` or `.csv`.
///
/// Columns (headers in any case, spaces ignored, extra columns ignored): Role name, Subrole name, Duty name, Privilege
/// name, Securable type, AOT name, AOT child name, Read, Update, Create, Delete, Invoke, Access level, License. Only
/// Securable type, AOT name, Access level and License are required and read, with AOT child name when present: the
/// export repeats each object for every role, duty and privilege that grants it, and only the distinct (type, name,
/// child, level) → License rows matter.
///
/// Places in errors and warnings: for a `.csv`, the line and the field number (1 = first field); for an `.xlsx`, the
/// sheet's row number (as Excel shows it) and the column number (1 = A; the message names the letter too).
package enum SecurityObjectLicensesExport {
    /// Reads a `.csv` export; `delimiter` nil means detected from the header, as for the users file.
    package static func readCSV(path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> ObjectLicenseTable {
        let data = try readInputFile(path, input: .objectLicenses, maximumSize: InputSizeLimit.csv)
        return try parseCSV(decodeText(data, path: path), path: path, delimiter: delimiter)
    }

    /// Reads `.csv` export text; `path` names the source in errors.
    package static func parseCSV(_ text: String, path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> ObjectLicenseTable {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        var collector = try ObjectLicenseRowCollector(header: table.header.enumerated().map { (column: $0.offset + 1, text: $0.element) }, headerLine: 1, path: path,
                                                      placeName: "line", columnName: { "field \($0)" })
        let columns = collector.columns
        let read = table.rows { fields in
            columns.map { column -> String in
                guard let column, column - 1 < fields.count else { return "" }
                return fields[column - 1]
            }
        }
        for (line, fields) in read.rows { try collector.add(fields, line: line) }
        if let error = read.error { throw error }
        return collector.table(files: [path])
    }

    /// Reads an `.xlsx` export's first worksheet, streamed: a 1,000,000-row export costs the memory of its distinct
    /// objects, not of its rows. The header is the first row with any text.
    package static func readXLSX(path: String) throws(InputError) -> ObjectLicenseTable {
        let workbook = try XLSXWorkbook(path: path)
        var collector: ObjectLicenseRowCollector?
        var columns: [Int?] = []
        var fields = [String](repeating: "", count: ObjectLicenseRowCollector.Column.allCases.count)
        try workbook.readFirstWorksheet { (row: WorksheetRow) throws(InputError) in
            // The collector is only ever mutated in place: a second reference to it would copy its tables on every row.
            guard collector != nil else {
                collector = try ObjectLicenseRowCollector(header: row.cells, headerLine: row.number, path: path, placeName: "row",
                                                          columnName: { "column \(WorksheetRow.letters(ofColumn: $0))" })
                columns = collector!.columns
                return
            }
            for index in fields.indices { fields[index] = "" }
            for cell in row.cells {
                for (index, column) in columns.enumerated() where column == cell.column { fields[index] = cell.text }
            }
            try collector!.add(fields, line: row.number)
        }
        guard let collector else { throw .invalid(path: path, line: nil, column: nil, message: "the first worksheet is empty: no header row and no rows") }
        return collector.table(files: [path])
    }
}

/// Gathers the distinct objects of a Security object licenses export, row by row, whatever file format they come in.
struct ObjectLicenseRowCollector {
    /// The columns read, in the order `add` receives their fields.
    enum Column: String, CaseIterable {
        case securableType = "Securable type"
        case aotName = "AOT name"
        case aotChildName = "AOT child name"
        case accessLevel = "Access level"
        case license = "License"

        /// The header, folded: lower case without spaces or `_`.
        static func matching(_ header: String) -> Column? {
            let folded = fold(header)
            return allCases.first { fold($0.rawValue) == folded }
        }

        private static func fold(_ text: String) -> String {
            String(text.trimmingBlanks().lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" })
        }
    }

    /// The file column (1-based) of each `Column`, in `Column.allCases` order; nil for AOT child name when absent.
    let columns: [Int?]
    private let path: String
    private let placeName: String
    private let columnName: (Int) -> String
    private var entries: [ObjectLicenseKey: ObjectLicenseEntry] = [:]
    /// Each entry's License as its first row wrote it and as SKU name keys, for comparing a later row's with it.
    private var firstLicenses: [ObjectLicenseKey: (text: String, skus: Set<NameKey>)] = [:]
    private var diagnostics: DiagnosticLog
    private var rowCount = 0

    /// Maps the header (column number and text); throws when a required column is missing.
    init(header: [(column: Int, text: String)], headerLine: Int, path: String, placeName: String, columnName: @escaping (Int) -> String) throws(InputError) {
        let (found, headerDiagnostics) = CSVHeader.columns(header.map(\.text), path: path, place: { columnName(header[$0].column) }, key: Column.matching)
        let missing = Column.allCases.filter { $0 != .aotChildName && found[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid(path: path, line: headerLine, column: nil,
                           message: "not a Security object licenses export: missing column(s) \(missing.map(\.rawValue).joined(separator: ", ")); the header has: \(header.map(\.text).joined(separator: ", "))")
        }
        columns = Column.allCases.map { column in found[column].map { header[$0].column } }
        self.path = path
        self.placeName = placeName
        self.columnName = columnName
        var log = DiagnosticLog()
        // CSVHeader places header warnings on line 1; a sheet's header may be on another row.
        for var diagnostic in headerDiagnostics {
            diagnostic.location = SourceLocation(file: path, line: headerLine)
            log.append(diagnostic)
        }
        diagnostics = log
    }

    /// Adds one row: `fields` in `Column.allCases` order, `line` its line or sheet row.
    mutating func add(_ fields: [String], line: Int) throws(InputError) {
        rowCount += 1
        let location = SourceLocation(file: path, line: line)
        func field(_ column: Column) -> String { fields[Column.allCases.firstIndex(of: column)!].trimmingBlanks() }
        func fileColumn(_ column: Column) -> Int? { columns[Column.allCases.firstIndex(of: column)!] }
        func refuse(_ column: Column, _ message: String) -> InputError {
            let number = fileColumn(column)
            return .invalid(path: path, line: line, column: number, message: "\(number.map(columnName) ?? column.rawValue) (\(column.rawValue)): \(message)")
        }

        let typeText = field(.securableType)
        guard let kind = SecurableKind(text: typeText) else {
            diagnostics.append(Diagnostic(.warning, .unknownSecurableType,
                                          "securable type '\(typeText)' is not one per-object licensing knows (menu item display/action/output, service operation, data entity, data entity method); the row is skipped",
                                          at: location))
            return
        }
        let name = field(.aotName)
        guard !name.isEmpty else { throw refuse(.aotName, "the AOT name is empty") }
        let levelText = field(.accessLevel)
        guard let level = ObjectAccessLevel(text: levelText) else { throw refuse(.accessLevel, "'\(levelText)' is not an access level (Read or Write)") }
        let licenseText = field(.license)
        let childName = field(.aotChildName)
        let key = ObjectLicenseKey(kind: kind, name: name, childName: childName, level: level)
        // Most rows repeat an object already seen with the same License text: settled without splitting it.
        if firstLicenses[key]?.text == licenseText { return }
        let skuNames = Self.skuNames(licenseText)
        guard !skuNames.isEmpty else { throw refuse(.license, "the License is empty; every object and level names at least one SKU") }
        let keys = Set(skuNames.map(NameKey.init))
        if let first = entries[key] {
            if firstLicenses[key]?.skus != keys {
                diagnostics.append(Diagnostic(.warning, .conflictingObjectLicense,
                                              "\(kind) '\(Self.display(name, childName))' at \(level) is licensed by '\(licenseText)' here but by '\(first.licenseText)' at \(placeName) \(first.location.line ?? 0); the first is used",
                                              at: location))
            }
            return
        }
        entries[key] = ObjectLicenseEntry(aotName: name, childName: childName, skuNames: skuNames, location: location)
        firstLicenses[key] = (licenseText, keys)
    }

    /// The table of everything added.
    func table(files: [String]) -> ObjectLicenseTable {
        var log = diagnostics
        if rowCount == 0 {
            log.append(Diagnostic(.warning, .noRows, "the export has a header and no rows: no object licenses", at: SourceLocation(file: path, line: 1)))
        }
        return ObjectLicenseTable(entries: entries, skus: [], shape: .securityObjectLicensesExport, files: files, diagnostics: log.diagnostics)
    }

    /// The SKU names of a License text (`Finance or Supply Chain Management`), trimmed, in order, without repeats.
    static func skuNames(_ license: String) -> [String] {
        var names: [String] = [], seen = Set<NameKey>()
        for piece in license.components(separatedBy: " or ") {
            let name = piece.trimmingBlanks()
            if !name.isEmpty, seen.insert(NameKey(name)).inserted { names.append(name) }
        }
        return names
    }

    /// `Name` or `Name.Child`, for messages.
    static func display(_ name: String, _ child: String) -> String { child.isEmpty ? name : "\(name).\(child)" }
}
