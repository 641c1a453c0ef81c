import AXLicensing
import AXModel
import AXReading

/// What axlicense knows about one D365FO user for reconciliation: the estimate's row and the facts that explain a
/// difference from PPAC.
public struct ReconciliationUser: Sendable, Hashable {
    /// The estimate's row: the user, the license axlicense requires and what the roles require.
    public var license: UserLicense
    /// Enabled roles the user holds that the metadata does not define (they contribute nothing here, but may to Microsoft).
    public var undefinedRoles: [String]
    /// Objects the user's license depends on that Microsoft's object-license data does not list (counted as Team
    /// Members here; Microsoft may know them otherwise). Empty under a method that has no such data.
    public var objectsNotInMicrosoftData: [String]

    public init(license: UserLicense, undefinedRoles: [String] = [], objectsNotInMicrosoftData: [String] = []) {
        self.license = license
        self.undefinedRoles = undefinedRoles
        self.objectsNotInMicrosoftData = objectsNotInMicrosoftData
    }

    /// The user id.
    public var userId: String { license.user.userId }

    /// One entry per user of `estimate`, with the undefined roles `graph` finds and the objects
    /// `objectsNotInMicrosoftData` names for each (none by default).
    public static func users(of estimate: LicenseEstimate, graph: SecurityGraph,
                             objectsNotInMicrosoftData: (UserLicense) -> [String] = { _ in [] }) -> [ReconciliationUser] {
        estimate.users.map { row in
            var seen = Set<NameKey>()
            let undefined = row.user.isEnabled ? graph.roles(of: row.user).unknown.map(\.roleIdentifier).filter { seen.insert(NameKey($0)).inserted } : []
            return ReconciliationUser(license: row, undefinedRoles: undefined, objectsNotInMicrosoftData: objectsNotInMicrosoftData(row))
        }
    }
}

/// How a PPAC row was matched to a D365FO user.
public enum ReconciliationMatch: String, Sendable, Hashable, Codable {
    /// The row's Entra object id is a SystemUsers `ObjectId`.
    case objectId = "object id"
    /// The row's e-mail is a SystemUsers `Email` or `NetworkAlias`.
    case email = "e-mail"
    /// Without a SystemUsers export: the row's `UserId` or `UserEmail` is the D365FO user id (case-insensitive).
    case userId = "user id"
    /// No D365FO user matched.
    case none
}

/// A likely reason why axlicense and PPAC disagree about a user (Docs/licensing-rules.md, "Reconciliation with PPAC").
public enum DisagreementReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The PPAC row matches no user of the users file.
    case notInD365Users = "not-in-d365-users"
    /// A user axlicense says needs a license has no PPAC row.
    case missingFromPPAC = "missing-from-ppac"
    /// The user holds roles the metadata does not define: their objects are unknown to axlicense.
    case roleNotInMetadata = "role-not-in-metadata"
    /// The user's license depends on objects Microsoft's data does not list (Team Members here).
    case objectsNotInMicrosoftData = "objects-not-in-microsoft-data"
    /// PPAC's row was refreshed longer ago than the staleness threshold: assignments may have changed since.
    case stalePPACRefresh = "stale-ppac-refresh"
    /// None of the above: the two computations differ on the same facts.
    case unexplained

    /// The reason in words, for tables.
    public var text: String {
        switch self {
        case .notInD365Users: "PPAC user not found in D365FO users"
        case .missingFromPPAC: "D365FO licensed user missing from PPAC"
        case .roleNotInMetadata: "role not in metadata"
        case .objectsNotInMicrosoftData: "objects not in Microsoft's data"
        case .stalePPACRefresh: "stale PPAC refresh"
        case .unexplained: "no known cause"
        }
    }
}

/// One user's comparison: PPAC's assigned and missing licenses beside axlicense's required and missing ones.
public struct ReconciliationRow: Sendable, Hashable {
    /// The D365FO user id; empty when the PPAC row matched none.
    public var userId: String
    /// The PPAC row's user (`UserEmail`, else `UserId`); empty when the user has no PPAC row.
    public var ppacUser: String
    public var match: ReconciliationMatch
    /// SKU names PPAC says the user holds.
    public var assigned: [String]
    /// The license axlicense requires (`None` when the user has no D365FO row).
    public var required: LicenseChoice
    /// PPAC's missing licenses, one entry per any-of group (`Finance or SupplyChainManagement`).
    public var missingPerPPAC: [String]
    /// What axlicense says the user lacks, given what PPAC says they hold (`Operations` for any base).
    public var missingPerAxlicense: [String]
    /// True when both say the same thing is missing (or both say nothing is).
    public var agrees: Bool
    /// Likely reasons, when they disagree; empty when they agree.
    public var reasons: [DisagreementReason]
    /// The day PPAC refreshed the row, when known.
    public var refreshedOn: CalendarDate?
    /// True when the refresh is older than the staleness threshold.
    public var isStale: Bool
    /// Roles not in the metadata and objects not in Microsoft's data behind the reasons (a few examples).
    public var details: [String]
}

