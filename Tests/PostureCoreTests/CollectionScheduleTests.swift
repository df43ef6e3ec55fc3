import Foundation
import PostureCore
import PropertyBased
import Testing

/// When a connection is collected next, and how its health reads, as tables and properties.
@Suite struct CollectionScheduleTests {
    static let finished = Date(iso8601: "2026-12-05T06:00:00Z")!

    @Test(
        arguments: [
            // (interval minutes, consecutive failures, Retry-After, wait in seconds)
            (360, 0, nil, 21_600.0),
            (360, 1, nil, 300.0),
            (360, 2, nil, 600.0),
            (360, 4, nil, 2_400.0),
            (360, 7, nil, 19_200.0),
            // Back-off never waits longer than the interval.
            (360, 8, nil, 21_600.0),
            (360, 1_000, nil, 21_600.0),
            (15, 3, nil, 900.0),
            // Graph's Retry-After is honoured when longer than the back-off, not when shorter.
            (360, 1, 1_800.0, 1_800.0),
            (360, 3, 60.0, 1_200.0),
            // A success ignores a stale Retry-After.
            (360, 0, 1_800.0, 21_600.0),
        ] as [(Int, Int, Double?, Double)]
    )
    func waits(_ interval: Int, _ failures: Int, _ retryAfter: Double?, _ seconds: Double) {
        let schedule = CollectionSchedule(intervalMinutes: interval)
        if failures == 0 {
            #expect(schedule.wait(consecutiveFailures: 0) == seconds)
        } else {
            #expect(schedule.wait(consecutiveFailures: failures, retryAfter: retryAfter) == seconds)
        }
    }

    @Test func jitterStretchesTheWaitByAtMostATenth() {
        let schedule = CollectionSchedule()
        #expect(schedule.nextRun(after: Self.finished, consecutiveFailures: 0, jitter: 0) == Self.finished + 21_600)
        #expect(schedule.nextRun(after: Self.finished, consecutiveFailures: 0, jitter: 0.5) == Self.finished + 22_680)
        // Out-of-range jitter is clamped, never a wait below the rule or past a tenth more.
        #expect(schedule.nextRun(after: Self.finished, consecutiveFailures: 2, jitter: -4) == Self.finished + 600)
        #expect(schedule.nextRun(after: Self.finished, consecutiveFailures: 2, jitter: 9) == Self.finished + 660)
    }

    /// Whatever the failures and the jitter: the next run is after the attempt, no sooner than the
    /// back-off and Graph's Retry-After, and no later than 1.1 × the longer of the interval and
    /// Retry-After. More failures never shorten the wait.
    @Test func nextRunStaysWithinItsBounds() async {
        let input = zip(
            Gen.int(in: 15...10_080),
            Gen.int(in: 0...40),
            Gen.int(in: 0...7_200),
            Gen.int(in: 0...1_000)
        )
        await propertyCheck(count: 400, input: input) { interval, failures, retryAfter, permille in
            let schedule = CollectionSchedule(intervalMinutes: interval)
            let jitter = Double(permille) / 1_000
            let advised = failures > 0 && retryAfter > 0 ? Double(retryAfter) : nil
            let next = schedule.nextRun(
                after: Self.finished,
                consecutiveFailures: failures,
                retryAfter: advised,
                jitter: jitter
            )
            let wait = next.timeIntervalSince(Self.finished)
            #expect(wait >= schedule.wait(consecutiveFailures: failures, retryAfter: advised))
            #expect(wait >= (advised ?? 0))
            #expect(wait <= max(schedule.intervalSeconds, advised ?? 0) * 1.1 + 1e-6)
            #expect(
                schedule.wait(consecutiveFailures: failures + 1, retryAfter: advised)
                    >= schedule.wait(consecutiveFailures: failures, retryAfter: advised) || failures == 0
            )
        }
    }

    @Test(arguments: [(14, false), (15, true), (360, true), (10_080, true), (10_081, false), (0, false), (-5, false)])
    func intervalLimits(_ minutes: Int, _ acceptable: Bool) {
        #expect((CollectionSchedule.problem(intervalMinutes: minutes) == nil) == acceptable)
        var settings = ConnectionSettings(
            tenantID: "contoso.onmicrosoft.com",
            clientID: "11111111-2222-3333-4444-555555555555",
            credentialKind: .secret
        )
        settings.schedule.intervalMinutes = minutes
        #expect(settings.problems.contains { $0.field == "collectEveryMinutes" } == !acceptable)
    }

    @Test(
        arguments: [
            // (hours since the last success or nil, consecutive failures, health)
            (nil, 0, 1.0, CollectionState.Health.pending),
            (nil, 2, 1.0, .failing),
            (nil, 0, 13.0, .stale),
            (Optional(1.0), 0, 30.0, .healthy),
            (Optional(1.0), 3, 30.0, .failing),
            (Optional(11.9), 0, 30.0, .healthy),
            (Optional(12.1), 0, 30.0, .stale),
            (Optional(12.1), 4, 30.0, .stale),
        ] as [(Double?, Int, Double, CollectionState.Health)]
    )
    func health(_ sinceSuccess: Double?, _ failures: Int, _ sinceCreated: Double, _ expected: CollectionState.Health) {
        let now = Self.finished
        let state = CollectionState(
            nextRunAt: now,
            lastSuccessAt: sinceSuccess.map { now.addingTimeInterval(-$0 * 3_600) },
            consecutiveFailures: failures,
            connectedAt: now.addingTimeInterval(-sinceCreated * 3_600)
        )
        #expect(state.health(CollectionSchedule(), at: now) == expected)
    }
}
