import AXLicensing
import AXModel
import AXReading
import Foundation

/// The licenses one user actually holds, from the Power Platform admin center report.
public struct AssignedLicenses: Sendable, Hashable {
    public var userId: String
    public var userEmail: String
    /// The held SKUs (names the catalog knows).
    public var skus: SkuSet
    public var location: SourceLocation
}

/// Reads the Power Platform admin center license report (`UserId`, `UserEmail`, `AssignedLicense(s)`, …).
public enum AssignedLicensesReader {
    /// Reads the file; license names are resolved through the catalog, unknown ones warned about once each.
    public static func load(path: String, catalog: SkuCatalog, delimiter: UnicodeScalar? = nil) throws(InputError) -> (users: [AssignedLicenses], diagnostics: [Diagnostic]) {
        let data = try readInputFile(path, input: .assignedLicenses, maximumSize: InputSizeLimit.csv)
        return try parse(decodeUTF8(data, path: path), path: path, catalog: catalog, delimiter: delimiter)
    }

    /// Parses report text; `delimiter` nil means detected from the header.
    public static func parse(_ text: String, path: String, catalog: SkuCatalog, delimiter: UnicodeScalar? = nil) throws(InputError) -> (users: [AssignedLicenses], diagnostics: [Diagnostic]) {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        let header = table.header
        enum Column { case userId, userEmail, assigned }
        let (columns, headerDiagnostics) = CSVHeader.columns(header, path: path) { name -> Column? in
            let normalized = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
            return normalized == "userid" ? .userId : normalized == "useremail" ? .userEmail : normalized.hasPrefix("assignedlicense") ? .assigned : nil
        }
        guard let userColumn = columns[.userId] else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column UserId; the header has: \(header.joined(separator: ", "))")
        }
        guard let assignedColumn = columns[.assigned] else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column AssignedLicense(s); the header has: \(header.joined(separator: ", "))")
        }
        let emailColumn = columns[.userEmail]
        var result: [AssignedLicenses] = []
        var diagnostics = DiagnosticLog(headerDiagnostics)
        var unknownNames: Set<NameKey> = []
        let read = table.rows { $0 }
        for (line, row) in read.rows {
            let userId = userColumn < row.count ? row[userColumn].trimmingBlanks() : ""
            guard !userId.isEmpty else { throw .invalid(path: path, line: line, column: nil, message: "UserId is empty") }
            var skus = SkuSet.empty
            let names = assignedColumn < row.count ? row[assignedColumn].split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" }) : []
            for name in names.map({ $0.trimmingBlanks() }) where !name.isEmpty {
                if let position = catalog.position(of: name) {
                    skus.insert(position)
                } else if unknownNames.insert(NameKey(name)).inserted {
                    diagnostics.append(Diagnostic(.warning, .unknownLicenseName, "license '\(name)' is not in the SKU catalog; ignored", at: SourceLocation(file: path, line: line)))
                }
            }
            let email = emailColumn.flatMap { $0 < row.count ? row[$0].trimmingBlanks() : nil } ?? ""
            result.append(AssignedLicenses(userId: userId, userEmail: email, skus: skus, location: SourceLocation(file: path, line: line)))
        }
        if let error = read.error { throw error }
        if result.isEmpty { diagnostics.append(CSVHeader.noRows(path: path)) }
        return (result, diagnostics.diagnostics)
    }
}

/// Whether a user holds what they need.
public enum AssignmentStatus: String, Sendable, Hashable, Codable {
    case compliant = "Compliant"
    /// Holds less than the estimator requires.
    case underLicensed = "Under-licensed"
    /// Holds licenses that can be removed without becoming under-licensed.
    case overLicensed = "Over-licensed"
}

/// One user's held licenses compared with what they need.
public struct AssignmentReviewRow: Sendable, Hashable {
    public var userId: String
    /// The estimator's license.
    public var needed: LicenseChoice
    /// SKU names held.
    public var assigned: [String]
    public var status: AssignmentStatus
    /// SKUs (or `Operations` for any base) to add; empty unless under-licensed.
    public var missing: [String]
    /// Held SKUs that can go.
    public var unneeded: [String]
    /// Monthly saving when the user holds exactly what they need instead of what they hold (zero if it costs more).
    public var monthlySaving: Money
    /// Monthly extra cost of the same change (zero if it saves): adding `missing`, less any `unneeded` it frees.
    public var monthlyAdditionalCost: Money
}

