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
    /// The same question under the other method (`both`), shown beside; nil otherwise.
    public var comparison: (method: MethodUse.Method, answer: Answer)?
    /// The method of `answer`: the per-object method has no entry-point license, so a user's table leaves it out.
    public var method: MethodUse.Method

    public init(answer: Answer, diagnostics: [Diagnostic], isComplete: Bool, method: MethodUse.Method = .legacy,
                comparison: (method: MethodUse.Method, answer: Answer)? = nil) {
        self.answer = answer
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.method = method
        self.comparison = comparison
    }

    /// `Legacy` or `Per-object`: the other method's name in column and fact labels.
    private var otherName: String { comparison?.method == .objects ? "Per-object" : "Legacy" }

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
    public var monthlyCostDelta: Money { Self.delta(answer) }

    static func delta(_ answer: Answer) -> Money {
        switch answer {
        case .user(let u): u.monthlyCostDelta
        case .role(let r): r.monthlyCostDelta
        }
    }

    /// Header facts as label/value pairs.
    public var facts: [ReportFact] {
        var facts: [ReportFact]
        switch answer {
        case .user(let u):
            facts = [ReportFact("User", u.before.user.userId), ReportFact("Change", changeText), ReportFact("Monthly cost delta", signed(monthlyCostDelta), kind: .money)]
        case .role(let r):
            facts = [ReportFact("Role", r.role), ReportFact("Change", changeText), ReportFact("Users assigned", "\(r.usersAssigned)"),
                     ReportFact("Users changed", "\(r.usersChanged.count)"), ReportFact("Monthly cost delta", signed(monthlyCostDelta), kind: .money)]
        }
        if let comparison {
            if case .role(let r) = comparison.answer { facts.append(ReportFact("Users changed (\(otherName.lowercased()))", "\(r.usersChanged.count)")) }
            facts.append(ReportFact("Monthly cost delta (\(otherName.lowercased()))", signed(Self.delta(comparison.answer)), kind: .money))
        }
        return facts
    }

    /// Before and after, for the user or for each affected role.
    public var licensesTable: ReportTable {
        switch answer {
        case .user(let u):
            var other: [UserLicense]?
            if case .user(let o)? = comparison?.answer { other = [o.before, o.after] }
            let rows = [("Before", u.before), ("After", u.after)].enumerated().map { index, side in
                let (label, row) = side
                var cells = [label, row.roles.joined(separator: ", ")] + (method == .legacy ? [row.entryPointLicense.name] : [])
                cells += [row.license.summary, row.license.monthlyCost.description]
                if let other { cells += [other[index].license.summary, other[index].license.monthlyCost.description] }
                return cells
            }
            var columns = [ReportColumn("", priority: .essential), ReportColumn("Roles", .list)]
            if method == .legacy { columns.append(ReportColumn("Entry-point license", .license, priority: .low)) }
            columns += [ReportColumn("License", .license, priority: .essential), ReportColumn("Monthly cost", .money, priority: .essential)]
            if other != nil { columns += [ReportColumn("\(otherName) license", .license), ReportColumn("\(otherName) cost", .money)] }
            return ReportTable(title: "License", columns: columns, rows: rows)
        case .role(let r):
            var other: [String: RoleLicenseChange] = [:]
            if case .role(let o)? = comparison?.answer { for change in o.roles { other[change.role] = change } }
            var columns = [ReportColumn("Role", priority: .essential), ReportColumn("License before", .license, priority: .essential),
                           ReportColumn("License after", .license, priority: .essential), ReportColumn("Cost before", .money), ReportColumn("Cost after", .money)]
            if comparison != nil {
                columns += [ReportColumn("\(otherName) before", .license), ReportColumn("\(otherName) after", .license),
                            ReportColumn("\(otherName) cost before", .money, priority: .low), ReportColumn("\(otherName) cost after", .money, priority: .low)]
            }
            return ReportTable(
                title: "Roles (the edited role, then roles holding it as a sub-role)",
                columns: columns,
                rows: r.roles.map {
                    var cells = [$0.role, $0.before.summary, $0.after.summary, $0.before.monthlyCost.description, $0.after.monthlyCost.description]
                    if comparison != nil {
                        let change = other[$0.role]
                        cells += [change?.before.summary ?? "", change?.after.summary ?? "",
                                  change?.before.monthlyCost.description ?? "", change?.after.monthlyCost.description ?? ""]
                    }
                    return cells
                })
        }
    }

    /// Users whose license changes (role questions only).
    public var usersTable: ReportTable? {
        guard case .role(let r) = answer else { return nil }
        return ReportTable(
            title: "Users whose license changes",
            columns: [ReportColumn("User", priority: .essential), ReportColumn("License before", .license, priority: .essential),
                      ReportColumn("License after", .license, priority: .essential), ReportColumn("Monthly cost delta", .money, priority: .essential)],
            rows: r.usersChanged.map { [$0.userId, $0.before.summary, $0.after.summary, signed($0.monthlyCostDelta)] })
    }

    private var notes: [String] {
        switch answer {
        case .user(let u): u.notes
        case .role(let r): r.notes
        }
    }

}

