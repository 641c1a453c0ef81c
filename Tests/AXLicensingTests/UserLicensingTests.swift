import AXLicensing
import AXLicensingTestSupport
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Docs/licensing-rules.md §2 (user level) and §4: users, assignments, SysAdmin.
@Suite struct UserLicensingTests {
    func engine() -> LicensingEngine {
        var tree = TreeBuilder()
        tree.menuItem("Read", view: "Universal", maintain: "Universal")
        tree.menuItem("Act", view: "Universal", maintain: "Activity")
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.menuItem("Free", view: "None", maintain: "None")
        tree.privilege("TeamPriv", [.allow("Read", .read)])
        tree.privilege("ActPriv", [.allow("Act", .update)])
        tree.privilege("FinPriv", [.allow("Ops", .update)])
        tree.privilege("FreePriv", [.allow("Free", .update)])
        tree.role("Viewer", privileges: ["TeamPriv"])
        tree.role("Clerk", privileges: ["ActPriv"])
        tree.role("Accountant", privileges: ["FinPriv"])
        tree.role("Basic", privileges: ["FreePriv"])
        tree.role("-SYSADMIN-", privileges: ["FinPriv"])
        return tree.engine(rows: [row("FinPriv", "Finance", unique: true)])
    }

    func license(_ user: SecurityUser, sysadminCounts: Bool = false) -> UserLicense {
        engine().estimate(UserDirectory(users: [user]), options: EstimateOptions(sysadminCounts: sysadminCounts)).users[0]
    }

    @Test func userLicenseIsTheHighestOverEnabledRoles() {
        let row = license(user("u", ("Viewer", true), ("Clerk", true)))
        #expect(row.entryPointLicense == .activity)
        #expect(row.license.summary == "Activity")
    }

    @Test func disabledAssignmentContributesNothing() {
        let row = license(user("u", ("Viewer", true), ("Accountant", false)))
        #expect(row.license.summary == "TeamMembers")
        #expect(row.roles == ["Viewer"])
    }

    @Test func disabledUserNeedsNothing() {
        let row = license(user("u", enabled: false, ("Accountant", true)))
        #expect(row.license == .none)
        #expect(row.basis == .disabledUser)
    }

    @Test func allNoneEntryPointsWithADefinedRoleStillNeedTeamMembers() {
        let row = license(user("u", ("Basic", true)))
        #expect(row.entryPointLicense == .teamMembers)
        #expect(row.license.tier == .teamMembers)
        #expect(row.license.monthlyCost == Money(cents: 800))
    }

    @Test func unknownRoleContributesNothingAndIsWarnedAbout() {
        let estimate = engine().estimate(UserDirectory(users: [user("u", ("TreasuryClerk", true))]))
        #expect(estimate.users[0].license == .none)
        #expect(estimate.users[0].basis == .noEnabledRoles)
        let warning = estimate.diagnostics.first { $0.code == .unknownRole }
        #expect(warning?.message.contains("'u'") == true && warning?.message.contains("'TreasuryClerk'") == true)
    }

    @Test func unknownRoleBesideAKnownOneDoesNotChangeTheLicense() {
        let row = license(user("u", ("Clerk", true), ("TreasuryClerk", true)))
        #expect(row.license.summary == "Activity")
    }

    @Test func systemAdministratorNeedsNoLicenseByDefault() {
        let row = license(user("admin", ("-SYSADMIN-", true), ("Accountant", true)))
        #expect(row.license == .none)
        #expect(row.basis == .systemAdministrator)
    }

    @Test func systemAdministratorCountsLikeAnyRoleWithTheOption() {
        let row = license(user("admin", ("-sysadmin-", true)), sysadminCounts: true)
        #expect(row.license.summary == "Finance")
    }

    @Test func sysadminRuleGoesByRoleNameEvenWhenTheTreeLacksTheRole() {
        var tree = TreeBuilder()
        tree.menuItem("Ops", view: "Universal", maintain: "Enterprise")
        tree.privilege("P", [.allow("Ops", .update)])
        tree.role("R", privileges: ["P"])
        let row = tree.engine().estimate(UserDirectory(users: [user("admin", ("-SYSADMIN-", true), ("R", true))])).users[0]
        #expect(row.license == .none)
    }

    @Test func disabledSysadminAssignmentDoesNotExemptTheUser() {
        let row = license(user("u", ("-SYSADMIN-", false), ("Accountant", true)))
        #expect(row.license.summary == "Finance")
    }

