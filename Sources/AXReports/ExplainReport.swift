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
    /// The subject's license under the other method (`both`), shown beside; nil otherwise.
    public var comparison: (method: MethodUse.Method, license: LicenseChoice)?

    public init(explanation: LicenseExplanation, diagnostics: [Diagnostic], isComplete: Bool,
                comparison: (method: MethodUse.Method, license: LicenseChoice)? = nil) {
        self.explanation = explanation
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.comparison = comparison
    }

    /// True when the explanation comes from the per-object method (objects, not entry points and SKU-map rows).
    private var isPerObject: Bool { explanation.objectsNotInMicrosoftData != nil }

    /// Header facts as label/value pairs.
    public var facts: [ReportFact] {
        let e = explanation
        var lines = [
            ReportFact(e.subjectType.capitalized, e.subject),
            ReportFact("Roles", e.roles.isEmpty ? "-" : e.roles.joined(separator: ", ")),
            ReportFact("License", .license(e.license.summary, costing: e.license.monthlyCost)),
        ]
        if let group = e.license.anyBaseLabel ?? e.license.baseGroup { lines.append(ReportFact("Base group", group)) }
        if let notInData = e.objectsNotInMicrosoftData {
            lines.append(ReportFact("Not in Microsoft's data", "\(notInData.count) object\(notInData.count == 1 ? "" : "s")"
                                    + (notInData.isEmpty ? "" : " (each needs Team Members): " + notInData.joined(separator: ", "))))
        }
        if let comparison {
            lines.append(ReportFact("\(comparison.method == .legacy ? "Legacy" : "Per-object") license", .license(comparison.license.summary, costing: comparison.license.monthlyCost)))
        }
        switch e.basis {
        case .roles where isPerObject: break
        case .roles: lines.insert(ReportFact("Entry-point license", e.entryPointLicense.name), at: 2)
        case .disabledUser: lines.append(ReportFact("Why", "the user is disabled: no license is needed"))
        case .systemAdministrator:
            lines.append(ReportFact("Why", "\(e.subjectType == "role" ? "this is System administrator, whose holders need" : "the user holds System administrator:") no license (10.0.44 rule; the option to count them like any user restores the earlier rule)"))
        case .noEnabledRoles: lines.append(ReportFact("Why", "the user has no enabled assignment to a role the metadata defines"))
        }
        return lines
    }

    /// One row per chain: which need it explains, the grant path, and what in the privilege demands it.
    public var chainsTable: ReportTable {
        var rows: [[String]] = []
        for demand in explanation.demands {
            for chain in demand.chains {
                let path = GrantPath.describe(chain.path, furtherPaths: chain.furtherPaths)
                switch chain.source {
                case .entryPoint(let type, let name, let rights, let access, let license):
                    rows.append([demand.need.description, path, "\(type) \(name)", ValueText.rights(rights), access.rawValue, license.name])
                case .skuMapRow(let sku, let isUnique, let alternatives):
                    rows.append([demand.need.description, path, "SKU-map row \(sku)", isUnique ? "IsUnique 1: required" : "IsUnique 0: any of " + alternatives.joined(separator: ", "), "",
                                 demand.need == .anyBase ? "any base" : sku])
                case .object(let object):
                    rows.append([demand.need.description, path, object.objectText, ValueText.rights(object.rights), ValueText.accessLevel(object.entitlement),
                                 ValueText.objectLicense(object.entitlement)])
                }
            }
            if demand.totalChains > demand.chains.count {
                rows.append([demand.need.description, "… \(demand.totalChains - demand.chains.count) more chain(s) not listed", "", "", "", ""])
            }
        }
        return ReportTable(title: isPerObject ? "Why: the objects that force each SKU of the license" : "Why: the chains that demand each part of the license",
                           columns: [ReportColumn("Need", .license, priority: .essential), ReportColumn("Granted through", .path),
                                     ReportColumn("Demanded by", .message, priority: .essential), ReportColumn("Grant / row", .message),
                                     ReportColumn("Access", priority: .low), ReportColumn("License", .license)],
                           rows: rows)
    }

    /// One row per driver.
    public var driversTable: ReportTable {
        ReportTable(title: "Drivers: remove all of these privileges to lower the license",
                    columns: [ReportColumn("Remove privileges", .list, priority: .essential), ReportColumn("License after", .license, priority: .essential),
                              ReportColumn("Monthly saving", .money, priority: .essential)],
                    rows: explanation.drivers.map { [$0.privileges.joined(separator: ", "), $0.licenseAfter.summary, $0.monthlySaving.description] })
    }

    /// Per-object method: one row per Write → Read downgrade that alone lowers the license.
    public var downgradesTable: ReportTable {
        ReportTable(title: "Write → Read downgrades that alone lower the license",
                    columns: [ReportColumn("Object", priority: .essential), ReportColumn("Granted through", .path), ReportColumn("Write license", .license),
                              ReportColumn("Read license", .license), ReportColumn("License after", .license, priority: .essential),
                              ReportColumn("Monthly saving", .money, priority: .essential)],
                    rows: explanation.downgrades.map {
                        [$0.object, GrantPath.describe($0.path, furtherPaths: 0) + ($0.furtherGrants > 0 ? " (and \($0.furtherGrants) more privilege(s))" : ""),
                         $0.writeLicense, $0.readLicense, $0.licenseAfter.summary, $0.monthlySaving.description]
                    })
    }

    private var driversNote: [String] {
        if explanation.basis != .roles { return [] }
        var note = explanation.drivers.isEmpty ? ["No privilege set's removal lowers the license (it is already the cheapest a licensed user can hold)."] : []
        if !explanation.driversAreExhaustive {
            note.append("Drivers are bounded (more than \(LicenseExplanation.exhaustiveGroupLimit) privilege groups): combinations of up to \(LicenseExplanation.boundedDriverSize) groups, and the groups demanding the tier and each SKU shrunk to a smallest set; other larger sets may be missing.")
        }
        return note
    }

}

