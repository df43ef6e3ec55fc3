import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// Scheduled reports from Settings: a read-write role schedules one (refusals shown on the page),
/// a reader sees it without the forms, the report is queued once per period from 07:00 UTC and
/// passed over when the organization's e-mail channel is gone, and removing it stops it.
@Suite struct ReportScheduleSettingsTests {
    @Test(arguments: TestDatabase.available)
    func aReportIsScheduledFromSettingsAndQueuedOncePerPeriod(_ database: TestDatabase) async throws {
        let allowPrivate: @Sendable (inout PostureConfiguration) -> Void = { $0.allowPrivateTargets = true }
        try await WebHarness.with(database: database, demo: true, configure: allowPrivate) { web in
            let service = web.runtime.service
            try await web.addUser("rhea", password: "correct horse battery", roles: ["contoso": .securityAdministrator])
            try await web.addUser("remy", password: "correct horse battery", roles: ["contoso": .securityReader])
            #expect(try await web.signIn("rhea", "correct horse battery").status == .seeOther)
            let settings = "/orgs/contoso/settings"
            var page = try await web.send(.GET, settings)
            #expect(page.body.contains("Scheduled reports") && page.body.contains("No scheduled report yet."))
            #expect(!page.body.contains(#"data-testid="report-schedule-form""#), "no e-mail channel: no form")
            #expect(page.body.contains("it has none yet: add one under Channels"))

            let (channel, _) = try await service.addChannel(
                "contoso",
                ChannelDraft(
                    kind: .email,
                    events: ["score.dropped"],
                    mail: MailSettings(
                        host: "127.0.0.1",
                        port: 2525,
                        security: .none,
                        from: "posture@contoso.example",
                        to: ["alerts@contoso.example"]
                    )
                ),
                actor: "test"
            )
            page = try await web.send(.GET, settings)
            #expect(page.body.contains(#"data-testid="report-schedule-form""#))
            let csrf = try WebHarness.csrf(page.body)
            var refused = try await web.send(
                .POST,
                settings + "/reports",
                form: [
                    ("cadence", "monthly"), ("recipients", "board@elsewhere.example"), ("paper", "a4"), ("csrf", csrf),
                ]
            )
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("The addresses: &quot;board@elsewhere.example&quot; must be at one of"))
            refused = try await web.send(
                .POST,
                settings + "/reports",
                form: [("cadence", "yearly"), ("recipients", "board@contoso.example"), ("csrf", csrf)]
            )
            #expect(refused.status == .badRequest && refused.body.contains("Choose every week or every month"))
            #expect(try await service.reportSchedules("contoso").isEmpty, "nothing stored by a refusal")

            let saved = try await web.send(
                .POST,
                settings + "/reports",
                form: [
                    ("cadence", "weekly"), ("recipients", "ciso@contoso.example; board@contoso.example"),
                    ("paper", "letter"), ("csrf", csrf),
                ]
            )
            #expect(saved.status == .seeOther && saved.location?.hasSuffix("saved=report-scheduled#reports") == true)
            page = try await web.send(.GET, saved.location ?? settings)
            #expect(page.body.contains("ciso@contoso.example, board@contoso.example"))
            #expect(page.body.contains("2026-11-23 to 2026-11-29, from 2026-11-30 07:00 UTC"), "Monday's report")
            let schedule = try #require(try await service.reportSchedules("contoso").first)
            #expect(schedule.paper == .letter && schedule.createdBy == "rhea")

            // Saturday: nothing due yet. Monday 07:01: last week's report, once.
            #expect(try await service.queueDueReports() == 0)
            web.advance(2 * 86_400 - 5 * 3_600 - 60)  // Monday 06:59
            #expect(try await service.queueDueReports() == 0)
            web.advance(120)  // Monday 07:01
            #expect(try await service.queueDueReports() == 1)
            #expect(try await service.queueDueReports() == 0, "one report a period")
            let queued = try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10)
            let request = try #require(queued.first.flatMap { ReportSchedule.request(inBody: $0.body) })
            #expect(request.period.from.description == "2026-11-23" && request.paper == .letter)
            #expect(try await service.reportSchedules("contoso").first?.lastSentPeriod?.description == "2026-11-23")
            try await service.releaseDeliveryLeases(holder: "t")

            // A reader sees the schedule but none of its forms.
            #expect(try await web.signIn("remy", "correct horse battery").status == .seeOther)
            page = try await web.send(.GET, settings)
            #expect(page.body.contains("ciso@contoso.example, board@contoso.example"))
            #expect(
                !page.body.contains("/reports/\(schedule.id)/remove") && !page.body.contains("report-schedule-form")
            )
            let denied = try await web.send(
                .POST,
                settings + "/reports/\(schedule.id)/remove",
                form: [("csrf", try WebHarness.csrf(page.body))]
            )
            #expect(denied.status == .forbidden)

            // Without the e-mail channel the next week is passed over, not queued for later.
            try await service.removeChannel("contoso", id: channel.id, actor: "test")
            web.advance(7 * 86_400)
            #expect(try await service.queueDueReports() == 0)
            #expect(try await service.reportSchedules("contoso").first?.lastSentPeriod?.description == "2026-11-30")

            #expect(try await web.signIn("rhea", "correct horse battery").status == .seeOther)
            page = try await web.send(.GET, settings)
            let removed = try await web.send(
                .POST,
                settings + "/reports/\(schedule.id)/remove",
                form: [("csrf", try WebHarness.csrf(page.body))]
            )
            #expect(removed.status == .seeOther)
            #expect(try await service.reportSchedules("contoso").isEmpty)
            #expect(
                try await service.auditEntries(organizationID: "contoso").contains {
                    $0.action == "report.schedule.remove" && $0.actor == "rhea"
                }
            )
        }
    }
}
