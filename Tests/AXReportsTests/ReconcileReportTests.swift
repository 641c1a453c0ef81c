import AXCompliance
import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

@testable import AXReports

/// Under the legacy method, alicia (Finance) holds Activity and PPAC misses nothing: no known cause; arnie (Finance) holds Activity and both
/// miss Finance: agree; <b>ghost</b> is no D365FO user and was refreshed 22 days before 2026-11-23: stale.
private func smallReport() throws -> ReconcileReport {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    let workspace = try LoadedWorkspace.load(WorkspacePaths(workspace: root + "/Data/sample"), users: .required, keepGoing: false, method: .legacy)
    let engine = workspace.engine
    let users = ReconciliationUser.users(of: engine.estimate(workspace.users!), graph: engine.graph).filter { ["alicia", "arnie"].contains($0.userId) }
    let ppac = try AssignedLicensesReader.parse("""
        TenantId,UserId,UserEmail,AssignedLicenses,MissingLicenses,RefreshedOn
        t,00000000-0000-0000-0000-000000000001,alicia@contoso.example,Dynamics 365 Operations – Activity,,2026-11-20
        t,00000000-0000-0000-0000-000000000002,arnie@contoso.example,Dynamics 365 Operations – Activity,Dynamics 365 Finance,2026-11-20
        t,00000000-0000-0000-0000-000000000003,<b>ghost</b>,Dynamics 365 Finance,,2026-11-01
        """, path: "ppac.csv", catalog: engine.catalog).users
    let systemUsers = try SystemUserDirectory.parse("UserID,Email\nalicia,alicia@contoso.example\narnie,arnie@contoso.example\n", path: "s.csv")
    let options = ReconciliationOptions(asOf: CalendarDate("2026-11-23")!)
    let reconciliation = Reconciliation(users: users, ppac: ppac, systemUsers: systemUsers, optimizer: engine.optimizer, options: options)
    return ReconcileReport(reconciliation: reconciliation, methodName: "legacy", options: options, diagnostics: [], isComplete: true)
}

private let summary = "Reconciled 3 user(s) with PPAC (legacy method): 1 agree, 2 disagree (1 PPAC user not found in D365FO users; 1 stale PPAC refresh; 1 no known cause)"

@Suite struct ReconcileReportTests {
    @Test func theSummaryLineNamesTheMethodAndTheReasonsCited() throws {
        #expect(try smallReport().summary == summary)
    }

