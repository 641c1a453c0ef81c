import AXTestSupport
import Foundation
import Testing

/// The state database, input files and output paths that are not what they should be: a folder, a FIFO, a device, a
/// link out of the workspace, SQLite's side files. Each is an error naming the path, never a crash, a hang or a loss.
@Suite struct StateDatabasePathTests {
    private static let databaseCommands: [[String]] = [
        ["estimate", "--workspace", "Data/sample", "--quiet"], ["check", "--workspace", "Data/sample", "--quiet", "--fail-on", "none"],
        ["audit", "list"], ["audit", "clear"], ["history"],
    ]

    @Test(arguments: databaseCommands)
    func databasePathThatIsAFolderIsAnErrorNamingItInEveryDatabaseCommand(_ command: [String]) throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/dbdir"
        try FileManager.default.createDirectory(atPath: database, withIntermediateDirectories: true)
        let result = try run(axlicenseBinary, command + ["--db", database])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.hasPrefix("\(database): error: cannot open the state database: it is a folder, not a database file"), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Would block forever in SQLite's open before the fix: the test then never ends.
    @Test(arguments: databaseCommands)
    func databasePathThatIsAFifoIsRefusedWithoutBlocking(_ command: [String]) throws {
        let folder = TemporaryFolder()
        let fifo = folder.path + "/ff"
        #expect(mkfifo(fifo, 0o600) == 0)
        let result = try run(axlicenseBinary, command + ["--db", fifo])
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(fifo): error: cannot open the state database: it is a named pipe (FIFO), not a database file"), "\(result.stderr)")
    }

    @Test func workspaceDatabaseThatIsAFifoIsRefusedWithoutBlocking() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try FileManager.default.createDirectory(atPath: ws + "/.axlicense", withIntermediateDirectories: true)
        #expect(mkfifo(ws + "/.axlicense/state.sqlite", 0o600) == 0)
        let result = try axlicense("estimate", "--workspace", ws, "--quiet")
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(ws)/.axlicense/state.sqlite: error: cannot open the state database: it is a named pipe (FIFO)"), "\(result.stderr)")
    }

    @Test func namedDatabaseInAMissingFolderIsAnErrorAndNoFolderIsMade() throws {
        let folder = TemporaryFolder()
        let database = folder.path + "/nonexist/dir/x.sqlite"
        let result = try axlicense("estimate", "--workspace", "Data/sample", "--quiet", "--db", database)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(database): error: cannot open the state database: folder '\(folder.path)/nonexist/dir' does not exist"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/nonexist"))
        // The workspace's own folder is still made when missing.
        let ws = folder.copySample()
        #expect(try axlicense("estimate", "--workspace", ws, "--quiet").status == 0)
        #expect(FileManager.default.fileExists(atPath: ws + "/.axlicense/state.sqlite"))
    }

    @Test(arguments: ["-wal", "-shm", "-journal"])
    func outputNamingASideFileOfTheDatabaseIsRefused(_ suffix: String) throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        let database = ws + "/.axlicense/state.sqlite"
        #expect(try axlicense("estimate", "--workspace", ws, "--quiet").status == 0)
        let result = try axlicense("estimate", "--workspace", ws, "--quiet", "-o", database + suffix)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(database + suffix): error: cannot write output: it is a side file of the state database"), "\(result.stderr)")
        // Also when the database is named with --db and does not exist yet.
        let other = folder.path + "/new.sqlite"
        let fresh = try axlicense("estimate", "--workspace", ws, "--quiet", "--db", other, "-o", other + suffix)
        #expect(fresh.status == 1, "\(fresh.stderr)")
        #expect(!FileManager.default.fileExists(atPath: other + suffix))
    }
}

@Suite struct OutputPathConventionTests {
    @Test func dashAsOutputIsStandardOutputNotAFileNamedDash() throws {
        let folder = TemporaryFolder()
        let result = try run(axlicenseBinary, ["estimate", "--no-db", "--workspace", packageRoot.path + "/Data/sample", "--quiet", "-f", "json", "-o", "-"], in: folder.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("{"))
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/-"))
    }
}

