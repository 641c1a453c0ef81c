import AXReading
import CCurlLoader
import Foundation

/// One HTTP request of the licensing service client, as libcurl sends it.
package struct HTTPRequest: Sendable {
    /// `GET` or `POST`.
    package var method: String
    /// The full URL (http or https; libcurl is told to refuse every other scheme).
    package var url: String
    /// Header lines, each `Name: value`.
    package var headers: [String]
    /// The body, if the request has one.
    package var body: Data?
    /// Seconds the whole exchange may take.
    package var timeout: Double
    /// Largest reply body accepted, in bytes.
    package var maximumReplySize: Int

    package init(method: String, url: String, headers: [String], body: Data?, timeout: Double, maximumReplySize: Int) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.maximumReplySize = maximumReplySize
    }
}

/// How one HTTP exchange ended. (libcurl that cannot be loaded is an error, thrown instead.)
package enum HTTPOutcome: Sendable, Equatable {
    /// The service replied, with any status: a 3xx is a reply too, since redirects are never followed.
    case replied(status: Int, body: Data)
    /// The reply body is larger than the maximum; the transfer was stopped there.
    case tooLarge
    /// libcurl failed before a complete reply.
    case failed(CurlFailure)
}

/// A libcurl failure: its `CURLcode` (https://curl.se/libcurl/c/libcurl-errors.html) and its error text.
package struct CurlFailure: Sendable, Equatable {
    /// The `CURLcode`.
    package var code: Int
    /// libcurl's error buffer, else `curl_easy_strerror`.
    package var text: String

    /// The `CURLcode`s the client tells apart (libcurl's stable numbering).
    package enum Code {
        package static let unsupportedProtocol = 1, failedInit = 2, urlMalformed = 3, notBuiltIn = 4
        package static let couldNotResolveProxy = 5, couldNotResolveHost = 6, couldNotConnect = 7, weirdServerReply = 8
        package static let partialFile = 18, outOfMemory = 27, operationTimedOut = 28, abortedByCallback = 42, badFunctionArgument = 43
        package static let unknownOption = 48
        package static let gotNothing = 52, sendError = 55, receiveError = 56
        /// TLS: handshake, certificates, ciphers, pinning, revocation (35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90,
        /// 91, 98).
        package static let tls: Set<Int> = [35, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91, 98]
    }
}

