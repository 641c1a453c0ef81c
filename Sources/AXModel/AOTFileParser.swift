import AXReading

/// Turns one AOT XML file into the object it defines, plus the warnings found inside it.
public enum AOTFileParser {
    /// The result of parsing one file.
    public struct Output: Sendable {
        /// The object, or nil when the file was skipped (wrong root element, no name).
        public var object: AOTObject?
        /// Problems found in the file that did not stop it from being read, as `DiagnosticLog` shows them.
        public var diagnostics: [Diagnostic]
    }

    /// Parses `bytes`, the content of `file`, expected to hold an object of `type` from `origin`.
    ///
    /// Throws `XMLSyntaxError` when the file is not well-formed XML; the caller decides whether that stops the run.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, type: AOTObjectType, origin: ModelOrigin) throws(XMLSyntaxError) -> Output {
        try parse(bytes, file: file, type: type, origin: origin, reader: ReusableXMLReader())
    }

    /// Parses with a reader the calling thread reuses across files.
    static func parse(_ bytes: UnsafeRawBufferPointer, file: String, type: AOTObjectType, origin: ModelOrigin, reader: ReusableXMLReader) throws(XMLSyntaxError) -> Output {
        var record = AOTRecord(file: file)
        try reader.read(bytes, into: &record)
        return record.makeObject(type: type, origin: origin)
    }

    /// Convenience for tests and small inputs: parses a string.
    public static func parse(_ text: String, file: String, type: AOTObjectType, origin: ModelOrigin) throws(XMLSyntaxError) -> Output {
        var bytes = Array(text.utf8)
        let count = bytes.count
        let result = bytes.withUnsafeMutableBytes { buffer in
            Result { () throws(XMLSyntaxError) in
                try parse(UnsafeRawBufferPointer(rebasing: buffer[0..<count]), file: file, type: type, origin: origin)
            }
        }
        return try result.get()
    }
}

/// Everything one AOT file says that axlicense reads, gathered by element depth and section (local names only).
///
/// A small state machine rather than a path of names: this runs for every element of every file.
private struct AOTRecord: XMLElementHandler {
    /// The depth-2 element being read, which decides what its descendants mean.
    enum Section {
        case other, duties, privileges, subRoles, entryPoints, dataEntityPermissions
    }

    /// Where a property that may be written once belongs: the object, or the entry point being read.
    enum PropertyScope {
        case object, entry
    }

    let file: String
    var depth = 0
    var section = Section.other
    var inGrant = false
    var rootName: String?
    var rootLine = 1
    var name = ""
    var label = ""
    var description = ""
    var viewUserLicense = ""
    var maintainUserLicense = ""
    var duties = References()
    var privileges = References()
    var subRoles = References()
    var entryPoints: [EntryPointGrant] = []
    var dataEntityPermissions: [DataEntityPermission] = []
    var diagnostics = DiagnosticLog()

    // The entry point or data entity permission being read.
    var itemName = ""
    var itemObjectName = ""
    var itemObjectType = ""
    var itemObjectChildName = ""
    var itemGrant = AccessGrant()
    var itemLine = 0
    var pendingLine = 0
    // Properties already read, so that a repeated one is reported and the first kept: the object's own, the
    // current entry point's, and its grant's rights.
    // Bit masks, not sets: this runs for every element of every file.
    var objectPropertiesSeen: UInt8 = 0
    var itemPropertiesSeen: UInt8 = 0
    var grantRightsSeen: UInt8 = 0

    init(file: String) { self.file = file }

    var inItemSection: Bool { section == .entryPoints || section == .dataEntityPermissions }

    mutating func didStart(element localName: XMLName, line: Int) {
        depth += 1
        pendingLine = line
        switch depth {
        case 1:
            rootName = localName.string
            rootLine = line
        case 2:
            switch localName {
            case "Duties": section = .duties
            case "Privileges": section = .privileges
            case "SubRoles": section = .subRoles
            case "EntryPoints": section = .entryPoints
            case "DataEntityPermissions": section = .dataEntityPermissions
            default: section = .other
            }
        case 3 where inItemSection:
            itemName = ""; itemObjectName = ""; itemObjectType = ""; itemObjectChildName = ""
            itemGrant = AccessGrant()
            itemLine = line
            itemPropertiesSeen = 0
            grantRightsSeen = 0
        case 4 where inItemSection:
            inGrant = localName == "Grant"
        default:
            break
        }
    }

