import Foundation
import PostureCore
import PropertyBased
import Testing

/// The compact encoder writes what Foundation's `JSONEncoder` writes, up to key order: the same
/// values, numbers spelled the same, strings escaped the same.
@Suite struct CompactJSONEncoderTests {
    struct Sample: Encodable {
        var text: String
        var number: Double
        var count: Int
        var flag: Bool
        var missing: String?
        var present: Int?
        var date: Date
        var list: [Double]
        var nested: [String: [Int]]
        var empty: [String]
    }

    static func foundation(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.iso8601)
        }
        return try encoder.encode(value)
    }

    /// Both texts parsed back, and the canonical (sorted) text of each.
    static func canonical(_ data: Data) throws -> String {
        let object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        return String(
            decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .fragmentsAllowed]),
            as: UTF8.self
        )
    }

    @Test func numbersAndStringsAreSpelledAsFoundationSpellsThem() throws {
        let numbers = [2.0, 0.1, 1e21, 1e-7, 123_456_789.125, -0.0, 100, 2.5, 33.333333333333336, 1e16, 1e15]
        let compact = String(decoding: try CompactJSONEncoder.encode(numbers), as: UTF8.self)
        let reference = String(decoding: try Self.foundation(numbers), as: UTF8.self)
        #expect(compact == reference)
        let strings = ["a/b", "\u{1}\u{1f}\u{7f}é\"\\\n\r\t\u{8}\u{c}", "🙂 <script>&"]
        #expect(try CompactJSONEncoder.encode(strings) == Array(try Self.foundation(strings)))
        #expect(throws: EncodingError.self) { try CompactJSONEncoder.encode([Double.nan]) }
    }

    @Test func randomValuesReadBackAsFoundationWritesThem() async {
        let generator = zip(
            Gen.int(in: -1_000_000...1_000_000),
            Gen.int(in: 0...4),
            Gen.int(in: 0...3),
            Gen.int(in: 0...1_000_000_000)
        ).array(of: 0...6)
        await propertyCheck(count: 200, input: generator) { rows in
            let samples = rows.map { row in
                Sample(
                    text: String(repeating: "x\"\\/é\n", count: row.1),
                    number: Double(row.0) / Double(max(1, row.2 * 7)),
                    count: row.0,
                    flag: row.2 % 2 == 0,
                    missing: row.1 % 2 == 0 ? nil : "set",
                    present: row.2 == 0 ? nil : row.2,
                    date: Date(timeIntervalSince1970: Double(row.3)),
                    list: (0..<row.1).map { Double($0) * 0.1 },
                    nested: Dictionary(uniqueKeysWithValues: (0..<row.2).map { ("k\($0)", [$0, row.0]) }),
                    empty: []
                )
            }
            let compact = try? Self.canonical(Data(try CompactJSONEncoder.encode(samples)))
            let reference = try? Self.canonical(try Self.foundation(samples))
            #expect(compact != nil && compact == reference)
        }
    }

    @Test func aScoreDocumentReadsBackAsFoundationWritesIt() throws {
        let report = Fixtures.score(
            [ActionMeasurement(actionID: "MFA", result: .counted(achieved: 3, total: 7))],
            [StatusRecord(actionID: "Legacy", status: .planned, note: "Q1 <b>", targetDate: CivilDay("2027-01-31"))]
        )
        let document = ScoreDocument(report: report, organization: nil)
        #expect(
            try Self.canonical(Data(try CompactJSONEncoder.encode(document)))
                == Self.canonical(try Self.foundation(document))
        )
    }
}

extension CompactJSONEncoderTests {
    /// A type that writes another's fields into its own object, as the API's action with tags does.
    struct Flattened: Encodable {
        var inner: Sample
        var extra: [String]

        enum Keys: String, CodingKey { case extra }

        func encode(to encoder: any Encoder) throws {
            try inner.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(extra, forKey: .extra)
        }
    }

    @Test func oneEncoderAskingTwiceForItsObjectGetsTheSameObject() throws {
        let sample = Sample(
            text: "t",
            number: 1.5,
            count: 2,
            flag: true,
            missing: nil,
            present: 3,
            date: Date(timeIntervalSince1970: 0),
            list: [1],
            nested: ["a": [1]],
            empty: []
        )
        let value = [Flattened(inner: sample, extra: ["x"]), Flattened(inner: sample, extra: [])]
        #expect(
            try Self.canonical(Data(try CompactJSONEncoder.encode(value))) == Self.canonical(try Self.foundation(value))
        )
    }
}

extension CompactJSONEncoderTests {
    /// Dates as seconds since 2001 are read back by Foundation's default decoder to the same
    /// instant, fractions of a second included.
    @Test func datesAsSecondsReadBackExactly() async {
        let instants = Gen.int(in: -2_000_000_000...2_000_000_000).array(of: 1...5)
        await propertyCheck(count: 200, input: instants) { values in
            let dates = values.map { Date(timeIntervalSince1970: Double($0) / 1_000) }
            let bytes = try? CompactJSONEncoder.encode(["at": dates], dates: .secondsSinceReferenceDate)
            let read = bytes.flatMap { try? JSONDecoder().decode([String: [Date]].self, from: Data($0)) }
            #expect(read == ["at": dates])
            #expect(bytes.map { Array($0) } == (try? Array(JSONEncoder().encode(["at": dates]))))
        }
    }
}
