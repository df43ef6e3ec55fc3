import PostureCore
import PostureStore
import Testing

@testable import PostureServices

/// The process's hold on renderings it has read: per organization under one key, the two parts
/// kept together only for the same key, and bounded by bytes.
@Suite struct RenderingCacheTests {
    static let day = CivilDay("2026-11-28")!

    @Test func anotherKeyReplacesWhatWasHeldAndTheSameKeyAddsToIt() {
        let cache = RenderingCache()
        let first = RenderedKey(revision: 1, day: Self.day)
        cache.put("contoso", first, document: [1, 2, 3])
        cache.put("contoso", first, controlScores: "[]")
        #expect(cache.document("contoso")?.tail == [1, 2, 3])
        #expect(cache.controlScores("contoso")?.controlScores == "[]")
        let next = RenderedKey(revision: 1, day: Self.day.adding(days: 1))
        cache.put("contoso", next, document: [4])
        #expect(cache.document("contoso")?.key == next)
        #expect(cache.controlScores("contoso") == nil, "the old day's controls went with it")
        #expect(cache.document("fabrikam") == nil)
    }

    @Test func itHoldsNoMoreThanItsCapacity() {
        let cache = RenderingCache(capacity: 4_000)
        for number in 0..<100 {
            cache.put(
                OrganizationID("org-\(number)"),
                RenderedKey(revision: 1, day: Self.day),
                document: .init(repeating: 7, count: 500)
            )
        }
        let held = (0..<100).filter { cache.document(OrganizationID("org-\($0)")) != nil }
        #expect(held.count <= 8)
        #expect(held.contains(99), "the newest stays")
        // One organization may not take the room of many.
        cache.put("large", RenderedKey(revision: 1, day: Self.day), document: .init(repeating: 7, count: 1_001))
        #expect(cache.document("large") == nil)
    }
}