/// Over- and under-licensed users, with totals.
public struct LicenseAssignmentReview: Sendable {
    public var rows: [AssignmentReviewRow]
    public var diagnostics: [Diagnostic]

    public var underLicensed: Int { rows.filter { $0.status == .underLicensed }.count }
    public var overLicensed: Int { rows.filter { $0.status == .overLicensed }.count }
    public var totalSaving: Money { rows.reduce(.zero) { $0 + $1.monthlySaving } }
    public var totalAdditionalCost: Money { rows.reduce(.zero) { $0 + $1.monthlyAdditionalCost } }

    /// Compares every user of the estimate (and every user of the report) with what they hold.
    public init(estimate: LicenseEstimate, assigned: [AssignedLicenses], optimizer: LicenseOptimizer) {
        let catalog = optimizer.catalog
        var held: [NameKey: AssignedLicenses] = [:]
        for entry in assigned { held[NameKey(entry.userId)] = entry }
        var diagnostics = DiagnosticLog()
        let known = Set(estimate.users.map { NameKey($0.user.userId) })
        for entry in assigned where !known.contains(NameKey(entry.userId)) {
            diagnostics.append(Diagnostic(.warning, .unknownUser, "user '\(entry.userId)' holds licenses but is not in the users file; not reviewed", at: entry.location))
        }
        var rows: [AssignmentReviewRow] = []
        for user in estimate.users {
            let skus = held[NameKey(user.user.userId)]?.skus ?? .empty
            rows.append(Self.review(user, holding: skus, optimizer: optimizer, catalog: catalog))
        }
        self.rows = rows
        self.diagnostics = diagnostics.diagnostics
    }

    package static func review(_ user: UserLicense, holding held: SkuSet, optimizer: LicenseOptimizer, catalog: SkuCatalog) -> AssignmentReviewRow {
        let isMet: (SkuSet) -> Bool = { candidate in
            guard let requirements = user.requirements else { return true }
            return optimizer.isMet(by: candidate, requirements: requirements)
        }
        var row = AssignmentReviewRow(userId: user.user.userId, needed: user.license, assigned: catalog.names(held), status: .compliant,
                                      missing: [], unneeded: [], monthlySaving: .zero, monthlyAdditionalCost: .zero)
        let recommended = recommendedSkus(for: user, holding: held, optimizer: optimizer)
        let target: SkuSet
        if isMet(held) {
            // Compliant: drop held SKUs, dearest first, while the rest still meets the requirements; if the
            // recommended license is cheaper still (SCM held where Activity suffices), that is the target.
            var kept = held
            for position in held.positions.sorted(by: { catalog[$0].basePrice > catalog[$1].basePrice }) {
                var without = kept
                without.bits &= ~(1 << UInt64(position))
                if isMet(without) { kept = without }
            }
            target = optimizer.price(of: recommended) < optimizer.price(of: kept) ? recommended : kept
        } else {
            row.status = .underLicensed
            target = recommended
            row.missing = user.license.base == .anyBase ? [LicenseBase.anyBase.name] : catalog.names(recommended.subtracting(held))
        }
        row.unneeded = catalog.names(held.subtracting(target))
        let change = optimizer.price(of: target) - optimizer.price(of: held)
        if change > .zero { row.monthlyAdditionalCost = change } else { row.monthlySaving = .zero - change }
        if row.status == .compliant && (!row.unneeded.isEmpty || row.monthlySaving > .zero) { row.status = .overLicensed }
        return row
    }

    /// The SKUs of the estimator's license; for "any base SKU", the cheapest full SKU the user already holds, or
    /// else the cheapest base in the catalog.
    static func recommendedSkus(for user: UserLicense, holding held: SkuSet, optimizer: LicenseOptimizer) -> SkuSet {
        let catalog = optimizer.catalog
        guard let base = user.license.base else { return .empty }
        guard let sku = base.sku else {
            if let cheapestHeld = held.intersection(catalog.fullSkus).positions.min(by: { catalog[$0].basePrice < catalog[$1].basePrice }) {
                return SkuSet([cheapestHeld])
            }
            return user.requirements.flatMap { optimizer.cheapestCandidate(for: $0)?.skus } ?? .empty
        }
        return SkuSet([sku.position] + user.license.attach.map(\.position))
    }
}
