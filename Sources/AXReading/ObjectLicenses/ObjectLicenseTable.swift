// The object-license data of the per-object licensing method (Docs/licensing-rules.md §7) as read from Microsoft's
// files, before any SKU name is resolved against a catalog: which SKUs, any one of which entitles a securable object at
// an access level. The licensing layer (`ObjectLicenseMap` in AXLicensing) turns the SKU names into catalog SKUs.

/// The access level per-object licensing distinguishes: Read, or Write (any right beyond Read).
public enum ObjectAccessLevel: Int, Sendable, Hashable, Comparable, Codable, CaseIterable, CustomStringConvertible {
    /// Only Read allowed: needs at most Team Members (or Human Resources Self Service).
    case read = 1
    /// Update, Create, Delete, Correct or Invoke allowed.
    case write = 2

    /// `Read` or `Write`, as User security governance writes it.
    public var description: String { self == .read ? "Read" : "Write" }

    /// Reads `1`/`2` (the SQL export's AccessLevel) or `Read`/`Write` (the USG export's Access level), any case.
    public init?(text: String) {
        switch text {  // the SQL export's spelling first, without allocating
        case "1": self = .read; return
        case "2": self = .write; return
        default: break
        }
        switch text.trimmingBlanks().lowercased() {
        case "1", "read": self = .read
        case "2", "write": self = .write
        default: return nil
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The kinds of securable object Microsoft's per-object data licenses.
public enum SecurableKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    case menuItemDisplay = "MenuItemDisplay"
    case menuItemAction = "MenuItemAction"
    case menuItemOutput = "MenuItemOutput"
    case serviceOperation = "ServiceOperation"
    case dataEntity = "DataEntity"
    case dataEntityMethod = "DataEntityMethod"

    public var description: String { rawValue }

    /// Reads a securable type as the exports write it: the AOT spelling (`MenuItemDisplay`) or User security
    /// governance's words (`Menu item display`, `Display menu item`, `Data entity`), ignoring case, spaces and `_`.
    public init?(text: String) {
        let folded = String(text.lowercased().unicodeScalars.filter { $0 != " " && $0 != "_" && $0 != "-" })
        switch folded {
        case "menuitemdisplay", "displaymenuitem", "display": self = .menuItemDisplay
        case "menuitemaction", "actionmenuitem", "action": self = .menuItemAction
        case "menuitemoutput", "outputmenuitem", "output": self = .menuItemOutput
        case "serviceoperation", "service": self = .serviceOperation
        case "dataentity", "entity": self = .dataEntity
        case "dataentitymethod", "entitymethod": self = .dataEntityMethod
        default: return nil
        }
    }
}

/// One securable object at one access level: the key of the object-license data. Names compare as `NameKey`s.
public struct ObjectLicenseKey: Sendable, Hashable {
    public var kind: SecurableKind
    public var name: NameKey
    /// The AOT child name (a data entity method's name, say); empty for most objects.
    public var childName: NameKey
    public var level: ObjectAccessLevel

    public init(kind: SecurableKind, name: String, childName: String, level: ObjectAccessLevel) {
        self.init(kind: kind, name: NameKey(name), childName: NameKey(childName), level: level)
    }

    /// A key from names already made keys (a reader that meets one object in many rows makes its keys once).
    public init(kind: SecurableKind, name: NameKey, childName: NameKey, level: ObjectAccessLevel) {
        self.kind = kind
        self.name = name
        self.childName = childName
        self.level = level
    }
}

/// What entitles one object at one level, as the file wrote it.
public struct ObjectLicenseEntry: Sendable, Hashable {
    /// The AOT name as written (for output).
    public var aotName: String
    /// The AOT child name as written; empty when there is none.
    public var childName: String
    /// The SKU names, any one of which entitles the object at this level, as written (`Finance`,
    /// `Dynamics 365 Supply Chain Management`), in file order without repeats.
    public var skuNames: [String]
    /// The first row that gave this entry (file and line or row).
    public var location: SourceLocation

    public init(aotName: String, childName: String, skuNames: [String], location: SourceLocation) {
        self.aotName = aotName
        self.childName = childName
        self.skuNames = skuNames
        self.location = location
    }

    /// The License text as Microsoft writes it: the SKU names joined by ` or `.
    public var licenseText: String { skuNames.joined(separator: " or ") }
}

/// An SKU as `LicensingAllSkus` describes it: its priority and base group (`Base 1`, `Base 2`).
public struct ObjectLicenseSku: Sendable, Hashable {
    public var name: String
    public var priority: Int?
    public var group: String?
    public var location: SourceLocation

    public init(name: String, priority: Int?, group: String?, location: SourceLocation) {
        self.name = name
        self.priority = priority
        self.group = group
        self.location = location
    }
}

/// The two shapes Microsoft's per-object data comes in.
public enum ObjectLicenseShape: String, Sendable, Hashable, Codable {
    /// User security governance's Security object licenses export (.xlsx or .csv).
    case securityObjectLicensesExport = "security-object-licenses-export"
    /// SQL exports of LicensingAllSkus, LicensingEntitlementObjects and LicensingAllEntitledPermissions.
    case sqlExports = "sql-exports"
}

/// All object-license data of a run, read from one shape.
public struct ObjectLicenseTable: Sendable {
    /// What entitles each object and level; the first row for a key wins (a conflicting later row is a warning).
    public var entries: [ObjectLicenseKey: ObjectLicenseEntry]
    /// The SKUs `LicensingAllSkus` lists, in file order; empty for the USG export.
    public var skus: [ObjectLicenseSku]
    public var shape: ObjectLicenseShape
    /// The files read, as given.
    public var files: [String]
    /// Problems in the files that did not stop the run.
    public var diagnostics: [Diagnostic]

    public init(entries: [ObjectLicenseKey: ObjectLicenseEntry], skus: [ObjectLicenseSku], shape: ObjectLicenseShape, files: [String],
                diagnostics: [Diagnostic]) {
        self.entries = entries
        self.skus = skus
        self.shape = shape
        self.files = files
        self.diagnostics = diagnostics
    }
}
