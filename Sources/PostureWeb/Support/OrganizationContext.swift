import Foundation
import PostureCore
import PostureServices
import PostureStore
import Vapor

/// The signed-in person, the organization of the path and their role in it. Organizations
/// where the person holds no role answer 404, like the API.
struct OrganizationContext {
    var web: WebUser
    var organization: StoredOrganization
    var role: Role
    var nav: Layout.OrganizationNav

    var id: OrganizationID { organization.id }
    /// Whether `access` manages people and API clients here.
    func manages(_ access: Access) -> Bool {
        AccessPolicy.decide(.manageAccess, organizationID: id, access: access, scopes: [.readWrite]) == .allowed
    }

    var canWrite: Bool {
        AccessPolicy.decide(.changeState, organizationID: id, access: web.user.access, scopes: [.readWrite])
            == .allowed
    }
}

extension OrganizationContext {
    /// Resolves the context of a request under `/orgs/:org`, refusing what `operation` does not
    /// allow there.
    static func resolve(
        _ request: Request,
        _ tab: Layout.OrganizationNav.Tab,
        service: PostureService,
        operation: AccessOperation = .read
    ) async throws -> OrganizationContext {
        let web = try request.webUser
        let id = OrganizationID(request.parameters.get("org") ?? "")
        let access = web.user.access
        switch AccessPolicy.decide(operation, organizationID: id, access: access, scopes: [.read, .readWrite]) {
        case .allowed: break
        case .notFound: throw WebError.notFound
        case .forbidden(let reason): throw WebError.forbidden(reason)
        }
        guard let organization = try await service.findOrganization(id), let role = access.role(in: id) else {
            throw WebError.notFound
        }
        // The switcher lists organizations only while there are few: a page must not read every
        // organization of a large instance.
        let limit = Layout.OrganizationNav.switcherLimit
        let tooManyRoles = !access.instanceAdministrator && access.roles.count > limit
        let listed =
            tooManyRoles
            ? []
            : try await service.organizationNames(
                among: access.instanceAdministrator ? nil : access.roles.keys.map(OrganizationID.init(rawValue:)),
                limit: limit + 1
            )
        let many = tooManyRoles || listed.count > limit
        let visible = many ? [] : listed
        let nav = Layout.OrganizationNav(
            id: id.rawValue,
            name: organization.organization.displayName,
            role: web.user.instanceAdministrator && web.user.roles[id.rawValue] == nil
                ? "Instance administrator" : role.displayName,
            current: tab,
            others: visible.map { ($0.id.rawValue, $0.name) },
            many: many
        )
        return OrganizationContext(web: web, organization: organization, role: role, nav: nav)
    }
}
