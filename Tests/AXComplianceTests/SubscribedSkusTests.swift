import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Microsoft Graph's `subscribedSkus` response, as Graph Explorer or `az rest` save it, as purchased licenses.
@Suite struct SubscribedSkusTests {
    /// A response in Graph's own shape: `@odata.context`, then `value` with one object per subscription, each with
    /// service plans and unit counts the reader passes over.
    static func response(_ subscriptions: [(partNumber: String, enabled: Int)]) -> String {
        let rows = subscriptions.map { subscription in
            """
                {"capabilityStatus": "Enabled", "consumedUnits": 3, "id": "72f988bf_\(subscription.partNumber)", "skuId": "00000000-0000-0000-0000-000000000000",
                 "skuPartNumber": "\(subscription.partNumber)", "appliesTo": "User",
                 "prepaidUnits": {"enabled": \(subscription.enabled), "suspended": 0, "warning": 2, "lockedOut": 0},
                 "servicePlans": [{"servicePlanId": "00000000-0000-0000-0000-000000000001", "servicePlanName": "EXCHANGE_S_FOUNDATION", "provisioningStatus": "Success", "appliesTo": "User"}]}
            """
        }
        return "{\"@odata.context\": \"https://graph.microsoft.com/v1.0/$metadata#subscribedSkus\",\n \"value\": [\n" + rows.joined(separator: ",\n") + "\n]}\n"
    }

    static func load(_ json: String) throws -> (products: [ProductEntitlement], diagnostics: [Diagnostic]) {
        let folder = TemporaryFolder()
        return try ProductEntitlement.load(path: folder.write("subscribedSkus.json", json), catalog: .builtIn())
    }

    /// Base and attach subscriptions of one SKU add up; Microsoft 365 subscriptions that are no D365 license are
    /// passed over; the quantities are `prepaidUnits.enabled`, in the order the SKUs first appear.
    @Test func subscriptionsBecomeOneProductPerCatalogSku() throws {
        let read = try Self.load(Self.response([("DYN365_FINANCE", 8), ("SPE_E3", 250), ("DYN365_FINANCE_ATTACH", 2), ("DYN365_SCM", 1),
                                                ("Dyn365_Operations_Activity", 5), ("DYN365_ENTERPRISE_TEAM_MEMBERS", 10), ("DYN365_PROJECT_OPERATIONS", 2)]))
        #expect(read.products.map(\.model) == ["Finance", "SupplyChainManagement", "Activity", "TeamMembers", "ProjectOperations"])
        #expect(read.products.map(\.licenseQuantity) == [10, 1, 5, 10, 2])
        #expect(read.products[0].licenseHolder == "Microsoft 365 subscription (DYN365_FINANCE, DYN365_FINANCE_ATTACH)")
        #expect(read.diagnostics.isEmpty)
    }

    /// The License View of the subscriptions shows the quantities and used counts the sample's entitlements.json
    /// shows for the same products (the same purchase, written by Microsoft instead of by hand): all seven Microsoft
    /// products of the sample, Commerce and Human Resources among them.
    @Test func licenseViewMatchesTheHandMadeEntitlements() throws {
        let graph = try Self.load(Self.response([("DYN365_FINANCE", 10), ("DYN365_SCM", 1), ("DYN365_RETAIL", 5), ("DYN365_HUMAN_RESOURCES_ATTACH", 3),
                                                 ("Dyn365_Operations_Activity", 5), ("DYN365_TEAM_MEMBERS", 10), ("DYN365_PROJECT_OPERATIONS_ATTACH", 2)]))
        #expect(graph.diagnostics.isEmpty)
        let handMade = try ProductEntitlement.load(path: sampleWorkspaceFolder.appendingPathComponent("entitlements.json").path).products
        let fromGraph = view(graph.products).rows.map { ($0.product.model, $0.product.licenseQuantity, $0.used) }.sorted { $0.0 < $1.0 }
        let models = Set(graph.products.map(\.model))
        let fromHand = view(handMade.filter { models.contains($0.model) }).rows.map { ($0.product.model, $0.product.licenseQuantity, $0.used) }.sorted { $0.0 < $1.0 }
        #expect(fromGraph.count == 7)
        #expect(fromGraph.map(\.0) == fromHand.map(\.0))
        #expect(fromGraph.map(\.1) == fromHand.map(\.1))
        #expect(fromGraph.map(\.2) == fromHand.map(\.2))
    }

    /// Commerce, Human Resources (with its Self Service) and Finance Premium are counted by the part numbers
    /// Data/README.md cites, base and attach subscriptions adding up, with no unknown-product warning.
    @Test func commerceHumanResourcesAndFinancePremiumSubscriptionsAreCounted() throws {
        let read = try Self.load(Self.response([("DYN365_RETAIL", 4), ("DYN365_RETAIL_ATTACH", 1), ("DYN365_HUMAN_RESOURCES", 2),
                                                ("DYN365_HUMAN_RESOURCES_ATTACH", 3), ("DYN365_HUMAN_RESOURCES_SELF_SERVE", 40),
                                                ("Dynamics_365_Finance_Premium", 6)]))
        #expect(read.diagnostics.isEmpty, "\(read.diagnostics)")
        #expect(read.products.map(\.model) == ["Commerce", "HumanResources", "HumanResourcesSelfService", "FinancePremium"])
        #expect(read.products.map(\.licenseQuantity) == [5, 5, 40, 6])
    }

