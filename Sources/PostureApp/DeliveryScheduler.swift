import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureServices
import Vapor

/// Sends due deliveries while the server runs: at most `concurrency` at a time on this node, each
/// under a lease in the database so no two nodes send one attempt. The queue is polled every
/// second, so a new event leaves within about a second.
public final class DeliveryScheduler: LifecycleHandler, @unchecked Sendable {
    public struct Settings: Sendable {
        public var concurrency: Int
        /// Longer than a send may take (15 s), so a live sender never loses its lease.
        public var leaseSeconds: Double
        public var pollSeconds: Double

        public init(concurrency: Int, leaseSeconds: Double = 60, pollSeconds: Double = 1) {
            self.concurrency = concurrency
            self.leaseSeconds = leaseSeconds
            self.pollSeconds = pollSeconds
        }
    }

    let service: PostureService
    let senders: OutboundSenders
    let settings: Settings
    let logger: Logger
    let holder: String
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let doorbell = Doorbell()

    public init(service: PostureService, senders: OutboundSenders, settings: Settings, logger: Logger) {
        self.service = service
        self.senders = senders
        self.settings = settings
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
        await runner.value
    }

    /// Claims due deliveries into free slots and sends them, until cancelled.
    public func run() async {
        await SlotLoop.run(
            concurrency: settings.concurrency,
            pollSeconds: settings.pollSeconds,
            doorbell: doorbell,
            claim: { [self] free in
                do {
                    return try await service.claimDueDeliveries(
                        holder: holder,
                        leaseSeconds: settings.leaseSeconds,
                        limit: free
                    )
                } catch {
                    logger.error("looking for due deliveries failed", metadata: ["error": "\(error)"])
                    return []
                }
            },
            work: { [self] delivery in await send(delivery) }
        )
        try? await service.releaseDeliveryLeases(holder: holder)
    }

    func send(_ delivery: Delivery) async {
        do {
            let recorded = try await service.deliver(delivery, holder: holder, using: senders)
            if let recorded, recorded.state != .delivered {
                logger.info(
                    "delivery attempt failed",
                    metadata: [
                        "delivery": "\(delivery.id)", "organization": "\(delivery.organizationID.rawValue)",
                        "state": "\(recorded.state.rawValue)", "error": "\(recorded.lastError ?? "")",
                    ]
                )
            }
        } catch {
            logger.error("recording a delivery failed", metadata: ["error": "\(error)"])
        }
    }
}
