import AXLicensing
import AXModel
import AXReading
import Foundation

/// The whole license check of one run: the License View of the estimate against the purchased products and, when
/// the assigned licenses are given, the over/under review, with the diagnostics of both inputs. One orchestration
/// for every caller (`check`, `report`).
public struct LicenseCheck: Sendable {
    /// Used against purchased, per product.
    public var view: LicenseView
    /// Over- and under-licensed users; nil when no assigned-licenses file was given.
    public var review: LicenseAssignmentReview?
    /// The problems found in the entitlements and assigned-licenses files and in matching them.
    public var diagnostics: [Diagnostic]

    /// Reads the purchased licenses at `entitlements` (and the assigned licenses at `assigned`, if given, matched to
    /// users through `systemUsers` when there is one) and judges `estimate` against them as of `today`.
    public static func run(entitlements: String, assigned: String?, engine: LicensingEngine, estimate: LicenseEstimate, today: CalendarDate,
                           delimiter: UnicodeScalar?, systemUsers: SystemUserDirectory? = nil) throws(InputError) -> LicenseCheck {
        let (products, read) = try ProductEntitlement.load(path: entitlements, catalog: engine.catalog)
        return try run(products: products, source: entitlements, readDiagnostics: read, assigned: assigned, engine: engine, estimate: estimate,
                       today: today, delimiter: delimiter, systemUsers: systemUsers)
    }

    /// Judges `estimate` against `products` (read from `source`, with `readDiagnostics` found reading them: the
    /// entitlements file, or the licensing service's last refresh), and the assigned licenses at `assigned`, if given,
    /// matched to users through `systemUsers` when there is one.
    public static func run(products: [ProductEntitlement], source: String, readDiagnostics: [Diagnostic], assigned: String?, engine: LicensingEngine,
                           estimate: LicenseEstimate, today: CalendarDate, delimiter: UnicodeScalar?,
                           systemUsers: SystemUserDirectory? = nil) throws(InputError) -> LicenseCheck {
        let view = LicenseView(products: products, estimate: estimate, engine: engine, today: today, source: source)
        var diagnostics = DiagnosticLog.merged(readDiagnostics, view.diagnostics)
        var review: LicenseAssignmentReview?
        if let assigned {
            let held = try AssignedLicensesReader.load(path: assigned, catalog: engine.catalog, delimiter: delimiter)
            let made = LicenseAssignmentReview(estimate: estimate, assigned: held.users, optimizer: engine.optimizer, systemUsers: systemUsers)
            diagnostics = DiagnosticLog.merged(diagnostics, held.diagnostics, made.diagnostics)
            review = made
        }
        return LicenseCheck(view: view, review: review, diagnostics: diagnostics)
    }
}

extension LicenseCheck {
    /// The purchased side when a licensing service supplied it: `refreshed` (what the service says was bought) with
    /// each product's installed version taken from the entitlements file at `installedFrom`, because the service knows
    /// what was bought, not what is installed. Nil, or a path with no file, leaves the versions as they are. The
    /// diagnostics are the file's own warnings; the file is read like every entitlements file (with `catalog`, for a
    /// Graph `subscribedSkus` response). The one join of refreshed licenses and installed versions, for `check`,
    /// `report`, `license telemetry` and the License Management page alike.
    public static func refreshedProducts(_ refreshed: [ProductEntitlement], installedFrom entitlements: String?,
                                         catalog: SkuCatalog) throws(InputError) -> (products: [ProductEntitlement], diagnostics: [Diagnostic]) {
        guard let entitlements, FileManager.default.fileExists(atPath: entitlements) else { return (refreshed, []) }
        let (installed, diagnostics) = try ProductEntitlement.load(path: entitlements, catalog: catalog)
        return (joiningInstalledVersions(refreshed, installed: installed, catalog: catalog), diagnostics)
    }

    /// `refreshed` with an empty current version filled from the product of `installed` that names the same product
    /// (one catalog SKU by any of its names and aliases, `Retail` and `Commerce`; else the same name in any case) and
    /// has a current version; the first such row wins. A version the service did give is kept.
    public static func joiningInstalledVersions(_ refreshed: [ProductEntitlement], installed: [ProductEntitlement],
                                                catalog: SkuCatalog) -> [ProductEntitlement] {
        var versions: [ProductKey: String] = [:]
        for product in installed where !product.currentVersion.isEmpty {
            let key = ProductKey(product.model, catalog: catalog)
            if versions[key] == nil { versions[key] = product.currentVersion }
        }
        return refreshed.map { product in
            guard product.currentVersion.isEmpty, let version = versions[ProductKey(product.model, catalog: catalog)] else { return product }
            var joined = product
            joined.currentVersion = version
            return joined
        }
    }

    /// What makes two product names one product: the catalog SKU they name, else the name compared like every name.
    private enum ProductKey: Hashable {
        case sku(Int)
        case name(NameKey)

        init(_ name: String, catalog: SkuCatalog) {
            self = catalog.position(of: name).map(ProductKey.sku) ?? .name(NameKey(name))
        }
    }
}
