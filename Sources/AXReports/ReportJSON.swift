import AXLicensing
import AXModel
import AXReading

/// The one rule for absent values in JSON output: an optional without a value is written as an explicit `null`, never
/// left out, so every object of a kind has the same keys (the README documents each shape with its nulls). Every
/// optional property of a JSON body is declared with this wrapper.
@propertyWrapper
package struct ExplicitNull<Value: Encodable & Sendable>: Encodable, Sendable {
    package var wrappedValue: Value?

    package init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension ExplicitNull: Equatable where Value: Equatable {}
extension ExplicitNull: Hashable where Value: Hashable {}

/// A diagnostic as it appears in JSON output.
package struct DiagnosticJSON: Encodable, Sendable, Hashable {
    package var severity: String
    package var code: String
    package var message: String
    @ExplicitNull package var file: String?
    @ExplicitNull package var line: Int?
    @ExplicitNull package var column: Int?

    package init(_ diagnostic: Diagnostic) {
        severity = diagnostic.severity.rawValue
        code = diagnostic.code.rawValue
        message = diagnostic.message
        file = diagnostic.location?.file
        line = diagnostic.location?.line
        column = diagnostic.location?.column
    }
}

/// The license fields shared by users, roles and View Permissions in JSON.
struct LicenseFieldsJSON: Sendable {
    var entryPointLicense: LicenseTier
    var license: LicenseChoice

    func encode<Key: CodingKey>(into container: inout KeyedEncodingContainer<Key>, keys: (entryPoint: Key, tier: Key, base: Key, attach: Key, cost: Key)) throws {
        try container.encode(entryPointLicense.name, forKey: keys.entryPoint)
        try Self.encode(license, into: &container, keys: (keys.tier, keys.base, keys.attach, keys.cost))
    }

    /// The license alone: tier, base, attaches and cost.
    static func encode<Key: CodingKey>(_ license: LicenseChoice, into container: inout KeyedEncodingContainer<Key>, keys: (tier: Key, base: Key, attach: Key, cost: Key)) throws {
        try container.encode(license.tier.name, forKey: keys.tier)
        try container.encode(license.base?.name, forKey: keys.base)
        try container.encode(license.attach.map(\.name), forKey: keys.attach)
        try container.encode(license.monthlyCost, forKey: keys.cost)
    }
}

/// Requirement fields (required SKUs and any-of groups) in JSON and text.
struct RequirementText {
    var required: [String]
    var anyOfGroups: [[String]]

    init(_ requirements: LicenseRequirements, catalog: SkuCatalog) {
        required = catalog.names(requirements.required)
        anyOfGroups = requirements.anyOfGroups.map { catalog.names($0) }
    }

    var requiredText: String { required.joined(separator: ", ") }
    var groupsText: String { anyOfGroups.map { $0.joined(separator: " | ") }.joined(separator: "; ") }
}

/// Diagnostic counts under a report: `(errors, warnings)`.
func diagnosticCounts(_ diagnostics: [Diagnostic]) -> (errors: Int, warnings: Int) {
    diagnostics.severityCounts
}

/// The section every report on the analysed inputs ends with: diagnostic counts, and the incomplete warning after
/// a run that skipped unreadable metadata.
func reportFooter(_ diagnostics: [Diagnostic], isComplete: Bool) -> [ReportElement] {
    let counts = diagnosticCounts(diagnostics)
    return [.lines(["Diagnostics: \(counts.errors) error(s), \(counts.warnings) warning(s)"])] + (isComplete ? [] : [.alert(incompleteNote)])
}

let incompleteNote = "INCOMPLETE: some metadata files could not be read and were skipped, as asked; results may be missing objects."

/// The objects a run's tree references that no layer holds, in JSON: their count and one entry per object (`new`:
/// the change made it unresolved; always false outside `diff`).
struct UnresolvedJSON: Encodable, Sendable {
    struct Object: Encodable, Sendable {
        var kind: String
        var name: String
        var referencedBy: String
        @ExplicitNull var file: String?
        @ExplicitNull var line: Int?
        var new: Bool
    }
    var count: Int
    var objects: [Object]

    init(_ unresolved: UnresolvedObjects, new: [UnresolvedReference] = []) {
        let newObjects = Set(new.map(\.object))
        count = unresolved.count
        objects = unresolved.objects.map {
            Object(kind: $0.kind.rawValue, name: $0.name, referencedBy: $0.referencedBy, file: $0.location?.file, line: $0.location?.line,
                   new: newObjects.contains($0.object))
        }
    }
}

/// Where a run's objects came from, in JSON (`metadata`): the reference folders, objects per source, unresolved ones.
struct MetadataCoverageJSON: Encodable, Sendable {
    var references: [String]
    var objectsFromTree: MetadataCoverage.ObjectCounts
    var objectsFromReferences: MetadataCoverage.ObjectCounts
    var unresolved: UnresolvedJSON

    init(_ coverage: MetadataCoverage) {
        references = coverage.references
        objectsFromTree = coverage.treeObjects
        objectsFromReferences = coverage.referenceObjects
        unresolved = UnresolvedJSON(coverage.unresolved)
    }
}

/// The coverage lines under a report: the objects per source (with references), and the unknown-impact alert.
func coverageFooter(_ coverage: MetadataCoverage?) -> [ReportElement] {
    guard let coverage else { return [] }
    return (coverage.sourceLine.map { [.lines([$0])] } ?? []) + (coverage.unresolvedLine.map { [.alert($0)] } ?? [])
}
