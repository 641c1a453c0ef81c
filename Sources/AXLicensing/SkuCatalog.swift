import AXModel
import AXReading
import Foundation

/// Which part of the license ladder an SKU belongs to.
public enum SkuTier: String, Sendable, Hashable, Codable {
    /// A full application license (Finance, Supply Chain Management, …): can be a base or an attach.
    case operations
    /// The Operations – Activity license.
    case activity
    /// The Team Members license.
    case teamMembers
    /// Human Resources Self Service: below Team Members, so any license meets it (Docs/licensing-rules.md §7). Never a
    /// user's license of its own, since a licensed user needs at least Team Members.
    case selfService

    /// The entry-point tier the SKU stands for; Self Service counts as Team Members, the lowest license axlicense
    /// assigns, which meets it.
    public var licenseTier: LicenseTier {
        switch self {
        case .operations: .operations
        case .activity: .activity
        case .teamMembers, .selfService: .teamMembers
        }
    }
}

/// One license SKU from the catalog (`Data/skus.json`).
public struct Sku: Sendable, Hashable, Codable {
    /// The canonical name used in every output (`Finance`, `SupplyChainManagement`).
    public var name: String
    /// The name Microsoft's price lists use.
    public var displayName: String
    public var tier: SkuTier
    /// Monthly price as a base license.
    public var basePrice: Money
    /// Monthly price as an attach license; nil when the SKU cannot be attached.
    public var attachPrice: Money?
    /// Microsoft's SKU priority: higher wins ties between equally priced bases.
    public var priority: Int
    /// Other spellings accepted in the SKU map and purchased-license files (`Retail` for Commerce).
    public var aliases: [String]
    /// The base group Microsoft's `LicensingAllSkus.GroupName` puts the SKU in (`Base 1`), reported beside a base as
    /// the Power Platform admin center does; nil when the SKU is in none.
    public var group: String?
    /// Microsoft's commercial part numbers of the SKU (`skuPartNumber` in Microsoft Graph's `subscribedSkus`:
    /// `DYN365_FINANCE`, `DYN365_FINANCE_ATTACH`), by which purchased subscriptions are counted as this SKU.
    public var partNumbers: [String]
    /// The date the list prices took effect or were published (`2024-10-01`), so a reader can tell how current they
    /// are; nil when no date is known.
    public var priceDate: String?
    /// Where the list prices are published (a URL, and whether the source is Microsoft's or a third party's), so each
    /// figure can be checked; nil when none is given.
    public var priceSource: String?

    public init(name: String, displayName: String, tier: SkuTier, basePrice: Money, attachPrice: Money?, priority: Int, aliases: [String] = [],
                group: String? = nil, partNumbers: [String] = [], priceDate: String? = nil, priceSource: String? = nil) {
        self.name = name
        self.displayName = displayName
        self.tier = tier
        self.basePrice = basePrice
        self.attachPrice = attachPrice
        self.priority = priority
        self.aliases = aliases
        self.group = group
        self.partNumbers = partNumbers
        self.priceDate = priceDate
        self.priceSource = priceSource
    }

    private enum CodingKeys: String, CodingKey {
        case name, displayName, tier, basePrice, attachPrice, priority, aliases, group, partNumbers, priceDate, priceSource
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? name
        tier = try container.decode(SkuTier.self, forKey: .tier)
        // A price over the limit is named with its SKU here, before Money would describe 1e300 as no price at all.
        for key in [CodingKeys.basePrice, .attachPrice] {
            if let units = try? container.decodeIfPresent(Double.self, forKey: key), units.isFinite, units > Double(Money.maximumPrice.cents) / 100 {
                throw DecodingError.dataCorruptedError(forKey: key, in: container,
                                                       debugDescription: "\(units) is over the highest accepted price, \(Money.maximumPrice) per user per month (\(name))")
            }
        }
        basePrice = try container.decode(Money.self, forKey: .basePrice)
        attachPrice = try container.decodeIfPresent(Money.self, forKey: .attachPrice)
        priority = try container.decode(Int.self, forKey: .priority)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
        group = try container.decodeIfPresent(String.self, forKey: .group)
        partNumbers = try container.decodeIfPresent([String].self, forKey: .partNumbers) ?? []
        priceDate = try container.decodeIfPresent(String.self, forKey: .priceDate)
        priceSource = try container.decodeIfPresent(String.self, forKey: .priceSource)
    }
}

/// A set of SKUs of one catalog, as a bit set over catalog positions.
public struct SkuSet: Sendable, Hashable, Comparable {
    /// Bit `i` set: the catalog's SKU `i` is in the set.
    public var bits: UInt64