    mutating func didEnd(element localName: XMLName, text: String) {
        defer { depth -= 1 }
        switch depth {
        case 2:
            switch localName {
            case "Name": if isFirst(0, in: .object, localName, kept: name, text) { name = text.trimmingBlanks() }
            case "Label": if isFirst(1, in: .object, localName, kept: label, text) { label = text.trimmingBlanks() }
            case "Description": if isFirst(2, in: .object, localName, kept: description, text) { description = text.trimmingBlanks() }
            case "ViewUserLicense": if isFirst(3, in: .object, localName, kept: viewUserLicense, text) { viewUserLicense = text }
            case "MaintainUserLicense": if isFirst(4, in: .object, localName, kept: maintainUserLicense, text) { maintainUserLicense = text }
            default: break
            }
            section = .other
        case 3 where section == .entryPoints && localName == "AxSecurityEntryPointReference":
            entryPoints.append(EntryPointGrant(
                name: itemName, objectName: itemObjectName, objectType: EntryPointObjectType(aotValue: itemObjectType),
                objectChildName: itemObjectChildName, grant: itemGrant, location: location(itemLine)))
        case 3 where section == .dataEntityPermissions && localName == "AxSecurityDataEntityPermission":
            dataEntityPermissions.append(DataEntityPermission(name: itemName, grant: itemGrant, location: location(itemLine)))
        case 4:
            switch section {
            case .duties where localName == "Name":
                duties.add(ObjectReference(name: text.trimmingBlanks(), location: location(pendingLine)))
            case .privileges where localName == "Name":
                privileges.add(ObjectReference(name: text.trimmingBlanks(), location: location(pendingLine)))
            case .subRoles where localName == "Name":
                subRoles.add(ObjectReference(name: text.trimmingBlanks(), location: location(pendingLine)))
            case .entryPoints, .dataEntityPermissions:
                switch localName {
                case "Name": if isFirst(0, in: .entry, localName, kept: itemName, text) { itemName = text.trimmingBlanks() }
                case "ObjectName": if isFirst(1, in: .entry, localName, kept: itemObjectName, text) { itemObjectName = text.trimmingBlanks() }
                case "ObjectType": if isFirst(2, in: .entry, localName, kept: itemObjectType, text) { itemObjectType = text.trimmingBlanks() }
                case "ObjectChildName": if isFirst(3, in: .entry, localName, kept: itemObjectChildName, text) { itemObjectChildName = text.trimmingBlanks() }
                case "Grant": inGrant = false
                default: break
                }
            default:
                break
            }
        case 5 where inGrant:
            guard let right = AccessRight(rawValue: localName.string) else { break }
            let value = text.trimmingBlanks()
            let rightBit: UInt8 = 1 << UInt8(AccessRight.allCases.firstIndex(of: right)!)
            guard grantRightsSeen & rightBit == 0 else {
                diagnostics.append(Diagnostic(.warning, .duplicateElement, "<\(right.rawValue)> is written more than once in one <Grant>; the first is used, '\(value)' is ignored", at: location(pendingLine)))
                break
            }
            grantRightsSeen |= rightBit
            if value.isEmpty { break }
            if let grantValue = GrantValue(rawValue: value) ?? GrantValue.allCasesInsensitive(value) {
                itemGrant[right] = grantValue
            } else {
                diagnostics.append(Diagnostic(.warning, .unknownGrantValue, "grant value '\(value)' for \(right.rawValue) is not Allow, Deny or Unset; treated as not allowed", at: location(pendingLine)))
            }
        default:
            break
        }
    }

