import AXModel
import AXReading

/// Everything that decides the license of a holder of some privileges: the requirement signature.
///
/// Users with the same signature need the same license, so the optimiser runs once per signature.
public struct LicenseRequirements: Sendable, Hashable {
    /// The highest entry-point license over the privileges (Docs/licensing-rules.md §2).
    public var entryPointTier: LicenseTier
    /// SKUs that must be held (IsUnique = 1 rows).
    public private(set) var required: SkuSet
    /// Any-of groups not already met by `required`, sorted and unique.
    public private(set) var anyOfGroups: [SkuSet]
    /// True when some object can be entitled by no SKU the catalog knows (per-object method, Docs/licensing-rules.md
    /// §7): the holder is flagged unlicensable, and the object adds nothing to the cost.
    public var isUnlicensable: Bool

    /// Requirements of no privilege at all.
    public static let empty = LicenseRequirements(entryPointTier: .none, required: .empty, anyOfGroups: [])

    /// Normalises the groups, so that equal requirements compare equal and share one optimisation.
    public init(entryPointTier: LicenseTier, required: SkuSet, anyOfGroups: some Sequence<SkuSet>, isUnlicensable: Bool = false) {
        self.entryPointTier = entryPointTier
        self.required = required
        // A group that shares an SKU with `required` is met by every candidate that meets `required`.
        self.anyOfGroups = Array(Set(anyOfGroups.filter { !$0.isEmpty && !$0.intersects(required) })).sorted()
        self.isUnlicensable = isUnlicensable
    }

    /// The requirements of holding both.
    public func merged(with other: LicenseRequirements) -> LicenseRequirements {
        LicenseRequirements(
            entryPointTier: max(entryPointTier, other.entryPointTier),
            required: required.union(other.required),
            anyOfGroups: anyOfGroups + other.anyOfGroups,
            isUnlicensable: isUnlicensable || other.isUnlicensable)
    }

    /// Every SKU some requirement names (required SKUs and the members of any-of groups).
    public var namedSkus: SkuSet { anyOfGroups.reduce(required) { $0.union($1) } }

    /// The full SKUs a requirement asks for by name: required ones, and the members of any-of groups that list no
    /// tier-level SKU (`tierLevel`). A group that lists Activity or Team Members is met by every full set, so it names
    /// no full SKU (Docs/licensing-rules.md §3): a license asked for only by such groups and the floor is any base.
    public func fullSkusNamed(tierLevel: SkuSet) -> SkuSet {
        anyOfGroups.filter { !$0.intersects(tierLevel) }.reduce(required) { $0.union($1) }
    }
}

/// The license a user (or a role, duty or privilege considered alone) needs: tier, base, attaches and cost.
public struct LicenseChoice: Sendable, Hashable {
    /// What the license tier report shows: None, TeamMembers, Activity or Operations.
    public var tier: LicenseTier
    /// The base license; nil for None.
    public var base: LicenseBase?
    /// Attach SKUs, in catalog order (by priority, highest first, then name: never the catalog file's order).
    public var attach: [SkuID]
    /// Monthly cost of base plus attaches.
    public var monthlyCost: Money
    /// True when no license the catalog allows meets the requirements (SKUs that cannot be attached are both
    /// required); such SKUs are then priced at their base price, an upper bound, and a warning is reported.
    public var exceedsCatalog: Bool = false
    /// True when some object the holder reaches can be entitled by no SKU the catalog knows (per-object method).
    public var isUnlicensable: Bool = false
    /// True when another SKU of the base's group, at the same price, would serve equally: PPAC's "Any base (Base 1)".
    public var isAnyBaseOfGroup: Bool = false
    /// The base SKU's group (`Base 1`), reported beside the base as PPAC does; nil when it has none.
    public var baseGroup: String?

    /// `Any base (Base 1)` when any SKU of the base's group would serve equally, else nil.
    public var anyBaseLabel: String? {
        guard isAnyBaseOfGroup, let baseGroup else { return nil }
        return "Any base (\(baseGroup))"
    }

