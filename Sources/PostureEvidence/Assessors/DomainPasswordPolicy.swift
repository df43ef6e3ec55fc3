/// Which password validity period applies to a domain. Graph reports `null` on a subdomain, which
/// inherits its root domain's policy, and on the roots of newer tenants, where passwords never
/// expire by default.
enum DomainPasswordPolicy {
    /// The days a password stays valid on `domain`, nil when passwords never expire there.
    static func validityDays(_ domain: GraphDomain, among domains: [GraphDomain]) -> Int? {
        var days = domain.passwordValidityPeriodInDays
        if days == nil, domain.isRoot == false, let root = root(of: domain, among: domains) {
            days = root.passwordValidityPeriodInDays
        }
        guard let days, days != DirectoryRoles.neverExpires else { return nil }
        return days
    }

    /// The longest root domain that `domain` is a subdomain of.
    static func root(of domain: GraphDomain, among domains: [GraphDomain]) -> GraphDomain? {
        let name = domain.id.lowercased()
        return domains.filter { candidate in
            candidate.isRoot != false && name.hasSuffix("." + candidate.id.lowercased())
        }
        .max { $0.id.count < $1.id.count }
    }
}
