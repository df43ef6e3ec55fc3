import NIOCore

/// One SMTP reply: its code and its lines' text (a multi-line reply's `250-` lines and its last
/// `250 ` line).
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var text: String { lines.joined(separator: " ") }

    /// An EHLO reply's extension keywords, upper-cased: `STARTTLS`, `AUTH`, `8BITMIME`…
    public var keywords: Set<String> {
        Set(lines.dropFirst().compactMap { $0.split(separator: " ").first.map { $0.uppercased() } })
    }

    /// The mechanisms an EHLO reply's `AUTH` line offers.
    public var authMechanisms: Set<String> {
        for line in lines.dropFirst() {
            let words = line.split(separator: " ").map { $0.uppercased() }
            if words.first == "AUTH" || words.first == "AUTH=" { return Set(words.dropFirst()) }
        }
        return []
    }
}

/// Splits the server's bytes into replies: lines `NNN-text` continue a reply, `NNN text` (or a
/// bare `NNN`) ends it. Bounded: a line of more than 4,096 bytes or a reply of more than 200 lines
/// is a protocol error, not a reason to buffer without end.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply

    static let maxLine = 4_096
    static let maxLines = 200

    var pending: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let length = buffer.withUnsafeReadableBytes({ $0.firstIndex(of: UInt8(ascii: "\n")) }) else {
            if buffer.readableBytes > Self.maxLine { throw SMTPError.protocolError("a reply line is too long") }
            return .needMoreData
        }
        if length > Self.maxLine { throw SMTPError.protocolError("a reply line is too long") }
        guard var line = buffer.readString(length: length) else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        let digits = line.prefix(3)
        guard digits.count == 3, digits.allSatisfy(\.isNumber), let code = Int(digits) else {
            throw SMTPError.protocolError("the server sent \"\(line.prefix(80))\", not a reply")
        }
        let separator = line.dropFirst(3).first
        pending.append(String(line.dropFirst(4)))
        if pending.count > Self.maxLines { throw SMTPError.protocolError("a reply has too many lines") }
        if separator == "-" { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: pending)))
        pending = []
        return .continue
    }
}
