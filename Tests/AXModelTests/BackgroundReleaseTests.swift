import AXReading
import Foundation
import Testing

/// `releaseInBackground`: the value the loader no longer needs is freed off the caller's thread.
@Suite struct BackgroundReleaseTests {
    /// Records the thread its deinit ran on and signals that it ran.
    private final class Tracked: @unchecked Sendable {
        let released: DispatchSemaphore
        let releasingThread: ThreadBox

        init(released: DispatchSemaphore, releasingThread: ThreadBox) {
            self.released = released
            self.releasingThread = releasingThread
        }

        deinit {
            releasingThread.thread = Thread.current
            released.signal()
        }
    }

    private final class ThreadBox: @unchecked Sendable {
        var thread: Thread?
    }

    @Test func theLastReferenceIsReleasedOnAnotherThread() {
        let released = DispatchSemaphore(value: 0)
        let box = ThreadBox()
        releaseInBackground(Tracked(released: released, releasingThread: box))
        #expect(released.wait(timeout: .now() + 10) == .success)
        #expect(box.thread != nil)
        #expect(box.thread !== Thread.current)
    }

    @Test func aValueInsideAnotherIsReleasedWithIt() {
        let released = DispatchSemaphore(value: 0)
        let box = ThreadBox()
        releaseInBackground([Tracked(released: released, releasingThread: box)])
        #expect(released.wait(timeout: .now() + 10) == .success)
        #expect(box.thread !== Thread.current)
    }
}
