import AXTestSupport
import Foundation
import Testing

/// `axlicense serve` as a process: started on a free loopback port, driven from outside, stopped with SIGTERM.
final class RunningServer {
    let process = Process()
    let url: String
    private let errors = Pipe()

    /// Starts `serve --port 0` with `arguments` and waits for the line naming its address.
    init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: axlicenseBinary)
        process.arguments = ["serve", "--port", "0"] + arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let start = text.range(of: "http://"), let end = text[start.lowerBound...].firstIndex(of: " ") else {
            process.terminate()
            throw ServerDidNotStart(line: text, stderr: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        url = String(text[start.lowerBound..<end])
    }

    struct ServerDidNotStart: Error, CustomStringConvertible {
        var line: String
        var stderr: String
        var description: String { "serve printed '\(line)'; stderr: \(stderr)" }
    }

    /// Sends SIGTERM and returns the exit status and what it wrote to stderr.
    func stop() -> (status: Int32, stderr: String) {
        process.terminate()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    deinit { if process.isRunning { process.terminate() } }
}

@Suite(.serialized) struct ServeCommandTests {
    @Test func aBindAddressOrPortThatCannotBeUsedIsOneErrorAndNothingListens() throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        let badAddress = try axlicense("serve", "--workspace", workspace, "--bind", "example.com")
        #expect(badAddress.status == 64 && badAddress.stdout.isEmpty)
        #expect(badAddress.stderr.contains("--bind 'example.com': give an IPv4 or IPv6 address of this machine"), "\(badAddress.stderr)")
        let badPort = try axlicense("serve", "--workspace", workspace, "--port", "70000")
        #expect(badPort.status == 64 && badPort.stderr.contains("--port 70000 is not 0 to 65535"), "\(badPort.stderr)")
        let notOurs = try axlicense("serve", "--workspace", workspace, "--bind", "192.0.2.1", "--port", "0")
        #expect(notOurs.status == 1 && notOurs.stdout.isEmpty)
        #expect(notOurs.stderr.contains("axlicense: error: cannot listen on 192.0.2.1:0: "), "\(notOurs.stderr)")
        #expect(notOurs.stderr.split(separator: "\n").filter { $0.contains("error") }.count == 1, "\(notOurs.stderr)")
        let badTime = try axlicense("serve", "--workspace", workspace, "--refresh-at", "25:00")
        #expect(badTime.status == 64 && badTime.stderr.contains("--refresh-at '25:00' is not a time HH:MM"))
    }

    @Test func aPortInUseIsOneErrorNamingTheAddress() throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        let first = try RunningServer(["--workspace", workspace, "--method", "legacy"])
        let port = try #require(first.url.split(separator: ":").last.map { String($0.dropLast()) })
        let second = try axlicense("serve", "--workspace", workspace, "--port", port)
        #expect(second.status == 1 && second.stdout.isEmpty)
        #expect(second.stderr.contains("cannot listen on 127.0.0.1:\(port): "), "\(second.stderr)")
        #expect(first.stop().status == 0)
    }

    @Test func aWorkspaceThatCannotBeReadStopsTheStartWithTheUsualError() throws {
        let folder = TemporaryFolder()
        let result = try axlicense("serve", "--workspace", folder.path, "--port", "0")
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("not found; pass it with --"), "\(result.stderr)")
    }

    @Test func onceWithoutARegisteredServiceSaysSoAndFails() throws {
        let folder = TemporaryFolder()
        let result = try axlicense("serve", "--once", "--workspace", folder.copySample())
        #expect(result.status == 1 && result.stdout.isEmpty)
        #expect(result.stderr.contains("not registered with a licensing service"), "\(result.stderr)")
    }

    @Test(.disabled(if: ProcessInfo.processInfo.environment["AXLICENSE_SKIP_BROWSER"] == "1",
                    "AXLICENSE_SKIP_BROWSER=1: this machine has no headless Chromium to drive the page"))
    func thePageWorksInHeadlessChromiumAtPhoneAndDesktopWidths() throws {
        let folder = TemporaryFolder()
        let workspace = folder.copySample()
        let server = try RunningServer(["--workspace", workspace, "--method", "legacy", "--today", "2026-11-23"])
        // Changed behind the server: its License View is the one computed at start until Refresh licenses.
        let path = workspace + "/entitlements.json"
        let text = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: #""SupplyChainManagement", "licenseQuantity": 1"#, with: #""SupplyChainManagement", "licenseQuantity": 7"#)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try run("/usr/bin/env", ["python3", "Scripts/check-serve-page.py", server.url, folder.path + "/shots", "--expect", "SupplyChainManagement=7"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr) (install chromium, or set AXLICENSE_SKIP_BROWSER=1 on a machine without it)")
        for shot in ["license-view-390.png", "license-view-1400.png"] {
            #expect(FileManager.default.fileExists(atPath: folder.path + "/shots/" + shot))
        }
        #expect(server.stop().status == 0)
    }
}
