import AXReading
import AXTestSupport
import Foundation
import Testing

/// One distinct object row of Microsoft's per-object data, written into either shape by the tests.
struct ObjectRow {
    var type: String
    var name: String
    var child: String = ""
    var level: String
    var license: String
}

/// Builds both shapes of object-license data from one list of rows.
enum ObjectLicenseFixtures {
    static let exportHeader = ["Role name", "Subrole name", "Duty name", "Privilege name", "Securable type", "AOT name", "AOT child name",
                               "Read", "Update", "Create", "Delete", "Invoke", "Access level", "License"]

    /// The export's rows: each object repeated under several roles, as the real export does.
    static func exportRows(_ rows: [ObjectRow], roles: [String] = ["Accountant", "Clerk"]) -> [[String]] {
        var table = [exportHeader]
        for role in roles {
            for row in rows {
                let write = row.level.lowercased() == "write"
                table.append([role, "", "\(role)Duty", "\(row.name)Privilege", row.type, row.name, row.child, "Allow", write ? "Allow" : "", "", "", "",
                              row.level, row.license])
            }
        }
        return table
    }

    static func csv(_ table: [[String]], separator: String = ",") -> String {
        table.map { fields in
            fields.map { field in
                field.contains(separator) || field.contains("\"") || field.contains("\n") ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
            }.joined(separator: separator)
        }.joined(separator: "\n") + "\n"
    }

    /// The three SQL exports of the same rows (types written in AOT spelling, levels as 1/2), in `folder`.
    static func writeSQLExports(_ rows: [ObjectRow], in folder: TemporaryFolder, under prefix: String = "",
                                names: (String, String, String) = ("LicensingAllSkus.csv", "LicensingEntitlementObjects.csv", "LicensingAllEntitledPermissions.csv")) {
        var skuIds: [String: Int] = [:], skuLines = [["RecId", "SkuName", "Priority", "GroupName"]]
        var objectIds: [String: Int] = [:], objectLines = [["RecId", "AOTName", "AOTChildName", "SecurableType"]]
        var permissionLines = [["EntitlementObject", "AccessLevel", "SkuRecId"]]
        for row in rows {
            let kind = SecurableKind(text: row.type)!.rawValue
            let objectKey = "\(kind)|\(row.name)|\(row.child)"
            let objectId = objectIds[objectKey] ?? {
                let id = 5_637_144_000 + objectIds.count
                objectIds[objectKey] = id
                objectLines.append(["\(id)", row.name, row.child, kind])
                return id
            }()
            for sku in row.license.components(separatedBy: " or ") {
                let skuId = skuIds[sku] ?? {
                    let id = 100 + skuIds.count
                    skuIds[sku] = id
                    skuLines.append(["\(id)", sku, "\(skuIds.count)", "Base 1"])
                    return id
                }()
                permissionLines.append(["\(objectId)", row.level.lowercased() == "read" ? "1" : "2", "\(skuId)"])
            }
        }
        folder.write(prefix + names.0, csv(skuLines))
        folder.write(prefix + names.1, csv(objectLines))
        folder.write(prefix + names.2, csv(permissionLines))
    }

    static let sample: [ObjectRow] = [
        ObjectRow(type: "Menu item display", name: "LedgerJournalTable", level: "Read", license: "Team Members"),
        ObjectRow(type: "Menu item display", name: "LedgerJournalTable", level: "Write", license: "Finance or Supply Chain Management"),
        ObjectRow(type: "Menu item action", name: "SalesFormLetter_Invoice", level: "Write", license: "Supply Chain Management or Commerce"),
        ObjectRow(type: "Menu item output", name: "CustAccountStatement", level: "Read", license: "Activity"),
        ObjectRow(type: "Service operation", name: "CustomerService.create", level: "Write", license: "Finance"),
        ObjectRow(type: "Data entity", name: "CustCustomerV3Entity", level: "Read", license: "Team Members"),
        ObjectRow(type: "Data entity", name: "CustCustomerV3Entity", level: "Write", license: "Finance, Commerce & More or Commerce"),
        ObjectRow(type: "Data entity method", name: "CustCustomerV3Entity", child: "validate", level: "Write", license: "Human Resources Self Service"),
    ]
}

