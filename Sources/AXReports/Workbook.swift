import Foundation
import ZIPFoundation

/// An Excel workbook (Office Open XML, `.xlsx`) of report tables: one sheet per table, a bold header row frozen
/// above the data, an auto-filter, and real numeric cells for the table's numeric columns.
///
/// Written from scratch on ZIPFoundation rather than a spreadsheet library: a report needs inline strings and
/// numbers only, which is a few hundred bytes of fixed XML per part.
public struct Workbook: Sendable {
    /// One sheet: a name (at most 31 characters, no `[]:*?/\`) and the table it shows.
    public struct Sheet: Sendable {
        /// The sheet tab's name.
        public var name: String
        /// The rows; numeric columns become number cells.
        public var table: ReportTable

        /// The name is cleaned to what Excel accepts (31 characters, none of `[]:*?/\`).
        public init(name: String, table: ReportTable) {
            let cleaned = String(name.map { "[]:*?/\\".contains($0) ? "-" : $0 }.prefix(31))
            self.name = cleaned.isEmpty ? "Sheet" : cleaned
            self.table = table
        }
    }

    /// The sheets, in tab order.
    public var sheets: [Sheet]
    /// The modification time stored in the archive: fixed, so the same report gives the same bytes.
    public var date: Date

    public init(sheets: [Sheet], date: Date) {
        self.sheets = sheets
        self.date = date
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
            ("xl/styles.xml", Self.styles),
        ]
        for (index, sheet) in sheets.enumerated() { parts.append(("xl/worksheets/sheet\(index + 1).xml", Self.worksheet(sheet.table))) }
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

    /// Cell formats: 0 general, 1 bold header, 2 two decimals (money), 3 integer.
    private static let styles = header + #"<styleSheet xmlns="\#(mainNamespace)">"#
        + #"<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>"#
        + #"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#
        + #"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#
        + #"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#
        + #"<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#
        + #"<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>"#
        + #"<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>"#
        + #"<xf numFmtId="1" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#
        + #"<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>"#
        + "</styleSheet>"

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

    static func worksheet(_ table: ReportTable) -> String {
        let lastColumn = columnName(max(table.header.count - 1, 0))
        let lastRow = table.rows.count + 1
        var xml = header + #"<worksheet xmlns="\#(mainNamespace)" xmlns:r="\#(relationshipNamespace)">"#
        xml += #"<dimension ref="A1:\#(lastColumn)\#(lastRow)"/>"#
        xml += #"<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>"#
        // Column widths from the longest cell, within reason.
        xml += "<cols>"
        for column in table.header.indices {
            let longest = ([table.header] + table.rows).map { column < $0.count ? $0[column].count : 0 }.max() ?? 8
            xml += #"<col min="\#(column + 1)" max="\#(column + 1)" width="\#(min(max(longest, 6), 60) + 2)" customWidth="1"/>"#
        }
        xml += "</cols><sheetData>"
        func row(_ cells: [String], _ number: Int, isHeader: Bool) {
            xml += #"<row r="\#(number)">"#
            for (column, cell) in cells.enumerated() where !cell.isEmpty {
                let reference = columnName(column) + "\(number)"
                if !isHeader, column < table.columns.count, table.columns[column].kind.isNumeric, let value = Double(cell), value.isFinite {
                    xml += #"<c r="\#(reference)" s="\#(cell.contains(".") ? 2 : 3)"><v>\#(cell.hasPrefix("+") ? String(cell.dropFirst()) : cell)</v></c>"#
                } else {
                    xml += #"<c r="\#(reference)" t="inlineStr"\#(isHeader ? #" s="1""# : "")><is><t xml:space="preserve">\#(xmlEscaped(cell))</t></is></c>"#
                }
            }
            xml += "</row>"
        }
        row(table.header, 1, isHeader: true)
        for (index, cells) in table.rows.enumerated() { row(cells, index + 2, isHeader: false) }
        xml += "</sheetData>"
        xml += #"<autoFilter ref="A1:\#(lastColumn)\#(lastRow)"/>"#
        return xml + "</worksheet>"
    }
}
