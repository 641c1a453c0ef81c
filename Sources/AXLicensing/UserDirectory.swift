import AXMetadata
import CSV
import Foundation

/// One role assignment from the `SystemSecurityUserRoleAssociationEntity` export.
public struct RoleAssignment: Sendable, Hashable {
    /// `SecurityRoleIdentifier`: the role's AOT name.
    public var roleIdentifier: String
    /// `SecurityRoleName`: the role's label in the export (informational).
    public var roleName: String
    /// `AssignmentStatus`: disabled assignments grant nothing.
    public var isEnabled: Bool
    /// The CSV line it came from.
    public var location: SourceLocation

    /// Creates an assignment.
    public init(roleIdentifier: String, roleName: String = "", isEnabled: Bool = true, location: SourceLocation) {
        self.roleIdentifier = roleIdentifier
        self.roleName = roleName
        self.isEnabled = isEnabled
        self.location = location
    }
}

/// A D365FO user and their role assignments.
public struct SecurityUser: Sendable, Hashable {
    /// `UserId`, as first spelled in the file.
    public var userId: String
    /// `UserName`, when the file has it.
    public var userName: String
    /// `Enabled`: disabled users need no license.
    public var isEnabled: Bool
    /// Every assignment, enabled or not, in file order.
    public var assignments: [RoleAssignment]
    /// The user's first line.
    public var location: SourceLocation

    /// Creates a user.
    public init(userId: String, userName: String = "", isEnabled: Bool = true, assignments: [RoleAssignment], location: SourceLocation) {
        self.userId = userId
        self.userName = userName
        self.isEnabled = isEnabled
        self.assignments = assignments
        self.location = location
    }
}

/// The users of an environment, read from a role-assignment CSV (DOMAIN §4).
public struct UserDirectory: Sendable {
    /// Users sorted by user id (case-insensitive).
    public var users: [SecurityUser]
    /// Warnings about the file's content.
    public var diagnostics: [Diagnostic]

    /// Creates a directory.
    public init(users: [SecurityUser], diagnostics: [Diagnostic] = []) {
        self.users = users
        self.diagnostics = diagnostics
    }

    /// Column names (case-insensitive) the reader understands.
    public enum Column: String, CaseIterable, Sendable {
        case userId = "UserId"
        case securityRoleIdentifier = "SecurityRoleIdentifier"
        case securityRoleName = "SecurityRoleName"
        case assignmentStatus = "AssignmentStatus"
        case assignmentMode = "AssignmentMode"
        case userName = "UserName"
        case enabled = "Enabled"
    }

    /// Reads a users CSV file; `delimiter` nil means detected from the header.
    public static func load(path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> UserDirectory {
        let data = try readInputFile(path, what: "users file (role assignments CSV)", flag: "--users", maximumSize: InputSizeLimit.csv)
        return try parse(decodeUTF8(data, path: path), path: path, delimiter: delimiter)
    }

    /// Parses users CSV text; `path` names the source in errors.
    public static func parse(_ text: String, path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> UserDirectory {
        let delimiter = delimiter ?? CSVDelimiter.detect(in: text)
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true, delimiter: delimiter)
        } catch {
            throw .invalid(path: path, line: 1, column: nil, message: "cannot read the header row")
        }
        guard let header = reader.headerRow else { throw .invalid(path: path, line: 1, column: nil, message: "cannot read the header row") }
        var columns: [Column: Int] = [:]
        for (index, name) in header.enumerated() {
            if let column = Column.allCases.first(where: { $0.rawValue.lowercased() == name.trimmingBlanks().lowercased() }), columns[column] == nil {
                columns[column] = index
            }
        }
        let missing = [Column.userId, .securityRoleIdentifier].filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column(s) \(missing.map(\.rawValue).joined(separator: ", ")); the header has: \(header.joined(separator: ", "))")
        }

        var users: [SecurityUser] = []
        var userIndex: [String: Int] = [:]
        var diagnostics: [Diagnostic] = []
        var line = 1
        while let row = reader.next() {
            line += 1
            func field(_ column: Column) -> String {
                guard let index = columns[column], index < row.count else { return "" }
                return row[index].trimmingBlanks()
            }
            let userId = field(.userId)
            let role = field(.securityRoleIdentifier)
            if userId.isEmpty && role.isEmpty && row.allSatisfy({ $0.trimmingBlanks().isEmpty }) { continue }
            let location = SourceLocation(file: path, line: line)
            guard !userId.isEmpty else { throw .invalid(path: path, line: line, column: nil, message: "UserId is empty") }
            guard !role.isEmpty else { throw .invalid(path: path, line: line, column: nil, message: "SecurityRoleIdentifier is empty for user '\(userId)'") }
            let assignmentEnabled = try parseAssignmentStatus(field(.assignmentStatus), path: path, line: line)
            let userEnabled = try parseEnabled(field(.enabled), path: path, line: line)
            let assignment = RoleAssignment(roleIdentifier: role, roleName: field(.securityRoleName), isEnabled: assignmentEnabled, location: location)
            if let existing = userIndex[userId.lowercased()] {
                if users[existing].isEnabled != userEnabled {
                    diagnostics.append(Diagnostic(.warning, .inconsistentUser, "user '\(userId)' is marked both enabled and disabled; treated as enabled", at: location))
                    users[existing].isEnabled = true
                }
                users[existing].assignments.append(assignment)
            } else {
                userIndex[userId.lowercased()] = users.count
                users.append(SecurityUser(userId: userId, userName: field(.userName), isEnabled: userEnabled, assignments: [assignment], location: location))
            }
        }
        if let error = reader.error {
            throw .invalid(path: path, line: line, column: nil, message: "malformed CSV: \(error)")
        }
        users.sort { $0.userId.lowercased() != $1.userId.lowercased() ? $0.userId.lowercased() < $1.userId.lowercased() : $0.userId < $1.userId }
        return UserDirectory(users: users, diagnostics: diagnostics)
    }

    private static func parseAssignmentStatus(_ value: String, path: String, line: Int) throws(InputError) -> Bool {
        switch value.lowercased() {
        case "", "enabled", "1": return true
        case "disabled", "2": return false
        default: throw .invalid(path: path, line: line, column: nil, message: "AssignmentStatus '\(value)' is not Enabled, Disabled, 1 or 2")
        }
    }

    private static func parseEnabled(_ value: String, path: String, line: Int) throws(InputError) -> Bool {
        switch value.lowercased() {
        case "", "true", "yes", "1", "enabled": return true
        case "false", "no", "0", "disabled": return false
        default: throw .invalid(path: path, line: line, column: nil, message: "Enabled '\(value)' is not true or false")
        }
    }
}

/// The field separator of a CSV file: `,`, or `;` as Excel writes in many locales, or tab.
public enum CSVDelimiter {
    /// The separator the header line uses: `;` or tab when the header has it and no comma, else `,`.
    public static func detect(in text: String) -> UnicodeScalar {
        let header = text.prefix { $0 != "\n" && $0 != "\r\n" }
        if header.contains(",") { return "," }
        if header.contains(";") { return ";" }
        if header.contains("\t") { return "\t" }
        return ","
    }

    /// Parses a `--delimiter` value: one character, or `tab`.
    public static func parse(_ text: String) -> UnicodeScalar? {
        if text.lowercased() == "tab" || text == "\\t" { return "\t" }
        let scalars = Array(text.unicodeScalars)
        guard scalars.count == 1, scalars[0] != "\"", scalars[0] != "\n", scalars[0] != "\r" else { return nil }
        return scalars[0]
    }
}
