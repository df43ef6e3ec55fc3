import Foundation
import NIOConcurrencyHelpers
import PostureCore

/// Counters of this node's collections per organization, for the Prometheus endpoint. Counters
/// belong to the process, as Prometheus expects: each node is scraped on its own.
public final class CollectionMetrics: Sendable {
    public struct Counters: Sendable, Equatable {
        public var collections = 0
        public var failures = 0
        public var seconds = 0.0
        public var graphRequests = 0
        public var throttled = 0
        public var lastSuccess: Date?
    }

    private let counters = NIOLockedValueBox<[String: Counters]>([:])

    public init() {}

    public func record(_ organizationID: OrganizationID, _ outcome: CollectionOutcome) {
        counters.withLockedValue { all in
            var entry = all[organizationID.rawValue] ?? Counters()
            entry.collections += 1
            if !outcome.succeeded { entry.failures += 1 }
            entry.seconds += outcome.duration
            entry.graphRequests += outcome.graphRequests
            entry.throttled += outcome.throttled
            if outcome.succeeded { entry.lastSuccess = outcome.finishedAt }
            all[organizationID.rawValue] = entry
        }
    }

    /// Every organization's counters, by organization id.
    public var snapshot: [String: Counters] { counters.withLockedValue { $0 } }
}
