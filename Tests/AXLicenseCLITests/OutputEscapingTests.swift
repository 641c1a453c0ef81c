import AXTestSupport
import Foundation
import Testing

@testable import AXReports

/// A name that tries every way out of a markdown line, table cell, code span or HTML text.
private func hostile(_ kind: String) -> String {
    "\(kind)\n# Injected\(kind)\r| x | y |`tick`[x](http://evil)![i](http://evil/x.png)<script>alert(1)</script>"
}

private func xml(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        .replacingOccurrences(of: "\n", with: "&#10;").replacingOccurrences(of: "\r", with: "&#13;")
}

private func jsonString(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}

/// A workspace whose role, duty, privilege and menu item names and labels are all hostile; `update` decides whether the
/// privilege's grant includes Update (the diff's change).
private func writeHostileWorkspace(at ws: String, update: Bool) throws {
    let model = ws + "/Metadata/Evil/Evil"
    for folder in ["AxSecurityRole", "AxSecurityDuty", "AxSecurityPrivilege", "AxMenuItemDisplay"] {
        try FileManager.default.createDirectory(atPath: model + "/" + folder, withIntermediateDirectories: true)
    }
    let header = #"<?xml version="1.0" encoding="utf-8"?>"# + "\n"
    try (header + """
        <AxSecurityRole><Name>\(xml(hostile("Role")))</Name><Label>\(xml(hostile("RoleLabel")))</Label>
        <Duties><AxSecurityDutyReference><Name>\(xml(hostile("Duty")))</Name></AxSecurityDutyReference></Duties>
        <Privileges /><SubRoles /></AxSecurityRole>
        """).write(toFile: model + "/AxSecurityRole/EvilRole.xml", atomically: true, encoding: .utf8)
    try (header + """
        <AxSecurityDuty><Name>\(xml(hostile("Duty")))</Name><Label>\(xml(hostile("DutyLabel")))</Label>
        <Privileges><AxSecurityPrivilegeReference><Name>\(xml(hostile("Priv")))</Name></AxSecurityPrivilegeReference></Privileges></AxSecurityDuty>
        """).write(toFile: model + "/AxSecurityDuty/EvilDuty.xml", atomically: true, encoding: .utf8)
    try (header + """
        <AxSecurityPrivilege><Name>\(xml(hostile("Priv")))</Name><Label>\(xml(hostile("PrivLabel")))</Label><EntryPoints>
        <AxSecurityEntryPointReference><Name>\(xml(hostile("Menu")))</Name><Grant><Read>Allow</Read>\(update ? "<Update>Allow</Update>" : "")</Grant>
        <ObjectName>\(xml(hostile("Menu")))</ObjectName><ObjectType>MenuItemDisplay</ObjectType></AxSecurityEntryPointReference>
        </EntryPoints></AxSecurityPrivilege>
        """).write(toFile: model + "/AxSecurityPrivilege/EvilPriv.xml", atomically: true, encoding: .utf8)
    try (header + """
        <AxMenuItemDisplay><Name>\(xml(hostile("Menu")))</Name><Label>\(xml(hostile("MenuLabel")))</Label>
        <MaintainUserLicense>Enterprise</MaintainUserLicense><ViewUserLicense>Universal</ViewUserLicense></AxMenuItemDisplay>
        """).write(toFile: model + "/AxMenuItemDisplay/EvilMenu.xml", atomically: true, encoding: .utf8)
    try """
        {"LicensingServicePlansPrivilege": [{"PrivilegeIdentifier": \(jsonString(hostile("Priv"))), "SkuName": "Finance", "IsUnique": 1}]}
        """.write(toFile: ws + "/LicensingServicePlansPrivilege.json", atomically: true, encoding: .utf8)
    let role = "\"" + hostile("Role").replacingOccurrences(of: "\"", with: "\"\"") + "\""
    try "UserId,SecurityRoleIdentifier\nu1,\(role)\n".write(toFile: ws + "/users.csv", atomically: true, encoding: .utf8)
    try """
        {"products": [{"model": \(jsonString(hostile("Model"))), "licenseQuantity": 1, "currentVersion": "1", "latestVersion": "2",
          "licenseHolder": \(jsonString(hostile("Holder")))}]}
        """.write(toFile: ws + "/entitlements.json", atomically: true, encoding: .utf8)
}

