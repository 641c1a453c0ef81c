import Foundation
import Testing

/// The package root, for Data/ and Reports/.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The built `axlicense` executable, next to the test bundle.
let axlicenseBinary: String = {
    let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
    for folder in candidates {
        let path = folder.appendingPathComponent("axlicense").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return packageRoot.appendingPathComponent(".build/debug/axlicense").path
}()

/// What a finished run printed and returned.
struct RunResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the CLI from the package root, as a user would from a clone.
func axlicense(_ arguments: String..., in directory: URL = packageRoot) throws -> RunResult {
    try run(axlicenseBinary, arguments, in: directory)
}

func run(_ executable: String, _ arguments: [String], in directory: URL = packageRoot) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = directory
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a large output cannot fill a pipe and block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
}

/// A temporary folder, removed when the value goes away.
final class TemporaryFolder {
    let url: URL
    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("axl-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: url) }
    var path: String { url.path }

    /// Copies the sample workspace here, to break it in one place.
    func copySample() -> String {
        let target = url.appendingPathComponent("ws").path
        try! FileManager.default.copyItem(atPath: packageRoot.appendingPathComponent("Data/sample").path, toPath: target)
        return target
    }
}

func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