@Suite struct SpecialFileInputTests {
    /// Each input option with a file of another kind: refused by its kind, before a read that would block (FIFO) or
    /// run to the size limit (`/dev/zero`).
    @Test(arguments: ["--users", "--sku-map", "--skus", "--entitlements", "--assigned", "--object-licenses"])
    func fifoOrDeviceAsAnInputFileIsRefusedByItsKind(_ flag: String) throws {
        let folder = TemporaryFolder()
        let fifo = folder.path + "/ff"
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, kind) in [(fifo, "it is a named pipe (FIFO), not a regular file"), ("/dev/zero", "it is a device, not a regular file")] {
            let command = flag == "--entitlements" || flag == "--assigned" ? ["check", "--fail-on", "none"] : ["estimate"]
            // Only the legacy method reads the SKU map (the sample's default is the per-object method).
            let method = flag == "--sku-map" ? ["--method", "legacy"] : []
            let result = try run(axlicenseBinary, command + method + ["--no-db", "--workspace", packageRoot.path + "/Data/sample", "--quiet", flag, path])
            #expect(result.status == 1)
            #expect(result.stderr.hasPrefix("\(path): error: cannot read file: \(kind)"), "\(flag) \(path): \(result.stderr)")
        }
    }
}

@Suite struct WorkspaceLinkTests {
    /// `Metadata` linking out of the workspace is refused; the same folder named with --metadata is read.
    @Test func conventionalMetadataLinkingOutsideTheWorkspaceIsRefusedButAnExplicitOneIsFollowed() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        let outside = folder.path + "/elsewhere"
        try FileManager.default.moveItem(atPath: ws + "/Metadata", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: ws + "/Metadata", withDestinationPath: outside)
        let real = try #require(URL(fileURLWithPath: outside).resolvingSymlinksInPath().path as String?)
        let refused = try axlicense("estimate", "--no-db", "--workspace", ws, "--quiet")
        #expect(refused.status == 1)
        #expect(refused.stderr.hasPrefix("\(ws)/Metadata: error: Metadata in the workspace is a link to \(real), outside the workspace; pass --metadata \(real) to read it"),
                "\(refused.stderr)")
        #expect(refused.stdout.isEmpty)
        let explicit = try axlicense("estimate", "--no-db", "--workspace", ws, "--quiet", "--metadata", ws + "/Metadata")
        #expect(explicit.status == 0, "\(explicit.stderr)")
    }

    @Test func conventionalEntitlementsLinkingOutsideTheWorkspaceIsRefused() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        try FileManager.default.moveItem(atPath: ws + "/entitlements.json", toPath: folder.path + "/ent.json")
        try FileManager.default.createSymbolicLink(atPath: ws + "/entitlements.json", withDestinationPath: folder.path + "/ent.json")
        let result = try axlicense("check", "--no-db", "--workspace", ws, "--quiet", "--fail-on", "none")
        #expect(result.status == 1)
        #expect(result.stderr.contains("entitlements.json in the workspace is a link to"), "\(result.stderr)")
        let explicit = try axlicense("check", "--no-db", "--workspace", ws, "--quiet", "--fail-on", "none", "--entitlements", ws + "/entitlements.json")
        #expect(explicit.status == 0, "\(explicit.stderr)")
    }
}

@Suite struct GenerateOutputTests {
    @Test func generateIntoAFolderThatIsNotEmptyIsRefusedAndLeavesItsFilesAlone() throws {
        let folder = TemporaryFolder()
        let ws = folder.copySample()
        let users = try Data(contentsOf: URL(fileURLWithPath: ws + "/users.csv"))
        let metadata = try FileManager.default.subpathsOfDirectory(atPath: ws + "/Metadata").sorted()
        let result = try axlicense("generate", "--scale", "small", "--output", ws)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("\(ws): error: the folder is not empty"), "\(result.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: ws + "/users.csv")) == users)
        #expect(try FileManager.default.subpathsOfDirectory(atPath: ws + "/Metadata").sorted() == metadata)
    }

    @Test func generateOntoADanglingLinkOrADeviceSaysSoInOneClearMessage() throws {
        let folder = TemporaryFolder()
        let link = folder.path + "/dangling"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: folder.path + "/missing")
        let dangling = try axlicense("generate", "--scale", "small", "--output", link)
        #expect(dangling.status == 1)
        #expect(dangling.stderr == "\(link): error: it is a symbolic link to something that does not exist; name a new or empty folder for the generated workspace\n")
        let device = try axlicense("generate", "--scale", "small", "--output", "/dev/full")
        #expect(device.status == 1)
        #expect(device.stderr == "/dev/full: error: it exists and is not a folder; name a new or empty folder for the generated workspace\n")
        #expect(!device.stderr.contains("NSCocoaErrorDomain"))
    }
}
