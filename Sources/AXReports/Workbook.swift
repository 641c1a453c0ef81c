import AXCompliance
import AXLicensing
import Foundation
import ZIPFoundation

/// An Excel workbook (Office Open XML, `.xlsx`) of report tables: one sheet per table, a bold header row frozen
/// above the data, an auto-filter, and typed cells: counts as numbers, amounts as numbers in the catalog currency's
/// format (`$#,##0.00`), dates as Excel dates shown `yyyy-mm-dd`, everything else as text (never a formula).
///
/// Written from scratch on ZIPFoundation rather than a spreadsheet library: a report needs inline strings, numbers
/// and three number formats, which is a few hundred bytes of fixed XML per part.
public struct Workbook: Sendable {
    /// One cell's value and how Excel holds it.
    public enum Cell: Sendable, Hashable {
        /// Text, written as an inline string (a value starting with `=` stays text).
        case text(String)
        /// A count or a decimal number; `decimals` says whether it shows two decimals.
        case number(String, decimals: Bool)
        /// An amount, in the workbook's currency format.
        case money(Money)
        /// A calendar date, as an Excel date (days since 1899-12-30) in the `yyyy-mm-dd` format.
        case date(CalendarDate)

        /// The cell of a report table's column `kind` holding `text`: numbers, amounts (`1234.50`, `+30.00`) and dates
        /// (`2026-10-31`) typed when they are in their machine form, anything else (`180.00 → 210.00`) text.
        init(_ text: String, kind: ColumnKind) {
            switch kind {
            case .money:
                if let amount = MoneyFormat.cents(text) { self = .money(Money(cents: amount.sign == "-" ? -amount.cents : amount.cents)); return }
            case .number:
                if let value = Double(text), value.isFinite { self = .number(text.hasPrefix("+") ? String(text.dropFirst()) : text, decimals: text.contains(".")); return }
            case .date:
                if text.count == 10, let date = CalendarDate(text), Cell.serial(date) != nil { self = .date(date); return }
            default: break
            }
            self = .text(text)
        }

        /// The text of the cell as a reader sees it, for the column width.
        func shownLength(_ money: MoneyFormat?) -> Int {
            switch self {
            case .text(let text), .number(let text, _): text.count
            case .money(let amount): money?.text(amount).count ?? amount.description.count
            case .date: 10
            }
        }

        /// Excel's serial day number of `date`, nil before 1 March 1900 (Excel's calendar counts a 29 February 1900
        /// that never was; earlier dates are written as text).
        static func serial(_ date: CalendarDate) -> Int? {
            guard (date.year, date.month) >= (1900, 3) else { return nil }
            return Int((date.startOfDay.timeIntervalSince1970 / 86_400).rounded(.down)) + 25_569
        }
    }

    /// One sheet: a name (at most 31 characters, no `[]:*?/\`), a header row and typed rows.
    public struct Sheet: Sendable {
        /// The sheet tab's name.
        public var name: String
        /// The header row.
        public var header: [String]
        /// The rows below the header.
        public var rows: [[Cell]]

        /// A sheet of `rows` under `header`; the name is cleaned to what Excel accepts (31 characters, none of `[]:*?/\`).
        public init(name: String, header: [String], rows: [[Cell]]) {
            let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
            self.name = cleaned.isEmpty ? "Sheet" : cleaned
            self.header = header
            self.rows = rows
        }

        /// A sheet of a report table, its cells typed by their columns' kinds.
        public init(name: String, table: ReportTable) {
            self.init(name: name, header: table.header, rows: table.rows.map { row in
                table.columns.indices.map { Cell(table.cell(row, $0), kind: table.columns[$0].kind) }
            })
        }
    }

    /// The sheets, in tab order.
    public var sheets: [Sheet]
    /// The modification time stored in the archive: fixed, so the same report gives the same bytes.
    public var date: Date
    /// The format of amounts (the catalog's currency); nil shows them as plain two-decimal numbers.
    public var money: MoneyFormat?

    public init(sheets: [Sheet], date: Date, money: MoneyFormat? = nil) {
        self.sheets = sheets
        self.date = date
        self.money = money
    }

    /// Why the workbook could not be assembled (the archive library failed in memory).
    public struct BuildError: Error, CustomStringConvertible {
        /// What the archive library reported.
        public var reason: String
        /// The error as printed.
        public var description: String { "cannot build the workbook: \(reason)" }
    }