    @Test func summaryCountsTiersSkusAndCost() {
        let users = [user("a", ("Accountant", true)), user("b", ("Clerk", true)), user("c", ("Viewer", true)), user("d", enabled: false, ("Viewer", true))]
        let summary = engine().estimate(UserDirectory(users: users)).summary
        #expect(summary.tiers == [.none: 1, .teamMembers: 1, .activity: 1, .operations: 1])
        #expect(summary.monthlyCost == Money(cents: 21000 + 5000 + 800))
        #expect(summary.skus.first { $0.name == "Finance" }?.count == SkuCount(base: 1, attach: 0))
    }
}

/// Docs/licensing-rules.md §4: the role-assignment CSV.
@Suite struct UserDirectoryTests {
    @Test func readsTheEntityExportShapeWithCaseInsensitiveHeaders() throws {
        let csv = "\u{FEFF}userid,SECURITYROLEIDENTIFIER,SecurityRoleName,AssignmentStatus,AssignmentMode,Enabled,Extra\r\nbob,Clerk,\"Clerk, AP\",Enabled,Manual,true,x\r\nbob,Viewer,Viewer,2,Manual,true,x\r\n\r\nAnn,Viewer,Viewer,,Manual,false,x\r\n"
        let directory = try UserDirectory.parse(csv, path: "users.csv")
        #expect(directory.users.map(\.userId) == ["Ann", "bob"])
        let bob = directory.users[1]
        #expect(bob.assignments.map(\.roleIdentifier) == ["Clerk", "Viewer"])
        #expect(bob.assignments.map(\.isEnabled) == [true, false])
        #expect(bob.assignments[0].roleName == "Clerk, AP")
        #expect(directory.users[0].isEnabled == false)
        #expect(bob.assignments[1].location.line == 3)
    }

    @Test func userIdsGroupCaseInsensitively() throws {
        let directory = try UserDirectory.parse("UserId,SecurityRoleIdentifier\nBob,A\nbob,B\n", path: "u.csv")
        #expect(directory.users.count == 1)
        #expect(directory.users[0].userId == "Bob")
    }

    @Test func semicolonSeparatedFilesAreDetected() throws {
        let directory = try UserDirectory.parse("UserId;SecurityRoleIdentifier\nbob;Clerk\n", path: "u.csv")
        #expect(directory.users[0].assignments[0].roleIdentifier == "Clerk")
    }

