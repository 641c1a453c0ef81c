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
    /// The licensing method both sides were evaluated with: every format names it, so a reviewer knows which rules
    /// the verdict follows.
    public var method: MethodUse
    /// With `--method both`: the same change under the other method, shown beside the verdict (which follows
    /// `impact` alone).
    public var comparison: MethodImpact?

    /// The impact of the change under one licensing method.
    public struct MethodImpact: Sendable {
        public var method: MethodUse.Method
        public var impact: LicenseImpact

        public init(method: MethodUse.Method, impact: LicenseImpact) {
            self.method = method
            self.impact = impact
        }
    }

    public init(impact: LicenseImpact, baseName: String, headName: String, method: MethodUse = MethodUse(primary: .legacy), comparison: MethodImpact? = nil) {
        self.impact = impact
        self.baseName = baseName
        self.headName = headName
        self.method = method
        self.comparison = comparison
    }

    /// The report of the same change under the other method (`--method both`), nil otherwise.
    var comparisonReport: DiffReport? {
        comparison.map { DiffReport(impact: $0.impact, baseName: baseName, headName: headName, method: MethodUse(primary: $0.method)) }
    }

    /// `Under legacy entry-point + SKU-map licensing: No license impact.` (`--method both`), nil otherwise.
    public var comparisonSummary: String? { comparisonSummaryText?.plain }

    /// `comparisonSummary` with its amounts kept as amounts, for the formats that show them with the currency.
    var comparisonSummaryText: ReportText? {
        comparison.map { ReportText([.plain("Under \($0.method.title) (shown for comparison, not judged): ")] + comparisonReport!.summaryText.spans) }
    }

    /// One line: what changed, in the terms a reviewer decides on. An incomplete comparison says so first and never
    /// claims "No license impact": a change inside an unread file is invisible. Amounts in the machine form
    /// (`108.00 → 290.00 (+182.00)`), as the JSON, GitHub and JUnit formats carry it.
    public var summary: String { summaryText.plain }

    /// `summary` with its amounts kept as amounts: the table and markdown formats show them with the currency.
    var summaryText: ReportText {
        // Unresolved objects: said in the same line, so "No license impact" is never claimed when it could not be known.
        let unknown: ReportText.Span = .plain((impact.unresolved.isEmpty ? "" : "; " + unresolvedSentence) + ".")
        guard impact.isComplete else {
            let count = { (side: TreeSide) in impact.unreadFiles.filter { $0.side == side }.count }
            let found: [ReportText.Span] = impact.hasLicenseImpact ? [.plain("in the files read: ")] + changes : [.plain("no change found in the files read")]
            return ReportText([.plain("INCOMPLETE: \(count(.base)) base and \(count(.head)) head metadata file(s) could not be read and were skipped, as asked, so their license impact is unknown; ")]
                              + found + [unknown])
        }
        guard impact.hasLicenseImpact else {
            return ReportText(impact.unresolved.isEmpty ? "No license impact." : "No license impact found, but UNKNOWN; \(unresolvedSentence).")
        }
        return ReportText(changes + [unknown])
    }

    /// `license impact through 1 object not in the metadata or a reference is unknown: duty 'X' (referenced by role
    /// 'Y'), 1 new with this change`.
    private var unresolvedSentence: String {
        let new = impact.newlyUnresolved.count
        return impact.unresolved.sentence + (new > 0 ? " (\(new) new with this change)" : "")
    }

    /// The objects the head tree references that no layer holds: one row per object, with a place that references it.
    public var unresolvedTable: ReportTable {
        let new = Set(impact.newlyUnresolved.map(\.object))
        return ReportTable(
            title: "Unresolved objects: license impact through them is unknown (pass the standard application with --reference)",
            columns: [ReportColumn("Kind", priority: .essential), ReportColumn("Name", priority: .essential), ReportColumn("Referenced by"),
                      ReportColumn("Location"), ReportColumn("New")],
            rows: impact.unresolved.objects.map { [$0.kind.rawValue, $0.name, $0.referencedBy, $0.location?.description ?? "", new.contains($0.object) ? "yes" : "no"] })
    }

    /// The changes found, roles then users, cost and new SKUs, without the final period.
    private var changes: [ReportText.Span] {
        var parts: [[ReportText.Span]] = []
        let roles = impact.roleChanges
        if !roles.isEmpty {
            let counts = ChangeClass.allCasesOrdered.compactMap { kind -> String? in
                let n = roles.filter { $0.classification == kind }.count
                return n == 0 ? nil : "\(n) \(kind.label(n))"
            }
            parts.append([.plain("\(roles.count) role(s) change license: " + counts.joined(separator: ", "))])
        }
        if let users = impact.userChanges {
            parts.append([.plain("\(users.count) user(s) change license")])
        }
        if let delta = impact.userCostDelta {
            parts.append([.plain("monthly cost "), .money(impact.userCostBefore!), .plain(" → "), .money(impact.userCostAfter!),
                          .plain(" ("), .money(delta, signed: true), .plain(")")])
        }
        if !impact.newSkus.isEmpty { parts.append([.plain("new SKUs needed: " + impact.newSkus.joined(separator: ", "))]) }
        return Array(parts.enumerated().map { index, part in (index == 0 ? [] : [.plain("; ")]) + part }.joined())
    }

    /// Before → after for each role whose license changes.
    /// Under the per-object method there is no entry-point license or SKU-map row: those columns are left out.
    public var rolesTable: ReportTable {
        let legacy = method.primary == .legacy
        return ReportTable(
            title: "Roles whose license changes",
            columns: [ReportColumn("Role", priority: .essential), ReportColumn("Change", priority: .essential)]
                + (legacy ? [ReportColumn("Entry-point license", .license), ReportColumn("Required SKUs", .list)] : [])
                + [ReportColumn("License", .list, priority: .essential), ReportColumn("Monthly cost", .money, priority: .essential)],
            rows: impact.roleChanges.map { change in
                [change.role, change.classification.rawValue]
                    + (legacy ? [arrow(change.before.entryPointLicense.name, change.after.entryPointLicense.name),
                                 arrow(list(change.before.requiredSkus), list(change.after.requiredSkus))] : [])
                    + [arrow(change.before.license.summary, change.after.license.summary),
                       arrow(change.before.license.monthlyCost.description, change.after.license.monthlyCost.description)]
            })
    }

    /// What CSV holds: the roles table, then one row per file a side could not read, its Change `unread-file` and its
    /// Role `side:path:line`, so an incomplete comparison is never the header alone that "no change" gives.
    public var csvTable: ReportTable {
        var table = rolesTable
        table.rows += impact.unreadFiles.map { file in
            ["\(file.side.rawValue):\(file.diagnostic.location?.description ?? "")", "unread-file"] + Array(repeating: "", count: table.columns.count - 2)
        }
        return table
    }

    /// What changed in each role's privileges, one row per cause.
    public var causesTable: ReportTable {
        ReportTable(
            title: "Why",
            columns: [ReportColumn("Role", priority: .essential), ReportColumn("Cause", .message, priority: .essential), ReportColumn("Privilege", priority: .essential),
                      ReportColumn(method.primary == .legacy ? "Entry point" : "Object", .path), ReportColumn("Detail", .message), ReportColumn("Where", .path, priority: .low)],
            rows: impact.roleChanges.flatMap { change in
                change.causes.map { [change.role, $0.kind.rawValue, $0.privilege, $0.entryPoint ?? "", $0.detail, $0.location?.description ?? ""] }
            })
    }

    /// Users whose license changes (with a users file).
    public var usersTable: ReportTable? {
        guard let users = impact.userChanges else { return nil }
        return ReportTable(
            title: "Users whose license changes",
            columns: [ReportColumn("User", priority: .essential), ReportColumn("Change", priority: .essential), ReportColumn("License", .list, priority: .essential),
                      ReportColumn("Monthly cost", .money, priority: .essential)],
            rows: users.map { [$0.userId, $0.classification.rawValue, arrow($0.before.summary, $0.after.summary),
                               arrow($0.before.monthlyCost.description, $0.after.monthlyCost.description)] })
    }

    /// Roles, duties and privileges only one side has.
    public var objectsTable: ReportTable {
        var rows: [[String]] = []
        for (kind, changes) in [("Role", impact.roles), ("Duty", impact.duties), ("Privilege", impact.privileges)] {
            rows += changes.added.map { name in
                let outcome = kind == "Role" ? impact.addedRoleOutcomes[name] : nil
                return [kind, "added", name, outcome?.license.summary ?? "", outcome?.license.monthlyCost.description ?? ""]
            }
            rows += changes.removed.map { [kind, "removed", $0, "", ""] }
        }
        // Per-object method: newly granted objects Microsoft's data does not list (each needs Team Members).
        rows += impact.objectsNotInMicrosoftData.added.map { ["Object not in Microsoft's data", "added", $0, "Team Members", ""] }
        rows += impact.objectsNotInMicrosoftData.removed.map { ["Object not in Microsoft's data", "removed", $0, "", ""] }
        return ReportTable(title: "Objects added or removed",
                           columns: [ReportColumn("Type", priority: .essential), ReportColumn("Change", priority: .essential), ReportColumn("Name", priority: .essential),
                                     ReportColumn("License (roles)", .license), ReportColumn("Monthly cost (roles)", .money)],
                           rows: rows)
    }

    /// Diagnostics the head has and the base had not.
    public var diagnosticsTable: ReportTable {
        ReportTable(title: "New diagnostics",
                    columns: [ReportColumn("Severity", priority: .essential), ReportColumn("Code", priority: .essential), ReportColumn("Where", .path),
                              ReportColumn("Message", .message, priority: .essential)],
                    rows: impact.newDiagnostics.map { [$0.severity.rawValue, $0.code.rawValue, $0.location?.description ?? "", $0.message] })
    }

    /// The files either side could not read, so the result is incomplete.
    public var unreadFilesTable: ReportTable {
        ReportTable(title: "Files not read (the result is incomplete)",
                    columns: [ReportColumn("Side", priority: .essential), ReportColumn("Where", .path, priority: .essential), ReportColumn("Code"),
                              ReportColumn("Message", .message)],
                    rows: impact.unreadFiles.map { [$0.side.rawValue, $0.diagnostic.location?.description ?? "", $0.diagnostic.code.rawValue, $0.diagnostic.message] })
    }

    /// Renders the report: the four formats through the report model, `github` and `junit` here.
    public func render(_ format: DiffFormat, options: RenderOptions = RenderOptions()) throws(ColumnSelectionError) -> String {
        switch format {
        case .table: try report.render(.table, options: options)
        case .csv: try report.render(.csv, options: options)
        case .markdown: try report.render(.markdown, options: options)
        case .json: try report.render(.json, options: options)
        case .github: renderGitHub()
        case .junit: renderJUnit()
        }
    }

    /// The report in `format` with every column and full values.
    public func render(_ format: DiffFormat) -> String {
        // Without a column selection rendering cannot fail.
        (try? render(format, options: RenderOptions())) ?? ""
    }

    /// The report as a value: on a terminal the summary and one table per kind of change; in a pull request the
    /// causes are lists per role and the long parts fold away.
    public var report: Report {
        var sections: [[ReportElement]] = [
            [.only(.terminal, .paragraph(ReportText([.plain("License impact of \(headName) against \(baseName): ")] + summaryText.spans))), .only(.terminal, .lines([method.note]))],
            [.only(.markdown, .heading("axlicense: license impact", level: 2)), .only(.markdown, .paragraph(summaryText.strong)),
             .only(.markdown, .paragraph(ReportText([.code(headName), .plain(" compared with "), .code(baseName), .plain(". \(method.note).")])))],
        ]
        if !impact.isComplete { sections.append([.table(unreadFilesTable, headingLevel: 3)]) }
        if !impact.roleChanges.isEmpty {
            sections.append([.table(rolesTable, headingLevel: 3)])
            sections.append([.only(.terminal, .table(causesTable, headingLevel: 3))])
            sections.append([.only(.markdown, .details(summary: "Why each role changes", impact.roleChanges.flatMap { change -> [ReportElement] in
                [.heading(ReportText("\(change.role) (\(change.classification.rawValue))"), level: 4),
                 .list(change.causes.map { cause in
                     var spans: [ReportText.Span] = [.plain("\(cause.kind.rawValue): "), .code(cause.privilege)]
                     if let entryPoint = cause.entryPoint { spans += [.plain(" → "), .code(entryPoint)] }
                     spans.append(.plain(": \(cause.detail)" + (cause.location.map { " (\($0.description))" } ?? "")))
                     return ReportText(spans)
                 })]
            }))])
        }
        if let users = usersTable, !users.rows.isEmpty {
            sections.append([.details(summary: "Users whose license changes (\(users.rows.count))", [.table(users, headingLevel: 3)])])
        }
        // The other method's verdict, after the judged one's roles and users: shown, not judged.
        if let other = comparisonReport, let text = comparisonSummaryText {
            var part: [ReportElement] = [.paragraph(text)]
            if !other.impact.roleChanges.isEmpty {
                var table = other.rolesTable
                table.title = "Roles whose license changes under \(other.method.primary.title)"
                part.append(.table(table, headingLevel: 3))
            }
            sections.append(part)
        }
        let objects = objectsTable
        if !objects.rows.isEmpty {
            sections.append([.details(summary: "Objects added or removed (\(objects.rows.count))", [.table(objects, headingLevel: 3)])])
        }
        if !impact.unresolved.isEmpty {
            sections.append([.details(summary: "Unresolved objects (\(impact.unresolved.count))", [.table(unresolvedTable, headingLevel: 3)])])
        }
        if !impact.newDiagnostics.isEmpty {
            sections.append([.details(summary: "New diagnostics (\(impact.newDiagnostics.count))", [.table(diagnosticsTable, headingLevel: 3)])])
        }
        let built = sections
        // JSON names the method as every command's does (a `method` member); the sections say it where they should.
        let json = Report(sections: [], csvTable: nil, jsonBody: DiffJSON(self)).noting(method).jsonBody
        return Report(sections: built, csvTable: csvTable, jsonBody: json)
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
            let message = "Role \(change.role): \(change.before.license.summary) (\(change.before.license.monthlyCost)) → \(change.after.license.summary) (\(change.after.license.monthlyCost))"
                + (method.primary == .legacy ? ", entry-point license \(change.before.entryPointLicense.name) → \(change.after.entryPointLicense.name)" : "")
            // Each cause at the file and line it touched (the role's file when it has none), so none is left out.
            if change.causes.isEmpty {
                lines.append(command(level, change.location, title: "axlicense: \(change.classification.rawValue)", message))
            }
            for cause in change.causes {
                lines.append(command(level, cause.location ?? change.location, title: "axlicense: \(change.classification.rawValue) of \(change.role)",
                                     message + ". Cause: \(cause.kind.rawValue) in \(cause.privilege)" + (cause.entryPoint.map { " (\($0))" } ?? "") + ": \(cause.detail)"))
            }
        }
        for diagnostic in impact.newDiagnostics {
            lines.append(command(diagnostic.severity == .error ? "error" : "warning", diagnostic.location, title: "axlicense: \(diagnostic.code.rawValue)", diagnostic.message))
        }
        for file in impact.unreadFiles {
            lines.append(command("error", file.diagnostic.location, title: "axlicense: \(file.side.rawValue) tree file not read", file.diagnostic.message))
        }
        // Each object the change newly leaves unresolved, at the reference that names it; the rest are in the summary.
        for reference in impact.newlyUnresolved {
            lines.append(command("warning", reference.location, title: "axlicense: license impact unknown",
                                 "\(reference.referencedBy) references \(reference.object), which neither the metadata nor a reference folder holds: its license impact is unknown (pass the standard application with --reference)"))
        }
        if let text = comparisonSummary { lines.append("::notice title=axlicense (\(escapeProperty(comparison!.method.rawValue)) method)::\(escapeData(text))") }
        lines.append("::notice title=axlicense::\(escapeData(summary + " " + method.note + "."))")
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
                     "  <testsuite name=\"license impact\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(unread.count)\" skipped=\"0\">",
                     "    <properties>",
                     "      <property name=\"method\" value=\"\(xmlEscaped(method.name))\"/>",
                     "      <property name=\"methodNote\" value=\"\(xmlEscaped(method.note))\"/>"]
        if let text = comparisonSummary { lines.append("      <property name=\"comparison\" value=\"\(xmlEscaped(text))\"/>") }
        lines.append("    </properties>")
        if changes.isEmpty && unread.isEmpty {
            if impact.unresolved.isEmpty {
                lines.append("    <testcase classname=\"axlicense.roles\" name=\"no license impact\"/>")
            } else {
                // Not a pass: nothing found, but the impact through the unresolved objects could not be judged.
                lines.append("    <testcase classname=\"axlicense.roles\" name=\"license impact unknown\">")
                lines.append("      <skipped message=\"\(xmlEscaped(unresolvedSentence))\"/>")
                lines.append("    </testcase>")
            }
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
        @ExplicitNull var entryPoint: String?
        var detail: String
        @ExplicitNull var file: String?
        @ExplicitNull var line: Int?
    }
    struct Role: Encodable {
        var role: String
        var classification: String
        var before: Outcome
        var after: Outcome
        var causes: [Cause]
    }
    /// A user whose license changes: each side's license as values (tier, base, attaches, cost), as `explain` and
    /// `what-if` give a license.
    struct User: Encodable {
        var userId: String
        var classification: String
        var before: LicenseJSON
        var after: LicenseJSON
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
    @ExplicitNull var users: [User]?
    @ExplicitNull var monthlyCostDelta: Money?
    var newSkus: [String]
    var newDiagnostics: [DiagnosticJSON]
    /// With `--method both`: the same change under the other method (its `method`, `summary`, `roles`, …), not judged.
    @ExplicitNull var comparison: ComparisonJSON?
    /// False when a file of either tree could not be read (`--keep-going`).
    var complete: Bool
    /// The files not read, each with its side (`base` or `head`).
    var unreadFiles: [UnreadFileJSON]
    /// Objects the head tree references that no layer holds (license impact through them unknown).
    var unresolved: UnresolvedJSON

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

    /// The other method's impact: its name and its diff body.
    final class ComparisonJSON: Encodable, Sendable {
        let method: String
        let body: DiffJSON

        init(method: String, body: DiffJSON) {
            self.method = method
            self.body = body
        }

        func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey { case method }
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(method, forKey: .method)
            try body.encode(to: encoder)
        }
    }

    init(_ report: DiffReport) {
        let impact = report.impact
        comparison = report.comparisonReport.map { ComparisonJSON(method: $0.method.primary.rawValue, body: DiffJSON($0)) }
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
        if report.method.primary == .objects {
            objects["objectsNotInMicrosoftData"] = Objects(added: impact.objectsNotInMicrosoftData.added, removed: impact.objectsNotInMicrosoftData.removed)
        }
        users = impact.userChanges?.map {
            User(userId: $0.userId, classification: $0.classification.rawValue, before: LicenseJSON($0.before), after: LicenseJSON($0.after))
        }
        monthlyCostDelta = impact.userCostDelta
        newSkus = impact.newSkus
        newDiagnostics = impact.newDiagnostics.map(DiagnosticJSON.init)
        unresolved = UnresolvedJSON(impact.unresolved, new: impact.newlyUnresolved)
    }
}
