import AXLicensing

/// A rule a change must pass (`diff`'s fail-on policy): judged here, next to the impact it judges, so every caller
/// fails the same changes.
public enum ChangePolicy: Sendable, Equatable {
    /// Fails when any role or user license escalates.
    case escalation
    /// Fails when the change needs an SKU no role needed before.
    case newSku
    /// Fails when the monthly cost (of the users, or of the worst role without users) rises by more than this.
    case costIncrease(Money)
    /// Fails when the head tree references roles, duties, privileges or menu items that neither it nor a reference
    /// folder holds: the license impact through them is unknown.
    case unresolved
    /// Never fails.
    case never

    /// Reads a rule's name: `escalation`, `new-sku`, `unresolved`, `cost-increase:AMOUNT` or `never`; nil for anything else.
    public init?(name text: String) {
        switch text {
        case "escalation": self = .escalation
        case "new-sku": self = .newSku
        case "unresolved": self = .unresolved
        case "never": self = .never
        default:
            guard text.hasPrefix("cost-increase:"), let amount = Double(text.dropFirst("cost-increase:".count)), let money = Money(units: amount) else {
                return nil
            }
            self = .costIncrease(money)
        }
    }

    /// Why the rule fails for `impact`, or nil when it passes.
    public func failure(for impact: LicenseImpact) -> ChangePolicyFailure? {
        switch self {
        case .never:
            return nil
        case .escalation:
            return impact.classes.contains(.escalation) ? .escalation : nil
        case .newSku:
            return impact.newSkus.isEmpty ? nil : .newSkus(impact.newSkus)
        case .unresolved:
            return impact.unresolved.isEmpty ? nil : .unresolved(impact.unresolved.count)
        case .costIncrease(let limit):
            if let delta = impact.userCostDelta {
                return delta > limit ? .costIncrease(delta, limit: limit, ofOneRole: false) : nil
            }
            let worst = impact.roleChanges.map { $0.after.license.monthlyCost - $0.before.license.monthlyCost }.max() ?? .zero
            return worst > limit ? .costIncrease(worst, limit: limit, ofOneRole: true) : nil
        }
    }
}

/// Why a change failed a `ChangePolicy`.
public enum ChangePolicyFailure: Sendable, Equatable, CustomStringConvertible {
    case escalation
    case newSkus([String])
    /// The head tree references this many objects no layer holds.
    case unresolved(Int)
    /// The monthly cost rose by `delta`, over `limit`; `ofOneRole` when it is the worst role's cost (no users given).
    case costIncrease(Money, limit: Money, ofOneRole: Bool)

    public var description: String {
        switch self {
        case .escalation: "the change escalates licenses"
        case .newSkus(let skus): "the change needs new SKUs: \(skus.joined(separator: ", "))"
        case .unresolved(let count): "license impact is unknown: the metadata references \(count) object\(count == 1 ? "" : "s") that neither it nor a reference folder holds"
        case .costIncrease(let delta, let limit, let ofOneRole): "\(ofOneRole ? "a role's monthly cost" : "monthly cost") rises by \(delta), more than \(limit)"
        }
    }
}
