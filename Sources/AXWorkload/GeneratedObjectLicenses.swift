import Foundation

/// One entry-point grant of a generated privilege, kept to derive the object-license data from the same grants.
struct GeneratedGrant: Sendable {
    /// The entry point's `ObjectType` as written (`MenuItemDisplay`, `ServiceOperation`, ...).
    var type: String
    var object: String
    /// The menu item the grant was drawn from.
    var item: Int
    /// A standard object that is not in the generated tree (`Standard...`).
    var standard: Bool
    /// The `Grant` children as written: right and Allow/Deny; empty when the entry point has no `<Grant>`.
    var rights: [(right: String, value: String)]

    /// The access level of the grant (Docs/licensing-rules.md §7): 1 Read, 2 Write, nil when it gives no access.
    var level: Int? {
        if rights.contains(where: { $0.right == "Read" && $0.value == "Deny" }) { return nil }
        if rights.contains(where: { $0.right != "Read" && $0.value == "Allow" }) { return 2 }
        return rights.contains(where: { $0.right == "Read" && $0.value == "Allow" }) ? 1 : nil
    }
}

/// A generated role's references as written (with its extension's duty), kept for the USG export's paths.
struct GeneratedRole: Sendable {
    var name: String
    var duties: [String]
    var privileges: [String]
    var subRoles: [String]
}

/// The per-object licensing data of a generated workspace, shaped like Microsoft's: most standard objects entitled by
/// one to three SKUs at Write and by Team Members at Read (some HR Self Service, a few reads naming a full SKU), Activity
/// beside full SKUs where the legacy maintain license is Activity, a few premiums, a few SKU names the catalog does not
/// know; custom objects (outside ApplicationSuite and ApplicationPlatform) and a few standard ones are missing.
struct GeneratedObjectLicenses: Sendable {
    /// Microsoft's SKU names with their priority and group (`LicensingAllSkus`); the last is unknown to the catalog.
    static let skus: [(name: String, priority: Int, group: String)] = [
        ("Dynamics 365 Finance", 70, "Base 1"), ("Dynamics 365 Supply Chain Management", 80, "Base 1"),
        ("Dynamics 365 Commerce", 60, "Base 1"), ("Dynamics 365 Project Operations", 50, "Base 2"),
        ("Dynamics 365 Human Resources", 40, "Base 2"), ("Dynamics 365 Finance Premium", 90, "Base 1"),
        ("Dynamics 365 Supply Chain Management Premium", 100, "Base 1"), ("Dynamics 365 Operations – Activity", 30, ""),
        ("Dynamics 365 Team Members", 20, ""), ("Human Resources Self Service", 10, ""), ("Dynamics 365 Guides", 0, ""),
    ]
    static let finance = 0, supplyChain = 1, financePremium = 5, supplyChainPremium = 6, activity = 7, teamMembers = 8
    static let selfService = 9, unknown = 10
    static let firstSkuRecId = 5_637_144_576
    static let firstObjectRecId = 5_637_150_001
    static let usgHeader = "Role name,Subrole name,Duty name,Privilege name,Securable type,AOT name,AOT child name,Read,Update,Create,Delete,Invoke,Access level,License"

    /// One entitled object: its SKU indexes at Read and at Write (nil: that level is not in the data).
    struct Entry: Sendable {
        var type: String
        var name: String
        var read: [Int]?
        var write: [Int]?
    }

    /// Entitled objects in the order their first grant was written.
    private(set) var entries: [Entry] = []
    /// `type|name` → index in `entries`, or -1 for an object left out of the data.
    private var positions: [String: Int] = [:]
    /// The grants of every privilege, by privilege number.
    private let privileges: [[GeneratedGrant]]

