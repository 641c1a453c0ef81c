import AXChangeImpact
import AXLicensing
import AXModel
import AXReading
import AXTestSupport
import Foundation
import Testing

/// Issue 15: `diff` with a git base reads the revision from the object store and reuses the head's parse of unchanged
/// files; the result must be exactly what reading both trees whole would give.
@Suite struct GitBaseTests {
    static let employee = "Metadata/ApplicationSuite/Foundation/AxSecurityRole/Employee.xml"

    /// The impact of the working folder `repo/Metadata` (or `head`) against `base`, as `diff` computes it.
    func impact(_ repo: URL, base: String, head: String? = nil, method: MethodSelection = .legacy) throws -> LicenseImpact {
        let sides = try TreeSides.read(base: TreeSource(base), head: TreeSource(head ?? repo.path + "/Metadata"), in: repo.path)
        func load(_ tree: TreeSnapshot) throws -> LoadedWorkspace {
            try LoadedWorkspace.load(WorkspacePaths(workspace: repo.path, metadata: tree.root), users: .unused, keepGoing: false, method: method, metadata: tree.snapshot)
        }
        let before = try load(sides.base), after = try load(sides.head)
        return LicenseImpact(base: before.engine, head: after.engine, users: nil, baseRoot: sides.base.root, headRoot: sides.head.root,
                             baseDisplayPath: sides.base.displayPath, headDisplayPath: sides.head.displayPath)
    }

    /// Adds a reference to duty `SalesOrdersMaintain` to the Employee role (its `<Name>` lands on line 12).
    func addSalesOrdersMaintain(_ repo: URL) throws {
        let file = repo.appendingPathComponent(Self.employee)
        let text = try String(contentsOf: file, encoding: .utf8)
        let reference = "\t<AxSecurityDutyReference>\n\t\t\t<Name>SalesOrdersMaintain</Name>\n\t\t</AxSecurityDutyReference>\n\t</Duties>"
        try text.replacingOccurrences(of: "</Duties>", with: reference).write(to: file, atomically: true, encoding: .utf8)
    }

