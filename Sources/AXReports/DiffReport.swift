import AXChangeImpact
import AXLicensing
import AXModel
import AXReading
import Foundation

/// The formats of `axlicense diff`: the four every command has, plus CI annotations and JUnit XML.
public enum DiffFormat: String, Sendable, CaseIterable {
    case table, csv, json, markdown
    /// GitHub Actions workflow commands (`::error file=…,line=…::`).
    case github
    /// JUnit XML, one test case per changed role (Azure DevOps, GitLab, Jenkins).
    case junit
}

/// `axlicense diff`: the license impact of a security change, for a pull request.
public struct DiffReport: Sendable {
    public var impact: LicenseImpact
    public var baseName: String
    public var headName: String

    /// Creates the report.
    public init(impact: LicenseImpact, baseName: String, headName: String) {
        self.impact = impact
        self.baseName = baseName
        self.headName = headName
    }

    /// One line: what changed, in the terms a reviewer decides on. An incomplete comparison says so first and never
    /// claims "No license impact": a change inside an unread file is invisible.
    public var summary: String {
        guard impact.isComplete else {
            let count = { (side: TreeSide) in impact.unreadFiles.filter { $0.side == side }.count }
            let found = impact.hasLicenseImpact ? "in the files read: " + changes : "no change found in the files read"
            return "INCOMPLETE: \(count(.base)) base and \(count(.head)) head metadata file(s) could not be read (--keep-going), so their license impact is unknown; \(found)."
        }
        guard impact.hasLicenseImpact else { return "No license impact." }
        return changes + "."
    }

    /// The changes found, roles then users, cost and new SKUs, without the final period.
    private var changes: String {
        var parts: [String] = []
        let roles = impact.roleChanges
        if !roles.isEmpty {
            let counts = ChangeClass.allCasesOrdered.compactMap { kind -> String? in
                let n = roles.filter { $0.classification == kind }.count
                return n == 0 ? nil : "\(n) \(kind.label(n))"
            }
            parts.append("\(roles.count) role(s) change license: " + counts.joined(separator: ", "))
        }
        if let users = impact.userChanges {
            parts.append("\(users.count) user(s) change license")
        }
        if let delta = impact.userCostDelta {
            parts.append("monthly cost \(impact.userCostBefore!) → \(impact.userCostAfter!) (\(signed(delta)))")
        }
        if !impact.newSkus.isEmpty { parts.append("new SKUs needed: " + impact.newSkus.joined(separator: ", ")) }
        return parts.joined(separator: "; ")
    }

    public var rolesTable: TextTable {
        TextTable(
            title: "Roles whose license changes",
            header: ["Role", "Change", "Entry-point license", "Required SKUs", "License", "Monthly cost"],
            rows: impact.roleChanges.map { change in
                [change.role, change.classification.rawValue,
                 arrow(change.before.entryPointLicense.name, change.after.entryPointLicense.name),
                 arrow(list(change.before.requiredSkus), list(change.after.requiredSkus)),
                 arrow(change.before.license.summary, change.after.license.summary),
                 arrow(change.before.license.monthlyCost.description, change.after.license.monthlyCost.description)]
            })
    }

    public var causesTable: TextTable {
        TextTable(
            title: "Why",
            header: ["Role", "Cause", "Privilege", "Entry point", "Detail", "Where"],
            rows: impact.roleChanges.flatMap { change in
                change.causes.map { [change.role, $0.kind.rawValue, $0.privilege, $0.entryPoint ?? "", $0.detail, $0.location?.description ?? ""] }
            })
    }

    public var usersTable: TextTable? {
        guard let users = impact.userChanges else { return nil }
        return TextTable(
            title: "Users whose license changes",
            header: ["User", "Change", "License", "Monthly cost"],
            rows: users.map { [$0.userId, $0.classification.rawValue, arrow($0.before.summary, $0.after.summary),
                               arrow($0.before.monthlyCost.description, $0.after.monthlyCost.description)] })
    }

