import AXLicensing
import AXModel
import AXReading

/// The two dashboard notifications of the License Management form, with the seed's exact text.
public enum DashboardNotification: String, Sendable, Hashable, CaseIterable, Codable {
    case expired = "expired"
    case overQuantity = "over-quantity"

    /// The message D365FO shows on the default dashboard (seed 000, verbatim).
    public var message: String {
        switch self {
        case .expired: "One or more product licenses have expired."
        case .overQuantity: "The number of used licenses exceeds the assigned quantity for one or more products."
        }
    }
}

/// What a License View row's product was matched to, which decides how its used count is computed.
public enum ProductMatch: Sendable, Hashable {
    /// A Microsoft license SKU: users whose license holds it, as base or attach.
    case sku(String)
    /// An ISV model: licensed users with at least one effective privilege defined in it.
    case model(String)
    /// Neither: used is 0 and a warning is given.
    case unmatched

    /// `sku`, `model` or `unmatched`.
    public var kind: String {
        switch self {
        case .sku: "sku"
        case .model: "model"
        case .unmatched: "unmatched"
        }
    }
}

/// The status icon of a License View row.
public enum LicenseStatus: String, Sendable, Hashable, Codable {
    /// Expired, or more used than purchased: ⚠️.
    case warning
    /// A newer version is available: ℹ️.
    case newerVersion
    /// Nothing to do: no icon.
    case healthy

    /// The icon, or a plain-text marker for logs and files.
    package func marker(emoji: Bool) -> String {
        switch self {
        case .warning: emoji ? "⚠️" : "[!]"
        case .newerVersion: emoji ? "ℹ️" : "[i]"
        case .healthy: ""
        }
    }
}

/// One row of the License View grid.
public struct LicenseViewRow: Sendable, Hashable {
    public var product: ProductEntitlement
    public var match: ProductMatch
    /// Licenses in use, computed from the estimate.
    public var used: Int
    /// Expiry before today (UTC).
    public var isExpired: Bool
    /// Used > License Qty (Used == Qty is healthy).
    public var isOverQuantity: Bool
    /// Latest version newer than current, compared numerically.
    public var hasNewerVersion: Bool

    /// ⚠️ wins over ℹ️.
    public var status: LicenseStatus {
        if isExpired || isOverQuantity { return .warning }
        return hasNewerVersion ? .newerVersion : .healthy
    }

    /// Every cause of the row's icon, in the order the form's notifications come (expired, over quantity, newer
    /// version); empty when healthy. A row can be expired, over quantity and behind on its version at once: each is a
    /// cause. The one source of both renderings, `reasons` and `statusReasons`.
    public var causes: [LicenseStatusCause] {
        var causes: [LicenseStatusCause] = []
        if isExpired, let date = product.expirationDate { causes.append(.expired(on: date)) }
        if isOverQuantity { causes.append(.overQuantity(used: used, purchased: product.licenseQuantity)) }
        if hasNewerVersion { causes.append(.newerVersion(latest: product.latestVersion, installed: product.currentVersion)) }
        return causes
    }

    /// Why the row has its icon, as the check's status column says it (`expired on 2026-01-31`, `used 6 > purchased
    /// 5`; for ℹ️ `version 10.0.45 available`): the short form of the causes of the icon shown, so a ⚠️ row does not
    /// list its newer version (the icon says ⚠️, not ℹ️). Empty for a healthy row.
    public var reasons: [String] {
        causes.filter { $0.status == status }.map(\.shortText)
    }

    /// Why the row has its icon, as the License Management page says it: one sentence per cause, every cause
    /// (`causes`), so the page's legend explains both icons of a row that has both reasons.
    public var statusReasons: [String] {
        causes.map(\.sentence)
    }
}

/// One cause of a License View row's icon, with the values it was judged on. Rendered two ways from the same value:
/// the check's status column (`shortText`) and the License Management page (`sentence`).
public enum LicenseStatusCause: Sendable, Hashable {
    /// The expiration date is before the day judged against.
    case expired(on: CalendarDate)
    /// More used than purchased.
    case overQuantity(used: Int, purchased: Int)
    /// The latest version is newer than the installed one.
    case newerVersion(latest: String, installed: String)

    /// The icon this cause gives a row: ⚠️ for expired and over quantity, ℹ️ for a newer version.
    public var status: LicenseStatus {
        switch self {
        case .expired, .overQuantity: .warning
        case .newerVersion: .newerVersion
        }
    }

    /// The check's status column: `expired on 2026-01-31`, `used 6 > purchased 5`, `version 10.0.45 available`.
    public var shortText: String {
        switch self {
        case .expired(let date): "expired on \(date)"
        case .overQuantity(let used, let purchased): "used \(used) > purchased \(purchased)"
        case .newerVersion(let latest, _): "version \(latest) available"
        }
    }

