import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

@Suite struct MetadataLoaderTests {
    func duty(_ name: String, privileges: [String] = []) -> String {
        "<AxSecurityDuty xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\"><Name>\(name)</Name><Privileges>"
            + privileges.map { "<AxSecurityPrivilegeReference><Name>\($0)</Name></AxSecurityPrivilegeReference>" }.joined()
            + "</Privileges></AxSecurityDuty>"
    }

    @Test func packagesLocalDirectoryGivesPackageAndModel() throws {
        let tree = TemporaryFolder()
        tree.write("ApplicationSuite/Foundation/AxSecurityDuty/A.xml", duty("A"))
        tree.write("Contoso/ContosoSecurity/AxSecurityDuty/B.xml", duty("B"))
        tree.write("Contoso/bin/AxSecurityDuty/Compiled.xml", duty("Compiled"))
        tree.write("Contoso/ContosoSecurity/AxClass/Ignored.xml", "<AxClass><Name>Ignored</Name></AxClass>")
        let snapshot = try MetadataLoader().load(root: tree.path)
        let graph = SecurityGraph(snapshot)
        #expect(graph.duties.map(\.name) == ["A", "B"])
        #expect(graph.duties[0].origin == ModelOrigin(package: "ApplicationSuite", model: "Foundation"))
        #expect(graph.duties[1].origin == ModelOrigin(package: "Contoso", model: "ContosoSecurity"))
        #expect(snapshot.fileCount == 2)
    }

    /// An object file is `Name.xml` in any case; hidden files and other endings are not read.
    @Test func onlyVisibleFilesEndingInDotXMLInAnyCaseAreRead() throws {
        let tree = TemporaryFolder()
        for name in ["A.xml", "B.XML", "C.XmL", ".Hidden.xml", ".xml", "D.xmlx", "E.xm", "Fxml", "G.txt", "H.xmk", "I.xnl"] {
            tree.write("P/M/AxSecurityDuty/\(name)", duty(String(name.prefix { $0 != "." }).isEmpty ? "Dot" : String(name.prefix { $0 != "." })))
        }
        tree.write("P/M/AxSecurityRole/R.xml", "<AxSecurityRole><Name>R</Name></AxSecurityRole>")
        let snapshot = try MetadataLoader().load(root: tree.path)
        #expect(SecurityGraph(snapshot).duties.map(\.name) == ["A", "B", "C"])
        #expect(SecurityGraph(snapshot).roles.first?.origin == ModelOrigin(package: "P", model: "M"))
        #expect(snapshot.fileCount == 4)
    }

    @Test func aFolderOfAxFoldersIsItsOwnModel() throws {
        let tree = TemporaryFolder()
        tree.write("MyModel/AxSecurityDuty/A.xml", duty("A"))
        let snapshot = try MetadataLoader().load(root: tree.path + "/MyModel")
        #expect(SecurityGraph(snapshot).duties.first?.origin.model == "MyModel")
    }

