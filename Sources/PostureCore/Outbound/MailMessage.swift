import Foundation

/// An e-mail as Posture sends it: RFC 5322 headers and a MIME body with a text and an HTML part
/// (and attachments), every header made safe (no line breaks from data; UTF-8 subjects as encoded
/// words) and every line CRLF-ended and at most 78 characters. The SMTP client adds only the
/// transparency dots.
public struct MailMessage: Sendable, Equatable {
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var data: [UInt8]

        public init(filename: String, contentType: String, data: [UInt8]) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: String
    public var to: [String]
    public var subject: String
    public var text: String
    public var html: String
    public var attachments: [Attachment]
    public var date: Date
    /// Unique per message: `<id@domain of the sender>`.
    public var messageID: String

    public init(
        from: String,
        to: [String],
        subject: String,
        text: String,
        html: String,
        attachments: [Attachment] = [],
        date: Date,
        messageID: String
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.date = date
        self.messageID = messageID
    }

    /// The whole message, CRLF line ends. `boundary` is random in the server, fixed in tests.
    public func rendered(boundary: String) -> String {
        var lines = [
            "From: " + from, "To: " + to.joined(separator: ", "),
            "Subject: " + Self.encodedWords(Self.oneLine(subject)),
            "Date: " + Self.rfc5322(date), "Message-ID: " + messageID, "MIME-Version: 1.0",
            // RFC 3834: an automatic message; out-of-office replies should not answer it.
            "Auto-Submitted: auto-generated",
        ]
        let alternative = "alt-" + boundary
        let textParts = [
            "--\(alternative)", "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "", Self.quotedPrintable(text), "--\(alternative)", "Content-Type: text/html; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable", "", Self.quotedPrintable(html), "--\(alternative)--",
        ]
        if attachments.isEmpty {
            lines += ["Content-Type: multipart/alternative; boundary=\"\(alternative)\"", ""] + textParts
        } else {
            let mixed = "mix-" + boundary
            lines += [
                "Content-Type: multipart/mixed; boundary=\"\(mixed)\"", "", "--\(mixed)",
                "Content-Type: multipart/alternative; boundary=\"\(alternative)\"", "",
            ]
            lines += textParts
            for attachment in attachments {
                let name = Self.oneLine(attachment.filename).replacingOccurrences(of: "\"", with: "'")
                lines += [
                    "--\(mixed)", "Content-Type: \(attachment.contentType); name=\"\(name)\"",
                    "Content-Disposition: attachment; filename=\"\(name)\"", "Content-Transfer-Encoding: base64", "",
                    Self.base64Lines(attachment.data),
                ]
            }
            lines.append("--\(mixed)--")
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Line breaks and other controls from data become spaces: nothing can add a header.
    static func oneLine(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }
            )
        )
    }

    /// ASCII subjects as they are (folded when long); others as `=?UTF-8?B?…?=` words of at most
    /// 75 characters, split between characters.
    static func encodedWords(_ text: String) -> String {
        if text.allSatisfy({ $0.isASCII }), text.utf8.count <= 900 { return fold(text) }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            // 45 bytes of UTF-8 make 60 base64 characters, inside the 75 of a word.
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Folds a long ASCII header at spaces so lines stay near 78 characters.
    static func fold(_ text: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty, line.count + word.count + 1 > 70 {
                lines.append(line)
                line = String(word)
            } else {
                line = line.isEmpty && lines.isEmpty ? String(word) : line + " " + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045): lines of at most 76 characters, `=` and bytes outside
    /// printable ASCII as `=XX`, spaces before a line end encoded, CRLF line ends.
    static func quotedPrintable(_ text: String) -> String {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalized.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var encoded: [String] = []
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let plain = (byte >= 33 && byte <= 126 && byte != 61) || (byte == 32 && !last) || (byte == 9 && !last)
                encoded.append(plain ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte))
            }
            var out: [String] = []
            var current = ""
            for piece in encoded {
                if current.count + piece.count > 75 {
                    out.append(current + "=")
                    current = ""
                }
                current += piece
            }
            out.append(current)
            return out.joined(separator: "\r\n")
        }.joined(separator: "\r\n")
    }

    static func base64Lines(_ data: [UInt8]) -> String {
        let text = Data(data).base64EncodedString()
        var lines: [String] = []
        var index = text.startIndex
        while index < text.endIndex {
            let end = text.index(index, offsetBy: 76, limitedBy: text.endIndex) ?? text.endIndex
            lines.append(String(text[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// `Sat, 05 Dec 2026 12:00:00 +0000`.
    static func rfc5322(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// The text part of an event's e-mail: the summary, facts, items, link and why it was sent.
    public static func plainText(_ message: EventMessage) -> [String] {
        var text = [message.summary, ""]
        for fact in message.facts { text.append("\(fact.name): \(fact.value)") }
        if !message.facts.isEmpty { text.append("") }
        for item in message.items {
            text.append("- \(item.title)")
            text.append("  \(item.detail)")
            if let url = item.url { text.append("  \(url)") }
        }
        if message.moreItems > 0 { text.append("…and \(message.moreItems) more in Posture.") }
        if let link = message.link { text += ["", "\(message.linkTitle): \(link)"] }
        text += ["", "-- ", message.reason]
        return text
    }

    /// An event's message as an e-mail to `to` from `from`.
    public static func event(
        _ message: EventMessage,
        from: String,
        to: [String],
        date: Date,
        messageID: String,
        attachments: [Attachment] = []
    ) -> MailMessage {
        let text = plainText(message)

        let facts = message.facts.map { fact -> SafeHTML in
            "<tr><th align=\"left\">\(fact.name)</th><td>\(fact.value)</td></tr>"
        }
        let items = message.items.map { item -> SafeHTML in
            let title: SafeHTML =
                item.url.map { url in "<a href=\"\(href: url)\">\(item.title)</a>" } ?? "\(item.title)"
            return "<li><strong>\(title)</strong><br>\(item.detail)</li>"
        }
        let more: SafeHTML? = message.moreItems > 0 ? "<p>…and \(message.moreItems) more in Posture.</p>" : nil
        let link: SafeHTML? = message.link.map { url in "<p><a href=\"\(href: url)\">\(message.linkTitle)</a></p>" }
        let table: SafeHTML? = facts.isEmpty ? nil : "<table>\(facts)</table>"
        let list: SafeHTML? = items.isEmpty ? nil : "<ul>\(items)</ul>"
        let html: SafeHTML = """
            <!doctype html><html><body style="font-family: sans-serif">
            <h1 style="font-size: 1.2em">\(message.title)</h1>
            <p>\(message.summary)</p>
            \(table)\(list)\(more)\(link)
            <p style="color: #666; font-size: 0.85em">\(message.reason)</p>
            </body></html>
            """
        return MailMessage(
            from: from,
            to: to,
            subject: message.title,
            text: text.joined(separator: "\n"),
            html: html.markup,
            attachments: attachments,
            date: date,
            messageID: messageID
        )
    }
}
