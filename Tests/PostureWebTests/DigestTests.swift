import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// The weekly digest end to end: a read-only person opts in from Settings, the digest is queued
/// once on Monday from 07:00 UTC and arrives in a real SMTP server with the week's numbers; a
/// person who lost access gets nothing, and stopping it is theirs to do.
@Suite struct DigestTests {
    @Test func aPersonOptsInAndGetsOneDigestAWeek() async throws {
        let smtp = try await SMTPTestServer.start(mode: .plain)
        defer { smtp.stop() }
        let allowPrivate: @Sendable (inout PostureConfiguration) -> Void = { $0.allowPrivateTargets = true }
        try await WebHarness.with(demo: true, configure: allowPrivate) { web in
            let service = web.runtime.service
            try await web.addUser("dana", password: "correct horse battery", roles: ["contoso": .securityReader])
            #expect(try await web.signIn("dana", "correct horse battery").status == .seeOther)
            let settings = "/orgs/contoso/settings"
            var page = try await web.send(.GET, settings)
            #expect(page.status == .ok, "\(page.status) \(page.location ?? "")")
            #expect(page.body.contains("You do not get this organization"))
            #expect(page.body.contains("has none yet") && !page.body.contains(#"data-testid="digest-form""#))

            // Without an e-mail channel the digest has no way out: refused, saying where to add one.
            var refused = try await web.send(
                .POST,
                settings + "/digest",
                form: [("email", "dana@contoso.example"), ("csrf", try WebHarness.csrf(page.body))]
            )
            #expect(refused.status == .badRequest && refused.body.contains("e-mail channel"))

            _ = try await service.addChannel(
                "contoso",
                ChannelDraft(
                    kind: .email,
                    events: ["score.dropped"],
                    mail: MailSettings(
                        host: "127.0.0.1",
                        port: smtp.port,
                        security: .none,
                        from: "posture@contoso.example",
                        to: ["alerts@contoso.example"]
                    )
                ),
                actor: "test"
            )
            page = try await web.send(.GET, settings)
            let csrf = try WebHarness.csrf(page.body)
            refused = try await web.send(
                .POST,
                settings + "/digest",
                form: [("email", "not an address"), ("csrf", csrf)]
            )
            #expect(refused.status == .badRequest && refused.body.contains("Your e-mail"))
            refused = try await web.send(
                .POST,
                settings + "/digest",
                form: [("email", "dana@elsewhere.example"), ("csrf", csrf)]
            )
            #expect(
                refused.status == .badRequest && refused.body.contains("mail domains (contoso.example)"),
                "only the organization's own mail domains"
            )
            let saved = try await web.send(
                .POST,
                settings + "/digest",
                form: [("email", "dana@contoso.example"), ("csrf", csrf)]
            )
            #expect(saved.status == .seeOther && saved.location?.hasSuffix("saved=digest#digest") == true)
            page = try await web.send(.GET, saved.location ?? settings)
            #expect(page.body.contains("<strong>dana@contoso.example</strong>"))
            #expect(
                try await service.auditEntries(organizationID: "contoso").contains {
                    $0.action == "digest.subscribe" && $0.actor == "dana"
                }
            )

            // Subscribed on a Saturday: the first digest is Monday's, from 07:00 UTC, and only once.
            #expect(try await service.queueDueDigests() == 0)
            web.advance(2 * 86_400 - 5 * 3_600 - 60)  // Monday 06:59
            #expect(try await service.queueDueDigests() == 0)
            web.advance(120)  // Monday 07:01
            #expect(try await service.queueDueDigests() == 1)
            #expect(try await service.queueDueDigests() == 0, "one digest a week")
            let senders = OutboundSenders.network(policy: service.outbound)
            for delivery in try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10) {
                #expect(try await service.deliver(delivery, holder: "t", using: senders)?.state == .delivered)
            }
            let mail = try #require(smtp.messages().first)
            #expect(mail.recipients == ["dana@contoso.example"], "the person's address only")
            let text = mail.raw.replacingOccurrences(of: "=\r\n", with: "")
            #expect(text.contains("weekly Secure Score digest"))
            #expect(text.contains("Change over the week") && text.contains("A week ago"))
            #expect(text.components(separatedBy: "- To do: ").count - 1 == WeeklyDigest.topActions)
            #expect(text.contains("/orgs/contoso"))

            // A person who lost access is passed over; one who is put back is not subscribed again.
            #expect(try await web.runtime.identity.revoke(from: "dana", in: "contoso", actor: "test"))
            #expect(try await service.digestSubscription("contoso", username: "dana") == nil)
            try await web.runtime.identity.grant(.securityReader, to: "dana", in: "contoso", actor: "test")
            web.advance(7 * 86_400)
            #expect(try await service.queueDueDigests() == 0)
            #expect(try await service.claimDueDeliveries(holder: "t", leaseSeconds: 60, limit: 10).isEmpty)

            // Stopping it is the person's own choice. A week and more later the session has
            // expired: sign in again.
            #expect(try await web.send(.GET, settings).status == .seeOther)
            #expect(try await web.signIn("dana", "correct horse battery").status == .seeOther)
            page = try await web.send(.GET, settings)
            let again = try await web.send(
                .POST,
                settings + "/digest",
                form: [("email", "dana@contoso.example"), ("csrf", try WebHarness.csrf(page.body))]
            )
            #expect(again.status == .seeOther)
            #expect(try await service.digestSubscription("contoso", username: "dana") != nil)
            page = try await web.send(.GET, settings)
            let stopped = try await web.send(
                .POST,
                settings + "/digest/stop",
                form: [("csrf", try WebHarness.csrf(page.body))]
            )
            #expect(stopped.status == .seeOther)
            #expect(try await service.digestSubscription("contoso", username: "dana") == nil)
            #expect(
                try await service.auditEntries(organizationID: "contoso").contains {
                    $0.action == "digest.unsubscribe" && $0.actor == "dana"
                }
            )

            // A person removed takes their digests along: a later person of that name has none.
            try await service.subscribeDigest("contoso", username: "dana", email: "dana@contoso.example")
            try await web.runtime.identity.removeUser("dana", actor: "test")
            #expect(try await service.digestSubscription("contoso", username: "dana") == nil)
        }
    }
}
