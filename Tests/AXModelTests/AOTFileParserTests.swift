import AXModel
import AXReading
import Foundation
import Testing

@Suite struct AOTFileParserTests {
    let origin = ModelOrigin(package: "P", model: "M")

    func parse(_ xml: String, _ type: AOTObjectType) throws -> AOTFileParser.Output {
        try AOTFileParser.parse(xml, file: "test.xml", type: type, origin: origin)
    }

    @Test func readsAPrivilegeWithGrantsFormsAndDataEntities() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>\r
            <AxSecurityPrivilege xmlns:i="http://www.w3.org/2001/XMLSchema-instance">\r
            \t<Name>VendTableView</Name>\r
            \t<Label>@AccountsPayable:View</Label>\r
            \t<DataEntityPermissions>\r
            \t\t<AxSecurityDataEntityPermission>\r
            \t\t\t<Grant><Read>Allow</Read></Grant>\r
            \t\t\t<Name>VendVendorV2Entity</Name>\r
            \t\t</AxSecurityDataEntityPermission>\r
            \t</DataEntityPermissions>\r
            \t<EntryPoints>\r
            \t\t<AxSecurityEntryPointReference>\r
            \t\t\t<Name>VendTableListPage</Name>\r
            \t\t\t<Grant>\r
            \t\t\t\t<Read xmlns="">Allow</Read>\r
            \t\t\t\t<Update xmlns="">Deny</Update>\r
            \t\t\t</Grant>\r
            \t\t\t<ObjectChildName>Child</ObjectChildName>\r
            \t\t\t<ObjectName>VendTableListPage</ObjectName>\r
            \t\t\t<ObjectType>MenuItemDisplay</ObjectType>\r
            \t\t\t<Forms />\r
            \t\t</AxSecurityEntryPointReference>\r
            \t\t<AxSecurityEntryPointReference>\r
            \t\t\t<Name>NoGrant</Name>\r
            \t\t\t<ObjectName>NoGrant</ObjectName>\r
            \t\t\t<ObjectType>ServiceOperation</ObjectType>\r
            \t\t</AxSecurityEntryPointReference>\r
            \t</EntryPoints>\r
            </AxSecurityPrivilege>\r