    @Test func malformedFileIsAnErrorDiagnosticWithLineAndTheRestIsRead() throws {
        let tree = TemporaryFolder()
        tree.write("P/M/AxSecurityDuty/Good.xml", duty("Good"))
        tree.write("P/M/AxSecurityDuty/Bad.xml", "<AxSecurityDuty>\n<Name>Bad</Name>\n<Privileges>\n</AxSecurityDuty>\n")
        tree.write("P/M/AxSecurityDuty/Empty.xml", "")
        let graph = SecurityGraph(try MetadataLoader().load(root: tree.path))
        #expect(graph.isIncomplete)
        let errors = graph.diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 2)
        #expect(errors.allSatisfy { $0.code == .malformedFile })
        let bad = errors.first { $0.location?.file.hasSuffix("Bad.xml") == true }
        #expect(bad?.location?.line == 4)
        #expect(graph.duties.map(\.name) == ["Good"])
    }

    @Test func filesBiggerThanTheReadBufferAreReadWhole() throws {
        let tree = TemporaryFolder()
        let manyPrivileges = (0..<4_000).map { "Privilege\($0)" }
        tree.write("P/M/AxSecurityDuty/A.xml", duty("A"))
        tree.write("P/M/AxSecurityDuty/B.xml", duty("B", privileges: manyPrivileges))  // ~300 KB
        tree.write("P/M/AxSecurityDuty/C.xml", duty("C", privileges: ["Last"]))
        let snapshot = try MetadataLoader(concurrency: 1).load(root: tree.path)
        #expect(snapshot.diagnostics.isEmpty)
        let duties = snapshot.objects.compactMap { if case .duty(let duty) = $0.object { duty } else { nil } }
        #expect(duties.map(\.name) == ["A", "B", "C"])
        #expect(duties[1].privileges.map(\.name) == manyPrivileges)
        #expect(duties[2].privileges.map(\.name) == ["Last"])
    }

    @Test func fileOverTheSizeLimitIsAnUnreadableFileAndTheRestIsRead() throws {
        let tree = TemporaryFolder()
        tree.write("P/M/AxSecurityDuty/A.xml", duty("A"))
        let huge = tree.path + "/P/M/AxSecurityDuty/Huge.xml"
        #expect(FileManager.default.createFile(atPath: huge, contents: Data(duty("Huge").utf8)))
        let handle = try #require(FileHandle(forWritingAtPath: huge))
        try handle.truncate(atOffset: 65 * 1_048_576)  // sparse: nothing is written
        try handle.close()
        let graph = SecurityGraph(try MetadataLoader().load(root: tree.path))
        #expect(graph.duties.map(\.name) == ["A"])
        let errors = graph.diagnostics.filter { $0.severity == .error }
        #expect(errors.map(\.code) == [.unreadableFile])
        #expect(errors.first?.message == "file cannot be read: larger than 64 MiB; not an AOT metadata file")
        #expect(errors.first?.location?.file == huge)
    }

    @Test func missingFolderIsAnError() {
        #expect(throws: MetadataLoadError.missingFolder("/nonexistent/x")) { try MetadataLoader().load(root: "/nonexistent/x") }
    }

    @Test func symlinkLoopTerminates() throws {
        let tree = TemporaryFolder()
        tree.write("P/M/AxSecurityDuty/A.xml", duty("A"))
        try FileManager.default.createSymbolicLink(atPath: tree.path + "/P/M/loop", withDestinationPath: tree.path + "/P")
        let snapshot = try MetadataLoader().load(root: tree.path)
        #expect(snapshot.objects.count == 1)
    }

    @Test func parallelLoadEqualsSequentialLoad() throws {
        let tree = TemporaryFolder()
        for index in 0..<200 {
            tree.write("P\(index % 5)/M/AxSecurityDuty/D\(index).xml", duty("D\(index)", privileges: ["P\(index)"]))
        }
        let sequential = SecurityGraph(try MetadataLoader(concurrency: 1).load(root: tree.path))
        let parallel = SecurityGraph(try MetadataLoader(concurrency: 4).load(root: tree.path))
        #expect(sequential.duties == parallel.duties)
        #expect(sequential.diagnostics == parallel.diagnostics)
    }
}

/// The order that decides which of two definitions wins: file paths by UTF-8 bytes, whatever the thread count.
@Suite struct PathOrderTests {
    @Test(arguments: [1, 2])
    func objectsComeInPathByteOrder(concurrency: Int) throws {
        let tree = TemporaryFolder()
        // '-' (0x2D) sorts before '/' (0x2F), upper case before lower case, ASCII before 'é'.
        let models = ["P/A", "P/A-b", "P/B", "P/a", "P/é"]
        for model in models.reversed() {
            tree.write("\(model)/AxSecurityDuty/Same.xml", "<AxSecurityDuty><Name>Same</Name></AxSecurityDuty>")
            tree.write("\(model)/AxSecurityDuty/same2.XML", "<AxSecurityDuty><Name>Same2</Name></AxSecurityDuty>")
        }
        let snapshot = try MetadataLoader(concurrency: concurrency).load(root: tree.path)
        let relative = snapshot.objects.map { String($0.file.dropFirst(tree.path.count + 1)) }
        #expect(relative == ["P/A-b", "P/A", "P/B", "P/a", "P/é"].flatMap { ["\($0)/AxSecurityDuty/Same.xml", "\($0)/AxSecurityDuty/same2.XML"] })
    }
}