    @Test func tableFormatShowsSummaryUsersAndCounts() throws {
        #expect(try smallReport().render(.table) == """
            Reconciliation with PPAC
            \(summary)
            Note: PPAC rows refreshed more than 7 day(s) before 2026-11-23 are stale.

            Per user
            User    PPAC user               Matched by  Assigned (PPAC)  Required (axlicense)  Missing (PPAC)  Missing (axlicense)  Agree  Reasons                                                  Refreshed on        Details
            ------  ----------------------  ----------  ---------------  --------------------  --------------  -------------------  -----  -------------------------------------------------------  ------------------  -----------------------------------------------
            alicia  alicia@contoso.example  e-mail      Activity         Finance                               Finance              No     no known cause                                           2026-11-20
            arnie   arnie@contoso.example   e-mail      Activity         Finance               Finance         Finance              Yes                                                             2026-11-20
                    <b>ghost</b>                        Finance                                                                     No     PPAC user not found in D365FO users; stale PPAC refresh  2026-11-01 (stale)  no SystemUsers row has this e-mail or object id

            Summary
            Outcome                                 Users
            --------------------------------------  -----
            Agree                                       1
            Disagree                                    2
            PPAC user not found in D365FO users         1
            D365FO licensed user missing from PPAC      0
            Role not in metadata                        0
            Objects not in Microsoft's data             0
            Stale PPAC refresh                          1
            No known cause                              1

            Diagnostics: 0 error(s), 0 warning(s)

            """)
    }

    @Test func csvHoldsOneRowPerUser() throws {
        #expect(try smallReport().render(.csv) == """
            User,PPAC user,Matched by,Assigned (PPAC),Required (axlicense),Missing (PPAC),Missing (axlicense),Agree,Reasons,Refreshed on,Details
            alicia,alicia@contoso.example,e-mail,Activity,Finance,,Finance,No,no known cause,2026-11-20,
            arnie,arnie@contoso.example,e-mail,Activity,Finance,Finance,Finance,Yes,,2026-11-20,
            ,<b>ghost</b>,,Finance,,,,No,PPAC user not found in D365FO users; stale PPAC refresh,2026-11-01 (stale),no SystemUsers row has this e-mail or object id

            """)
    }

    @Test func markdownHasTheSummaryAndBothTables() throws {
        let zws = "\u{200B}"
        #expect(try smallReport().render(.markdown) == """
            # Reconciliation with PPAC

            \(summary)

            > Note: PPAC rows refreshed more than 7 day(s) before 2026-11-23 are stale.

            ## Per user

            | User | PPAC user | Matched by | Assigned (PPAC) | Required (axlicense) | Missing (PPAC) | Missing (axlicense) | Agree | Reasons | Refreshed on | Details |
            | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
            | alicia | alicia@\(zws)contoso.example | e-mail | Activity | Finance |  | Finance | No | no known cause | 2026-11-20 |  |
            | arnie | arnie@\(zws)contoso.example | e-mail | Activity | Finance | Finance | Finance | Yes |  | 2026-11-20 |  |
            |  | \\<b>ghost\\</b> |  | Finance |  |  |  | No | PPAC user not found in D365FO users; stale PPAC refresh | 2026-11-01 (stale) | no SystemUsers row has this e-mail or object id |

            ## Summary

            | Outcome | Users |
            | --- | ---: |
            | Agree | 1 |
            | Disagree | 2 |
            | PPAC user not found in D365FO users | 1 |
            | D365FO licensed user missing from PPAC | 0 |
            | Role not in metadata | 0 |
            | Objects not in Microsoft's data | 0 |
            | Stale PPAC refresh | 1 |
            | No known cause | 1 |

            Diagnostics: 0 error(s), 0 warning(s)

            """)
    }

    @Test func jsonNamesTheMethodAndEachUsersReasons() throws {
        let json = try smallReport().render(.json)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(root["method"] as? String == "legacy")
        #expect(root["asOf"] as? String == "2026-11-23" && root["staleAfterDays"] as? Int == 7)
        let users = try #require(root["users"] as? [[String: Any]])
        #expect(users.map { $0["userId"] as? String } == ["alicia", "arnie", ""])
        #expect(users.map { $0["matchedBy"] as? String } == ["e-mail", "e-mail", "none"])
        #expect(users.map { $0["reasons"] as? [String] } == [["unexplained"], [], ["not-in-d365-users", "stale-ppac-refresh"]])
        #expect(users.map { $0["agrees"] as? Bool } == [false, true, false])
        #expect(users[0]["missingPerAxlicense"] as? [String] == ["Finance"] && users[1]["missingPerPPAC"] as? [String] == ["Finance"])
        let counts = try #require(root["summary"] as? [String: Any])
        #expect(counts["agree"] as? Int == 1 && counts["disagree"] as? Int == 2 && counts["stale"] as? Int == 1)
        #expect((counts["reasons"] as? [String: Int])?["unexplained"] == 1)
    }

    @Test func htmlIsOnePageWithEveryInputTextEscaped() throws {
        let html = try smallReport().render(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">"))
        #expect(html.contains("<title>Reconciliation with PPAC</title>"))
        #expect(html.contains("<h1>Reconciliation with PPAC</h1>\n<p>\(summary)</p>\n<p class=\"note\">Note: PPAC rows refreshed more than 7 day(s) before 2026-11-23 are stale.</p>\n"))
        #expect(html.contains(#"<section class="table" id="table-1"><h2>Per user</h2>"#))
        #expect(html.contains("<tr><td></td><td>&lt;b&gt;ghost&lt;/b&gt;</td><td></td><td>Finance</td>"))
        #expect(!html.contains("<b>ghost"))
        #expect(html.contains(#"<th scope="col" data-type="number">Users</th>"#))
        #expect(html.hasSuffix("<p>Diagnostics: 0 error(s), 0 warning(s)</p>\n</main>\n<footer>Generated by axlicense.</footer>\n</body>\n</html>\n"))
        #expect(!html.contains("<script"))
    }
}
