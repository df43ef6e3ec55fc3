import Foundation
import NIOConcurrencyHelpers
import PostureCore
import PostureStore

/// Current scores this process has decoded, by organization, each under the revision it was
/// read at. A read still asks the database for the revision, so a write on any node is seen at
/// once; only the decoding is saved. Bounded: past `capacity` organizations the older half goes.
public final class CurrentScoreCache: Sendable {
    private struct Entry {
        var revision: Int64
        var document: CurrentScore
        var order: UInt64
    }

    private let state = NIOLockedValueBox<(entries: [String: Entry], next: UInt64)>(([:], 0))
    let capacity: Int

    public init(capacity: Int = 5_000) {
        self.capacity = capacity
    }

    func get(_ organizationID: OrganizationID) -> (revision: Int64, document: CurrentScore)? {
        state.withLockedValue { state in state.entries[organizationID.rawValue].map { ($0.revision, $0.document) } }
    }

    func put(_ organizationID: OrganizationID, revision: Int64, document: CurrentScore) {
        state.withLockedValue { state in
            state.next &+= 1
            state.entries[organizationID.rawValue] = Entry(revision: revision, document: document, order: state.next)
            if state.entries.count > capacity {
                let cutoff = state.entries.values.map(\.order).sorted()[state.entries.count / 2]
                state.entries = state.entries.filter { $0.value.order >= cutoff }
            }
        }
    }
}

extension PostureService {
    /// The organization's score now, as its last write stored it: one row read, no scoring. A
    /// document that is missing (data written before migration 011), due (an exception or an
    /// exclusion lapsed and the scheduler has not got there yet) or computed under other rules is
    /// brought up to date first, once, under the organization's lock.
    func storedReport(_ organizationID: OrganizationID) async throws -> ScoreReport {
        if let report = try await documentReport(organizationID, store: store, at: clock.now()) { return report }
        return try await refreshCurrentScore(organizationID)
    }

    /// Stores the document with its rendering and keeps both under the new revision: the next read
    /// or write in this process does not decode or read back what it just wrote. (Were the
    /// transaction to roll back, the revision would never be read, so the entries are never
    /// served.)
    /// `report` is the document's score now, and `snapshot` today's snapshot of it, which the
    /// caller already holds.
    func saveCurrentScore(
        _ organizationID: OrganizationID,
        _ document: CurrentScore,
        report: ScoreReport,
        snapshot: DailySnapshot,
        store: PostureStore
    ) async throws {
        let rendering = ScoreRendering(report: report, snapshot: snapshot, catalog: catalog)
        let revision = try await store.saveCurrentScore(organizationID, document, rendering: rendering)
        currentScores.put(organizationID, revision: revision, document: document)
        // The reads that follow on this node need not read back what it wrote.
        renderings.put(organizationID, RenderedKey(revision: revision, day: rendering.day), rendering: rendering)
    }

    /// The organization's score document as JSON, and until when it stands: the rendering stored
    /// with the current score when it stands for now (one row read, nothing rendered but the
    /// organization and the instant), else the document rendered from the current score.
    public func currentScoreJSON(_ organizationID: OrganizationID) async throws -> (json: JSONParts, validUntil: Date) {
        let known = renderings.document(organizationID)
        guard let view = try await store.scoreView(organizationID, known: known) else {
            throw ServiceError.organizationNotFound(organizationID.rawValue)
        }
        if let key = view.renderedKey, let rendering = view.rendering, key != known?.key {
            renderings.put(organizationID, key, document: rendering.tail)
        }
        let now = clock.now()
        let organization = view.organization
        if view.rulesKey == rulesKey, view.validUntil.map({ now < $0 }) ?? true, let rendering = view.rendering,
            let head = rendering.head(organization: organization, asOf: now)
        {
            let json = JSONParts([head, rendering.tail])
            // As ``ScoreReport/validUntil``: the projection counts days.
            let tomorrow = CivilDay(now).adding(days: 1).start
            return (json, min(view.validUntil ?? tomorrow, tomorrow))
        }
        let report = try await storedReport(organizationID)
        // Encoding our own plain value type cannot fail.
        let json = try! CompactJSONEncoder.encode(ScoreDocument(report: report, organization: organization))
        return (JSONParts([json]), report.validUntil)
    }

