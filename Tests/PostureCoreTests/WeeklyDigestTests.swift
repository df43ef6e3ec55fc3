import Foundation
import PostureCore
import PropertyBased
import Testing

/// The weekly digest's rules: which Monday is due when, who is due, and what the message says.
@Suite struct WeeklyDigestTests {
    static func at(_ text: String) -> Date { Date(iso8601: text)! }

    @Test(arguments: [
        ("2026-11-30T06:59:59Z", "2026-11-23"),  // Monday before 07:00: last week's
        ("2026-11-30T07:00:00Z", "2026-11-30"),
        ("2026-12-02T03:00:00Z", "2026-11-30"),  // Wednesday
        ("2026-12-06T23:59:59Z", "2026-11-30"),  // Sunday
        ("2027-01-04T07:30:00Z", "2027-01-04"),  // across a year
    ])
    func theWeekDueIsTheLastMondayFromSevenInTheMorning(now: String, monday: String) {
        #expect(WeeklyDigest.week(at: Self.at(now)).description == monday)
    }

    @Test func everyWeekDueIsAMondayAtMostSevenDaysBack() async {
        let base = Self.at("2026-01-01T00:00:00Z").timeIntervalSince1970
        await propertyCheck(count: 500, input: Gen.int(in: 0...(3 * 365 * 24 * 60))) { minutes in
            let now = Date(timeIntervalSince1970: base + Double(minutes) * 60)
            let week = WeeklyDigest.week(at: now)
            #expect((week.daysSinceEpoch - 4) % 7 == 0, "a Monday")
            let start = week.start.addingTimeInterval(Double(WeeklyDigest.sendHour) * 3_600)
            #expect(start <= now && now.timeIntervalSince(start) < 7 * 86_400)
        }
    }

    @Test(
        arguments: [
            // created, last sent, now, due
            ("2026-11-28T12:00:00Z", nil, "2026-11-29T12:00:00Z", false),  // subscribed this week: next Monday's
            ("2026-11-28T12:00:00Z", nil, "2026-11-30T07:00:00Z", true),
            ("2026-11-30T08:00:00Z", nil, "2026-12-01T08:00:00Z", false),  // after Monday's went out
            ("2026-11-01T08:00:00Z", "2026-11-30", "2026-12-03T08:00:00Z", false),
            ("2026-11-01T08:00:00Z", "2026-11-23", "2026-12-03T08:00:00Z", true),  // missed: sent late, once
        ] as [(String, String?, String, Bool)]
    )
    func whoIsDue(created: String, lastSent: String?, now: String, due: Bool) {
        let subscription = DigestSubscription(
            organizationID: "contoso",
            username: "dana",
            email: "dana@contoso.example",
            createdAt: Self.at(created),
            lastSentWeek: lastSent.flatMap(CivilDay.init)
        )
        #expect(WeeklyDigest.isDue(subscription, at: Self.at(now)) == due)
    }

    static func input(weekAgo: Double?, tickets: Int = 2, exceptionDays: [Int] = [3, 30]) -> WeeklyDigest.Input {
        let now = at("2026-11-30T07:00:00Z")
        return WeeklyDigest.Input(
            organizationID: "contoso",
            organizationName: "Contoso",
            points: 60,
            maxPoints: 100,
            weekAgoPoints: weekAgo,
            weekAgoMaxPoints: weekAgo.map { _ in 100 },
            actions: (1...8).map {
                .init(id: "a\($0)", title: "Action \($0)", remaining: Double(10 - $0), status: .toAddress)
            },
            openTickets: (0..<tickets).map {
                .init(number: "INC\($0)", state: "New", title: "T\($0)", url: "https://sn.example/\($0)")
            },
            exceptions: exceptionDays.map {
                .init(
                    actionID: "x\($0)",
                    title: "Exception \($0)",
                    status: .riskAccepted,
                    expiresAt: now.addingTimeInterval(Double($0) * 86_400)
                )
            },
            link: "https://posture.example/orgs/contoso",
            recipients: ["dana@contoso.example"]
        )
    }

    @Test(arguments: [(50.0, "up 10.0"), (70.0, "down 10.0"), (60.0, "unchanged")])
    func theMessageSaysTheChangeAndNamesTheWeek(weekAgo: Double, change: String) throws {
        let now = Self.at("2026-11-30T07:00:00Z")
        let event = WeeklyDigest.event(Self.input(weekAgo: weekAgo), week: CivilDay("2026-11-30")!, at: now)
        #expect(event.type == .digestWeekly && !OutboundEventType.subscribable.contains(.digestWeekly))
        let message = try #require(EventMessage.make(body: event.body))
        #expect(message.title == "Contoso: weekly Secure Score digest, 60.0%")
        let facts = Dictionary(uniqueKeysWithValues: message.facts.map { ($0.name, $0.value) })
        #expect(facts["Change over the week"]?.hasPrefix(change) == true, "\(facts)")
        #expect(facts["Score"] == "60.0% (60 points of 100)" && facts["Open tickets"] == "2")
        let titles = message.items.map(\.title)
        #expect(
            titles.filter { $0.hasPrefix("To do: ") } == (1...5).map { "To do: Action \($0)" },
            "the five worth most"
        )
        #expect(titles.contains("Open ticket INC0: T0"))
        #expect(titles.filter { $0.hasPrefix("Expiring: ") } == ["Expiring: Exception 3"], "within 14 days only")
        #expect(ActionShare.recipients(inBody: event.body) == ["dana@contoso.example"])
    }

    @Test func withoutAWeekAgoItSaysSo() throws {
        let event = WeeklyDigest.event(
            Self.input(weekAgo: nil),
            week: CivilDay("2026-11-30")!,
            at: Self.at("2026-11-30T07:00:00Z")
        )
        let message = try #require(EventMessage.make(body: event.body))
        #expect(
            message.facts.first { $0.name == "Change over the week" }?.value
                == "no closed day a week ago to compare with"
        )
        #expect(!message.facts.contains { $0.name == "A week ago" })
    }

    @Test func longListsAreCountedAndTheBodyStaysSmall() async {
        await propertyCheck(count: 40, input: Gen.int(in: 0...400)) { count in
            let event = WeeklyDigest.event(
                Self.input(weekAgo: 55, tickets: count, exceptionDays: Array(repeating: 1, count: count)),
                week: CivilDay("2026-11-30")!,
                at: Self.at("2026-11-30T07:00:00Z")
            )
            #expect(event.body.utf8.count <= OutboundEvent.maxBodyBytes)
            let message = EventMessage.make(body: event.body)
            #expect(message?.moreItems == 2 * max(0, count - WeeklyDigest.listLimit))
        }
    }
}