    /// Draws the data from its own generator (seeded from `seed`), so the rest of the workspace is unchanged by it.
    init(privileges: [[GeneratedGrant]], traits: [(maintain: String, custom: Bool)], seed: UInt64) {
        self.privileges = privileges
        var rng = SeededGenerator(seed: seed ^ 0x6F62_6A65_6374_4C69)
        for grants in privileges {
            for grant in grants {
                let key = grant.type + "|" + grant.object
                guard positions[key] == nil else { continue }
                let trait = traits[grant.item]
                // Custom objects are never in Microsoft's data; a few standard ones are not yet.
                if (!grant.standard && trait.custom) || rng.chance(0.03) {
                    positions[key] = -1
                    continue
                }
                let entry = Entry(type: grant.type, name: grant.object, read: Self.drawRead(&rng), write: Self.drawWrite(trait.maintain, &rng))
                guard entry.read != nil || entry.write != nil else {  // no level in the data: the object is not in it
                    positions[key] = -1
                    continue
                }
                positions[key] = entries.count
                entries.append(entry)
            }
        }
    }

    /// Read: mostly Team Members, some HR Self Service, a few naming Finance (a read above Team Members); 10% absent.
    private static func drawRead(_ rng: inout SeededGenerator) -> [Int]? {
        guard rng.chance(0.9) else { return nil }
        switch rng.int(0...99) {
        case 0..<94: return [teamMembers]
        case 94..<98: return [selfService]
        default: return [finance]
        }
    }

    /// Write, after the legacy maintain license: Enterprise → 1–3 full SKUs (sometimes a premium), Activity →
    /// Activity or 1–2 full SKUs, the rest → Team Members (sometimes HR Self Service or Team Members); a few unknown
    /// SKU names, alone or beside known ones; 5% absent.
    private static func drawWrite(_ maintain: String, _ rng: inout SeededGenerator) -> [Int]? {
        guard rng.chance(0.95) else { return nil }
        var set: [Int]
        switch maintain {
        case "Enterprise", "Functional": set = fullSkus(count: rng.int(1...3), &rng)
        case "Activity", "Task": set = [activity] + fullSkus(count: rng.int(1...2), &rng)
        default: set = rng.chance(0.1) ? [selfService, teamMembers] : [teamMembers]
        }
        if set.count > 1 || set[0] < activity, rng.chance(0.03) {
            set.append(set.contains(finance) ? financePremium : supplyChainPremium)
        }
        if rng.chance(0.003) { return [unknown] }
        if rng.chance(0.01) { set.append(unknown) }
        return set
    }

    /// `count` distinct full SKUs, the first from a functional area (Finance and SCM most often).
    private static func fullSkus(count: Int, _ rng: inout SeededGenerator) -> [Int] {
        let area = [0, 0, 0, 1, 1, 2, 3, 4][rng.int(0...7)]
        var set = [area]
        while set.count < count {
            let other = rng.int(0...4)
            if !set.contains(other) { set.append(other) }
        }
        return set
    }

    /// `LicensingAllSkus.csv`.
    var skusCSV: String {
        Self.skus.enumerated().reduce(into: "RecId,SkuName,Priority,GroupName\r\n") { text, sku in
            text += "\(Self.firstSkuRecId + sku.offset),\(sku.element.name),\(sku.element.priority),\(sku.element.group)\r\n"
        }
    }

    /// `LicensingEntitlementObjects.csv`: service operations and menu items have no child name.
    var objectsCSV: String {
        entries.enumerated().reduce(into: "RecId,AOTName,AOTChildName,SecurableType\r\n") { text, entry in
            text += "\(Self.firstObjectRecId + entry.offset),\(entry.element.name),,\(entry.element.type)\r\n"
        }
    }

    /// `LicensingAllEntitledPermissions.csv`: one row per object, level and SKU.
    var permissionsCSV: String {
        var text = "EntitlementObject,AccessLevel,SkuRecId\r\n"
        for (offset, entry) in entries.enumerated() {
            for (level, skus) in [(1, entry.read), (2, entry.write)] {
                for sku in skus ?? [] { text += "\(Self.firstObjectRecId + offset),\(level),\(Self.firstSkuRecId + sku)\r\n" }
            }
        }
        return text
    }