    public init(tier: LicenseTier, base: LicenseBase?, attach: [SkuID], monthlyCost: Money, exceedsCatalog: Bool = false) {
        self.tier = tier
        self.base = base
        self.attach = attach
        self.monthlyCost = monthlyCost
        self.exceedsCatalog = exceedsCatalog
    }

    /// No license at all.
    public static let none = LicenseChoice(tier: .none, base: nil, attach: [], monthlyCost: .zero)

    /// `Finance + SupplyChainManagement`, `Operations (any base)`, `TeamMembers` or `None`.
    public var summary: String {
        guard let base else { return "None" }
        return ([base.name] + attach.map(\.name)).joined(separator: " + ")
    }
}

/// One SKU of the run's catalog: its position (for SKU sets and prices) and its name (for output).
public struct SkuID: Sendable, Hashable, CustomStringConvertible {
    /// The position in `SkuCatalog.skus`.
    public var position: Int
    /// The SKU's name in the catalog.
    public var name: String

    public init(position: Int, name: String) {
        self.position = position
        self.name = name
    }

    public var description: String { name }
}

/// The base of a license: what a user is licensed on before any attach SKU.
public enum LicenseBase: Sendable, Hashable, CustomStringConvertible {
    /// A full (Operations) SKU of the catalog, which attach SKUs can join.
    case sku(SkuID)
    /// A tier license (Team Members or Activity), sold as the catalog SKU `sku`.
    case tier(LicenseTier, SkuID)
    /// Any base SKU: the Operations floor with no SKU named by a requirement (Docs/licensing-rules.md §3).
    case anyBase

    /// The name of the any-base license in every output: told apart from the tier `Operations`, which every full
    /// license has (Docs/licensing-rules.md §3, rule 2).
    public static let anyBaseName = "Operations (any base)"

    /// The name in every output: the SKU's name, or `Operations (any base)` for any base SKU.
    public var name: String {
        switch self {
        case .sku(let sku), .tier(_, let sku): sku.name
        case .anyBase: Self.anyBaseName
        }
    }

    /// The catalog SKU the base is, nil for any base SKU.
    public var sku: SkuID? {
        switch self {
        case .sku(let sku), .tier(_, let sku): sku
        case .anyBase: nil
        }
    }

    public var description: String { name }
}

/// Finds the cheapest valid license for a set of requirements, exactly (Docs/licensing-rules.md §3, "One exact optimisation").
public struct LicenseOptimizer: Sendable {
    /// The catalog whose SKUs and prices are considered.
    public let catalog: SkuCatalog
    /// The tier-level (not Operations) SKUs.
    private let tierLevelSkus: SkuSet
    /// Per license tier (by raw value), the tier-level SKUs a license of that tier meets: those of that tier or lower.
    private let metAtLevel: [SkuSet]

    public init(catalog: SkuCatalog) {
        self.catalog = catalog
        let tierLevel = catalog.tierLevelSkus.positions
        tierLevelSkus = catalog.tierLevelSkus
        metAtLevel = LicenseTier.allCases.map { level in SkuSet(tierLevel.filter { catalog[$0].tier.licenseTier <= level }) }
    }

    /// A candidate license: a tier license (one SKU) or a full set with its base.
    public struct Candidate: Sendable, Hashable {
        /// Every SKU of the license.
        public var skus: SkuSet
        /// The base SKU's position.
        public var base: Int
        /// Base price plus attach prices.
        public var cost: Money
    }

    /// The cheapest license a licensed holder of `requirements` needs (at least Team Members).
    public func cheapestLicense(for requirements: LicenseRequirements) -> LicenseChoice {
        var exceedsCatalog = false
        var found = cheapestCandidate(for: requirements)
        if found == nil {
            // Only when required SKUs cannot be attached to each other: price them as extra bases instead.
            exceedsCatalog = true
            found = cheapestCandidate(for: requirements, pricingUnattachableAtBase: true)
        }
        // With unattachable SKUs priced at base, the set of every full SKU meets any requirement.
        let best = found!
        var choice = choice(for: best, requirements: requirements)
        choice.exceedsCatalog = exceedsCatalog
        choice.isUnlicensable = requirements.isUnlicensable
        if case .sku(let base) = choice.base {
            choice.baseGroup = catalog[base.position].group
            choice.isAnyBaseOfGroup = hasEqualBaseInGroup(best, requirements: requirements)
        }
        return choice
    }

