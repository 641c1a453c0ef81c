import AXCompliance
import AXLicensingService
import AXReports
import Foundation

/// The page's and the jobs' service actions over the licensing-service client (`LicenseServiceJobs`, which keeps the
/// registration and tokens, audits every call, and never puts a token in an error).
public struct ServiceActions: LicensingServiceActions {
    /// The workspace's licensing-service operations.
    public let jobs: LicenseServiceJobs

    public init(jobs: LicenseServiceJobs) { self.jobs = jobs }

    public func refreshLicenses() async -> ActionNotice {
        do {
            let refresh = try await jobs.refreshLicenses()
            return ActionNotice("Licenses refreshed: \(refresh.products.count) product(s) for \(refresh.licenseHolder.isEmpty ? "(no license holder)" : refresh.licenseHolder).")
        } catch {
            return ActionNotice(Self.sentence(error) + " The License View keeps the licenses of the last license check.", isFailure: true)
        }
    }

    public func sendTelemetry(view: LicenseView, licenseModel: String) async -> ActionNotice {
        let products = TelemetryProduct.products(of: view, licenseModel: licenseModel)
        do {
            try await jobs.sendTelemetry(products)
            return ActionNotice("Telemetry sent: used counts of \(products.count) product(s), \(products.reduce(0) { $0 + $1.usedLicenses }) licenses in use.")
        } catch {
            return ActionNotice(Self.sentence(error), isFailure: true)
        }
    }

    public func refreshToken() async -> ActionNotice {
        do {
            let status = try await jobs.refreshToken()
            return ActionNotice("Token refreshed" + (status.tokenExpiry.map { "; it expires \(utcTimestamp($0))." } ?? "."))
        } catch {
            return ActionNotice(Self.sentence(error), isFailure: true)
        }
    }

    /// The client's message (`license refresh failed: HTTP 500`, which names the call) as a sentence.
    static func sentence(_ error: LicensingServiceError) -> String {
        let message = error.statusMessage
        return message.prefix(1).uppercased() + message.dropFirst() + (message.hasSuffix(".") ? "" : ".")
    }

    public func isRegistered() async -> Bool {
        guard let status = try? await jobs.status() else { return false }
        return status.status != .notRegistered
    }

    public func refreshedLicenses() async -> RefreshedLicenses? {
        guard let stored = try? await jobs.purchasedLicenses() else { return nil }
        let notes = Dictionary(stored.licenses.compactMap { license in URL(string: license.releaseNotesURL).map { (license.product, $0) } },
                               uniquingKeysWith: { first, _ in first })
        return RefreshedLicenses(products: stored.entitlements(), releaseNotes: notes)
    }

    public func configuration(schedule: DailySchedule) async -> ServiceConfigurationFields {
        let status: LicensingServiceStatus
        do {
            status = try await jobs.status()
        } catch {
            return ServiceConfigurationFields(refreshScheduled: schedule.isScheduled(.licenseRefresh), telemetryScheduled: schedule.isScheduled(.telemetry),
                                              registrationStatus: RegistrationStatus.failure.rawValue, statusMessage: error.statusMessage)
        }
        return ServiceConfigurationFields(
            registrationEndpoint: status.registrationEndpoint, lastLicenseCheck: status.lastLicenseCheck,
            refreshScheduled: schedule.isScheduled(.licenseRefresh), telemetryScheduled: schedule.isScheduled(.telemetry),
            registrationStatus: status.status.rawValue, statusMessage: status.statusMessage.isEmpty ? nil : status.statusMessage,
            tokenExpiry: status.tokenExpiry, tenantId: status.tenantId, environmentId: status.environmentId,
            environmentName: status.environmentName, registeredAt: status.registeredAt)
    }

    /// Records the server's schedule in the registration, so `license status` says Scheduled or Not scheduled too.
    public func record(_ schedule: DailySchedule) async throws(LicensingServiceError) {
        func text(_ job: DailyJob) -> String? { schedule.times[job].map { "daily at \($0) UTC" } }
        try await jobs.setSchedule(refresh: text(.licenseRefresh), telemetry: text(.telemetry))
    }
}
