import Foundation

/// Prints how long each phase of a run took, on stderr, when `AXLICENSE_TIMINGS` is set: for benchmarks.
public enum PhaseTimer {
    private static let enabled = ProcessInfo.processInfo.environment["AXLICENSE_TIMINGS"] != nil
    nonisolated(unsafe) private static var last = DispatchTime.now().uptimeNanoseconds
    private static let lock = NSLock()

    /// Records the end of a phase.
    public static func mark(_ phase: String) {
        guard enabled else { return }
        lock.withLock {
            let previous = last  // a lazy static: initialised here on first use, before `now` is read
            let now = DispatchTime.now().uptimeNanoseconds
            // Best effort: a standard error that cannot be written loses the timing line, never the run.
            try? FileHandle.standardError.write(contentsOf: Data(String(format: "timing: %7.1f ms  %@\n", Double(now - previous) / 1e6, phase).utf8))
            last = now
        }
    }
}
