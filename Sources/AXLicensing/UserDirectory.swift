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
        try CSVQuotes.requireClosed(in: text, delimiter: delimiter, path: path)
        // Reads the header row only; the records are read below.
        guard let header = try? CSVReader(string: text, hasHeaderRow: true, delimiter: delimiter).headerRow else {
            throw .invalid(path: path, line: 1, column: nil, message: "cannot read the header row")
        }
        let (columns, headerDiagnostics) = CSVHeader.columns(header, path: path) { name in
            Column.allCases.first { $0.rawValue.lowercased() == name.trimmingBlanks().lowercased() }
        }
        let missing = [Column.userId, .securityRoleIdentifier].filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column(s) \(missing.map(\.rawValue).joined(separator: ", ")); the header has: \(header.joined(separator: ", "))")
        }

        // The rows are read piece by piece on the cores (CSV reading is most of the work), then checked and grouped
        // into users in file order.
        let pieces = CSVPieces(text)
        let read = concurrentMap(pieces.records.count) { index in
            AssignmentRows(pieces.records[index], skippingHeader: pieces.recordsIncludeHeader, columns: columns, delimiter: delimiter)
        }

        var users: [SecurityUser] = []
        var userIndex: [NameKey: Int] = [:]
        var diagnostics = DiagnosticLog(headerDiagnostics)
        var line = 1
        for piece in read {
            for row in piece.rows {
                let rowLine = line + row.line
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
            line += piece.lineCount
            if let error = piece.error {
                throw .invalid(path: path, line: line, column: nil, message: "malformed CSV: \(error)")
            }
        }
        if users.isEmpty { diagnostics.append(CSVHeader.noRows(path: path)) }
        // By user id key (case and Unicode normalisation ignored), then as spelled; each key made once, not in every comparison.
        let keys = users.map { NameKey($0.userId) }
        let order = users.indices.sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : users[$0].userId < users[$1].userId }
        return UserDirectory(users: order.map { users[$0] }, diagnostics: diagnostics.diagnostics)
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

/// The role-assignment rows of one piece of a users CSV, with the fields the directory reads.
private struct AssignmentRows: Sendable {
    struct Row: Sendable {
        /// The row's line, counted from the piece's start (1 for its first row).
        var line: Int
        var userId: String
        var role: String
        var roleName: String
        var assignmentStatus: String
        var enabled: String
        var userName: String
    }

    var rows: [Row] = []
    /// Rows read, blank ones included: the lines the piece spans.
    var lineCount = 0
    /// Why reading stopped early, if it did.
    var error: String?

    init(_ text: Substring, skippingHeader: Bool, columns: [UserDirectory.Column: Int], delimiter: UnicodeScalar) {
        let reader: CSVReader
        do {
            // A piece that is the whole text is read from it, not from a copy (the file may be hundreds of MB).
            let whole = text.startIndex == text.base.startIndex && text.endIndex == text.base.endIndex
            reader = try CSVReader(string: whole ? text.base : String(text), hasHeaderRow: skippingHeader, delimiter: delimiter)
        } catch {
            self.error = "\(error)"
            return
        }
        while let fields = reader.next() {
            lineCount += 1
            func field(_ column: UserDirectory.Column) -> String {
                guard let index = columns[column], index < fields.count else { return "" }
                return fields[index].trimmingBlanks()
            }
            let row = Row(line: lineCount, userId: field(.userId), role: field(.securityRoleIdentifier), roleName: field(.securityRoleName),
                          assignmentStatus: field(.assignmentStatus), enabled: field(.enabled), userName: field(.userName))
            if row.userId.isEmpty && row.role.isEmpty && fields.allSatisfy({ $0.trimmingBlanks().isEmpty }) { continue }
            rows.append(row)
        }
        error = reader.error.map { "\($0)" }
    }
}

/// A CSV text cut into pieces of whole records, so that the pieces can be read in parallel.
///
/// A record ends at a line break outside quotes. Cutting is only done where that is plain from the bytes alone: a
/// text with a `"` or a carriage return not followed by a line feed stays one piece, header included, as does a small
/// text (a piece is at least 256 KB).
struct CSVPieces {
    /// The records in order: after the header line when the text was cut, else the whole text.
    var records: [Substring]
    /// True when the text is one piece that starts with the header row.
    var recordsIncludeHeader: Bool

    static let minimumPieceBytes = 256 * 1024

    init(_ text: String, pieces wanted: Int = 8) {
        let bytes = text.utf8
        let pieces = min(wanted, bytes.count / Self.minimumPieceBytes)
        guard pieces > 1, Self.recordsEndAtEveryLineFeed(bytes), let headerBreak = bytes.firstIndex(of: UInt8(ascii: "\n")) else {
            records = [text[...]]
            recordsIncludeHeader = true
            return
        }
        let rest = text[bytes.index(after: headerBreak)...]
        let count = rest.utf8.count
        records = []
        recordsIncludeHeader = false
        var start = rest.startIndex
        for piece in 1..<pieces {
            let target = rest.utf8.index(rest.startIndex, offsetBy: count * piece / pieces)
            guard target > start, let lineBreak = rest.utf8[target...].firstIndex(of: UInt8(ascii: "\n")) else { continue }
            let end = rest.utf8.index(after: lineBreak)
            records.append(rest[start..<end])
            start = end
        }
        records.append(rest[start...])
    }

