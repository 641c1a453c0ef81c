@testable import AXCommands
import Testing

/// Only the executable's `main` keeps a command's values until exit; commands run in process release theirs.
@Suite struct ExitWithoutTeardownTests {
    private final class Value {}

    @Test func aCommandRunInProcessKeepsNothing() {
        weak var weakValue: Value?
        do {
            let value = Value()
            weakValue = value
            ExitWithoutTeardown.keep(value)
        }
        #expect(weakValue == nil)
    }
}
