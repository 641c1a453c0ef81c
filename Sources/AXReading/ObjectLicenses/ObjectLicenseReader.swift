import Foundation

/// Reads Microsoft's per-object license data (Docs/licensing-rules.md, "Object-license inputs") in either shape.
///
/// `path` is a file (a Security object licenses export, `.xlsx` or `.csv`) or a folder (the workspace's
/// `ObjectLicenses/`) holding exactly one shape: one Security object licenses export, or the three SQL exports
/// `LicensingAllSkus.csv`, `LicensingEntitlementObjects.csv` and `LicensingAllEntitledPermissions.csv` (names in any
/// case). Files whose names start with `.` or `~$` (Excel's lock files) are not looked at. A folder that holds both
/// shapes, two exports, only some of the SQL exports or nothing of either is an error naming the folder and what to do.
public enum ObjectLicenseReader {
    /// Reads the object-license data at `path`; `delimiter` nil means each CSV's separator is detected from its header.
    public static func read(path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> ObjectLicenseTable {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw .missing(path: path, input: .objectLicenses) }
        guard isFolder.boolValue else { return try readExport(path: path, delimiter: delimiter) }
        switch try shape(ofFolder: path) {
        case .export(let file): return try readExport(path: file, delimiter: delimiter)
        case .sqlExports(let files): return try LicensingSQLExports.read(files, delimiter: delimiter)
        }
    }

    /// What a folder holds.
    enum FolderShape: Equatable {
        case export(String)
        case sqlExports(LicensingSQLExports.Files)
    }

    /// Decides which shape a folder holds, refusing anything ambiguous or incomplete.
    static func shape(ofFolder folder: String) throws(InputError) -> FolderShape {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        } catch {
            throw .unreadable(path: folder, reason: "cannot list the folder")
        }
        func inside(_ name: String) -> String { folder.hasSuffix("/") ? folder + name : folder + "/" + name }
        let sqlNames = [LicensingSQLExports.skusFileName, LicensingSQLExports.objectsFileName, LicensingSQLExports.permissionsFileName]
        var sql: [String: String] = [:]
        var exports: [String] = []
        for name in names where !name.hasPrefix(".") && !name.hasPrefix("~$") {
            if let table = sqlNames.first(where: { $0.lowercased() == name.lowercased() }) {
                guard sql[table] == nil else {
                    throw .invalid(path: folder, line: nil, column: nil, message: "the folder holds \(table) twice (\(sql[table]!) and \(name), names differing only in case); keep one")
                }
                sql[table] = name
            } else if ["xlsx", "csv"].contains((name as NSString).pathExtension.lowercased()) {
                exports.append(name)
            }
        }
        if !sql.isEmpty && !exports.isEmpty {
            throw .invalid(path: folder, line: nil, column: nil,
                           message: "the folder holds both a Security object licenses export (\(exports.joined(separator: ", "))) and SQL exports (\(sql.values.sorted().joined(separator: ", "))); keep one shape of the data in it")
        }
        if exports.count > 1 {
            throw .invalid(path: folder, line: nil, column: nil,
                           message: "the folder holds \(exports.count) Security object licenses exports (\(exports.joined(separator: ", "))); keep only the one to use")
        }
        if let export = exports.first { return .export(inside(export)) }
        guard !sql.isEmpty else {
            throw .invalid(path: folder, line: nil, column: nil,
                           message: "the folder holds no object-license data: put in it the Security object licenses export (.xlsx or .csv) or the SQL exports \(sqlNames.joined(separator: ", "))")
        }
        let missing = sqlNames.filter { sql[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid(path: folder, line: nil, column: nil,
                           message: "the folder holds SQL exports but not \(missing.joined(separator: ", ")); add \(missing.count == 1 ? "it" : "them") (all three are needed)")
        }
        return .sqlExports(LicensingSQLExports.Files(skus: inside(sql[sqlNames[0]]!), objects: inside(sql[sqlNames[1]]!), permissions: inside(sql[sqlNames[2]]!)))
    }

    /// Reads one Security object licenses export, by its extension.
    private static func readExport(path: String, delimiter: UnicodeScalar?) throws(InputError) -> ObjectLicenseTable {
        try requireRegularFile(path, input: .objectLicenses)
        let name = (path as NSString).lastPathComponent.lowercased()
        if [LicensingSQLExports.skusFileName, LicensingSQLExports.objectsFileName, LicensingSQLExports.permissionsFileName].contains(where: { $0.lowercased() == name }) {
            throw .invalid(path: path, line: nil, column: nil, message: "this is one of the three SQL exports; give the folder that holds all three instead")
        }
        switch (path as NSString).pathExtension.lowercased() {
        case "xlsx": return try SecurityObjectLicensesExport.readXLSX(path: path)
        case "csv": return try SecurityObjectLicensesExport.readCSV(path: path, delimiter: delimiter)
        default:
            throw .invalid(path: path, line: nil, column: nil,
                           message: "object licenses are read from a Security object licenses export (.xlsx or .csv) or a folder of SQL exports; this file is neither")
        }
    }
}
