import NIOConcurrencyHelpers
import PostureCore
import PostureStore

/// Renderings this process has read, by organization, each under the revision and day it was
/// stored with. A read still asks the database for both, so a write or a new day's rendering on
/// any node is seen at once; only moving the same bytes again is saved (tens of kilobytes a read,
/// over the socket on PostgreSQL). Bounded by bytes: past `capacity` the older half goes.
public final class RenderingCache: Sendable {
    struct Entry {
        var key: RenderedKey
        var document: [UInt8]?
        var controlScores: String?
        var order: UInt64

        var size: Int { (document?.count ?? 0) + (controlScores?.utf8.count ?? 0) }
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var next: UInt64 = 0
        var bytes = 0
    }

    private let state = NIOLockedValueBox(State())
    let capacity: Int

    /// `capacity` in bytes; 32 MB holds a few hundred organizations of the demo's size.
    public init(capacity: Int = 32 << 20) {
        self.capacity = capacity
    }

    /// The score document held for the organization, under the key it was stored with.
    func document(_ organizationID: OrganizationID) -> (key: RenderedKey, tail: [UInt8])? {
        state.withLockedValue { state in
            state.entries[organizationID.rawValue].flatMap { entry in entry.document.map { (entry.key, $0) } }
        }
    }

    /// Graph's `controlScores` held for the organization, under the key they were stored with.
    func controlScores(_ organizationID: OrganizationID) -> (key: RenderedKey, controlScores: String)? {
        state.withLockedValue { state in
            state.entries[organizationID.rawValue].flatMap { entry in entry.controlScores.map { (entry.key, $0) } }
        }
    }

    /// Both parts of a rendering this process has just stored.
    func put(_ organizationID: OrganizationID, _ key: RenderedKey, rendering: ScoreRendering) {
        update(organizationID, key) {
            $0.document = rendering.document.tail
            $0.controlScores = rendering.controlScores
        }
    }

    func put(_ organizationID: OrganizationID, _ key: RenderedKey, document: [UInt8]) {
        update(organizationID, key) { $0.document = document }
    }

    func put(_ organizationID: OrganizationID, _ key: RenderedKey, controlScores: String) {
        update(organizationID, key) { $0.controlScores = controlScores }
    }

    private func update(_ organizationID: OrganizationID, _ key: RenderedKey, _ change: (inout Entry) -> Void) {
        state.withLockedValue { state in
            state.next &+= 1
            let old = state.entries[organizationID.rawValue]
            // Another revision or day replaces what was held; the same one gains the other part.
            var entry =
                old.flatMap { $0.key == key ? $0 : nil }
                ?? Entry(key: key, document: nil, controlScores: nil, order: 0)
            change(&entry)
            entry.order = state.next
            guard entry.size <= capacity / 4 else {
                // One organization may not take the room of many.
                state.entries[organizationID.rawValue] = nil
                state.bytes -= old?.size ?? 0
                return
            }
            state.entries[organizationID.rawValue] = entry
            state.bytes += entry.size - (old?.size ?? 0)
            if state.bytes > capacity {
                let cutoff = state.entries.values.map(\.order).sorted()[state.entries.count / 2]
                state.entries = state.entries.filter { $0.value.order >= cutoff }
                state.bytes = state.entries.values.reduce(0) { $0 + $1.size }
            }
        }
    }
}
