import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A local DNS server for TXT lookups, answering from a table over UDP and TCP on 127.0.0.1
/// (RFC 1035 answers with a compression pointer to the question, strings split at 255 bytes), so
/// tests never look anything up on the real DNS. Names it does not know are NXDOMAIN; `failing`
/// names answer SERVFAIL; `silent` names are never answered; `truncated` names are answered with
/// the truncation bit over UDP, in full over TCP.
public final class RecordedDNSServer: Sendable {
    public struct Script: Sendable {
        /// Lower-case name → its TXT records.
        public var records: [String: [String]] = [:]
        public var failing: Set<String> = []
        public var silent: Set<String> = []
        public var truncated: Set<String> = []

        public init(records: [String: [String]] = [:]) { self.records = records }

        /// The TXT records a snapshot's `spfRecords.json` holds.
        public static func recorded(in directory: URL) throws -> Script {
            let data = try Data(contentsOf: directory.appendingPathComponent("spfRecords.json"))
            let entries =
                (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["value"] as? [[String: Any]] ?? []
            var script = Script()
            for entry in entries {
                guard let domain = entry["domain"] as? String else { continue }
                script.records[domain.lowercased()] = entry["records"] as? [String] ?? []
            }
            return script
        }
    }

    let channel: any Channel
    let stream: any Channel
    public let port: Int
    private let asked: NIOLockedValueBox<[String]>

    /// Every name asked, in order.
    public var questions: [String] { asked.withLockedValue { $0 } }
    /// `127.0.0.1:port`, as `POSTURE_DNS_SERVER` takes it.
    public var address: String { "127.0.0.1:\(port)" }

    private init(channel: any Channel, stream: any Channel, port: Int, asked: NIOLockedValueBox<[String]>) {
        self.channel = channel
        self.stream = stream
        self.port = port
        self.asked = asked
    }

    /// UDP takes a free port and TCP the same number; when another socket already holds that TCP
    /// port, both start again on a new one.
    public static func start(_ script: Script) async throws -> RecordedDNSServer {
        let asked = NIOLockedValueBox<[String]>([])
        var attempt = 0
        while true {
            attempt += 1
            let channel = try await DatagramBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(Answerer(script: script, asked: asked))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            let port = channel.localAddress?.port ?? 0
            do {
                let stream = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .childChannelInitializer { child in
                        child.eventLoop.makeCompletedFuture {
                            try child.pipeline.syncOperations.addHandler(StreamAnswerer(script: script, asked: asked))
                        }
                    }
                    .bind(host: "127.0.0.1", port: port)
                    .get()
                return RecordedDNSServer(channel: channel, stream: stream, port: port, asked: asked)
            } catch {
                try? await channel.close()
                if attempt >= 20 { throw error }
            }
        }
    }

    public func stop() async throws {
        try await channel.close()
        try await stream.close()
    }
}

/// The answer to one query, or nil when the name is to be left unanswered or the query is broken.
private func answer(
    _ query: [UInt8],
    script: RecordedDNSServer.Script,
    asked: NIOLockedValueBox<[String]>,
    overUDP: Bool
) -> [UInt8]? {
    guard query.count > 12 else { return nil }
    // The question: labels from byte 12 up to the root, then type and class.
    var offset = 12
    var labels: [String] = []
    while offset < query.count, query[offset] != 0 {
        let length = Int(query[offset])
        guard offset + 1 + length <= query.count else { return nil }
        labels.append(String(decoding: query[(offset + 1)..<(offset + 1 + length)], as: UTF8.self))
        offset += 1 + length
    }
    let questionEnd = offset + 5
    guard questionEnd <= query.count else { return nil }
    let name = labels.joined(separator: ".").lowercased()
    asked.withLockedValue { $0.append(name) }
    if script.silent.contains(name) { return nil }
    let records = script.records[name]
    var answer: [UInt8] = Array(query[0..<2])
    if overUDP, script.truncated.contains(name) {
        return answer + [0x83, 0x80, 0, 1, 0, 0, 0, 0, 0, 0] + query[12..<questionEnd]
    }
    let rcode: UInt8 = script.failing.contains(name) ? 2 : records == nil ? 3 : 0
    answer += [0x81, 0x80 | rcode]  // an answer, recursion desired and available
    answer += [0, 1, 0, UInt8((records ?? []).count), 0, 0, 0, 0]
    answer += query[12..<questionEnd]
    for record in rcode == 0 ? records ?? [] : [] {
        var data: [UInt8] = []
        var rest = Array(record.utf8)
        repeat {
            let chunk = Array(rest.prefix(255))
            rest.removeFirst(chunk.count)
            data.append(UInt8(chunk.count))
            data += chunk
        } while !rest.isEmpty
        answer += [0xC0, 12, 0, 16, 0, 1, 0, 0, 1, 44, UInt8(data.count >> 8), UInt8(data.count & 0xFF)]
        answer += data
    }
    return answer
}

private final class Answerer: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    let script: RecordedDNSServer.Script
    let asked: NIOLockedValueBox<[String]>

    init(script: RecordedDNSServer.Script, asked: NIOLockedValueBox<[String]>) {
        self.script = script
        self.asked = asked
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        guard let query = envelope.data.readBytes(length: envelope.data.readableBytes),
            let reply = answer(query, script: script, asked: asked, overUDP: true)
        else { return }
        var buffer = context.channel.allocator.buffer(capacity: reply.count)
        buffer.writeBytes(reply)
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: buffer)),
            promise: nil
        )
    }
}

/// DNS over TCP: each message preceded by its length in two bytes.
private final class StreamAnswerer: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let script: RecordedDNSServer.Script
    let asked: NIOLockedValueBox<[String]>
    var received: [UInt8] = []

    init(script: RecordedDNSServer.Script, asked: NIOLockedValueBox<[String]>) {
        self.script = script
        self.asked = asked
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard received.count >= 2 else { return }
        let length = Int(received[0]) << 8 | Int(received[1])
        guard received.count >= length + 2 else { return }
        let query = Array(received[2..<(length + 2)])
        received.removeFirst(length + 2)
        guard let reply = answer(query, script: script, asked: asked, overUDP: false) else { return }
        var out = context.channel.allocator.buffer(capacity: reply.count + 2)
        out.writeInteger(UInt16(reply.count))
        out.writeBytes(reply)
        context.writeAndFlush(wrapOutboundOut(out), promise: nil)
    }
}
