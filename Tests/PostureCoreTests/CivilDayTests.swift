import Foundation
import PostureCore
import PropertyBased
import Testing

@Suite struct CivilDayTests {
    @Test func roundTripsEveryDayOfFourCenturies() async {
        await propertyCheck(count: 500, input: Gen.int(in: -200_000...200_000)) { days in
            let day = CivilDay(daysSinceEpoch: days)
            #expect(day.daysSinceEpoch == days)
            #expect(CivilDay(day.description) == day)
            #expect(CivilDay(day.start) == day)
        }
    }

    static let timestamps: [(String, Double?)] = [
        ("1970-01-01", 0),
        ("2026-11-28T00:00:00Z", 1_795_824_000),
        ("2026-11-28T01:30:00+01:30", 1_795_824_000),
        ("2024-02-29", 1_709_164_800),
        ("2023-02-29", nil),
        ("2026-13-01", nil),
        ("2026-11-28T24:00:00Z", nil),
        ("2026-11-28T10:00:00", nil),
        ("28/11/2026", nil),
        ("2026-11-28T10:00:00.250Z", 1_795_860_000.25),
    ]

    @Test(arguments: timestamps)
    func parsesISO8601Strictly(_ text: String, _ expected: Double?) {
        #expect(Date(iso8601: text)?.timeIntervalSince1970 == expected)
    }

    @Test func formatsInUTC() {
        #expect(Date(iso8601: "2026-11-28T01:30:00+01:30")!.iso8601 == "2026-11-28T00:00:00Z")
    }
}
