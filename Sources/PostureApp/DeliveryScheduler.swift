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
    let sender: any WebhookSending
    let settings: Settings
    let logger: Logger
    let holder: String
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)
    private let running = NIOLockedValueBox(0)
    private let doorbell = Doorbell()

    public init(service: PostureService, sender: any WebhookSending, settings: Settings, logger: Logger) {
        self.service = service
        self.sender = sender
        self.settings = settings
        self.logger = logger
        holder =
            "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
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
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let free = settings.concurrency - running.withLockedValue { $0 }
                var claimed: [Delivery] = []
                if free > 0 {
                    do {
                        claimed = try await service.claimDueDeliveries(
                            holder: holder,
                            leaseSeconds: settings.leaseSeconds,
                            limit: free
                        )
                    } catch {
                        logger.error("looking for due deliveries failed", metadata: ["error": "\(error)"])
                    }
                }
                for delivery in claimed {
                    running.withLockedValue { $0 += 1 }
                    group.addTask { [self] in
                        do {
                            let recorded = try await service.deliver(delivery, holder: holder, using: sender)
                            if let recorded, recorded.state != .delivered {
                                logger.info(
                                    "delivery attempt failed",
                                    metadata: [
                                        "delivery": "\(delivery.id)",
                                        "organization": "\(delivery.organizationID.rawValue)",
                                        "state": "\(recorded.state.rawValue)", "error": "\(recorded.lastError ?? "")",
                                    ]
                                )
                            }
                        } catch {
                            logger.error("recording a delivery failed", metadata: ["error": "\(error)"])
                        }
                        running.withLockedValue { $0 -= 1 }
                        await doorbell.ring()
                    }
                }
                if claimed.count < free || free <= 0 { await doorbell.wait(seconds: settings.pollSeconds) }
            }
        }
        try? await service.releaseDeliveryLeases(holder: holder)
    }
}
