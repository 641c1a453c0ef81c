import AXLicensing
import AXModel
import AXReading

/// A diagnostic as it appears in JSON output.
public struct DiagnosticJSON: Encodable, Sendable, Hashable {
    public var severity: String
    public var code: String
    public var message: String
    public var file: String?
    public var line: Int?
    public var column: Int?

    /// Creates the JSON form of a diagnostic.
    public init(_ diagnostic: Diagnostic) {
        severity = diagnostic.severity.rawValue
        code = diagnostic.code.rawValue
        message = diagnostic.message
        file = diagnostic.location?.file
        line = diagnostic.location?.line
        column = diagnostic.location?.column
    }

    private enum CodingKeys: String, CodingKey { case severity, code, message, file, line, column }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(severity, forKey: .severity)
        try container.encode(code, forKey: .code)
        try container.encode(message, forKey: .message)
        try container.encode(file, forKey: .file)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
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
        try container.encode(license.attach, forKey: keys.attach)
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

/// Text for diagnostics counts under a report: `2 errors, 5 warnings`.
func diagnosticCounts(_ diagnostics: [Diagnostic]) -> (errors: Int, warnings: Int) {
    diagnostics.severityCounts
}

func countsLine(_ diagnostics: [Diagnostic]) -> String {
    let counts = diagnosticCounts(diagnostics)
    return "Diagnostics: \(counts.errors) error(s), \(counts.warnings) warning(s)"
}

/// The lines every text report ends with: diagnostic counts, and the incomplete warning after `--keep-going`.
func reportFooter(_ diagnostics: [Diagnostic], isComplete: Bool, markdown: Bool) -> String {
    countsLine(diagnostics) + "\n" + (isComplete ? "" : (markdown ? "\n> " : "") + incompleteNote + "\n")
}

let incompleteNote = "INCOMPLETE: some metadata files could not be read (--keep-going); results may be missing objects."
