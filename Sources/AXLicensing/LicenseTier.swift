import AXModel
import AXReading

/// The entry-point license ladder of D365FO: what a menu item's view or maintain access needs.
///
/// Ordered so that `max` gives the license that covers both; `none` needs no license at all.
public enum LicenseTier: Int, Sendable, Hashable, Comparable, CaseIterable, Codable, CustomStringConvertible {
    case none = 0
    case teamMembers = 1
    case activity = 2
    case operations = 3

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The name used in every output format: `None`, `TeamMembers`, `Activity`, `Operations`.
    public var name: String {
        switch self {
        case .none: "None"
        case .teamMembers: "TeamMembers"
        case .activity: "Activity"
        case .operations: "Operations"
        }
    }

    public var description: String { name }

    /// Parses an output name (`TeamMembers`) back, case-insensitively.
    public init?(name: String) {
        guard let tier = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = tier
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let tier = LicenseTier(name: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a license tier")
        }
        self = tier
    }
}


/// A `UserLicenseType` value of a menu item's `ViewUserLicense` or `MaintainUserLicense`, interpreted: the model
/// keeps the value as written, the licensing rules decide what it means.
public struct UserLicenseValue: Sendable, Hashable, Codable {
    /// The value exactly as it appears in the file (empty when the property is absent).
    public var raw: String
    /// The license it needs, per Docs/licensing-rules.md §2 (legacy values mapped, unknown values counted as none).
    public var tier: LicenseTier
    /// How the value was interpreted.
    public var kind: Kind

    /// Whether a value is current, an AX 2012 leftover, or not a `UserLicenseType` member at all.
    public enum Kind: String, Sendable, Hashable, Codable {
        case current
        case legacy
        case unknown
    }

    /// The absent property: no license.
    public static let absent = UserLicenseValue(raw: "", tier: .none, kind: .current)

    /// Interprets an AOT value (case-insensitive, surrounding blanks ignored).
    public init(aotValue: String) {
        // The spellings the AOT writes are taken as they are, without trimming or lower-casing: every menu item has
        // two values, read on the serial path of every run.
        let value: String
        switch aotValue {
        case "", "None", "Universal", "Activity", "Enterprise": value = aotValue
        default: value = aotValue.trimmingBlanks().lowercased()
        }
        raw = value == aotValue ? aotValue : aotValue.trimmingBlanks()
        switch value {
        case "", "none", "None": (tier, kind) = (.none, .current)
        case "universal", "Universal": (tier, kind) = (.teamMembers, .current)
        case "activity", "Activity": (tier, kind) = (.activity, .current)
        case "enterprise", "Enterprise": (tier, kind) = (.operations, .current)
        case "selfserve": (tier, kind) = (.teamMembers, .legacy)
        case "task": (tier, kind) = (.activity, .legacy)
        case "functional": (tier, kind) = (.operations, .legacy)
        case "server": (tier, kind) = (.none, .legacy)
        default: (tier, kind) = (.none, .unknown)
        }
    }

    private init(raw: String, tier: LicenseTier, kind: Kind) {
        self.raw = raw
        self.tier = tier
        self.kind = kind
    }
}

extension UserLicenseValue {
    /// The license an access level needs, given the menu item's two values: view needs ViewUserLicense; maintain needs the
    /// higher of both (Docs/licensing-rules.md §2: write access includes read).
    static func license(for access: AccessLevel, view: UserLicenseValue, maintain: UserLicenseValue) -> LicenseTier {
        switch access {
        case .none: .none
        case .view: view.tier
        case .maintain: max(view.tier, maintain.tier)
        }
    }

    /// The warning for a legacy or unknown value of `property` on `item`; nil for a current value.
    static func diagnostic(_ value: UserLicenseValue, property: String, of item: MenuItem) -> Diagnostic? {
        switch value.kind {
        case .current:
            nil
        case .legacy:
            Diagnostic(.warning, .legacyLicenseValue, "menu item '\(item.name)' has legacy \(property) '\(value.raw)'; counted as \(value.tier.name)", at: item.location)
        case .unknown:
            Diagnostic(.warning, .unknownLicenseValue, "menu item '\(item.name)' has \(property) '\(value.raw)', which is not a UserLicenseType value; counted as None", at: item.location)
        }
    }
}