/// The settings of one reconciliation.
public struct ReconciliationOptions: Sendable, Hashable {
    /// The day staleness is judged against.
    public var asOf: CalendarDate
    /// A PPAC row refreshed more than this many days before `asOf` is stale.
    public var staleAfterDays: Int

    public init(asOf: CalendarDate, staleAfterDays: Int = 7) {
        self.asOf = asOf
        self.staleAfterDays = staleAfterDays
    }
}

/// axlicense's result compared with the Power Platform admin center's user license report, per user, each
/// disagreement with its likely reasons (Docs/licensing-rules.md, "Reconciliation with PPAC").
public struct Reconciliation: Sendable {
    /// D365FO users with a PPAC row or a license, then PPAC rows that match no D365FO user; each in input order.
    public var rows: [ReconciliationRow]
    /// Notes on how users were matched.
    public var notes: [String]
    /// Problems found while matching (a D365FO user matched by two PPAC rows).
    public var diagnostics: [Diagnostic]

    public var agreeing: Int { rows.count { $0.agrees } }
    public var disagreeing: Int { rows.count { !$0.agrees } }
    /// Disagreements citing `reason`.
    public func count(_ reason: DisagreementReason) -> Int { rows.count { $0.reasons.contains(reason) } }
    /// Rows whose PPAC refresh is stale.
    public var stale: Int { rows.count { $0.isStale } }

    /// How many examples of undefined roles and unlisted objects a row names.
    public static let detailLimit = 3

    /// Matches each PPAC row to a D365FO user (through `systemUsers` when given, else by user id) and compares them.
    public init(users: [ReconciliationUser], ppac: [AssignedLicenses], systemUsers: SystemUserDirectory?, optimizer: LicenseOptimizer,
                options: ReconciliationOptions) {
        let catalog = optimizer.catalog
        var index: [NameKey: Int] = [:]
        for (position, user) in users.enumerated() where index[NameKey(user.userId)] == nil { index[NameKey(user.userId)] = position }
        var notes: [String] = []
        if systemUsers == nil {
            notes.append("No SystemUsers export (--system-users): PPAC's UserId, else UserEmail, was matched to D365FO user ids directly (case-insensitive). PPAC's own export names users by e-mail and Entra object id; give the export to match those.")
        }
        var diagnostics = DiagnosticLog()
        var matched: [Int: AssignedLicenses] = [:]
        var matchedBy: [Int: ReconciliationMatch] = [:]
        var unmatched: [(AssignedLicenses, String?)] = []
        for row in ppac {
            let (found, how, detail) = Self.match(row, systemUsers: systemUsers, index: index)
            guard let found else {
                unmatched.append((row, detail))
                continue
            }
            if let first = matched[found] {
                diagnostics.append(Diagnostic(.warning, .duplicateUser, "PPAC row for '\(Self.displayName(row))' matches D365FO user '\(users[found].userId)' again (first at line \(first.location.line ?? 0)); the first row is used", at: row.location))
                continue
            }
            matched[found] = row
            matchedBy[found] = how
        }
        var rows: [ReconciliationRow] = []
        for (position, user) in users.enumerated() {
            if let row = matched[position] {
                rows.append(Self.compare(user, row, match: matchedBy[position]!, optimizer: optimizer, options: options))
            } else if user.license.license.base != nil {
                var missing = LicenseAssignmentReview.review(user.license, holding: .empty, optimizer: optimizer, catalog: catalog).missing
                if missing.isEmpty { missing = [user.license.license.summary] }
                rows.append(ReconciliationRow(userId: user.userId, ppacUser: "", match: .none, assigned: [], required: user.license.license, missingPerPPAC: [],
                                              missingPerAxlicense: missing, agrees: false, reasons: [.missingFromPPAC], refreshedOn: nil, isStale: false, details: []))
            }
        }
        for (row, detail) in unmatched {
            let stale = Self.isStale(row.refreshedOn, options)
            rows.append(ReconciliationRow(userId: "", ppacUser: Self.displayName(row), match: .none, assigned: catalog.names(row.skus), required: .none,
                                          missingPerPPAC: row.missing.map { catalog.names($0).joined(separator: " or ") }, missingPerAxlicense: [],
                                          agrees: false, reasons: [.notInD365Users] + (stale ? [.stalePPACRefresh] : []), refreshedOn: row.refreshedOn,
                                          isStale: stale, details: detail.map { [$0] } ?? []))
        }
        self.rows = rows
        self.notes = notes
        self.diagnostics = diagnostics.diagnostics
    }