    /// The `.xlsx` file's bytes.
    public func data() throws(BuildError) -> Data {
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes),
            ("_rels/.rels", rootRelationships),
            ("xl/workbook.xml", workbookXML),
            ("xl/_rels/workbook.xml.rels", workbookRelationships),
            ("xl/styles.xml", styles),
        ]
        for (index, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(index + 1).xml", Self.worksheet(sheet, money: money))) }
        do {
            let archive = try Archive(data: Data(), accessMode: .create)
            for (path, text) in parts {
                let bytes = Data(text.utf8)
                try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: date,
                                     compressionMethod: .deflate) { position, size in
                    bytes.subdata(in: Int(position)..<Int(position) + size)
                }
            }
            guard let data = archive.data else { throw BuildError(reason: "the archive has no data") }
            return data
        } catch let error as BuildError {
            throw error
        } catch {
            throw BuildError(reason: "\(error)")
        }
    }

    private static let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
    private static let mainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    private static let relationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

    private var contentTypes: String {
        Self.header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
            + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
            + #"<Default Extension="xml" ContentType="application/xml"/>"#
            + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
            + #"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#
            + sheets.indices.map { #"<Override PartName="/xl/worksheets/sheet\#($0 + 1).xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"# }.joined()
            + "</Types>"
    }

    private var rootRelationships: String {
        Self.header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + #"<Relationship Id="rId1" Type="\#(Self.relationshipNamespace)/officeDocument" Target="xl/workbook.xml"/>"#
            + "</Relationships>"
    }

    private var workbookXML: String {
        Self.header + #"<workbook xmlns="\#(Self.mainNamespace)" xmlns:r="\#(Self.relationshipNamespace)"><sheets>"#
            + sheets.enumerated().map { #"<sheet name="\#(xmlEscaped($1.name))" sheetId="\#($0 + 1)" r:id="rId\#($0 + 1)"/>"# }.joined()
            + "</sheets></workbook>"
    }

    private var workbookRelationships: String {
        Self.header + #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
            + sheets.indices.map { #"<Relationship Id="rId\#($0 + 1)" Type="\#(Self.relationshipNamespace)/worksheet" Target="worksheets/sheet\#($0 + 1).xml"/>"# }.joined()
            + #"<Relationship Id="rId\#(sheets.count + 1)" Type="\#(Self.relationshipNamespace)/styles" Target="styles.xml"/>"#
            + "</Relationships>"
    }

    /// Cell formats: 0 general, 1 bold header, 2 two decimals, 3 integer, 4 date (`yyyy-mm-dd`), 5 money (the
    /// currency's symbol, thousands separators, two decimals).
    private var styles: String {
        let moneyFormat = xmlEscaped(money?.excelNumberFormat ?? "#,##0.00")
        return Self.header + #"<styleSheet xmlns="\#(Self.mainNamespace)">"#
            + #"<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/><numFmt numFmtId="165" formatCode="\#(moneyFormat)"/></numFmts>"#
            + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
            + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
            + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
            + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
            + #"<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
            + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
            + #"<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
            + #"<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#
            + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
            + "</styleSheet>"
    }

    /// `A`, `B`, … `Z`, `AA`, …
    static func columnName(_ index: Int) -> String {
        var name = ""
        var number = index + 1
        while number > 0 {
            let remainder = (number - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            number = (number - 1) / 26
        }
        return name
    }

    /// The sheet XML of a report table (its cells typed by column).
    static func worksheet(_ table: ReportTable, money: MoneyFormat? = nil) -> String {
        worksheet(Sheet(name: "Sheet", table: table), money: money)
    }

    static func worksheet(_ sheet: Sheet, money: MoneyFormat?) -> String {
        let columns = max(sheet.header.count, sheet.rows.map(\.count).max() ?? 0)
        let lastColumn = columnName(max(columns - 1, 0))
        let lastRow = sheet.rows.count + 1
        var xml = header + #"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)">"#
        xml += #"<dimension ref="A1:\#(lastColumn)\#(lastRow)"/>"#
        xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
        // Column widths from the longest cell as shown, within reason.
        xml += "<cols>"
        for column in 0..<columns {
            let longest = max(column < sheet.header.count ? sheet.header[column].count : 0,
                              sheet.rows.map { column < $0.count ? $0[column].shownLength(money) : 0 }.max() ?? 0)
            xml += #"<col min="\#(column + 1)" max="\#(column + 1)" width="\#(min(max(longest, 6), 60) + 2)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData>"
        func text(_ reference: String, _ text: String, style: String = "") -> String {
            #"<c r="\#(reference)" t="inlineStr"\#(style)><is><t xml:space="preserve">\#(xmlEscaped(text))</t></is></c>"#
        }
        xml += #"<row r="1">"#
        for (column, title) in sheet.header.enumerated() where !title.isEmpty { xml += text(columnName(column) + "1", title, style: #" s="1""#) }
        xml += "</row>"
        for (index, cells) in sheet.rows.enumerated() {
            let number = index + 2
            xml += #"<row r="\#(number)">"#
            for (column, cell) in cells.enumerated() {
                let reference = columnName(column) + "\(number)"
                switch cell {
                case .text(let value): if !value.isEmpty { xml += text(reference, value) }
                case .number(let value, let decimals): xml += #"<c r="\#(reference)" s="\#(decimals ? 2 : 3)"><v>\#(value)</v></c>"#
                case .money(let amount): xml += #"<c r="\#(reference)" s="5"><v>\#(amount.description)</v></c>"#
                case .date(let date):
                    if let serial = Cell.serial(date) { xml += #"<c r="\#(reference)" s="4"><v>\#(serial)</v></c>"# } else { xml += text(reference, date.description) }
                }
            }
            xml += "</row>"
        }
        xml += "</sheetData>"
        xml += #"<autoFilter ref="A1:\#(lastColumn)\#(lastRow)"/>"#
        return xml + "</worksheet>"
    }
}
