/// Turns one AOT XML file into the object it defines, plus the warnings found inside it.
public enum AOTFileParser {
    /// The result of parsing one file.
    public struct Output: Sendable {
        /// The object, or nil when the file was skipped (wrong root element, no name).
        public var object: AOTObject?
        /// Problems found in the file that did not stop it from being read.
        public var diagnostics: [Diagnostic]
    }

    /// Parses `bytes`, the content of `file`, expected to hold an object of `type` from `origin`.
    ///
    /// Throws `XMLSyntaxError` when the file is not well-formed XML; the caller decides whether that stops the run.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, type: AOTObjectType, origin: ModelOrigin) throws(XMLSyntaxError) -> Output {
        var record = AOTRecord(file: file)
        try StreamingXMLReader.read(bytes, url: file, into: &record)
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

/// Everything one AOT file says that axlicense reads, gathered by element path (local names only).
private struct AOTRecord: XMLElementHandler {
    let file: String
    var path: [String] = []
    var rootName: String?
    var rootLine = 1
    var fields: [String: String] = [:]
    var contents = RoleContents()
    var entryPoints: [EntryPointGrant] = []
    var dataEntityPermissions: [DataEntityPermission] = []
    var diagnostics: [Diagnostic] = []

    // The entry point or data entity permission being read.
    var itemFields: [String: String] = [:]
    var itemGrant = AccessGrant()
    var itemLine = 0
    var pendingLine = 0

    init(file: String) { self.file = file }

    mutating func didStart(element localName: String, line: Int) {
        path.append(localName)
        pendingLine = line
        if path.count == 1 {
            rootName = localName
            rootLine = line
        } else if path.count == 3, path[1] == "EntryPoints" || path[1] == "DataEntityPermissions" {
            itemFields = [:]
            itemGrant = AccessGrant()
            itemLine = line
        }
    }

    mutating func didEnd(element localName: String, text: String) {
        defer { path.removeLast() }
        let value = text.trimmingBlanks()
        switch path.count {
        case 2:
            fields[localName] = value
        case 3 where path[1] == "EntryPoints" && path[2] == "AxSecurityEntryPointReference":
            entryPoints.append(EntryPointGrant(
                name: itemFields["Name"] ?? "",
                objectName: itemFields["ObjectName"] ?? "",
                objectType: EntryPointObjectType(aotValue: itemFields["ObjectType"] ?? ""),
                objectChildName: itemFields["ObjectChildName"] ?? "",
                grant: itemGrant,
                location: location(itemLine)))
        case 3 where path[1] == "DataEntityPermissions" && path[2] == "AxSecurityDataEntityPermission":
            dataEntityPermissions.append(DataEntityPermission(name: itemFields["Name"] ?? "", grant: itemGrant, location: location(itemLine)))
        case 4 where localName == "Name":
            let reference = ObjectReference(name: value, location: location(pendingLine))
            switch (path[1], path[2]) {
            case ("Duties", "AxSecurityDutyReference"): contents.duties.append(reference)
            case ("Privileges", "AxSecurityPrivilegeReference"): contents.privileges.append(reference)
            case ("SubRoles", "AxSecurityRoleReference"): contents.subRoles.append(reference)
            case ("EntryPoints", _), ("DataEntityPermissions", _): itemFields[localName] = value
            default: break
            }
        case 4 where path[1] == "EntryPoints" || path[1] == "DataEntityPermissions":
            itemFields[localName] = value
        case 5 where path[3] == "Grant" && (path[1] == "EntryPoints" || path[1] == "DataEntityPermissions"):
            guard let right = AccessRight(rawValue: localName) else { break }
            if value.isEmpty { break }
            if let grantValue = GrantValue(rawValue: value) ?? GrantValue.allCasesInsensitive(value) {
                itemGrant[right] = grantValue
            } else {
                diagnostics.append(Diagnostic(.warning, .unknownGrantValue, "grant value '\(value)' for \(localName) is not Allow, Deny or Unset; treated as not allowed", at: location(pendingLine)))
            }
        default:
            break
        }
    }

    private func location(_ line: Int) -> SourceLocation {
        SourceLocation(file: file, line: line > 0 ? line : nil)
    }

    func makeObject(type: AOTObjectType, origin: ModelOrigin) -> AOTFileParser.Output {
        var diagnostics = self.diagnostics
        guard let rootName, rootName.caseInsensitiveCompare(type.rawValue) else {
            diagnostics.append(Diagnostic(.warning, .unexpectedRootElement, "root element <\(rootName ?? "")> is not <\(type.rawValue)> as its folder says; file skipped", at: location(rootLine)))
            return .init(object: nil, diagnostics: diagnostics)
        }
        let name = fields["Name"] ?? ""
        guard !name.isEmpty else {
            diagnostics.append(Diagnostic(.warning, .missingName, "<\(type.rawValue)> has no <Name>; file skipped", at: location(rootLine)))
            return .init(object: nil, diagnostics: diagnostics)
        }
        let at = location(rootLine)
        let label = fields["Label"] ?? ""
        let object: AOTObject
        switch type {
        case .securityRole:
            object = .role(SecurityRole(name: name, label: label, description: fields["Description"] ?? "", contents: contents, origin: origin, location: at))
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
                viewLicense: UserLicenseValue(aotValue: fields["ViewUserLicense"] ?? ""),
                maintainLicense: UserLicenseValue(aotValue: fields["MaintainUserLicense"] ?? ""),
                origin: origin, location: at))
        }
        return .init(object: object, diagnostics: diagnostics)
    }
}

extension GrantValue {
    /// Matches Allow, Deny or Unset whatever their case.
    static func allCasesInsensitive(_ text: String) -> GrantValue? {
        [GrantValue.allow, .deny, .unset].first { $0.rawValue.caseInsensitiveCompare(text) }
    }
}
