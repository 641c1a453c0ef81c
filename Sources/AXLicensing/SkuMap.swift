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

    /// Loads a `LicensingServicePlansPrivilege` JSON file: rows as `JSONRows` reads them.
    public static func load(path: String, catalog: SkuCatalog) throws(InputError) -> SkuMap {
        try decode(readInputFile(path, input: .skuMap, maximumSize: InputSizeLimit.json), catalog: catalog, source: path)
    }

    /// Decodes SKU-map JSON; `source` names it in errors.
    public static func decode(_ data: Data, catalog: SkuCatalog, source path: String) throws(InputError) -> SkuMap {
        let input = JSONInput(data, path: path)
        let map = SkuMap(rows: try input.decode(JSONRows<ServicePlanPrivilegeRow>.self, keys: ServicePlanPrivilegeRow.keys).rows, catalog: catalog, source: path)
        return SkuMap(requirements: map.requirements, diagnostics: DiagnosticLog.merged(input.diagnostics, map.diagnostics), source: path)
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
