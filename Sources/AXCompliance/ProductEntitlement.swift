import AXLicensing
import AXModel
import AXReading
import Foundation

/// A calendar date (UTC), as license expiry dates are written: `YYYY-MM-DD`.
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Nil when the day does not exist (31 April, 29 February of a common year).
    public init?(year: Int, month: Int, day: Int) {
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard (1...12).contains(month), (1...31).contains(day), let date = calendar.date(from: components),
              calendar.component(.day, from: date) == day else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses `YYYY-MM-DD`, or the date part of an ISO 8601 date-time (`2027-06-30T00:00:00Z`).
    public init?(_ text: String) {
        let datePart = text.trimmingBlanks().prefix(10)
        let parts = datePart.split(separator: "-")
        guard datePart.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Today's date in UTC.
    public static func today(now: Date = Date()) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: now)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    /// Midnight UTC at the start of this date.
    public var startOfDay: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day))!
    }

    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month, a.day) < (b.year, b.month, b.day) }

    public var description: String {
        func pad(_ n: Int, _ width: Int) -> String { String(repeating: "0", count: max(0, width - String(n).count)) + String(n) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a date (YYYY-MM-DD)")
        }
        self = date
    }
}

/// A product version such as `10.0.44` or `2.3.10`, compared number by number (10.0.9 < 10.0.10).
public struct ProductVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The version as written.
    public var text: String

    public init(_ text: String) { self.text = text.trimmingBlanks() }

    private var components: [String] { text.split(whereSeparator: { $0 == "." || $0 == "-" }).map(String.init) }

    public static func < (a: Self, b: Self) -> Bool {
        let left = a.components, right = b.components
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? left[index] : "0"
            let r = index < right.count ? right[index] : "0"
            if let ln = Int(l), let rn = Int(r) {
                if ln != rn { return ln < rn }
            } else if l != r {
                return l.localizedStandardCompare(r) == .orderedAscending
            }
        }
        return false
    }

    public static func == (a: Self, b: Self) -> Bool { !(a < b) && !(b < a) }
    public func hash(into hasher: inout Hasher) { hasher.combine(components.map { Int($0).map(String.init) ?? $0 }.reversed().drop { $0 == "0" }.reversed().joined(separator: ".")) }
    public var description: String { text }
}

/// One purchased product, as the License Management form lists it (seed 000).
public struct ProductEntitlement: Sendable, Hashable {
    /// The product: an SKU name (Microsoft licenses) or a model name (ISV licenses).
    public var model: String
    /// Purchased quantity.
    public var licenseQuantity: Int
    /// Expiry; nil means no expiry.
    public var expirationDate: CalendarDate?
    public var currentVersion: String
    public var latestVersion: String
    public var licenseHolder: String

    public init(model: String, licenseQuantity: Int, expirationDate: CalendarDate? = nil, currentVersion: String = "", latestVersion: String = "", licenseHolder: String = "") {
        self.model = model
        self.licenseQuantity = licenseQuantity
        self.expirationDate = expirationDate
        self.currentVersion = currentVersion
        self.latestVersion = latestVersion
        self.licenseHolder = licenseHolder
    }
}

