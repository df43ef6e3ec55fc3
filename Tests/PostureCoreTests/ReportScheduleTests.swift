import Foundation
import PostureCore
import Testing

/// Scheduled reports' calendar: which period is due when (weeks close on Monday at 07:00 UTC,
/// months on the 1st), a schedule set up mid-period waits for the next, and the e-mail's body
/// names the report it asks for.
@Suite struct ReportScheduleTests {
    static func at(_ text: String) -> Date { Date(iso8601: text)! }

    @Test(arguments: [
        // now, weekly period due, monthly period due
        ("2026-11-30T06:59:59Z", "2026-11-16", "2026-11-22", "2026-10-01", "2026-10-31"),
        ("2026-11-30T07:00:00Z", "2026-11-23", "2026-11-29", "2026-10-01", "2026-10-31"),
        ("2026-12-01T06:59:00Z", "2026-11-23", "2026-11-29", "2026-10-01", "2026-10-31"),
        ("2026-12-01T07:00:00Z", "2026-11-23", "2026-11-29", "2026-11-01", "2026-11-30"),
        ("2027-01-01T07:00:00Z", "2026-12-21", "2026-12-27", "2026-12-01", "2026-12-31"),
        ("2027-01-01T06:00:00Z", "2026-12-21", "2026-12-27", "2026-11-01", "2026-11-30"),
        ("2028-03-01T08:00:00Z", "2028-02-21", "2028-02-27", "2028-02-01", "2028-02-29"),
        ("2026-12-05T21:00:00Z", "2026-11-23", "2026-11-29", "2026-11-01", "2026-11-30"),
    ])
    func periodsCloseAtSevenUTC(now: String, weekFrom: String, weekTo: String, monthFrom: String, monthTo: String) {
        let instant = Self.at(now)
        let week = ReportCadence.weekly.period(dueAt: instant)
        #expect(week.from.description == weekFrom && week.to.description == weekTo, "\(now)")
        let month = ReportCadence.monthly.period(dueAt: instant)
        #expect(month.from.description == monthFrom && month.to.description == monthTo, "\(now)")
    }

    static func schedule(_ cadence: ReportCadence, createdAt: String, lastSent: String? = nil) -> ReportSchedule {
        ReportSchedule(
            id: "rpt_1",
            organizationID: "contoso",
            cadence: cadence,
            recipients: ["ciso@contoso.example"],
            paper: .a4,
            createdBy: "ana",
            createdAt: at(createdAt),
            lastSentPeriod: lastSent.flatMap(CivilDay.init)
        )
    }

    @Test func aScheduleSetUpMidPeriodWaitsForTheNextAndSendsEachPeriodOnce() {
        let monthly = Self.schedule(.monthly, createdAt: "2026-11-28T12:00:00Z")
        #expect(!monthly.isDue(at: Self.at("2026-11-30T23:00:00Z")), "October closed before it was set up")
        #expect(!monthly.isDue(at: Self.at("2026-12-01T06:59:00Z")))
        #expect(monthly.isDue(at: Self.at("2026-12-01T07:00:00Z")), "November's is the first")
        var sent = monthly
        sent.lastSentPeriod = CivilDay("2026-11-01")
        #expect(!sent.isDue(at: Self.at("2026-12-20T07:00:00Z")))
        #expect(sent.isDue(at: Self.at("2027-01-01T07:00:00Z")))

        let next = monthly.nextSend(after: Self.at("2026-11-28T12:00:00Z"))
        #expect(next.period.from.description == "2026-11-01" && next.period.to.description == "2026-11-30")
        #expect(next.at == Self.at("2026-12-01T07:00:00Z"))
        let due = monthly.nextSend(after: Self.at("2026-12-02T00:00:00Z"))
        #expect(due.period.from.description == "2026-11-01" && due.at == Self.at("2026-12-02T00:00:00Z"), "due now")
        let december = sent.nextSend(after: Self.at("2026-12-02T00:00:00Z"))
        #expect(december.period.to.description == "2026-12-31" && december.at == Self.at("2027-01-01T07:00:00Z"))

        let weekly = Self.schedule(.weekly, createdAt: "2026-11-28T12:00:00Z")  // a Saturday
        #expect(!weekly.isDue(at: Self.at("2026-11-30T06:59:00Z")))
        #expect(weekly.isDue(at: Self.at("2026-11-30T07:00:00Z")))
        let week = weekly.nextSend(after: Self.at("2026-11-28T12:00:00Z"))
        #expect(week.period.from.description == "2026-11-23" && week.period.to.description == "2026-11-29")
        #expect(week.at == Self.at("2026-11-30T07:00:00Z"))
    }