/// Problems a markdown text shows when a name broke out of its place; empty when none did.
private func markdownBreakouts(_ markdown: String) -> [String] {
    var problems: [String] = []
    // Code spans (the hostile names hold backticks, so theirs have double fences) show their text literally.
    let markdown = markdown.replacingOccurrences(of: "`` .+? ``", with: "", options: .regularExpression)
    let lines = markdown.components(separatedBy: "\n")
    if markdown.contains("\r") { problems.append("a carriage return") }
    for line in lines {
        if line.hasPrefix("# Injected") || line.hasPrefix("| x | y |") || line.hasPrefix("Injected") { problems.append("an injected line: \(line)") }
    }
    if markdown.contains("[x](") || markdown.contains("![i](") { problems.append("raw link or image syntax") }
    if markdown.replacingOccurrences(of: "\\<", with: "").contains("<script") { problems.append("raw HTML") }
    // Every row of a table has as many unescaped pipes as its header.
    func pipes(_ line: String) -> Int {
        var count = 0, escaped = false
        for character in line {
            if escaped { escaped = false; continue }
            if character == "\\" { escaped = true } else if character == "|" { count += 1 }
        }
        return count
    }
    var header: Int?
    for line in lines {
        guard line.hasPrefix("|") else { header = nil; continue }
        if let header {
            if pipes(line) != header { problems.append("a table row with \(pipes(line)) cells borders, header \(header): \(line)") }
        } else {
            header = pipes(line)
        }
    }
    return problems
}

@Suite struct OutputEscapingTests {
    @Test func hostileNamesStayInTheirCellsInEveryMarkdownOutput() throws {
        let folder = TemporaryFolder()
        let ws = folder.path + "/ws"
        try writeHostileWorkspace(at: ws, update: true)
        let base = folder.path + "/base"
        try writeHostileWorkspace(at: base, update: false)
        let common = ["--workspace", ws, "--format", "markdown", "--quiet"]
        let runs: [[String]] = [
            ["estimate", "--no-db"], ["roles"], ["permissions", hostile("Role")], ["permissions", hostile("Priv")],
            ["explain", "--role", hostile("Role")], ["explain", "--user", "u1"],
            ["what-if", "--role", hostile("Role"), "--remove-duty", hostile("Duty")],
            ["what-if", "--user", "u1", "--remove-role", hostile("Role")],
            ["check", "--no-db", "--fail-on", "none", "--today", "2026-11-23"],
            ["diff", "--base", base + "/Metadata", "--head", ws + "/Metadata", "--fail-on", "never", "--users", ws + "/users.csv",
             "--sku-map", ws + "/LicensingServicePlansPrivilege.json"],
        ]
        for arguments in runs {
            let result = try run(axlicenseBinary, arguments + common.filter { arguments[0] != "diff" || $0 != "--workspace" && $0 != ws })
            #expect(result.status == 0, "\(arguments[0]): \(result.stderr)")
            #expect(result.stdout.contains(" # Injected"), "\(arguments[0]) shows no hostile name:\n\(result.stdout)")
            #expect(markdownBreakouts(result.stdout) == [], "\(arguments[0]):\n\(result.stdout)")
            if arguments[0] != "diff" {
                #expect(!result.stdout.replacingOccurrences(of: "\\`", with: "").contains("`tick`"), "\(arguments[0]): a raw backtick")
            }
        }
    }

    @Test func diffNamesInCodeSpansKeepTheirBackticksInside() throws {
        let folder = TemporaryFolder()
        let ws = folder.path + "/ws"
        try writeHostileWorkspace(at: ws, update: true)
        let base = folder.path + "/base"
        try writeHostileWorkspace(at: base, update: false)
        let result = try axlicense("diff", "--base", base + "/Metadata", "--head", ws + "/Metadata", "--sku-map", ws + "/LicensingServicePlansPrivilege.json",
                                   "--fail-on", "never", "--format", "markdown", "--quiet")
        #expect(result.status == 0, "\(result.stderr)")
        // The name holds single backticks: a double-backtick fence, padded, holds it whole.
        #expect(result.stdout.contains("`` Priv # InjectedPriv | x | y |`tick`[x](http://evil)![i](http://evil/x.png)<script>alert(1)</script> ``"), "\(result.stdout)")
    }

