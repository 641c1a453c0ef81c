import AXLicensing
import AXModel
import AXReading

/// `axlicense permissions`: View Permissions for one role, duty or privilege.
public struct PermissionsReport: Sendable {
    public var view: PermissionsView
    public var catalog: SkuCatalog
    public var diagnostics: [Diagnostic]
    public var isComplete: Bool

    public init(view: PermissionsView, catalog: SkuCatalog, diagnostics: [Diagnostic], isComplete: Bool) {
        self.view = view
        self.catalog = catalog
        self.diagnostics = diagnostics
        self.isComplete = isComplete
    }

    /// Header facts about the object.
    public var facts: [ReportFact] {
        let requirement = RequirementText(view.requirements, catalog: catalog)
        return [
            ReportFact("Object", "\(view.type.rawValue.capitalized) \(view.name)" + (view.label.isEmpty ? "" : " (\(view.label))")),
            ReportFact("Model", view.origin.description),
            ReportFact("Entry-point license", view.entryPointLicense.name),
            ReportFact("Required SKUs", requirement.required.isEmpty ? "-" : requirement.requiredText),
            ReportFact("Any-of groups", requirement.anyOfGroups.isEmpty ? "-" : requirement.groupsText),
            ReportFact("License", "\(view.license.summary) (\(view.license.monthlyCost) per month)"),
        ]
    }

    /// One row per entry point of each reachable privilege, with a shortest grant path and how many others there are.
    public var table: ReportTable {
        ReportTable(
            title: "Entry points",
            columns: [ReportColumn("Object type", priority: .low), ReportColumn("Object", priority: .essential), ReportColumn("Child", priority: .low),
                      ReportColumn("Rights", .list), ReportColumn("Access", priority: .low), ReportColumn("Entry-point license", .license, priority: .essential),
                      ReportColumn("Privilege SKUs", .list), ReportColumn("Granted through", .path)],
            rows: view.entries.map { entry in
                [entry.objectType, entry.objectName, entry.objectChildName, ValueText.grant(entry.grant), entry.access.rawValue, entry.entryPointLicense.name,
                 ValueText.skus(entry.privilegeSkus, catalog: catalog), GrantPath.describe(entry.path, furtherPaths: entry.furtherPaths)]
            })
    }
}

extension PermissionsReport: ReportConvertible {
    /// The object's facts, then its entry points; CSV holds the entry points.
    public var report: Report {
        Report(
            sections: [[.title("View Permissions", markdown: "View Permissions: \(view.name)"), .facts(facts)], [.table(table, headingLevel: 2)],
                       reportFooter(diagnostics, isComplete: isComplete)],
            csvTable: table,
            jsonBody: PermissionsJSON(self))
    }
}

struct PermissionsJSON: Encodable {
    struct Object: Encodable {
        var view: PermissionsView
        var requirement: RequirementText
        enum CodingKeys: String, CodingKey { case type, name, label, package, model, entryPointLicense, requiredSkus, anyOfGroups, licenseTier, base, attach, monthlyCost }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(view.type.rawValue, forKey: .type)
            try c.encode(view.name, forKey: .name)
            try c.encode(view.label, forKey: .label)
            try c.encode(view.origin.package, forKey: .package)
            try c.encode(view.origin.model, forKey: .model)
            try c.encode(requirement.required, forKey: .requiredSkus)
            try c.encode(requirement.anyOfGroups, forKey: .anyOfGroups)
            try LicenseFieldsJSON(entryPointLicense: view.entryPointLicense, license: view.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
        }
    }
    struct Entry: Encodable {
        var objectType: String
        var objectName: String
        var objectChildName: String
        var rights: String
        var access: String
        var entryPointLicense: String
        var privilege: String
        @ExplicitNull var privilegeSkus: SkuRequirementJSON?
        var path: [String]
        var furtherPaths: Int
    }
    var object: Object
    var entryPoints: [Entry]
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: PermissionsReport) {
        object = Object(view: report.view, requirement: RequirementText(report.view.requirements, catalog: report.catalog))
        entryPoints = report.view.entries.map {
            Entry(objectType: $0.objectType, objectName: $0.objectName, objectChildName: $0.objectChildName, rights: ValueText.grant($0.grant),
                  access: $0.access.rawValue, entryPointLicense: $0.entryPointLicense.name, privilege: $0.privilege,
                  privilegeSkus: $0.privilegeSkus.map { SkuRequirementJSON($0, catalog: report.catalog) },
                  path: $0.path.map(\.name), furtherPaths: $0.furtherPaths)
        }
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
