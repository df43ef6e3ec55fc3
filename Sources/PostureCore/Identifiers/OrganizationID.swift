/// The identifier of an organization, as it appears in URLs, tokens and Graph ids.
///
/// Deliberately not `Codable`: a value bound into SQL or written into JSON must be spelled
/// `.rawValue`, so the compiler catches an identifier handed to an encoder that would wrap it.
public struct OrganizationID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    /// Wraps a stored or already checked identifier; use `init(validating:)` for outside input.
    public init(rawValue: String) { self.rawValue = rawValue }

    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(stringLiteral value: String) { self.rawValue = value }

    /// An identifier from outside input, or `nil` when it breaks `Organization.isValidID`.
    public init?(validating text: String) {
        guard Organization.isValidID(text) else { return nil }
        self.rawValue = text
    }

    public var description: String { rawValue }

    /// The owner of instance-wide channels and alert rules: never an organization's id, which
    /// cannot contain `*`.
    public static let instance = OrganizationID("*")

    public var isInstance: Bool { rawValue == "*" }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
