import Foundation

/// The current time, injected: the core never reads the clock itself, and tests pin it.
public struct PostureClock: Sendable {
    public var now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) {
        self.now = now
    }

    public static func fixed(_ date: Date) -> PostureClock {
        PostureClock { date }
    }
}
