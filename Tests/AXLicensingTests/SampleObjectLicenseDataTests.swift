import AXReading
import AXTestSupport
import Foundation
import Testing

/// The sample's object-license data (`Data/sample/ObjectLicenses`, the SQL exports, and `Data/sample-usg`, the USG
/// export `Scripts/make-sample-usg.py` derives from them): the two shapes hold one map, and it has every case
/// `Data/sample/EXPECTED.md` works by hand.
@Suite struct SampleObjectLicenseDataTests {
    /// The rows of a CSV file of the repository, read the way axlicense reads every CSV input.
    static func rows(_ relative: String) throws -> (header: [String], rows: [[String]]) {
        let path = packageRoot.appendingPathComponent(relative).path
        let table = try CSVTable(try String(contentsOfFile: path, encoding: .utf8), path: path, delimiter: nil)
        let read = table.rows { $0 }
        if let error = read.error { throw error }
        return (table.header, read.rows.map(\.row))
    }

    /// `kind|name|child|level` (names folded) → License text, from the SQL exports (SKU names in permission-row order).
    static func sqlMap() throws -> [String: String] {
        let skus = Dictionary(uniqueKeysWithValues: try rows("Data/sample/ObjectLicenses/LicensingAllSkus.csv").rows.map { ($0[0], $0[1]) })
        let objects = Dictionary(uniqueKeysWithValues: try rows("Data/sample/ObjectLicenses/LicensingEntitlementObjects.csv").rows.map { ($0[0], $0) })
        var names: [String: [String]] = [:]
        for row in try rows("Data/sample/ObjectLicenses/LicensingAllEntitledPermissions.csv").rows {
            let object = try #require(objects[row[0]], "EntitlementObject \(row[0]) resolves")
            let key = "\(SecurableKind(text: object[3])!)|\(object[1].lowercased())|\(object[2].lowercased())|\(ObjectAccessLevel(text: row[1])!)"
            names[key, default: []].append(try #require(skus[row[2]], "SkuRecId \(row[2]) resolves"))
        }
        return names.mapValues { $0.joined(separator: " or ") }
    }

    @Test func bothShapesOfTheSampleObjectLicensesHoldTheSameMap() throws {
        let usg = try Self.rows("Data/sample-usg/SecurityObjectLicenses.csv")
        #expect(usg.header == ["Role name", "Subrole name", "Duty name", "Privilege name", "Securable type", "AOT name", "AOT child name",
                               "Read", "Update", "Create", "Delete", "Invoke", "Access level", "License"])
        var map: [String: String] = [:]
        for row in usg.rows {
            let key = "\(SecurableKind(text: row[4])!)|\(row[5].lowercased())|\(row[6].lowercased())|\(ObjectAccessLevel(text: row[12])!)"
            #expect(map[key] == nil || map[key] == row[13], "\(key): one License text on every row")
            map[key] = row[13]
        }
        #expect(map == (try Self.sqlMap()), "regenerate Data/sample-usg with Scripts/make-sample-usg.py")
        #expect(map.count == 43)
    }

    @Test func sampleObjectLicensesHaveEveryCaseTheHandWorkedFiguresUse() throws {
        let map = try Self.sqlMap()
        #expect(map["MenuItemDisplay|ledgerjournaltable||Write"] == "Dynamics 365 Finance")
        #expect(map["MenuItemDisplay|ledgerjournaltable||Read"] == "Dynamics 365 Team Members")
        #expect(map["MenuItemDisplay|mainaccountlistpage||Write"] == "Dynamics 365 Finance or Dynamics 365 Supply Chain Management")
        #expect(map["MenuItemOutput|ledgertrialbalancereport||Read"] == "Dynamics 365 Finance", "the Read row above Team Members")
        #expect(map["MenuItemDisplay|hcmworkerlistpage||Read"] == "Human Resources Self Service")
        #expect(map["MenuItemDisplay|hcmworkerlistpage||Write"] == "Dynamics 365 Human Resources", "the Write → Read downgrade")
        #expect(map["MenuItemDisplay|whsworktablelistpage||Write"] == "Dynamics 365 Operations – Activity or Dynamics 365 Supply Chain Management")
        #expect(map["DataEntityMethod|vendvendorv2entity|runriskassessment|Write"] == "Dynamics 365 Finance Premium")
        #expect(map["DataEntity|vendvendorv2entity||Read"] == "Dynamics 365 Team Members")
        #expect(map["ServiceOperation|sysusersessionservice.getusersettings||Write"] == "Dynamics 365 Team Members")
        #expect(map["MenuItemOutput|salesinvoicecopy||Read"] == "Dynamics 365 Sales Enterprise", "the object only an unknown SKU entitles")
        #expect(map["MenuItemDisplay|batchjob||Write"] == "Dynamics 365 Finance or Dynamics 365 Supply Chain Management or Dynamics 365 Commerce")
        #expect(!map.keys.contains { $0.contains("|contosovendorstatement|") || $0.contains("|contosopremiumdashboard|") }, "custom objects are not in Microsoft's data")
        let groups = Dictionary(uniqueKeysWithValues: try Self.rows("Data/sample/ObjectLicenses/LicensingAllSkus.csv").rows.map { ($0[1], $0[3]) })
        #expect(groups["Dynamics 365 Commerce"] == "Base 1" && groups["Dynamics 365 Project Operations"] == "Base 2")
    }
}
