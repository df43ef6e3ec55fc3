import Foundation
import PostureCore
import PropertyBased
import Testing

/// What channels carry: an event as people read it, as a Teams card within its size, and as a
/// MIME e-mail whose headers data cannot break; and the settings a channel is refused for.
@Suite struct ChannelMessageTests {
    static let now = Date(iso8601: "2026-12-05T10:00:00Z")!
    static let hostile = "Contoso [click](https://evil.example) <b>\"x\"</b>\r\nBcc: victim@example.com"

    static func regressed(count: Int, organization: String = "Contoso") -> OutboundEvent {
        let entries = (0..<count).map { index in
            ChangeEntry(
                organizationID: "contoso",
                actionID: "action_\(index)",
                category: .identity,
                kind: .pointsLost,
                occurredAt: now,
                fromStatus: .toAddress,
                toStatus: .toAddress,
                pointsBefore: 10,
                pointsAfter: 4,
                maxScore: 10,
                actor: "collector",
                detail: "",
                cause: ChangeCause(
                    kind: .userOrDeviceChange,
                    entitiesLost: ["a@contoso.example"],
                    summary: "1 admin lost it"
                )
            )
        }
        let input = AlertInput(
            organizationID: "contoso",
            organizationName: organization,
            changes: entries.enumerated().map { (Int64($0.offset + 1), $0.element) },
            titles: ["action_0": "Require MFA for administrative roles"],
            link: "https://posture.example/orgs/contoso"
        )
        return AlertEvaluation.evaluate(rules: AlertRules(), state: AlertState(), input: input, at: now).events[0]
    }

    @Test func anEventReadsTheSameEverywhere() throws {
        let message = try #require(EventMessage.make(body: Self.regressed(count: 2).body))
        #expect(message.title == "Contoso: 2 actions lost 12 points")
        #expect(message.items.map(\.title) == ["Require MFA for administrative roles", "action_1"])
        #expect(message.items[0].detail == "10 points → 4 points of 10: 1 admin lost it")
        #expect(message.items[0].url == "https://posture.example/orgs/contoso/actions/action_0")
        #expect(message.link == "https://posture.example/orgs/contoso")
        #expect(EventMessage.make(body: "{\"type\": \"nothing\"}") == nil)
        #expect(EventMessage.make(body: "not json") == nil)
    }

    @Test(arguments: OutboundEventType.allCases)
    func everyEventTypeHasATitle(_ type: OutboundEventType) throws {
        let event = OutboundEvent(
            type: type,
            timestamp: Self.now,
            data: JSONObject([("organizationName", .string("Contoso")), ("organizationId", .string("contoso"))])
        )
        let message = try #require(EventMessage.make(body: event.body))
        #expect(!message.title.isEmpty && (type == .webhookTest || message.title.hasPrefix("Contoso")), "\(type)")
    }

