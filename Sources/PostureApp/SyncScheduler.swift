import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureStore
import Vapor

public enum SyncSchedule {
    /// The next instant of the daily sync strictly after `now`.
    public static func nextRun(after now: Date, minuteOfDay: Int) -> Date {
        let today = CivilDay(now).start.addingTimeInterval(Double(minuteOfDay) * 60)
        return today > now ? today : today.addingTimeInterval(86_400)
    }
}

/// Runs the daily sync at the configured UTC time while the server runs. Every node runs the
/// schedule; the database lock inside ``PostureService/sync(day:)`` lets only one do the work.
final class SyncScheduler: LifecycleHandler, @unchecked Sendable {
    private let service: PostureService
    private let minuteOfDay: Int
    private let clock: PostureClock
    private let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(service: PostureService, minuteOfDay: Int, clock: PostureClock, logger: Logger) {
        self.service = service
        self.minuteOfDay = minuteOfDay
        self.clock = clock
        self.logger = logger
    }

    func didBootAsync(_ application: Application) async throws {
        let service = service
        let minuteOfDay = minuteOfDay
        let clock = clock
        let logger = logger
        let runner = Task {
            while !Task.isCancelled {
                let next = SyncSchedule.nextRun(after: clock.now(), minuteOfDay: minuteOfDay)
                let wait = max(1, next.timeIntervalSince(clock.now()))
                do { try await Task.sleep(nanoseconds: UInt64(wait * 1_000_000_000)) } catch { return }
                do {
                    let summary = try await service.sync(day: CivilDay(clock.now()))
                    logger.info(
                        "daily sync",
                        metadata: [
                            "day": "\(summary.day)", "ran": "\(summary.ran)",
                            "snapshots": "\(summary.snapshotsWritten)",
                            "filled": "\(summary.daysFilled)",
                        ]
                    )
                } catch {
                    logger.error("daily sync failed", metadata: ["error": "\(error)"])
                }
            }
        }
        task.withLockedValue { $0 = runner }
    }

    func shutdownAsync(_ application: Application) async {
        task.withLockedValue { $0?.cancel() }
    }
}
