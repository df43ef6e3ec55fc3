/// Which change-log entries a list shows: the same choice on the History page and in the native
/// API's change list.
public enum ChangeFilter: String, CaseIterable, Sendable {
    case all
    /// A status moved (a person's decision, a regression to To address, an exception expiring).
    case statusChanges = "status"
    /// Points lost.
    case regressions
    /// Points gained.
    case gains

    public var label: String {
        switch self {
        case .all: "All changes"
        case .statusChanges: "Status changes"
        case .regressions: "Regressions (points lost)"
        case .gains: "Gains (points earned)"
        }
    }

    public func matches(_ entry: ChangeEntry) -> Bool {
        switch self {
        case .all: true
        case .statusChanges: entry.kind == .statusChanged || entry.fromStatus != entry.toStatus
        case .regressions: entry.kind == .pointsLost
        case .gains: entry.kind == .pointsGained
        }
    }
}

/// One page of a list: which entries of `total` it holds, and where the neighbours start.
public struct ListPage: Sendable, Equatable {
    public static let defaultSize = 50
    public static let maximumSize = 500

    /// Zero-based position of the page's first entry.
    public var offset: Int
    public var size: Int
    public var total: Int

    /// Clamps what a request asked for: a size from 1 to ``maximumSize``, an offset inside the list
    /// (past the end: the last page).
    public init(offset: Int, size: Int = defaultSize, total: Int) {
        let size = min(max(size, 1), Self.maximumSize)
        let lastStart = total == 0 ? 0 : (total - 1) / size * size
        self.offset = min(max(offset, 0), lastStart)
        self.size = size
        self.total = total
    }

    public var range: Range<Int> { offset..<min(offset + size, total) }
    public var previous: Int? { offset > 0 ? max(0, offset - size) : nil }
    public var next: Int? { offset + size < total ? offset + size : nil }

    public func slice<T>(_ items: [T]) -> ArraySlice<T> { items[range.clamped(to: items.indices)] }
}