    @Test func hostileNamesStayInOneGitHubCommandAndInJUnitText() throws {
        let folder = TemporaryFolder()
        let ws = folder.path + "/ws"
        try writeHostileWorkspace(at: ws, update: true)
        let base = folder.path + "/base"
        try writeHostileWorkspace(at: base, update: false)
        let arguments = ["diff", "--base", base + "/Metadata", "--head", ws + "/Metadata", "--sku-map", ws + "/LicensingServicePlansPrivilege.json",
                         "--fail-on", "never", "--quiet", "--format"]
        let github = try run(axlicenseBinary, arguments + ["github"])
        #expect(github.status == 0, "\(github.stderr)")
        #expect(github.stdout.contains("InjectedRole"))
        for line in github.stdout.split(separator: "\n") { #expect(line.hasPrefix("::"), "a line outside a workflow command: \(line)") }
        #expect(!github.stdout.contains("\r"))
        let junit = try run(axlicenseBinary, arguments + ["junit"])
        #expect(junit.status == 0, "\(junit.stderr)")
        #expect(junit.stdout.contains("InjectedRole"))
        #expect(!junit.stdout.contains("<script"))
    }

    @Test func hostileNamesAreTextInTheHTMLReport() throws {
        let folder = TemporaryFolder()
        let ws = folder.path + "/ws"
        try writeHostileWorkspace(at: ws, update: true)
        let result = try axlicense("report", "--workspace", ws, "--quiet", "--today", "2026-11-23")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.components(separatedBy: "<script").count == 2, "only the page's own script")
        #expect(!result.stdout.contains("<img"))
        #expect(result.stdout.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
    }

    @Test func csvTextCellsThatSpreadsheetsWouldRunAreNeutralisedButNumbersStay() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        let users = try String(contentsOfFile: ws + "/users.csv", encoding: .utf8)
        try (users + "\"=HYPERLINK(\"\"http://evil\"\")\",SystemUser,,Enabled,Manual,,true\n@SUM(A1),SystemUser,,Enabled,Manual,,true\n+1,SystemUser,,Enabled,Manual,,true\n")
            .write(toFile: ws + "/users.csv", atomically: true, encoding: .utf8)
        let estimate = try axlicense("estimate", "--no-db", "--method", "legacy", "--workspace", ws, "--format", "csv", "--quiet")
        #expect(estimate.status == 0, "\(estimate.stderr)")
        let lines = estimate.stdout.components(separatedBy: .newlines)
        #expect(lines.contains { $0.hasPrefix("\"'=HYPERLINK(\"\"http://evil\"\")\",") }, "\(estimate.stdout)")
        #expect(lines.contains { $0.hasPrefix("'@SUM(A1),") })
        #expect(lines.contains { $0.hasPrefix("'+1,") })
        #expect(lines.contains("sam,Yes,'-SYSADMIN-,None,None,,,0.00"))
        for line in lines.dropFirst() where !line.isEmpty {
            #expect(!["=", "+", "-", "@", "\t", "\r"].contains(line.first.map(String.init) ?? ""), "\(line)")
        }

        let whatIf = try axlicense("what-if", "--role", "AccountsPayableClerk", "--remove-privilege", "CustAgingReportView", "--method", "legacy", "--workspace", "Data/sample",
                                   "--format", "csv", "--quiet")
        #expect(whatIf.stdout.contains("arnie,Finance,Activity,-160.00"), "a negative number stays a number:\n\(whatIf.stdout)")
    }

    @Test func controlCharactersNeverReachAnyOutput() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        // A NUL and an escape sequence in the license holder of every product.
        let entitlements = try String(contentsOfFile: ws + "/entitlements.json", encoding: .utf8)
        try entitlements.replacingOccurrences(of: "Contoso Ltd", with: "Contoso\\u0000Ltd\\u001b[2J")
            .write(toFile: ws + "/entitlements.json", atomically: true, encoding: .utf8)
        for format in ["table", "csv", "markdown", "json"] {
            let result = try axlicense("check", "--no-db", "--workspace", ws, "--fail-on", "none", "--format", format, "--quiet")
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Contoso"))
            #expect(!result.stdout.unicodeScalars.contains { $0.value == 0 || $0.value == 0x1B }, "\(format) holds a control character")
        }
        let html = try axlicense("report", "--workspace", ws, "--quiet")
        #expect(!html.stdout.unicodeScalars.contains { $0.value == 0 || $0.value == 0x1B })
        #expect(html.stdout.contains("Contoso\u{FFFD}Ltd\u{FFFD}[2J"))
    }
}

/// The escapers themselves, on the edge cases a whole report rarely shows.
@Suite struct EscaperTests {
    @Test func markdownTextKeepsEachNameOnOneLineAndItsPunctuationLiteral() {
        #expect(Markdown.text("a\r\nb\rc\nd\u{2028}e") == "a b c d e")
        #expect(Markdown.text("[x](u) ![i](u) <b> a|b `c` *d* _e_ ~f~ &amp; $g$ \\") == #"\[x\](u) !\[i\](u) \<b> a\|b \`c\` \*d\* \_e\_ \~f\~ \&amp; \$g\$ \\"#)
        #expect(Markdown.text("nul\u{0}esc\u{1B}") == "nul\u{FFFD}esc\u{FFFD}")
        // `#1` would link issue 1 on GitHub: a zero-width space follows the `#`.
        #expect(Markdown.text("Finance > Ledger (1.00) #1 -x") == "Finance > Ledger (1.00) #\u{200B}1 -x")
    }

