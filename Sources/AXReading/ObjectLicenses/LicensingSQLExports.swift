import Foundation

/// Reads the SQL exports (CSV with a header) of the three `Licensing*` tables behind per-object licensing.
///
/// - `LicensingAllSkus`: RecId, SkuName, Priority, GroupName: the SKUs (`table.skus`).
/// - `LicensingEntitlementObjects`: RecId, AOTName, AOTChildName, SecurableType: the securable objects.
/// - `LicensingAllEntitledPermissions`: EntitlementObject (an object's RecId), AccessLevel (1 = Read, 2 = Write),
///   SkuRecId (a SKU's RecId): one row per object, level and SKU; several rows for one object and level mean any of
///   those SKUs.
///
/// Headers are case-insensitive, extra columns ignored. A RecId that resolves to nothing is an `unresolved-rec-id`
/// warning naming the file and line; a SecurableType that is a number or an unknown name is an
/// `unknown-securable-type` warning, and the object's permissions are skipped. Places are lines and field numbers.
package enum LicensingSQLExports {
    /// The three files, by table.
    package struct Files: Sendable, Hashable {
        package var skus: String
        package var objects: String
        package var permissions: String

        package init(skus: String, objects: String, permissions: String) {
            self.skus = skus
            self.objects = objects
            self.permissions = permissions
        }
    }

    /// The file names (case-insensitive) a folder holds them under.
    package static let skusFileName = "LicensingAllSkus.csv"
    package static let objectsFileName = "LicensingEntitlementObjects.csv"
    package static let permissionsFileName = "LicensingAllEntitledPermissions.csv"

    /// Reads the three files.
    package static func read(_ files: Files, delimiter: UnicodeScalar? = nil) throws(InputError) -> ObjectLicenseTable {
        func text(_ path: String) throws(InputError) -> String {
            try decodeText(readInputFile(path, input: .objectLicenses, maximumSize: InputSizeLimit.csv), path: path)
        }
        return try parse(skus: text(files.skus), objects: text(files.objects), permissions: text(files.permissions), files: files, delimiter: delimiter)
    }

    /// Parses the three files' text; `files` name the sources in errors.
    package static func parse(skus skusText: String, objects objectsText: String, permissions permissionsText: String, files: Files,
                              delimiter: UnicodeScalar? = nil) throws(InputError) -> ObjectLicenseTable {
        var diagnostics = DiagnosticLog()

        // SKUs by RecId.
        let skuRows = try rows(skusText, path: files.skus, delimiter: delimiter, columns: ["RecId", "SkuName", "Priority", "GroupName"], required: [0, 1],
                               diagnostics: &diagnostics).rows
        var skus: [ObjectLicenseSku] = []
        var skuNames: [String: (name: String, key: NameKey)] = [:]
        for (line, fields) in skuRows {
            let recId = fields[0], name = fields[1]
            guard !recId.isEmpty else { throw .invalid(path: files.skus, line: line, column: nil, message: "RecId is empty") }
            guard !name.isEmpty else { throw .invalid(path: files.skus, line: line, column: nil, message: "SkuName is empty for RecId \(recId)") }
            let location = SourceLocation(file: files.skus, line: line)
            guard skuNames[recId] == nil else {
                diagnostics.append(Diagnostic(.warning, .duplicateKey, "RecId \(recId) is listed again (SKU '\(name)'); the first row is used", at: location))
                continue
            }
            skuNames[recId] = (name, NameKey(name))
            skus.append(ObjectLicenseSku(name: name, priority: Int(fields[2]), group: fields[3].isEmpty ? nil : fields[3], location: location))
        }

        // Objects by RecId; those of an unknown kind remembered, so their permissions are skipped without more warnings.
        let objectRows = try rows(objectsText, path: files.objects, delimiter: delimiter, columns: ["RecId", "AOTName", "AOTChildName", "SecurableType"],
                                  required: [0, 1, 3], diagnostics: &diagnostics).rows
        // Each object's key parts are made once, not once per permission row.
        var objects: [String: (kind: SecurableKind, name: String, child: String, nameKey: NameKey, childKey: NameKey)] = [:]
        objects.reserveCapacity(objectRows.count)
        var skipped = Set<String>()
        var kinds: [String: SecurableKind?] = [:]
        for (line, fields) in objectRows {
            let recId = fields[0], name = fields[1], child = fields[2], typeText = fields[3]
            let location = SourceLocation(file: files.objects, line: line)
            guard !recId.isEmpty else { throw .invalid(path: files.objects, line: line, column: nil, message: "RecId is empty") }
            guard !name.isEmpty else { throw .invalid(path: files.objects, line: line, column: nil, message: "AOTName is empty for RecId \(recId)") }
            guard objects[recId] == nil, !skipped.contains(recId) else {
                diagnostics.append(Diagnostic(.warning, .duplicateKey, "RecId \(recId) is listed again ('\(name)'); the first row is used", at: location))
                continue
            }
            // A few securable types over thousands of rows: each spelling is read once.
            let kind = kinds[typeText] ?? {
                let kind = SecurableKind(text: typeText)
                kinds[typeText] = .some(kind)
                return kind
            }()
            guard let kind else {
                diagnostics.append(Diagnostic(.warning, .unknownSecurableType,
                                              "SecurableType '\(typeText)' of '\(ObjectLicenseRowCollector.display(name, child))' is not one per-object licensing knows (a name such as MenuItemDisplay or DataEntity); its permissions are skipped",
                                              at: location))
                skipped.insert(recId)
                continue
            }
            objects[recId] = (kind, name, child, NameKey(name), NameKey(child))
        }

        // Permissions: one SKU for one object and level per row.
        let (permissionRows, columnNumbers) = try rows(permissionsText, path: files.permissions, delimiter: delimiter,
                                                       columns: ["EntitlementObject", "AccessLevel", "SkuRecId"], required: [0, 1, 2], diagnostics: &diagnostics)
        var entries: [ObjectLicenseKey: (entry: ObjectLicenseEntry, skuKeys: [NameKey])] = [:]
        entries.reserveCapacity(permissionRows.count)
        for (line, fields) in permissionRows {
            let objectId = fields[0], levelText = fields[1], skuId = fields[2]
            let location = SourceLocation(file: files.permissions, line: line)
            guard let level = ObjectAccessLevel(text: levelText) else {
                throw .invalid(path: files.permissions, line: line, column: columnNumbers[1],
                               message: "AccessLevel '\(levelText)' is not an access level (1 = Read, 2 = Write)")
            }
            if skipped.contains(objectId) { continue }
            guard let object = objects[objectId] else {
                diagnostics.append(Diagnostic(.warning, .unresolvedRecId,
                                              "EntitlementObject \(objectId.isEmpty ? "(empty)" : objectId) is not a RecId of \(files.objects); the row is skipped", at: location))
                continue
            }
            guard let sku = skuNames[skuId] else {
                diagnostics.append(Diagnostic(.warning, .unresolvedRecId,
                                              "SkuRecId \(skuId.isEmpty ? "(empty)" : skuId) is not a RecId of \(files.skus); the row is skipped", at: location))
                continue
            }
            let key = ObjectLicenseKey(kind: object.kind, name: object.nameKey, childName: object.childKey, level: level)
            if let index = entries.index(forKey: key) {
                // A handful of SKUs per object: a linear check beats a set.
                if !entries.values[index].skuKeys.contains(sku.key) {
                    entries.values[index].skuKeys.append(sku.key)
                    entries.values[index].entry.skuNames.append(sku.name)
                }
            } else {
                entries[key] = (ObjectLicenseEntry(aotName: object.name, childName: object.child, skuNames: [sku.name], location: location), [sku.key])
            }
        }
        if permissionRows.isEmpty {
            diagnostics.append(Diagnostic(.warning, .noRows, "the file has a header and no rows: no object licenses", at: SourceLocation(file: files.permissions, line: 1)))
        }
        return ObjectLicenseTable(entries: entries.mapValues(\.entry), skus: skus, shape: .sqlExports, files: [files.skus, files.objects, files.permissions],
                                  diagnostics: diagnostics.diagnostics)
    }

    /// The records of one export, each reduced to `columns`' fields (trimmed; empty when the column is absent),
    /// with their lines; `columnNumbers` receives each column's field number (1-based).
    private static func rows(_ text: String, path: String, delimiter: UnicodeScalar?, columns: [String], required: [Int],
                             diagnostics: inout DiagnosticLog) throws(InputError) -> (rows: [(line: Int, fields: [String])], columnNumbers: [Int?]) {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        let (found, headerDiagnostics) = CSVHeader.columns(table.header, path: path) { name in
            columns.firstIndex { $0.lowercased() == name.trimmingBlanks().lowercased() }
        }
        diagnostics.append(contentsOf: headerDiagnostics)
        let missing = required.filter { found[$0] == nil }.map { columns[$0] }
        guard missing.isEmpty else {
            throw .invalid(path: path, line: 1, column: nil,
                           message: "missing required column(s) \(missing.joined(separator: ", ")); the header has: \(table.header.joined(separator: ", "))")
        }
        let indices = columns.indices.map { found[$0] }
        let read = table.rows { fields in
            indices.map { index -> String in
                guard let index, index < fields.count else { return "" }
                return fields[index].trimmingBlanks()
            }
        }
        if let error = read.error { throw error }
        return (read.rows.map { ($0.line, $0.row) }, indices.map { $0.map { $0 + 1 } })
    }
}
