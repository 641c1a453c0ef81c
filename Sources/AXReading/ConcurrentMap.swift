import Dispatch
import Foundation

/// The results of `body` for each of `0..<count`, in index order, computed on the cores at once.
///
/// Bounded concurrency (libdispatch runs as many iterations at a time as there are cores); each iteration's result is
/// stored in its own slot, so no ordering work or per-item lock is left to the caller.
public func concurrentMap<Result: Sendable>(_ count: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
    let slots = ResultSlots<Result>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { index in slots[index] = body(index) }
    return slots.values
}

/// A fixed array of results that parallel workers fill, each slot written by exactly one worker.
private final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private var storage: [Value?]
    private let lock = NSLock()

    package init(count: Int) { storage = Array(repeating: nil, count: count) }

    package subscript(index: Int) -> Value? {
        get { lock.withLock { storage[index] } }
        set { lock.withLock { storage[index] = newValue } }
    }

    package var values: [Value] { lock.withLock { storage.map { $0! } } }
}

/// Work started at once on a thread of its own; `value()` waits for it and returns its result or throws its error.
///
/// Lets independent steps run while the caller does something else: git listing a revision while the head is parsed,
/// an input file read while the security graph is resolved, one side of a comparison evaluated beside the other. A
/// thread of its own (not a dispatch worker) so that work which itself waits, or fans out with `concurrentMap`, can
/// never starve the dispatch pool.
public final class BackgroundWork<Value: Sendable, Failure: Error>: @unchecked Sendable {
    private var result: Result<Value, Failure>?
    private let done = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var waited: Result<Value, Failure>?

    /// Starts `work`; `label`, when given, is marked in the phase timings when it ends.
    public init(_ label: String? = nil, _ work: @escaping @Sendable () throws(Failure) -> Value) {
        let thread = Thread { [self] in
            result = Result { () throws(Failure) in try work() }
            if let label { PhaseTimer.mark(label) }
            done.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The work's result, waiting for it to end (any number of calls, from any thread).
    public func value() throws(Failure) -> Value {
        let outcome = lock.withLock { () -> Result<Value, Failure> in
            if let waited { return waited }
            done.wait()
            waited = result!
            return waited!
        }
        return try outcome.get()
    }
}

/// Ends the caller's hold on `value` and lets a thread of its own release it.
///
/// A parsed metadata tree is hundreds of thousands of small objects, and releasing the last reference frees them one
/// by one: tens of milliseconds on the core that does it (BENCHMARKS.md). A caller done with such a value hands it
/// here and goes on while the other core frees it. The caller must hold no other reference, or this only moves a
/// reference count.
public func releaseInBackground<Value: Sendable>(_ value: consuming Value) {
    let holder = ReleasedValue(value)
    let thread = Thread { holder.release() }
    thread.start()
}

/// The one reference `releaseInBackground` passes to its thread.
private final class ReleasedValue<Value: Sendable>: @unchecked Sendable {
    private var value: Value?
    private let lock = NSLock()

    init(_ value: consuming Value) { self.value = value }

    func release() { lock.withLock { value = nil } }
}
