import AXReading
import Foundation

/// A Microsoft Entra object id (a GUID): the identity the Power Platform admin center knows a user by.
///
/// Compared case-insensitively and with or without braces, as exports write it both ways
/// (`{1F0C…}` in some D365FO exports, `1f0c…` in PPAC).
public struct EntraObjectID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The id in lower case, hyphenated, without braces: `1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6`.
    public let text: String

    /// Parses a GUID written `8-4-4-4-12` hex digits, optionally in braces; nil for anything else.
    public init?(_ spelling: String) {
        var value = spelling.trimmingBlanks()
        if value.hasPrefix("{") && value.hasSuffix("}") && value.count >= 2 { value = String(value.dropFirst().dropLast()) }
        let groups = value.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], groups.allSatisfy({ $0.allSatisfy(\.isHexDigit) && $0.allSatisfy(\.isASCII) }) else { return nil }
        text = value.lowercased()
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.text < rhs.text }
    public var description: String { text }
}

/// One D365FO user from the SystemUsers export: the link between the D365FO user id that role assignments use and the
/// e-mail or Entra object id the Power Platform admin center uses (Docs/licensing-rules.md, "Reconciliation with PPAC").
public struct SystemUser: Sendable, Hashable {
    /// `UserID`: the D365FO user id, as in the users file.
    public var userId: String
    /// `Email`, empty when the export has none.
    public var email: String
    /// `NetworkAlias` (usually the user principal name), empty when the export has none.
    public var networkAlias: String
    /// `ObjectId`, nil when the export has none for this user.
    public var objectId: EntraObjectID?
    /// `Enabled`; true when the export has no such column.
    public var isEnabled: Bool
    /// `UserName` (or `Name`), empty when absent.
    public var userName: String
    /// The user's line.
    public var location: SourceLocation

    public init(userId: String, email: String = "", networkAlias: String = "", objectId: EntraObjectID? = nil, isEnabled: Bool = true,
                userName: String = "", location: SourceLocation) {
        self.userId = userId
        self.email = email
        self.networkAlias = networkAlias
        self.objectId = objectId
        self.isEnabled = isEnabled
        self.userName = userName
        self.location = location
    }
}

/// The SystemUsers export (D365FO System administration > Users, exported to Excel and saved as CSV, or the
/// `SystemUsers` data entity): D365FO user ids with their e-mail, network alias and Entra object id, so that rows of
/// the Power Platform admin center can be matched to users of the users file.
public struct SystemUserDirectory: Sendable {
    /// Users in file order, each user id once (the first row of a repeated id).
    public var users: [SystemUser]
    /// Warnings about the file's content (repeated user ids, e-mails or object ids).
    public var diagnostics: [Diagnostic]
    /// True when the export has an `Enabled` column (else every user reads as enabled, which says nothing).
    public var hasEnabledColumn: Bool
    private var byEmail: [NameKey: Int] = [:]
    private var byObjectID: [EntraObjectID: Int] = [:]
    private var byUserId: [NameKey: Int] = [:]

    /// Indexes `users` by user id, e-mail, network alias and object id (the first user wins a shared one).
    public init(users: [SystemUser], diagnostics: [Diagnostic] = [], hasEnabledColumn: Bool = true) {
        self.users = users
        self.diagnostics = diagnostics
        self.hasEnabledColumn = hasEnabledColumn
        for (index, user) in users.enumerated() {
            if byUserId[NameKey(user.userId)] == nil { byUserId[NameKey(user.userId)] = index }
            for address in [user.email, user.networkAlias] where !address.isEmpty {
                let key = NameKey(address)
                if byEmail[key] == nil { byEmail[key] = index }
            }
            if let id = user.objectId, byObjectID[id] == nil { byObjectID[id] = index }
        }
    }

    /// The user whose `Email` or `NetworkAlias` is `address` (case-insensitive).
    public func user(email address: String) -> SystemUser? {
        byEmail[NameKey(address.trimmingBlanks())].map { users[$0] }
    }

    /// The user with this D365FO user id (compared like every name).
    public func user(userId: String) -> SystemUser? {
        byUserId[NameKey(userId.trimmingBlanks())].map { users[$0] }
    }

    /// The D365FO user id a row of the Power Platform admin center names by its `UserId` or `UserEmail`: the user
    /// whose Entra object id is a GUID in either, else whose e-mail or network alias is the row's e-mail.
    public func matching(objectId: EntraObjectID?, email: String?) -> SystemUser? {
        if let objectId, let found = user(objectId: objectId) { return found }
        if let email, let found = user(email: email) { return found }
        return nil
    }

    /// The user with this Entra object id.
    public func user(objectId: EntraObjectID) -> SystemUser? {
        byObjectID[objectId].map { users[$0] }
    }

