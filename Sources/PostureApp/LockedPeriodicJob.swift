import Foundation
import NIOConcurrencyHelpers
import PostureServices
import Vapor

/// A job every node runs on a period while the server runs, one node at a time under a
/// cluster-wide job lock: the alert look (every 5 s, with ``PostureService/alertSettleSeconds``
/// an alert leaves within about 20 s of the write that caused it), reading tickets back from
/// ServiceNow and Planner (every 10 minutes), and queuing the weekly digests and scheduled reports
/// (every 5 minutes, so they leave soon after 07:00 UTC).
final class LockedPeriodicJob: LifecycleHandler, @unchecked Sendable {
    private let service: PostureService
    private let lockName: String
    private let everySeconds: Double
    private let logger: Logger
    private let body: @Sendable () async throws -> Void
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(
        service: PostureService,
        lockName: String,
        everySeconds: Double,
        logger: Logger,
        body: @escaping @Sendable () async throws -> Void
    ) {
        self.service = service
        self.lockName = lockName
        self.everySeconds = everySeconds
        self.logger = logger
        self.body = body
    }

    func didBootAsync(_ application: Application) async throws {
        let (service, lockName, everySeconds, logger, body) = (service, lockName, everySeconds, logger, body)
        let runner = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(everySeconds * 1_000_000_000)) } catch { return }
                do {
                    _ = try await service.withJobLock(lockName) { try await body() }
                } catch {
                    logger.error("\(lockName) failed", metadata: ["error": "\(error)"])
                }
            }
        }
        task.withLockedValue { $0 = runner }
    }

    func shutdownAsync(_ application: Application) async {
        guard let runner = task.withLockedValue({ $0 }) else { return }
        runner.cancel()
        await runner.value
    }

    /// Looks at due organizations' alerts and queues what they send.
    static func alerts(service: PostureService, logger: Logger) -> LockedPeriodicJob {
        LockedPeriodicJob(service: service, lockName: "posture.alerts", everySeconds: 5, logger: logger) {
            let queued = try await service.evaluateDueAlerts()
            if queued > 0 { logger.info("alerts queued", metadata: ["deliveries": "\(queued)"]) }
        }
    }

    /// Queues the weekly digests that are due.
    static func digests(service: PostureService, logger: Logger) -> LockedPeriodicJob {
        LockedPeriodicJob(service: service, lockName: "posture.digests", everySeconds: 300, logger: logger) {
            let queued = try await service.queueDueDigests()
            if queued > 0 { logger.info("weekly digests queued", metadata: ["deliveries": "\(queued)"]) }
        }
    }

    /// Queues the scheduled reports that are due (every 5 minutes, so they leave soon after 07:00
    /// UTC on Mondays and on the 1st).
    static func reports(service: PostureService, logger: Logger) -> LockedPeriodicJob {
        LockedPeriodicJob(service: service, lockName: "posture.reports", everySeconds: 300, logger: logger) {
            let queued = try await service.queueDueReports()
            if queued > 0 { logger.info("scheduled reports queued", metadata: ["deliveries": "\(queued)"]) }
        }
    }

    /// Reads tickets' states back from their systems.
    static func tickets(service: PostureService, senders: OutboundSenders, logger: Logger) -> LockedPeriodicJob {
        LockedPeriodicJob(service: service, lockName: "posture.tickets", everySeconds: 600, logger: logger) {
            let result = try await service.refreshTickets(using: senders)
            if result.changed > 0 || !result.failures.isEmpty {
                logger.info(
                    "tickets read",
                    metadata: ["changed": "\(result.changed)", "failures": "\(result.failures)"]
                )
            }
        }
    }
}
