import AXChangeImpact
import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import Testing

/// The license impact under the per-object method: causes name objects, access levels and the SKUs Microsoft's data
/// lists, data entity permissions count as grants, and objects not in that data are tracked.
@Suite struct PerObjectImpactTests {
    /// Object-license rows shared by both sides.
    static let rows = [ObjectRow(.menuItemDisplay, "VendTable", .read, "Dynamics 365 Team Members"),
                       ObjectRow(.menuItemDisplay, "VendTable", .write, "Dynamics 365 Finance", "Dynamics 365 Supply Chain Management"),
                       ObjectRow(.dataEntity, "VendVendorV2Entity", .read, "Dynamics 365 Team Members"),
                       ObjectRow(.dataEntity, "VendVendorV2Entity", .write, "Dynamics 365 Finance")]

    static func tree(entity: [AccessRight], extraPrivilege: Bool = false) -> TreeBuilder {
        var tree = TreeBuilder()
        tree.privilege("VendView", [.allow("VendTable", .read)], dataEntities: [TreeBuilder.EP(object: "VendVendorV2Entity", grant: Dictionary(uniqueKeysWithValues: entity.map { ($0, .allow) }))])
        tree.privilege("VendEdit", [.allow("VendTable", .read, .update)])
        tree.privilege("PortalView", [.allow("VendPortal", .read)])
        tree.role("Clerk", privileges: ["VendView"] + (extraPrivilege ? ["VendEdit", "PortalView"] : []))
        return tree
    }

    /// A data entity permission gaining Update is a grant change on its own: the legacy method gives it no license,
    /// the per-object method Write on the entity (Finance here).
    @Test func dataEntityPermissionGainingUpdateIsAGrantChangeNamingTheEntity() throws {
        let base = Self.tree(entity: [.read]).objectEngine(Self.rows), head = Self.tree(entity: [.read, .update]).objectEngine(Self.rows)
        let change = try #require(LicenseImpact(base: base, head: head, users: nil).roleChanges.only)
        #expect(change.before.license.summary == "TeamMembers" && change.after.license.summary == "Finance")
        let cause = try #require(change.causes.only)
        #expect(cause.kind == .grantChanged && cause.entryPoint == "DataEntity VendVendorV2Entity")
        #expect(cause.detail == "Read → Read, Update: now grants Write on DataEntity VendVendorV2Entity, entitled by Dynamics 365 Finance (was Read, entitled by Dynamics 365 Team Members)")
        // The legacy method licenses no data entity permission: no change there.
        #expect(LicenseImpact(base: Self.tree(entity: [.read]).engine(), head: Self.tree(entity: [.read, .update]).engine(), users: nil).roleChanges.isEmpty)
    }

    /// A privilege added speaks per object (no entry-point license, no SKU-map rows under this method), and an
    /// object it grants that Microsoft's data does not list is reported as added (the base defines the privilege but
    /// no role grants it there).
    @Test func privilegeAddedListsItsObjectsAndObjectsNotInMicrosoftDataAreTracked() throws {
        let base = Self.tree(entity: [.read]).objectEngine(Self.rows), head = Self.tree(entity: [.read], extraPrivilege: true).objectEngine(Self.rows)
        let impact = LicenseImpact(base: base, head: head, users: nil)
        let change = try #require(impact.roleChanges.only)
        #expect(change.after.license.summary == "SupplyChainManagement")
        let details = Dictionary(uniqueKeysWithValues: change.causes.map { ($0.privilege, $0.detail) })
        #expect(change.causes.map(\.kind) == [.privilegeAdded, .privilegeAdded])
        #expect(details["VendEdit"] == "now granted: Write on MenuItemDisplay VendTable, entitled by Dynamics 365 Finance or Dynamics 365 Supply Chain Management")
        #expect(details["PortalView"] == "now granted: Read on MenuItemDisplay VendPortal, not in Microsoft's data (needs Dynamics 365 Team Members)")
        #expect(impact.objectsNotInMicrosoftData.added == ["MenuItemDisplay VendPortal (Read)"])
        #expect(impact.objectsNotInMicrosoftData.removed.isEmpty)
        // Under the legacy method there is no such list.
        #expect(LicenseImpact(base: Self.tree(entity: [.read]).engine(), head: Self.tree(entity: [.read], extraPrivilege: true).engine(), users: nil)
            .objectsNotInMicrosoftData.isEmpty)
    }

    /// The same grants, another row in the data: the cause is the object's license, at the head data's row.
    @Test func changedDataRowIsAnObjectLicenseChangeAtTheRow() throws {
        let tree = Self.tree(entity: [.read], extraPrivilege: true)
        var changed = Self.rows
        changed[1] = ObjectRow(.menuItemDisplay, "VendTable", .write, "Dynamics 365 Finance")
        let change = try #require(LicenseImpact(base: tree.objectEngine(Self.rows), head: tree.objectEngine(changed), users: nil).roleChanges.only)
        let cause = try #require(change.causes.only)
        #expect(cause.kind == .objectLicenseChanged && cause.privilege == "VendEdit")
        #expect(cause.location == SourceLocation(file: "objects.csv", line: 3))
        #expect(cause.detail.hasPrefix("Write on MenuItemDisplay VendTable: entitled by "))
    }
}
