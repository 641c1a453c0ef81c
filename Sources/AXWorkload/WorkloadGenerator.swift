import Foundation

/// How big a generated workspace is.
public struct WorkloadScale: Sendable, Hashable {
    public var roles: Int
    public var duties: Int
    public var privileges: Int
    public var menuItems: Int
    public var users: Int
    public var packages: Int

    /// A few hundred files: for smoke tests and CI.
    public static let small = WorkloadScale(roles: 30, duties: 200, privileges: 1_000, menuItems: 1_500, users: 1_000, packages: 4)
    /// The size of a standard D365FO application (issue 5).
    public static let full = WorkloadScale(roles: 600, duties: 4_000, privileges: 20_000, menuItems: 30_000, users: 20_000, packages: 40)
    /// Twice `full`, with 100,000 users.
    public static let large = WorkloadScale(roles: 1_200, duties: 8_000, privileges: 40_000, menuItems: 60_000, users: 100_000, packages: 80)

    /// A named profile: `small`, `full` or `large`.
    public static func named(_ name: String) -> WorkloadScale? {
        switch name { case "small": .small; case "full": .full; case "large": .large; default: nil }
    }
}

/// A deterministic pseudo-random generator (SplitMix64): the same seed gives the same workspace, byte for byte.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &self) < probability }
    /// Skewed towards small values: 1 + a geometric draw, capped.
    mutating func skewed(max: Int, mean: Double) -> Int {
        var value = 1
        while value < max && chance(1 - 1 / mean) { value += 1 }
        return value
    }
    mutating func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
}

/// Why a workspace could not be written.
public struct WorkloadError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): error: \(reason)" }
}

/// Writes a realistic, deterministic workspace: a PackagesLocalDirectory-shaped `Metadata/` tree formatted like real
/// AOT files (CRLF, a UTF-8 BOM on some, `xmlns:i`, the menu-item default namespace), a SKU map covering a share of
/// the privileges, `users.csv` with skewed role counts, `entitlements.json`, and the per-object licensing data of
/// 10.0.44 (`ObjectLicenses/`, the `Licensing*` SQL exports), so benchmarks cover both licensing methods.
public struct WorkloadGenerator: Sendable {
    public var scale: WorkloadScale
    public var seed: UInt64
    /// Writes `ObjectLicenses/` (the SQL exports of `LicensingAllSkus`, `LicensingEntitlementObjects` and
    /// `LicensingAllEntitledPermissions`). Its draws come from a generator of their own, so the metadata, users and
    /// SKU map are the same bytes with or without it.
    public var writesObjectLicenses: Bool
    /// Also writes `SecurityObjectLicenses.csv` at the workspace root: the User security governance export of the same
    /// entitlements, one row per role / sub-role / duty / privilege path and licensed grant (read with
    /// `--object-licenses`). Off by default: at `large` it is millions of rows.
    public var writesSecurityObjectLicensesExport: Bool

    public init(scale: WorkloadScale, seed: UInt64, writesObjectLicenses: Bool = true, writesSecurityObjectLicensesExport: Bool = false) {
        self.scale = scale
        self.seed = seed
        self.writesObjectLicenses = writesObjectLicenses
        self.writesSecurityObjectLicensesExport = writesSecurityObjectLicensesExport
    }

    /// Makes `folder` when nothing is there (a dangling link is refused, not written through), or accepts an empty
    /// folder; anything else (a file, a device, a folder with files) is refused before anything is written.
    static func prepareEmptyFolder(_ folder: String) throws(WorkloadError) {
        let hint = "name a new or empty folder for the generated workspace"
        guard !folder.isEmpty else { throw WorkloadError(path: folder, reason: "the output folder name is empty") }
        var status = stat()
        if stat(folder, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw WorkloadError(path: folder, reason: "it exists and is not a folder; \(hint)") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? ["?"]
            guard entries.isEmpty else {
                throw WorkloadError(path: folder, reason: "the folder is not empty (\(entries.count) entries); \(hint), so no file of yours is replaced")
            }
            return
        }
        if lstat(folder, &status) == 0 {
            throw WorkloadError(path: folder, reason: "it is a symbolic link to something that does not exist; \(hint)")
        }
        try makeFolder(folder)
    }

    /// Makes `folder` and its missing parents, saying in the system's words why one cannot be made.
    static func makeFolder(_ folder: String) throws(WorkloadError) {
        var status = stat()
        if stat(folder, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else { throw WorkloadError(path: folder, reason: "cannot create folder: a file is in the way") }
            return
        }
        let parent = (folder as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != folder { try makeFolder(parent) }
        guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
            throw WorkloadError(path: folder, reason: "cannot create folder: \(systemReason())")
        }
    }

