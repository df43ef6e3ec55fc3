import PostureCore
import SQLKit

/// A stored rendering a node may already hold from an earlier read: the query leaves the column
/// out when the row's revision and rendered day are the held ones, and the held value stands in.
/// Revision and day are still read in the same query, so a newer write on any node is seen.
struct HeldRendering<Value> {
    let held: (key: RenderedKey, value: Value)?

    /// `column` from `current_scores c`, or NULL when the row's key is the held one.
    func select(_ column: String) -> SQLQueryString {
        """
        CASE WHEN c.revision = \(bind: held?.key.revision ?? 0) AND c.rendered_day = \(bind: held?.key.day.description ?? "")
            THEN NULL ELSE c.\(unsafeRaw: column) END
        """
    }

    /// What the row read, or the held value when the row left it out under the held key.
    func value(read: Value?, key: RenderedKey) -> Value? {
        read ?? held.flatMap { $0.key == key ? $0.value : nil }
    }
}
