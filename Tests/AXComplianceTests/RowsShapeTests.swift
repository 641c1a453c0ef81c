import AXCompliance
import AXLicensing
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Every JSON input of rows follows one shape rule (`JSONRows`): an array, or an object with exactly one array member.
@Suite struct RowsShapeTests {
    private let product = #"{"model": "Finance", "licenseQuantity": 3}"#

    @Test(arguments: ["[%@]", #"{"products": [%@]}"#, #"{"value": [%@], "@odata.context": "x"}"#])
    func purchasedLicensesReadAnArrayOrAnObjectWithOneArray(shape: String) throws {
        let folder = TemporaryFolder()
        let path = folder.write("entitlements.json", shape.replacingOccurrences(of: "%@", with: product))
        let loaded = try ProductEntitlement.load(path: path)
        #expect(loaded.products.map(\.licenseQuantity) == [3])
    }

    @Test func anObjectWithTwoArraysIsAnErrorInEveryRowsInput() throws {
        let folder = TemporaryFolder()
        let text = #"{"products": [%@], "more": []}"#.replacingOccurrences(of: "%@", with: product)
        #expect(throws: InputError.self) { try ProductEntitlement.load(path: folder.write("entitlements.json", text)) }
        let map = #"{"rows": [{"PrivilegeIdentifier": "P", "SkuName": "Finance", "IsUnique": 1}], "more": []}"#
        #expect(throws: InputError.self) { try SkuMap.load(path: folder.write("map.json", map), catalog: SkuCatalog.builtIn()) }
    }
}