    @Test func markdownCodeSpanFenceIsLongerThanAnyBacktickRunInside() {
        #expect(Markdown.code("Plain") == "`Plain`")
        #expect(Markdown.code("a`b") == "`` a`b ``")
        #expect(Markdown.code("`x``") == "``` `x`` ```")
        #expect(Markdown.code(" lead") == "`  lead `")
        #expect(Markdown.code("a\n\nb") == "`a  b`")
    }

    @Test func outputBytesReplaceControlCharactersButKeepTabsAndLineBreaks() {
        let bytes = OutputText.bytes("a\u{0}b\u{1B}c\u{7F}d\u{85}e\tf\r\ng é")
        #expect(String(decoding: bytes, as: UTF8.self) == "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\tf\r\ng é")
        #expect(OutputText.bytes("plain") == Data("plain".utf8))
    }

    @Test func csvNeutralisesFormulaTextButNotNumbersOfNumericColumns() {
        let table = ReportTable(columns: [ReportColumn("Name"), ReportColumn("Delta", .money)], rows: [["-x", "-1.50"], ["=1+1", "+2"], ["@a", "=3"], ["\tb", "-"]])
        let lines = CSVRenderer().render(table).components(separatedBy: .newlines).filter { !$0.isEmpty }
        #expect(lines == ["Name,Delta", "'-x,-1.50", "'=1+1,+2", "'@a,'=3", "'\tb,'-"])
    }

    @Test func workbookCellsAreTextOrNumbersNeverFormulas() {
        let sheet = Workbook.worksheet(ReportTable(columns: [ReportColumn("Name"), ReportColumn("Cost", .money)], rows: [["=HYPERLINK(\"http://evil\")", "=1+1"], ["-x", "-130.00"]]))
        #expect(!sheet.contains("<f>") && !sheet.contains("<f "))
        #expect(sheet.contains(#"t="inlineStr"><is><t xml:space="preserve">=HYPERLINK(&quot;http://evil&quot;)</t>"#))
        #expect(sheet.contains(#"t="inlineStr"><is><t xml:space="preserve">=1+1</t>"#), "a formula in a numeric column is text")
        #expect(sheet.contains("<v>-130.00</v>"))
    }

    @Test func c1ControlsAndBidiOverridesBecomeReplacementCharactersInEveryOutputPath() {
        let disguised = "a\u{80}b\u{9F}c\u{202E}d\u{202A}e\u{2066}f\u{2069}g\u{200F}h–i"
        let shown = "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\u{FFFD}f\u{FFFD}g\u{200F}h–i"
        #expect(String(decoding: OutputText.bytes(disguised), as: UTF8.self) == shown)
        #expect(xmlEscaped(disguised) == shown)
        #expect(Markdown.text(disguised) == shown)
        let sheet = Workbook.worksheet(ReportTable(columns: [ReportColumn("Name")], rows: [[disguised]]))
        #expect(sheet.contains(shown) && !sheet.contains("\u{202E}") && !sheet.contains("\u{80}"), "\(sheet)")
    }

    @Test func terminalTablesAndFactsShowLineBreaksInsideACellAsSpaces() {
        let table = ReportTable(columns: [ReportColumn("Name"), ReportColumn("Users", .number)], rows: [["Evil\r\nInjected\rrow\nhere\u{2028}x", "1"]])
        for width in [nil, 30] as [Int?] {
            let report = Report(sections: [[.table(table, headingLevel: 2), .facts([ReportFact("Role", "a\nb")])]], csvTable: nil, jsonBody: [String]())
            let text = TerminalRenderer(width: width).render(report)
            #expect(!text.contains("\r") && !text.contains("\u{2028}"), "\(text)")
            #expect(text.components(separatedBy: "\n").contains { $0.hasPrefix("Evil Injected row") }, "\(text)")
            #expect(text.contains("Role: a b"), "\(text)")
        }
    }

    @Test func xmlTextEscapesMarkupAndReplacesWhatXMLForbids() {
        #expect(xmlEscaped("<a href=\"x\">'&'</a>\u{0}\u{FFFE}") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\u{FFFD}\u{FFFD}")
    }
}
