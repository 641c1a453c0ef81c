import Foundation
import Testing

@testable import AXReports

/// One small report through every renderer. Each expected text was written out and checked by hand: widths counted,
/// escapes read character by character.
@Suite struct RendererSnapshotTests {
    struct Body: Encodable, Sendable {
        var name: String
        @ExplicitNull var missing: String?
    }

    static let table = ReportTable(
        title: "Roles",
        columns: [ReportColumn("Role"), ReportColumn("Model", priority: .low), ReportColumn("Duties", .list),
                  ReportColumn("Cost", .money, priority: .essential)],
        rows: [["AccountsPayableClerk", "Foundation", "Sales, Purchasing", "90.00"], ["=Boss|*x*", "Contoso", "", "-5.00"]])

    static let report = Report(
        sections: [[.title("Sample", markdown: "Sample: roles"), .facts([ReportFact("Subject", "roles"), ReportFact("Cost", "85.00")])],
                   [.table(table, headingLevel: 2)], [.notes(["one note"])],
                   [.lines(["Diagnostics: 0 error(s), 1 warning(s)"]), .alert("INCOMPLETE: x")]],
        csvTable: table,
        jsonBody: Body(name: "x", missing: nil))

    @Test func terminalTableWithoutAWidthShowsEveryValueInFull() {
        #expect(Self.report.render(.table) == """
            Sample
            Subject: roles
            Cost:    85.00

            Roles
            Role                  Model       Duties              Cost
            --------------------  ----------  -----------------  -----
            AccountsPayableClerk  Foundation  Sales, Purchasing  90.00
            =Boss|*x*             Contoso                        -5.00

            Note: one note

            Diagnostics: 0 error(s), 1 warning(s)
            INCOMPLETE: x

            """)
    }

    @Test func terminalTableAtAWidthWrapsListsCutsNamesAndDropsLowPriorityColumns() throws {
        let text = try Self.report.render(.table, options: RenderOptions(width: 32))
        #expect(text == """
            Sample
            Subject: roles
            Cost:    85.00

            Roles
            Role           Duties       Cost
            -------------  ----------  -----
            AccountsPaya…  Sales,      90.00
                           Purchasing
            =Boss|*x*                  -5.00
            Not shown to fit 32 columns:
            Model.

            Note: one note

            Diagnostics: 0 error(s), 1
            warning(s)
            INCOMPLETE: x

            """)
        #expect(text.split(separator: "\n").allSatisfy { $0.count <= 32 })
    }

    @Test func markdownEscapesCellsAndQuotesNotesAndAlerts() {
        #expect(Self.report.render(.markdown) == """
            # Sample: roles

            - **Subject:** roles
            - **Cost:** 85.00

            ## Roles

            | Role | Model | Duties | Cost |
            | --- | --- | --- | ---: |
            | AccountsPayableClerk | Foundation | Sales, Purchasing | 90.00 |
            | =Boss\\|\\*x\\* | Contoso |  | -5.00 |

            > Note: one note

            Diagnostics: 0 error(s), 1 warning(s)

            > INCOMPLETE: x

            """)
    }

    /// A name can neither notify anyone nor link an issue from a pull-request comment: `@` and `#` before a word
    /// character get a zero-width space after them; other `@` and `#` are left as they are.
    @Test func markdownNeutralisesMentionsAndIssueReferences() {
        let zws = "\u{200B}"
        #expect(Markdown.text("@github/security-team") == "@\(zws)github/security-team")
        #expect(Markdown.text("Fix #123 for org/repo#7, @_bot and @Ünal") == "Fix #\(zws)123 for org/repo#\(zws)7, @\(zws)\\_bot and @\(zws)Ünal")
        #expect(Markdown.text("a @ b # c @") == "a @ b # c @")
        let table = ReportTable(title: "Roles", columns: [ReportColumn("Role"), ReportColumn("Change")], rows: [["@github/security-team", "added"]])
        let markdown = Report(sections: [[.table(table, headingLevel: 2)]], csvTable: table, jsonBody: Body(name: "x", missing: nil)).render(.markdown)
        #expect(markdown.contains("| @\(zws)github/security-team | added |"))
        #expect(!markdown.contains("@github"))
    }

    @Test func csvHoldsOneTableWithFormulasNeutralisedAndNumbersKept() {
        #expect(Self.report.render(.csv) == "Role,Model,Duties,Cost\nAccountsPayableClerk,Foundation,\"Sales, Purchasing\",90.00\n'=Boss|*x*,Contoso,,-5.00\n")
    }

    @Test func jsonWritesAnAbsentValueAsNull() {
        #expect(Self.report.render(.json) == "{\n  \"missing\" : null,\n  \"name\" : \"x\"\n}\n")
    }

    @Test func htmlTableEscapesCellsAndMarksNumericColumns() {
        let small = ReportTable(title: "A<b>", columns: [ReportColumn("Name"), ReportColumn("Users", .number)], rows: [["<x>&", "3"]])
        #expect(HTMLTableRenderer().render(small, id: "t") == #"<section class="table" id="t"><h2>A&lt;b&gt;</h2><table class="data" data-table="t"><thead><tr><th scope="col">Name</th><th scope="col" data-type="number">Users</th></tr></thead><tbody>"#
            + "\n" + #"<tr><td>&lt;x&gt;&amp;</td><td class="num" data-sort="3">3</td></tr>"# + "\n" + "</tbody></table></section>\n")
    }

    @Test func columnsArePickedByHeadingCaseInsensitivelyInTheOrderGiven() throws {
        let options = RenderOptions(columns: ["cost", "ROLE"])
        #expect(try Self.report.render(.csv, options: options) == "Cost,Role\n90.00,AccountsPayableClerk\n-5.00,'=Boss|*x*\n")
        let markdown = try Self.report.render(.markdown, options: options)
        #expect(markdown.contains("| Cost | Role |\n| ---: | --- |\n| 90.00 | AccountsPayableClerk |\n"))
    }

    @Test func anUnknownColumnIsAnErrorListingTheValidOnes() {
        #expect(throws: ColumnSelectionError(unknown: ["Price"], valid: ["Role", "Model", "Duties", "Cost"])) {
            try Self.report.render(.table, options: RenderOptions(columns: ["role", "Price"]))
        }
        #expect(ColumnSelectionError(unknown: ["Price"], valid: ["Role", "Cost"]).description == "no column named 'Price'; the columns are: Role, Cost")
    }

    @Test func markdownOnlyAndTerminalOnlyElementsReachOnlyTheirAudience() {
        let report = Report(sections: [[.only(.terminal, .paragraph("on a terminal"))], [.only(.markdown, .paragraph(ReportText([.strong("in"), .plain(" "), .code("md")])))],
                                       [.details(summary: "More (1)", [.paragraph("inside")])]],
                            csvTable: nil, jsonBody: [String: String]())
        #expect(report.render(.table) == "on a terminal\n\ninside\n")
        #expect(report.render(.markdown) == "**in** `md`\n\n<details><summary>More (1)</summary>\n\ninside\n\n</details>\n")
    }
}
