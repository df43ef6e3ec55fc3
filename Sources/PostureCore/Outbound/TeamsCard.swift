import Foundation

/// A message as Teams Workflows takes it: `{"type": "message", "attachments": [one Adaptive Card
/// 1.4]}`, with only `Action.OpenUrl` buttons, kept under 20 KB (Teams refuses about 28 KB).
public enum TeamsCard {
    public static let maxBytes = 20_000

    /// The payload for a message; items are dropped from the end (and counted) until it fits.
    public static func payload(_ message: EventMessage) -> String {
        var shown = message.items.count
        var text = render(message, items: shown)
        while text.utf8.count > maxBytes, shown > 0 {
            shown = shown > 8 ? shown / 2 : shown - 1
            text = render(message, items: shown)
        }
        return text
    }

    static func render(_ message: EventMessage, items shown: Int) -> String {
        var body: [JSONValue] = [
            block(escaped(message.title), [("weight", .string("Bolder")), ("size", .string("Medium"))]),
            block(escaped(message.summary), []),
        ]
        if !message.facts.isEmpty {
            body.append(
                .object(
                    JSONObject([
                        ("type", .string("FactSet")),
                        (
                            "facts",
                            .array(
                                message.facts.map {
                                    .object(
                                        JSONObject([
                                            ("title", .string(escaped($0.name))), ("value", .string(escaped($0.value))),
                                        ])
                                    )
                                }
                            )
                        ),
                    ])
                )
            )
        }
        for item in message.items.prefix(shown) {
            let title = item.url.map { "[\(escaped(item.title))](\($0))" } ?? escaped(item.title)
            body.append(block("**\(title)**  \n\(escaped(item.detail))", [("spacing", .string("Medium"))]))
        }
        let unnamed = message.moreItems + message.items.count - shown
        if unnamed > 0 { body.append(block("…and \(unnamed) more in Posture.", [("isSubtle", .bool(true))])) }
        var card: [(String, JSONValue)] = [
            ("$schema", .string("http://adaptivecards.io/schemas/adaptive-card.json")),
            ("type", .string("AdaptiveCard")),
            ("version", .string("1.4")), ("body", .array(body)),
        ]
        if let link = message.link {
            card.append(
                (
                    "actions",
                    .array([
                        .object(
                            JSONObject([
                                ("type", .string("Action.OpenUrl")), ("title", .string(message.linkTitle)),
                                ("url", .string(link)),
                            ])
                        )
                    ])
                )
            )
        }
        return JSONValue.object(
            JSONObject([
                ("type", .string("message")),
                (
                    "attachments",
                    .array([
                        .object(
                            JSONObject([
                                ("contentType", .string("application/vnd.microsoft.card.adaptive")),
                                ("contentUrl", .null), ("content", .object(JSONObject(card))),
                            ])
                        )
                    ])
                ),
            ])
        ).jsonText
    }

    static func block(_ text: String, _ extra: [(String, JSONValue)]) -> JSONValue {
        .object(JSONObject([("type", .string("TextBlock")), ("text", .string(text)), ("wrap", .bool(true))] + extra))
    }

    /// Text from people and tenants is shown as written: the Markdown a TextBlock reads for links
    /// and emphasis is escaped, so a name cannot turn into a link. (Underscores stay: they are
    /// common inside ids, where Markdown does not read them.)
    public static func escaped(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*[]".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
