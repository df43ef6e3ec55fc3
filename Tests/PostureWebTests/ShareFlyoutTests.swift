import Foundation
import PostureApp
import PostureCore
import PostureStore
import PostureTestSupport
import Testing
import VaporTesting

@testable import PostureServices

/// The flyout's Share section in process: writers send the action by e-mail or to a Teams channel
/// and see it listed; bad addresses are named; readers are told they can copy the link only.
@Suite struct ShareFlyoutTests {
    static let password = "correct horse battery staple"

    @Test func writersShareAndReadersCopyTheLink() async throws {
        try await WebHarness.with(demo: true) { web in
            try await web.addUser("ops", password: Self.password, roles: ["contoso": .securityAdministrator])
            try await web.addUser("viewer", password: Self.password, roles: ["contoso": .globalReader])
            let service = web.runtime.service
            _ = try await web.signIn("ops", Self.password)
            let path = "/orgs/contoso/actions/AdminMFAV2"
            let bare = try await web.send(.GET, path)
            #expect(bare.body.contains("Add an e-mail, Microsoft Teams or ServiceNow channel in Settings → Channels"))
            #expect(!bare.body.contains(#"data-testid="share-email""#))

            let (teams, _) = try await service.addChannel(
                "contoso",
                ChannelDraft(
                    kind: .teams,
                    name: "SOC",
                    url: "https://prod-01.westeurope.logic.azure.com/workflows/a?sig=s",
                    events: ["score.dropped"]
                ),
                actor: "test"
            )
            _ = try await service.addChannel(
                "contoso",
                ChannelDraft(
                    kind: .email,
                    events: ["score.dropped"],
                    mail: MailSettings(
                        host: "smtp.contoso.example",
                        from: "posture@contoso.example",
                        to: ["a@contoso.example"]
                    )
                ),
                actor: "test"
            )
            let page = try await web.send(.GET, path)
            #expect(
                page.body.contains(#"data-testid="share-email""#) && page.body.contains(#"data-testid="share-channel""#)
            )
            #expect(page.body.contains(#"<option value="\#(teams.id)">Microsoft Teams: SOC</option>"#))
            let csrf = try WebHarness.csrf(page.body)

            let refused = try await web.send(.POST, path + "/share", form: [("csrf", csrf), ("to", "owner@, x")])
            #expect(
                refused.status == .badRequest
                    && refused.body.contains("Addresses: &quot;owner@&quot; is not an e-mail address")
            )
            let sent = try await web.send(
                .POST,
                path + "/share",
                form: [("csrf", csrf), ("to", "owner@contoso.example; ciso@contoso.example"), ("note", "by Friday")]
            )
            #expect(sent.status == .seeOther)
            let posted = try await web.send(.POST, path + "/share", form: [("csrf", csrf), ("channelId", teams.id)])
            #expect(posted.status == .seeOther)
            let after = try await web.send(.GET, path + "?saved=shared")
            #expect(after.body.contains("Shared: it leaves within a second"))
            #expect(after.body.contains("ops → owner@contoso.example, ciso@contoso.example"))
            #expect(after.body.contains("ops → Microsoft Teams: SOC"))
            let forged = try await web.send(
                .POST,
                path + "/share",
                form: [("csrf", "forged"), ("channelId", teams.id)]
            )
            #expect(forged.status == .forbidden)
            #expect(try await service.shares("contoso", actionID: "AdminMFAV2").count == 2)

            _ = try await web.send(.POST, "/signout", form: [("csrf", csrf)])
            _ = try await web.signIn("viewer", Self.password)
            let read = try await web.send(.GET, path)
            #expect(read.body.contains("Your role is read-only here: copy the link to share the action."))
            #expect(
                !read.body.contains(#"data-testid="share-email""#) && read.body.contains("ops → Microsoft Teams: SOC")
            )
            let readCSRF = try WebHarness.csrf(read.body)
            let denied = try await web.send(
                .POST,
                path + "/share",
                form: [("csrf", readCSRF), ("channelId", teams.id)]
            )
            #expect(denied.status == .forbidden)
        }
    }
}