    /// The SKU indexes that entitle a grant, nil when the grant gives no access or its object and level are not in the data.
    func skus(for grant: GeneratedGrant) -> (level: Int, skus: [Int])? {
        guard let level = grant.level, let position = positions[grant.type + "|" + grant.object], position >= 0 else { return nil }
        let entry = entries[position]
        guard let skus = level == 1 ? entry.read : entry.write else { return nil }
        return (level, skus)
    }

    /// Writes the USG "Security object licenses" export of the same data: one row per role / sub-role / duty /
    /// privilege path and licensed grant, as User security governance lists them.
    func writeSecurityObjectLicenses(roles: [GeneratedRole], dutyPrivileges: [String: [String]], dutyExtensions: [String: [String]],
                                     to file: inout ChunkedFile) throws(WorkloadError) {
        let rolesByName = Dictionary(uniqueKeysWithValues: roles.map { ($0.name, $0) })
        let words = ["MenuItemDisplay": "Menu item display", "MenuItemAction": "Menu item action", "MenuItemOutput": "Menu item output",
                     "ServiceOperation": "Service operation"]
        try file.append(Self.usgHeader + "\r\n")
        func privilegeRows(_ role: String, _ subRole: String, _ duty: String, _ privilege: String) throws(WorkloadError) {
            guard let number = Int(privilege.dropFirst("Privilege".count)), privileges.indices.contains(number) else { return }
            for grant in privileges[number] {
                guard let (level, skus) = skus(for: grant) else { continue }
                let rights = ["Read", "Update", "Create", "Delete", "Invoke"].map { right in grant.rights.first { $0.right == right }?.value ?? "" }
                let license = skus.map { Self.skus[$0].name }.joined(separator: " or ")
                try file.append("\(role),\(subRole),\(duty),\(privilege),\(words[grant.type] ?? grant.type),\(grant.object),,"
                    + rights.joined(separator: ",") + ",\(level == 1 ? "Read" : "Write"),\(license)\r\n")
            }
        }
        func roleRows(_ top: String, _ role: GeneratedRole, _ subRole: String, _ seen: Set<String>) throws(WorkloadError) {
            for privilege in role.privileges { try privilegeRows(top, subRole, "", privilege) }
            for duty in role.duties {
                for privilege in (dutyPrivileges[duty] ?? []) + (dutyExtensions[duty] ?? []) { try privilegeRows(top, subRole, duty, privilege) }
            }
            for name in role.subRoles where !seen.contains(name) {
                if let sub = rolesByName[name] { try roleRows(top, sub, name, seen.union([name])) }
            }
        }
        for role in roles { try roleRows(role.name, role, "", [role.name]) }
    }
}

/// A new file written in chunks, so an export of millions of rows is never held in memory whole.
struct ChunkedFile {
    let path: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    /// Creates the file; like every generated file it must not exist yet (O_EXCL).
    init(path: String) throws(WorkloadError) {
        self.path = path
        descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw WorkloadError(path: path, reason: "cannot create file: \(String(cString: strerror(errno)))") }
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(_ text: String) throws(WorkloadError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 20 { try flush() }
    }

    private mutating func flush() throws(WorkloadError) {
        if let code = writeAll(Data(buffer), to: descriptor) {
            throw WorkloadError(path: path, reason: "cannot write file: \(String(cString: strerror(code)))")
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is left and closes the file; a failed write or close is an error naming the file.
    mutating func close() throws(WorkloadError) {
        var failure: WorkloadError?
        do { try flush() } catch { failure = error }
        if Foundation.close(descriptor) != 0, failure == nil {
            failure = WorkloadError(path: path, reason: "cannot write file: \(String(cString: strerror(errno)))")
        }
        if let failure { throw failure }
    }
}
