import AXReading

/// The package and model an AOT object was defined in (`PackagesLocalDirectory/<Package>/<Model>/Ax…/`).
public struct ModelOrigin: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The package folder name.
    public var package: String
    /// The model folder name (the parent of the `Ax*` folder).
    public var model: String
    /// The reference folder (`--reference`: the standard application a repository builds on) the object was read
    /// from; nil for the analysed tree itself. Reports mark such objects, so a reader knows the repository does not
    /// hold them.
    public var reference: String?

    public init(package: String, model: String, reference: String? = nil) {
        self.package = package
        self.model = model
        self.reference = reference
    }

    /// True when the object came from a reference folder, not the analysed tree.
    public var isFromReference: Bool { reference != nil }

    /// `Package/Model`, or just the model when both are the same; `(reference)` after it when the object came from a
    /// reference folder.
    public var description: String { (package == model || package.isEmpty ? model : "\(package)/\(model)") + (isFromReference ? " (reference)" : "") }
}

/// A reference by name from one AOT object to another, with where it was written.
public struct ObjectReference: Sendable, Hashable, Codable {
    /// The referenced object's name as written (AOT names are case-insensitive).
    public var name: String
    /// Where the reference's `<Name>` element is.
    public var location: SourceLocation

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }
}

/// The AOT object types axlicense reads, named after their folders.
public enum AOTObjectType: String, Sendable, Hashable, Codable, CaseIterable {
    case securityRole = "AxSecurityRole"
    case securityDuty = "AxSecurityDuty"
    case securityPrivilege = "AxSecurityPrivilege"
    case securityRoleExtension = "AxSecurityRoleExtension"
    case securityDutyExtension = "AxSecurityDutyExtension"
    case menuItemDisplay = "AxMenuItemDisplay"
    case menuItemAction = "AxMenuItemAction"
    case menuItemOutput = "AxMenuItemOutput"

    /// The type whose folder has this name, matched case-insensitively.
    public init?(folderName: String) {
        guard let type = Self.allCases.first(where: { $0.rawValue.caseInsensitiveCompare(folderName) }) else { return nil }
        self = type
    }
}

/// The roles, duties and privileges a role (or a role extension) contains.
public struct RoleContents: Sendable, Hashable, Codable {
    /// `Duties/AxSecurityDutyReference/Name`.
    public var duties: [ObjectReference] = []
    /// `Privileges/AxSecurityPrivilegeReference/Name`.
    public var privileges: [ObjectReference] = []
    /// `SubRoles/AxSecurityRoleReference/Name`.
    public var subRoles: [ObjectReference] = []

    public init(duties: [ObjectReference] = [], privileges: [ObjectReference] = [], subRoles: [ObjectReference] = []) {
        self.duties = duties
        self.privileges = privileges
        self.subRoles = subRoles
    }

    /// Appends another set of contents (an extension's) to these.
    public mutating func append(_ other: RoleContents) {
        duties += other.duties
        privileges += other.privileges
        subRoles += other.subRoles
    }
}

/// An `AxSecurityRole`: what users are assigned, and what decides their license.
public struct SecurityRole: Sendable, Hashable, Codable {
    public var name: String
    public var label: String
    public var description: String
    /// Its duties, privileges and sub-roles, extensions included once the tree is resolved.
    public var contents: RoleContents
    public var origin: ModelOrigin
    public var location: SourceLocation

    public init(name: String, label: String = "", description: String = "", contents: RoleContents = RoleContents(), origin: ModelOrigin, location: SourceLocation) {
        self.name = name
        self.label = label
        self.description = description
        self.contents = contents
        self.origin = origin
        self.location = location
    }
}

/// An `AxSecurityDuty`: a group of privileges.
public struct SecurityDuty: Sendable, Hashable, Codable {
    public var name: String
    public var label: String
    /// Its privileges, extensions included once the tree is resolved.
    public var privileges: [ObjectReference]
    public var origin: ModelOrigin
    public var location: SourceLocation

    public init(name: String, label: String = "", privileges: [ObjectReference] = [], origin: ModelOrigin, location: SourceLocation) {
        self.name = name
        self.label = label
        self.privileges = privileges
        self.origin = origin
        self.location = location
    }
}

/// One of the six rights a grant sets.
public enum AccessRight: String, Sendable, Hashable, Codable, CaseIterable {
    case read = "Read"
    case update = "Update"
    case create = "Create"
    case delete = "Delete"
    case correct = "Correct"
    case invoke = "Invoke"
}

/// The value of one right in a `<Grant>`.
public enum GrantValue: String, Sendable, Hashable, Codable {
    case allow = "Allow"
    case deny = "Deny"
    case unset = "Unset"
}

/// The rights an entry point grants (`<Grant>`); rights not written are unset.
///
/// Packed two bits per right: it is set for every entry point of every privilege, so it must not hash or allocate.
public struct AccessGrant: Sendable, Hashable, Codable {
    private var packed: UInt16 = 0

