import AXLicensing
import AXModel
import AXReading

/// `axlicense explain`: the chains behind each part of a user's or role's license, and the drivers.
public struct ExplainReport: Sendable {
    /// The answer to explain.
    public var explanation: LicenseExplanation
    /// Diagnostics of the inputs, counted under the report.
    public var diagnostics: [Diagnostic]
    /// False when metadata errors were skipped with `--keep-going`.
    public var isComplete: Bool

    /// Creates the report.
    public init(explanation: LicenseExplanation, diagnostics: [Diagnostic], isComplete: Bool) {
        self.explanation = explanation
        self.diagnostics = diagnostics
        self.isComplete = isComplete
    }

    /// Header facts as label/value pairs.
    public var headerLines: [(String, String)] {
        let e = explanation
        var lines: [(String, String)] = [
            (e.subjectType.capitalized, e.subject),
            ("Roles", e.roles.isEmpty ? "-" : e.roles.joined(separator: ", ")),
            ("License", "\(e.license.summary) (\(e.license.monthlyCost) per month)"),
        ]
        switch e.basis {
        case .roles: lines.insert(("Entry-point license", e.entryPointLicense.name), at: 2)
        case .disabledUser: lines.append(("Why", "the user is disabled: no license is needed"))
        case .systemAdministrator: lines.append(("Why", "the user holds System administrator: no license is needed (10.0.44 rule; --sysadmin-counts counts them)"))
        case .noEnabledRoles: lines.append(("Why", "the user has no enabled assignment to a role the metadata defines"))
        }
        return lines
    }

    /// One row per chain: which need it explains, the grant path, and what in the privilege demands it.
    public var chainsTable: TextTable {
        var rows: [[String]] = []
        for demand in explanation.demands {
            for chain in demand.chains {
                let path = GrantPath.describe(chain.path, furtherPaths: chain.furtherPaths)
                switch chain.source {
                case .entryPoint(let type, let name, let rights, let access, let license):
                    rows.append([demand.need.description, path, "\(type) \(name)", rights, access.rawValue, license.name])
                case .skuMapRow(let sku, let isUnique, let alternatives):
                    rows.append([demand.need.description, path, "SKU-map row \(sku)", isUnique ? "IsUnique 1: required" : "IsUnique 0: any of " + alternatives.joined(separator: ", "), "", sku])
                }
            }
            if demand.totalChains > demand.chains.count {
                rows.append([demand.need.description, "… \(demand.totalChains - demand.chains.count) more chain(s) not listed", "", "", "", ""])
            }
        }
        return TextTable(title: "Why: the chains that demand each part of the license",
                         header: ["Need", "Granted through", "Demanded by", "Grant / row", "Access", "License"], rows: rows)
    }

    /// One row per driver.
    public var driversTable: TextTable {
        TextTable(title: "Drivers: remove all of these privileges to lower the license",
                  header: ["Remove privileges", "License after", "Monthly saving"],
                  rows: explanation.drivers.map { [$0.privileges.joined(separator: ", "), $0.licenseAfter.summary, $0.monthlySaving.description] },
                  numericColumns: [2])
    }

    private var driversNote: String {
        if explanation.basis != .roles { return "" }
        var note = explanation.drivers.isEmpty ? "No privilege set's removal lowers the license (it is already the cheapest a licensed user can hold).\n" : ""
        if !explanation.driversAreExhaustive {
            note += "Drivers are bounded (more than \(LicenseExplanation.exhaustiveGroupLimit) privilege groups): combinations of up to \(LicenseExplanation.boundedDriverSize) groups, and the groups demanding the tier and each SKU shrunk to a smallest set; other larger sets may be missing.\n"
        }
        return note
    }

