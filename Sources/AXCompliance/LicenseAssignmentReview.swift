import AXLicensing
import AXModel
import AXReading
import Foundation

/// The licenses one user actually holds, from the Power Platform admin center (PPAC) user license report.
public struct AssignedLicenses: Sendable, Hashable {
    /// `UserId` as written: a D365FO user id in hand-made files, the Entra object id in PPAC's own export.
    public var userId: String
    /// `UserEmail` as written (PPAC sometimes puts the Entra object id here).
    public var userEmail: String
    /// The held SKUs (names the catalog knows).
    public var skus: SkuSet
    /// `TenantId`, empty when absent.
    public var tenantId: String = ""
    /// `MissingLicense(s)`: what PPAC says the user lacks, one any-of group per entry (`A or B` is one entry).
    public var missing: [SkuSet] = []
    /// `RefreshedOn`: the day PPAC last computed the row, as written (time of day and zone dropped); nil when absent
    /// or unreadable.
    public var refreshedOn: CalendarDate?
    public var location: SourceLocation

    /// The Entra object id the row names: a GUID in `UserId`, else in `UserEmail`.
    public var objectId: EntraObjectID? { EntraObjectID(userId) ?? EntraObjectID(userEmail) }

    /// The e-mail address the row names: `UserEmail` unless it holds a GUID, else `UserId` when it holds an `@`.
    public var emailAddress: String? {
        if !userEmail.isEmpty && EntraObjectID(userEmail) == nil { return userEmail }
        return userId.contains("@") ? userId : nil
    }
}

/// Reads the Power Platform admin center user license report (`TenantId`, `UserId`, `UserEmail`,
/// `AssignedLicense(s)`, `MissingLicense(s)`, `RefreshedOn`): the one reader of assigned licenses, for `check
/// --assigned` and `reconcile --ppac` alike.
public enum AssignedLicensesReader {
    /// Reads the file; license names are resolved through the catalog, unknown ones warned about once each.
    public static func load(path: String, catalog: SkuCatalog, delimiter: UnicodeScalar? = nil) throws(InputError) -> (users: [AssignedLicenses], diagnostics: [Diagnostic]) {
        let data = try readInputFile(path, input: .assignedLicenses, maximumSize: InputSizeLimit.csv)
        return try parse(decodeText(data, path: path), path: path, catalog: catalog, delimiter: delimiter)
    }

