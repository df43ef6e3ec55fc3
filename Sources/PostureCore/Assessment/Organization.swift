/// An organization whose posture is scored.
public struct Organization: Sendable, Equatable, Codable {
    public var id: String
    public var displayName: String
    public var licensedUserCount: Int?
    public var activeUserCount: Int?
    public var industry: String?
    public var region: String?

    public init(
        id: String,
        displayName: String,
        licensedUserCount: Int? = nil,
        activeUserCount: Int? = nil,
        industry: String? = nil,
        region: String? = nil
    ) {
        self.id = id
        self.displayName = displayName
        self.licensedUserCount = licensedUserCount
        self.activeUserCount = activeUserCount
        self.industry = industry
        self.region = region
    }

    /// Every problem with the organization's text, empty when it is acceptable.
    public var textProblems: [String] {
        [
            TextLimits.problem(.displayName, displayName, required: true), TextLimits.problem(.industry, industry),
            TextLimits.problem(.region, region),
        ].compactMap { $0 }
    }

    /// Ids appear in URLs and in Graph secure-score ids (`{id}_{yyyy-MM-dd}`): 1–64 characters,
    /// letters, digits, `.`, `_` and `-`, starting with a letter or digit.
    public static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 64 else { return false }
        func allowed(_ scalar: Unicode.Scalar) -> Bool {
            scalar.isASCII
                && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                    || "._-".unicodeScalars.contains(scalar))
        }
        return allowed(first) && first != "." && first != "_" && first != "-" && id.unicodeScalars.allSatisfy(allowed)
    }
}