    /// Every built-in SKU has a part number except Supply Chain Management Premium, for which none is published
    /// (Data/README.md says so rather than inventing one): its subscriptions are an unknown-product warning.
    @Test func onlySupplyChainManagementPremiumHasNoPublishedPartNumber() {
        let catalog = SkuCatalog.builtIn()
        #expect(catalog.skus.filter(\.partNumbers.isEmpty).map(\.name) == ["SupplyChainManagementPremium"])
    }

    /// A Dynamics 365 part number the catalog does not list is said, with its count, so it can be added to the
    /// catalog rather than silently left out.
    @Test func anUnknownDynamicsPartNumberIsAWarning() throws {
        let read = try Self.load(Self.response([("DYN365_FINANCE", 4), ("DYN365_BRAND_NEW_APP", 7)]))
        #expect(read.products.map(\.licenseQuantity) == [4])
        #expect(read.diagnostics.map(\.code) == [.unknownProduct])
        #expect(read.diagnostics.first?.message.contains("'DYN365_BRAND_NEW_APP'") == true)
        #expect(read.diagnostics.first?.message.contains("7 license(s)") == true)
    }

    /// Entitlement rows and subscriptions in one file is a mistake, refused saying so rather than half read.
    @Test func mixingBothShapesIsRefused() {
        let json = #"[{"model": "Finance", "licenseQuantity": 3}, {"skuPartNumber": "DYN365_SCM", "prepaidUnits": {"enabled": 1}}]"#
        let error = #expect(throws: InputError.self) { try Self.load(json) }
        #expect(error?.description.contains("mixes entitlements rows") == true)
    }

    /// A subscription without its unit counts, with a negative count or with more than a billion licenses (which
    /// could add up past the largest count) names the row and field.
    @Test(arguments: [#"{"value": [{"skuPartNumber": "DYN365_SCM"}]}"#, #"{"value": [{"skuPartNumber": "DYN365_SCM", "prepaidUnits": {"enabled": -1}}]}"#,
                      #"{"value": [{"skuPartNumber": "DYN365_SCM", "prepaidUnits": {"enabled": 1000000001}}]}"#])
    func aSubscriptionWithoutValidUnitsIsRefused(json: String) {
        let error = #expect(throws: InputError.self) { try Self.load(json) }
        #expect(error?.description.contains("[0]") == true, "\(String(describing: error))")
    }

    /// Graph lists each subscription once: a part number listed again (two saved responses put together, in any
    /// case) is a warning naming both entries and counts once, so the quantity is never doubled.
    @Test func aPartNumberListedAgainCountsOnceWithAWarning() throws {
        let read = try Self.load(Self.response([("DYN365_FINANCE", 8), ("DYN365_SCM", 1), ("dyn365_finance", 8)]))
        #expect(read.products.map(\.licenseQuantity) == [8, 1])
        #expect(read.products[0].licenseHolder == "Microsoft 365 subscription (DYN365_FINANCE)")
        #expect(read.diagnostics.map(\.code) == [.duplicateSubscription])
        #expect(read.diagnostics.first?.message.contains("value[2]: subscription 'dyn365_finance' is listed again (first at value[0])") == true)
    }

    /// A hostile file of 100,000 subscriptions, all the largest accepted count of one part number: one product of a
    /// billion licenses (never a saturated or overflowed sum), its holder naming the part number once.
    @Test func aHundredThousandRepeatsOfOnePartNumberGiveOneProduct() throws {
        let rows = Array(repeating: #"{"skuPartNumber": "DYN365_FINANCE", "prepaidUnits": {"enabled": 1000000000}}"#, count: 100_000)
        let read = try Self.load("{\"value\": [" + rows.joined(separator: ",") + "]}")
        #expect(read.products.map(\.licenseQuantity) == [1_000_000_000])
        #expect(read.products[0].licenseHolder == "Microsoft 365 subscription (DYN365_FINANCE)")
        // 99,999 warnings, the first few shown and the rest summed up in one, as for every repeated diagnostic.
        #expect(read.diagnostics.allSatisfy { $0.code == .duplicateSubscription })
        #expect(read.diagnostics.contains { $0.message.contains("99994 more") }, "\(read.diagnostics.map(\.message))")
    }

    /// Two SKUs of a catalog naming one part number would count a subscription twice: the catalog is refused.
    @Test func aPartNumberOfTwoSkusIsRefused() throws {
        let catalog = SkuCatalog.builtIn()
        var skus = catalog.skus
        let commerce = try #require(catalog.position(of: "Commerce"))
        skus[commerce].partNumbers = ["DYN365_FINANCE"]
        #expect(throws: InputError.self) { try SkuCatalog(skus: skus) }
    }
}