    public init(bits: UInt64 = 0) { self.bits = bits }
    public init<S: Sequence<Int>>(_ positions: S) { bits = positions.reduce(0) { $0 | (1 << UInt64($1)) } }

    public static let empty = SkuSet()
    public var isEmpty: Bool { bits == 0 }
    public func contains(_ position: Int) -> Bool { bits & (1 << UInt64(position)) != 0 }
    public func union(_ other: SkuSet) -> SkuSet { SkuSet(bits: bits | other.bits) }
    public func intersection(_ other: SkuSet) -> SkuSet { SkuSet(bits: bits & other.bits) }
    public func intersects(_ other: SkuSet) -> Bool { bits & other.bits != 0 }
    public func isSubset(of other: SkuSet) -> Bool { bits & ~other.bits == 0 }
    public func subtracting(_ other: SkuSet) -> SkuSet { SkuSet(bits: bits & ~other.bits) }
    public mutating func insert(_ position: Int) { bits |= 1 << UInt64(position) }
    public mutating func remove(_ position: Int) { bits &= ~(1 << UInt64(position)) }
    /// Catalog positions in the set, ascending.
    public var positions: [Int] { (0..<64).filter { contains($0) } }
    public static func < (lhs: SkuSet, rhs: SkuSet) -> Bool { lhs.bits < rhs.bits }
}

/// The license SKUs axlicense can recommend, with prices and priorities (Docs/licensing-rules.md §3).
public struct SkuCatalog: Sendable {
    /// Currency of every price: an ISO 4217 code (three letters, upper-cased: `USD`), which reports show as its symbol.
    public let currency: String
    /// SKUs by priority, highest first, then by name (never the file's order, so that no answer, tie or listing
    /// depends on how the file is ordered: Docs/licensing-rules.md §3); positions are what `SkuSet` bits refer to.
    public let skus: [Sku]
    /// Position of the Team Members license.
    public let teamMembers: Int
    /// Position of the Activity license.
    public let activity: Int
    /// Every full (Operations-tier) SKU.
    public let fullSkus: SkuSet
    /// Warnings found in the catalog file (repeated keys).
    public let diagnostics: [Diagnostic]
    private let lookup: [String: Int]
    private let partNumberLookup: [String: Int]

    /// Validates and indexes `skus`; `diagnostics` are the file's warnings, kept for the run's report.
    public init(currency: String = "USD", skus: [Sku], source: String = "<catalog>", diagnostics: [Diagnostic] = []) throws(InputError) {
        self.diagnostics = diagnostics
        // Every amount a report shows carries the currency: a code, not free text (a name, markup, a long string).
        let code = currency.trimmingCharacters(in: .whitespaces)
        guard code.count == 3, code.unicodeScalars.allSatisfy({ $0.isASCII && $0.properties.isAlphabetic }) else {
            let shown = currency.count > 20 ? String(currency.prefix(20)) + "…" : currency
            throw .invalid(path: source, line: nil, column: nil, message: "currency: '\(shown)' is not a currency code; write the three letters of ISO 4217 (USD, EUR, GBP)")
        }
        guard skus.count <= 64 else { throw .invalid(path: source, line: nil, column: nil, message: "the catalog has \(skus.count) SKUs; at most 64 are supported") }
        for (position, sku) in skus.enumerated() {
            for (field, price) in [("basePrice", sku.basePrice), ("attachPrice", sku.attachPrice)] {
                if let price, price > Money.maximumPrice {
                    throw .invalid(path: source, line: nil, column: nil,
                                   message: "skus[\(position)].\(field): \(price) is over the highest accepted price, \(Money.maximumPrice) per user per month (\(sku.name))")
                }
            }
        }
        // Names are unique (checked below), so this order is total: a shuffled file gives the same positions.
        let skus = skus.sorted { (-$0.priority, NameKey($0.name)) < (-$1.priority, NameKey($1.name)) }
        var partNumberLookup: [String: Int] = [:]
        for (position, sku) in skus.enumerated() {
            for partNumber in sku.partNumbers {
                let key = partNumber.trimmingBlanks().uppercased()
                if let other = partNumberLookup[key], other != position {
                    throw .invalid(path: source, line: nil, column: nil, message: "part number '\(partNumber)' names both \(skus[other].name) and \(sku.name)")
                }
                partNumberLookup[key] = position
            }
        }
        var lookup: [String: Int] = [:]
        for (position, sku) in skus.enumerated() {
            for spelling in [sku.name, sku.displayName] + sku.aliases {
                let key = Self.normalized(spelling)
                guard !key.isEmpty else { continue }
                if let other = lookup[key], other != position {
                    throw .invalid(path: source, line: nil, column: nil, message: "SKU spelling '\(spelling)' names both \(skus[other].name) and \(sku.name)")
                }
                lookup[key] = position
            }
        }
        func cheapest(_ tier: SkuTier) throws(InputError) -> Int {
            let candidates = skus.indices.filter { skus[$0].tier == tier }
            guard let best = candidates.min(by: { (skus[$0].basePrice, -skus[$0].priority) < (skus[$1].basePrice, -skus[$1].priority) }) else {
                throw .invalid(path: source, line: nil, column: nil, message: "the catalog has no SKU of tier '\(tier.rawValue)'; it needs one to license \(tier.rawValue) users")
            }
            return best
        }
        self.currency = code.uppercased()
        self.skus = skus
        self.lookup = lookup
        self.partNumberLookup = partNumberLookup
        self.teamMembers = try cheapest(.teamMembers)
        self.activity = try cheapest(.activity)
        self.fullSkus = SkuSet(skus.indices.filter { skus[$0].tier == .operations })
    }

