import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import Vapor

@testable import PostureServices

/// `…/reports/schedules`: a read-write token schedules the organization's report, every reader
/// lists it, "send" queues it now, and the e-mail arrives in a real SMTP server with the report
/// as a real PDF (printed by headless Chromium) whose text holds the stored score. Refusals name
/// their field; a server without a PDF engine fails the e-mail saying so.
@Suite struct ReportScheduleAPITests {
    static let path = "/api/v1/organizations/contoso/reports/schedules"

    static func emailChannel(
        _ service: PostureService,
        port: Int,
        organization: OrganizationID = "contoso"
    )
        async throws
    {
        _ = try await service.addChannel(
            organization,
            ChannelDraft(
                kind: .email,
                events: ["score.dropped"],
                mail: MailSettings(
                    host: "127.0.0.1",
                    port: port,
                    security: .none,
                    from: "posture@contoso.example",
                    to: ["alerts@contoso.example"]
                )
            ),
            actor: "test"
        )
    }

    @Test(arguments: TestDatabase.available)
    func aScheduledReportArrivesWithItsPDF(_ database: TestDatabase) async throws {
        let smtp = try await SMTPTestServer.start(mode: .plain)
        defer { smtp.stop() }
        try await APIHarness.with(database: database, configure: WebhookAPITests.allowPrivate) { harness in
            let service = harness.runtime.service
            let writer = try await harness.token("contoso", .readWrite)
            let reader = try await harness.token("contoso")
            let body = #"{"cadence": "monthly", "recipients": ["ciso@contoso.example", "board@contoso.example"]}"#

            // Without an e-mail channel there is no way out: refused, saying where to add one.
            let nowhere = try await harness.send(.POST, Self.path, token: writer, json: body)
            #expect(nowhere.status == .badRequest && nowhere.body.contains("Settings → Channels"), "\(nowhere.body)")
            try await Self.emailChannel(service, port: smtp.port)

            #expect(try await harness.send(.POST, Self.path, token: reader, json: body).status == .forbidden)
            let created = try await harness.send(.POST, Self.path, token: writer, json: body)
            #expect(created.status == .created, "\(created.body)")
            let schedule = try object(created.body)
            let id = try #require(schedule["id"] as? String)
            #expect(schedule["paper"] as? String == "a4" && schedule["cadence"] as? String == "monthly")
            // Set up on 2026-11-28: the first report is November's, from 1 December 07:00 UTC.
            let next = try #require(schedule["nextPeriod"] as? [String: Any])
            #expect(next["from"] as? String == "2026-11-01" && next["to"] as? String == "2026-11-30")
            #expect(schedule["nextSendAt"] as? String == "2026-12-01T07:00:00Z")

            let listed = try object(try await harness.send(.GET, Self.path, token: reader).body)
            let rows = try #require(listed["value"] as? [[String: Any]])
            #expect(
                rows.count == 1
                    && rows.first?["recipients"] as? [String] == ["ciso@contoso.example", "board@contoso.example"]
            )

            // Send now: October's report (the last closed month), printed when the e-mail leaves.
            #expect(try await harness.send(.POST, Self.path + "/\(id)/send", token: reader).status == .forbidden)
            let sent = try await harness.send(.POST, Self.path + "/\(id)/send", token: writer)
            #expect(sent.status == .accepted, "\(sent.body)")
            #expect(try object(sent.body)["event"] as? String == "report.scheduled")
            let twice = try await harness.send(.POST, Self.path + "/\(id)/send", token: writer)
            #expect(twice.status == .conflict && twice.body.contains("already on its way"), "one print at a time")
            let senders = OutboundSenders.network(policy: service.outbound, reports: harness.runtime.reportPrinter)
            for delivery in try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10) {
                let recorded = try await service.deliver(delivery, holder: "t", using: senders)
                #expect(recorded?.state == .delivered, "\(recorded?.lastError ?? "given back")")
            }
            let mail = try #require(smtp.messages().first)
            #expect(Set(mail.recipients) == ["ciso@contoso.example", "board@contoso.example"])
            #expect(mail.raw.contains("Subject: Contoso (demo): monthly Secure Score report, October 2026"))
            let unfolded = mail.raw.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(
                of: "=3D",
                with: "="
            )
            #expect(unfolded.contains("/orgs/contoso/report?from=2026-10-01&to=2026-10-31"))
            let attachment = try #require(MailAttachments.attachments(in: mail.raw).first)
            #expect(attachment.contentType == "application/pdf")
            #expect(attachment.filename == "contoso-secure-score-2026-10-01-to-2026-10-31.pdf")
            let pdf = try MailAttachments.pdf(attachment.data)
            let current = try await service.currentReport("contoso")
            #expect(pdf.pages >= 2)
            #expect(pdf.text.contains(ScoreFormat.percentage(current.percentage)), "the headline score")
            #expect(pdf.text.contains("2026-10-01") && pdf.text.contains("2026-10-31"), "the period")
            let audit = try await harness.runtime.store.auditEntries(organizationID: "contoso")
            #expect(audit.contains { $0.action == "report.schedule.add" && $0.target == id })
            #expect(audit.contains { $0.action == "report.schedule.send" && $0.target == id })

