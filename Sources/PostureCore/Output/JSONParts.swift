/// JSON made of parts sent one after another, so a stored part is never copied into a whole.
public struct JSONParts: Sendable, Equatable {
    public var parts: [[UInt8]]
    public init(_ parts: [[UInt8]]) { self.parts = parts }
    public var count: Int { parts.reduce(0) { $0 + $1.count } }
    public var joined: [UInt8] { Array(parts.joined()) }
}