    /// No quotes (no field can hold a line break) and every carriage return is part of a CRLF.
    private static func recordsEndAtEveryLineFeed(_ bytes: String.UTF8View) -> Bool {
        var afterCarriageReturn = false
        for byte in bytes {
            if afterCarriageReturn && byte != UInt8(ascii: "\n") { return false }
            if byte == UInt8(ascii: "\"") { return false }
            afterCarriageReturn = byte == UInt8(ascii: "\r")
        }
        return !afterCarriageReturn
    }
}

/// Quote checks CSV.swift does not make.
/// The header of a CSV input: which field holds each column the reader understands.
public enum CSVHeader {
    /// The field of each column `key` recognises (nil: a column the reader ignores). A column named twice is read from
    /// its first field; each later one is a `duplicate-column` warning naming the file, header line and column.
    public static func columns<Column: Hashable>(_ header: [String], path: String, key: (String) -> Column?) -> (columns: [Column: Int], diagnostics: [Diagnostic]) {
        var columns: [Column: Int] = [:]
        var diagnostics: [Diagnostic] = []
        for (index, name) in header.enumerated() {
            guard let column = key(name) else { continue }
            if let first = columns[column] {
                diagnostics.append(Diagnostic(.warning, .duplicateColumn,
                                              "column '\(name.trimmingBlanks())' (field \(index + 1)) repeats '\(header[first].trimmingBlanks())' (field \(first + 1)) in the header; the first is read, this one ignored",
                                              at: SourceLocation(file: path, line: 1)))
            } else {
                columns[column] = index
            }
        }
        return (columns, diagnostics)
    }

    /// The warning for a file with a header and no data rows: a run over it has no users, which is rarely meant.
    public static func noRows(path: String) -> Diagnostic {
        Diagnostic(.warning, .noRows, "the file has a header and no rows: no users", at: SourceLocation(file: path, line: 1))
    }
}

public enum CSVQuotes {
    /// Throws when a quoted field never closes, naming where it opens, or when text follows a field's closing quote,
    /// naming that text: CSV.swift would silently read the rest of the file as that one field, and every user or
    /// license after it would be lost.
    public static func requireClosed(in text: String, delimiter: UnicodeScalar, path: String) throws(InputError) {
        guard let problem = quoteProblem(in: text, delimiter: delimiter) else { return }
        switch problem {
        case .neverClosed(let line, let column):
            throw .invalid(path: path, line: line, column: column, message: "this quoted field is never closed (a \" is missing): the rest of the file would be read as one field")
        case .textAfterClosingQuote(let line, let column):
            throw .invalid(path: path, line: line, column: column,
                           message: "text follows the closing quote of a quoted field; quote the whole field (\"a\"\"b\" for a\"b) or end it at the quote")
        }
    }

    /// A quoting fault, with the line and column (characters) it is at.
    enum QuoteProblem: Equatable {
        /// A quoted field opens here and never closes.
        case neverClosed(line: Int, column: Int)
        /// Text (this character) follows a quoted field's closing quote (`"SalesClerk"x`), which RFC 4180 does not allow.
        case textAfterClosingQuote(line: Int, column: Int)
    }

    /// Where a quoted field opens that never closes, read the way CSV.swift reads: a quote opens a quoted field only
    /// at the field's start; inside one, `""` is a quote and the quote that ends it must be followed by the
    /// separator, a line break or the end (CSV.swift keeps other text and takes the rest of the file as one field).
    ///
    /// Lines count line feeds; the column counts characters from the line's start.
    static func quoteProblem(in text: String, delimiter: UnicodeScalar) -> QuoteProblem? {
        let separator = Array(String(delimiter).utf8)
        let quote = UInt8(ascii: "\""), lineFeed = UInt8(ascii: "\n"), carriageReturn = UInt8(ascii: "\r")
        func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> QuoteProblem? {
            guard let base = bytes.baseAddress else { return nil }
            // Quotes are found with memchr, at memory speed; most files hold none at all.
            func nextQuote(from index: Int) -> Int? {
                guard index < bytes.count, let found = memchr(base + index, Int32(quote), bytes.count - index) else { return nil }
                return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            }
            func separatorEnds(before index: Int) -> Bool {
                index >= separator.count && separator.indices.allSatisfy { bytes[index - separator.count + $0] == separator[$0] }
            }
            func endsField(_ index: Int) -> Bool {
                index == bytes.count || bytes[index] == lineFeed || bytes[index] == carriageReturn
                    || (index + separator.count <= bytes.count && separator.indices.allSatisfy { bytes[index + $0] == separator[$0] })
            }
            var index = 0
            while let open = nextQuote(from: index) {
                let atFieldStart = open == 0 || bytes[open - 1] == lineFeed || bytes[open - 1] == carriageReturn || separatorEnds(before: open)
                guard atFieldStart else { index = open + 1; continue }  // a quote inside an unquoted field is text
                var inside = open + 1
                while true {
                    guard let close = nextQuote(from: inside) else {
                        let at = position(of: open, in: bytes)
                        return .neverClosed(line: at.line, column: at.column)
                    }
                    if close + 1 < bytes.count && bytes[close + 1] == quote { inside = close + 2; continue }  // an escaped quote
                    if endsField(close + 1) { index = close + 1; break }
                    let at = position(of: close + 1, in: bytes)
                    return .textAfterClosingQuote(line: at.line, column: at.column)
                }
            }
            return nil
        }
        var text = text
        return text.withUTF8(scan)
    }

    /// Line (counting line feeds) and column (counting characters, not UTF-8 bytes) of byte `index`.
    private static func position(of index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        let before = bytes[..<index]
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        return (1 + before.count { $0 == UInt8(ascii: "\n") }, 1 + bytes[lineStart..<index].count { $0 & 0xC0 != 0x80 })
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
