import AXModel
import AXReading

/// Diagnostics as a person reads them on standard error. A few are listed one per line; many would bury the report
/// and the one that matters, so above `groupingThreshold` a summary line counts them by severity and code, and only
/// the first `groupingThreshold` follow (the JSON output always holds every one).
package enum TerminalDiagnostics {
    /// The most diagnostics listed without a summary line, and how many are listed under one.
    package static let groupingThreshold = 20

    /// The lines to print for `diagnostics`. `fullListHint` says where the rest are (the command layer names the
    /// option: `--format json for all`).
    package static func lines(_ diagnostics: [Diagnostic], fullListHint: String, threshold: Int = groupingThreshold) -> [String] {
        guard diagnostics.count > threshold else { return diagnostics.map(\.description) }
        return [summary(diagnostics, threshold: threshold, fullListHint: fullListHint)] + diagnostics.prefix(threshold).map(\.description)
    }

    /// `103 warnings: 61 dangling-reference, 30 license-unknown, …; first 10 shown; --format json for all`: errors
    /// and warnings counted (summaries' left-out diagnostics included), codes by count, most first.
    static func summary(_ diagnostics: [Diagnostic], threshold: Int, fullListHint: String) -> String {
        let (errors, warnings) = diagnostics.severityCounts
        var byCode: [String: Int] = [:]
        for diagnostic in diagnostics { byCode[diagnostic.code.rawValue, default: 0] += diagnostic.representedCount }
        let codes = byCode.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        var counts: [String] = []
        if errors > 0 { counts.append(errors == 1 ? "1 error" : "\(errors) errors") }
        if warnings > 0 { counts.append(warnings == 1 ? "1 warning" : "\(warnings) warnings") }
        return counts.joined(separator: ", ") + ": " + codes.joined(separator: ", ") + "; first \(threshold) shown; " + fullListHint
    }
}
