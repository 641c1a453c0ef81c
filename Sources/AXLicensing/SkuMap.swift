import AXModel
import AXReading
import Foundation

/// One `LicensingServicePlansPrivilege` row: a privilege, an SKU, and whether that SKU is required.
public struct ServicePlanPrivilegeRow: Sendable, Hashable {
    /// `PrivilegeIdentifier`: the privilege's AOT name.
    public var privilegeIdentifier: String
    /// `SkuName` as written.
    public var skuName: String
    /// `IsUnique`: true means a holder must have exactly this SKU.
    public var isUnique: Bool

    public init(privilegeIdentifier: String, skuName: String, isUnique: Bool) {
        self.privilegeIdentifier = privilegeIdentifier
        self.skuName = skuName
        self.isUnique = isUnique
    }
}

/// What the SKU map asks of a holder of one privilege (Docs/licensing-rules.md §3).
public struct SkuRequirement: Sendable, Hashable {
    /// SKUs of rows with IsUnique = 1: each must be held.
    public var required: SkuSet
    /// All SKUs of the privilege's rows: holding any one meets the group.
    public var anyOf: SkuSet

    public init(required: SkuSet = .empty, anyOf: SkuSet = .empty) {
        self.required = required
        self.anyOf = anyOf
    }
}

/// The privilege → SKU mapping, resolved against a catalog.
public struct SkuMap: Sendable {
    /// Requirements by privilege name key.
    public let requirements: [NameKey: SkuRequirement]
    /// Warnings found in the file (unknown SKUs, duplicate rows).
    public let diagnostics: [Diagnostic]
    /// The file the map was read from (nil for the empty map), where a change to its rows is pointed at.
    public let source: String?

    /// An empty map: no privilege names an SKU.
    public static let empty = SkuMap(requirements: [:], diagnostics: [], source: nil)

    /// The map of a run without one (no file at `path`, the workspace's conventional place): empty, with the one
    /// `sku-requirements-unknown` warning saying that licenses come from entry points alone.
    public static func missing(path: String) -> SkuMap {
        SkuMap(requirements: [:], diagnostics: [Diagnostic(.warning, .skuRequirementsUnknown,
                                                           "no SKU map (LicensingServicePlansPrivilege): SKU requirements are unknown, so licenses come from entry points alone (a full user is Operations, any base)",
                                                           at: SourceLocation(file: path))],
               source: nil)
    }

    private init(requirements: [NameKey: SkuRequirement], diagnostics: [Diagnostic], source: String?) {
        self.requirements = requirements
        self.diagnostics = diagnostics
        self.source = source
    }

    /// Builds the map from rows; `source` names the file in diagnostics.
    public init(rows: [ServicePlanPrivilegeRow], catalog: SkuCatalog, source: String) {
        var requirements: [NameKey: SkuRequirement] = [:]
        var diagnostics = DiagnosticLog()
        var unknown: [String: (count: Int, firstRow: Int)] = [:]
        var seen: [String: (isUnique: Bool, row: Int)] = [:]
        for (index, row) in rows.enumerated() {
            guard let position = catalog.position(of: row.skuName) else {
                let entry = unknown[row.skuName] ?? (0, index + 1)
                unknown[row.skuName] = (entry.count + 1, entry.firstRow)
                continue
            }
            let privilege = NameKey(row.privilegeIdentifier)
            let key = privilege.text + "\u{0}" + catalog[position].name
            if let earlier = seen[key] {
                let detail = earlier.isUnique == row.isUnique ? "repeats row \(earlier.row)" : "repeats row \(earlier.row) with a different IsUnique; IsUnique = 1 is kept"
                diagnostics.append(Diagnostic(.warning, .duplicateSkuRow, "row \(index + 1) (\(row.privilegeIdentifier), \(row.skuName)) \(detail)", at: SourceLocation(file: source)))
            }
            seen[key] = (isUnique: (seen[key]?.isUnique ?? false) || row.isUnique, row: seen[key]?.row ?? index + 1)
            var requirement = requirements[privilege] ?? SkuRequirement()
            requirement.anyOf.insert(position)
            if row.isUnique { requirement.required.insert(position) }
            requirements[privilege] = requirement
        }
        for (name, entry) in unknown.sorted(by: { $0.key < $1.key }) {
            diagnostics.append(Diagnostic(.warning, .unknownSku, "SKU '\(name)' is not in the SKU catalog (first at row \(entry.firstRow), \(entry.count) row(s)); those rows are ignored. Add it to the SKU catalog, or as an alias of a catalog SKU", at: SourceLocation(file: source)))
        }
        self.requirements = requirements
        self.diagnostics = diagnostics.diagnostics
        self.source = source
    }

    /// The requirement for a privilege (compared by `NameKey`), if the map names it.
    public func requirement(forPrivilege name: String) -> SkuRequirement? { requirements[NameKey(name)] }

    /// Loads a `LicensingServicePlansPrivilege` file: JSON rows as `JSONRows` reads them, or a CSV export of the table.
    public static func load(path: String, catalog: SkuCatalog, delimiter: UnicodeScalar? = nil) throws(InputError) -> SkuMap {
        // A JSON file is refused by its size before it is read; a CSV export may be as large as any CSV input.
        let limit = path.lowercased().hasSuffix(".json") ? InputSizeLimit.json : InputSizeLimit.csv
        return try decode(readInputFile(path, input: .skuMap, maximumSize: limit), catalog: catalog, source: path, delimiter: delimiter)
    }

