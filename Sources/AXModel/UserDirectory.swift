import AXReading
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

    public init(userId: String, userName: String = "", isEnabled: Bool = true, assignments: [RoleAssignment], location: SourceLocation) {
        self.userId = userId
        self.userName = userName
        self.isEnabled = isEnabled
        self.assignments = assignments
        self.location = location
    }
}

/// The users of an environment, read from a role-assignment CSV (Docs/licensing-rules.md §4).
public struct UserDirectory: Sendable {
    /// Users sorted by user id (case-insensitive).
    public var users: [SecurityUser]
    /// Warnings about the file's content.
    public var diagnostics: [Diagnostic]
    /// True when the file says which users are enabled (it has an `Enabled` column, or was joined with a SystemUsers
    /// export that has one); false for the Security user role associations export (`SecurityUserRoles`), which has none.
    public var knowsEnabledState: Bool

    public init(users: [SecurityUser], diagnostics: [Diagnostic] = [], knowsEnabledState: Bool = true) {
        self.users = users
        self.diagnostics = diagnostics
        self.knowsEnabledState = knowsEnabledState
    }

    /// Column names (case-insensitive) the reader understands.
    package enum Column: String, CaseIterable, Sendable {
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
        let data = try readInputFile(path, input: .users, maximumSize: InputSizeLimit.csv)
        return try parse(decodeText(data, path: path), path: path, delimiter: delimiter)
    }

    /// Parses users CSV text; `path` names the source in errors.
    public static func parse(_ text: String, path: String, delimiter: UnicodeScalar? = nil) throws(InputError) -> UserDirectory {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        let header = table.header
        let (columns, headerDiagnostics) = CSVHeader.columns(header, path: path) { name in
            Column.allCases.first { $0.rawValue.lowercased() == name.trimmingBlanks().lowercased() }
        }
        let missing = [Column.userId, .securityRoleIdentifier].filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column(s) \(missing.map(\.rawValue).joined(separator: ", ")); the header has: \(header.joined(separator: ", "))")
        }

        // Only the fields the directory reads are kept of each record (read on several cores for a big file).
        // Column positions looked up once, not per field of every record (a `Column` hashes its name).
        let userId = columns[.userId], role = columns[.securityRoleIdentifier], roleName = columns[.securityRoleName]
        let status = columns[.assignmentStatus], enabled = columns[.enabled], userName = columns[.userName]
        let read = table.rows { fields in
            func field(_ index: Int?) -> String {
                guard let index, index < fields.count else { return "" }
                return fields[index].trimmingBlanks()
            }
            return AssignmentRow(userId: field(userId), role: field(role), roleName: field(roleName),
                                 assignmentStatus: field(status), enabled: field(enabled), userName: field(userName))
        }

        var users: [SecurityUser] = []
        var userIndex: [NameKey: Int] = [:]
        var diagnostics = DiagnosticLog(headerDiagnostics)
        for (rowLine, row) in read.rows {
            let location = SourceLocation(file: path, line: rowLine)
            guard !row.userId.isEmpty else { throw .invalid(path: path, line: rowLine, column: nil, message: "UserId is empty") }
            guard !row.role.isEmpty else { throw .invalid(path: path, line: rowLine, column: nil, message: "SecurityRoleIdentifier is empty for user '\(row.userId)'") }
            let assignmentEnabled = try parseAssignmentStatus(row.assignmentStatus, path: path, line: rowLine)
            let userEnabled = try parseEnabled(row.enabled, path: path, line: rowLine)
            let assignment = RoleAssignment(roleIdentifier: row.role, roleName: row.roleName, isEnabled: assignmentEnabled, location: location)
            let key = NameKey(row.userId)
            if let existing = userIndex[key] {
                if users[existing].isEnabled != userEnabled {
                    diagnostics.append(Diagnostic(.warning, .inconsistentUser, "user '\(row.userId)' is marked both enabled and disabled; treated as enabled", at: location))
                    users[existing].isEnabled = true
                }
                users[existing].assignments.append(assignment)
            } else {
                userIndex[key] = users.count
                users.append(SecurityUser(userId: row.userId, userName: row.userName, isEnabled: userEnabled, assignments: [assignment], location: location))
            }
        }
        if let error = read.error { throw error }
        if users.isEmpty { diagnostics.append(CSVHeader.noRows(path: path)) }
        // By user id key (case and Unicode normalisation ignored), then as spelled; each key made once, not in every comparison.
        let keys = users.map { NameKey($0.userId) }
        let order = users.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : users[$0].userId < users[$1].userId }
        return UserDirectory(users: order.map { users[$0] }, diagnostics: diagnostics.diagnostics, knowsEnabledState: columns[.enabled] != nil)
    }

    /// The users with the enabled state of the SystemUsers export joined in (Docs/licensing-rules.md §4): a user
    /// that either file marks disabled is disabled. Users the export does not list keep the users file's state, with
    /// one `unknown-user` warning naming how many and the first few.
    public func joined(with systemUsers: SystemUserDirectory) -> UserDirectory {
        guard systemUsers.hasEnabledColumn else { return self }
        var joined = self
        var unlisted: [SecurityUser] = []
        for index in joined.users.indices {
            guard let systemUser = systemUsers.user(userId: joined.users[index].userId) else {
                unlisted.append(joined.users[index])
                continue
            }
            if !systemUser.isEnabled { joined.users[index].isEnabled = false }
        }
        if let first = unlisted.first {
            let names = unlisted.prefix(3).map { "'\($0.userId)'" }.joined(separator: ", ") + (unlisted.count > 3 ? " and \(unlisted.count - 3) more" : "")
            joined.diagnostics.append(Diagnostic(.warning, .unknownUser,
                                                 "\(unlisted.count) user(s) of the users file are not in the SystemUsers export (\(names)); their enabled state is the users file's",
                                                 at: first.location))
        }
        joined.diagnostics = DiagnosticLog.merged(joined.diagnostics)
        joined.knowsEnabledState = true
        return joined
    }

    /// The warning for users whose enabled state nothing gives: every one is counted as enabled.
    public static func enabledStateUnknown(path: String) -> Diagnostic {
        Diagnostic(.warning, .enabledStateUnknown,
                   "the users file has no Enabled column and no SystemUsers export was given: whether each user is enabled is unknown, so every user is counted as enabled",
                   at: SourceLocation(file: path, line: 1))
    }

    private static func parseAssignmentStatus(_ value: String, path: String, line: Int) throws(InputError) -> Bool {
        switch value.lowercased() {
        case "", "enabled", "1": return true
        // Expired (past the assignment's end date) and Suspended grant nothing, like Disabled.
        case "disabled", "2", "expired", "suspended": return false
        default: throw .invalid(path: path, line: line, column: nil, message: "AssignmentStatus '\(value)' is not Enabled, Disabled, Expired, Suspended, 1 or 2")
        }
    }

    /// Parses an `Enabled` field (true/false, yes/no, 1/0, enabled/disabled; empty is true): the one rule for every
    /// users export.
    static func parseEnabled(_ value: String, path: String, line: Int) throws(InputError) -> Bool {
        switch value.lowercased() {
        case "", "true", "yes", "1", "enabled": return true
        case "false", "no", "0", "disabled": return false
        default: throw .invalid(path: path, line: line, column: nil, message: "Enabled '\(value)' is not true or false")
        }
    }
}

/// The fields of one role-assignment record that the directory reads.
private struct AssignmentRow: Sendable {
    var userId: String
    var role: String
    var roleName: String
    var assignmentStatus: String
    var enabled: String
    var userName: String
}