    /// Parses report text; `delimiter` nil means detected from the header.
    public static func parse(_ text: String, path: String, catalog: SkuCatalog, delimiter: UnicodeScalar? = nil) throws(InputError) -> (users: [AssignedLicenses], diagnostics: [Diagnostic]) {
        let table = try CSVTable(text, path: path, delimiter: delimiter)
        let header = table.header
        enum Column { case userId, userEmail, assigned, missing, tenantId, refreshedOn }
        let (columns, headerDiagnostics) = CSVHeader.columns(header, path: path) { name -> Column? in
            let normalized = String(name.lowercased().filter { $0.isLetter || $0.isNumber })
            switch normalized {
            case "userid": return .userId
            case "useremail": return .userEmail
            case "tenantid": return .tenantId
            case "refreshedon": return .refreshedOn
            default:
                return normalized.hasPrefix("assignedlicense") ? .assigned : normalized.hasPrefix("missinglicense") ? .missing : nil
            }
        }
        guard columns[.userId] != nil else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column UserId; the header has: \(header.joined(separator: ", "))")
        }
        guard columns[.assigned] != nil else {
            throw .invalid(path: path, line: 1, column: nil, message: "missing required column AssignedLicense(s); the header has: \(header.joined(separator: ", "))")
        }
        var result: [AssignedLicenses] = []
        var diagnostics = DiagnosticLog(headerDiagnostics)
        var unknownNames: Set<NameKey> = []
        func resolve(_ name: String, line: Int) -> Int? {
            if let position = catalog.position(of: name) { return position }
            if unknownNames.insert(NameKey(name)).inserted {
                diagnostics.append(Diagnostic(.warning, .unknownLicenseName, "license '\(name)' is not in the SKU catalog; ignored", at: SourceLocation(file: path, line: line)))
            }
            return nil
        }
        let read = table.rows { $0 }
        for (line, row) in read.rows {
            func field(_ column: Column) -> String {
                guard let index = columns[column], index < row.count else { return "" }
                return row[index].trimmingBlanks()
            }
            let userId = field(.userId)
            guard !userId.isEmpty else { throw .invalid(path: path, line: line, column: nil, message: "UserId is empty") }
            let location = SourceLocation(file: path, line: line)
            var entry = AssignedLicenses(userId: userId, userEmail: field(.userEmail), skus: .empty, tenantId: field(.tenantId), location: location)
            for name in licenseEntries(field(.assigned)) {
                if let position = resolve(name, line: line) { entry.skus.insert(position) }
            }
            for alternatives in licenseEntries(field(.missing)) {
                let group = SkuSet(alternatives.split(separator: " or ").compactMap { resolve($0.trimmingBlanks(), line: line) })
                if !group.isEmpty { entry.missing.append(group) }
            }
            let refreshed = field(.refreshedOn)
            if !refreshed.isEmpty {
                entry.refreshedOn = refreshDate(refreshed)
                if entry.refreshedOn == nil {
                    diagnostics.append(Diagnostic(.warning, .unreadableDate,
                                                  "RefreshedOn '\(refreshed)' of user '\(userId)' is not a date (YYYY-MM-DD, an ISO date-time or M/D/YYYY [h:mm[:ss] [AM|PM]]); the row's freshness is unknown",
                                                  at: location))
                }
            }
            result.append(entry)
        }
        if let error = read.error { throw error }
        if result.isEmpty { diagnostics.append(CSVHeader.noRows(path: path)) }
        return (result, diagnostics.diagnostics)
    }

    /// The license names of one cell: entries separated by `;`, `,`, `|` or line breaks (a list typed in one Excel
    /// cell with Alt+Enter), blanks dropped. An entry may be `A or B` (PPAC's wording for "any of these").
    private static func licenseEntries(_ cell: String) -> [String] {
        cell.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" || $0.isNewline }).map { $0.trimmingBlanks() }.filter { !$0.isEmpty }
    }

    /// The day of a `RefreshedOn` value: `YYYY-MM-DD`, an ISO 8601 date-time (`2026-11-20T06:00:00Z`,
    /// `2026-11-20 06:00:00`), or the US form PPAC writes in English (`11/20/2026`, `11/20/2026 6:00 AM`,
    /// `11/20/2026 18:00:00`). The date is taken as written; the time (and any zone) only has to be well-formed.
    static func refreshDate(_ text: String) -> CalendarDate? {
        let value = text.trimmingBlanks()
        guard let first = value.first(where: { $0 == "-" || $0 == "/" }) else { return nil }
        // The date part ends at `T` or a space; the rest is a time.
        let splitIndex = value.firstIndex(where: { $0 == "T" || $0 == "t" || $0 == " " }) ?? value.endIndex
        let datePart = value[..<splitIndex]
        let timePart = value[splitIndex...].dropFirst().trimmingBlanks()
        guard timePart.isEmpty || isTime(timePart, allowsMeridiem: first == "/") else { return nil }
        let numbers = datePart.split(separator: first, omittingEmptySubsequences: false).map { Int($0) }
        guard numbers.count == 3, numbers.allSatisfy({ $0 != nil }), datePart.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == first) }) else { return nil }
        let parts = datePart.split(separator: first, omittingEmptySubsequences: false)
        if parts[0].count == 4 { return CalendarDate(year: numbers[0]!, month: numbers[1]!, day: numbers[2]!) }
        guard first == "/", parts[2].count == 4, parts[0].count <= 2, parts[1].count <= 2 else { return nil }
        return CalendarDate(year: numbers[2]!, month: numbers[0]!, day: numbers[1]!)
    }

    /// `h:mm[:ss[.fff]]`, then optionally `AM`/`PM` (US form) or a zone (`Z`, `+hh:mm`, `-hhmm`).
    private static func isTime(_ text: String, allowsMeridiem: Bool) -> Bool {
        var rest = Substring(text)
        var meridiem = false
        if allowsMeridiem, let last = rest.split(separator: " ").last, ["am", "pm"].contains(last.lowercased()), rest.contains(" ") {
            rest = rest.dropLast(2).trimmingBlanks()[...]
            meridiem = true
        }
        if !meridiem {
            if rest.hasSuffix("Z") || rest.hasSuffix("z") {
                rest = rest.dropLast()
            } else if let sign = rest.lastIndex(where: { $0 == "+" || $0 == "-" }) {
                let zone = rest[rest.index(after: sign)...].filter { $0 != ":" }
                guard zone.count == 4, zone.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
                rest = rest[..<sign]
            }
        }
        let pieces = rest.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(pieces.count) else { return false }
        let seconds = pieces.count == 3 ? pieces[2].split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false) : ["00"]
        guard let hour = Int(pieces[0]), let minute = Int(pieces[1]), pieces[1].count == 2, let second = Int(seconds[0]), seconds[0].count == 2,
              seconds.count == 1 || (seconds[1].allSatisfy { $0.isASCII && $0.isNumber } && !seconds[1].isEmpty),
              pieces[0].count <= 2, pieces[0].allSatisfy({ $0.isASCII && $0.isNumber }),
              minute < 60, second < 61 else { return false }
        return meridiem ? (1...12).contains(hour) : hour < 24
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

    /// Compares every user of the estimate (and every user of the report) with what they hold. Each report row is
    /// matched to a D365FO user as `reconcile` matches it: through `systemUsers` by Entra object id (a GUID in
    /// `UserId` or `UserEmail`) or e-mail when the export is given, else by `UserId`, then `UserEmail`, as a user id.
    public init(estimate: LicenseEstimate, assigned: [AssignedLicenses], optimizer: LicenseOptimizer, systemUsers: SystemUserDirectory? = nil) {
        let catalog = optimizer.catalog
        let known = Dictionary(estimate.users.map { (NameKey($0.user.userId), $0.user.userId) }, uniquingKeysWith: { first, _ in first })
        var held: [NameKey: AssignedLicenses] = [:]
        var diagnostics = DiagnosticLog()
        for entry in assigned {
            let userId = systemUsers?.matching(objectId: entry.objectId, email: entry.emailAddress)?.userId
                ?? [entry.userId, entry.userEmail].first { !$0.isEmpty && known[NameKey($0)] != nil }
            guard let userId, known[NameKey(userId)] != nil else {
                let name = entry.userEmail.isEmpty ? entry.userId : entry.userEmail
                diagnostics.append(Diagnostic(.warning, .unknownUser, "user '\(name)' holds licenses but is not in the users file\(systemUsers == nil ? "" : " (matched through the SystemUsers export by object id or e-mail)"); not reviewed", at: entry.location))
                continue
            }
            if let first = held[NameKey(userId)] {
                diagnostics.append(Diagnostic(.warning, .duplicateUser, "this row is for user '\(userId)' again (first at line \(first.location.line ?? 0)); the first row is used",
                                              at: entry.location))
                continue
            }
            held[NameKey(userId)] = entry
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