            """
        let output = try parse(xml, .securityPrivilege)
        guard case .privilege(let privilege) = output.object else { Issue.record("not a privilege"); return }
        #expect(privilege.name == "VendTableView")
        #expect(privilege.label == "@AccountsPayable:View")
        #expect(privilege.entryPoints.count == 2)
        let first = privilege.entryPoints[0]
        #expect(first.objectName == "VendTableListPage" && first.objectChildName == "Child")
        #expect(first.objectType == .menuItemDisplay)
        #expect(first.grant[.read] == .allow && first.grant[.update] == .deny && first.grant[.create] == .unset)
        #expect(first.grant.allowedRights == [.read])
        #expect(first.location.line == 12)
        #expect(privilege.entryPoints[1].grant.allowedRights.isEmpty)
        #expect(privilege.entryPoints[1].objectType == .other("ServiceOperation"))
        #expect(privilege.dataEntityPermissions.map(\.name) == ["VendVendorV2Entity"])
        #expect(output.diagnostics.isEmpty)
    }

    @Test func readsAMenuItemInTheDefaultNamespace() throws {
        let xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <AxMenuItemDisplay xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="Microsoft.Dynamics.AX.Metadata.V1">
            \t<Name>LedgerJournalTable</Name>
            \t<Label>General journals</Label>
            \t<MaintainUserLicense>Enterprise</MaintainUserLicense>
            \t<Object>LedgerJournalTable</Object>
            \t<ViewUserLicense>Universal</ViewUserLicense>
            </AxMenuItemDisplay>
            """
        guard case .menuItem(let item) = try parse(xml, .menuItemDisplay).object else { Issue.record("not a menu item"); return }
        #expect(item.kind == .display)
        #expect(item.viewLicense == "Universal")
        #expect(item.maintainLicense == "Enterprise")
    }

    @Test func absentLicensePropertiesAreEmpty() throws {
        let xml = "<AxMenuItemAction xmlns=\"Microsoft.Dynamics.AX.Metadata.V1\"><Name>X</Name></AxMenuItemAction>"
        guard case .menuItem(let item) = try parse(xml, .menuItemAction).object else { Issue.record("not a menu item"); return }
        #expect(item.viewLicense.isEmpty && item.maintainLicense.isEmpty)
    }

    @Test func readsARoleWithDutiesPrivilegesAndSubRolesWithLines() throws {
        let xml = """
            <AxSecurityRole xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
            \t<Name>Clerk</Name>
            \t<Description>Does things</Description>
            \t<Label>Clerk</Label>
            \t<Duties>
            \t\t<AxSecurityDutyReference>
            \t\t\t<Name>D1</Name>
            \t\t</AxSecurityDutyReference>
            \t</Duties>
            \t<Privileges>
            \t\t<AxSecurityPrivilegeReference><Name>P1</Name></AxSecurityPrivilegeReference>
            \t</Privileges>
            \t<SubRoles>
            \t\t<AxSecurityRoleReference><Name>Sub</Name></AxSecurityRoleReference>
            \t</SubRoles>
            </AxSecurityRole>
            """
        guard case .role(let role) = try parse(xml, .securityRole).object else { Issue.record("not a role"); return }
        #expect(role.contents.duties.map(\.name) == ["D1"])
        #expect(role.contents.duties[0].location.line == 7)
        #expect(role.contents.privileges.map(\.name) == ["P1"])
        #expect(role.contents.subRoles.map(\.name) == ["Sub"])
        #expect(role.description == "Does things")
    }

    @Test func extensionNamesGiveTheirBaseObject() throws {
        let xml = "<AxSecurityRoleExtension><Name>AccountsPayableClerk.Contoso</Name><Duties><AxSecurityDutyReference><Name>X</Name></AxSecurityDutyReference></Duties></AxSecurityRoleExtension>"
        guard case .roleExtension(let ext) = try parse(xml, .securityRoleExtension).object else { Issue.record("not an extension"); return }
        #expect(ext.baseName == "AccountsPayableClerk")
        #expect(ext.contents.duties.map(\.name) == ["X"])
    }

    @Test func malformedXmlThrowsWithLineAndColumn() {
        #expect {
            try parse("<AxSecurityDuty>\n<Name>X</Name>\n<Privileges>\n</AxSecurityDuty>", .securityDuty)
        } throws: { error in
            guard let error = error as? XMLSyntaxError else { return false }
            return error.line == 4 && error.column != nil && error.message.contains("mismatch")
        }
    }

    @Test func doctypeIsRefused() {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<AxSecurityDuty><Name>&b;</Name></AxSecurityDuty>"
        #expect(throws: XMLSyntaxError.self) { try parse(xml, .securityDuty) }
    }

    @Test func externalEntityIsRefused() {
        let xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<AxSecurityDuty><Name>&x;</Name></AxSecurityDuty>"
        #expect(throws: XMLSyntaxError.self) { try parse(xml, .securityDuty) }
    }

    @Test func wrongRootElementIsSkippedWithAWarning() throws {
        let output = try parse("<AxSecurityDuty><Name>X</Name></AxSecurityDuty>", .securityRole)
        #expect(output.object == nil)
        #expect(output.diagnostics.map(\.code) == [.unexpectedRootElement])
    }

    @Test func missingNameIsSkippedWithAWarning() throws {
        let output = try parse("<AxSecurityDuty><Label>X</Label></AxSecurityDuty>", .securityDuty)
        #expect(output.object == nil)
        #expect(output.diagnostics.map(\.code) == [.missingName])
    }

    @Test func unknownGrantValueIsAWarningAndNotAllowed() throws {
        let xml = "<AxSecurityPrivilege><Name>P</Name><EntryPoints><AxSecurityEntryPointReference><Grant><Read>Sometimes</Read></Grant><ObjectName>X</ObjectName><ObjectType>MenuItemDisplay</ObjectType></AxSecurityEntryPointReference></EntryPoints></AxSecurityPrivilege>"
        let output = try parse(xml, .securityPrivilege)
        guard case .privilege(let privilege) = output.object else { Issue.record("not a privilege"); return }
        #expect(privilege.entryPoints[0].grant.allowedRights.isEmpty && privilege.entryPoints[0].grant[.read] == .unset)
        #expect(output.diagnostics.map(\.code) == [.unknownGrantValue])
    }

    @Test func utf8BomAndUtf16WithBomAreRead() throws {
        let xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?><AxSecurityDuty><Name>Dütÿ</Name></AxSecurityDuty>"
        let withBOM = [UInt8]([0xEF, 0xBB, 0xBF]) + Array(xml.utf8)
        let utf16 = [UInt8]([0xFF, 0xFE]) + xml.replacingOccurrences(of: "utf-8", with: "utf-16").utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        for bytes in [withBOM, utf16] {
            let output = try bytes.withUnsafeBytes { try AOTFileParser.parse($0, file: "t.xml", type: .securityDuty, origin: origin) }
            guard case .duty(let duty) = output.object else { Issue.record("not a duty"); return }
            #expect(duty.name == "Dütÿ")
        }
    }

    @Test func invalidUtf8IsAnErrorWithItsLine() {
        var bytes = Array("<AxSecurityDuty>\n<Name>".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("</Name></AxSecurityDuty>".utf8)
        #expect {
            try bytes.withUnsafeBytes { try AOTFileParser.parse($0, file: "t.xml", type: .securityDuty, origin: origin) }
        } throws: { error in
            (error as? XMLSyntaxError)?.line == 2
        }
    }
}
