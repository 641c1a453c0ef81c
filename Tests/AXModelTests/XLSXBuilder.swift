import AXTestSupport
import Foundation
import ZIPFoundation

/// Writes small `.xlsx` workbooks for tests from their XML parts, so no binary fixture is committed.
enum XLSXBuilder {
    /// How cell text is stored.
    enum Strings { case shared, inline }

    /// The parts of a workbook whose first sheet holds `rows` (each cell's text; empty cells are left out), with the
    /// workbook and relationships that point at `sheetPart`.
    static func parts(rows: [[String]], strings: Strings, sheetPart: String = "xl/worksheets/sheet1.xml") -> [String: String] {
        var shared: [String] = []
        var sharedIndex: [String: Int] = [:]
        var sheet = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
        for (rowIndex, row) in rows.enumerated() {
            sheet += #"<row r="\#(rowIndex + 1)">"#
            for (columnIndex, text) in row.enumerated() where !text.isEmpty {
                let reference = letters(columnIndex + 1) + "\(rowIndex + 1)"
                switch strings {
                case .shared:
                    let index = sharedIndex[text] ?? { shared.append(text); sharedIndex[text] = shared.count - 1; return shared.count - 1 }()
                    sheet += #"<c r="\#(reference)" t="s"><v>\#(index)</v></c>"#
                case .inline:
                    sheet += #"<c r="\#(reference)" t="inlineStr"><is><t>\#(escaped(text))</t></is></c>"#
                }
            }
            sheet += "</row>"
        }
        sheet += "</sheetData></worksheet>"
        var parts = workbookParts(sheetTarget: String(sheetPart.dropFirst("xl/".count)))
        parts[sheetPart] = sheet
        if strings == .shared {
            parts["xl/sharedStrings.xml"] = #"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(shared.count)">"#
                + shared.map { "<si><t>\(escaped($0))</t></si>" }.joined() + "</sst>"
        }
        return parts
    }

    /// `xl/workbook.xml` naming one sheet, and its relationships pointing at `sheetTarget` (relative to `xl/`).
    static func workbookParts(sheetTarget: String) -> [String: String] {
        [
            "[Content_Types].xml": #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#,
            "xl/workbook.xml": #"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Security object licenses" sheetId="1" r:id="rId7"/><sheet name="Other" sheetId="2" r:id="rId8"/></sheets></workbook>"#,
            "xl/_rels/workbook.xml.rels": #"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/other.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="\#(sheetTarget)"/></Relationships>"#,
        ]
    }

    /// Writes `parts` as a ZIP archive (deflated) at `path`.
    static func write(_ parts: [String: String], to path: String) {
        try? FileManager.default.removeItem(atPath: path)
        let archive = try! Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        for (name, text) in parts.sorted(by: { $0.key < $1.key }) {
            let data = Data(text.utf8)
            try! archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    static func letters(_ column: Int) -> String {
        var column = column, text = ""
        while column > 0 {
            text = String(UnicodeScalar(UInt8(65 + (column - 1) % 26))) + text
            column = (column - 1) / 26
        }
        return text
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
