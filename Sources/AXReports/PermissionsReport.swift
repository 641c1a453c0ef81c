import AXLicensing
import AXModel
import AXReading

/// `axlicense permissions`: View Permissions for one role, duty or privilege.
public struct PermissionsReport: Sendable {
    public var view: PermissionsView
    public var catalog: SkuCatalog
    public var diagnostics: [Diagnostic]
    public var isComplete: Bool
    /// The method `view` comes from: the per-object method shows each object's access level and Microsoft's License
    /// text instead of the entry-point license and the privilege's SKU-map requirement.
    public var method: MethodUse.Method
    /// The same object under the other method (`both`): its license, and each row's entry-point license beside.
    public var comparison: PermissionsView?

    /// `method` defaults to the one `view` was computed with, so the columns always fit the rows.
    public init(view: PermissionsView, catalog: SkuCatalog, diagnostics: [Diagnostic], isComplete: Bool, method: MethodUse.Method? = nil,
                comparison: PermissionsView? = nil) {
        self.view = view
        self.catalog = catalog
        self.diagnostics = diagnostics
        self.isComplete = isComplete
        self.method = method ?? (view.objectsNotInMicrosoftData != nil ? .objects : .legacy)
        // Both views list the same grants in the same order; anything else is not shown beside.
        self.comparison = comparison.flatMap { $0.entries.count == view.entries.count ? $0 : nil }
    }

    /// Marks the License text of an object not in Microsoft's data.
    static let notInDataMarker = " *"

    /// Header facts about the object.
    public var facts: [ReportFact] {
        let requirement = RequirementText(view.requirements, catalog: catalog)
        var facts = [
            ReportFact("Object", "\(view.type.rawValue.capitalized) \(view.name)" + (view.label.isEmpty ? "" : " (\(view.label))")),
            ReportFact("Model", view.origin.description),
        ]
        switch method {
        case .legacy:
            facts += [
                ReportFact("Entry-point license", view.entryPointLicense.name),
                ReportFact("Required SKUs", requirement.required.isEmpty ? "-" : requirement.requiredText),
                ReportFact("Any-of groups", requirement.anyOfGroups.isEmpty ? "-" : requirement.groupsText),
                ReportFact("License", .license(view.license.summary, costing: view.license.monthlyCost)),
            ]
        case .objects:
            let notInData = view.objectsNotInMicrosoftData ?? [], unlicensable = view.unlicensableObjects ?? []
            facts += [
                ReportFact("Any-of groups", requirement.anyOfGroups.isEmpty ? "-" : requirement.groupsText),
                ReportFact("License (per-object method)", ReportText(ReportText.license(view.license.summary, costing: view.license.monthlyCost).spans
                           + [.plain(MigrationColumns.groupText(view.license).isEmpty ? "" : ", \(MigrationColumns.groupText(view.license))")])),
                ReportFact("Not in Microsoft's data", "\(notInData.count) object\(notInData.count == 1 ? "" : "s") not in Microsoft's data"
                           + (notInData.isEmpty ? "" : " (each needs Team Members): " + notInData.joined(separator: ", "))),
            ]
            if !unlicensable.isEmpty {
                facts.append(ReportFact("Unlicensable", "no known SKU entitles " + unlicensable.joined(separator: ", ")))
            }
        }
        if let comparison {
            facts.append(ReportFact("Legacy license", .license(comparison.license.summary, costing: comparison.license.monthlyCost,
                                                              "; entry-point license \(comparison.entryPointLicense.name)")))
        }
        return facts
    }