    public var objectsTable: TextTable {
        var rows: [[String]] = []
        for (kind, changes) in [("Role", impact.roles), ("Duty", impact.duties), ("Privilege", impact.privileges)] {
            rows += changes.added.map { name in
                [kind, "added", name, kind == "Role" ? impact.addedRoleOutcomes[name].map { "\($0.license.summary) (\($0.license.monthlyCost))" } ?? "" : ""]
            }
            rows += changes.removed.map { [kind, "removed", $0, ""] }
        }
        return TextTable(title: "Objects added or removed", header: ["Type", "Change", "Name", "License (roles)"], rows: rows)
    }

    public var diagnosticsTable: TextTable {
        TextTable(title: "New diagnostics", header: ["Severity", "Code", "Where", "Message"],
                  rows: impact.newDiagnostics.map { [$0.severity.rawValue, $0.code.rawValue, $0.location?.description ?? "", $0.message] })
    }

    /// The files either side could not read, so the result is incomplete.
    public var unreadFilesTable: TextTable {
        TextTable(title: "Files not read (the result is incomplete)", header: ["Side", "Where", "Code", "Message"],
                  rows: impact.unreadFiles.map { [$0.side.rawValue, $0.diagnostic.location?.description ?? "", $0.diagnostic.code.rawValue, $0.diagnostic.message] })
    }

    /// Renders the report.
    public func render(_ format: DiffFormat) -> String {
        switch format {
        case .table:
            var parts = ["License impact of \(headName) against \(baseName): \(summary)\n"]
            if !impact.isComplete { parts.append(unreadFilesTable.renderText()) }
            if !impact.roleChanges.isEmpty { parts += [rolesTable.renderText(), causesTable.renderText()] }
            if let users = usersTable, !(impact.userChanges ?? []).isEmpty { parts.append(users.renderText()) }
            if !objectsTable.rows.isEmpty { parts.append(objectsTable.renderText()) }
            if !impact.newDiagnostics.isEmpty { parts.append(diagnosticsTable.renderText()) }
            return parts.joined(separator: "\n")
        case .csv:
            return rolesTable.renderCSV()
        case .markdown:
            return renderMarkdown()
        case .json:
            return encodeJSON(DiffJSON(self))
        case .github:
            return renderGitHub()
        case .junit:
            return renderJUnit()
        }
    }

    private func renderMarkdown() -> String {
        var lines = ["## axlicense: license impact", "", "**\(Markdown.text(summary))**", "", "\(Markdown.code(headName)) compared with \(Markdown.code(baseName)).", ""]
        if !impact.isComplete { lines.append(unreadFilesTable.renderMarkdown(headingLevel: 3)) }
        if !impact.roleChanges.isEmpty {
            lines.append(rolesTable.renderMarkdown(headingLevel: 3))
            lines.append("<details><summary>Why each role changes</summary>\n")
            for change in impact.roleChanges {
                lines.append("#### \(Markdown.text(change.role)) (\(change.classification.rawValue))\n")
                lines.append(contentsOf: change.causes.map { cause in
                    "- \(cause.kind.rawValue): \(Markdown.code(cause.privilege))" + (cause.entryPoint.map { " → " + Markdown.code($0) } ?? "")
                        + ": \(Markdown.text(cause.detail))" + (cause.location.map { " (\(Markdown.text($0.description)))" } ?? "")
                })
                lines.append("")
            }
            lines.append("</details>\n")
        }
        if let users = usersTable, !(impact.userChanges ?? []).isEmpty {
            lines.append("<details><summary>Users whose license changes (\(users.rows.count))</summary>\n")
            lines.append(users.renderMarkdown(headingLevel: 3))
            lines.append("</details>\n")
        }
        if !objectsTable.rows.isEmpty {
            lines.append("<details><summary>Objects added or removed (\(objectsTable.rows.count))</summary>\n")
            lines.append(objectsTable.renderMarkdown(headingLevel: 3))
            lines.append("</details>\n")
        }
        if !impact.newDiagnostics.isEmpty {
            lines.append("<details><summary>New diagnostics (\(impact.newDiagnostics.count))</summary>\n")
            lines.append(diagnosticsTable.renderMarkdown(headingLevel: 3))
            lines.append("</details>\n")
        }
        return lines.joined(separator: "\n")
    }

