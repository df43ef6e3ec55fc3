import Foundation
import PostureCore
import PostureStore

extension PostureService {
    /// Sets one status in each of `organizationIDs` that `access` may change, each in its own
    /// transaction and audit entry (see ``BulkStatusChange``). The status rules that do not depend
    /// on the organization are checked once, before anything is written.
    public func setStatusInEach(
        _ organizationIDs: [String],
        _ record: StatusRecord,
        access: Access,
        actor: String,
        requestID: String? = nil
    ) async throws -> [BulkStatusChange.Result] {
        let ids = try BulkStatusChange.organizations(organizationIDs)
        let violations = record.violations(in: catalog, asOf: clock.now())
        guard violations.isEmpty else { throw ServiceError.statusRefused(violations) }
        var results: [BulkStatusChange.Result] = []
        for id in ids {
            let outcome: BulkStatusChange.Outcome
            switch AccessPolicy.decide(.changeState, organizationID: id, access: access, scopes: [.readWrite]) {
            case .notFound: outcome = .notFound
            case .forbidden(let reason): outcome = .forbidden(reason)
            case .allowed:
                do {
                    try await setStatus(id, record, actor: actor, requestID: requestID)
                    outcome = .changed
                } catch ServiceError.statusRefused(let violations) {
                    outcome = .refused(violations)
                } catch ServiceError.organizationNotFound {
                    outcome = .notFound
                }
            }
            results.append(BulkStatusChange.Result(organizationID: id, outcome: outcome))
        }
        return results
    }
}