    @Test func missingRequiredColumnsAreNamed() {
        #expect {
            try UserDirectory.parse("UserName,Role\nbob,Clerk\n", path: "u.csv")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("u.csv:1: error:") && text.contains("UserId") && text.contains("SecurityRoleIdentifier")
        }
    }

    @Test func unknownAssignmentStatusIsAnErrorWithItsLine() {
        #expect {
            try UserDirectory.parse("UserId,SecurityRoleIdentifier,AssignmentStatus\nbob,Clerk,Enabled\nann,Clerk,Maybe\n", path: "u.csv")
        } throws: { error in
            "\(error)".hasPrefix("u.csv:3: error: AssignmentStatus 'Maybe'")
        }
    }

    @Test func invalidUTF8IsAnErrorNamingTheLine() throws {
        let folder = TemporaryFolder()
        var bytes = Array("UserId,SecurityRoleIdentifier\nbob,Cl".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("erk\n".utf8)
        let path = folder.write("bad.csv", Data(bytes))
        #expect {
            try UserDirectory.load(path: path)
        } throws: { error in
            "\(error)".contains(":2:") && "\(error)".contains("not valid UTF-8")
        }
    }

    /// A big file without quotes is read in pieces on the cores; one quote anywhere makes it one piece. Both readings
    /// must agree on everything, line numbers included.
    static func bigExport(rows: Int, lineBreak: String, badStatusAt: Int? = nil) -> String {
        var text = "UserId,SecurityRoleIdentifier,SecurityRoleName,AssignmentStatus,Enabled" + lineBreak
        for row in 0..<rows {
            if row % 997 == 0 { text += lineBreak }  // blank lines shift the line numbers of everything after them
            let status = row == badStatusAt ? "Sometimes" : row % 5 == 0 ? "Disabled" : "Enabled"
            text += "\(row % 3 == 0 ? "User" : "user")\(row % 7_000),Role\(row % 40),Role \(row % 40),\(status),\(row % 11 == 0 ? "false" : "true")" + lineBreak
        }
        return text
    }

    @Test(arguments: ["\n", "\r\n"])
    func readingInPiecesGivesTheSameUsersAsReadingWhole(lineBreak: String) throws {
        let text = Self.bigExport(rows: 30_000, lineBreak: lineBreak)
        #expect(text.utf8.count > 1_000_000)  // big enough to be cut into pieces
        let inPieces = try UserDirectory.parse(text, path: "u.csv")
        let whole = try UserDirectory.parse("\"UserId\"" + text.dropFirst("UserId".count), path: "u.csv")
        #expect(inPieces.users.count == 7_000)
        #expect(inPieces.users == whole.users)
        #expect(inPieces.diagnostics == whole.diagnostics)
        #expect(!inPieces.diagnostics.isEmpty)  // users both enabled and disabled
        let last = try #require(inPieces.users.flatMap(\.assignments).compactMap(\.location.line).max())
        #expect(last == 1 + 30_000 + 31)  // header, rows, blank lines
    }

    /// Random exports big enough to be cut (over 512 KB): LF and CRLF mixed, blank and whitespace-only lines, rows of
    /// empty fields, padded fields, a last line with or without its break, sometimes a lone CR (then not cut at all).
    @Test(arguments: 0..<6)
    func randomExportsReadTheSameInPiecesAsWhole(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        func lineBreak() -> String { Bool.random(using: &random) ? "\n" : "\r\n" }
        // Sometimes the header alone ends with a lone CR (an old Mac line break), so its end is not a line feed.
        var text = "UserId,SecurityRoleIdentifier,AssignmentStatus,Enabled,UserName" + (seed % 3 == 1 ? "\r" : lineBreak())
        while text.utf8.count < 600_000 {
            switch Int.random(in: 0..<40, using: &random) {
            case 0: text += lineBreak()
            case 1: text += "  \t " + lineBreak()
            case 2: text += ",,,," + lineBreak()
            case 3 where seed % 3 == 2: text += "u1,Role1,Enabled,true,lone\ru2,Role2,Enabled,true,carriage" + lineBreak()
            default:
                let user = "\(Bool.random(using: &random) ? "u" : "U")\(Int.random(in: 0..<3_000, using: &random))"
                let status = ["Enabled", "Disabled", "1", "2", ""].randomElement(using: &random)!
                let enabled = ["true", "false", "", "yes"].randomElement(using: &random)!
                text += " \(user) ,Role\(Int.random(in: 0..<30, using: &random)), \(status),\(enabled),Name \(user)" + lineBreak()
            }
        }
        if Bool.random(using: &random) { text += "lastUser,Role1,Enabled,true,Last" }
        let inPieces = try UserDirectory.parse(text, path: "u.csv")
        let whole = try UserDirectory.parse("\"UserId\"" + text.dropFirst("UserId".count), path: "u.csv")
        #expect(inPieces.users.count > 1_000)
        #expect(inPieces.users == whole.users)
        #expect(inPieces.diagnostics == whole.diagnostics)
    }

    @Test func anErrorInALaterPieceNamesItsLine() {
        let text = Self.bigExport(rows: 30_000, lineBreak: "\n", badStatusAt: 25_000)
        for variant in [text, "\"UserId\"" + text.dropFirst("UserId".count)] {
            #expect {
                try UserDirectory.parse(variant, path: "u.csv")
            } throws: { error in
                "\(error)".hasPrefix("u.csv:\(1 + 25_001 + 26): error: AssignmentStatus 'Sometimes'")
            }
        }
    }

    @Test func anUnclosedQuoteIsAnErrorWhereItOpens() {
        #expect {
            try UserDirectory.parse("UserId,SecurityRoleIdentifier\nbob,Clerk\nann,\"Viewer\ncarl,Clerk\n", path: "u.csv")
        } throws: { error in
            "\(error)".hasPrefix("u.csv:3:5: error: this quoted field is never closed")
        }
        #expect {
            try UserDirectory.parse("UserId;SecurityRoleIdentifier\r\nbob;\"Cl\"\"erk\"\r\nzoë;\"Viewer\"x\r\n", path: "u.csv")
        } throws: { error in
            "\(error)".hasPrefix("u.csv:3:13: error: text follows the closing quote of a quoted field")  // at the x; ë is one column
        }
        #expect {
            try UserDirectory.parse("UserId,SecurityRoleIdentifier\nbob,\"\"\"\nann,Clerk\n", path: "u.csv")
        } throws: { error in
            "\(error)".hasPrefix("u.csv:2:5: error: this quoted field is never closed")  // """ is an open quote and an escaped one
        }
    }

    @Test func quotesThatCSVReadsAsTextAreNotErrors() throws {
        // Escaped quotes, a quote inside an unquoted field, quoted separators and line breaks, a quoted last field.
        let csv = "UserId,SecurityRoleIdentifier,SecurityRoleName\nbob,Clerk,\"The \"\"AP\"\" clerk\"\n\"carl\",\"Clerk\",\"a,\nb\"\nann,Viewer,View\"er"
        let directory = try UserDirectory.parse(csv, path: "u.csv")
        #expect(directory.users.map(\.userId) == ["ann", "bob", "carl"])
        #expect(directory.users[1].assignments[0].roleName == "The \"AP\" clerk")
        #expect(directory.users[0].assignments[0].roleName == "View\"er")
        #expect(directory.users[2].assignments[0].roleName == "a,\nb")
    }

    @Test func missingFileNamesTheFlag() {
        #expect(throws: InputError.missing(path: "/nonexistent/users.csv", input: .users)) {
            try UserDirectory.load(path: "/nonexistent/users.csv")
        }
    }
}

