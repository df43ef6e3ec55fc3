import Foundation

/// What is rendered of a state when it is stored, for every read of that state on the same day:
/// the native score document and Graph's `controlScores` of the day's `secureScore` entry.
public struct ScoreRendering: Sendable, Equatable {
    public var document: RenderedScoreDocument
    /// Graph's `controlScores` of the day's `secureScore` entry, as JSON text
    /// (``GraphControlScores``).
    public var controlScores: String

    public init(document: RenderedScoreDocument, controlScores: String) {
        self.document = document
        self.controlScores = controlScores
    }

    /// Renders `report`'s document as of the report's instant, and the `controlScores` of
    /// `snapshot` (the day's snapshot of the same state).
    public init(report: ScoreReport, snapshot: DailySnapshot, catalog: Catalog) {
        self.init(
            document: RenderedScoreDocument(report: report),
            controlScores: GraphControlScores.rendered(snapshot, catalog: catalog)
        )
    }

    /// The day the rendering serves.
    public var day: CivilDay { document.day }
}

/// A score document rendered once. Everything after `asOf` depends only on the stored state and
/// the day (the projection starts today), so it is kept as JSON; a read adds the organization
/// and the instant it answers at. The body it gives is byte for byte what encoding the whole
/// ``ScoreDocument`` gives.
public struct RenderedScoreDocument: Sendable, Equatable {
    /// The day the projection in ``tail`` starts from; the rendering serves reads on this day only.
    public var day: CivilDay
    /// The document's JSON after `"asOf":"…",`, up to and including its closing brace.
    public var tail: [UInt8]

    public init(day: CivilDay, tail: [UInt8]) {
        self.day = day
        self.tail = tail
    }

    /// Renders `report`'s document as of the report's instant.
    public init(report: ScoreReport) {
        // Encoding our own plain value types cannot fail.
        let bytes = try! CompactJSONEncoder.encode(ScoreDocument(report: report, organization: nil))
        let head = Array(Self.head(report.asOf).utf8)
        precondition(bytes.starts(with: head), "a score document without an organization starts with asOf")
        self.init(day: CivilDay(report.asOf), tail: Array(bytes[head.count...]))
    }

    /// The whole document of `organization` at `asOf`, or nil when `asOf` falls on another day
    /// than the rendering's (its projection would start on the wrong day).
    public func body(organization: Organization, asOf: Date) -> [UInt8]? {
        head(organization: organization, asOf: asOf).map { $0 + tail }
    }

    /// What goes before ``tail`` in ``body(organization:asOf:)``: a writer that sends the two in
    /// turn does not copy the tail.
    public func head(organization: Organization, asOf: Date) -> [UInt8]? {
        guard CivilDay(asOf) == day else { return nil }
        // Encoding our own plain value type cannot fail.
        let organization = try! CompactJSONEncoder.encode(organization)
        let head = Self.head(asOf).utf8
        var body: [UInt8] = []
        body.reserveCapacity(16 + organization.count + head.count)
        body.append(contentsOf: #"{"organization":"#.utf8)
        body.append(contentsOf: organization)
        body.append(UInt8(ascii: ","))
        body.append(contentsOf: head.dropFirst())
        return body
    }

    /// How a document without an organization begins.
    private static func head(_ asOf: Date) -> String {
        #"{"asOf":""# + asOf.iso8601 + #"","#
    }
}