    /// Whether another SKU of the base's group and base price, put in the base's place, also meets `requirements`
    /// at the same cost (Docs/licensing-rules.md §7, "Any base (Base 1)").
    private func hasEqualBaseInGroup(_ best: Candidate, requirements: LicenseRequirements) -> Bool {
        let base = catalog[best.base]
        guard let group = base.group else { return false }
        for other in catalog.fullSkus.positions where other != best.base && !best.skus.contains(other) {
            guard catalog[other].group == group, catalog[other].basePrice == base.basePrice else { continue }
            var swapped = best.skus
            swapped.remove(best.base)
            swapped.insert(other)
            if isValid(swapped, for: requirements) { return true }
        }
        return false
    }

    private func choice(for best: Candidate, requirements: LicenseRequirements) -> LicenseChoice {
        let baseSku = catalog[best.base]
        if baseSku.tier != .operations {
            return LicenseChoice(tier: baseSku.tier.licenseTier, base: .tier(baseSku.tier.licenseTier, SkuID(position: best.base, name: baseSku.name)),
                                 attach: [], monthlyCost: best.cost)
        }
        // Docs/licensing-rules.md §3, "Operations (any base SKU)": a full set none of whose SKUs a requirement names was asked for by the Operations floor only.
        if !best.skus.intersects(requirements.fullSkusNamed(tierLevel: tierLevelSkus)) {
            return LicenseChoice(tier: .operations, base: .anyBase, attach: [], monthlyCost: best.cost)
        }
        let attach = best.skus.positions.filter { $0 != best.base }.map { SkuID(position: $0, name: catalog[$0].name) }
        return LicenseChoice(tier: .operations, base: .sku(SkuID(position: best.base, name: baseSku.name)), attach: attach, monthlyCost: best.cost)
    }

    /// The cheapest valid candidate, ties broken by higher base priority, then by name; nil if none is valid.
    public func cheapestCandidate(for requirements: LicenseRequirements, pricingUnattachableAtBase: Bool = false) -> Candidate? {
        var best: Candidate?
        func consider(_ candidate: Candidate) {
            guard isValid(candidate.skus, for: requirements) else { return }
            if let current = best, !isBetter(candidate, than: current) { return }
            best = candidate
        }
        consider(Candidate(skus: SkuSet([catalog.teamMembers]), base: catalog.teamMembers, cost: catalog[catalog.teamMembers].basePrice))
        consider(Candidate(skus: SkuSet([catalog.activity]), base: catalog.activity, cost: catalog[catalog.activity].basePrice))
        let full = catalog.fullSkus.positions
        let subsetCount = 1 << full.count
        for mask in 1..<subsetCount {
            var members: [Int] = []
            for (bit, position) in full.enumerated() where mask & (1 << bit) != 0 { members.append(position) }
            let skus = SkuSet(members)
            guard isValid(skus, for: requirements), let candidate = bestBase(for: members, skus: skus, relaxed: pricingUnattachableAtBase) else { continue }
            if let current = best, !isBetter(candidate, than: current) { continue }
            best = candidate
        }
        return best
    }

    /// The cheapest way to make one of the highest-priced members the base; nil if the others cannot all be attached.
    private func bestBase(for members: [Int], skus: SkuSet, relaxed: Bool) -> Candidate? {
        guard let topPrice = members.map({ catalog[$0].basePrice }).max() else { return nil }
        var best: Candidate?
        for base in members where catalog[base].basePrice == topPrice {
            var cost = catalog[base].basePrice
            var attachable = true
            for other in members where other != base {
                guard let attach = catalog[other].attachPrice ?? (relaxed ? catalog[other].basePrice : nil) else { attachable = false; break }
                cost += attach
            }
            guard attachable else { continue }
            let candidate = Candidate(skus: skus, base: base, cost: cost)
            if let current = best, !isBetter(candidate, than: current) { continue }
            best = candidate
        }
        return best
    }

