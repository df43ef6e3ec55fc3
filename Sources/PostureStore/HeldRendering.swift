import PostureCore

/// A stored rendering a node may already hold from an earlier read: the query leaves the column
/// out when the row's revision and rendered day are the held ones, and the held value stands in.
/// Revision and day are still read in the same query, so a newer write on any node is seen.
struct HeldRendering<Value> {
    let held: (key: RenderedKey, value: Value)?

    /// `$1` and `$2` of ``HeldColumn/select(_:)``: values no stored row has when nothing is held.
    var binds: [PreparedBind] {
        [.integer(held?.key.revision ?? 0), .text(held?.key.day.description ?? "")]
    }

    /// What the row read, or the held value when the row left it out under the held key.
    func value(read: Value?, key: RenderedKey) -> Value? {
        read ?? held.flatMap { $0.key == key ? $0.value : nil }
    }
}

/// The SQL side of ``HeldRendering``, the same whatever the held value's type.
enum HeldColumn {
    /// `column` of `current_scores c`, or NULL when the row's key is the held one; the held key
    /// is bound as `$1` and `$2` (``HeldRendering/binds``).
    static func select(_ column: String) -> String {
        "CASE WHEN c.revision = $1 AND c.rendered_day = $2 THEN NULL ELSE c.\(column) END"
    }
}
