import Foundation
import NIOCore
import NIOPosix

/// Looks up TXT records with one DNS server over UDP: the server the instance is configured with
/// (`POSTURE_DNS_SERVER`), or the first `nameserver` of `/etc/resolv.conf`. Each lookup waits at
/// most `timeout` seconds per attempt, two attempts.
public struct DNSResolver: Sendable {
    public var host: String
    public var port: Int
    public var timeout: Double
    public var attempts: Int

    public init(host: String, port: Int = 53, timeout: Double = 3, attempts: Int = 2) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.attempts = attempts
    }

    /// `192.0.2.53`, `192.0.2.53:5353`, `2001:db8::53` or `[2001:db8::53]:5353`: an IP address
    /// (never a name, which would itself need DNS), with an optional port.
    public init(parsing text: String) throws(DNSResolverProblem) {
        var address = text
        var port = 53
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            address = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else { throw .init(text) }
                port = number
            }
        } else if text.filter({ $0 == ":" }).count == 1, let colon = text.firstIndex(of: ":") {
            address = String(text[..<colon])
            guard let number = Int(text[text.index(after: colon)...]) else { throw .init(text) }
            port = number
        }
        guard (1...65_535).contains(port), (try? SocketAddress(ipAddress: address, port: port)) != nil else {
            throw .init(text)
        }
        self.init(host: address, port: port)
    }

    /// The first `nameserver` of a resolv.conf text; nil when there is none.
    public static func system(
        resolvConf: String? = try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)
    )
        -> DNSResolver?
    {
        for line in (resolvConf ?? "").split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if words.first == "nameserver", words.count > 1, let resolver = try? DNSResolver(parsing: String(words[1]))
            {
                return resolver
            }
        }
        return nil
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The TXT records of `name` (none when the name does not exist). An answer too large for UDP
    /// is asked again over TCP, as RFC 7766 has it.
    public func textRecords(_ name: String) async throws(CollectorError) -> [String] {
        let query: [UInt8]
        let id = UInt16.random(in: 0...UInt16.max)
        do {
            query = try DNSMessage.query(id: id, name: name)
        } catch {
            throw .unavailable(error.description)
        }
        var last = "no answer"
        var overTCP = false
        var attempt = 0
        while attempt < max(attempts, 1) {
            attempt += 1
            do {
                let answer = overTCP ? try await exchangeOverTCP(query) : try await exchange(query, id: id)
                let (answered, records) = try DNSMessage.textRecords(answer)
                guard answered == id else { throw DNSMessage.Problem.malformed("the answer's id is not the query's") }
                return records
            } catch DNSMessage.Problem.truncated where !overTCP {
                overTCP = true
                attempt -= 1  // the same attempt, over TCP
            } catch let problem as DNSMessage.Problem {
                if case .failed(let rcode) = problem, rcode != 2 { throw .unavailable(problem.description) }
                last = problem.description
            } catch {
                last = "\(error)"
            }
        }
        throw .unreachable("the DNS server \(description) for \(name): \(last)")
    }

    /// Sends one query over UDP and waits for the answer from the server with the query's id, or
    /// fails after `timeout`.
    private func exchange(_ query: [UInt8], id: UInt16) async throws -> [UInt8] {
        let remote = try SocketAddress(ipAddress: host, port: port)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: [UInt8].self)
        // Every way out completes the promise: an unfulfilled one stops a debug build.
        defer { promise.fail(DNSMessage.Problem.timedOut(seconds: timeout)) }
        let channel = try await DatagramBootstrap(group: loop)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        AnswerHandler(id: id, server: remote, promise: promise)
                    )
                }
            }
            .bind(host: remote.protocol == .inet6 ? "::" : "0.0.0.0", port: 0)
            .get()
        let timer = loop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            promise.fail(DNSMessage.Problem.timedOut(seconds: timeout))
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        var buffer = channel.allocator.buffer(capacity: query.count)
        buffer.writeBytes(query)
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer))
        return try await promise.futureResult.get()
    }

    /// Sends one query over TCP (a two-byte length before each message) and reads the answer.
    private func exchangeOverTCP(_ query: [UInt8]) async throws -> [UInt8] {
        let remote = try SocketAddress(ipAddress: host, port: port)
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let promise = loop.makePromise(of: [UInt8].self)
        defer { promise.fail(DNSMessage.Problem.timedOut(seconds: timeout)) }
        let channel = try await ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(timeout * 1000)))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(StreamAnswerHandler(promise: promise))
                }
            }
            .connect(to: remote)
            .get()
        let timer = loop.scheduleTask(in: .milliseconds(Int64(timeout * 1000))) {
            promise.fail(DNSMessage.Problem.timedOut(seconds: timeout))
        }
        defer {
            timer.cancel()
            channel.close(promise: nil)
        }
        var buffer = channel.allocator.buffer(capacity: query.count + 2)
        buffer.writeInteger(UInt16(query.count))
        buffer.writeBytes(query)
        try await channel.writeAndFlush(buffer)
        return try await promise.futureResult.get()
    }
}

/// A DNS server address that cannot be used, named as given.
public struct DNSResolverProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String

    init(_ text: String) { self.text = text }

    public var description: String {
        "must be an IP address with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:5353), got \"\(text)\""
    }
}

/// Completes the promise with the first datagram from the server carrying the query's id; others
/// are ignored (a late answer to an earlier attempt, or a forged one from elsewhere).
private final class AnswerHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    let id: UInt16
    let server: SocketAddress
    let promise: EventLoopPromise<[UInt8]>

    init(id: UInt16, server: SocketAddress, promise: EventLoopPromise<[UInt8]>) {
        self.id = id
        self.server = server
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        guard envelope.remoteAddress == server,
            let bytes = envelope.data.readBytes(length: envelope.data.readableBytes), bytes.count >= 2,
            UInt16(bytes[0]) << 8 | UInt16(bytes[1]) == id
        else { return }
        promise.succeed(bytes)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}

/// Gathers one length-prefixed DNS message from a TCP stream (at most 65,535 bytes).
private final class StreamAnswerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    let promise: EventLoopPromise<[UInt8]>
    var received: [UInt8] = []

    init(promise: EventLoopPromise<[UInt8]>) {
        self.promise = promise
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        received += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard received.count >= 2 else { return }
        let length = Int(received[0]) << 8 | Int(received[1])
        if received.count >= length + 2 { promise.succeed(Array(received[2..<(length + 2)])) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(DNSMessage.Problem.malformed("the server closed the connection before answering"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
    }
}
