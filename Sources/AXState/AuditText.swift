/// The operations a run records in the audit log, by the name the log shows.
public enum AuditOperation: String, Sendable, Hashable, CaseIterable {
    case estimate = "Estimate"
    case licenseCheck = "License check"
}

/// The wording of audit-log details: in one place, next to the log, so the log reads the same whichever command
/// writes it. Callers give values; this says them.
package enum AuditDetails {
    /// `28 users: None 4, TeamMembers 6, Activity 3, Operations 15; monthly cost 2808.00`, with `; INCOMPLETE` when
    /// metadata files were skipped.
    package static func estimate(users: Int, tiers: [(name: String, count: Int)], monthlyCost: String, isComplete: Bool) -> String {
        let counts = tiers.map { "\($0.name) \($0.count)" }.joined(separator: ", ")
        return "\(users) users: \(counts); monthly cost \(monthlyCost)" + (isComplete ? "" : "; INCOMPLETE")
    }

    /// `5 product(s): 1 warning, 0 newer version, 4 healthy; notifications: expired`.
    package static func licenseCheck(products: Int, warning: Int, newerVersion: Int, healthy: Int, notifications: [String]) -> String {
        "\(products) product(s): \(warning) warning, \(newerVersion) newer version, \(healthy) healthy"
            + (notifications.isEmpty ? "; no notifications" : "; notifications: " + notifications.joined(separator: ", "))
    }

    /// What **Clear audit log** says it did: `Removed 3 audit entries older than 30 day(s).`
    package static func cleared(removed: Int, olderThanDays days: Int) -> String {
        "Removed \(removed) audit entr\(removed == 1 ? "y" : "ies") older than \(days) day(s)."
    }

    /// The entry of a run that failed with `exitStatus`.
    package static func failed(exitStatus: Int32) -> String {
        "Failed (exit status \(exitStatus)); see the error output of the run"
    }
}