    @Test func aPeriodStartingOnItsFirstDayEndsOnItsLast() {
        for (cadence, first, last) in [
            (ReportCadence.weekly, "2026-11-30", "2026-12-06"), (.monthly, "2026-12-01", "2026-12-31"),
            (.monthly, "2028-02-01", "2028-02-29"), (.monthly, "2026-11-01", "2026-11-30"),
        ] {
            let period = cadence.period(startingOn: CivilDay(first)!)
            #expect(period.from.description == first && period.to.description == last, "\(cadence) \(first)")
        }
    }

    @Test func recipientsAreAddressesNamedOnce() {
        #expect(ReportSchedule.recipientProblems(["a@contoso.example", "b@contoso.example"]).isEmpty)
        #expect(ReportSchedule.recipientProblems([]).map(\.field) == ["recipients"])
        #expect(ReportSchedule.recipientProblems(["a@contoso.example", "A@Contoso.example"]).count == 1)
        #expect(ReportSchedule.recipientProblems(["not an address"]).first?.message.contains("not an address") == true)
        let many = (0...MailSettings.recipientLimit).map { "p\($0)@contoso.example" }
        #expect(ReportSchedule.recipientProblems(many).first?.message.contains("at most 20") == true)
    }

    @Test func theEmailNamesTheReportItCarries() throws {
        let schedule = Self.schedule(.monthly, createdAt: "2026-11-28T12:00:00Z")
        let period = DayInterval(from: CivilDay("2026-10-01")!, to: CivilDay("2026-10-31")!)
        let event = schedule.event(
            organizationName: "Contoso <Ltd>",
            period: period,
            link: "https://posture.example/orgs/contoso/report?from=2026-10-01&to=2026-10-31",
            at: Self.at("2026-12-01T07:00:00Z")
        )
        #expect(event.type == .reportScheduled && !OutboundEventType.subscribable.contains(.reportScheduled))
        let request = try #require(ReportSchedule.request(inBody: event.body))
        #expect(request.organizationID == "contoso" && request.period == period && request.paper == .a4)
        #expect(request.filename == "contoso-secure-score-2026-10-01-to-2026-10-31.pdf")
        #expect(ActionShare.recipients(inBody: event.body) == ["ciso@contoso.example"])
        let message = try #require(EventMessage.make(body: event.body))
        #expect(message.title == "Contoso <Ltd>: monthly Secure Score report, October 2026")
        #expect(message.facts.map(\.value) == ["2026-10-01 to 2026-10-31", request.filename])
        let mail = MailMessage.event(
            message,
            from: "posture@contoso.example",
            to: ["ciso@contoso.example"],
            date: Self.at("2026-12-01T07:00:00Z"),
            messageID: "<m@contoso.example>",
            attachments: [
                .init(filename: request.filename, contentType: "application/pdf", data: Array("%PDF-1.4".utf8))
            ]
        )
        let raw = mail.rendered(boundary: "b")
        #expect(raw.contains("Content-Type: application/pdf; name=\"\(request.filename)\""))
        #expect(raw.contains(Data("%PDF-1.4".utf8).base64EncodedString()))
        #expect(raw.contains("Contoso &lt;Ltd&gt;"), "the name is escaped in the HTML part")

        // A body that is not a report, or asks for a reversed period, asks for nothing.
        #expect(ReportSchedule.request(inBody: #"{"type":"digest.weekly","data":{}}"#) == nil)
        let reversed = event.body.replacingOccurrences(of: "\"from\":\"2026-10-01\"", with: "\"from\":\"2026-11-01\"")
        #expect(reversed != event.body && ReportSchedule.request(inBody: reversed) == nil)
    }
}