    /// The License Management page's sentence: `License expired on 2026-01-31.`, `6 used licenses exceed the License
    /// Qty of 5.`, `Version 10.0.45 is available (installed: 10.0.44).`
    public var sentence: String {
        switch self {
        case .expired(let date): "License expired on \(date)."
        case .overQuantity(let used, let purchased): "\(used) used licenses exceed the License Qty of \(purchased)."
        case .newerVersion(let latest, let installed): "Version \(latest) is available (installed: \(installed))."
        }
    }
}

/// The License View: one row per purchased product, the notifications that fire, and warnings.
public struct LicenseView: Sendable {
    public var rows: [LicenseViewRow]
    /// The date "expired" was judged against.
    public var today: CalendarDate
    public var diagnostics: [Diagnostic]

    /// Notifications that fire, in the form's order.
    public var notifications: [DashboardNotification] {
        var result: [DashboardNotification] = []
        if rows.contains(where: \.isExpired) { result.append(.expired) }
        if rows.contains(where: \.isOverQuantity) { result.append(.overQuantity) }
        return result
    }

    /// Evaluates purchased products against an estimate: used counts come from the estimate, never from input.
    public init(products: [ProductEntitlement], estimate: LicenseEstimate, engine: LicensingEngine, today: CalendarDate, source: String) {
        self.today = today
        var diagnostics = DiagnosticLog()
        let models = Dictionary(engine.graph.privileges.map { (NameKey($0.origin.model), $0.origin.model) }, uniquingKeysWith: { first, _ in first })
        var modelsPerRole: [Set<NameKey>] = []
        modelsPerRole.reserveCapacity(engine.graph.roles.count)
        for privileges in engine.graph.roleEffectivePrivileges {
            modelsPerRole.append(Set(privileges.map { NameKey(engine.graph.privileges[$0].origin.model) }))
        }
        let licensed = estimate.users.filter { $0.license.tier != .none }
        var rows: [LicenseViewRow] = []
        for product in products {
            let match: ProductMatch
            let used: Int
            if let position = engine.catalog.position(of: product.model) {
                let name = engine.catalog[position].name
                match = .sku(name)
                used = licensed.filter { $0.license.base?.name == name || $0.license.attach.contains { $0.name == name } }.count
            } else if let model = models[NameKey(product.model)] {
                match = .model(model)
                let key = NameKey(model)
                used = licensed.filter { user in user.roleIndices.contains { modelsPerRole[$0].contains(key) } }.count
            } else {
                match = .unmatched
                used = 0
                diagnostics.append(Diagnostic(.warning, .unknownProduct, "product '\(product.model)' is neither an SKU in the catalog nor a model in the metadata; its used count is 0", at: SourceLocation(file: source)))
            }
            let newer = !product.latestVersion.isEmpty && !product.currentVersion.isEmpty
                && ProductVersion(product.currentVersion) < ProductVersion(product.latestVersion)
            rows.append(LicenseViewRow(
                product: product, match: match, used: used,
                isExpired: product.expirationDate.map { $0 < today } ?? false,
                isOverQuantity: used > product.licenseQuantity,
                hasNewerVersion: newer))
        }
        self.rows = rows
        self.diagnostics = diagnostics.diagnostics
    }
}

/// Which dashboard notifications fail a license check (the check's fail-on policy): judged here, next to the
/// notifications, so every caller fails the same checks.
public struct NotificationPolicy: Sendable, Hashable {
    /// The notifications that fail the check.
    public var failing: Set<DashboardNotification>

    /// The policy that fails on expired products and on more used than purchased.
    public static let `default` = NotificationPolicy(failing: [.expired, .overQuantity])

    public init(failing: Set<DashboardNotification>) {
        self.failing = failing
    }

    /// Reads a list of notification names (`expired`, `over-quantity`) and `none` (adds nothing); throws the first
    /// name that is neither.
    public init(names: some Sequence<String>) throws(UnknownNotificationName) {
        var failing: Set<DashboardNotification> = []
        for name in names where name != "none" {
            guard let notification = DashboardNotification(rawValue: name) else { throw UnknownNotificationName(name: name) }
            failing.insert(notification)
        }
        self.failing = failing
    }

    /// The notifications of `view` that fail the check, in the view's order.
    public func failures(in view: LicenseView) -> [DashboardNotification] {
        view.notifications.filter { failing.contains($0) }
    }
}

/// A name in a notification policy that names no notification.
public struct UnknownNotificationName: Error, Sendable, Equatable {
    public var name: String
}
