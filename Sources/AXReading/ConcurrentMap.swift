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
