import AXTestSupport
import Foundation
import Testing

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

/// Runs the CLI from the package root, as a user would from a clone.
func axlicense(_ arguments: String..., in directory: URL = packageRoot) throws -> RunResult {
    try run(axlicenseBinary, arguments, in: directory)
}

func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
}
