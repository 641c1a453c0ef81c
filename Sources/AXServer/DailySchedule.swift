import Foundation

/// A time of day in UTC at which a daily job runs, written `HH:MM` (`02:00`, `23:30`).
public struct TimeOfDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var hour: Int
    public var minute: Int

    /// Nil unless 0 ≤ hour ≤ 23 and 0 ≤ minute ≤ 59.
    public init?(hour: Int, minute: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        (self.hour, self.minute) = (hour, minute)
    }

    /// Parses `HH:MM` (one or two digits for the hour, two for the minute); nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let hour = Int(parts[0]), let minute = Int(parts[1]) else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public static func < (a: Self, b: Self) -> Bool { (a.hour, a.minute) < (b.hour, b.minute) }

    public var description: String { (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)" }

    /// The latest instant at this time of day that is not after `now`.
    public func latestOccurrence(atOrBefore now: Date) -> Date {
        let day = floor(now.timeIntervalSince1970 / 86_400) * 86_400
        let today = Date(timeIntervalSince1970: day + Double(hour * 3600 + minute * 60))
        return today <= now ? today : today.addingTimeInterval(-86_400)
    }

    /// The first instant at this time of day after `now`.
    public func nextOccurrence(after now: Date) -> Date {
        latestOccurrence(atOrBefore: now).addingTimeInterval(86_400)
    }
}

/// The two daily jobs of the licensing service (seed 000: "CSL - Daily license refresh", "CSL - Daily telemetry send").
public enum DailyJob: String, Sendable, Hashable, CaseIterable {
    case licenseRefresh = "license refresh"
    case telemetry = "telemetry send"

    /// The job's name as a log line or the Configuration tab says it.
    public var title: String {
        switch self {
        case .licenseRefresh: "Daily license refresh"
        case .telemetry: "Daily telemetry send"
        }
    }
}

/// When each daily job runs; a job with no time is not scheduled ("Not scheduled" on the Configuration tab).
public struct DailySchedule: Sendable, Hashable {
    /// The job's time of day (UTC), or nil when it does not run.
    public var times: [DailyJob: TimeOfDay]

    /// Refresh at 02:00 UTC, telemetry at 02:30 UTC: after midnight everywhere in Europe, before the working day.
    public static let `default` = DailySchedule(times: [.licenseRefresh: TimeOfDay(hour: 2, minute: 0)!, .telemetry: TimeOfDay(hour: 2, minute: 30)!])

    public init(times: [DailyJob: TimeOfDay]) { self.times = times }

    /// Whether `job` runs at all.
    public func isScheduled(_ job: DailyJob) -> Bool { times[job] != nil }

    /// Whether `job` should run at `now`, given when it last ran (nil: never): it is due once its time today has
    /// passed and it has not run since. A job that last ran before its latest scheduled time runs once, however many
    /// days were missed (the server was down): one refresh brings the data up to date.
    public func isDue(_ job: DailyJob, now: Date, lastRun: Date?) -> Bool {
        guard let time = times[job] else { return false }
        guard let lastRun else { return true }
        return lastRun < time.latestOccurrence(atOrBefore: now)
    }

    /// The next instant after `now` at which a scheduled job comes due; nil when none is scheduled.
    public func nextRun(after now: Date) -> Date? {
        times.values.map { $0.nextOccurrence(after: now) }.min()
    }
}