    @Test func teamsCardsHaveTheWorkflowsShape() throws {
        let message = try #require(EventMessage.make(body: Self.regressed(count: 3, organization: Self.hostile).body))
        let payload = TeamsCard.payload(message)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any])
        #expect(root["type"] as? String == "message")
        let attachment = try #require((root["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
        let card = try #require(attachment["content"] as? [String: Any])
        #expect(card["type"] as? String == "AdaptiveCard" && card["version"] as? String == "1.4")
        let actions = try #require(card["actions"] as? [[String: Any]])
        #expect(actions.allSatisfy { $0["type"] as? String == "Action.OpenUrl" })
        let texts = (card["body"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String }
        #expect(texts[0].contains(#"\[click\](https://evil.example)"#), "a name cannot become a link: \(texts[0])")
        #expect(!texts.joined().contains("[click](https"))
    }

    /// However many actions regressed, a card stays under Teams' limit and counts what it leaves out.
    @Test func teamsCardsStayUnderTheirBudget() async {
        await propertyCheck(count: 30, input: Gen.int(in: 1...2_000)) { count in
            var message = EventMessage(title: "t", summary: "s")
            message.items = (0..<count).map {
                EventMessage.Item(
                    title: String(repeating: "T", count: 150) + "\($0)",
                    detail: String(repeating: "d", count: 200)
                )
            }
            let payload = TeamsCard.payload(message)
            #expect(payload.utf8.count <= TeamsCard.maxBytes)
            let shown = payload.components(separatedBy: "**T").count - 1
            #expect(shown == count || payload.contains("and \(count - shown) more in Posture."))
        }
    }

    @Test func mailIsMIMEThatDataCannotBreak() throws {
        var message = try #require(EventMessage.make(body: Self.regressed(count: 2, organization: Self.hostile).body))
        message.summary =
            "Score = 61.5% — Zürich\n.a line that starts with a dot\n" + String(repeating: "long ", count: 40)
        let mail = MailMessage.event(
            message,
            from: "posture@contoso.example",
            to: ["secops@contoso.example", "ciso@contoso.example"],
            date: Self.now,
            messageID: "<msg_1@contoso.example>"
        )
        let text = mail.rendered(boundary: "b1")
        let lines = text.components(separatedBy: "\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "CRLF only")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 }, "\(lines.filter { $0.utf8.count > 78 })")
        let headers = lines.prefix { !$0.isEmpty }
        #expect(!headers.contains { $0.hasPrefix("Bcc:") }, "a line break in data cannot add a header")
        #expect(headers.contains("To: secops@contoso.example, ciso@contoso.example"))
        #expect(headers.contains("Date: Sat, 05 Dec 2026 10:00:00 +0000"))
        #expect(
            headers.contains("Message-ID: <msg_1@contoso.example>")
                && headers.contains("Auto-Submitted: auto-generated")
        )
        #expect(headers.contains(#"Content-Type: multipart/alternative; boundary="alt-b1""#))
        #expect(Self.decodedSubject(Array(headers)) == mail.subject.replacingOccurrences(of: "\r\n", with: "  "))

        let parts = text.components(separatedBy: "--alt-b1")
        #expect(parts.count == 4, "a text part, an HTML part and the end")
        let plain = Self.quotedPrintableDecoded(parts[1].components(separatedBy: "\r\n\r\n").dropFirst().joined())
        #expect(plain.contains("Score = 61.5% — Zürich\n.a line that starts with a dot"))
        let html = Self.quotedPrintableDecoded(parts[2].components(separatedBy: "\r\n\r\n").dropFirst().joined())
        #expect(html.contains("Contoso [click](https://evil.example) &lt;b&gt;&quot;x&quot;&lt;/b&gt;"))
        #expect(!html.contains("<b>\"x\"</b>"))
        #expect(html.contains(#"<a href="https://posture.example/orgs/contoso/actions/action_0">"#))
    }

    @Test func attachmentsAreBase64InAMixedMessage() {
        let mail = MailMessage(
            from: "a@example.test",
            to: ["b@example.test"],
            subject: "Report",
            text: "See attached.",
            html: "<p>See attached.</p>",
            attachments: [
                .init(filename: "report.pdf", contentType: "application/pdf", data: Array(repeating: 0xFF, count: 200))
            ],
            date: Self.now,
            messageID: "<m@example.test>"
        )
        let text = mail.rendered(boundary: "b2")
        #expect(text.contains(#"Content-Type: multipart/mixed; boundary="mix-b2""#))
        #expect(text.contains(#"Content-Disposition: attachment; filename="report.pdf""#))
        let encoded = Data(Array(repeating: UInt8(0xFF), count: 200)).base64EncodedString()
        #expect(text.contains(String(encoded.prefix(76)) + "\r\n"))
        #expect(text.hasSuffix("--mix-b2--\r\n"))
    }

    @Test(
        arguments: [
            ("secops@contoso.example", true), ("first.last+tag@sub.contoso.example", true), ("a@b", false),
            ("no-at.example", false), ("a@@b.example", false), ("a b@c.example", false), ("a@c.example\r\nRCPT", false),
            ("<a@c.example>", false), ("ü@c.example", false), ("a@.example", false),
            ("\(String(repeating: "a", count: 65))@c.example", false),
        ]
    )
    func emailAddresses(_ address: String, _ accepted: Bool) {
        #expect((EmailAddress.problem(address) == nil) == accepted, "\(address)")
    }

    @Test func mailSettingsNameTheirFields() {
        let good = MailSettings(
            host: "smtp.office365.com",
            from: "posture@contoso.example",
            to: ["secops@contoso.example"]
        )
        #expect(good.port == 587 && good.problems(allowPrivate: false).isEmpty)
        #expect(
            MailSettings(host: "smtp.example.com", security: .tls, from: "a@b.example", to: ["c@d.example"]).port == 465
        )
        var bad = good
        bad.host = "127.0.0.1"
        bad.security = .none
        bad.port = 70_000
        bad.from = "nobody"
        bad.to = []
        #expect(
            bad.problems(allowPrivate: false).map(\.field) == [
                "smtp.host", "smtp.port", "smtp.security", "smtp.from", "to",
            ]
        )
        #expect(bad.problems(allowPrivate: true).map(\.field) == ["smtp.port", "smtp.from", "to"])
        bad.to = (0...MailSettings.recipientLimit).map { "a\($0)@contoso.example" }
        #expect(bad.problems(allowPrivate: true).last?.message == "name at most 20 addresses")
    }

    @Test func teamsURLsAreCheckedAndShownWithoutTheirSignature() {
        let url =
            "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=SECRET"
        #expect(TeamsTarget.problem(url, field: "url", allowPrivate: false) == nil)
        #expect(
            TeamsTarget.shown(url)
                == "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?…"
        )
        #expect(!TeamsTarget.shown(url).contains("SECRET"))
        let retired = TeamsTarget.problem(
            "https://contoso.webhook.office.com/webhookb2/x",
            field: "url",
            allowPrivate: false
        )
        #expect(retired?.message.contains("Workflows") == true)
        #expect(TeamsTarget.problem("http://hooks.example.com/x", field: "url", allowPrivate: false) != nil)
    }

    static func decodedSubject(_ headers: [String]) -> String {
        guard let start = headers.firstIndex(where: { $0.hasPrefix("Subject: ") }) else { return "" }
        // Unfolding removes the line breaks and keeps the space after them; the space between two
        // encoded words is not part of the text.
        var unfolded = String(headers[start].dropFirst(9))
        for line in headers[(start + 1)...] {
            guard line.hasPrefix(" ") else { break }
            unfolded += line
        }
        guard unfolded.hasPrefix("=?UTF-8?B?") else { return unfolded }
        return unfolded.split(separator: " ").map { word -> String in
            guard word.hasPrefix("=?UTF-8?B?"), word.hasSuffix("?="),
                let data = Data(base64Encoded: String(word.dropFirst(10).dropLast(2)))
            else { return String(word) }
            return String(decoding: data, as: UTF8.self)
        }.joined()
    }

    static func quotedPrintableDecoded(_ text: String) -> String {
        let unfolded = text.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "\r\n", with: "\n")
        var bytes: [UInt8] = []
        var index = unfolded.utf8.startIndex
        let utf8 = unfolded.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "="), let end = utf8.index(index, offsetBy: 3, limitedBy: utf8.endIndex),
                let value = UInt8(String(decoding: utf8[utf8.index(after: index)..<end], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index = end
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
