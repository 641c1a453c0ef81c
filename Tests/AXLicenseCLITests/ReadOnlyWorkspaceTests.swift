import AXTestSupport
import Foundation
import Testing

/// `audit list` and `history` only read the state database: they work on a workspace the user cannot write to,
/// where SQLite cannot make the side files a database in WAL mode needs. Root ignores permissions, so the commands run
/// as `nobody` through `runuser`; where the tests do not run as root (or without runuser), there is no one to
/// switch to and the test is skipped.
@Suite(.enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser")))
struct ReadOnlyWorkspaceTests {
    @Test func auditListAndHistoryReadAWorkspaceTheUserCannotWrite() throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        let check = try axlicense("check", "--workspace", workspace, "--quiet", "--today", "2026-11-23", "--fail-on", "none", "--environment", "prod")
        #expect(check.status == 0, "\(check.stderr)")
        // Readable by everyone, writable by no one (the temporary folder itself too, so nothing can be made there).
        for path in [folder.path, workspace, workspace + "/.axlicense"] { chmod(path, 0o555) }
        chmod(workspace + "/.axlicense/state.sqlite", 0o444)
        defer { for path in [folder.path, workspace, workspace + "/.axlicense"] { chmod(path, 0o755) } }
        let before = try FileManager.default.contentsOfDirectory(atPath: workspace + "/.axlicense")
        let audit = try run("/usr/sbin/runuser", ["-u", "nobody", "--", axlicenseBinary, "audit", "list", "--workspace", workspace, "--format", "csv"],
                            in: URL(fileURLWithPath: "/"))
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stdout.contains("License check") && audit.stdout.contains("prod"))
        let history = try run("/usr/sbin/runuser", ["-u", "nobody", "--", axlicenseBinary, "history", "Retail", "--workspace", workspace, "--format", "csv"],
                              in: URL(fileURLWithPath: "/"))
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("Commerce"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace + "/.axlicense") == before)
    }
}
