import Foundation
import Hummingbird
import Logging

/// Where `serve` listens: an IP address (or `localhost`) and a port.
public struct ServeAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as given: `127.0.0.1`, `::1`, `0.0.0.0`, `localhost`.
    public var host: String
    /// 0 asks the system for any free port.
    public var port: Int

    /// Checks `host` is an IPv4 or IPv6 address or `localhost`, and `port` is 0–65535.
    public init(host: String, port: Int) throws(ServeError) {
        guard host == "localhost" || RequestGuard.isAddressLiteral(host) else { throw .invalidBindAddress(host) }
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        self.host = host
        self.port = port
    }

    /// True for addresses only this machine reaches: 127.0.0.0/8, ::1, `localhost`.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `127.0.0.1:8080`, `[::1]:8080`.
    public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
}

/// Why `serve` cannot start.
public enum ServeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Not an IP address or `localhost`.
    case invalidBindAddress(String)
    /// Outside 0–65535.
    case invalidPort(Int)
    /// The system refused to listen there (in use, not this machine's, a privileged port).
    case cannotListen(address: String, reason: String)

    public var description: String {
        switch self {
        case .invalidBindAddress(let host): "cannot listen on '\(host)': give an IPv4 or IPv6 address of this machine (127.0.0.1, ::1, 0.0.0.0) or localhost"
        case .invalidPort(let port): "port \(port) is not 0 to 65535 (0 chooses a free port)"
        case .cannotListen(let address, let reason): "cannot listen on \(address): \(reason)"
        }
    }
}

/// Runs the License Management page and the daily jobs until the process is told to stop (SIGINT, SIGTERM).
public enum ManagementServer {
    /// Serves `management` at `address` and runs its due jobs (`log` hears each job's outcome); `onListening` is called
    /// with the port once the server accepts connections. Returns when a signal stops the server.
    public static func run(_ management: LicenseManagement, at address: ServeAddress, onListening: @escaping @Sendable (Int) -> Void,
                           log: @escaping @Sendable (String) -> Void) async throws(ServeError) {
        var logger = Logger(label: "axlicense-serve")
        logger.logLevel = .error
        let requestGuard = RequestGuard(port: address.port, formToken: management.formToken)
        let app = Application(
            router: ManagementRoutes.router(management, guard: requestGuard),
            configuration: .init(address: .hostname(address.host, port: address.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? address.port
                requestGuard.listeningPort.value = port
                onListening(port)
            },
            logger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await app.runService() }
                group.addTask {
                    while true {
                        for outcome in await management.runDueJobs() {
                            log("\(outcome.job.title): \(outcome.notice.isFailure ? "failed: " : "")\(outcome.notice.message)")
                        }
                        // Wake at the next scheduled time, and at least every five minutes (a clock that moved, a
                        // registration made meanwhile).
                        let wait = min(max((management.schedule.nextRun(after: Date())?.timeIntervalSinceNow ?? 300), 1), 300)
                        try await Task.sleep(for: .seconds(wait))
                    }
                }
                // The server returns on a signal: the job loop goes with it.
                try await group.next()
                group.cancelAll()
            }
        } catch {
            throw .cannotListen(address: address.description, reason: Self.reason(error))
        }
    }

    /// The system's words for a failure to listen (`Address already in use`), without NIO's wrapping.
    private static func reason(_ error: any Error) -> String {
        let text = String(describing: error)
        if let range = text.range(of: "errno: ") ?? text.range(of: "): ") { return String(text[range.upperBound...]).trimmingCharacters(in: CharacterSet(charactersIn: ")")) }
        return text
    }
}
