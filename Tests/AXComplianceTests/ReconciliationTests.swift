import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

private let catalog = sampleWorkspace.engine.catalog
private let sampleUsers = ReconciliationUser.users(of: sampleEstimate, graph: sampleWorkspace.engine.graph)
private let asOf = CalendarDate(year: 2026, month: 11, day: 23)!
private let aliciaObjectID = "1f0c7e2a-3b4d-4c5e-8f90-a1b2c3d4e5f6"

/// PPAC rows from CSV lines under the export's header.
private func ppac(_ lines: String...) throws -> [AssignedLicenses] {
    try AssignedLicensesReader.parse("TenantId,UserId,UserEmail,AssignedLicenses,MissingLicenses,RefreshedOn\n" + lines.joined(separator: "\n") + "\n",
                                     path: "ppac.csv", catalog: catalog).users
}

/// The sample's users with these ids.
private func users(_ ids: String...) -> [ReconciliationUser] {
    sampleUsers.filter { ids.contains($0.userId) }
}

private func reconcile(_ users: [ReconciliationUser], _ rows: [AssignedLicenses], systemUsers: SystemUserDirectory? = nil, staleAfterDays: Int = 7) -> Reconciliation {
    Reconciliation(users: users, ppac: rows, systemUsers: systemUsers, optimizer: sampleWorkspace.engine.optimizer,
                   options: ReconciliationOptions(asOf: asOf, staleAfterDays: staleAfterDays))
}

private extension Reconciliation {
    func row(_ userId: String) -> ReconciliationRow? { rows.first { $0.userId == userId } }
}

@Suite struct PPACReportReaderTests {
    @Test func tenantMissingLicensesAndRefreshDayAreRead() throws {
        let row = try #require(try ppac("t-1,alicia,alicia@contoso.example,Dynamics 365 Finance,Dynamics 365 Commerce or Dynamics 365 Supply Chain Management; Dynamics 365 Human Resources,2026-11-20T06:00:00Z").only)
        #expect(row.tenantId == "t-1")
        #expect(catalog.names(row.skus) == ["Finance"])
        #expect(row.missing.map { catalog.names($0) } == [["SupplyChainManagement", "Commerce"], ["HumanResources"]])
        #expect(row.refreshedOn == CalendarDate(year: 2026, month: 11, day: 20))
    }

    /// Excel keeps a list typed with Alt+Enter in one cell, one name a line: each line is a license, as after `;`.
    @Test func licensesOnSeparateLinesOfOneCellAreEachRead() throws {
        let row = try #require(try ppac("t-1,alicia,alicia@contoso.example,\"Dynamics 365 Finance\r\nDynamics 365 Commerce\",\"Dynamics 365 Human Resources\nDynamics 365 Project Operations\",2026-11-20").only)
        #expect(catalog.names(row.skus) == ["Finance", "Commerce"])
        #expect(row.missing.map { catalog.names($0) } == [["HumanResources"], ["ProjectOperations"]])
    }

    @Test func refreshDaysAreReadInISOAndUSForms() throws {
        let forms = ["2026-11-20", "2026-11-20T06:00:00Z", "2026-11-20T06:00:00.1234567+01:00", "2026-11-20 06:00:00", "2026-11-20T23:59", "2026/11/20",
                     "11/20/2026", "11/20/2026 6:00 AM", "11/20/2026 06:00:00 pm", "11/20/2026 18:00:00"]
        for form in forms {
            let read = try AssignedLicensesReader.parse("UserId,AssignedLicenses,RefreshedOn\nalicia,,\(form)\n", path: "ppac.csv", catalog: catalog)
            #expect(read.users.first?.refreshedOn == CalendarDate(year: 2026, month: 11, day: 20), "\(form)")
            #expect(read.diagnostics.isEmpty, "\(form)")
        }
    }

    @Test func anUnreadableRefreshDayIsAWarningNotAnError() throws {
        for form in ["yesterday", "20/11/2026", "2026-02-30", "11/20/2026 25:00", "11/20/2026 13:00 PM", "2026-11-20T06:00:00 AM", "20261120"] {
            let read = try AssignedLicensesReader.parse("UserId,AssignedLicenses,RefreshedOn\nalicia,,\(form)\n", path: "ppac.csv", catalog: catalog)
            #expect(read.users.first?.refreshedOn == nil, "\(form)")
            #expect(read.diagnostics.map(\.description) == [
                "ppac.csv:2: warning: RefreshedOn '\(form)' of user 'alicia' is not a date (YYYY-MM-DD, an ISO date-time or M/D/YYYY [h:mm[:ss] [AM|PM]]); the row's freshness is unknown [unreadable-date]"
            ], "\(form)")
        }
    }

    @Test func aGuidWhereAnEMailIsExpectedIsTheObjectId() throws {
        let rows = try ppac("t,\(aliciaObjectID.uppercased()),{\(aliciaObjectID)},,,", "t,\(aliciaObjectID),alicia@contoso.example,,,", "t,alicia@contoso.example,,,,")
        #expect(rows.map(\.objectId?.text) == [aliciaObjectID, aliciaObjectID, nil])
        #expect(rows.map(\.emailAddress) == [nil, "alicia@contoso.example", "alicia@contoso.example"])
    }

    @Test func checkStillReadsAFileWithOnlyTheOldColumns() throws {
        let read = try AssignedLicensesReader.parse("UserId,AssignedLicenses\nalicia,Finance\n", path: "a.csv", catalog: catalog)
        let row = try #require(read.users.only)
        #expect(row.missing.isEmpty && row.refreshedOn == nil && row.tenantId.isEmpty)
        #expect(read.diagnostics.isEmpty)
    }
}

