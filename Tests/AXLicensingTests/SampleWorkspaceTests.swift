import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// The hand-checked results of `Data/sample`, worked out in `Data/sample/EXPECTED.md` before the tool ran.
@Suite struct SampleWorkspaceTests {
    static let workspace = try! LoadedWorkspace.load(WorkspacePaths(workspace: sampleWorkspaceFolder.path), users: .required, keepGoing: false, method: .legacy)

    /// user → (entry-point license, tier, base, attach, monthly cost in cents)
    static let expected: [String: (LicenseTier, LicenseTier, String?, [String], Int)] = [
        "admin": (.none, .none, nil, [], 0),
        "alicia": (.operations, .operations, "Finance", [], 21000),
        "arnie": (.activity, .operations, "Finance", [], 21000),
        "benjamin": (.activity, .operations, "Finance", [], 21000),
        "charlie": (.activity, .activity, "Activity", [], 5000),
        "dana": (.operations, .operations, "SupplyChainManagement", ["Finance"], 24000),
        "emma": (.operations, .operations, "Commerce", [], 21000),
        "frank": (.activity, .activity, "Activity", [], 5000),
        "grace": (.operations, .operations, "HumanResources", [], 12000),
        "henry": (.teamMembers, .teamMembers, "TeamMembers", [], 800),
        "irene": (.operations, .operations, "ProjectOperations", [], 12000),
        "jack": (.activity, .activity, "Activity", [], 5000),
        "kim": (.operations, .operations, "Finance", ["Commerce"], 24000),
        "lena": (.operations, .operations, "ProjectOperations", ["HumanResources"], 15000),
        "mike": (.operations, .operations, "Finance", [], 21000),
        "nora": (.teamMembers, .teamMembers, "TeamMembers", [], 800),
        "oscar": (.none, .none, nil, [], 0),
        "paula": (.teamMembers, .teamMembers, "TeamMembers", [], 800),
        "quinn": (.none, .none, nil, [], 0),
        "rachel": (.teamMembers, .teamMembers, "TeamMembers", [], 800),
        "sam": (.none, .none, nil, [], 0),
        "tina": (.operations, .operations, "Commerce", [], 21000),
        "ursula": (.operations, .operations, "SupplyChainManagement", ["Finance", "HumanResources"], 27000),
        "victor": (.activity, .operations, "Finance", [], 21000),
        "wendy": (.teamMembers, .teamMembers, "TeamMembers", [], 800),
        "xavier": (.teamMembers, .teamMembers, "TeamMembers", [], 800),
        "yara": (.operations, .operations, "Finance", [], 21000),
        "zoe": (.operations, .operations, "Operations (any base)", [], 12000),
    ]

    @Test func everyUserGetsTheHandCheckedLicense() {
        let estimate = Self.workspace.engine.estimate(Self.workspace.users!)
        #expect(estimate.users.map(\.user.userId) == Self.expected.keys.sorted())
        for row in estimate.users {
            let (entryPoint, tier, base, attach, cents) = Self.expected[row.user.userId]!
            #expect(row.entryPointLicense == entryPoint, "\(row.user.userId) entry-point license")
            #expect(row.license.tier == tier, "\(row.user.userId) tier")
            #expect(row.license.base?.name == base, "\(row.user.userId) base")
            #expect(row.license.attach.map(\.name) == attach, "\(row.user.userId) attach")
            #expect(row.license.monthlyCost.cents == cents, "\(row.user.userId) cost")
        }
    }

    @Test func summaryMatchesTheHandCheckedTotals() {
        let summary = Self.workspace.engine.estimate(Self.workspace.users!).summary
        #expect(summary.tiers == [.none: 4, .teamMembers: 6, .activity: 3, .operations: 15])
        #expect(summary.monthlyCost == Money(cents: 313800))
        let skus = Dictionary(uniqueKeysWithValues: summary.skus.map { ($0.name, $0.count) })
        #expect(skus["Finance"] == SkuCount(base: 7, attach: 2))
        #expect(skus["SupplyChainManagement"] == SkuCount(base: 2, attach: 0))
        #expect(skus["Commerce"] == SkuCount(base: 2, attach: 1))
        #expect(skus["HumanResources"] == SkuCount(base: 1, attach: 2))
        #expect(skus["ProjectOperations"] == SkuCount(base: 2, attach: 0))
        #expect(skus["Operations (any base)"] == SkuCount(base: 1, attach: 0))
        #expect(skus["Activity"] == SkuCount(base: 3, attach: 0))
        #expect(skus["TeamMembers"] == SkuCount(base: 6, attach: 0))
    }

    @Test func sysadminCountsOptionLicensesTheTwoAdministrators() {
        let estimate = Self.workspace.engine.estimate(Self.workspace.users!, options: EstimateOptions(sysadminCounts: true))
        let admins = estimate.users.filter { ["admin", "sam"].contains($0.user.userId) }
        #expect(admins.map(\.license.summary) == ["Operations (any base)", "Operations (any base)"])
        #expect(estimate.summary.monthlyCost == Money(cents: 313800 + 2 * 12000))
    }

