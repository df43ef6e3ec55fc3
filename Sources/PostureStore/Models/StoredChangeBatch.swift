import Foundation
import PostureCore

/// One write's change-log entries as stored in a `change_batches` row (migration 012): what the
/// entries share (the time and the actor) said once, each entry's own fields under short keys,
/// the whole packed by ``PackedText``. A day's sensor moves are one row, not one row each.
struct StoredChangeBatch: Codable {
    struct Entry: Codable {
        var actionID: String
        var category: String
        var kind: String
        /// The entry's time when it differs from the batch's.
        var occurredAt: Double?
        var fromStatus: String?
        var toStatus: String?
        var pointsBefore: Double
        var pointsAfter: Double
        var maxScore: Double
        /// The entry's actor when it differs from the batch's.
        var actor: String?
        var detail: String
        var cause: StoredCause?

        enum CodingKeys: String, CodingKey {
            case actionID = "a"
            case category = "c"
            case kind = "k"
            case occurredAt = "t"
            case fromStatus = "f"
            case toStatus = "s"
            case pointsBefore = "b"
            case pointsAfter = "p"
            case maxScore = "m"
            case actor = "w"
            case detail = "d"
            case cause = "z"
        }
    }

    var occurredAt: Double
    var actor: String
    var entries: [Entry]

    enum CodingKeys: String, CodingKey {
        case occurredAt = "t"
        case actor = "w"
        case entries = "e"
    }

    init(_ changes: some Collection<ChangeEntry>) {
        // The most common time and actor are the batch's; the rest say their own.
        func mostCommon<T: Hashable>(_ values: [T]) -> T? {
            Dictionary(values.map { ($0, 1) }, uniquingKeysWith: +).max { $0.value < $1.value }?.key
        }
        let time = mostCommon(changes.map(\.occurredAt.timeIntervalSince1970)) ?? 0
        let actor = mostCommon(changes.map(\.actor)) ?? ""
        occurredAt = time
        self.actor = actor
        entries = changes.map { change in
            Entry(
                actionID: change.actionID,
                category: change.category.rawValue,
                kind: change.kind.rawValue,
                occurredAt: change.occurredAt.timeIntervalSince1970 == time
                    ? nil : change.occurredAt.timeIntervalSince1970,
                fromStatus: change.fromStatus?.rawValue,
                toStatus: change.toStatus?.rawValue,
                pointsBefore: change.pointsBefore,
                pointsAfter: change.pointsAfter,
                maxScore: change.maxScore,
                actor: change.actor == actor ? nil : change.actor,
                detail: change.detail,
                cause: change.cause.map(StoredCause.init)
            )
        }
    }

    func changes(of organizationID: String) -> [ChangeEntry] {
        entries.map { entry in
            ChangeEntry(
                organizationID: organizationID,
                actionID: entry.actionID,
                category: ActionCategory(rawValue: entry.category) ?? .identity,
                kind: ChangeEntry.Kind(rawValue: entry.kind) ?? .statusChanged,
                occurredAt: Date(timeIntervalSince1970: entry.occurredAt ?? occurredAt),
                fromStatus: entry.fromStatus.flatMap(ActionStatus.init),
                toStatus: entry.toStatus.flatMap(ActionStatus.init),
                pointsBefore: entry.pointsBefore,
                pointsAfter: entry.pointsAfter,
                maxScore: entry.maxScore,
                actor: entry.actor ?? actor,
                detail: entry.detail,
                cause: entry.cause?.cause
            )
        }
    }
}