    public init(_ values: [AccessRight: GrantValue] = [:]) {
        for (right, value) in values { self[right] = value }
    }

    private static func shift(_ right: AccessRight) -> UInt16 {
        switch right {
        case .read: 0
        case .update: 2
        case .create: 4
        case .delete: 6
        case .correct: 8
        case .invoke: 10
        }
    }

    /// The value of one right.
    public subscript(right: AccessRight) -> GrantValue {
        get {
            switch (packed >> Self.shift(right)) & 0b11 {
            case 1: .allow
            case 2: .deny
            default: .unset
            }
        }
        set {
            let code: UInt16 = newValue == .allow ? 1 : newValue == .deny ? 2 : 0
            packed = (packed & ~(0b11 << Self.shift(right))) | (code << Self.shift(right))
        }
    }

    /// The value written for each right that is not unset.
    public var values: [AccessRight: GrantValue] {
        Dictionary(uniqueKeysWithValues: AccessRight.allCases.compactMap { self[$0] == .unset ? nil : ($0, self[$0]) })
    }

    /// Rights set to Allow, in AOT order.
    public var allowedRights: [AccessRight] { AccessRight.allCases.filter { self[$0] == .allow } }

    /// Whether some right is set to Allow; `allowedRights` without building it, for the per-grant hot paths.
    public var allowsAnyRight: Bool { packed & Self.allowBits != 0 }

    /// Whether some right other than Read is set to Allow.
    public var allowsRightBeyondRead: Bool { packed & Self.allowBits & ~(0b11 << Self.shift(.read)) != 0 }

    /// The low bit of each right's two: set exactly when that right is Allow (`1`; Deny is `2`).
    private static let allowBits: UInt16 = 0b01_01_01_01_01_01
}

/// The kind of object an entry point opens; only menu items carry a license (Docs/licensing-rules.md §2).
public enum EntryPointObjectType: Sendable, Hashable, Codable, CustomStringConvertible {
    case menuItemDisplay
    case menuItemAction
    case menuItemOutput
    /// Service operations, data entities, web menu items and anything else: no license.
    case other(String)

    /// Interprets an `ObjectType` value, case-insensitively.
    public init(aotValue: String) {
        switch aotValue {  // the usual spelling first, without allocating
        case "MenuItemDisplay": self = .menuItemDisplay; return
        case "MenuItemAction": self = .menuItemAction; return
        case "MenuItemOutput": self = .menuItemOutput; return
        default: break
        }
        switch aotValue.lowercased() {
        case "menuitemdisplay": self = .menuItemDisplay
        case "menuitemaction": self = .menuItemAction
        case "menuitemoutput": self = .menuItemOutput
        default: self = .other(aotValue)
        }
    }

    /// The AOT spelling.
    public var description: String {
        switch self {
        case .menuItemDisplay: "MenuItemDisplay"
        case .menuItemAction: "MenuItemAction"
        case .menuItemOutput: "MenuItemOutput"
        case .other(let value): value
        }
    }

    /// The menu-item kind this entry point points at, if it is a menu item.
    public var menuItemKind: MenuItemKind? {
        switch self {
        case .menuItemDisplay: .display
        case .menuItemAction: .action
        case .menuItemOutput: .output
        case .other: nil
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        self.init(aotValue: try decoder.singleValueContainer().decode(String.self))
    }
}

/// An `AxSecurityEntryPointReference`: a privilege's grant on one entry point.
public struct EntryPointGrant: Sendable, Hashable, Codable {
    public var name: String
    public var objectName: String
    public var objectType: EntryPointObjectType
    public var objectChildName: String
    /// The `<Grant>`; empty when the file has none (legal: no access).
    public var grant: AccessGrant
    public var location: SourceLocation

    public init(name: String, objectName: String, objectType: EntryPointObjectType, objectChildName: String = "", grant: AccessGrant, location: SourceLocation) {
        self.name = name
        self.objectName = objectName
        self.objectType = objectType
        self.objectChildName = objectChildName
        self.grant = grant
        self.location = location
    }
}

/// An `AxSecurityDataEntityPermission`: shown in View Permissions, never licensed in this model.
public struct DataEntityPermission: Sendable, Hashable, Codable {
    public var name: String
    public var grant: AccessGrant
    public var location: SourceLocation

    public init(name: String, grant: AccessGrant, location: SourceLocation) {
        self.name = name
        self.grant = grant
        self.location = location
    }
}

/// An `AxSecurityPrivilege`: the unit that grants access to entry points and that the SKU map licenses.
public struct SecurityPrivilege: Sendable, Hashable, Codable {
    public var name: String
    public var label: String
    public var entryPoints: [EntryPointGrant]
    public var dataEntityPermissions: [DataEntityPermission]
    public var origin: ModelOrigin
    public var location: SourceLocation

