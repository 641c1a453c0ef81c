import AXChangeImpact
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Item 13 of issue 12: a tree read from a git revision cannot lead the read out of it through committed links.
@Suite struct GitTreeLinkTests {
    /// A repository whose metadata folder holds one duty and links to /etc and out of the repository, and whose
    /// `Linked` folder is itself a link to /etc.
    func repository(in folder: TemporaryFolder) throws -> String {
        let repo = folder.path
        let duties = repo + "/Metadata/P/M/AxSecurityDuty"
        try FileManager.default.createDirectory(atPath: duties, withIntermediateDirectories: true)
        try "<AxSecurityDuty><Name>A</Name></AxSecurityDuty>".write(toFile: duties + "/A.xml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repo + "/Metadata/etc", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: repo + "/Metadata/up", withDestinationPath: "../..")
        try FileManager.default.createSymbolicLink(atPath: duties + "/Passwd.xml", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: repo + "/Linked", withDestinationPath: "/etc")
        try git(["init", "-q"], in: folder.url)
        try git(["add", "-A"], in: folder.url)
        try git(["commit", "-q", "-m", "links"], in: folder.url)
        return repo
    }

    @Test func committedLinksOutOfTheMetadataFolderAreWarningsAndNotFollowed() throws {
        let folder = TemporaryFolder()
        let repo = try repository(in: folder)
        let tree = try MaterializedTree.materialize(.git(revision: "HEAD", path: "Metadata"), in: repo)
        defer { tree.cleanUp() }
        let snapshot = try MetadataLoader().load(root: tree.root)
        #expect(snapshot.fileCount == 1)
        #expect(snapshot.diagnostics.map(\.code) == [.linkOutsideTree, .linkOutsideTree, .linkOutsideTree])
        #expect(snapshot.diagnostics.map { tree.displayPath($0.location!.file) } == ["Metadata/P/M/AxSecurityDuty/Passwd.xml", "Metadata/etc", "Metadata/up"])
    }

    @Test func aRevisionPathThatIsALinkOutOfTheRevisionIsRefused() throws {
        let folder = TemporaryFolder()
        let repo = try repository(in: folder)
        #expect {
            try MaterializedTree.materialize(.git(revision: "HEAD", path: "Linked"), in: repo)
        } throws: { error in
            (error as? GitSourceError)?.message == "'Linked' at HEAD is a symbolic link that leads outside the revision; refused"
        }
    }
}