    private static func systemReason() -> String { String(cString: strerror(errno)) }

    private static let licenseValues: [(view: String, maintain: String)] = [
        ("Universal", "Enterprise"), ("Universal", "Enterprise"), ("Universal", "Enterprise"), ("Universal", "Activity"),
        ("Universal", "Universal"), ("Universal", "Universal"), ("None", "None"), ("Universal", "Activity"),
        ("Universal", "Enterprise"), ("Universal", "Activity"),
    ]
    private static let skus = ["Finance", "SupplyChainManagement", "Commerce", "ProjectOperations", "HumanResources"]

    /// Every other block of ten privileges is read-only (an inquiry privilege).
    static func isInquiry(_ privilege: Int) -> Bool { (privilege / 10) % 2 == 1 }

    /// The SKU of a functional area, nil for the general areas.
    static func areaSku(_ area: Int) -> String? {
        switch area {
        case 0...2: "Finance"
        case 3...4: "SupplyChainManagement"
        case 5: "Commerce"
        case 6: "ProjectOperations"
        case 7: "HumanResources"
        default: nil
        }
    }

    /// Writes the workspace into `folder`, which must be new (it is made, with missing parents) or an empty folder:
    /// a workspace written over an existing one would replace the user's users, SKU map and entitlements and mix its
    /// packages into theirs. Returns the number of files written.
    @discardableResult
    public func write(to folder: String) throws(WorkloadError) -> Int {
        try Self.prepareEmptyFolder(folder)
        var rng = SeededGenerator(seed: seed)
        var written = 0
        func write(_ relative: String, _ text: String, bom: Bool = false) throws(WorkloadError) {
            let path = folder + "/" + relative
            try Self.makeFolder((path as NSString).deletingLastPathComponent)
            var data = Data()
            if bom { data.append(contentsOf: [0xEF, 0xBB, 0xBF]) }
            data.append(contentsOf: text.utf8)
            // A new file in a new folder: O_EXCL, so nothing that appeared meanwhile is replaced.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else { throw WorkloadError(path: path, reason: "cannot create file: \(Self.systemReason())") }
            let failed = writeAll(data, to: descriptor)
            let closed = close(descriptor) == 0 ? nil : errno
            if let code = failed ?? closed {
                throw WorkloadError(path: path, reason: "cannot write file: \(String(cString: strerror(code)))")
            }
            written += 1
        }
        func xml(_ lines: [String]) -> String {
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n" + lines.joined(separator: "\r\n") + "\r\n"
        }
        func references(_ tag: String, _ inner: String, _ names: [String]) -> [String] {
            guard !names.isEmpty else { return ["\t<\(tag) />"] }
            return ["\t<\(tag)>"] + names.flatMap { ["\t\t<\(inner)>", "\t\t\t<Name>\($0)</Name>", "\t\t</\(inner)>"] } + ["\t</\(tag)>"]
        }

        // Packages and models: ApplicationSuite-like giants first, then smaller ISV and customisation models.
        let models: [(package: String, model: String)] = (0..<scale.packages).flatMap { index -> [(String, String)] in
            let package = index == 0 ? "ApplicationSuite" : index == 1 ? "ApplicationPlatform" : "Package\(index)"
            let count = index < 2 ? 3 : 1 + index % 2
            return (0..<count).map { (package, count == 1 ? package : "\(package)Model\($0)") }
        }
        func model(_ index: Int) -> (package: String, model: String) {
            // Half of everything in the first three models, the rest spread out.
            index % 2 == 0 ? models[index % min(3, models.count)] : models[index % models.count]
        }
        func path(_ place: (package: String, model: String), _ type: String, _ name: String) -> String {
            "Metadata/\(place.package)/\(place.model)/\(type)/\(name).xml"
        }

        // Menu items.
        let kinds = ["Display", "Display", "Display", "Display", "Display", "Display", "Action", "Action", "Action", "Output"]
        var menuItems: [(name: String, kind: String)] = []
        // Per menu item: its MaintainUserLicense and whether it is custom (outside Microsoft's packages), for the
        // object-license data.
        var itemTraits: [(maintain: String, custom: Bool)] = []
        for index in 0..<scale.menuItems {
            let kind = kinds[index % kinds.count]
            let name = "\(kind)Item\(index)"
            menuItems.append((name, kind))
            var (view, maintain) = Self.licenseValues[rng.int(0...(Self.licenseValues.count - 1))]
            if rng.chance(0.0005) { view = rng.pick(["Activity", "Enterprise"]) }
            if rng.chance(0.002) { view = rng.pick(["SelfServe", "Task"]) }
            if rng.chance(0.002) { maintain = rng.pick(["Functional", "Server"]) }
            let package = model(index).package
            itemTraits.append((maintain, package != "ApplicationSuite" && package != "ApplicationPlatform"))
            var lines = ["<AxMenuItem\(kind) xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns=\"Microsoft.Dynamics.AX.Metadata.V1\">",
                         "\t<Name>\(name)</Name>", "\t<HelpText>@SYS\(100_000 + index)</HelpText>", "\t<Label>@SYS\(200_000 + index)</Label>"]
            if maintain != "None" || rng.chance(0.5) { lines.append("\t<MaintainUserLicense>\(maintain)</MaintainUserLicense>") }
            lines.append("\t<Object>\(name)Form</Object>")
            if kind != "Display" { lines.append("\t<ObjectType>\(kind == "Action" ? "Class" : "SSRSReport")</ObjectType>") }
            if view != "None" || rng.chance(0.5) { lines.append("\t<ViewUserLicense>\(view)</ViewUserLicense>") }
            lines.append("</AxMenuItem\(kind)>")
            try write(path(model(index), "AxMenuItem\(kind)", name), xml(lines), bom: index % 7 == 0)
        }

        // Privileges with 1–15 entry points, in ten functional areas (index % 10); half are read-only inquiries.
        // Areas 0–2 map to Finance, 3–4 to Supply Chain Management, 5 Commerce, 6 Project Operations, 7 Human
        // Resources; 8–9 are general (no SKU rows).
        var privilegeNames: [String] = []
        var skuRows: [String] = []
        var privilegeGrants: [[GeneratedGrant]] = []
        privilegeGrants.reserveCapacity(scale.privileges)
        for index in 0..<scale.privileges {
            let name = "Privilege\(index)"
            privilegeNames.append(name)
            let area = index % 10
            let inquiry = Self.isInquiry(index)
            var lines = ["<AxSecurityPrivilege xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">", "\t<Name>\(name)</Name>",
                         "\t<Label>@SYS\(300_000 + index)</Label>", "\t<DataEntityPermissions />", "\t<DirectAccessPermissions />", "\t<EntryPoints>"]
            var grants: [GeneratedGrant] = []
            for _ in 0..<rng.skewed(max: 15, mean: 3) {
                let itemIndex = rng.int(0...(menuItems.count - 1))  // the draw `rng.pick(menuItems)` makes
                let item = menuItems[itemIndex]
                let standard = rng.chance(0.03)
                let object = standard ? "Standard\(item.name)" : item.name
                let type = rng.chance(0.05) ? "ServiceOperation" : "MenuItem\(item.kind)"
                lines += ["\t\t<AxSecurityEntryPointReference>", "\t\t\t<Name>\(object)</Name>"]
                var grant = GeneratedGrant(type: type, object: object, item: itemIndex, standard: standard, rights: [])
                if !rng.chance(0.01) {
                    let rights: [(String, String)]
                    switch inquiry ? (rng.chance(0.97) ? 0 : 19) : rng.int(10...19) {
                    case 0...9: rights = [("Read", "Allow")]
                    case 10...15: rights = item.kind == "Action" ? [("Invoke", "Allow")] : [("Create", "Allow"), ("Delete", "Allow"), ("Read", "Allow"), ("Update", "Allow")]
                    case 16...17: rights = [("Read", "Allow"), ("Update", "Allow")]
                    case 18: rights = [("Correct", "Allow"), ("Read", "Allow")]
                    default: rights = [("Read", "Deny")]
                    }
                    lines.append("\t\t\t<Grant>")
                    lines += rights.map { "\t\t\t\t<\($0.0)>\($0.1)</\($0.0)>" }
                    lines.append("\t\t\t</Grant>")
                    grant.rights = rights
                }
                grants.append(grant)
                lines += ["\t\t\t<ObjectName>\(object)</ObjectName>", "\t\t\t<ObjectType>\(type)</ObjectType>", "\t\t\t<Forms />", "\t\t</AxSecurityEntryPointReference>"]
            }
            lines += ["\t</EntryPoints>", "\t<FormControlOverrides />", "</AxSecurityPrivilege>"]
            privilegeGrants.append(grants)
            try write(path(model(index), "AxSecurityPrivilege", name), xml(lines), bom: index % 5 == 0)
            if let sku = Self.areaSku(area), rng.chance(inquiry ? 0.002 : 0.5) {
                // The area's SKU, sometimes shared with another area's as an any-of group, sometimes with an Activity row.
                let unique = rng.chance(0.5)
                skuRows.append("{\"PrivilegeIdentifier\":\"\(name)\",\"SkuName\":\"\(sku)\",\"IsUnique\":\(unique ? 1 : 0)}")
                if !unique && rng.chance(0.5), let other = Self.areaSku(rng.int(0...7)), other != sku {
                    skuRows.append("{\"PrivilegeIdentifier\":\"\(name)\",\"SkuName\":\"\(other)\",\"IsUnique\":0}")
                }
                if !unique && rng.chance(0.3) { skuRows.append("{\"PrivilegeIdentifier\":\"\(name)\",\"SkuName\":\"Activity\",\"IsUnique\":0}") }
            }
        }

        // Duties of 3–10 privileges of one area (index % 10), inquiry duties (odd index) of inquiry privileges only.
        var dutyNames: [String] = []
        var dutyPrivileges: [[String]] = []
        var dutyExtensions: [String: [String]] = [:]
        let perArea = privilegeNames.count / 10
        for index in 0..<scale.duties {
            let name = "Duty\(index)"
            dutyNames.append(name)
            let area = index % 10
            let inquiryDuty = index % 20 >= 10
            let privileges = (0..<rng.int(3...10)).map { _ -> String in
                var candidate = area + 10 * rng.int(0...(perArea - 1))
                while Self.isInquiry(candidate) != inquiryDuty { candidate = area + 10 * rng.int(0...(perArea - 1)) }
                return privilegeNames[candidate]
            }
            let privilegeSet = Array(Set(privileges)).sorted()
            dutyPrivileges.append(privilegeSet)
            try write(path(model(index), "AxSecurityDuty", name), xml(["<AxSecurityDuty xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">", "\t<Name>\(name)</Name>", "\t<Label>@SYS\(400_000 + index)</Label>"]
                + references("Privileges", "AxSecurityPrivilegeReference", privilegeSet) + ["</AxSecurityDuty>"]), bom: index % 6 == 0)
            if rng.chance(0.03) {
                let ext = "\(name).Extension\(index)"
                let added = rng.pick(privilegeNames)
                dutyExtensions[name, default: []].append(added)
                try write(path(models[models.count - 1], "AxSecurityDutyExtension", ext), xml(["<AxSecurityDutyExtension xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">", "\t<Name>\(ext)</Name>"]
                    + references("Privileges", "AxSecurityPrivilegeReference", [added]) + ["</AxSecurityDutyExtension>"]))
            }
        }

        // Roles of 5–25 duties; some sub-roles (always to earlier roles: no cycles) and extensions.
        var roleNames: [String] = []
        var inquiryRoles: [String] = []
        var roleContents: [GeneratedRole] = []
        for index in 0..<scale.roles {
            let name = index == 0 ? "SystemUser" : "Role\(index)"
            roleNames.append(name)
            // A primary area, sometimes a second; inquiry roles (40%) hold inquiry duties only.
            let inquiryRole = rng.chance(0.4)
            if inquiryRole && index > 0 { inquiryRoles.append(name) }
            let areas = rng.chance(0.25) ? [rng.int(0...9), rng.int(0...9)] : [rng.int(0...9)]
            func duty() -> String {
                let area = rng.pick(areas)
                let inquiryDuty = inquiryRole || rng.chance(0.5)
                return dutyNames[(area + (inquiryDuty ? 10 : 0) + 20 * rng.int(0...(dutyNames.count / 20 - 1))) % dutyNames.count]
            }
            let duties = index == 0 ? [dutyNames[18]] : (0..<rng.int(5...25)).map { _ in duty() }
            let privileges = index == 0 || inquiryRole ? [] : (0..<rng.int(0...4)).map { _ in privilegeNames[rng.pick(areas) + 10 * rng.int(0...(perArea - 1))] }
            let subRoles = index > 1 && rng.chance(0.1) ? (0..<rng.int(1...2)).map { _ in roleNames[rng.int(1...(index - 1))] } : []
            try write(path(model(index), "AxSecurityRole", name), xml(["<AxSecurityRole xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">", "\t<Name>\(name)</Name>",
                                                                      "\t<Description>@SYS\(500_000 + index)</Description>", "\t<Label>@SYS\(600_000 + index)</Label>", "\t<DirectAccessPermissions />"]
                + references("Duties", "AxSecurityDutyReference", Array(Set(duties)).sorted())
                + references("Privileges", "AxSecurityPrivilegeReference", Array(Set(privileges)).sorted())
                + references("SubRoles", "AxSecurityRoleReference", Array(Set(subRoles)).sorted()) + ["</AxSecurityRole>"]), bom: index % 4 == 0)
            var content = GeneratedRole(name: name, duties: Array(Set(duties)).sorted(), privileges: Array(Set(privileges)).sorted(),
                                        subRoles: Array(Set(subRoles)).sorted())
            if index > 0 && rng.chance(0.05) {
                let ext = "\(name).Extension"
                let added = rng.pick(dutyNames)
                content.duties.append(added)
                try write(path(models[models.count - 1], "AxSecurityRoleExtension", ext), xml(["<AxSecurityRoleExtension xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">", "\t<Name>\(ext)</Name>"]
                    + references("Duties", "AxSecurityDutyReference", [added]) + ["</AxSecurityRoleExtension>"]))
            }
            roleContents.append(content)
        }

        try write("LicensingServicePlansPrivilege.json", "[\n" + skuRows.joined(separator: ",\n") + "\n]\n")

        // Users: skewed role counts, popular roles more likely; a few disabled users, assignments and administrators.
        var csv = "UserId,SecurityRoleIdentifier,SecurityRoleName,AssignmentStatus,AssignmentMode,UserName,Enabled\r\n"
        csv.reserveCapacity(scale.users * 120)
        for index in 0..<scale.users {
            let user = "user\(index)"
            let enabled = rng.chance(0.97) ? "true" : "false"
            var roles = ["SystemUser"]
            if index % 997 == 0 { roles.append("-SYSADMIN-") }
            // Most users are light (inquiry roles only); popular roles (low-numbered) are assigned far more often.
            let pool = rng.chance(0.6) && !inquiryRoles.isEmpty ? inquiryRoles : Array(roleNames.dropFirst())
            for _ in 0..<rng.skewed(max: 6, mean: 1.6) {
                let popular = Int(Double(pool.count - 1) * pow(Double.random(in: 0..<1, using: &rng), 3))
                roles.append(pool[popular])
            }
            for role in Array(Set(roles)).sorted() {
                let status = rng.chance(0.02) ? "Disabled" : "Enabled"
                csv += "\(user),\(role),\(role),\(status),Manual,User \(index),\(enabled)\r\n"
            }
        }
        try write("users.csv", csv)

        let products = (Self.skus + ["Activity", "TeamMembers"]).enumerated().map { index, sku in
            "    {\"model\": \"\(sku)\", \"licenseQuantity\": \(scale.users / (index + 2)), \"expirationDate\": \"2030-06-30\", \"currentVersion\": \"10.0.44\", \"latestVersion\": \"10.0.45\", \"licenseHolder\": \"Generated Ltd\"}"
        }
        try write("entitlements.json", "{\n  \"products\": [\n" + products.joined(separator: ",\n") + "\n  ]\n}\n")

        if writesObjectLicenses {
            let data = GeneratedObjectLicenses(privileges: privilegeGrants, traits: itemTraits, seed: seed)
            try write("ObjectLicenses/LicensingAllSkus.csv", data.skusCSV)
            try write("ObjectLicenses/LicensingEntitlementObjects.csv", data.objectsCSV)
            try write("ObjectLicenses/LicensingAllEntitledPermissions.csv", data.permissionsCSV)
            if writesSecurityObjectLicensesExport {
                let path = folder + "/SecurityObjectLicenses.csv"
                var file = try ChunkedFile(path: path)
                try data.writeSecurityObjectLicenses(roles: roleContents, dutyPrivileges: Dictionary(uniqueKeysWithValues: zip(dutyNames, dutyPrivileges)),
                                                     dutyExtensions: dutyExtensions, to: &file)
                try file.close()
                written += 1
            }
        }
        return written
    }
}

/// Writes every byte of `data` to `descriptor`; returns the `errno` of a write that failed (nil when all went).
func writeAll(_ data: Data, to descriptor: Int32) -> Int32? {
    data.withUnsafeBytes { raw -> Int32? in
        guard let base = raw.baseAddress else { return nil }
        var offset = 0
        while offset < raw.count {
            let count = write(descriptor, base + offset, raw.count - offset)
            if count > 0 { offset += count; continue }
            if count < 0 && errno == EINTR { continue }
            return count == 0 ? EIO : errno
        }
        return nil
    }
}