@Suite struct ReconciliationTests {
    @Test func usersAgreeWhenBothSayTheSameIsMissingOrNothingIs() throws {
        let result = reconcile(users("alicia", "arnie"), try ppac("t,alicia,,Dynamics 365 Finance,,2026-11-20", "t,arnie,,Dynamics 365 Operations – Activity,Dynamics 365 Finance,2026-11-20"))
        #expect(result.row("alicia")?.agrees == true && result.row("alicia")?.reasons == [])
        let arnie = try #require(result.row("arnie"))
        #expect(arnie.agrees && arnie.missingPerAxlicense == ["Finance"] && arnie.missingPerPPAC == ["Finance"])
        #expect(result.agreeing == 2 && result.disagreeing == 0)
    }

    @Test func aDifferenceWithNoKnownCauseIsUnexplained() throws {
        let result = reconcile(users("alicia"), try ppac("t,alicia,,Dynamics 365 Operations – Activity,,2026-11-20"))
        let alicia = try #require(result.row("alicia"))
        #expect(!alicia.agrees)
        #expect(alicia.missingPerAxlicense == ["Finance"] && alicia.missingPerPPAC.isEmpty)
        #expect(alicia.reasons == [.unexplained])
    }

    @Test func ppacMissingALicenseAxlicenseDoesNotRequireDisagrees() throws {
        let result = reconcile(users("alicia"), try ppac("t,alicia,,Dynamics 365 Finance,Dynamics 365 Commerce,2026-11-20"))
        #expect(result.row("alicia")?.agrees == false)
        #expect(result.row("alicia")?.missingPerAxlicense == [])
    }

    @Test func missingListsThatOverlapButDifferDisagree() throws {
        // axlicense misses Finance only; PPAC misses Finance and Commerce.
        let result = reconcile(users("alicia"), try ppac("t,alicia,,,Dynamics 365 Finance; Dynamics 365 Commerce,2026-11-20"))
        #expect(result.row("alicia")?.missingPerAxlicense == ["Finance"])
        #expect(result.row("alicia")?.agrees == false)
    }

    @Test func anyOfEntriesAgreeWhenAxlicenseMissesOneOfThem() throws {
        let result = reconcile(users("alicia"), try ppac("t,alicia,,,Dynamics 365 Finance or Dynamics 365 Supply Chain Management,2026-11-20"))
        #expect(result.row("alicia")?.agrees == true)
    }

    @Test func aRoleTheMetadataDoesNotDefineIsAReason() throws {
        // quinn's only role, ContosoTreasuryClerk, is not in the sample's metadata: axlicense requires nothing.
        #expect(users("quinn").first?.undefinedRoles == ["ContosoTreasuryClerk"])
        let result = reconcile(users("quinn"), try ppac("t,quinn,,,Dynamics 365 Finance,2026-11-20"))
        let quinn = try #require(result.row("quinn"))
        #expect(!quinn.agrees && quinn.reasons == [.roleNotInMetadata])
        #expect(quinn.details == ["roles not in metadata: ContosoTreasuryClerk"])
        // Agreement needs no reason, even with an undefined role.
        #expect(reconcile(users("quinn"), try ppac("t,quinn,,,,2026-11-20")).row("quinn")?.reasons == [])
    }

    @Test func objectsNotInMicrosoftDataAreAReasonWithExamples() throws {
        var alicia = try #require(users("alicia").first)
        alicia.objectsNotInMicrosoftData = ["ContosoA", "ContosoB", "ContosoC", "ContosoD"]
        let result = reconcile([alicia], try ppac("t,alicia,,Dynamics 365 Team Members,,2026-11-20"))
        let row = try #require(result.row("alicia"))
        #expect(row.reasons == [.objectsNotInMicrosoftData])
        #expect(row.details == ["objects not in Microsoft's data: ContosoA, ContosoB, ContosoC and 1 more"])
    }

