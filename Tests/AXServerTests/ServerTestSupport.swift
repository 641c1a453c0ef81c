import AXCompliance
import AXLicensingService
import AXLicensing
import AXReading
import AXServer
import AXState
import AXTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOEmbedded
import Testing

/// A copy of the sample workspace served in-process: its legacy License View on 2026-11-23 (EXPECTED.md's "License
/// check"), a state database of its own, and the router the server runs, driven without a socket.
final class ServedSample: @unchecked Sendable {
    let folder = TemporaryFolder()
    let workspace: String
    let store: StateStore
    let management: LicenseManagement
    static let port = 8080
    static let host = "127.0.0.1:8080"

    /// The licensing-service client's operations on this workspace's database (what `serve` wires to the page).
    let jobs: LicenseServiceJobs

    init(schedule: DailySchedule = .default) throws {
        workspace = folder.copySample()
        store = try StateStore(path: workspace + "/.axlicense/state.sqlite")
        let source = LicenseViewSource(paths: WorkspacePaths(workspace: workspace), method: .legacy, today: CalendarDate(year: 2026, month: 11, day: 23)!)
        jobs = LicenseServiceJobs(store: store, user: "tester", environment: "TEST", options: ServiceClientOptions(timeout: 5, sleep: { _ in }))
        management = LicenseManagement(source: source, store: store, service: ServiceActions(jobs: jobs), schedule: schedule)
    }

    /// Runs `body` with a client of the router the server runs (its guard expecting `host`), in this process.
    func withClient<T>(_ body: (RouterClient) async throws -> T) async throws -> T {
        let router = ManagementRoutes.router(management, guard: RequestGuard(port: Self.port, names: ["localhost"], formToken: management.formToken))
        return try await body(RouterClient(responder: router.buildResponder()))
    }

    /// Headers of a request from this server's own page.
    static func sameSite(_ extra: HTTPFields = [:]) -> HTTPFields {
        var headers: HTTPFields = [HTTPField.Name("Host")!: host, .origin: "http://" + host, .contentType: "application/x-www-form-urlencoded"]
        headers.append(contentsOf: extra)
        return headers
    }

    /// A form body with this server's token (unless `token` replaces it) and `fields`.
    func form(_ fields: [(String, String)] = [], token: String? = nil) -> ByteBuffer {
        let all = [("csrf", token ?? management.formToken)] + fields
        return ByteBuffer(string: all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&"))
    }
}

/// What a test reads of a response.
struct Answer {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: String
}

/// Sends requests straight to a router's responder, as the server would after parsing them: no socket, no port.
struct RouterClient {
    let responder: RouterResponder<BasicRequestContext>

    /// Sends a request and returns its status, headers and whole body.
    func send(_ uri: String, _ method: HTTPRequest.Method = .get, headers: HTTPFields = [HTTPField.Name("Host")!: ServedSample.host],
              body: ByteBuffer? = nil) async throws -> Answer {
        var headers = headers
        if let body { headers[.contentLength] = "\(body.readableBytes)" }
        let request = Request(head: HTTPRequest(method: method, scheme: "http", authority: nil, path: uri, headerFields: headers),
                              body: RequestBody(buffer: body ?? ByteBuffer()))
        let context = BasicRequestContext(source: ApplicationRequestContextSource(channel: EmbeddedChannel(), logger: Logger(label: "test")))
        let response = try await responder.respond(to: request, context: context)
        let collected = BodyCollector.Bytes()
        try await response.body.write(BodyCollector(bytes: collected))
        return Answer(status: response.status, headers: response.headers, body: String(buffer: collected.buffer))
    }

    /// Posts `body` from the page, follows the redirect, and returns the page it leads to.
    func act(_ path: String, _ body: ByteBuffer) async throws -> Answer {
        let posted = try await send(path, .post, headers: ServedSample.sameSite(), body: body)
        #expect(posted.status == .seeOther, "\(posted.body)")
        let location = try #require(posted.headers[.location])
        return try await send(location)
    }
}

/// Gathers a response body.
struct BodyCollector: ResponseBodyWriter {
    /// The bytes written so far (a response is written by one task at a time).
    final class Bytes: @unchecked Sendable { var buffer = ByteBuffer() }
    let bytes: Bytes
    mutating func write(_ part: ByteBuffer) async throws { bytes.buffer.writeImmutableBuffer(part) }
    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

/// The text of the License View row for `model`, tags removed.
func row(_ page: String, _ model: String) -> String? {
    guard let start = page.range(of: #"<tr data-model="\#(model)""#), let end = page[start.upperBound...].range(of: "</tr>") else { return nil }
    return String(page[start.lowerBound..<end.upperBound])
}

/// The text inside `<td data-key="key">` of a row.
func cell(_ row: String, _ key: String) -> String? {
    guard let start = row.range(of: #"data-key="\#(key)">"#), let end = row[start.upperBound...].range(of: "</td>") else { return nil }
    return String(row[start.upperBound..<end.lowerBound])
}
