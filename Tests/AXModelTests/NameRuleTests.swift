import AXModel
import AXReading
import Foundation
import Testing

/// One rule for names (issue 12, item 9): NFC normalisation and full case folding, everywhere.
@Suite struct NameKeyTests {
    @Test func precomposedAndDecomposedSpellingsHaveOneKey() {
        let nfc = "Caf\u{E9}", nfd = "Cafe\u{301}"
        #expect(Array(nfc.utf8) != Array(nfd.utf8))
        #expect(NameKey(nfc) == NameKey(nfd))
        #expect(Array(NameKey(nfd).text.utf8) == Array("caf\u{E9}".utf8))
    }

    @Test func caseIsFoldedNotJustLowered() {
        #expect(NameKey("STRASSE") == NameKey("Straße"))
        #expect(NameKey("\u{212A}elvin") == NameKey("kelvin"))  // KELVIN SIGN
        #expect(NameKey("ΣΑΣ") == NameKey("σας"))
    }

    @Test func asciiNamesAreLoweredAndOtherwiseKept() {
        #expect(NameKey("LedgerJournalTable_Maintain-2").text == "ledgerjournaltable_maintain-2")
        #expect(NameKey("already lower").text == "already lower")
        #expect(NameKey("A") != NameKey("B"))
    }
}

/// Extension names (issue 12, item 11): only `<Base>.<Suffix>` with both parts non-empty extends Base.
@Suite struct ExtensionNameTests {
    let origin = ModelOrigin(package: "P", model: "M")
    let at = SourceLocation(file: "x.xml", line: 1)

    func graph(dutyExtension name: String) -> SecurityGraph {
        let objects: [LoadedObject] = [
            LoadedObject(object: .privilege(SecurityPrivilege(name: "Extra", origin: origin, location: at)), file: "p.xml"),
            LoadedObject(object: .duty(SecurityDuty(name: "X", origin: origin, location: at)), file: "d.xml"),
            LoadedObject(object: .dutyExtension(DutyExtension(name: name, privileges: [ObjectReference(name: "Extra", location: at)], origin: origin, location: at)), file: "e.xml"),
        ]
        return SecurityGraph(MetadataSnapshot(objects: objects, diagnostics: [], fileCount: objects.count))
    }

    func graph(roleExtension name: String) -> SecurityGraph {
        let objects: [LoadedObject] = [
            LoadedObject(object: .privilege(SecurityPrivilege(name: "Extra", origin: origin, location: at)), file: "p.xml"),
            LoadedObject(object: .role(SecurityRole(name: "X", origin: origin, location: at)), file: "r.xml"),
            LoadedObject(object: .roleExtension(RoleExtension(name: name, contents: RoleContents(privileges: [ObjectReference(name: "Extra", location: at)]), origin: origin, location: at)), file: "e.xml"),
        ]
        return SecurityGraph(MetadataSnapshot(objects: objects, diagnostics: [], fileCount: objects.count))
    }

    @Test(arguments: [".X", "..X", "X.", "X", ".", "", ".X.Y"])
    func aNameWithoutBaseAndSuffixExtendsNothingAndIsWarned(name: String) {
        let duties = graph(dutyExtension: name)
        #expect(duties.dutyPrivileges == [[]])
        #expect(duties.diagnostics.map(\.code) == [.malformedExtensionName])
        let roles = graph(roleExtension: name)
        #expect(roles.roleEffectivePrivileges == [[]])
        #expect(roles.diagnostics.map(\.code) == [.malformedExtensionName])
    }

    /// D365FO names extensions `<Base>.<Suffix>`; AOT names hold no dots, so the base is what precedes the first one
    /// and the suffix may hold more (`X.Contoso.Finance` extends `X`).
    @Test(arguments: ["X.Contoso", "x.Contoso", "X.Contoso.Finance", "X..Y"])
    func baseDotSuffixExtendsTheBase(name: String) {
        let duties = graph(dutyExtension: name)
        #expect(duties.dutyPrivileges == [[0]])
        #expect(duties.diagnostics.isEmpty)
        let roles = graph(roleExtension: name)
        #expect(roles.roleEffectivePrivileges == [[0]])
        #expect(roles.diagnostics.isEmpty)
    }
}