    /// The D365FO user a PPAC row names, how it was found, and (when none) why.
    private static func match(_ row: AssignedLicenses, systemUsers: SystemUserDirectory?, index: [NameKey: Int]) -> (Int?, ReconciliationMatch, String?) {
        guard let systemUsers else {
            for spelling in [row.userId, row.userEmail] where !spelling.isEmpty {
                if let found = index[NameKey(spelling)] { return (found, .userId, nil) }
            }
            return (nil, .none, nil)
        }
        var candidates: [(SystemUser, ReconciliationMatch)] = []
        if let id = row.objectId, let user = systemUsers.user(objectId: id) { candidates.append((user, .objectId)) }
        if let address = row.emailAddress, let user = systemUsers.user(email: address) { candidates.append((user, .email)) }
        guard let (user, how) = candidates.first else {
            return (nil, .none, "no SystemUsers row has this e-mail or object id")
        }
        guard let found = index[NameKey(user.userId)] else {
            return (nil, .none, "SystemUsers names D365FO user '\(user.userId)', who has no row in the users file")
        }
        return (found, how, nil)
    }

    /// One matched user's comparison.
    private static func compare(_ user: ReconciliationUser, _ row: AssignedLicenses, match: ReconciliationMatch, optimizer: LicenseOptimizer,
                                options: ReconciliationOptions) -> ReconciliationRow {
        let catalog = optimizer.catalog
        let review = LicenseAssignmentReview.review(user.license, holding: row.skus, optimizer: optimizer, catalog: catalog)
        let missingPerAxlicense = review.status == .underLicensed ? review.missing : []
        let stale = isStale(row.refreshedOn, options)
        let agrees = agree(axlicense: missingPerAxlicense, ppac: row.missing, catalog: catalog)
        var reasons: [DisagreementReason] = []
        var details: [String] = []
        if !agrees {
            if !user.undefinedRoles.isEmpty {
                reasons.append(.roleNotInMetadata)
                details.append("roles not in metadata: " + examples(user.undefinedRoles))
            }
            if !user.objectsNotInMicrosoftData.isEmpty {
                reasons.append(.objectsNotInMicrosoftData)
                details.append("objects not in Microsoft's data: " + examples(user.objectsNotInMicrosoftData))
            }
            if stale { reasons.append(.stalePPACRefresh) }
            if reasons.isEmpty { reasons.append(.unexplained) }
        }
        return ReconciliationRow(userId: user.userId, ppacUser: displayName(row), match: match, assigned: catalog.names(row.skus), required: user.license.license,
                                 missingPerPPAC: row.missing.map { catalog.names($0).joined(separator: " or ") }, missingPerAxlicense: missingPerAxlicense,
                                 agrees: agrees, reasons: reasons, refreshedOn: row.refreshedOn, isStale: stale, details: details)
    }

    /// Both say nothing is missing; or every SKU axlicense says is missing is one PPAC lists, and every PPAC entry
    /// names one axlicense says is missing (axlicense's `Operations`, any base, is met by an entry naming a full SKU).
    static func agree(axlicense: [String], ppac: [SkuSet], catalog: SkuCatalog) -> Bool {
        if axlicense.isEmpty || ppac.isEmpty { return axlicense.isEmpty && ppac.isEmpty }
        let anyBase = axlicense.contains(LicenseBase.anyBase.name)
        let named = SkuSet(axlicense.compactMap { $0 == LicenseBase.anyBase.name ? nil : catalog.position(of: $0) })
        let listed = ppac.reduce(SkuSet.empty) { $0.union($1) }
        let everyAxlicenseSkuListed = named.isSubset(of: listed) && (!anyBase || listed.intersects(catalog.fullSkus))
        let everyEntryNamed = ppac.allSatisfy { $0.intersects(named) || (anyBase && $0.intersects(catalog.fullSkus)) }
        return everyAxlicenseSkuListed && everyEntryNamed
    }

    /// Refreshed more than `staleAfterDays` days before `asOf` (an unknown refresh day is not stale).
    static func isStale(_ refreshed: CalendarDate?, _ options: ReconciliationOptions) -> Bool {
        guard let refreshed else { return false }
        let days = (options.asOf.startOfDay.timeIntervalSince(refreshed.startOfDay) / 86_400).rounded()
        return days > Double(options.staleAfterDays)
    }

    private static func displayName(_ row: AssignedLicenses) -> String {
        row.userEmail.isEmpty ? row.userId : row.userEmail
    }

    private static func examples(_ names: [String]) -> String {
        let shown = names.prefix(detailLimit).joined(separator: ", ")
        return names.count > detailLimit ? "\(shown) and \(names.count - detailLimit) more" : shown
    }
}
