import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureServices
import PostureStore
import Vapor

public enum SyncSchedule {
    /// The next instant of the daily sync strictly after `now`.
    public static func nextRun(after now: Date, minuteOfDay: Int) -> Date {
        let today = CivilDay(now).start.addingTimeInterval(Double(minuteOfDay) * 60)
        return today > now ? today : today.addingTimeInterval(86_400)
    }
}

/// Runs the daily sync at the configured UTC time while the server runs, and every
/// `refreshInterval` applies what time changed to the stored current scores (an exception that
/// lapsed mid-day). Every node runs both; the database lock inside ``PostureService/sync(day:)``
/// lets only one sync, and each organization's lock lets only one node refresh it.
final class SyncScheduler: LifecycleHandler, @unchecked Sendable {
    /// How often due current scores are looked for. A read never waits for it: one that finds its
    /// organization's score due refreshes it itself.
    static let refreshInterval: Double = 30

    private let service: PostureService
    private let minuteOfDay: Int
    private let clock: PostureClock
    private let logger: Logger
    private let tasks = NIOLockedValueBox<[Task<Void, Never>]>([])

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
        let refresher = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(Self.refreshInterval * 1_000_000_000)) } catch { return }
                do {
                    let refreshed = try await service.refreshDueCurrentScores()
                    if refreshed > 0 {
                        logger.info("current scores refreshed", metadata: ["organizations": "\(refreshed)"])
                    }
                } catch {
                    logger.error("refreshing current scores failed", metadata: ["error": "\(error)"])
                }
            }
        }
        tasks.withLockedValue { $0 = [runner, refresher] }
    }

    func shutdownAsync(_ application: Application) async {
        for task in tasks.withLockedValue({ $0 }) { task.cancel() }
    }
}
