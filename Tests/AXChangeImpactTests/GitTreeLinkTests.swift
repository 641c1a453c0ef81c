import AXChangeImpact
import AXModel
import AXReading
import Foundation
import Testing

/// Item 13 of issue 12: a tree read from a git revision cannot lead the read out of it through committed links.
@Suite struct GitTreeLinkTests {
    func git(_ arguments: [String], in folder: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=axlicense", "-c", "user.email=axlicense@example.invalid", "-c", "commit.gpgsign=false"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "git \(arguments)")
    }

    /// A repository whose metadata folder holds one duty and links to /etc and out of the repository, and whose
    /// `Linked` folder is itself a link to /etc.
    func repository() throws -> String {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("axl-git-\(UUID().uuidString)").path
        let duties = repo + "/Metadata/P/M/AxSecurityDuty"
        try FileManager.default.createDirectory(atPath: duties, withIntermediateDirectories: true)
        try "<AxSecurityDuty><Name>A</Name></AxSecurityDuty>".write(toFile: duties + "/A.xml", atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: repo + "/Metadata/etc", withDestinationPath: "/etc")
        try FileManager.default.createSymbolicLink(atPath: repo + "/Metadata/up", withDestinationPath: "../..")
        try FileManager.default.createSymbolicLink(atPath: duties + "/Passwd.xml", withDestinationPath: "/etc/passwd")
        try FileManager.default.createSymbolicLink(atPath: repo + "/Linked", withDestinationPath: "/etc")
        try git(["init", "-q"], in: repo)
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "links"], in: repo)
        return repo
    }

    @Test func committedLinksOutOfTheMetadataFolderAreWarningsAndNotFollowed() throws {
        let repo = try repository()
        defer { try? FileManager.default.removeItem(atPath: repo) }
        let tree = try MaterializedTree.materialize(.git(revision: "HEAD", path: "Metadata"), in: repo)
        defer { tree.cleanUp() }
        let snapshot = try MetadataLoader().load(root: tree.root)
        #expect(snapshot.fileCount == 1)
        #expect(snapshot.diagnostics.map(\.code) == [.linkOutsideTree, .linkOutsideTree, .linkOutsideTree])
        #expect(snapshot.diagnostics.map { tree.displayPath($0.location!.file) } == ["Metadata/P/M/AxSecurityDuty/Passwd.xml", "Metadata/etc", "Metadata/up"])
    }

    @Test func aRevisionPathThatIsALinkOutOfTheRevisionIsRefused() throws {
        let repo = try repository()
        defer { try? FileManager.default.removeItem(atPath: repo) }
        #expect {
            try MaterializedTree.materialize(.git(revision: "HEAD", path: "Linked"), in: repo)
        } throws: { error in
            (error as? GitSourceError)?.message == "'Linked' at HEAD is a symbolic link that leads outside the revision; refused"
        }
    }
}
