extension Collection {
    /// The single element, or nil when there are none or several: `#require(x.only)` states "exactly one" in one step.
    package var only: Element? { count == 1 ? first : nil }
}
