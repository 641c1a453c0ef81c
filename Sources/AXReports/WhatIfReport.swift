import AXLicensing
import AXModel
import AXReading

/// `axlicense what-if`: a license before and after a change of role assignments or of a role's contents.
public struct WhatIfReport: Sendable {
    /// The question answered.
    public enum Answer: Sendable {
        case user(UserWhatIf)
        case role(RoleWhatIf)
    }

    /// The answer to show.
    public var answer: Answer
    /// Diagnostics of the inputs, counted under the report.
    public var diagnostics: [Diagnostic]
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool

    /// Creates the report.
    public init(answer: Answer, diagnostics: [Diagnostic], isComplete: Bool) {
        self.answer = answer
        self.diagnostics = diagnostics
        self.isComplete = isComplete
    }

    /// The change asked about, in words: `+ PurchasingAgent, − AccountsPayableClerk`.
    public var changeText: String {
        switch answer {
        case .user(let u):
            return (u.addedRoles.map { "+ role \($0)" } + u.removedRoles.map { "− role \($0)" }).joined(separator: ", ")
        case .role(let r):
            return (r.edit.addPrivileges.map { "+ privilege \($0)" } + r.edit.removePrivileges.map { "− privilege \($0)" }
                + r.edit.addDuties.map { "+ duty \($0)" } + r.edit.removeDuties.map { "− duty \($0)" }).joined(separator: ", ")
        }
    }

    /// The monthly cost change over everyone affected.
    public var monthlyCostDelta: Money {
        switch answer {
        case .user(let u): u.monthlyCostDelta
        case .role(let r): r.monthlyCostDelta
        }
    }

    /// Header facts as label/value pairs.
    public var headerLines: [(String, String)] {
        switch answer {
        case .user(let u):
            return [("User", u.before.user.userId), ("Change", changeText), ("Monthly cost delta", signed(monthlyCostDelta))]
        case .role(let r):
            return [("Role", r.role), ("Change", changeText), ("Users assigned", "\(r.usersAssigned)"),
                    ("Users changed", "\(r.usersChanged.count)"), ("Monthly cost delta", signed(monthlyCostDelta))]
        }
    }

    /// Before and after, for the user or for each affected role.
    public var licensesTable: TextTable {
        switch answer {
        case .user(let u):
            let rows = [("Before", u.before), ("After", u.after)].map { label, row in
                [label, row.roles.joined(separator: ", "), row.entryPointLicense.name, row.license.summary, row.license.monthlyCost.description]
            }
            return TextTable(title: "License", header: ["", "Roles", "Entry-point license", "License", "Monthly cost"], rows: rows, numericColumns: [4])
        case .role(let r):
            return TextTable(
                title: "Roles (the edited role, then roles holding it as a sub-role)",
                header: ["Role", "License before", "License after", "Cost before", "Cost after"],
                rows: r.roles.map { [$0.role, $0.before.summary, $0.after.summary, $0.before.monthlyCost.description, $0.after.monthlyCost.description] },
                numericColumns: [3, 4])
        }
    }

    /// Users whose license changes (role questions only).
    public var usersTable: TextTable? {
        guard case .role(let r) = answer else { return nil }
        return TextTable(
            title: "Users whose license changes",
            header: ["User", "License before", "License after", "Monthly cost delta"],
            rows: r.usersChanged.map { [$0.userId, $0.before.summary, $0.after.summary, signed($0.monthlyCostDelta)] },
            numericColumns: [3])
    }

    private var notes: [String] {
        guard case .role(let r) = answer else { return [] }
        return r.notes
    }

    /// Renders the report.
    public func render(_ format: OutputFormat) -> String {
        let tables = [licensesTable] + (usersTable.map { [$0] } ?? [])
        switch format {
        case .table:
            var parts = ["What if\n" + renderHeaderLines(headerLines, markdown: false)] + tables.map { $0.renderText() }
            if !notes.isEmpty { parts.append(notes.map { "Note: " + $0 }.joined(separator: "\n") + "\n") }
            parts.append(reportFooter(diagnostics, isComplete: isComplete, markdown: false))
            return parts.joined(separator: "\n")
        case .markdown:
            let subject = headerLines[0]
            var parts = ["# What if: \(subject.0.lowercased()) \(Markdown.text(subject.1))\n\n" + renderHeaderLines(headerLines, markdown: true)] + tables.map { $0.renderMarkdown() }
            if !notes.isEmpty { parts.append(notes.map { "> Note: " + Markdown.text($0) }.joined(separator: "\n") + "\n") }
            parts.append(reportFooter(diagnostics, isComplete: isComplete, markdown: true))
            return parts.joined(separator: "\n")
        case .csv:
            return (usersTable ?? licensesTable).renderCSV()
        case .json:
            return encodeJSON(WhatIfJSON(self))
        }
    }
}

struct WhatIfJSON: Encodable {
    struct Side: Encodable {
        var roles: [String]?
        var entryPointLicense: String?
        var license: LicenseJSON
    }
    struct RoleChange: Encodable {
        var role: String
        var before: LicenseJSON
        var after: LicenseJSON
    }
    struct UserChange: Encodable {
        var userId: String
        var before: LicenseJSON
        var after: LicenseJSON
        var monthlyCostDelta: Money
    }
    var kind: String
    var subject: String
    var change: [String: [String]]
    var before: Side?
    var after: Side?
    var roles: [RoleChange]?
    var usersAssigned: Int?
    var usersChanged: [UserChange]?
    var notes: [String]
    var monthlyCostDelta: Money
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: WhatIfReport) {
        switch report.answer {
        case .user(let u):
            kind = "user"
            subject = u.before.user.userId
            change = ["addRoles": u.addedRoles, "removeRoles": u.removedRoles]
            before = Side(roles: u.before.roles, entryPointLicense: u.before.entryPointLicense.name, license: LicenseJSON(u.before.license))
            after = Side(roles: u.after.roles, entryPointLicense: u.after.entryPointLicense.name, license: LicenseJSON(u.after.license))
            notes = []
        case .role(let r):
            kind = "role"
            subject = r.role
            change = ["addPrivileges": r.edit.addPrivileges, "removePrivileges": r.edit.removePrivileges,
                      "addDuties": r.edit.addDuties, "removeDuties": r.edit.removeDuties]
            roles = r.roles.map { RoleChange(role: $0.role, before: LicenseJSON($0.before), after: LicenseJSON($0.after)) }
            usersAssigned = r.usersAssigned
            usersChanged = r.usersChanged.map { UserChange(userId: $0.userId, before: LicenseJSON($0.before), after: LicenseJSON($0.after), monthlyCostDelta: $0.monthlyCostDelta) }
            notes = r.notes
        }
        monthlyCostDelta = report.monthlyCostDelta
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