@Suite struct CSVDelimiterTests {
    @Test func detectedFromTheHeader() {
        #expect(CSVDelimiter.detect(in: "UserId,SecurityRoleIdentifier\n") == ",")
        #expect(CSVDelimiter.detect(in: "UserId;SecurityRoleIdentifier\r\nbob;A,B\r\n") == ";")
        #expect(CSVDelimiter.detect(in: "UserId\tSecurityRoleIdentifier\n") == "\t")
    }

    @Test func explicitDelimiterWins() throws {
        // A one-column header cannot reveal its separator; --delimiter says it.
        let directory = try UserDirectory.parse("UserId|SecurityRoleIdentifier\nbob|Clerk\n", path: "u.csv", delimiter: "|")
        #expect(directory.users[0].assignments[0].roleIdentifier == "Clerk")
        #expect(CSVDelimiter.parse("tab") == "\t" && CSVDelimiter.parse(";") == ";" && CSVDelimiter.parse("ab") == nil)
    }
}

/// Nothing in a CSV header or body is dropped silently.
@Suite struct CSVSilentDropTests {
    /// A second `SecurityRoleIdentifier` column was ignored without a word: now a warning naming the file, the header
    /// line and the column; the first column is still the one read.
    @Test func repeatedHeaderColumnIsAWarningAndTheFirstIsRead() throws {
        let directory = try UserDirectory.parse("UserId,SecurityRoleIdentifier,securityroleidentifier\nbob,Clerk,Admin\n", path: "u.csv")
        #expect(directory.users.first?.assignments.map(\.roleIdentifier) == ["Clerk"])
        #expect(directory.diagnostics.map(\.description) == [
            "u.csv:1: warning: column 'securityroleidentifier' (field 3) repeats 'SecurityRoleIdentifier' (field 2) in the header; the first is read, this one ignored [duplicate-column]"
        ])
    }

    @Test func headerWithoutRowsIsAWarning() throws {
        for text in ["UserId,SecurityRoleIdentifier\n", "UserId,SecurityRoleIdentifier", "UserId,SecurityRoleIdentifier\n\n\n"] {
            let directory = try UserDirectory.parse(text, path: "u.csv")
            #expect(directory.users.isEmpty)
            #expect(directory.diagnostics.map(\.description) == ["u.csv:1: warning: the file has a header and no rows: no users [no-rows]"])
        }
    }
}

/// Item 3 of issue 12: a users file naming an unknown role on every row gives a few warnings and a count.
@Suite struct UsersDiagnosticVolumeTests {
    @Test func unknownRolesOnManyRowsOfOneFileCollapseToTheFirstFiveAndACount() throws {
        let rows = (1...20_000).map { "u\($0),Missing\($0),Missing,Enabled,Manual,true" }
        let csv = "UserId,SecurityRoleIdentifier,SecurityRoleName,AssignmentStatus,AssignmentMode,Enabled\n" + rows.joined(separator: "\n") + "\n"
        let directory = try UserDirectory.parse(csv, path: "users.csv")
        var tree = TreeBuilder()
        tree.role("Known")
        let estimate = tree.engine().estimate(directory)
        let unknown = estimate.diagnostics.filter { $0.code == .unknownRole }
        #expect(unknown.count == 6)
        #expect(unknown.prefix(5).map(\.location?.line) == [2, 3, 4, 5, 6])
        #expect(unknown.last?.omitted == 19_995)
        #expect(unknown.last?.message == "... and 19995 more unknown-role in this file")
        #expect(estimate.diagnostics.severityCounts.warnings == 20_000)
    }
}
