/// The operations a run records in the audit log, by the name the log shows.
public enum AuditOperation: String, Sendable, Hashable, CaseIterable {
    case estimate = "Estimate"
    case licenseCheck = "License check"
    // The licensing service calls (DOMAIN.md §8), with the seed's operation names.
    case registrationSuccess = "Registration Success"
    case registrationFailure = "Registration Failure"
    case licenseRefresh = "License Refresh"
    case licenseRefreshFailed = "License Refresh Failed"
    case tokenRefresh = "Token Refresh"
    case tokenRefreshFailed = "Token Refresh Failed"
    case telemetrySent = "Telemetry Sent"
    case telemetryFailed = "Telemetry Failed"
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

    /// `Registered tenant T, environment E at https://…; token expires 2027-01-01T00:00:00Z`.
    package static func registration(endpoint: String, tenantId: String, environmentId: String, expiresAt: String) -> String {
        "Registered tenant \(tenantId), environment \(environmentId) at \(endpoint); token expires \(expiresAt)"
    }

    /// `Token renewed; expires 2027-01-01T00:00:00Z`.
    package static func tokenRefresh(expiresAt: String) -> String {
        "Token renewed; expires \(expiresAt)"
    }

    /// `3 product(s) for Contoso Ltd`.
    package static func licenseRefresh(products: Int, holder: String) -> String {
        "\(products) product(s) for \(holder.isEmpty ? "(no license holder)" : holder)"
    }

    /// `Used counts of 3 product(s), 42 licenses in use, for environment E`.
    package static func telemetry(products: Int, usedLicenses: Int, environmentId: String) -> String {
        "Used counts of \(products) product(s), \(usedLicenses) licenses in use, for environment \(environmentId)"
    }

    /// The entry of a run that failed with `exitStatus`.
    package static func failed(exitStatus: Int32) -> String {
        "Failed (exit status \(exitStatus)); see the error output of the run"
    }
}