    @Test(arguments: [MethodSelection.legacy, .objects])
    func aNoChangeDiffAgainstHeadIsCleanWithNoNewDiagnostics(method: MethodSelection) throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        let result = try impact(repo, base: "git:HEAD:Metadata", method: method)
        // The sample's SKU map and object-license data carry warnings: the same on both sides, so none is new.
        #expect(result.newDiagnostics.isEmpty)
        #expect(!result.hasLicenseImpact)
        #expect(result.roles.isEmpty && result.duties.isEmpty && result.privileges.isEmpty)
        #expect(result.isComplete)
    }

    @Test func aRevisionReadGivesWhatTheFolderReadOfTheSameCommitGives() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        let root = repo.path + "/Metadata"
        let fromFolder = try MetadataLoader().load(root: root)
        let fromRevision = try MetadataLoader().load(revision: GitRevisionTree.open("HEAD", path: "Metadata", in: repo.path), root: root)
        #expect(fromRevision.fileCount == fromFolder.fileCount)
        #expect(fromRevision.objects.map(\.file) == fromFolder.objects.map(\.file))
        #expect(fromRevision.objects.map(\.object) == fromFolder.objects.map(\.object))
        #expect(fromRevision.diagnostics == fromFolder.diagnostics)
    }

    @Test func uncommittedStagedUntrackedAndDeletedChangesAreSeen() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        // Unstaged: Employee gains a duty. Staged: a role file deleted. Untracked: a new role.
        try addSalesOrdersMaintain(repo)
        try git(["rm", "-q", "Metadata/ApplicationSuite/Foundation/AxSecurityRole/HRAssistant.xml"], in: repo)
        let added = repo.appendingPathComponent("Metadata/ApplicationSuite/Foundation/AxSecurityRole/NewClerk.xml")
        try "<AxSecurityRole><Name>NewClerk</Name></AxSecurityRole>".write(to: added, atomically: true, encoding: .utf8)
        let result = try impact(repo, base: "git:HEAD:Metadata")
        #expect(result.roleChanges.map(\.role) == ["Employee"])
        #expect(result.roles.added == ["NewClerk"])
        #expect(result.roles.removed == ["HRAssistant"])
        // The staged change alone, with the rest undone, is seen too.
        try git(["checkout", "-q", "--", Self.employee], in: repo)
        try FileManager.default.removeItem(at: added)
        let staged = try impact(repo, base: "git:HEAD:Metadata")
        #expect(staged.roleChanges.isEmpty && staged.roles.added.isEmpty && staged.roles.removed == ["HRAssistant"])
    }

    /// The working tree's changes come from one `git diff`: a file of the revision that the index no longer tracks
    /// (`git rm --cached`), changed on disk and ignored, is still a changed file, not one whose parse is reused.
    @Test func aRevisionFileTheIndexNoLongerTracksIsComparedNotReused() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        try git(["rm", "-q", "--cached", Self.employee], in: repo)
        try "Employee.xml\n".write(to: repo.appendingPathComponent("Metadata/ApplicationSuite/Foundation/AxSecurityRole/.gitignore"), atomically: true, encoding: .utf8)
        try addSalesOrdersMaintain(repo)
        let result = try impact(repo, base: "git:HEAD:Metadata")
        #expect(result.roleChanges.map(\.role) == ["Employee"])
        #expect(result.roles.isEmpty)
    }

    @Test func theCauseOfAGainedDutyIsTheRoleFileAndLineOfTheReference() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        try addSalesOrdersMaintain(repo)
        try git(["commit", "-q", "-a", "-m", "Employee maintains sales orders"], in: repo)
        for head in [nil, "git:HEAD:Metadata"] {
            let result = try impact(repo, base: "git:HEAD~1:Metadata", head: head)
            let change = try #require(result.roleChanges.only)
            #expect(change.classification == .escalation)
            #expect(!change.causes.isEmpty)
            for cause in change.causes {
                #expect(cause.kind == .privilegeAdded)
                #expect(cause.location?.file.hasSuffix(Self.employee) == true, "\(String(describing: cause.location))")
                #expect(cause.location?.line == 12)
            }
        }
    }

    @Test func aRenamedFileIsNotAnAddAndARemove() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        // Moved to another model and renamed on disk; the role inside is the same.
        try FileManager.default.createDirectory(at: repo.appendingPathComponent("Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole"), withIntermediateDirectories: true)
        try git(["mv", Self.employee, "Metadata/ContosoExtensions/ContosoSecurity/AxSecurityRole/Employee.xml"], in: repo)
        for (base, head) in [("git:HEAD:Metadata", nil), ("git:HEAD~1:Metadata", "git:HEAD:Metadata")] {
            if head != nil { try git(["commit", "-q", "-m", "moved"], in: repo) }
            let result = try impact(repo, base: base, head: head)
            #expect(result.roles.isEmpty, "\(base) → \(head ?? "working folder")")
            #expect(!result.hasLicenseImpact)
            #expect(result.newDiagnostics.isEmpty)
        }
    }

    @Test func aCommittedLinkToAFileInsideIsReadAsItsTarget() throws {
        let (folder, repo) = try sampleRepository()
        _ = folder
        let roles = "Metadata/ApplicationSuite/Foundation/AxSecurityRole"
        try FileManager.default.moveItem(atPath: repo.path + "/" + Self.employee, toPath: repo.path + "/Metadata/Employee.source")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/" + Self.employee, withDestinationPath: "../../../Employee.source")
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/\(roles)/Outside.xml", withDestinationPath: "/etc/passwd")
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "links"], in: repo)
        let root = repo.path + "/Metadata"
        let fromFolder = try MetadataLoader().load(root: root)
        let fromRevision = try MetadataLoader().load(revision: GitRevisionTree.open("HEAD", path: "Metadata", in: repo.path), root: root)
        #expect(fromRevision.objects.map(\.object) == fromFolder.objects.map(\.object))
        #expect(fromRevision.diagnostics == fromFolder.diagnostics)
        #expect(fromRevision.diagnostics.map(\.code) == [.linkOutsideTree])
    }

    @Test func eachGitFailureIsOneClearError() throws {
        let (folder, repo) = try sampleRepository()
        let outside = TemporaryFolder()
        func message(_ revision: String, _ path: String?, in directory: String) -> String? {
            do {
                _ = try GitRevisionTree.open(revision, path: path, in: directory)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(message("HEAD", nil, in: outside.path) == "git:HEAD: error: '\(outside.path)' is not inside a git repository")
        #expect(message("nosuchbranch", nil, in: repo.path)?.hasPrefix("git:nosuchbranch: error: 'nosuchbranch' is not a commit in the repository at ") == true)
        #expect(message("--output=x", nil, in: repo.path)?.contains("is not a commit") == true)
        #expect(message("HEAD", "NoSuchFolder", in: repo.path) == "git:HEAD:NoSuchFolder: error: 'NoSuchFolder' does not exist at HEAD")
        #expect(message("HEAD", "users.csv", in: repo.path)?.contains("'users.csv' at HEAD is not a folder") == true)
        #expect(throws: GitSourceError.self) { try GitProcess.run("axlicense-no-such-tool", [], in: folder.path, spec: "git:HEAD", failure: nil) }
        do {
            _ = try GitProcess.run("axlicense-no-such-tool", [], in: folder.path, spec: "git:HEAD", failure: nil)
        } catch {
            #expect((error as? GitSourceError)?.message == "axlicense-no-such-tool is not installed or not on PATH; it is needed to read git: trees")
        }
    }
}