    /// Decodes a SKU map; `source` names it in errors. A `.csv` file is a CSV export of the table (SQL or the table
    /// browser: columns `PrivilegeIdentifier`, `SkuName`, `IsUnique`, others ignored), a `.json` file JSON (at most
    /// `InputSizeLimit.json`); any other name is JSON when its text starts with `[` or `{`, else CSV. Both give the
    /// same map.
    public static func decode(_ data: Data, catalog: SkuCatalog, source path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> SkuMap {
        let firstCharacter = data.first { ![0x20, 0x09, 0x0A, 0x0D, 0xEF, 0xBB, 0xBF].contains($0) }
        let name = path.lowercased()
        let isCSV = name.hasSuffix(".csv") || (!name.hasSuffix(".json") && firstCharacter != UInt8(ascii: "[") && firstCharacter != UInt8(ascii: "{"))
        if isCSV {
            return SkuMap(rows: try csvRows(decodeText(data, path: path), path: path, delimiter: delimiter), catalog: catalog, source: path)
        }
        if data.count > InputSizeLimit.json {
            throw .unreadable(path: path, reason: "file is over the \(InputSizeLimit.json / 1_048_576) MiB limit for a JSON SKU map")
        }
        let input = JSONInput(data, path: path)
        let map = SkuMap(rows: try input.decode(JSONRows<ServicePlanPrivilegeRow>.self, keys: ServicePlanPrivilegeRow.keys).rows, catalog: catalog, source: path)
        return SkuMap(requirements: map.requirements, diagnostics: DiagnosticLog.merged(input.diagnostics, map.diagnostics), source: path)
    }

    /// The rows of a CSV export of `LicensingServicePlansPrivilege`: header names compared ignoring case, spaces and
    /// punctuation; `IsUnique` 0, 1, true or false; a row with an empty field, or a missing column, is an error naming it.
    static func csvRows(_ text: String, path: String, delimiter: UnicodeScalar?) throws(InputError) -> [ServicePlanPrivilegeRow] {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        enum Column: CaseIterable { case privilege, sku, isUnique }
        let (columns, _) = CSVHeader.columns(table.header, path: path) { name -> Column? in
            switch String(name.lowercased().filter { $0.isLetter || $0.isNumber }) {
            case "privilegeidentifier": .privilege
            case "skuname": .sku
            case "isunique": .isUnique
            default: nil
            }
        }
        let names = [Column.privilege: "PrivilegeIdentifier", .sku: "SkuName", .isUnique: "IsUnique"]
        let missing = Column.allCases.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid(path: path, line: 1, column: nil,
                           message: "missing required column(s) \(missing.compactMap { names[$0] }.joined(separator: ", ")); the header has: \(table.header.joined(separator: ", "))")
        }
        let read = table.rows { fields in
            Column.allCases.map { column -> String in
                guard let index = columns[column], index < fields.count else { return "" }
                return fields[index].trimmingBlanks()
            }
        }
        var rows: [ServicePlanPrivilegeRow] = []
        for (line, fields) in read.rows {
            for (column, value) in zip(Column.allCases, fields) where value.isEmpty {
                throw .invalid(path: path, line: line, column: nil, message: "\(names[column]!) is empty")
            }
            let isUnique: Bool
            switch fields[2].lowercased() {
            case "1", "true": isUnique = true
            case "0", "false": isUnique = false
            default: throw .invalid(path: path, line: line, column: nil, message: "IsUnique '\(fields[2])' is not 0, 1, true or false")
            }
            rows.append(ServicePlanPrivilegeRow(privilegeIdentifier: fields[0], skuName: fields[1], isUnique: isUnique))
        }
        if let error = read.error { throw error }
        return rows
    }
}

extension ServicePlanPrivilegeRow: Decodable {
    /// The row's keys as the decoder asks for them; `JSONInput` matches them in any case.
    static let keys = ["PrivilegeIdentifier", "SkuName", "IsUnique"]

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        func key(_ name: String) -> AnyCodingKey? {
            let key = AnyCodingKey(stringValue: name)
            return container.contains(key) ? key : nil
        }
        func string(_ name: String) throws -> String {
            guard let found = key(name) else {
                throw DecodingError.keyNotFound(AnyCodingKey(stringValue: name), .init(codingPath: container.codingPath, debugDescription: "missing \(name)"))
            }
            let value = try container.decode(String.self, forKey: found).trimmingBlanks()
            guard !value.isEmpty else {
                throw DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [found], debugDescription: "\(name) is empty"))
            }
            return value
        }
        privilegeIdentifier = try string("PrivilegeIdentifier")
        skuName = try string("SkuName")
        guard let uniqueKey = key("IsUnique") else {
            throw DecodingError.keyNotFound(AnyCodingKey(stringValue: "IsUnique"), .init(codingPath: container.codingPath, debugDescription: "missing IsUnique"))
        }
        let invalid = DecodingError.dataCorrupted(.init(codingPath: container.codingPath + [uniqueKey], debugDescription: "IsUnique must be 0, 1, true or false"))
        // Numbers first: the form Microsoft's file uses, so the common row tries one decode.
        if let number = try? container.decode(Int.self, forKey: uniqueKey) {
            guard number == 0 || number == 1 else { throw invalid }
            isUnique = number == 1
        } else if let flag = try? container.decode(Bool.self, forKey: uniqueKey) {
            isUnique = flag
        } else if let text = try? container.decode(String.self, forKey: uniqueKey) {
            switch text.lowercased() {
            case "0", "false": isUnique = false
            case "1", "true": isUnique = true
            default: throw invalid
            }
        } else {
            throw invalid
        }
    }
}
