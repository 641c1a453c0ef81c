import AXServer
import Foundation
import Testing

@Suite struct DailyScheduleTests {
    /// 2026-12-01T10:15:00Z.
    let now = Date(timeIntervalSince1970: 1_796_120_100)
    let schedule = DailySchedule(times: [.licenseRefresh: TimeOfDay("02:00")!, .telemetry: TimeOfDay("23:30")!])

    @Test func timesAreHoursAndMinutesInRange() {
        #expect(TimeOfDay("2:05")?.description == "02:05")
        #expect(TimeOfDay("23:59") == TimeOfDay(hour: 23, minute: 59))
        for bad in ["24:00", "12:60", "12", "12:5", "-1:00", "12:00:00", "", "1٢:00", " 1:00"] { #expect(TimeOfDay(bad) == nil, "\(bad)") }
    }

    @Test func aJobIsDueOnceItsTimeHasPassedSinceItLastRan() {
        // Refresh at 02:00: ran yesterday 02:00 → due today at 10:15; ran today 02:01 → not due.
        #expect(schedule.isDue(.licenseRefresh, now: now, lastRun: now.addingTimeInterval(-(8 * 3600 + 15 * 60) - 86_400)))
        #expect(!schedule.isDue(.licenseRefresh, now: now, lastRun: now.addingTimeInterval(-(8 * 3600 + 14 * 60))))
        // Telemetry at 23:30: ran yesterday 23:31 → not due until tonight; ran yesterday 23:29 → due.
        #expect(!schedule.isDue(.telemetry, now: now, lastRun: now.addingTimeInterval(-(10 * 3600 + 44 * 60))))
        #expect(schedule.isDue(.telemetry, now: now, lastRun: now.addingTimeInterval(-(10 * 3600 + 46 * 60))))
        // Never ran: due at once. Not scheduled: never due.
        #expect(schedule.isDue(.licenseRefresh, now: now, lastRun: nil))
        #expect(!DailySchedule(times: [:]).isDue(.licenseRefresh, now: now, lastRun: nil))
    }

    @Test func theNextRunIsTheEarliestScheduledTimeAfterNow() {
        #expect(schedule.nextRun(after: now) == Date(timeIntervalSince1970: 1_796_120_100 - (10 * 3600 + 15 * 60) + 23 * 3600 + 30 * 60))
        #expect(DailySchedule(times: [:]).nextRun(after: now) == nil)
        #expect(TimeOfDay("10:15")!.latestOccurrence(atOrBefore: now) == now)
    }
}