extension ProductEntitlement: Decodable {
    private enum CodingKeys: String, CodingKey {
        case model, product, licenseQuantity, expirationDate, currentVersion, latestVersion, licenseHolder
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let model = try c.decodeIfPresent(String.self, forKey: .model) ?? c.decodeIfPresent(String.self, forKey: .product),
              !model.trimmingBlanks().isEmpty else {
            throw DecodingError.keyNotFound(CodingKeys.model, .init(codingPath: c.codingPath, debugDescription: "missing model (or product)"))
        }
        self.model = model.trimmingBlanks()
        // A number that is not a whole count in range (1.5, 1e300, 2^63) is named as such, not as a JSON syntax error.
        let wholeNumber = "licenseQuantity must be a whole number from 0 to \(Int.max)"
        if let quantity = try? c.decode(Int.self, forKey: .licenseQuantity) {
            licenseQuantity = quantity
        } else if let number = try? c.decode(Double.self, forKey: .licenseQuantity) {
            throw DecodingError.dataCorruptedError(forKey: .licenseQuantity, in: c, debugDescription: "\(wholeNumber), not \(number)")
        } else {
            licenseQuantity = try c.decode(Int.self, forKey: .licenseQuantity)
        }
        guard licenseQuantity >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .licenseQuantity, in: c, debugDescription: "\(wholeNumber), not \(licenseQuantity)")
        }
        expirationDate = try c.decodeIfPresent(CalendarDate.self, forKey: .expirationDate)
        currentVersion = try c.decodeIfPresent(String.self, forKey: .currentVersion) ?? ""
        latestVersion = try c.decodeIfPresent(String.self, forKey: .latestVersion) ?? ""
        licenseHolder = try c.decodeIfPresent(String.self, forKey: .licenseHolder) ?? ""
    }

    /// Loads purchased licenses: `entitlements.json` rows as `JSONRows` reads them (`{"products": [ … ]}` or a plain
    /// array), or Microsoft Graph's `subscribedSkus` response (`{"value": [{"skuPartNumber": …, "prepaidUnits":
    /// {"enabled": …}}]}`, as Graph Explorer or `az rest` save it), whose subscriptions become one product per
    /// catalog SKU (`SubscribedSku.products`). The diagnostics are the file's warnings (repeated keys, unknown part
    /// numbers).
    public static func load(path: String, catalog: SkuCatalog = .builtIn()) throws(InputError) -> (products: [ProductEntitlement], diagnostics: [Diagnostic]) {
        let data = try readInputFile(path, input: .entitlements, maximumSize: InputSizeLimit.json)
        let input = JSONInput(data, path: path)
        let keys = ["model", "product", "licenseQuantity", "expirationDate", "currentVersion", "latestVersion", "licenseHolder"]
            + ["skuPartNumber", "prepaidUnits", "enabled", "consumedUnits", "capabilityStatus"]
        let rows = try input.decode(JSONRows<PurchasedLicenseRow>.self, keys: keys).rows
        let subscriptions = rows.compactMap { if case .subscription(let sku) = $0 { sku } else { nil } }
        guard subscriptions.isEmpty else {
            guard subscriptions.count == rows.count else {
                throw .invalid(path: path, line: nil, column: nil, message: "the file mixes entitlements rows (model, licenseQuantity) with Microsoft Graph subscriptions (skuPartNumber); give one or the other")
            }
            let (products, diagnostics) = SubscribedSku.products(subscriptions, catalog: catalog, source: path)
            return (products, DiagnosticLog.merged(input.diagnostics, diagnostics))
        }
        return (rows.compactMap { if case .product(let product) = $0 { product } else { nil } }, input.diagnostics)
    }
}

/// One subscription of Microsoft Graph's `subscribedSkus` response (GET /v1.0/subscribedSkus): what the tenant
/// bought, by Microsoft's part number.
public struct SubscribedSku: Sendable, Hashable, Decodable {
    /// `skuPartNumber`: `DYN365_FINANCE`, `DYN365_ENTERPRISE_TEAM_MEMBERS`, `SPE_E3`, …
    public var skuPartNumber: String
    /// `prepaidUnits.enabled`: the licenses bought and active (not those in their warning or suspended period).
    public var enabledUnits: Int
    /// `consumedUnits`: the licenses Microsoft 365 has assigned to users.
    public var consumedUnits: Int

    private enum CodingKeys: String, CodingKey { case skuPartNumber, prepaidUnits, consumedUnits }

    /// The most licenses one subscription may hold: a billion, far above any tenant, and low enough that the
    /// subscriptions of one SKU (a few part numbers, each counted once) can never add up past `Int.max`, so no
    /// quantity is ever a silently capped number.
    public static let maximumUnits = 1_000_000_000
    private enum UnitKeys: String, CodingKey { case enabled }