    @Test func aRefreshOlderThanTheThresholdIsStale() throws {
        // 2026-11-23 as of: 7 days back is fresh, 8 is stale.
        let result = reconcile(users("alicia", "arnie"), try ppac("t,alicia,,Dynamics 365 Team Members,,2026-11-16", "t,arnie,,Dynamics 365 Team Members,,2026-11-15"))
        #expect(result.row("alicia")?.isStale == false && result.row("alicia")?.reasons == [.unexplained])
        #expect(result.row("arnie")?.isStale == true && result.row("arnie")?.reasons == [.stalePPACRefresh])
        #expect(result.stale == 1)
        #expect(reconcile(users("arnie"), try ppac("t,arnie,,Dynamics 365 Team Members,,2026-11-15"), staleAfterDays: 8).row("arnie")?.isStale == false)
    }

    @Test func aPPACUserNotInTheUsersFileIsReported() throws {
        let result = reconcile(users("alicia"), try ppac("t,alicia,,Dynamics 365 Finance,,2026-11-20", "t,ghost,ghost@contoso.example,Dynamics 365 Finance,,2026-11-01"))
        let ghost = try #require(result.rows.first { $0.ppacUser == "ghost@contoso.example" })
        #expect(ghost.userId.isEmpty && ghost.match == .none && !ghost.agrees)
        #expect(ghost.reasons == [.notInD365Users, .stalePPACRefresh])
        #expect(result.count(.notInD365Users) == 1)
    }

    @Test func aLicensedUserWithoutAPPACRowIsReportedAndAnUnlicensedOneIsNot() throws {
        let result = reconcile(users("alicia", "admin"), [])
        let alicia = try #require(result.row("alicia"))
        #expect(alicia.reasons == [.missingFromPPAC] && alicia.missingPerAxlicense == ["Finance"] && !alicia.agrees)
        #expect(result.row("admin") == nil)
    }

    @Test func usersAreMatchedByObjectIdOrEMailThroughSystemUsers() throws {
        let systemUsers = try SystemUserDirectory.parse("""
            UserID,Email,ObjectId
            alicia,alicia@contoso.example,{\(aliciaObjectID.uppercased())}
            arnie,Arnie@Contoso.example,
            zed,zed@contoso.example,
            """, path: "s.csv")
        let rows = try ppac("t,\(aliciaObjectID),\(aliciaObjectID),Dynamics 365 Finance,,2026-11-20",
                            "t,00000000-0000-0000-0000-000000000001,arnie@contoso.example,Dynamics 365 Finance,,2026-11-20",
                            "t,00000000-0000-0000-0000-000000000002,nobody@contoso.example,,,2026-11-20",
                            "t,00000000-0000-0000-0000-000000000003,zed@contoso.example,,,2026-11-20")
        let result = reconcile(users("alicia", "arnie"), rows, systemUsers: systemUsers)
        #expect(result.row("alicia")?.match == .objectId && result.row("alicia")?.agrees == true)
        #expect(result.row("arnie")?.match == .email && result.row("arnie")?.agrees == true)
        let unmatched = result.rows.filter { $0.userId.isEmpty }
        #expect(unmatched.map(\.details) == [["no SystemUsers row has this e-mail or object id"],
                                             ["SystemUsers names D365FO user 'zed', who has no row in the users file"]])
        #expect(result.notes.isEmpty)
    }

    @Test func withoutSystemUsersPPACIdsAreMatchedToUserIdsAndANoteSaysSo() throws {
        let result = reconcile(users("alicia", "arnie"), try ppac("t,ALICIA,alicia@contoso.example,Dynamics 365 Finance,,2026-11-20", "t,\(aliciaObjectID),arnie,Dynamics 365 Finance,,2026-11-20"))
        #expect(result.row("alicia")?.match == .userId && result.row("arnie")?.match == .userId)
        #expect(result.notes.count == 1 && result.notes[0].hasPrefix("No SystemUsers export (--system-users): PPAC's UserId, else UserEmail, was matched to D365FO user ids directly"))
    }

    @Test func twoPPACRowsForOneUserAreAWarningAndTheFirstIsUsed() throws {
        let result = reconcile(users("alicia"), try ppac("t,alicia,,Dynamics 365 Finance,,2026-11-20", "t,Alicia,,Dynamics 365 Team Members,,2026-11-20"))
        #expect(result.row("alicia")?.assigned == ["Finance"])
        #expect(result.rows.count == 1)
        #expect(result.diagnostics.map(\.description) == ["ppac.csv:3: warning: PPAC row for 'Alicia' matches D365FO user 'alicia' again (first at line 2); the first row is used [duplicate-user]"])
    }

    @Test func theSampleReportReconcilesAsWorkedOut() throws {
        let held = try AssignedLicensesReader.load(path: sampleWorkspaceFolder.appendingPathComponent("assigned-licenses.csv").path, catalog: catalog)
        let result = reconcile(sampleUsers, held.users)
        // arnie, irene and kim: PPAC's missing license is the one axlicense finds; former.employee is not a D365FO user.
        for id in ["arnie", "irene", "kim"] { #expect(result.row(id)?.agrees == true, "\(id)") }
        #expect(result.rows.filter { !$0.agrees }.map { $0.userId.isEmpty ? $0.ppacUser : $0.userId } == ["former.employee@contoso.example"])
    }
}
