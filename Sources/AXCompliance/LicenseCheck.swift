import AXLicensing
import AXModel
import AXReading

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

    /// Reads the entitlements file at `entitlements` (and the assigned licenses at `assigned`, if given) and judges
    /// `estimate` against them as of `today`.
    public static func run(entitlements: String, assigned: String?, engine: LicensingEngine, estimate: LicenseEstimate, today: CalendarDate,
                           delimiter: UnicodeScalar?) throws(InputError) -> LicenseCheck {
        let (products, read) = try ProductEntitlement.load(path: entitlements)
        return try run(products: products, source: entitlements, readDiagnostics: read, assigned: assigned, engine: engine, estimate: estimate,
                       today: today, delimiter: delimiter)
    }

    /// Judges `estimate` against `products` (read from `source`, with `readDiagnostics` found reading them: the
    /// entitlements file, or the licensing service's last refresh), and the assigned licenses at `assigned`, if given.
    public static func run(products: [ProductEntitlement], source: String, readDiagnostics: [Diagnostic], assigned: String?, engine: LicensingEngine,
                           estimate: LicenseEstimate, today: CalendarDate, delimiter: UnicodeScalar?) throws(InputError) -> LicenseCheck {
        let view = LicenseView(products: products, estimate: estimate, engine: engine, today: today, source: source)
        var diagnostics = DiagnosticLog.merged(readDiagnostics, view.diagnostics)
        var review: LicenseAssignmentReview?
        if let assigned {
            let held = try AssignedLicensesReader.load(path: assigned, catalog: engine.catalog, delimiter: delimiter)
            let made = LicenseAssignmentReview(estimate: estimate, assigned: held.users, optimizer: engine.optimizer)
            diagnostics = DiagnosticLog.merged(diagnostics, held.diagnostics, made.diagnostics)
            review = made
        }
        return LicenseCheck(view: view, review: review, diagnostics: diagnostics)
    }
}
