import Foundation

/// Values a command computed that the process keeps until it exits, instead of releasing them when the command ends.
///
/// A loaded workspace of a full application is millions of small objects; releasing them one by one when `run()`
/// returns cost ~60 ms of a ~1.5 s estimate (BENCHMARKS.md, session 8), and the operating system reclaims the whole
/// address space at exit for nothing. Only the executable's `main` turns this on: a process that runs commands one
/// after another (the in-process tests) releases each command's values as usual.
enum ExitWithoutTeardown {
    nonisolated(unsafe) private static var isEnabled = false
    nonisolated(unsafe) private static var kept: [Any] = []
    private static let lock = NSLock()

    /// Called once by `main`, before the command runs: the process ends right after it.
    static func enable() { lock.withLock { isEnabled = true } }

    /// Keeps `value` alive until the process exits, when `main` enabled it; otherwise does nothing.
    static func keep(_ value: Any) {
        lock.withLock { if isEnabled { kept.append(value) } }
    }
}