    /// Graph's newest `secureScore` entry from the stored state in one read, or nil when the
    /// stored state cannot answer alone (see ``StoredNewest/notStored``) and the entry must be
    /// built from today's snapshot.
    public func newestSecureScore(_ organizationID: OrganizationID) async throws -> NewestSecureScore? {
        let now = clock.now()
        let known = renderings.controlScores(organizationID)
        switch try await store.newestSecureScore(
            organizationID,
            today: CivilDay(now),
            rulesKey: rulesKey,
            now: now,
            known: known
        ) {
        case .noOrganization: throw ServiceError.organizationNotFound(organizationID.rawValue)
        case .notStored: return nil
        case .stored(let newest):
            if newest.renderedKey != known?.key {
                renderings.put(organizationID, newest.renderedKey, controlScores: newest.controlScores)
            }
            return newest
        }
    }

    /// Renders the stored current score again when its rendering is for another day (its
    /// projection starts today) or missing (stored before migration 029).
    func renderIfStale(_ organizationID: OrganizationID, store: PostureStore, at now: Date) async throws {
        guard let stored = try await store.renderedDay(organizationID), stored.day != CivilDay(now),
            let document = try await currentDocument(organizationID, store: store, at: now),
            let rendering = rendering(organizationID, document, at: now)
        else { return }
        try await store.saveRendering(organizationID, revision: stored.revision, rendering)
    }

    /// What is rendered of `document` at `now`; nil when it cannot be read under this catalog.
    func rendering(_ organizationID: OrganizationID, _ document: CurrentScore, at now: Date) -> ScoreRendering? {
        guard let report = document.report(catalog: catalog, asOf: now) else { return nil }
        // Only the day's actions are rendered of the snapshot; a read adds the organization's facts.
        let snapshot = document.snapshot(
            of: Organization(id: organizationID.rawValue, displayName: ""),
            day: CivilDay(now),
            catalog: catalog,
            filled: false
        )
        return ScoreRendering(report: report, snapshot: snapshot, catalog: catalog)
    }

    /// The stored document, decoded only when this process has not seen its revision yet.
    func storedDocument(_ organizationID: OrganizationID, store: PostureStore) async throws -> CurrentScore? {
        let cached = currentScores.get(organizationID)
        guard let stored = try await store.currentScore(organizationID, known: cached?.revision) else { return nil }
        guard let document = stored.document else { return cached?.document }
        currentScores.put(organizationID, revision: stored.revision, document: document)
        return document
    }

    /// Brings one organization's stored current score up to date: applies what time changed (an
    /// exception or exclusion that lapsed is logged once, and today's snapshot follows) and what
    /// new rules change. Returns the score now. Safe on every node at once: the organization's
    /// lock serializes them and the second finds nothing left to do.
    @discardableResult
    public func refreshCurrentScore(_ organizationID: OrganizationID) async throws -> ScoreReport {
        try await store.organizationTransaction(organizationID) { store in
            let now = clock.now()
            let report = try await storedReportIn(organizationID, store: store, at: now)
            try await renderIfStale(organizationID, store: store, at: now)
            return report
        }
    }

    /// Brings up to date every current score that is due (the scheduler's periodic pass). Returns
    /// how many it refreshed.
    public func refreshDueCurrentScores(limit: Int = 500) async throws -> Int {
        var refreshed = 0
        for organizationID in try await store.dueCurrentScores(at: clock.now(), rulesKey: rulesKey, limit: limit) {
            // An organization deleted meanwhile has nothing left to refresh.
            guard try await store.organization(organizationID) != nil else { continue }
            try await refreshCurrentScore(organizationID)
            refreshed += 1
        }
        return refreshed
    }

