import Foundation
import NIOConcurrencyHelpers

/// The loop both schedulers run: fill up to `concurrency` slots with work claimed from the
/// database, run each in its own task, and wait for a slot to free or the next poll; until
/// cancelled.
enum SlotLoop {
    /// A process's name on the leases it takes: unique per process, so a restarted node never
    /// mistakes its predecessor's leases for its own.
    static func holderName() -> String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
    }

    static func run<Item: Sendable>(
        concurrency: Int,
        pollSeconds: Double,
        doorbell: Doorbell,
        claim: @escaping @Sendable (_ free: Int) async -> [Item],
        work: @escaping @Sendable (Item) async -> Void
    ) async {
        let running = NIOLockedValueBox(0)
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled {
                let free = concurrency - running.withLockedValue { $0 }
                let claimed = free > 0 ? await claim(free) : []
                for item in claimed {
                    running.withLockedValue { $0 += 1 }
                    group.addTask {
                        await work(item)
                        running.withLockedValue { $0 -= 1 }
                        await doorbell.ring()
                    }
                }
                // Every slot busy, or nothing more due now: wait for a slot or the next poll.
                if claimed.count < free || free <= 0 { await doorbell.wait(seconds: pollSeconds) }
            }
            group.cancelAll()
        }
    }
}