    public init(skuPartNumber: String, enabledUnits: Int, consumedUnits: Int = 0) {
        self.skuPartNumber = skuPartNumber
        self.enabledUnits = enabledUnits
        self.consumedUnits = consumedUnits
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        skuPartNumber = try container.decode(String.self, forKey: .skuPartNumber).trimmingBlanks()
        guard !skuPartNumber.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .skuPartNumber, in: container, debugDescription: "skuPartNumber is empty")
        }
        let units = try container.nestedContainer(keyedBy: UnitKeys.self, forKey: .prepaidUnits)
        enabledUnits = try units.decode(Int.self, forKey: .enabled)
        guard (0...Self.maximumUnits).contains(enabledUnits) else {
            throw DecodingError.dataCorruptedError(forKey: .enabled, in: units,
                                                   debugDescription: "prepaidUnits.enabled must be a count from 0 to \(Self.maximumUnits), not \(enabledUnits)")
        }
        consumedUnits = try container.decodeIfPresent(Int.self, forKey: .consumedUnits) ?? 0
    }

    /// One product per catalog SKU that the subscriptions' part numbers name (`Sku.partNumbers`), its quantity the
    /// sum of their enabled units (a base and an attach subscription of one SKU are both licenses of it), in the order
    /// the SKUs first appear; the license holder names the part numbers. A Dynamics 365 part number (`DYN365_…`,
    /// `D365_…`, `Dynamics_365_…`) the catalog does not know is an `unknown-product` warning; other Microsoft 365
    /// subscriptions (Office, Power BI, …) are not licenses of this tool and are passed over silently. Graph lists each
    /// subscription once: a part number listed again (case ignored) is a `duplicate-subscription` warning and only its
    /// first entry counts, so two saved responses put together never double a quantity.
    public static func products(_ subscriptions: [SubscribedSku], catalog: SkuCatalog, source: String) -> (products: [ProductEntitlement], diagnostics: [Diagnostic]) {
        var order: [Int] = []
        var quantity: [Int: Int] = [:]
        var partNumbers: [Int: [String]] = [:]
        var firstEntry: [String: Int] = [:]
        var diagnostics = DiagnosticLog()
        for (index, subscription) in subscriptions.enumerated() {
            let key = subscription.skuPartNumber.uppercased()
            if let first = firstEntry[key] {
                diagnostics.append(Diagnostic(.warning, .duplicateSubscription,
                                              "value[\(index)]: subscription '\(subscription.skuPartNumber)' is listed again (first at value[\(first)]); only the first is counted, as Graph lists each subscription once",
                                              at: SourceLocation(file: source)))
                continue
            }
            firstEntry[key] = index
            guard let position = catalog.position(ofPartNumber: subscription.skuPartNumber) else {
                let upper = subscription.skuPartNumber.uppercased()
                if upper.hasPrefix("DYN365") || upper.hasPrefix("D365") || upper.hasPrefix("DYNAMICS_365") {
                    diagnostics.append(Diagnostic(.warning, .unknownProduct,
                                                  "subscription '\(subscription.skuPartNumber)' is no part number of an SKU in the catalog; its \(subscription.enabledUnits) license(s) are not counted. Add it to the partNumbers of its SKU in the catalog (--skus)",
                                                  at: SourceLocation(file: source)))
                }
                continue
            }
            if quantity[position] == nil { order.append(position) }
            // At most one entry per part number, each at most `maximumUnits`: the sum cannot overflow.
            quantity[position, default: 0] += subscription.enabledUnits
            partNumbers[position, default: []].append(subscription.skuPartNumber)
        }
        let products = order.map { position in
            ProductEntitlement(model: catalog[position].name, licenseQuantity: quantity[position] ?? 0,
                               licenseHolder: "Microsoft 365 subscription (\(partNumbers[position, default: []].joined(separator: ", ")))")
        }
        return (products, diagnostics.diagnostics)
    }
}

/// One row of a purchased-licenses file: an entitlements row, or a Microsoft Graph subscription (it has a
/// `skuPartNumber`).
private enum PurchasedLicenseRow: Decodable {
    case product(ProductEntitlement)
    case subscription(SubscribedSku)

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: AnyCodingKey.self)
        if container.contains(AnyCodingKey(stringValue: "skuPartNumber")) {
            self = .subscription(try SubscribedSku(from: decoder))
        } else {
            self = .product(try ProductEntitlement(from: decoder))
        }
    }
}
