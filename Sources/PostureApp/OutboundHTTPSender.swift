import Foundation
import PostureCore
import PostureServices

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// Sends webhook attempts over HTTPS: no redirects (a 3xx is a failure, as Standard Webhooks
/// says), 15 seconds at most, and never to a name that resolves to a private, loopback or
/// link-local address unless the operator allows private targets.
public struct OutboundHTTPSender: HTTPSending {
    let policy: OutboundPolicy
    let session: URLSession

    public init(policy: OutboundPolicy, timeout: Double = 15) {
        self.policy = policy
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        // Many channels share a host (every Teams Workflows URL of a region, a SIEM's collector):
        // the default of 6 connections per host would cap the delivery queue's concurrency.
        configuration.httpMaximumConnectionsPerHost = 32
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    public func send(url: String, headers: [(String, String)], body: String) async -> DeliveryAttempt {
        let answer = await perform("POST", url: url, headers: headers, body: body)
        return DeliveryAttempt(status: answer.status, retryAfter: answer.retryAfter, error: answer.error)
    }

    /// One request's answer: its status and body, or why there was none.
    struct Answer {
        var status: Int?
        var body: String = ""
        var retryAfter: Double?
        var error: String?
    }

    /// One request under the outbound rules: never to a private address unless allowed, no
    /// redirects, bounded time; an answer body of at most 1 MB is read.
    func perform(_ method: String, url: String, headers: [(String, String)], body: String?) async -> Answer {
        guard let target = URL(string: url), let host = target.host else {
            return Answer(status: nil, error: "the address is not a URL")
        }
        if !policy.allowPrivateTargets {
            if let problem = OutboundTarget.problem(url, field: "url", allowPrivate: false) {
                return Answer(status: nil, error: problem.message)
            }
            if let problem = await Self.privateAddressProblem(host) { return Answer(status: nil, error: problem) }
        }
        var request = URLRequest(url: target)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return Answer(status: nil, error: "no HTTP answer") }
            return Answer(
                status: http.statusCode,
                body: String(decoding: data.prefix(1 << 20), as: UTF8.self),
                retryAfter: http.value(forHTTPHeaderField: "Retry-After").flatMap(Double.init)
            )
        } catch {
            return Answer(status: nil, error: "\(host): \(error.localizedDescription)")
        }
    }

    /// Why `host` may not be sent to: it does not resolve, or one of its addresses is private,
    /// loopback or link-local. Nil when every address is public. (SMTP relays are checked the same way.)
    static func privateAddressProblem(_ host: String) async -> String? {
        let addresses = await resolve(host)
        guard !addresses.isEmpty else { return "\(host) does not resolve" }
        if let special = addresses.first(where: { OutboundTarget.isSpecial(address: $0) ?? true }) {
            return "\(host) resolves to \(special), a private, loopback or link-local address"
        }
        return nil
    }

    /// Every address a name resolves to (getaddrinfo, off the cooperative threads).
    static func resolve(_ host: String) async -> [String] {
        let name = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if OutboundTarget.isSpecial(address: name) != nil { return [name] }
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(name, nil, &hints, &list) == 0, let first = list else {
                    continuation.resume(returning: [])
                    return
                }
                defer { freeaddrinfo(first) }
                var addresses: [String] = []
                var cursor: UnsafeMutablePointer<addrinfo>? = first
                while let entry = cursor {
                    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
                    if getnameinfo(
                        entry.pointee.ai_addr,
                        entry.pointee.ai_addrlen,
                        &buffer,
                        socklen_t(buffer.count),
                        nil,
                        0,
                        NI_NUMERICHOST
                    ) == 0 {
                        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
                        addresses.append(String(decoding: bytes, as: UTF8.self))
                    }
                    cursor = entry.pointee.ai_next
                }
                continuation.resume(returning: addresses)
            }
        }
    }
}

/// Refuses every redirect: the attempt's answer is the 3xx itself.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession,
        task: URLSessionTask,
        willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