    /// Docs/licensing-rules.md §3's order: lower cost; then the base with the higher priority; then fewer SKUs; then the
    /// attach SKUs' priorities, each set sorted high to low and compared position by position; finally the attach SKUs'
    /// names, sorted and compared the same way. Never the catalog's order.
    private func isBetter(_ a: Candidate, than b: Candidate) -> Bool {
        if a.cost != b.cost { return a.cost < b.cost }
        let pa = catalog[a.base].priority, pb = catalog[b.base].priority
        if pa != pb { return pa > pb }
        let ca = a.skus.positions.count, cb = b.skus.positions.count
        if ca != cb { return ca < cb }
        let attachA = a.skus.positions.filter { $0 != a.base }, attachB = b.skus.positions.filter { $0 != b.base }
        let prioritiesA = attachA.map { catalog[$0].priority }.sorted(by: >), prioritiesB = attachB.map { catalog[$0].priority }.sorted(by: >)
        if prioritiesA != prioritiesB { return prioritiesA.lexicographicallyPrecedes(prioritiesB, by: >) }
        let namesA = attachA.map { catalog[$0].name }.sorted(), namesB = attachB.map { catalog[$0].name }.sorted()
        if namesA != namesB { return namesA.lexicographicallyPrecedes(namesB) }
        return catalog[a.base].name < catalog[b.base].name
    }

    /// Whether the licenses a user actually holds meet `requirements`: their full SKUs as one base + attach set,
    /// or any one tier license on its own.
    public func isMet(by held: SkuSet, requirements: LicenseRequirements) -> Bool {
        let full = held.intersection(catalog.fullSkus)
        if !full.isEmpty && isValid(full, for: requirements) { return true }
        return held.positions.contains { catalog[$0].tier != .operations && isValid(SkuSet([$0]), for: requirements) }
    }

    /// The monthly price of holding `skus`: full SKUs as the cheapest allowed base + attaches (an SKU that cannot be
    /// attached at its base price), tier licenses at their own price.
    public func price(of skus: SkuSet) -> Money {
        var total = Money.zero
        let full = skus.intersection(catalog.fullSkus).positions
        if !full.isEmpty {
            total += bestBase(for: full, skus: SkuSet(full), relaxed: true)!.cost
        }
        for position in skus.positions where catalog[position].tier != .operations { total += catalog[position].basePrice }
        return total
    }

    /// Whether a license made of `skus` meets `requirements` (the validity rules of Docs/licensing-rules.md §3), with
    /// set operations only: it runs for every candidate of every distinct requirement.
    public func isValid(_ skus: SkuSet, for requirements: LicenseRequirements) -> Bool {
        let isFullSet = skus.isSubset(of: catalog.fullSkus) && !skus.isEmpty
        var level = LicenseTier.operations
        if !isFullSet {
            level = .none
            var bits = skus.bits
            while bits != 0 {
                let position = bits.trailingZeroBitCount
                level = max(level, catalog[position].tier.licenseTier)
                bits &= bits - 1
            }
        }
        if requirements.entryPointTier > level { return false }
        // Required full SKUs must be in the set; a required tier-level SKU needs that tier or higher.
        if !requirements.required.intersection(catalog.fullSkus).isSubset(of: skus) { return false }
        if !requirements.required.intersection(tierLevelSkus).isSubset(of: metAtLevel[level.rawValue]) { return false }
        for group in requirements.anyOfGroups {
            if isFullSet {
                // A full set meets a group holding one of its SKUs, or listing any tier-level SKU.
                if !group.intersects(skus) && !group.intersects(tierLevelSkus) { return false }
            } else if !group.intersects(metAtLevel[level.rawValue]) {
                return false
            }
        }
        return true
    }
}