    /// One row per entry point (per object permission under the per-object method) of each reachable privilege, with a
    /// shortest grant path and how many others there are.
    public var table: ReportTable {
        switch method {
        case .legacy:
            return ReportTable(
                title: "Entry points",
                columns: [ReportColumn("Object type", priority: .low), ReportColumn("Object", priority: .essential), ReportColumn("Child", priority: .low),
                          ReportColumn("Rights", .list), ReportColumn("Access", priority: .low), ReportColumn("Entry-point license", .license, priority: .essential),
                          ReportColumn("Privilege SKUs", .list), ReportColumn("Granted through", .path)],
                rows: view.entries.map { entry in
                    [entry.objectType, entry.objectName, entry.objectChildName, ValueText.grant(entry.grant), entry.access.rawValue, entry.entryPointLicense.name,
                     ValueText.skus(entry.privilegeSkus, catalog: catalog), GrantPath.describe(entry.path, furtherPaths: entry.furtherPaths)]
                })
        case .objects:
            var columns = [ReportColumn("Object type", priority: .low), ReportColumn("Object", priority: .essential), ReportColumn("Child", priority: .low),
                           ReportColumn("Rights", .list), ReportColumn("Access level", priority: .essential), ReportColumn("License", .license, priority: .essential),
                           ReportColumn("Not in Microsoft's data")]
            if comparison != nil { columns.append(ReportColumn("Legacy entry-point license", .license)) }
            columns.append(ReportColumn("Granted through", .path))
            return ReportTable(
                title: "Objects",
                columns: columns,
                rows: view.entries.enumerated().map { index, entry in
                    let object = entry.entryPointLicense.object
                    var row = [entry.objectType, entry.objectName, entry.objectChildName, ValueText.grant(entry.grant), ValueText.accessLevel(object),
                               ValueText.objectLicense(object), object?.status == .notInMicrosoftData ? "yes" : ""]
                    if let comparison { row.append(comparison.entries[index].entryPointLicense.name) }
                    row.append(GrantPath.describe(entry.path, furtherPaths: entry.furtherPaths))
                    return row
                })
        }
    }

    /// Under the per-object method, what the marker and an empty License mean.
    var notes: [String] {
        guard method == .objects else { return [] }
        var notes: [String] = []
        if view.entries.contains(where: { $0.entryPointLicense.object?.status == .notInMicrosoftData }) {
            notes.append("Team Members\(Self.notInDataMarker): the object (at that access level) is not in Microsoft's data; it is counted as needing Team Members (Docs/licensing-rules.md §7).")
        }
        if view.entries.contains(where: { $0.entryPointLicense.object?.status == .unlicensable }) {
            notes.append("Unlicensable: Microsoft's data names only SKUs the catalog does not know; holders are flagged and the object adds nothing to the cost.")
        }
        return notes
    }
}

extension PermissionsReport: ReportConvertible {
    /// The object's facts, then its entry points; CSV holds the entry points.
    public var report: Report {
        Report(
            sections: [[.title("View Permissions", markdown: "View Permissions: \(view.name)"), .facts(facts)],
                       [.table(table, headingLevel: 2)] + (notes.isEmpty ? [] : [.notes(notes)]),
                       reportFooter(diagnostics, isComplete: isComplete)],
            csvTable: table,
            jsonBody: PermissionsJSON(self))
    }
}

