import Foundation
import NIOConcurrencyHelpers
import PostureServices
import Vapor

/// Reads tickets' states back from ServiceNow every ten minutes while the server runs. Every node
/// runs it; a cluster-wide job lock lets one node read at a time.
final class TicketScheduler: LifecycleHandler, @unchecked Sendable {
    static let pollSeconds: Double = 600

    private let service: PostureService
    private let senders: OutboundSenders
    private let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(service: PostureService, senders: OutboundSenders, logger: Logger) {
        self.service = service
        self.senders = senders
        self.logger = logger
    }

    func didBootAsync(_ application: Application) async throws {
        let service = service
        let senders = senders
        let logger = logger
        let runner = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(Self.pollSeconds * 1_000_000_000)) } catch { return }
                do {
                    let result = try await service.withJobLock("posture.tickets") {
                        try await service.refreshTickets(using: senders)
                    }
                    if let result, result.changed > 0 || !result.failures.isEmpty {
                        logger.info(
                            "tickets read",
                            metadata: ["changed": "\(result.changed)", "failures": "\(result.failures)"]
                        )
                    }
                } catch {
                    logger.error("reading tickets failed", metadata: ["error": "\(error)"])
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
}