    public init(name: String, label: String = "", entryPoints: [EntryPointGrant] = [], dataEntityPermissions: [DataEntityPermission] = [], origin: ModelOrigin, location: SourceLocation) {
        self.name = name
        self.label = label
        self.entryPoints = entryPoints
        self.dataEntityPermissions = dataEntityPermissions
        self.origin = origin
        self.location = location
    }
}

/// The three menu-item AOT types; each is its own namespace.
public enum MenuItemKind: String, Sendable, Hashable, Codable, CaseIterable {
    case display = "Display"
    case action = "Action"
    case output = "Output"
}

/// An `AxMenuItemDisplay`, `AxMenuItemAction` or `AxMenuItemOutput`, with its license properties as written (the
/// licensing rules interpret them).
public struct MenuItem: Sendable, Hashable, Codable {
    public var name: String
    public var label: String
    public var kind: MenuItemKind
    /// `ViewUserLicense` as written, blanks trimmed; empty when absent.
    public var viewLicense: String
    /// `MaintainUserLicense` as written, blanks trimmed; empty when absent.
    public var maintainLicense: String
    public var origin: ModelOrigin
    public var location: SourceLocation

    public init(name: String, label: String = "", kind: MenuItemKind, viewLicense: String = "", maintainLicense: String = "", origin: ModelOrigin, location: SourceLocation) {
        self.name = name
        self.label = label
        self.kind = kind
        self.viewLicense = viewLicense
        self.maintainLicense = maintainLicense
        self.origin = origin
        self.location = location
    }
}

/// An `AxSecurityRoleExtension` (`<BaseRole>.<Suffix>`): adds duties, privileges and sub-roles to a role in another model.
public struct RoleExtension: Sendable, Hashable, Codable {
    public var name: String
    /// The extended role's name: the part of `name` before the first dot; nil when `name` is not
    /// `<Base>.<Suffix>` with both parts non-empty (it then extends nothing).
    public var baseName: String?
    public var contents: RoleContents
    public var origin: ModelOrigin
    public var location: SourceLocation

    public init(name: String, contents: RoleContents = RoleContents(), origin: ModelOrigin, location: SourceLocation) {
        self.name = name
        self.baseName = extendedObjectName(name)
        self.contents = contents
        self.origin = origin
        self.location = location
    }
}

/// An `AxSecurityDutyExtension` (`<BaseDuty>.<Suffix>`): adds privileges to a duty in another model.
public struct DutyExtension: Sendable, Hashable, Codable {
    public var name: String
    /// The extended duty's name: the part of `name` before the first dot; nil when `name` is not
    /// `<Base>.<Suffix>` with both parts non-empty (it then extends nothing).
    public var baseName: String?
    public var privileges: [ObjectReference]
    public var origin: ModelOrigin
    public var location: SourceLocation

    public init(name: String, privileges: [ObjectReference] = [], origin: ModelOrigin, location: SourceLocation) {
        self.name = name
        self.baseName = extendedObjectName(name)
        self.privileges = privileges
        self.origin = origin
        self.location = location
    }
}

/// The object an extension named `<Base>.<Suffix>` extends: the part before the first dot, when both it and the
/// rest are non-empty (`A.B.C` extends `A`); nil for any other shape (`A`, `.A`, `..A`, `A.`), which extends nothing.
func extendedObjectName(_ extensionName: String) -> String? {
    guard let dot = extensionName.firstIndex(of: "."), dot != extensionName.startIndex,
          extensionName.index(after: dot) != extensionName.endIndex else { return nil }
    return String(extensionName[..<dot])
}

/// One AOT file's object, before extensions are merged and references resolved.
public enum AOTObject: Sendable, Hashable {
    case role(SecurityRole)
    case duty(SecurityDuty)
    case privilege(SecurityPrivilege)
    case roleExtension(RoleExtension)
    case dutyExtension(DutyExtension)
    case menuItem(MenuItem)
}

extension String {
    /// Case-insensitive equality for ASCII AOT names (`AxSecurityRole`, `Allow`): compared byte by byte, without
    /// counting characters or lower-casing copies, since every folder of every path of a git revision is asked.
    /// Text that is not ASCII falls back to comparing lower-cased copies.
    func caseInsensitiveCompare(_ other: String) -> Bool {
        var left = self, right = other
        let ascii = left.withUTF8 { a in
            right.withUTF8 { b -> Bool? in
                guard a.allSatisfy({ $0 < 0x80 }), b.allSatisfy({ $0 < 0x80 }) else { return nil }
                guard a.count == b.count else { return false }
                func folded(_ byte: UInt8) -> UInt8 { byte &- 0x41 < 26 ? byte + 0x20 : byte }
                return zip(a, b).allSatisfy { folded($0) == folded($1) }
            }
        }
        return ascii ?? (lowercased() == other.lowercased())
    }
}
