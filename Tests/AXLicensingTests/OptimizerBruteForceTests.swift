import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Testing

/// The optimiser against an independent brute force over every base + attach combination.
@Suite struct OptimizerBruteForceTests {
    /// Every license Docs/licensing-rules.md §3 allows, written out directly: a tier license (Team Members or Activity;
    /// Self Service is never a license of its own, §7), or a full base plus full attaches.
    func allLicenses(_ catalog: SkuCatalog) -> [(skus: Set<Int>, base: Int, cost: Int)] {
        var result: [(Set<Int>, Int, Int)] = []
        for position in catalog.skus.indices where catalog[position].tier == .teamMembers || catalog[position].tier == .activity {
            result.append(([position], position, catalog[position].basePrice.cents))
        }
        let full = catalog.skus.indices.filter { catalog[$0].tier == .operations }
        for base in full {
            let others = full.filter { $0 != base && catalog[$0].attachPrice != nil && catalog[$0].basePrice <= catalog[base].basePrice }
            for mask in 0..<(1 << others.count) {
                let attaches = others.indices.filter { mask & (1 << $0) != 0 }.map { others[$0] }
                let cost = catalog[base].basePrice.cents + attaches.reduce(0) { $0 + catalog[$1].attachPrice!.cents }
                result.append((Set([base] + attaches), base, cost))
            }
        }
        return result
    }

    /// The validity rules of Docs/licensing-rules.md §3, restated independently of the optimiser's code.
    func meets(_ skus: Set<Int>, _ requirements: LicenseRequirements, _ catalog: SkuCatalog) -> Bool {
        let tiers = skus.map { catalog[$0].tier }
        let isFull = tiers.allSatisfy { $0 == .operations }
        // Self Service ranks below Team Members: every license meets it (Docs/licensing-rules.md §7).
        let rank: (SkuTier) -> Int = { $0 == .selfService ? 0 : $0 == .teamMembers ? 1 : $0 == .activity ? 2 : 3 }
        let level = isFull ? 3 : rank(tiers[0])
        if requirements.entryPointTier.rawValue > level { return false }
        for sku in requirements.required.positions {
            if catalog[sku].tier == .operations ? !skus.contains(sku) : rank(catalog[sku].tier) > level { return false }
        }
        for group in requirements.anyOfGroups {
            let members = group.positions
            let listsTierSku = members.contains { catalog[$0].tier != .operations }
            if isFull {
                if !listsTierSku && Set(members).isDisjoint(with: skus) { return false }
            } else if !members.contains(where: { catalog[$0].tier != .operations && rank(catalog[$0].tier) <= level }) {
                return false
            }
        }
        return true
    }

    func randomRequirements(_ rng: inout SeededGenerator, _ catalog: SkuCatalog) -> LicenseRequirements {
        let count = catalog.skus.count
        func randomSet(_ probability: Double) -> SkuSet {
            SkuSet((0..<count).filter { _ in Double.random(in: 0..<1, using: &rng) < probability })
        }
        let tier = LicenseTier.allCases.randomElement(using: &rng)!
        let required = Bool.random(using: &rng) ? randomSet(0.15) : .empty
        let groups = (0..<Int.random(in: 0...3, using: &rng)).map { _ in randomSet(0.3) }
        return LicenseRequirements(entryPointTier: tier, required: required, anyOfGroups: groups)
    }

    @Test func optimiserMatchesBruteForceOnRandomRequirements() {
        let catalog = SkuCatalog.builtIn()
        let optimizer = LicenseOptimizer(catalog: catalog)
        let licenses = allLicenses(catalog)
        var rng = SeededGenerator(seed: 20261123)
        var checked = 0
        for _ in 0..<500 {
            let requirements = randomRequirements(&rng, catalog)
            let valid = licenses.filter { meets($0.skus, requirements, catalog) }
            guard let cheapest = valid.map(\.cost).min() else {
                #expect(optimizer.cheapestCandidate(for: requirements) == nil)
                continue
            }
            guard let candidate = optimizer.cheapestCandidate(for: requirements) else {
                Issue.record("optimiser found nothing for \(requirements)")
                continue
            }
            #expect(candidate.cost.cents == cheapest, "requirements \(requirements)")
            #expect(meets(Set(candidate.skus.positions), requirements, catalog), "optimiser's answer is invalid for \(requirements)")
            #expect(catalog[candidate.base].basePrice == candidate.skus.positions.map { catalog[$0].basePrice }.max())
            checked += 1
        }
        #expect(checked > 400)
    }
}