    private func renderGitHub() -> String {
        func escapeData(_ text: String) -> String {
            text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
        }
        func escapeProperty(_ text: String) -> String {
            escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
        }
        func command(_ level: String, _ location: SourceLocation?, title: String, _ message: String) -> String {
            var properties: [String] = []
            if let location {
                properties.append("file=\(escapeProperty(location.file))")
                if let line = location.line { properties.append("line=\(line)") }
            }
            properties.append("title=\(escapeProperty(title))")
            return "::\(level) \(properties.joined(separator: ","))::\(escapeData(message))"
        }
        var lines: [String] = []
        for change in impact.roleChanges {
            let level = change.classification == .escalation ? "error" : "notice"
            let message = "Role \(change.role): \(change.before.license.summary) (\(change.before.license.monthlyCost)) → \(change.after.license.summary) (\(change.after.license.monthlyCost)), entry-point license \(change.before.entryPointLicense.name) → \(change.after.entryPointLicense.name)"
            let located = change.causes.filter { $0.location != nil }
            if located.isEmpty {
                lines.append(command(level, change.location, title: "axlicense: \(change.classification.rawValue)", message + "; " + change.causes.map(\.detail).joined(separator: "; ")))
            }
            for cause in located {
                lines.append(command(level, cause.location, title: "axlicense: \(change.classification.rawValue) of \(change.role)",
                                     message + ". Cause: \(cause.kind.rawValue) in \(cause.privilege)" + (cause.entryPoint.map { " (\($0))" } ?? "") + ": \(cause.detail)"))
            }
        }
        for diagnostic in impact.newDiagnostics {
            lines.append(command(diagnostic.severity == .error ? "error" : "warning", diagnostic.location, title: "axlicense: \(diagnostic.code.rawValue)", diagnostic.message))
        }
        for file in impact.unreadFiles {
            lines.append(command("error", file.diagnostic.location, title: "axlicense: \(file.side.rawValue) tree file not read", file.diagnostic.message))
        }
        lines.append("::notice title=axlicense::\(escapeData(summary))")
        return lines.joined(separator: "\n") + "\n"
    }

    private func renderJUnit() -> String {
        let changes = impact.roleChanges
        let failures = changes.filter { $0.classification == .escalation }.count
        // One errored case per unread file, so an incomplete comparison never passes as "no license impact".
        let unread = impact.unreadFiles
        let tests = max(1, changes.count + unread.count)
        let errors = unread.isEmpty ? "" : " errors=\"\(unread.count)\""
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<testsuites name=\"axlicense diff\" tests=\"\(tests)\" failures=\"\(failures)\"\(errors)>",
                     "  <testsuite name=\"license impact\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(unread.count)\" skipped=\"0\">"]
        if changes.isEmpty && unread.isEmpty {
            lines.append("    <testcase classname=\"axlicense.roles\" name=\"no license impact\"/>")
        }
        for file in unread {
            let location = file.diagnostic.location
            lines.append("    <testcase classname=\"axlicense.incomplete\" name=\"\(xmlEscaped("\(file.side.rawValue): \(location?.file ?? "")"))\">")
            lines.append("      <error type=\"\(file.diagnostic.code.rawValue)\" message=\"\(xmlEscaped("\(file.side.rawValue) tree file not read: \(file.diagnostic.message)"))\">\(xmlEscaped(location?.description ?? ""))</error>")
            lines.append("    </testcase>")
        }
        for change in changes {
            let details = (["\(change.before.license.summary) (\(change.before.license.monthlyCost)) → \(change.after.license.summary) (\(change.after.license.monthlyCost))"]
                + change.causes.map { "\($0.kind.rawValue): \($0.privilege)" + ($0.entryPoint.map { " \($0)" } ?? "") + ": \($0.detail)" }).joined(separator: "\n")
            lines.append("    <testcase classname=\"axlicense.roles\" name=\"\(xmlEscaped(change.role))\" file=\"\(xmlEscaped(change.location?.file ?? ""))\">")
            if change.classification == .escalation {
                lines.append("      <failure type=\"escalation\" message=\"\(xmlEscaped("Role \(change.role) escalates: \(change.before.license.summary) → \(change.after.license.summary)"))\">\(xmlEscaped(details))</failure>")
            } else {
                lines.append("      <system-out>\(xmlEscaped(change.classification.rawValue + ": " + details))</system-out>")
            }
            lines.append("    </testcase>")
        }
        lines.append("  </testsuite>")
        lines.append("</testsuites>")
        return lines.joined(separator: "\n") + "\n"
    }

    private func arrow(_ before: String, _ after: String) -> String { before == after ? before : "\(before) → \(after)" }
    private func list(_ items: [String]) -> String { items.isEmpty ? "-" : items.joined(separator: ", ") }
}