    /// Renders the report.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .table:
            var parts = ["Explain\n" + renderHeaderLines(headerLines, markdown: false)]
            if explanation.basis == .roles { parts += [chainsTable.renderText(), driversTable.renderText() + driversNote] }
            parts.append(reportFooter(diagnostics, isComplete: isComplete, markdown: false))
            return parts.joined(separator: "\n")
        case .markdown:
            var parts = ["# Explain: \(explanation.subjectType) \(Markdown.text(explanation.subject))\n\n" + renderHeaderLines(headerLines, markdown: true)]
            if explanation.basis == .roles { parts += [chainsTable.renderMarkdown(), driversTable.renderMarkdown() + (driversNote.isEmpty ? "" : "\n" + driversNote)] }
            parts.append(reportFooter(diagnostics, isComplete: isComplete, markdown: true))
            return parts.joined(separator: "\n")
        case .csv:
            return chainsTable.renderCSV()
        case .json:
            return encodeJSON(ExplainJSON(self))
        }
    }
}

/// Label/value lines above a report: aligned in text, a bullet list in markdown.
func renderHeaderLines(_ lines: [(String, String)], markdown: Bool) -> String {
    if markdown { return lines.map { "- **\(Markdown.text($0.0)):** \(Markdown.text($0.1))" }.joined(separator: "\n") + "\n" }
    let width = lines.map(\.0.count).max() ?? 0
    return lines.map { $0.0 + ":" + String(repeating: " ", count: width - $0.0.count + 1) + $0.1 }.joined(separator: "\n") + "\n"
}

/// A license as a nested JSON object (`explain`, `what-if`): the same fields as the flat ones of `estimate`.
struct LicenseJSON: Encodable {
    var license: LicenseChoice

    init(_ license: LicenseChoice) { self.license = license }

    enum CodingKeys: String, CodingKey { case licenseTier, base, attach, monthlyCost }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try LicenseFieldsJSON.encode(license, into: &c, keys: (.licenseTier, .base, .attach, .monthlyCost))
    }
}

struct ExplainJSON: Encodable {
    struct Chain: Encodable {
        var path: [String]
        var furtherPaths: Int
        var kind: String
        var objectType: String?
        var objectName: String?
        var rights: String?
        var access: String?
        var menuItemLicense: String?
        var sku: String?
        var isUnique: Bool?
        var alternatives: [String]?
    }
    struct Demand: Encodable {
        var need: String
        var kind: String
        var chains: [Chain]
        var totalChains: Int
    }
    struct Driver: Encodable {
        var removePrivileges: [String]
        var licenseAfter: LicenseJSON
        var monthlySaving: Money
    }
    var type: String
    var name: String
    var roles: [String]
    var basis: String
    var entryPointLicense: String
    var license: LicenseJSON
    var demands: [Demand]
    var drivers: [Driver]
    var driversExhaustive: Bool
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: ExplainReport) {
        let e = report.explanation
        type = e.subjectType
        name = e.subject
        roles = e.roles
        basis = e.basis.rawValue
        entryPointLicense = e.entryPointLicense.name
        license = LicenseJSON(e.license)
        demands = e.demands.map { demand in
            let (need, kind): (String, String) = switch demand.need {
            case .tier(let tier): (tier.name, "tier")
            case .sku(let name): (name, "sku")
            }
            return Demand(need: need, kind: kind, chains: demand.chains.map { chain in
                let path = chain.path.map(\.name)
                switch chain.source {
                case .entryPoint(let type, let name, let rights, let access, let license):
                    return Chain(path: path, furtherPaths: chain.furtherPaths, kind: "entryPoint", objectType: type, objectName: name, rights: rights, access: access.rawValue, menuItemLicense: license.name)
                case .skuMapRow(let sku, let isUnique, let alternatives):
                    return Chain(path: path, furtherPaths: chain.furtherPaths, kind: "skuMapRow", sku: sku, isUnique: isUnique, alternatives: alternatives)
                }
            }, totalChains: demand.totalChains)
        }
        drivers = e.drivers.map { Driver(removePrivileges: $0.privileges, licenseAfter: LicenseJSON($0.licenseAfter), monthlySaving: $0.monthlySaving) }
        driversExhaustive = e.driversAreExhaustive
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
