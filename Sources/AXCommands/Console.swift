import AXReports
import ArgumentParser
import Foundation

/// Standard output and standard error, written with checked writes: a full disk, a closed descriptor or a reader that
/// went away is an exit status of 1, never a crash.
///
/// SIGPIPE is ignored (see `AXLicenseCommand.main`), so a pipe whose reader has gone (`axlicense estimate | head -1`)
/// is an `EPIPE` error here: the run ends quietly with status 1, as the reader chose to stop reading.
package enum Console {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var errorFailed = false

    /// What a run in this task writes, when captured: in-process tests read a command's output and errors here
    /// instead of the process's descriptors.
    @TaskLocal package static var capture: ConsoleCapture?

    /// True once a write to standard error has failed: the run then ends with status 1 even if all else went well.
    static var standardErrorFailed: Bool { lock.withLock { errorFailed } }

    /// Writes a report (or help) to standard output; when that fails, says why on standard error (unless the reader
    /// closed the pipe) and ends the run with status 1.
    static func output(_ data: Data) throws(ExitCode) {
        if let capture {
            capture.append(data, error: false)
            return
        }
        let failure = lock.withLock { () -> DescriptorWriteError? in
            do throws(DescriptorWriteError) {
                try DescriptorWriter.writeAll(data, to: STDOUT_FILENO)
                return nil
            } catch {
                return error
            }
        }
        if let error = failure {
            if error.code != EPIPE { self.error("axlicense: error: cannot write to standard output: \(error.reason)") }
            throw ExitStatus.inputError
        }
    }

    /// Writes `text` to standard error as is (the progress indicator); a failure is remembered, not thrown.
    static func error(raw text: String) {
        if let capture {
            capture.append(OutputText.bytes(text), error: true)
            return
        }
        lock.withLock {
            do {
                try DescriptorWriter.writeAll(OutputText.bytes(text), to: STDERR_FILENO)
            } catch {
                errorFailed = true
            }
        }
    }

    /// Writes one line to standard error; a failure is remembered, not thrown.
    static func error(_ line: String) {
        error(raw: line + "\n")
    }
}

/// The standard output and error of runs captured by `Console.capture`.
package final class ConsoleCapture: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    package init() {}

    func append(_ data: Data, error: Bool) {
        lock.withLock {
            if error { err.append(data) } else { out.append(data) }
        }
    }

    /// Everything written to standard output, as text.
    package var standardOutput: String { lock.withLock { String(decoding: out, as: UTF8.self) } }
    /// Everything written to standard error, as text.
    package var standardError: String { lock.withLock { String(decoding: err, as: UTF8.self) } }
}