/// libcurl through CCurlLoader: loaded with `dlopen` the first time an exchange is made, so that only the commands
/// that call the licensing service pay for mapping libcurl and the ~30 libraries it needs; every other command starts
/// without them (Docs/architecture.md).
///
/// The blocking libcurl call runs on a thread of its own (`BackgroundWork`), never on Swift's cooperative pool.
package struct CurlTransport: Sendable {
    /// The names `dlopen` tries, in order.
    package let libraryNames: [String]

    /// A transport loading the first of `libraryNames` that exists, when the first exchange is made.
    package init(libraryNames: [String] = Self.defaultLibraryNames) { self.libraryNames = libraryNames }

    /// `libcurl.so.4`, then `libcurl.so` (a development install only); on Darwin the system's `libcurl.4.dylib`.
    package static let defaultLibraryNames: [String] = {
        #if canImport(Darwin)
        ["libcurl.4.dylib", "/usr/lib/libcurl.4.dylib"]
        #else
        ["libcurl.so.4", "libcurl.so"]
        #endif
    }()

    /// Sends `request` and waits for the reply without holding a cooperative thread; throws
    /// `LicensingServiceError.networkLibraryUnavailable` when libcurl cannot be loaded. Cancelling the calling task
    /// stops the exchange within about a second (`CurlFailure.Code.abortedByCallback`).
    package func exchange(_ request: HTTPRequest) async throws(LicensingServiceError) -> HTTPOutcome {
        let names = libraryNames
        let flag = CancelFlag()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<HTTPOutcome, LicensingServiceError>, Never>) in
                _ = BackgroundWork<Void, Never> { continuation.resume(returning: Self.perform(request, libraryNames: names, cancel: flag)) }
            }
        } onCancel: {
            flag.cancel()
        }
        return try result.get()
    }

    /// Loads libcurl (once per process; later calls find it loaded) and performs `request`, blocking.
    private static func perform(_ request: HTTPRequest, libraryNames: [String], cancel: CancelFlag) -> Result<HTTPOutcome, LicensingServiceError> {
        guard !libraryNames.isEmpty else { return .failure(.networkLibraryUnavailable(detail: "no libcurl library name is configured")) }
        var failure = AXCURL_LOAD_NOT_FOUND
        var detail = [CChar](repeating: 0, count: 512)
        let loaded = withCStrings(libraryNames) { names, count in axcurl_load(names!, count, &failure, &detail, detail.count) }
        guard let library = loaded else {
            let text = detail.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(.networkLibraryUnavailable(detail: unavailableDetail(failure, text: text, libraryNames: libraryNames)))
        }
        let milliseconds = (request.timeout * 1000).rounded(.up)
        var reply = axcurl_reply()
        withCStrings(request.headers) { headers, headerCount in
            request.method.withCString { method in
                request.url.withCString { url in
                    let body = request.body ?? Data()
                    body.withUnsafeBytes { bytes in
                        var exchange = axcurl_request(
                            method: method, url: url, headers: headers, header_count: headerCount,
                            body: bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), body_length: bytes.count,
                            has_body: request.body == nil ? 0 : 1,
                            timeout_ms: milliseconds >= 1 ? Int(min(milliseconds, 86_400_000)) : 1,
                            maximum_reply_size: max(0, request.maximumReplySize), cancel: cancel.pointer)
                        axcurl_perform(library, &exchange, &reply)
                    }
                }
            }
        }
        defer { axcurl_reply_free(&reply) }
        switch reply.outcome {
        case AXCURL_REPLIED:
            let body = reply.body.map { Data(bytes: $0, count: reply.body_length) } ?? Data()
            return .success(.replied(status: reply.status, body: body))
        case AXCURL_TOO_LARGE:
            return .success(.tooLarge)
        default:
            let text = withUnsafeBytes(of: reply.error_text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            return .success(.failed(CurlFailure(code: Int(reply.curl_code), text: text)))
        }
    }

    /// What the user reads when libcurl cannot be loaded: what is missing and how to install it.
    static func unavailableDetail(_ failure: axcurl_load_failure, text: String, libraryNames: [String]) -> String {
        let name = libraryNames.first ?? "libcurl"
        #if canImport(Darwin)
        let install = "it ships with macOS; check that \(name) exists"
        #else
        let install = "apt-get install libcurl4 (or your distribution's libcurl package)"
        #endif
        switch failure {
        case AXCURL_LOAD_NOT_FOUND where text.hasPrefix(name + ":") && text.localizedCaseInsensitiveContains("no such file"):
            return "\(name) is not installed: \(install)"
        case AXCURL_LOAD_NOT_FOUND:
            return "\(name) cannot be loaded (\(ServiceText.scrub(text, secrets: []))): \(install)"
        case AXCURL_LOAD_SYMBOL_MISSING:
            return "\(text): it is not a usable libcurl; \(install)"
        default:
            return "libcurl cannot start (\(text))"
        }
    }

    /// The flag the C exchange watches; set when the calling task is cancelled. Shared by the exchange's thread and
    /// the cancellation handler, and freed after both let go of it.
    private final class CancelFlag: @unchecked Sendable {
        let pointer = UnsafeMutablePointer<axcurl_cancel_flag>.allocate(capacity: 1)
        init() { pointer.initialize(to: axcurl_cancel_flag(value: 0)) }
        deinit { pointer.deallocate() }
        /// Sets the flag (atomically, in C).
        func cancel() { axcurl_cancel(pointer) }
    }

    /// `strings` as a C array of C strings for the length of `body` (nil when `strings` is empty).
    private static func withCStrings<Result>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>>?, Int) -> Result) -> Result {
        let copies = strings.map { strdup($0)! }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer($0) }
        return pointers.withUnsafeBufferPointer { body($0.count == 0 ? nil : $0.baseAddress, $0.count) }
    }
}
