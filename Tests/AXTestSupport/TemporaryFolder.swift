import Foundation

/// A fresh folder under the system's temporary directory, removed with everything in it when the value goes away, so
/// a test that writes files leaves nothing behind and never sees another test's files.
package final class TemporaryFolder {
    package let url: URL
    package var path: String { url.path }

    package init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("axl-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        // `rm -rf` also removes trees deeper than PATH_MAX, which some tests make.
        let remove = Process()
        remove.executableURL = URL(fileURLWithPath: "/bin/rm")
        remove.arguments = ["-rf", url.path]
        if (try? remove.run()) != nil { remove.waitUntilExit() }
    }

    /// Writes `text` to `relativePath`, making the folders on the way; returns the file's path.
    @discardableResult
    package func write(_ relativePath: String, _ text: String) -> String {
        write(relativePath, Data(text.utf8))
    }

    /// Writes `data` to `relativePath`, making the folders on the way; returns the file's path.
    @discardableResult
    package func write(_ relativePath: String, _ data: Data) -> String {
        let file = url.appendingPathComponent(relativePath)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! data.write(to: file)
        return file.path
    }

    /// Copies the sample workspace here (as `ws`), so a test can break it in one place; returns its path.
    package func copySample() -> String {
        let target = url.appendingPathComponent("ws").path
        try! FileManager.default.copyItem(atPath: sampleWorkspaceFolder.path, toPath: target)
        return target
    }
}