    /// Column names (case, spaces and punctuation ignored) the reader understands.
    public enum Column: String, CaseIterable, Sendable {
        case userId = "UserID"
        case email = "Email"
        case networkAlias = "NetworkAlias"
        case objectId = "ObjectId"
        case enabled = "Enabled"
        case userName = "UserName"

        /// The column a header field names, if any: `User ID`, `E-mail`, `Name`, `Entra object ID` are understood too.
        static func named(_ field: String) -> Column? {
            switch String(field.lowercased().filter { $0.isLetter || $0.isNumber }) {
            case "userid": .userId
            case "email", "emailaddress": .email
            case "networkalias", "alias": .networkAlias
            case "objectid", "entraobjectid", "azureadobjectid", "aadobjectid": .objectId
            case "enabled": .enabled
            case "username", "name": .userName
            default: nil
            }
        }
    }

    /// Reads a SystemUsers CSV file; `delimiter` nil means detected from the header.
    public static func load(path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> SystemUserDirectory {
        let data = try readInputFile(path, input: .systemUsers, maximumSize: InputSizeLimit.csv)
        return try parse(decodeText(data, path: path), path: path, delimiter: delimiter)
    }

    /// Parses SystemUsers CSV text; `path` names the source in errors.
    public static func parse(_ text: String, path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> SystemUserDirectory {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        let header = table.header
        let (columns, headerDiagnostics) = CSVHeader.columns(header, path: path, key: Column.named)
        guard columns[.userId] != nil else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column UserID; the header has: \(header.joined(separator: ", "))")
        }
        guard columns[.email] != nil || columns[.networkAlias] != nil || columns[.objectId] != nil else {
            throw .invalid(path: path, line: 1, column: nil,
                           message: "no column to match users by: give Email, NetworkAlias or ObjectId; the header has: \(header.joined(separator: ", "))")
        }
        let read = table.rows { fields in
            Column.allCases.map { column -> String in
                guard let index = columns[column], index < fields.count else { return "" }
                return fields[index].trimmingBlanks()
            }
        }
        var users: [SystemUser] = []
        var seenIds: [NameKey: Int] = [:]
        var seenAddresses: [NameKey: String] = [:]
        var seenObjectIDs: [EntraObjectID: String] = [:]
        var diagnostics = DiagnosticLog(headerDiagnostics)
        for (line, fields) in read.rows {
            func field(_ column: Column) -> String { fields[Column.allCases.firstIndex(of: column)!] }
            let location = SourceLocation(file: path, line: line)
            let userId = field(.userId)
            guard !userId.isEmpty else { throw .invalid(path: path, line: line, column: nil, message: "UserID is empty") }
            var objectId: EntraObjectID?
            if !field(.objectId).isEmpty {
                guard let parsed = EntraObjectID(field(.objectId)) else {
                    throw .invalid(path: path, line: line, column: nil,
                                   message: "ObjectId '\(field(.objectId))' of user '\(userId)' is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx, braces optional)")
                }
                objectId = parsed
            }
            let isEnabled = try UserDirectory.parseEnabled(field(.enabled), path: path, line: line)
            if let first = seenIds[NameKey(userId)] {
                diagnostics.append(Diagnostic(.warning, .duplicateUser, "user '\(userId)' is listed again (first at line \(first)); the first row is used, this one ignored", at: location))
                continue
            }
            seenIds[NameKey(userId)] = line
            for address in Set([field(.email), field(.networkAlias)].filter { !$0.isEmpty }.map(NameKey.init)) {
                if let other = seenAddresses[address] {
                    diagnostics.append(Diagnostic(.warning, .duplicateUser, "e-mail '\(address.text)' of user '\(userId)' is also that of user '\(other)'; it matches '\(other)'", at: location))
                } else {
                    seenAddresses[address] = userId
                }
            }
            if let objectId {
                if let other = seenObjectIDs[objectId] {
                    diagnostics.append(Diagnostic(.warning, .duplicateUser, "object id \(objectId) of user '\(userId)' is also that of user '\(other)'; it matches '\(other)'", at: location))
                } else {
                    seenObjectIDs[objectId] = userId
                }
            }
            users.append(SystemUser(userId: userId, email: field(.email), networkAlias: field(.networkAlias), objectId: objectId, isEnabled: isEnabled,
                                    userName: field(.userName), location: location))
        }
        if let error = read.error { throw error }
        if users.isEmpty { diagnostics.append(CSVHeader.noRows(path: path)) }
        return SystemUserDirectory(users: users, diagnostics: diagnostics.diagnostics, hasEnabledColumn: columns[.enabled] != nil)
    }
}