            // Refusals name what to change.
            for (json, target) in [
                (#"{"recipients": ["a@contoso.example"]}"#, "cadence"),
                (#"{"cadence": "daily", "recipients": ["a@contoso.example"]}"#, "cadence"),
                (#"{"cadence": "weekly"}"#, "recipients"),
                (#"{"cadence": "weekly", "recipients": []}"#, "recipients"),
                (#"{"cadence": "weekly", "recipients": ["not an address"]}"#, "recipients"),
                (#"{"cadence": "weekly", "recipients": ["a@contoso.example", "A@contoso.example"]}"#, "recipients"),
                (#"{"cadence": "weekly", "recipients": ["someone@elsewhere.example"]}"#, "recipients"),
                (#"{"cadence": "weekly", "recipients": ["a@contoso.example"], "paper": "a3"}"#, "paper"),
                (#"{"cadence": "weekly", "recipients": ["a@contoso.example"], "format": "pdf"}"#, "format"),
            ] {
                let refused = try await harness.send(.POST, Self.path, token: writer, json: json)
                #expect(refused.status == .badRequest, "\(json): \(refused.body)")
                #expect(refused.body.contains(#""target":"\#(target)""#), "\(json): \(refused.body)")
            }
            let outside = try await harness.send(
                .POST,
                Self.path,
                token: writer,
                json: #"{"cadence": "weekly", "recipients": ["someone@elsewhere.example"]}"#
            )
            #expect(outside.body.contains("mail domains (contoso.example)"))
            for _ in 1..<ReportSchedule.maximumPerOrganization {
                let added = try await harness.send(
                    .POST,
                    Self.path,
                    token: writer,
                    json: #"{"cadence": "weekly", "recipients": ["a@contoso.example"], "paper": "letter"}"#
                )
                #expect(added.status == .created)
            }
            #expect(try await harness.send(.POST, Self.path, token: writer, json: body).status == .conflict)

            #expect(try await harness.send(.DELETE, Self.path + "/\(id)", token: reader).status == .forbidden)
            #expect(try await harness.send(.DELETE, Self.path + "/\(id)", token: writer).status == .noContent)
            #expect(try await harness.send(.DELETE, Self.path + "/\(id)", token: writer).status == .notFound)
            #expect(try await harness.send(.POST, Self.path + "/rpt_nothing/send", token: writer).status == .notFound)
            // Another organization's token sees none of it.
            let other = try await harness.token("fabrikam", .readWrite)
            #expect(try await harness.send(.GET, Self.path, token: other).status == .notFound)
        }
    }

    @Test func withoutAPDFEngineTheEmailFailsSayingSo() async throws {
        let smtp = try await SMTPTestServer.start(mode: .plain)
        defer { smtp.stop() }
        try await APIHarness.with(configure: WebhookAPITests.allowPrivate) { harness in
            let service = harness.runtime.service
            try await Self.emailChannel(service, port: smtp.port)
            let schedule = try await service.addReportSchedule(
                "contoso",
                ReportScheduleDraft(cadence: .weekly, recipients: ["ciso@contoso.example"]),
                actor: "test"
            )
            _ = try await service.sendScheduledReport("contoso", id: schedule.id, actor: "test")
            let printer = ReportPrinter(
                renderer: harness.runtime.reportPrinter.renderer,
                converter: ChromiumPDFConverter(engine: nil)
            )
            let senders = OutboundSenders.network(policy: service.outbound, reports: printer)
            let delivery = try #require(
                try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10).first
            )
            let recorded = try await service.deliver(delivery, holder: "t", using: senders)
            #expect(recorded?.state == .failed)
            #expect(recorded?.lastError?.contains("no PDF engine on this server") == true)
            #expect(smtp.messages().isEmpty, "no e-mail without its report")

            // A busy engine gives the e-mail back to wait its turn, without spending an attempt.
            _ = try await service.sendScheduledReport("contoso", id: schedule.id, actor: "test")
            let busy = ReportPrinter(
                renderer: harness.runtime.reportPrinter.renderer,
                converter: ChromiumPDFConverter(engine: "/bin/true", maximumAtOnce: 0)
            )
            let waiting = try #require(
                try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10).first
            )
            #expect(
                try await service.deliver(
                    waiting,
                    holder: "t",
                    using: OutboundSenders.network(policy: service.outbound, reports: busy)
                ) == nil
            )
            let log = try await service.deliveries("contoso", limit: 10)
            let again = try #require(log.first { $0.id == waiting.id })
            #expect(again.state == .pending && again.attempts == 0)
            #expect((again.nextAttemptAt ?? .distantPast) > harness.runtime.service.clock.now())
        }
    }
}
