import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import Foundation
import Testing

@testable import AXReports

/// The permissions and explain reports under the per-object method, on a two-privilege tree.
@Suite struct ObjectMethodReportTests {
    /// Role Clerk > CustMaintain (CustTable Write: Finance; Read: Team Members) and Custom (CustomForm Read: not in
    /// Microsoft's data).
    func engine() -> LicensingEngine {
        var t = TreeBuilder()
        t.privilege("CustMaintain", [.allow("CustTable", .read, .update)])
        t.privilege("Custom", [.allow("CustomForm", .read)])
        t.role("Clerk", privileges: ["CustMaintain", "Custom"])
        return t.objectEngine([ObjectRow(.menuItemDisplay, "CustTable", .write, "Finance"), ObjectRow(.menuItemDisplay, "CustTable", .read, "TeamMembers")])
    }

    /// A report built without naming the method takes the view's: the columns always fit the rows.
    @Test func permissionsOfAPerObjectViewShowAccessLevelLicenseTextAndTheNotInDataMark() throws {
        let engine = engine()
        let report = PermissionsReport(view: engine.permissions(of: try engine.findObject(named: "Clerk", type: .role)), catalog: engine.catalog,
                                       diagnostics: [], isComplete: true)
        let csv = report.report.render(.csv)
        #expect(csv.hasPrefix("Object type,Object,Child,Rights,Access level,License,Not in Microsoft's data,Granted through\n"))
        #expect(csv.contains("MenuItemDisplay,CustTable,,\"Read, Update\",Write,Finance,,Clerk > CustMaintain"))
        #expect(csv.contains("MenuItemDisplay,CustomForm,,Read,Read,Dynamics 365 Team Members *,yes,Clerk > Custom"))
        let text = report.report.render(.table)
        #expect(text.contains("1 object not in Microsoft's data (each needs Team Members): MenuItemDisplay CustomForm (Read)"))
        #expect(text.contains("License (per-object method): Finance (210.00 per month), Base 1"))
    }

    @Test func explainOfAPerObjectLicenseShowsTheForcingObjectAndTheDowngrade() throws {
        let report = ExplainReport(explanation: try engine().explain(role: "Clerk"), diagnostics: [], isComplete: true)
        let text = report.report.render(.table)
        #expect(text.contains("Why: the objects that force each SKU of the license"))
        #expect(!text.contains("Entry-point license"))
        #expect(report.chainsTable.rows == [["Finance (SKU)", "Clerk > CustMaintain", "MenuItemDisplay CustTable", "Read, Update", "Write", "Finance"]])
        #expect(report.downgradesTable.rows == [["MenuItemDisplay CustTable", "Clerk > CustMaintain", "Finance", "TeamMembers", "TeamMembers", "202.00"]])
        let root = try #require(try JSONSerialization.jsonObject(with: Data(report.report.render(.json).utf8)) as? [String: Any])
        #expect(root["objectsNotInMicrosoftData"] as? [String] == ["MenuItemDisplay CustomForm (Read)"])
        #expect((root["downgrades"] as? [[String: Any]])?.first?["monthlySaving"] as? Double == 202)
    }
}
