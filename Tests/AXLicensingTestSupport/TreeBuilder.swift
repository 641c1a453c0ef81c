import AXLicensing
import AXModel
import AXReading

/// Builds a security tree in memory, as the loader would produce it, so rule tests can state their tree in a few lines.
package struct TreeBuilder {
    package private(set) var objects: [LoadedObject] = []
    package var origin = ModelOrigin(package: "TestPackage", model: "TestModel")

    private func at(_ name: String) -> SourceLocation { SourceLocation(file: "\(origin.model)/\(name).xml", line: 2) }
    private func refs(_ names: [String]) -> [ObjectReference] { names.map { ObjectReference(name: $0, location: at($0)) } }

    package mutating func menuItem(_ name: String, _ kind: MenuItemKind = .display, view: String = "", maintain: String = "") {
        let item = MenuItem(name: name, kind: kind, viewLicense: view, maintainLicense: maintain, origin: origin, location: at(name))
        objects.append(LoadedObject(object: .menuItem(item), file: at(name).file))
    }

    /// An entry point: the menu item it opens, its type, and the rights set to Allow (or explicit values).
    package struct EP {
        package var object: String
        package var type: EntryPointObjectType = .menuItemDisplay
        package var grant: [AccessRight: GrantValue]
        package init(object: String, type: EntryPointObjectType = .menuItemDisplay, grant: [AccessRight: GrantValue]) {
            self.object = object
            self.type = type
            self.grant = grant
        }
        package static func allow(_ object: String, _ rights: AccessRight..., type: EntryPointObjectType = .menuItemDisplay) -> EP {
            EP(object: object, type: type, grant: Dictionary(uniqueKeysWithValues: rights.map { ($0, .allow) }))
        }
    }

    /// A privilege with entry points and data entity permissions (`dataEntities`: entity name and its rights).
    package mutating func privilege(_ name: String, _ entryPoints: [EP], dataEntities: [EP] = []) {
        let grants = entryPoints.map { EntryPointGrant(name: $0.object, objectName: $0.object, objectType: $0.type, grant: AccessGrant($0.grant), location: at(name)) }
        let permissions = dataEntities.map { DataEntityPermission(name: $0.object, grant: AccessGrant($0.grant), location: at(name)) }
        objects.append(LoadedObject(object: .privilege(SecurityPrivilege(name: name, entryPoints: grants, dataEntityPermissions: permissions, origin: origin, location: at(name))),
                                    file: at(name).file))
    }

    package mutating func duty(_ name: String, privileges: [String]) {
        objects.append(LoadedObject(object: .duty(SecurityDuty(name: name, privileges: refs(privileges), origin: origin, location: at(name))), file: at(name).file))
    }

    package mutating func role(_ name: String, label: String = "", duties: [String] = [], privileges: [String] = [], subRoles: [String] = []) {
        let contents = RoleContents(duties: refs(duties), privileges: refs(privileges), subRoles: refs(subRoles))
        objects.append(LoadedObject(object: .role(SecurityRole(name: name, label: label, contents: contents, origin: origin, location: at(name))), file: at(name).file))
    }

    package mutating func roleExtension(_ name: String, duties: [String] = [], privileges: [String] = [], subRoles: [String] = []) {
        let contents = RoleContents(duties: refs(duties), privileges: refs(privileges), subRoles: refs(subRoles))
        objects.append(LoadedObject(object: .roleExtension(RoleExtension(name: name, contents: contents, origin: origin, location: at(name))), file: at(name).file))
    }

    package mutating func dutyExtension(_ name: String, privileges: [String]) {
        objects.append(LoadedObject(object: .dutyExtension(DutyExtension(name: name, privileges: refs(privileges), origin: origin, location: at(name))), file: at(name).file))
    }

    package var graph: SecurityGraph { SecurityGraph(MetadataSnapshot(objects: objects, diagnostics: [], fileCount: objects.count)) }

    package init() {}

    package func engine(rows: [ServicePlanPrivilegeRow] = [], catalog: SkuCatalog = .builtIn()) -> LicensingEngine {
        LicensingEngine(graph: graph, catalog: catalog, skuMap: SkuMap(rows: rows, catalog: catalog, source: "map.json"))
    }
}

extension TreeBuilder {
    /// An engine under the per-object method, over object-license rows (kind, AOT name, level, SKU names).
    package func objectEngine(_ rows: [ObjectRow], skus: [ObjectLicenseSku] = [], catalog: SkuCatalog = .builtIn()) -> LicensingEngine {
        let graph = graph
        let map = ObjectLicenseMap(table: objectTable(rows, skus: skus), catalog: catalog)
        return LicensingEngine(graph: graph, catalog: map.catalog, method: PerObjectMethod(graph: graph, map: map))
    }
}

/// One row of per-object license data, for tests.
package struct ObjectRow: Sendable {
    package var kind: SecurableKind
    package var name: String
    package var child: String
    package var level: ObjectAccessLevel
    package var skus: [String]
    package init(_ kind: SecurableKind, _ name: String, child: String = "", _ level: ObjectAccessLevel, _ skus: String...) {
        (self.kind, self.name, self.child, self.level, self.skus) = (kind, name, child, level, skus)
    }
    package init(kind: SecurableKind, name: String, child: String = "", level: ObjectAccessLevel, skus: [String]) {
        (self.kind, self.name, self.child, self.level, self.skus) = (kind, name, child, level, skus)
    }
}

/// The table the readers would produce for `rows` (first row of a key wins), in the order given.
package func objectTable(_ rows: [ObjectRow], skus: [ObjectLicenseSku] = []) -> ObjectLicenseTable {
    var entries: [ObjectLicenseKey: ObjectLicenseEntry] = [:]
    for (index, row) in rows.enumerated() {
        let key = ObjectLicenseKey(kind: row.kind, name: row.name, childName: row.child, level: row.level)
        if entries[key] == nil {
            entries[key] = ObjectLicenseEntry(aotName: row.name, childName: row.child, skuNames: row.skus, location: SourceLocation(file: "objects.csv", line: index + 2))
        }
    }
    return ObjectLicenseTable(entries: entries, skus: skus, shape: .sqlExports, files: ["objects.csv"], diagnostics: [])
}

package func row(_ privilege: String, _ sku: String, unique: Bool) -> ServicePlanPrivilegeRow {
    ServicePlanPrivilegeRow(privilegeIdentifier: privilege, skuName: sku, isUnique: unique)
}

package func user(_ id: String, enabled: Bool = true, _ roles: (String, Bool)...) -> SecurityUser {
    SecurityUser(userId: id, isEnabled: enabled, assignments: roles.map { RoleAssignment(roleIdentifier: $0.0, roleName: "", isEnabled: $0.1, location: SourceLocation(file: "users.csv", line: 2)) }, location: SourceLocation(file: "users.csv", line: 2))
}

extension LicensingEngine {
    package func license(ofRole name: String) -> LicenseChoice { license(of: .role(graph.role(named: name)!)) }
    package func entryPointTier(ofRole name: String) -> LicenseTier { requirements(of: .role(graph.role(named: name)!)).entryPointTier }
    package func entryPointTier(ofPrivilege name: String) -> LicenseTier { privilegeEntryPointTiers[graph.privilege(named: name)!] }
}