    @Test func plantedFaultsShowAsDiagnostics() {
        let diagnostics = Self.workspace.engine.estimate(Self.workspace.users!).diagnostics
        func count(_ code: DiagnosticCode) -> Int { diagnostics.filter { $0.code == code }.count }
        #expect(count(.danglingReference) == 2)  // duty LedgerPeriodCloseMaintain, duty extension base SysServerAXBasicMaintain
        #expect(count(.unknownEntryPointLicense) == 1)  // VendPortalVendorInfo
        #expect(count(.subRoleCycle) == 1)
        #expect(count(.duplicateDefinition) == 1)  // SalesTableView in ContosoSecurity
        #expect(count(.legacyLicenseValue) == 4)  // ProdJournalTable ×2, BatchJob ×2
        #expect(count(.unknownLicenseValue) == 1)  // ContosoPremiumDashboard 'Premium'
        #expect(count(.unknownSku) == 1)
        #expect(count(.duplicateSkuRow) == 1)
        #expect(count(.unknownRole) == 1)
        #expect(!diagnostics.containsErrors)
        let cycle = diagnostics.first { $0.code == .subRoleCycle }!
        #expect(cycle.location?.file.hasSuffix("AxSecurityRole/ContosoAuditorB.xml") == true)
        #expect(cycle.location?.line == 15)
    }

    @Test func roleExtensionFromAnotherModelRaisesAccountsPayableClerkToFinance() {
        let engine = Self.workspace.engine
        let clerk = engine.graph.role(named: "AccountsPayableClerk")!
        #expect(engine.roleRequirements[clerk].entryPointTier == .activity)
        #expect(engine.license(of: .role(clerk)).summary == "Finance")
        #expect(engine.graph.roles[clerk].origin.model == "Foundation")
        // Without the extension's CustAgingReportView the clerk would need only Activity.
        let duty = engine.graph.duty(named: "VendInvoicesProcess")!
        #expect(engine.license(of: .duty(duty)).summary == "Activity")
    }

    /// A View Permissions row carries the granting privilege's SKU-map requirement as a value (positions in the
    /// catalog), not words: the reports word it.
    @Test func permissionsRowCarriesThePrivilegeSkuRequirementAsAValue() throws {
        let engine = Self.workspace.engine
        let view = engine.permissions(of: .privilege(try #require(engine.graph.privilege(named: "CustAgingReportView"))))
        let finance = try #require(engine.catalog.position(of: "Finance"))
        let entry = try #require(view.entries.only)
        #expect(entry.privilegeSkus == SkuRequirement(required: SkuSet([finance]), anyOf: SkuSet([finance])))
        let unmapped = engine.permissions(of: .role(try #require(engine.graph.role(named: "AccountsPayableClerk"))))
        #expect(unmapped.entries.contains { $0.privilegeSkus == nil })
    }

    /// `report` counts each role's users from the estimate's rows (the users' roles resolved once, for the estimate):
    /// the same rows as resolving the users again.
    @Test func roleUserCountsFromTheEstimateMatchThoseFromTheUsers() throws {
        let engine = Self.workspace.engine, users = try #require(Self.workspace.users)
        let fromEstimate = engine.roleLicenses(estimate: engine.estimate(users))
        let fromUsers = engine.roleLicenses(users: users)
        #expect(fromEstimate.map(\.role.name) == fromUsers.map(\.role.name) && fromEstimate.map(\.usersAssigned) == fromUsers.map(\.usersAssigned))
        #expect(fromEstimate.map(\.license) == fromUsers.map(\.license))
        #expect(fromEstimate.contains { ($0.usersAssigned ?? 0) > 0 })
    }

    @Test func permissionsShowEveryEntryPointOnceWithItsShortestPath() {
        let engine = Self.workspace.engine
        let view = engine.permissions(of: .role(engine.graph.role(named: "accountspayableclerk")!))
        #expect(view.name == "AccountsPayableClerk")
        let denied = view.entries.first { $0.objectName == "VendPaymJournal" }
        #expect(denied?.grant[.read] == .deny && denied?.entryPointLicense.name == "None")
        let unknown = view.entries.first { $0.objectName == "VendPortalVendorInfo" }
        #expect(unknown?.entryPointLicense.name == "Unknown")
        let invoice = view.entries.first { $0.objectName == "VendInvoiceJournal" }
        #expect(invoice?.access == .maintain && invoice?.entryPointLicense.name == "Activity")
        #expect(invoice?.path.map(\.name) == ["AccountsPayableClerk", "VendInvoicesProcess", "VendInvoiceJournalMaintain"])
        // ContosoVendPortalView is granted through two duties: its three entry points are listed once each.
        let portal = view.entries.filter { $0.privilege == "ContosoVendPortalView" }
        #expect(portal.map(\.furtherPaths) == [1, 1, 1])
        #expect(portal.allSatisfy { $0.path.map(\.name) == ["AccountsPayableClerk", "VendorsInquire", "ContosoVendPortalView"] })
        #expect(view.entries.count == 11)
    }
}