    /// Loads a catalog file: `{"currency": "USD", "skus": [ … ]}`.
    public static func load(path: String) throws(InputError) -> SkuCatalog {
        try decode(readInputFile(path, input: .skuCatalog, maximumSize: InputSizeLimit.json), source: path)
    }

    /// The catalog shipped with axlicense (`Data/skus.json`).
    public static func builtIn() -> SkuCatalog {
        do {
            return try decode(Data(defaultSkuCatalogJSON.utf8), source: "<built-in Data/skus.json>")
        } catch {
            preconditionFailure("the built-in SKU catalog is invalid: \(error)")  // pinned by a test
        }
    }

    /// Decodes catalog JSON; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws(InputError) -> SkuCatalog {
        struct File: Decodable {
            var currency: String?
            var skus: [Sku]
        }
        let input = JSONInput(data, path: source)
        let file = try input.decode(File.self, keys: ["currency", "skus", "name", "displayName", "tier", "basePrice", "attachPrice", "priority", "aliases", "group", "partNumbers", "note"])
        return try SkuCatalog(currency: file.currency ?? "USD", skus: file.skus, source: source, diagnostics: input.diagnostics)
    }

    /// The position of the SKU with this name, display name or alias (case, spaces and punctuation ignored).
    public func position(of spelling: String) -> Int? { lookup[Self.normalized(spelling)] }

    /// The position of the SKU with this Microsoft part number (`DYN365_FINANCE`; case ignored).
    public func position(ofPartNumber partNumber: String) -> Int? { partNumberLookup[partNumber.trimmingBlanks().uppercased()] }

    /// Whether two spellings of a product name the same one: the same catalog SKU by any of its names and aliases
    /// (`Retail` and `Commerce`), else the same name compared like every name (an ISV model the catalog does not hold).
    public func namesSameProduct(_ a: String, _ b: String) -> Bool {
        if let left = position(of: a), let right = position(of: b) { return left == right }
        return NameKey(a) == NameKey(b)
    }

    /// The SKU at a position.
    public subscript(position: Int) -> Sku { skus[position] }

    /// The catalog with each SKU's base group taken from Microsoft's `LicensingAllSkus` (SKU name → GroupName), where
    /// it names one; SKUs it does not name keep the catalog's group.
    public func withGroups(_ groups: [Int: String]) -> SkuCatalog {
        var skus = self.skus
        for (position, group) in groups where skus.indices.contains(position) { skus[position].group = group }
        // Re-indexing cannot fail: names, prices and tiers are unchanged.
        return try! SkuCatalog(currency: currency, skus: skus, diagnostics: diagnostics)
    }

    /// The SKUs below the Operations tier (Activity, Team Members, Self Service): an any-of group listing one of them is
    /// met by every full set, so it names no full SKU (Docs/licensing-rules.md §3).
    public var tierLevelSkus: SkuSet { SkuSet(skus.indices.filter { skus[$0].tier != .operations }) }

    /// The tier-level SKUs every license meets (Team Members and Self Service: Docs/licensing-rules.md §7).
    public var metByEveryLicense: SkuSet { SkuSet(skus.indices.filter { skus[$0].tier == .teamMembers || skus[$0].tier == .selfService }) }

    /// Names of the SKUs in a set, in catalog order.
    public func names(_ set: SkuSet) -> [String] { set.positions.map { skus[$0].name } }

    static func normalized(_ spelling: String) -> String {
        String(NameKey(spelling).text.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }.map(Character.init))
    }
}