extension WhatIfReport: ReportConvertible {
    /// The facts, the licenses before and after, the users whose license changes, and notes; CSV holds the users (or
    /// the licenses for a user question).
    public var report: Report {
        let subject = facts[0]
        var sections: [[ReportElement]] = [[.title("What if", markdown: "What if: \(subject.label.lowercased()) \(subject.value)"), .facts(facts)]]
        sections += ([licensesTable] + (usersTable.map { [$0] } ?? [])).map { [.table($0, headingLevel: 2)] }
        if !notes.isEmpty { sections.append([.notes(notes)]) }
        sections.append(reportFooter(diagnostics, isComplete: isComplete))
        let built = sections
        return Report(sections: built, csvTable: usersTable ?? licensesTable, jsonBody: WhatIfJSON(self))
    }
}

struct WhatIfJSON: Encodable {
    struct Side: Encodable {
        @ExplicitNull var roles: [String]?
        @ExplicitNull var entryPointLicense: String?
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
    /// The same question under the other method (`both`).
    struct Comparison: Encodable {
        var method: String
        @ExplicitNull var before: Side? = nil
        @ExplicitNull var after: Side? = nil
        @ExplicitNull var roles: [RoleChange]? = nil
        @ExplicitNull var usersChanged: [UserChange]? = nil
        var monthlyCostDelta: Money
    }
    var kind: String
    var subject: String
    var change: [String: [String]]
    @ExplicitNull var before: Side? = nil
    @ExplicitNull var after: Side? = nil
    @ExplicitNull var roles: [RoleChange]? = nil
    @ExplicitNull var usersAssigned: Int? = nil
    @ExplicitNull var usersChanged: [UserChange]? = nil
    var notes: [String]
    var monthlyCostDelta: Money
    /// Present with `both` only.
    var comparison: Comparison? = nil
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    private static func sides(_ u: UserWhatIf) -> (Side, Side) {
        (Side(roles: u.before.roles, entryPointLicense: u.before.entryPointLicense.name, license: LicenseJSON(u.before.license)),
         Side(roles: u.after.roles, entryPointLicense: u.after.entryPointLicense.name, license: LicenseJSON(u.after.license)))
    }

    private static func changes(_ r: RoleWhatIf) -> ([RoleChange], [UserChange]) {
        (r.roles.map { RoleChange(role: $0.role, before: LicenseJSON($0.before), after: LicenseJSON($0.after)) },
         r.usersChanged.map { UserChange(userId: $0.userId, before: LicenseJSON($0.before), after: LicenseJSON($0.after), monthlyCostDelta: $0.monthlyCostDelta) })
    }

    init(_ report: WhatIfReport) {
        switch report.answer {
        case .user(let u):
            kind = "user"
            subject = u.before.user.userId
            change = ["addRoles": u.addedRoles, "removeRoles": u.removedRoles]
            (before, after) = Self.sides(u)
            notes = u.notes
        case .role(let r):
            kind = "role"
            subject = r.role
            change = ["addPrivileges": r.edit.addPrivileges, "removePrivileges": r.edit.removePrivileges,
                      "addDuties": r.edit.addDuties, "removeDuties": r.edit.removeDuties]
            (roles, usersChanged) = Self.changes(r)
            usersAssigned = r.usersAssigned
            notes = r.notes
        }
        monthlyCostDelta = report.monthlyCostDelta
        if let other = report.comparison {
            var comparison = Comparison(method: other.method.rawValue, monthlyCostDelta: WhatIfReport.delta(other.answer))
            switch other.answer {
            case .user(let u): (comparison.before, comparison.after) = Self.sides(u)
            case .role(let r): (comparison.roles, comparison.usersChanged) = Self.changes(r)
            }
            self.comparison = comparison
        }
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
