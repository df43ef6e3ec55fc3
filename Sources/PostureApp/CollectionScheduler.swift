import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureServices
import Vapor

/// Collects due connections while the server runs: at most `concurrency` at a time on this node,
/// each under a lease in the database so no two nodes collect one organization at once. A
/// connection becomes due on its schedule, after a failure's back-off, or at "Refresh now".
public final class CollectionScheduler: LifecycleHandler, @unchecked Sendable {
    public struct Settings: Sendable {
        public var concurrency: Int
        public var leaseSeconds: Double
        /// How often the database is asked for due connections while slots are free.
        public var pollSeconds: Double = 5

        public init(concurrency: Int, leaseSeconds: Double, pollSeconds: Double = 5) {
            self.concurrency = concurrency
            self.leaseSeconds = leaseSeconds
            self.pollSeconds = pollSeconds
        }
    }

    let service: PostureService
    let collector: any ConnectionCollecting
    let settings: Settings
    let metrics: CollectionMetrics
    let logger: Logger
    /// This process's name on the leases it takes: unique per process, so a restarted node never
    /// mistakes its predecessor's leases for its own.
    let holder: String
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let doorbell = Doorbell()

    public init(
        service: PostureService,
        collector: any ConnectionCollecting,
        settings: Settings,
        metrics: CollectionMetrics,
        logger: Logger
    ) {
        self.service = service
        self.collector = collector
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        holder = SlotLoop.holderName()
    }

    public func didBootAsync(_ application: Application) async throws {
        guard settings.concurrency > 0 else { return }
        let runner = Task { [self] in await run() }
        task.withLockedValue { $0 = runner }
    }

    public func shutdownAsync(_ application: Application) async {
        guard let runner = task.withLockedValue({ $0 }) else { return }
        runner.cancel()
        await doorbell.ring()
        // A collection blocked in a request that ignores cancellation must not hold the stop: after
        // a few seconds the node goes, and its leases expire instead of being handed back.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumed = NIOLockedValueBox(false)
            let resume: @Sendable () -> Void = {
                if resumed.withLockedValue({ done in
                    defer { done = true }
                    return !done
                }) {
                    continuation.resume()
                }
            }
            Task {
                await runner.value
                resume()
            }
            Task {
                try? await Task.sleep(for: .seconds(5))
                resume()
            }
        }
    }

    /// Claims due connections into free slots and collects them, until cancelled.
    public func run() async {
        await SlotLoop.run(
            concurrency: settings.concurrency,
            pollSeconds: settings.pollSeconds,
            doorbell: doorbell,
            claim: { [self] free in
                do {
                    return try await service.claimDueCollections(
                        holder: holder,
                        leaseSeconds: settings.leaseSeconds,
                        limit: free
                    )
                } catch {
                    logger.error("looking for due collections failed", metadata: ["error": "\(error)"])
                    return []
                }
            },
            work: { [self] organizationID in await collect(organizationID) }
        )
        // Collections cut short by a stop go to the next node now rather than at expiry.
        try? await service.releaseCollectionLeases(holder: holder)
    }

    func collect(_ organizationID: OrganizationID) async {
        guard
            let outcome = await service.runCollection(
                organizationID,
                holder: holder,
                leaseSeconds: settings.leaseSeconds,
                using: collector
            )
        else { return }
        metrics.record(organizationID, outcome)
        var metadata: Logger.Metadata = [
            "organization": "\(organizationID.rawValue)",
            "seconds": "\(String(format: "%.1f", outcome.duration))",
            "resources": "\(outcome.resourcesCollected)",
            "measured": "\(outcome.measured)",
        ]
        if !outcome.resourcesFailed.isEmpty {
            metadata["failed"] = "\(outcome.resourcesFailed.keys.sorted().joined(separator: ","))"
        }
        if let problem = outcome.problem {
            metadata["problem"] = "\(problem)"
            logger.warning("collection failed", metadata: metadata)
        } else {
            logger.info("collected", metadata: metadata)
        }
    }
}

/// Wakes the scheduler's loop when a slot frees, or after a timeout.
actor Doorbell {
    private var waiter: (id: Int, continuation: CheckedContinuation<Void, Never>)?
    private var rung = false
    private var nextID = 0

    func ring() {
        if let waiter {
            self.waiter = nil
            waiter.continuation.resume()
        } else {
            rung = true
        }
    }

    /// Returns at the next ring (or at once if one came since the last wait), or after `seconds`.
    func wait(seconds: Double) async {
        if rung {
            rung = false
            return
        }
        nextID += 1
        let id = nextID
        await withCheckedContinuation { continuation in
            waiter = (id, continuation)
            Task {
                try? await Task.sleep(for: .seconds(seconds))
                self.timeOut(id)
            }
        }
    }

    private func timeOut(_ id: Int) {
        guard let waiter, waiter.id == id else { return }
        self.waiter = nil
        waiter.continuation.resume()
    }
}