/// The Security object licenses export as CSV and as .xlsx (issue 14: readers of per-object data).
@Suite struct SecurityObjectLicensesExportTests {
    @Test func csvExportKeepsOneEntryPerObjectAndLevelWithSkuNamesSplitOnOr() throws {
        let folder = TemporaryFolder()
        let path = folder.write("export.csv", ObjectLicenseFixtures.csv(ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample)))
        let table = try ObjectLicenseReader.read(path: path)
        #expect(table.shape == .securityObjectLicensesExport)
        #expect(table.entries.count == 8)
        let write = try #require(table.entries[ObjectLicenseKey(kind: .menuItemDisplay, name: "ledgerjournaltable", childName: "", level: .write)])
        #expect(write.skuNames == ["Finance", "Supply Chain Management"])
        #expect(write.aotName == "LedgerJournalTable")
        #expect(write.location == AXReading.SourceLocation(file: path, line: 3))
        let method = try #require(table.entries[ObjectLicenseKey(kind: .dataEntityMethod, name: "CustCustomerV3Entity", childName: "VALIDATE", level: .write)])
        #expect(method.childName == "validate")
        #expect(table.diagnostics.isEmpty)
    }

    @Test func csvExportWithSemicolonsAndOtherHeaderCaseIsRead() throws {
        let folder = TemporaryFolder()
        var rows = ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(2)))
        rows[0] = rows[0].map { $0.uppercased() } + ["Extra column"]
        let path = folder.write("export.csv", ObjectLicenseFixtures.csv(rows, separator: ";"))
        let table = try ObjectLicenseReader.read(path: path)
        #expect(table.entries.count == 2)
    }

    @Test(arguments: [XLSXBuilder.Strings.shared, .inline])
    func xlsxExportGivesTheSameEntriesAsTheCSV(strings: XLSXBuilder.Strings) throws {
        let folder = TemporaryFolder()
        let rows = ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample)
        let csv = try ObjectLicenseReader.read(path: folder.write("export.csv", ObjectLicenseFixtures.csv(rows)))
        let xlsxPath = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(XLSXBuilder.parts(rows: rows, strings: strings, sheetPart: "xl/worksheets/data.xml"), to: xlsxPath)
        let xlsx = try ObjectLicenseReader.read(path: xlsxPath)
        #expect(xlsx.diagnostics.isEmpty)
        #expect(Self.contents(xlsx) == Self.contents(csv))
        #expect(xlsx.entries.count == 8)
        // Rows are the sheet's: the second object's first row is row 3, as in the CSV.
        #expect(xlsx.entries[ObjectLicenseKey(kind: .menuItemDisplay, name: "LedgerJournalTable", childName: "", level: .write)]?.location.line == 3)
    }

    /// Keys with what each maps to, without where it was read.
    static func contents(_ table: ObjectLicenseTable) -> [ObjectLicenseKey: [String]] {
        table.entries.mapValues { [$0.aotName, $0.childName] + $0.skuNames }
    }

    @Test func richTextSharedStringsAreJoinedWithoutPhoneticRuns() throws {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.workbookParts(sheetTarget: "worksheets/sheet1.xml")
        parts["xl/sharedStrings.xml"] = """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Securable type</t></si><si><t>AOT name</t></si>\
            <si><t>Access level</t></si><si><t>License</t></si>\
            <si><r><rPr><b/></rPr><t>Ledger</t></r><r><t xml:space="preserve">Journal</t></r><rPh sb="0" eb="1"><t>IGNORED</t></rPh></si>\
            <si><r><t>Finance</t></r><r><t xml:space="preserve"> or </t></r><r><t>Commerce</t></r></si></sst>
            """
        parts["xl/worksheets/sheet1.xml"] = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c></row>\
            <row r="2"><c r="A2" t="inlineStr"><is><r><t>Menu item </t></r><r><t>display</t></r></is></c><c r="B2" t="s"><v>4</v></c>\
            <c r="C2" t="str"><v>Write</v></c><c r="D2" t="s"><v>5</v></c></row></sheetData></worksheet>
            """
        let path = folder.url.appendingPathComponent("rich.xlsx").path
        XLSXBuilder.write(parts, to: path)
        let table = try ObjectLicenseReader.read(path: path)
        let entry = try #require(table.entries[ObjectLicenseKey(kind: .menuItemDisplay, name: "LedgerJournal", childName: "", level: .write)])
        #expect(entry.skuNames == ["Finance", "Commerce"])
    }

    @Test func sparseCellsAreReadByTheirReferencesAndNumbersAsWritten() throws {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.workbookParts(sheetTarget: "worksheets/sheet1.xml")
        // Header in row 3 (rows 1-2 empty), column B left empty, AOT child name in column G; a row without a child
        // name cell, then rows numbered with gaps; the access level as the number 2; a cell with no reference follows
        // the one before it.
        parts["xl/worksheets/sheet1.xml"] = """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"/>\
            <row r="3"><c r="A3" t="inlineStr"><is><t>Securable type</t></is></c><c r="C3" t="inlineStr"><is><t>AOT name</t></is></c>\
            <c r="G3" t="inlineStr"><is><t>AOT child name</t></is></c><c r="H3" t="inlineStr"><is><t>Access level</t></is></c>\
            <c t="inlineStr"><is><t>License</t></is></c></row>\
            <row r="4"><c r="A4" t="inlineStr"><is><t>Data entity</t></is></c><c r="C4" t="inlineStr"><is><t>VendVendorV2Entity</t></is></c>\
            <c r="H4"><v>2</v></c><c r="I4" t="inlineStr"><is><t>Supply Chain Management</t></is></c></row>\
            <row r="9"><c r="A9" t="inlineStr"><is><t>Data entity method</t></is></c><c r="C9" t="inlineStr"><is><t>VendVendorV2Entity</t></is></c>\
            <c r="G9" t="inlineStr"><is><t>post</t></is></c><c r="H9" t="inlineStr"><is><t>Read</t></is></c>\
            <c r="I9" t="inlineStr"><is><t>Team Members</t></is></c></row></sheetData></worksheet>
            """
        let path = folder.url.appendingPathComponent("sparse.xlsx").path
        XLSXBuilder.write(parts, to: path)
        let table = try ObjectLicenseReader.read(path: path)
        #expect(table.entries.count == 2)
        let entity = try #require(table.entries[ObjectLicenseKey(kind: .dataEntity, name: "VendVendorV2Entity", childName: "", level: .write)])
        #expect(entity.skuNames == ["Supply Chain Management"])
        #expect(entity.location.line == 4)
        let method = try #require(table.entries[ObjectLicenseKey(kind: .dataEntityMethod, name: "VendVendorV2Entity", childName: "post", level: .read)])
        #expect(method.location.line == 9)
    }

    @Test func aWorkbookWithoutWorkbookPartFallsBackToSheetOne() throws {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared)
        parts["xl/workbook.xml"] = nil
        parts["xl/_rels/workbook.xml.rels"] = nil
        let path = folder.url.appendingPathComponent("bare.xlsx").path
        XLSXBuilder.write(parts, to: path)
        #expect(try ObjectLicenseReader.read(path: path).entries.count == 8)
    }

    @Test func aConflictingLicenseIsAWarningNamingFileAndRowAndTheFirstWins() throws {
        let folder = TemporaryFolder()
        var rows = ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(2)), roles: ["Accountant"])
        // Same object and level again, License words in another order (not a conflict) and then another License.
        rows.append(rows[2].enumerated().map { $0.offset == 13 ? "Supply Chain Management or Finance" : $0.element })
        rows.append(rows[2].enumerated().map { $0.offset == 13 ? "Commerce" : $0.element })
        let path = folder.write("export.csv", ObjectLicenseFixtures.csv(rows))
        let table = try ObjectLicenseReader.read(path: path)
        let entry = try #require(table.entries[ObjectLicenseKey(kind: .menuItemDisplay, name: "LedgerJournalTable", childName: "", level: .write)])
        #expect(entry.skuNames == ["Finance", "Supply Chain Management"])
        #expect(table.diagnostics.map(\.code) == [.conflictingObjectLicense])
        #expect(table.diagnostics.first?.location == AXReading.SourceLocation(file: path, line: 5))
        #expect(table.diagnostics.first?.message.contains("line 3") == true)
    }

    @Test func anUnknownSecurableTypeIsAWarningAndTheRowIsSkipped() throws {
        let folder = TemporaryFolder()
        var objects = Array(ObjectLicenseFixtures.sample.prefix(1))
        objects += (0..<12).map { ObjectRow(type: "Form", name: "Form\($0)", level: "Read", license: "Team Members") }
        let path = folder.write("export.csv", ObjectLicenseFixtures.csv(ObjectLicenseFixtures.exportRows(objects, roles: ["Accountant"])))
        let table = try ObjectLicenseReader.read(path: path)
        #expect(table.entries.count == 1)
        // Twelve rows, collapsed by the diagnostic log: five shown and one summary.
        #expect(table.diagnostics.allSatisfy { $0.code == .unknownSecurableType })
        #expect(table.diagnostics.reduce(0) { $0 + $1.representedCount } == 12)
        #expect(table.diagnostics.count == 6)
        #expect(table.diagnostics.first?.location == AXReading.SourceLocation(file: path, line: 3))
    }

    @Test func aBadAccessLevelInTheCSVIsAnErrorWithLineAndField() throws {
        let folder = TemporaryFolder()
        var rows = ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(2)), roles: ["Accountant"])
        rows[2][12] = "Full"
        let path = folder.write("export.csv", ObjectLicenseFixtures.csv(rows))
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        guard case .invalid(let file, let line, let column, let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(file == path && line == 3 && column == 13)
        #expect(message.contains("field 13 (Access level)") && message.contains("'Full'"))
    }

    @Test func aBadAccessLevelInTheWorkbookIsAnErrorWithSheetRowAndColumn() throws {
        let folder = TemporaryFolder()
        var rows = ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(3)), roles: ["Accountant"])
        rows[3][12] = "Modify"
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(XLSXBuilder.parts(rows: rows, strings: .shared), to: path)
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        guard case .invalid(let file, let line, let column, let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(file == path && line == 4 && column == 13)
        #expect(message.contains("column M (Access level)") && message.contains("'Modify'"))
    }

    @Test func aMissingRequiredColumnNamesItAndTheHeader() throws {
        let folder = TemporaryFolder()
        let path = folder.write("export.csv", "Role name,Securable type,AOT name,Access level\nA,Menu item display,X,Read\n")
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        #expect(error?.description.contains("missing column(s) License") == true)
    }

    @Test func aSharedStringIndexOutOfRangeIsAnErrorWithTheRow() throws {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(1)), roles: ["A"]), strings: .shared)
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"]!.replacingOccurrences(of: #"<c r="N2" t="s"><v>"#, with: #"<c r="N2" t="s"><v>99"#)
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(parts, to: path)
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        guard case .invalid(_, let line, let column, let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(line == 2 && column == 14)
        #expect(message.contains("N2") && message.contains("shared string"))
    }

    /// A repeated header in a sheet whose first column is empty is named by its sheet column letters (as Excel shows
    /// them), not by its position among the header's non-empty cells.
    @Test func aRepeatedColumnInTheWorkbookHeaderIsNamedByItsColumnLetter() throws {
        let folder = TemporaryFolder()
        let rows = ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(1)), roles: ["A"]).map { [""] + $0 + [$0[13]] }
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(XLSXBuilder.parts(rows: rows, strings: .inline), to: path)
        let warning = try #require(try ObjectLicenseReader.read(path: path).diagnostics.first { $0.code == .duplicateColumn })
        #expect(warning.message.contains("(column P) repeats 'License' (column O)"), "\(warning.message)")
    }

    /// Excel holds at most 32,767 characters in a cell: a longer one is no export of USG (a crafted or damaged file),
    /// and is refused at its row and column before it is copied into every message about the object.
    @Test(arguments: [XLSXBuilder.Strings.shared, .inline])
    func aCellLongerThanExcelAllowsIsRefusedWithItsRowAndColumn(strings: XLSXBuilder.Strings) throws {
        let folder = TemporaryFolder()
        var rows = ObjectLicenseFixtures.exportRows(Array(ObjectLicenseFixtures.sample.prefix(2)), roles: ["A"])
        rows[2][5] = String(repeating: "M", count: 32_768)
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(XLSXBuilder.parts(rows: rows, strings: strings), to: path)
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        guard case .invalid(let file, let line, let column, let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(file == path && line == 3 && column == 6)
        #expect(message.contains("F3") && message.contains("32,767"))
    }
}

/// Hostile and broken workbooks: one clear error naming the file, never a crash or a hang.
@Suite struct BrokenWorkbookTests {
    func expectRefused(_ path: String, saying words: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            _ = try ObjectLicenseReader.read(path: path)
            Issue.record("read without error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.path == path, sourceLocation: sourceLocation)
            #expect(error.description.contains(words), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func aFileThatIsNotAZipIsRefused() {
        let folder = TemporaryFolder()
        expectRefused(folder.write("export.xlsx", "Securable type,AOT name\n"), saying: "not an .xlsx workbook")
    }

    @Test func aPasswordProtectedWorkbookIsRefusedSayingSo() {
        let folder = TemporaryFolder()
        expectRefused(folder.write("export.xlsx", Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] + [UInt8](repeating: 0, count: 504))),
                      saying: "password-protected")
    }

    @Test func aTruncatedZipIsRefusedAsDamaged() throws {
        let folder = TemporaryFolder()
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared), to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        expectRefused(path, saying: "damaged")
    }

    @Test func corruptCompressedDataIsRefusedAsDamaged() throws {
        let folder = TemporaryFolder()
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(["xl/worksheets/sheet1.xml": String(repeating: "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>", count: 2000)], to: path)
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        // Garble the deflated stream in the middle of the only entry (its local header is 30 + name bytes long).
        for index in 80..<120 { data[index] ^= 0x5A }
        try data.write(to: URL(fileURLWithPath: path))
        expectRefused(path, saying: "xl/worksheets/sheet1.xml in the workbook")
    }

    @Test func aPartInflatingOverItsLimitIsRefused() {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared)
        parts["xl/workbook.xml"] = "<workbook>" + String(repeating: " ", count: 17 << 20) + "</workbook>"
        let path = folder.url.appendingPathComponent("bomb.xlsx").path
        XLSXBuilder.write(parts, to: path)
        expectRefused(path, saying: "inflates to over 16 MiB")
    }

    @Test func malformedSheetXMLNamesThePart() {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared)
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"]!.replacingOccurrences(of: "</row><row r=\"5\">", with: "</row><row r=\"5\"><c>")
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(parts, to: path)
        expectRefused(path, saying: "xl/worksheets/sheet1.xml")
    }

    @Test func aSheetDeclaringADTDIsRefused() {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared)
        parts["xl/sharedStrings.xml"] = #"<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>"# + parts["xl/sharedStrings.xml"]!.replacingOccurrences(of: #"<?xml version="1.0" encoding="UTF-8"?>"#, with: "")
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(parts, to: path)
        expectRefused(path, saying: "DTD")
    }

    @Test func aWorkbookWithNoWorksheetIsRefused() {
        let folder = TemporaryFolder()
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(["[Content_Types].xml": "<Types/>"], to: path)
        expectRefused(path, saying: "no worksheet")
    }

    /// UTF-16 (Excel's "Unicode text"), with or without a byte-order mark, reads like the same export in UTF-8: no
    /// BOM is recognised by the NUL beside the header's first ASCII character.
    @Test(arguments: [String.Encoding.utf16BigEndian, .utf16LittleEndian, .utf16])
    func aUTF16ExportReadsLikeTheSameExportInUTF8(encoding: String.Encoding) throws {
        let folder = TemporaryFolder()
        let text = "Securable type,AOT name,Access level,License\nMenu item display,M,Read,Dynamics 365 Team Members\n"
        let utf16 = try ObjectLicenseReader.read(path: folder.write("export16.csv", text.data(using: encoding)!))
        let utf8 = try ObjectLicenseReader.read(path: folder.write("export8.csv", Data(text.utf8)))
        #expect(utf16.entries.count == 1)
        #expect(utf16.entries.values.map(\.aotName) == ["M"])
        #expect(utf16.entries.values.map(\.skuNames) == utf8.entries.values.map(\.skuNames))
    }

    /// An Excel workbook holds a few dozen parts; one with tens of thousands (padding around a real sheet) is refused
    /// by its count, read once, rather than searched part by part through them all.
    @Test func aWorkbookWithMorePartsThanAnyExportIsRefused() throws {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared)
        for index in 0..<10_000 { parts["junk/\(index).xml"] = "" }
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(parts, to: path)
        expectRefused(path, saying: "parts")
    }

    /// A first row whose number is not one has no row to be placed on: the error names none (no "line 0").
    @Test func aFirstRowNumberThatIsNoNumberIsRefusedWithoutARowZero() throws {
        let folder = TemporaryFolder()
        var parts = XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample), strings: .shared)
        parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"]!.replacingOccurrences(of: #"<row r="1">"#, with: #"<row r="99999999999999999999999">"#)
        let path = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(parts, to: path)
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        guard case .invalid(_, let line, _, let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(line == nil)
        #expect(message.contains("the first row's number '99999999999999999999999' is not a row number"), "\(message)")
    }
}

/// The SQL exports of LicensingAllSkus, LicensingEntitlementObjects and LicensingAllEntitledPermissions.
@Suite struct LicensingSQLExportsTests {
    func write(_ folder: TemporaryFolder, skus: String, objects: String, permissions: String) -> String {
        folder.write("ObjectLicenses/LicensingAllSkus.csv", skus)
        folder.write("ObjectLicenses/LicensingEntitlementObjects.csv", objects)
        folder.write("ObjectLicenses/LicensingAllEntitledPermissions.csv", permissions)
        return folder.url.appendingPathComponent("ObjectLicenses").path
    }

    @Test func severalRowsForOneObjectAndLevelAccumulateSkusWithoutRepeats() throws {
        let folder = TemporaryFolder()
        let path = write(folder, skus: "RecId,SkuName,Priority,GroupName\n1,Finance,10,Base 1\n2,Commerce,20,Base 1\n3,TeamMembers,90,\n",
                         objects: "RecId,AOTName,AOTChildName,SecurableType\n50,CustTable,,MenuItemDisplay\n",
                         permissions: "EntitlementObject,AccessLevel,SkuRecId\n50,2,1\n50,2,2\n50,2,1\n50,1,3\n")
        let table = try ObjectLicenseReader.read(path: path)
        #expect(table.shape == .sqlExports)
        #expect(table.entries[ObjectLicenseKey(kind: .menuItemDisplay, name: "CustTable", childName: "", level: .write)]?.skuNames == ["Finance", "Commerce"])
        #expect(table.entries[ObjectLicenseKey(kind: .menuItemDisplay, name: "CustTable", childName: "", level: .read)]?.skuNames == ["TeamMembers"])
        #expect(table.skus.map(\.name) == ["Finance", "Commerce", "TeamMembers"])
        #expect(table.skus.map(\.priority) == [10, 20, 90])
        #expect(table.skus.map(\.group) == ["Base 1", "Base 1", nil])
        #expect(table.diagnostics.isEmpty)
    }

    @Test func anUnresolvedRecIdIsAWarningNamingFileAndLine() throws {
        let folder = TemporaryFolder()
        let path = write(folder, skus: "RecId,SkuName,Priority,GroupName\n1,Finance,10,Base 1\n",
                         objects: "RecId,AOTName,AOTChildName,SecurableType\n50,CustTable,,MenuItemDisplay\n",
                         permissions: "EntitlementObject,AccessLevel,SkuRecId\n50,2,1\n51,2,1\n50,1,7\n")
        let table = try ObjectLicenseReader.read(path: path)
        #expect(table.entries.count == 1)
        let permissions = path + "/LicensingAllEntitledPermissions.csv"
        #expect(table.diagnostics.map(\.code) == [.unresolvedRecId, .unresolvedRecId])
        #expect(table.diagnostics.map(\.location) == [AXReading.SourceLocation(file: permissions, line: 3), AXReading.SourceLocation(file: permissions, line: 4)])
        #expect(table.diagnostics[0].message.contains("EntitlementObject 51"))
        #expect(table.diagnostics[1].message.contains("SkuRecId 7"))
    }

    @Test func aNumericOrUnknownSecurableTypeIsAWarningAndItsPermissionsAreSkipped() throws {
        let folder = TemporaryFolder()
        let path = write(folder, skus: "RecId,SkuName,Priority,GroupName\n1,Finance,10,Base 1\n",
                         objects: "RecId,AOTName,AOTChildName,SecurableType\n50,CustTable,,3\n51,CustForm,,Form\n52,CustEntity,,Data entity\n",
                         permissions: "EntitlementObject,AccessLevel,SkuRecId\n50,2,1\n51,2,1\n52,1,1\n")
        let table = try ObjectLicenseReader.read(path: path)
        #expect(Array(table.entries.keys) == [ObjectLicenseKey(kind: .dataEntity, name: "CustEntity", childName: "", level: .read)])
        #expect(table.diagnostics.map(\.code) == [.unknownSecurableType, .unknownSecurableType])
        #expect(table.diagnostics.map(\.location?.line) == [2, 3])
    }

    @Test func aBadAccessLevelIsAnErrorWithLineAndField() throws {
        let folder = TemporaryFolder()
        let path = write(folder, skus: "RecId,SkuName\n1,Finance\n", objects: "RecId,AOTName,SecurableType\n50,CustTable,MenuItemDisplay\n",
                         permissions: "SkuRecId,EntitlementObject,AccessLevel\n1,50,3\n")
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        guard case .invalid(let file, let line, let column, let message) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(file.hasSuffix("LicensingAllEntitledPermissions.csv") && line == 2 && column == 3)
        #expect(message.contains("AccessLevel '3'"))
    }

    @Test func bothShapesOfTheSameContentGiveTheSameEntries() throws {
        var generator = SeededGenerator(seed: 14)
        let kinds = ["Menu item display", "Menu item action", "Menu item output", "Service operation", "Data entity", "Data entity method"]
        let skus = ["Finance", "Supply Chain Management", "Commerce", "Team Members", "Activity", "Human Resources"]
        var rows = ObjectLicenseFixtures.sample
        var seen = Set<String>()
        for index in 0..<200 {
            let kind = kinds.randomElement(using: &generator)!
            let child = kind == "Data entity method" ? "method\(index % 3)" : ""
            let level = Bool.random(using: &generator) ? "Read" : "Write"
            let name = "Object\(Int.random(in: 0..<80, using: &generator))"
            guard seen.insert("\(kind)|\(name)|\(child)|\(level)").inserted else { continue }
            let license = skus.shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator)).joined(separator: " or ")
            rows.append(ObjectRow(type: kind, name: name, child: child, level: level, license: license))
        }
        let folder = TemporaryFolder()
        ObjectLicenseFixtures.writeSQLExports(rows, in: folder, under: "sql/")
        let xlsxPath = folder.url.appendingPathComponent("export.xlsx").path
        XLSXBuilder.write(XLSXBuilder.parts(rows: ObjectLicenseFixtures.exportRows(rows), strings: .shared), to: xlsxPath)
        let sql = try ObjectLicenseReader.read(path: folder.url.appendingPathComponent("sql").path)
        let export = try ObjectLicenseReader.read(path: xlsxPath)
        #expect(sql.entries.count == rows.count)
        #expect(SecurityObjectLicensesExportTests.contents(sql) == SecurityObjectLicensesExportTests.contents(export))
        #expect(sql.diagnostics.isEmpty && export.diagnostics.isEmpty)
    }
}

/// What a folder given as object licenses may hold.
@Suite struct ObjectLicenseFolderTests {
    @Test func aFolderWithOneExportReadsIt() throws {
        let folder = TemporaryFolder()
        folder.write("ObjectLicenses/Security object licenses.csv", ObjectLicenseFixtures.csv(ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample)))
        folder.write("ObjectLicenses/~$Security object licenses.xlsx", "Excel's lock file")
        folder.write("ObjectLicenses/notes.txt", "not data")
        let table = try ObjectLicenseReader.read(path: folder.url.appendingPathComponent("ObjectLicenses").path)
        #expect(table.shape == .securityObjectLicensesExport && table.entries.count == 8)
    }

    @Test func sqlExportFileNamesAreMatchedIgnoringCase() throws {
        let folder = TemporaryFolder()
        ObjectLicenseFixtures.writeSQLExports(ObjectLicenseFixtures.sample, in: folder, under: "ObjectLicenses/",
                                              names: ("licensingallskus.csv", "LICENSINGENTITLEMENTOBJECTS.CSV", "LicensingAllEntitledPermissions.CSV"))
        let table = try ObjectLicenseReader.read(path: folder.url.appendingPathComponent("ObjectLicenses").path)
        #expect(table.shape == .sqlExports && table.entries.count == 8)
    }

    func expectFolderRefused(_ folder: TemporaryFolder, saying words: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let path = folder.url.appendingPathComponent("ObjectLicenses").path
        do {
            _ = try ObjectLicenseReader.read(path: path)
            Issue.record("read without error", sourceLocation: sourceLocation)
        } catch {
            #expect(error.path == path, sourceLocation: sourceLocation)
            for word in words { #expect(error.description.contains(word), "\(error)", sourceLocation: sourceLocation) }
        }
    }

    @Test func aFolderWithBothShapesIsRefused() {
        let folder = TemporaryFolder()
        ObjectLicenseFixtures.writeSQLExports(ObjectLicenseFixtures.sample, in: folder, under: "ObjectLicenses/")
        folder.write("ObjectLicenses/export.csv", ObjectLicenseFixtures.csv(ObjectLicenseFixtures.exportRows(ObjectLicenseFixtures.sample)))
        expectFolderRefused(folder, saying: ["both", "export.csv", "keep one shape"])
    }

    @Test func aFolderWithTwoExportsIsRefused() {
        let folder = TemporaryFolder()
        folder.write("ObjectLicenses/a.csv", "x\n")
        folder.write("ObjectLicenses/b.xlsx", "x\n")
        expectFolderRefused(folder, saying: ["a.csv", "b.xlsx", "keep only the one"])
    }

    @Test func aFolderMissingAnSQLExportNamesIt() {
        let folder = TemporaryFolder()
        folder.write("ObjectLicenses/LicensingAllSkus.csv", "RecId,SkuName\n1,Finance\n")
        folder.write("ObjectLicenses/LicensingEntitlementObjects.csv", "RecId,AOTName,SecurableType\n50,CustTable,MenuItemDisplay\n")
        expectFolderRefused(folder, saying: ["not LicensingAllEntitledPermissions.csv"])
    }

    @Test func anEmptyFolderIsRefusedSayingWhatToPutInIt() throws {
        let folder = TemporaryFolder()
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("ObjectLicenses"), withIntermediateDirectories: true)
        expectFolderRefused(folder, saying: ["no object-license data", "LicensingAllSkus.csv"])
    }

    @Test func oneSQLExportGivenAsAFileIsRefusedAskingForTheFolder() {
        let folder = TemporaryFolder()
        let path = folder.write("LicensingAllSkus.csv", "RecId,SkuName\n1,Finance\n")
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: path) }
        #expect(error?.description.contains("give the folder") == true)
    }

    @Test func aMissingPathIsAMissingObjectLicensesInput() {
        let error = #expect(throws: InputError.self) { try ObjectLicenseReader.read(path: "/nonexistent/ObjectLicenses") }
        #expect(error == .missing(path: "/nonexistent/ObjectLicenses", input: .objectLicenses))
    }
}

/// The workspace convention: `ObjectLicenses/` is an optional input.
@Suite struct ObjectLicensesWorkspacePathTests {
    @Test func objectLicensesAreNilWithoutTheFolderAndFoundWithIt() throws {
        let folder = TemporaryFolder()
        #expect(WorkspacePaths(workspace: folder.path).objectLicenses == nil)
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("ObjectLicenses"), withIntermediateDirectories: true)
        let paths = WorkspacePaths(workspace: folder.path)
        #expect(paths.objectLicenses == folder.path + "/ObjectLicenses")
        #expect(!paths.objectLicensesGivenExplicitly)
        let explicit = WorkspacePaths(workspace: folder.path, objectLicenses: "/data/export.xlsx")
        #expect(explicit.objectLicenses == "/data/export.xlsx" && explicit.objectLicensesGivenExplicitly)
    }

    @Test func aConventionalObjectLicensesLinkOutsideTheWorkspaceIsRefused() throws {
        let folder = TemporaryFolder()
        let outside = TemporaryFolder()
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/ObjectLicenses", withDestinationPath: outside.path)
        let error = #expect(throws: InputError.self) { try WorkspacePaths(workspace: folder.path).requireConventionalInputsInside() }
        guard case .outsideWorkspace(_, _, let input) = error else { Issue.record("\(String(describing: error))"); return }
        #expect(input == .objectLicenses)
        // Named explicitly, the same link is the user's choice.
        #expect(throws: Never.self) { try WorkspacePaths(workspace: folder.path, objectLicenses: folder.path + "/ObjectLicenses").requireConventionalInputsInside() }
    }
}

/// The memory benchmark's input (Scripts/make-usg-xlsx.py), read in-process when `AXLICENSE_USG_XLSX` names one; not
/// timed: it checks only that a large export is read whole and without diagnostics (peak memory is measured outside).
@Suite struct LargeSecurityObjectLicensesExportTests {
    static let path = ProcessInfo.processInfo.environment["AXLICENSE_USG_XLSX"]

    @Test(.enabled(if: path != nil, "set AXLICENSE_USG_XLSX to a workbook made by Scripts/make-usg-xlsx.py"))
    func aLargeGeneratedExportIsReadWhole() throws {
        let table = try ObjectLicenseReader.read(path: try #require(Self.path))
        #expect(table.diagnostics.isEmpty)
        if let expected = ProcessInfo.processInfo.environment["AXLICENSE_USG_XLSX_ENTRIES"].flatMap(Int.init) {
            #expect(table.entries.count == expected)
        } else {
            #expect(!table.entries.isEmpty)
        }
    }
}
