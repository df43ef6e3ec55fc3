import Foundation
import NIOConcurrencyHelpers
import PostureServices
import Vapor

/// Looks at due organizations' alerts every few seconds while the server runs. Every node runs
/// it; a cluster-wide job lock lets one node look at a time, and each look holds its
/// organization's lock, so an alert is queued once.
final class AlertScheduler: LifecycleHandler, @unchecked Sendable {
    /// With ``PostureService/alertSettleSeconds`` this puts an alert out within about 20 seconds
    /// of the write that caused it (the delivery queue adds about a second).
    static let pollSeconds: Double = 5

    private let service: PostureService
    private let logger: Logger
    private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

    init(service: PostureService, logger: Logger) {
        self.service = service
        self.logger = logger
    }

    func didBootAsync(_ application: Application) async throws {
        let service = service
        let logger = logger
        let runner = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(nanoseconds: UInt64(Self.pollSeconds * 1_000_000_000)) } catch { return }
                do {
                    let queued = try await service.withJobLock("posture.alerts") {
                        try await service.evaluateDueAlerts()
                    }
                    if let queued, queued > 0 { logger.info("alerts queued", metadata: ["events": "\(queued)"]) }
                } catch {
                    logger.error("evaluating alerts failed", metadata: ["error": "\(error)"])
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