    /// True the first time `property` is read in its scope; later times add a `duplicate-element` warning (the first
    /// value, `kept`, stays: later text never silently replaces what was read).
    private mutating func isFirst(_ bit: UInt8, in scope: PropertyScope, _ property: XMLName, kept: String, _ text: String) -> Bool {
        let mask: UInt8 = 1 << bit
        switch scope {
        case .object where objectPropertiesSeen & mask == 0: objectPropertiesSeen |= mask; return true
        case .entry where itemPropertiesSeen & mask == 0: itemPropertiesSeen |= mask; return true
        default: break
        }
        let owner = scope == .object ? "object" : "entry point or data entity permission"
        diagnostics.append(Diagnostic(.warning, .duplicateElement, "<\(property.string)> is written more than once in one \(owner); the first ('\(kept.trimmingBlanks())') is used, '\(text.trimmingBlanks())' is ignored", at: location(pendingLine)))
        return false
    }

    private func location(_ line: Int) -> SourceLocation {
        SourceLocation(file: file, line: line > 0 ? line : nil)
    }

    func makeObject(type: AOTObjectType, origin: ModelOrigin) -> AOTFileParser.Output {
        var diagnostics = self.diagnostics
        guard let rootName, rootName.caseInsensitiveCompare(type.rawValue) else {
            diagnostics.append(Diagnostic(.warning, .unexpectedRootElement, "root element <\(rootName ?? "")> is not <\(type.rawValue)> as its folder says; file skipped", at: location(rootLine)))
            return .init(object: nil, diagnostics: diagnostics.diagnostics)
        }
        guard !name.isEmpty else {
            diagnostics.append(Diagnostic(.warning, .missingName, "<\(type.rawValue)> has no <Name>; file skipped", at: location(rootLine)))
            return .init(object: nil, diagnostics: diagnostics.diagnostics)
        }
        let at = location(rootLine)
        let contents = RoleContents(duties: duties.items, privileges: privileges.items, subRoles: subRoles.items)
        let object: AOTObject
        switch type {
        case .securityRole:
            object = .role(SecurityRole(name: name, label: label, description: description, contents: contents, origin: origin, location: at))
        case .securityDuty:
            object = .duty(SecurityDuty(name: name, label: label, privileges: contents.privileges, origin: origin, location: at))
        case .securityPrivilege:
            object = .privilege(SecurityPrivilege(name: name, label: label, entryPoints: entryPoints, dataEntityPermissions: dataEntityPermissions, origin: origin, location: at))
        case .securityRoleExtension:
            object = .roleExtension(RoleExtension(name: name, contents: contents, origin: origin, location: at))
        case .securityDutyExtension:
            object = .dutyExtension(DutyExtension(name: name, privileges: contents.privileges, origin: origin, location: at))
        case .menuItemDisplay, .menuItemAction, .menuItemOutput:
            let kind: MenuItemKind = type == .menuItemDisplay ? .display : type == .menuItemAction ? .action : .output
            object = .menuItem(MenuItem(
                name: name, label: label, kind: kind,
                viewLicense: viewUserLicense.trimmingBlanks(),
                maintainLicense: maintainUserLicense.trimmingBlanks(),
                origin: origin, location: at))
        }
        return .init(object: object, diagnostics: diagnostics.isEmpty ? [] : diagnostics.diagnostics)
    }
}

/// The references of one section of a file, each name once: a repeat of a name already referenced (exactly as
/// written) adds nothing to what the object grants, and a file repeating one reference millions of times must not
/// hold (and report) it millions of times. Case variants are kept: names are matched when the graph is resolved.
private struct References {
    private(set) var items: [ObjectReference] = []
    /// The names so far, once there are enough that scanning them costs more than hashing.
    private var names: Set<String>?

    mutating func add(_ reference: ObjectReference) {
        if names == nil {
            guard !items.contains(where: { $0.name == reference.name }) else { return }
            items.append(reference)
            if items.count == 32 { names = Set(items.map(\.name)) }
        } else if names!.insert(reference.name).inserted {
            items.append(reference)
        }
    }
}

extension GrantValue {
    /// Matches Allow, Deny or Unset whatever their case.
    static func allCasesInsensitive(_ text: String) -> GrantValue? {
        [GrantValue.allow, .deny, .unset].first { $0.rawValue.caseInsensitiveCompare(text) }
    }
}