extension ExplainReport: ReportConvertible {
    /// The facts, then (for a licensed subject) the chains and the drivers; CSV holds the chains.
    public var report: Report {
        var sections: [[ReportElement]] = [[.title("Explain", markdown: "Explain: \(explanation.subjectType) \(explanation.subject)"), .facts(facts)]]
        if explanation.basis == .roles {
            sections += [[.table(chainsTable, headingLevel: 2)], [.table(driversTable, headingLevel: 2)] + (driversNote.isEmpty ? [] : [.lines(driversNote)])]
            if isPerObject {
                sections.append([.table(downgradesTable, headingLevel: 2)]
                                + (explanation.downgrades.isEmpty ? [.lines(["No single object's Write grants, turned into Read, lower the license."])] : []))
            }
        }
        sections.append(reportFooter(diagnostics, isComplete: isComplete))
        let built = sections
        return Report(sections: built, csvTable: chainsTable, jsonBody: ExplainJSON(self))
    }
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
        @ExplicitNull var objectType: String? = nil
        @ExplicitNull var objectName: String? = nil
        /// The allowed rights, in the order the AOT writes them.
        @ExplicitNull var rights: [String]? = nil
        @ExplicitNull var access: String? = nil
        @ExplicitNull var entryPointLicense: String? = nil
        @ExplicitNull var sku: String? = nil
        @ExplicitNull var isUnique: Bool? = nil
        @ExplicitNull var alternatives: [String]? = nil
        // Per-object chains only (absent from the legacy ones).
        var objectChildName: String? = nil
        var accessLevel: String? = nil
        var license: String? = nil
        var skus: [String]? = nil
        var inMicrosoftData: Bool? = nil
    }
    struct Downgrade: Encodable {
        var object: String
        var path: [String]
        var furtherGrants: Int
        var writeLicense: String
        var readLicense: String
        var licenseAfter: LicenseJSON
        var monthlySaving: Money
    }
    struct Comparison: Encodable {
        var method: String
        var license: LicenseJSON
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
    // Per-object method only (absent under the legacy method).
    var objectsNotInMicrosoftData: [String]? = nil
    var downgrades: [Downgrade]? = nil
    var comparison: Comparison? = nil
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
            case .unlicensable: ("Unlicensable", "unlicensable")
            case .anyBase: (LicenseBase.anyBaseName, "anyBase")
            }
            return Demand(need: need, kind: kind, chains: demand.chains.map { chain in
                let path = chain.path.map(\.name)
                switch chain.source {
                case .entryPoint(let type, let name, let rights, let access, let license):
                    return Chain(path: path, furtherPaths: chain.furtherPaths, kind: "entryPoint", objectType: type, objectName: name, rights: AccessRight.allCases.filter(rights.contains).map(\.rawValue), access: access.rawValue, entryPointLicense: license.name)
                case .skuMapRow(let sku, let isUnique, let alternatives):
                    return Chain(path: path, furtherPaths: chain.furtherPaths, kind: "skuMapRow", sku: sku, isUnique: isUnique, alternatives: alternatives)
                case .object(let object):
                    return Chain(path: path, furtherPaths: chain.furtherPaths, kind: "object", objectType: object.objectType, objectName: object.objectName,
                                 rights: AccessRight.allCases.filter(object.rights.contains).map(\.rawValue), access: nil, entryPointLicense: nil,
                                 objectChildName: object.objectChildName, accessLevel: object.entitlement.level.description, license: object.entitlement.licenseText,
                                 skus: object.skus, inMicrosoftData: object.entitlement.status != .notInMicrosoftData)
                }
            }, totalChains: demand.totalChains)
        }
        drivers = e.drivers.map { Driver(removePrivileges: $0.privileges, licenseAfter: LicenseJSON($0.licenseAfter), monthlySaving: $0.monthlySaving) }
        driversExhaustive = e.driversAreExhaustive
        objectsNotInMicrosoftData = e.objectsNotInMicrosoftData
        if e.objectsNotInMicrosoftData != nil {
            downgrades = e.downgrades.map {
                Downgrade(object: $0.object, path: $0.path.map(\.name), furtherGrants: $0.furtherGrants, writeLicense: $0.writeLicense,
                          readLicense: $0.readLicense, licenseAfter: LicenseJSON($0.licenseAfter), monthlySaving: $0.monthlySaving)
            }
        }
        comparison = report.comparison.map { Comparison(method: $0.method.rawValue, license: LicenseJSON($0.license)) }
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
