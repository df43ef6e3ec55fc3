import Foundation
import NIOConcurrencyHelpers
import PostureCore
import Vapor

/// Where a cache learns whether stored data may have changed: a number that moves with every
/// write to the named organization and every write to none in particular (or with every write at
/// all when no organization is named), or nil when that cannot be known right now (then nothing
/// is cached or served).
public struct DataStamp: Sendable {
    public var read: @Sendable (_ organizationID: String?) -> UInt64?

    public init(read: @escaping @Sendable (_ organizationID: String?) -> UInt64?) {
        self.read = read
    }
}

/// Rendered GET responses, reused while the data stamp is unchanged and the handler's validity
/// (the next expiry or midnight) has not passed. Handlers opt in by calling `cacheable(until:)`.
final class ResponseCache: Sendable {
    struct Entry {
        var stamp: UInt64
        var validUntil: Date
        var body: ByteBuffer
        /// The `Content-Type` header as sent, replayed as it is (parsing it costs more than the rest
        /// of storing an entry).
        var contentType: String?
        var order: UInt64
    }

    private let entries = NIOLockedValueBox<(map: [String: Entry], next: UInt64)>(([:], 0))
    let capacity: Int

    init(capacity: Int = 2_000) {
        self.capacity = capacity
    }

    func lookup(_ key: String, stamp: UInt64, now: Date) -> Entry? {
        entries.withLockedValue { state in
            guard let entry = state.map[key] else { return nil }
            guard entry.stamp == stamp, now < entry.validUntil else {
                state.map[key] = nil
                return nil
            }
            return entry
        }
    }

    func store(_ key: String, stamp: UInt64, validUntil: Date, body: ByteBuffer, contentType: String?) {
        entries.withLockedValue { state in
            state.next &+= 1
            state.map[key] = Entry(
                stamp: stamp,
                validUntil: validUntil,
                body: body,
                contentType: contentType,
                order: state.next
            )
            if state.map.count > capacity {
                // Drop the older half: cheap, and a full cache is the rare case.
                let cutoff = state.map.values.map(\.order).sorted()[state.map.count / 2]
                state.map = state.map.filter { $0.value.order >= cutoff }
            }
        }
    }
}

struct CacheValidityKey: StorageKey {
    typealias Value = Date
}

extension Request {
    /// Marks the response as reusable until `date` unless stored data changes first.
    func cacheable(until date: Date) {
        storage[CacheValidityKey.self] = date
    }
}

/// Serves repeated GETs from ``ResponseCache``. The key holds what the body depends on besides the
/// data: the caller's organization scope, the URI and the host (absolute links).
struct ResponseCacheMiddleware: AsyncMiddleware {
    let cache: ResponseCache
    let stamp: DataStamp
    let clock: PostureClock

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET else { return try await next.respond(to: request) }
        let principal = try? request.principal
        // The organization the response is about: the native API names it in the path, Graph in
        // `?organization=` or the token; a write to another organization leaves it cached.
        let organizationID =
            request.parameters.get("org") ?? request.queryValue("organization")
            ?? principal?.onlyOrganization
        guard let stampBefore = stamp.read(organizationID) else { return try await next.respond(to: request) }
        let scope = principal?.cacheScope ?? "-"
        let key = [
            scope, request.url.string, request.headers.first(name: .host) ?? "",
            request.headers.first(name: "X-Forwarded-Proto") ?? "",
        ].joined(separator: "\u{1F}")
        let now = clock.now()
        if let entry = cache.lookup(key, stamp: stampBefore, now: now) {
            var headers = HTTPHeaders()
            if let type = entry.contentType { headers.replaceOrAdd(name: .contentType, value: type) }
            headers.replaceOrAdd(name: "X-Cache", value: "hit")
            return Response(status: .ok, headers: headers, body: .init(buffer: entry.body))
        }
        let response = try await next.respond(to: request)
        if response.status == .ok, let validUntil = request.storage[CacheValidityKey.self],
            let buffer = response.body.buffer, stamp.read(organizationID) == stampBefore
        {
            cache.store(
                key,
                stamp: stampBefore,
                validUntil: validUntil,
                body: buffer,
                contentType: response.headers.first(name: .contentType)
            )
        }
        return response
    }
}
