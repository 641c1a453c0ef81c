import Foundation

/// What a finished child process printed and returned.
package struct RunResult: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String
}

/// Runs `executable` in `directory` (the package root unless given) and waits for it, reading both pipes before
/// waiting so that a large output cannot fill a pipe and block the child.
package func run(_ executable: String, _ arguments: [String], in directory: URL = packageRoot) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A failed `git` command in a test's own repository: the arguments and what git printed.
package struct GitCommandFailed: Error, CustomStringConvertible {
    package var arguments: [String]
    package var stderr: String
    package var description: String { "git \(arguments.joined(separator: " ")) failed: \(stderr)" }
}

/// Runs `git` in `directory` with a fixed identity and no signing, so commits made by tests work on any machine
/// whatever its git configuration; throws when git fails.
package func git(_ arguments: [String], in directory: URL) throws {
    let identity = ["-c", "user.name=axlicense", "-c", "user.email=axlicense@example.invalid", "-c", "commit.gpgsign=false"]
    let result = try run("/usr/bin/env", ["git"] + identity + arguments, in: directory)
    if result.status != 0 { throw GitCommandFailed(arguments: arguments, stderr: result.stderr) }
}

/// A git repository in a fresh temporary folder holding a copy of the sample workspace, committed once: the CI gate's
/// setting (`diff --base git:HEAD --head .`) with real inputs. Keep the folder alive while the repository is used.
package func sampleRepository() throws -> (folder: TemporaryFolder, repo: URL) {
    let folder = TemporaryFolder()
    let repo = folder.url.appendingPathComponent("repo")
    try FileManager.default.copyItem(at: sampleWorkspaceFolder, to: repo)
    try git(["init", "-q"], in: repo)
    try git(["add", "-A"], in: repo)
    try git(["commit", "-q", "-m", "sample"], in: repo)
    return (folder, repo)
}