struct PermissionsJSON: Encodable {
    struct Object: Encodable {
        var view: PermissionsView
        var requirement: RequirementText
        var method: MethodUse.Method
        var comparison: PermissionsView?
        enum CodingKeys: String, CodingKey {
            case type, name, label, package, model, reference, entryPointLicense, requiredSkus, anyOfGroups, licenseTier, base, attach, monthlyCost
            case baseGroup, anyBase, unlicensable, objectsNotInMicrosoftData, unlicensableObjects, legacy
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(view.type.rawValue, forKey: .type)
            try c.encode(view.name, forKey: .name)
            try c.encode(view.label, forKey: .label)
            try c.encode(view.origin.package, forKey: .package)
            try c.encode(view.origin.model, forKey: .model)
            try c.encode(view.origin.reference, forKey: .reference)
            try c.encode(requirement.required, forKey: .requiredSkus)
            try c.encode(requirement.anyOfGroups, forKey: .anyOfGroups)
            try LicenseFieldsJSON(entryPointLicense: view.entryPointLicense, license: view.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
            guard method == .objects else { return }
            try c.encode(view.license.baseGroup, forKey: .baseGroup)
            try c.encode(view.license.isAnyBaseOfGroup, forKey: .anyBase)
            try c.encode(view.license.isUnlicensable, forKey: .unlicensable)
            try c.encode(view.objectsNotInMicrosoftData ?? [], forKey: .objectsNotInMicrosoftData)
            try c.encode(view.unlicensableObjects ?? [], forKey: .unlicensableObjects)
            if let comparison { try c.encode(LegacyJSON(view: comparison), forKey: .legacy) }
        }
    }
    /// The object under the legacy method, beside the per-object one (`both`).
    struct LegacyJSON: Encodable {
        var view: PermissionsView
        enum CodingKeys: String, CodingKey { case method, entryPointLicense, licenseTier, base, attach, monthlyCost }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(MethodUse.Method.legacy.rawValue, forKey: .method)
            try LicenseFieldsJSON(entryPointLicense: view.entryPointLicense, license: view.license)
                .encode(into: &c, keys: (.entryPointLicense, .licenseTier, .base, .attach, .monthlyCost))
        }
    }
    /// One row. Legacy: the entry-point license and the privilege's SKU-map requirement. Per-object: the access level,
    /// Microsoft's License text, the entitling SKUs, and whether Microsoft's data lists the object.
    struct Entry: Encodable {
        var entry: PermissionEntry
        var catalog: SkuCatalog
        var method: MethodUse.Method
        var legacy: PermissionEntry?
        enum CodingKeys: String, CodingKey {
            case objectType, objectName, objectChildName, rights, access, entryPointLicense, accessLevel, license, skus, inMicrosoftData, unlicensable
            case legacyEntryPointLicense, privilege, privilegeSkus, path, pathFromReference, furtherPaths
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(entry.objectType, forKey: .objectType)
            try c.encode(entry.objectName, forKey: .objectName)
            try c.encode(entry.objectChildName, forKey: .objectChildName)
            try c.encode(ValueText.grant(entry.grant), forKey: .rights)
            try c.encode(entry.access.rawValue, forKey: .access)
            switch method {
            case .legacy:
                try c.encode(entry.entryPointLicense.name, forKey: .entryPointLicense)
            case .objects:
                let object = entry.entryPointLicense.object
                try c.encode(ValueText.accessLevel(object), forKey: .accessLevel)
                try c.encode(object?.licenseText, forKey: .license)
                try c.encode(object.map { catalog.names($0.skus) } ?? [], forKey: .skus)
                try c.encode(object?.status != .notInMicrosoftData, forKey: .inMicrosoftData)
                try c.encode(object?.status == .unlicensable, forKey: .unlicensable)
                if let legacy { try c.encode(legacy.entryPointLicense.name, forKey: .legacyEntryPointLicense) }
            }
            try c.encode(entry.privilege, forKey: .privilege)
            if method == .legacy { try c.encode(entry.privilegeSkus.map { SkuRequirementJSON($0, catalog: catalog) }, forKey: .privilegeSkus) }
            try c.encode(entry.path.map(\.name), forKey: .path)
            try c.encode(entry.path.map(\.fromReference), forKey: .pathFromReference)
            try c.encode(entry.furtherPaths, forKey: .furtherPaths)
        }
    }
    var object: Object
    var entryPoints: [Entry]
    var diagnostics: [DiagnosticJSON]
    var complete: Bool

    init(_ report: PermissionsReport) {
        object = Object(view: report.view, requirement: RequirementText(report.view.requirements, catalog: report.catalog), method: report.method,
                        comparison: report.comparison)
        entryPoints = report.view.entries.enumerated().map {
            Entry(entry: $1, catalog: report.catalog, method: report.method, legacy: report.comparison?.entries[$0])
        }
        diagnostics = report.diagnostics.map(DiagnosticJSON.init)
        complete = report.isComplete
    }
}