func signed(_ money: Money) -> String { money.cents > 0 ? "+\(money)" : money.description }

extension ChangeClass {
    static let allCasesOrdered: [ChangeClass] = [.escalation, .deEscalation, .neutral]
    func label(_ count: Int) -> String {
        switch self {
        case .escalation: count == 1 ? "escalation" : "escalations"
        case .deEscalation: count == 1 ? "de-escalation" : "de-escalations"
        case .neutral: "neutral"
        }
    }
}

struct DiffJSON: Encodable {
    struct Outcome: Encodable {
        var outcome: LicenseOutcome
        init(_ outcome: LicenseOutcome) { self.outcome = outcome }
        enum CodingKeys: String, CodingKey { case entryPointLicense, requiredSkus, anyOfGroups, licenseTier, base, attach, monthlyCost }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(outcome.requiredSkus, forKey: .requiredSkus)
            try c.encode(outcome.anyOfGroups, forKey: .anyOfGroups)
            try LicenseFieldsJSON(entryPointLicense: outcome.entryPointLicense, license: outcome.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
        }
    }
    struct Cause: Encodable {
        var kind: String
        var privilege: String
        var entryPoint: String?
        var detail: String
        var file: String?
        var line: Int?
    }
    struct Role: Encodable {
        var role: String
        var classification: String
        var before: Outcome
        var after: Outcome
        var causes: [Cause]
    }
    struct User: Encodable {
        var userId: String
        var classification: String
        var before: String
        var after: String
        var monthlyCostBefore: Money
        var monthlyCostAfter: Money
    }
    struct Objects: Encodable {
        var added: [String]
        var removed: [String]
    }
    var summary: String
    var hasLicenseImpact: Bool
    var roles: [Role]
    var addedRoles: [String: Outcome]
    var objects: [String: Objects]
    var users: [User]?
    var monthlyCostDelta: Money?
    var newSkus: [String]
    var newDiagnostics: [DiagnosticJSON]
    /// False when a file of either tree could not be read (`--keep-going`).
    var complete: Bool
    /// The files not read, each with its side (`base` or `head`).
    var unreadFiles: [UnreadFileJSON]

    struct UnreadFileJSON: Encodable {
        var side: String
        var diagnostic: DiagnosticJSON
        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey { case side }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(side, forKey: .side)
            try diagnostic.encode(to: encoder)
        }
    }

    init(_ report: DiffReport) {
        let impact = report.impact
        summary = report.summary
        complete = impact.isComplete
        unreadFiles = impact.unreadFiles.map { UnreadFileJSON(side: $0.side.rawValue, diagnostic: DiagnosticJSON($0.diagnostic)) }
        hasLicenseImpact = impact.hasLicenseImpact
        roles = impact.roleChanges.map { change in
            Role(role: change.role, classification: change.classification.rawValue, before: Outcome(change.before), after: Outcome(change.after),
                 causes: change.causes.map { Cause(kind: $0.kind.rawValue, privilege: $0.privilege, entryPoint: $0.entryPoint, detail: $0.detail, file: $0.location?.file, line: $0.location?.line) })
        }
        addedRoles = impact.addedRoleOutcomes.mapValues(Outcome.init)
        objects = ["roles": Objects(added: impact.roles.added, removed: impact.roles.removed),
                   "duties": Objects(added: impact.duties.added, removed: impact.duties.removed),
                   "privileges": Objects(added: impact.privileges.added, removed: impact.privileges.removed)]
        users = impact.userChanges?.map {
            User(userId: $0.userId, classification: $0.classification.rawValue, before: $0.before.summary, after: $0.after.summary,
                 monthlyCostBefore: $0.before.monthlyCost, monthlyCostAfter: $0.after.monthlyCost)
        }
        monthlyCostDelta = impact.userCostDelta
        newSkus = impact.newSkus
        newDiagnostics = impact.newDiagnostics.map(DiagnosticJSON.init)
    }
}