    /// The stored document when it stands for the state at `now`: nothing has lapsed since and it
    /// was computed under the rules in force.
    func currentDocument(
        _ organizationID: OrganizationID,
        store: PostureStore,
        at now: Date
    ) async throws -> CurrentScore? {
        guard let document = try await storedDocument(organizationID, store: store),
            document.isCurrent(at: now, rulesKey: rulesKey)
        else { return nil }
        return document
    }

    /// The report ``currentDocument(_:store:at:)`` holds, or nil when it cannot stand for `now`.
    func documentReport(
        _ organizationID: OrganizationID,
        store: PostureStore,
        at now: Date
    ) async throws -> ScoreReport? {
        try await currentDocument(organizationID, store: store, at: now)?.report(catalog: catalog, asOf: now)
    }

    /// The current score inside a transaction: the stored document, or, when it cannot stand,
    /// the stored data scored and stored again.
    func storedReportIn(_ organizationID: OrganizationID, store: PostureStore, at now: Date) async throws -> ScoreReport
    {
        if let report = try await documentReport(organizationID, store: store, at: now) { return report }
        return try await refreshToday(organizationID, store: store)
    }

    /// The state before a change: the stored document, or the stored data scored when it cannot
    /// stand.
    func reportBefore(_ organizationID: OrganizationID, store: PostureStore, at now: Date) async throws -> ScoreReport {
        if let report = try await documentReport(organizationID, store: store, at: now) { return report }
        return try await report(organizationID, store: store, asOf: now)
    }

    /// The organization's score at `asOf`, computed from its stored data (for instants other than
    /// now; the current score is ``currentReport(_:)``).
    public func evaluatedReport(_ organizationID: OrganizationID, asOf: Date) async throws -> ScoreReport {
        _ = try await organization(organizationID)
        return try await report(organizationID, store: store, asOf: asOf)
    }
}

extension PostureService {
    /// Snapshots newest first, for paging: today's (the live day) takes its actions from the
    /// stored current score, which is the same state, instead of resolving the stored chain of
    /// deltas behind it.
    public func snapshotPage(
        _ organization: StoredOrganization,
        offset: Int,
        limit: Int?
    ) async throws
        -> [DailySnapshot]
    {
        let id = organization.id
        let now = clock.now()
        var known: [CivilDay: (score: Double, actions: [DailySnapshot.Action])] = [:]
        if offset == 0, let document = try await currentDocument(id, store: store, at: now) {
            let today = CivilDay(now)
            let snapshot = document.snapshot(of: organization.organization, day: today, catalog: catalog, filled: false)
            known[today] = (snapshot.score, snapshot.actions)
        }
        return try await store.snapshots(id, offset: offset, limit: limit, known: known)
    }
}

extension PostureService {
    /// A page of organizations from the stored scores (see ``PostureStore/organizationPage``).
    /// Rows whose stored score no longer stands (rules changed, an expiry passed, data from before
    /// the stored scores) are brought up to date and the page read again, once: the work stays
    /// bounded by the page, not the instance.
    ///
    /// - Parameter visible: the organizations the reader may see; nil for all of them.
    public func organizationPage(
        _ query: OrganizationListQuery,
        visible: [String]?
    ) async throws
        -> OrganizationPage
    {
        let now = clock.now()
        let monthAgo = CivilDay(now).adding(days: -30)
        var page = try await store.organizationPage(
            query,
            visible: visible,
            monthAgo: monthAgo,
            now: now,
            rulesKey: rulesKey
        )
        let stale = page.rows.filter { !$0.current }.map(\.organization.id)
        if !stale.isEmpty {
            for id in stale { try await refreshCurrentScore(id) }
            page = try await store.organizationPage(
                query,
                visible: visible,
                monthAgo: monthAgo,
                now: now,
                rulesKey: rulesKey
            )
        }
        return OrganizationPage(
            rows: page.rows,
            total: page.total,
            offset: page.offset,
            next: page.more ? page.rows.last?.row.cursor(query) : nil
        )
    }
}
