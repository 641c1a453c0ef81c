import AXModel
import AXReading
import AXTestSupport
import Testing

/// A property written twice in one object (issue 12, item 12): a warning, and the first value is used.
@Suite struct DuplicateElementTests {
    let origin = ModelOrigin(package: "P", model: "M")

    @Test func twoNamesInOneRoleKeepTheFirstAndWarn() throws {
        let xml = "<AxSecurityRole>\n<Name>First</Name>\n<Name>Second</Name>\n</AxSecurityRole>"
        let output = try AOTFileParser.parse(xml, file: "r.xml", type: .securityRole, origin: origin)
        guard case .role(let role)? = output.object else { Issue.record("no role"); return }
        #expect(role.name == "First")
        let warning = try #require(output.diagnostics.only)
        #expect(warning.code == .duplicateElement && warning.location?.line == 3)
        #expect(warning.message == "<Name> is written more than once in one object; the first ('First') is used, 'Second' is ignored")
    }

    @Test func twoLicenseValuesInOneMenuItemKeepTheFirst() throws {
        let xml = "<AxMenuItemDisplay><Name>M</Name><ViewUserLicense>Universal</ViewUserLicense><ViewUserLicense>Enterprise</ViewUserLicense></AxMenuItemDisplay>"
        let output = try AOTFileParser.parse(xml, file: "m.xml", type: .menuItemDisplay, origin: origin)
        guard case .menuItem(let item)? = output.object else { Issue.record("no menu item"); return }
        #expect(item.viewLicense == "Universal")
        #expect(output.diagnostics.map(\.code) == [.duplicateElement])
    }

    @Test func repeatedEntryPointPropertiesAndRightsKeepTheFirst() throws {
        let xml = """
            <AxSecurityPrivilege><Name>P</Name><EntryPoints><AxSecurityEntryPointReference>
            <Name>A</Name><ObjectName>A</ObjectName><ObjectName>B</ObjectName><ObjectType>MenuItemDisplay</ObjectType>
            <Grant><Read>Allow</Read><Update>Deny</Update><Update>Allow</Update></Grant>
            </AxSecurityEntryPointReference><AxSecurityEntryPointReference><Name>C</Name><ObjectName>C</ObjectName>
            <Grant><Update>Allow</Update></Grant></AxSecurityEntryPointReference></EntryPoints></AxSecurityPrivilege>
            """
        let output = try AOTFileParser.parse(xml, file: "p.xml", type: .securityPrivilege, origin: origin)
        guard case .privilege(let privilege)? = output.object else { Issue.record("no privilege"); return }
        #expect(privilege.entryPoints.map(\.objectName) == ["A", "C"])
        #expect(privilege.entryPoints[0].grant[.update] == .deny)
        #expect(privilege.entryPoints[1].grant[.update] == .allow)  // a new entry point starts afresh
        #expect(output.diagnostics.map(\.code) == [.duplicateElement, .duplicateElement])
    }
}
