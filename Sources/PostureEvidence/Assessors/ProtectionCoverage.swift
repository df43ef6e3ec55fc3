/// Which Defender for Office 365 and Exchange Online Protection policies apply to every recipient.
/// A policy reaches people through an enabled rule (custom policies) or a preset security
/// policy's rule (Standard, Strict); a default policy applies to whoever no rule picks.
struct ProtectionCoverage {
    let acceptedDomains: Set<String>

    init(_ domains: [ExchangeAcceptedDomain]) {
        acceptedDomains = Set(domains.map { $0.domainName.lowercased() })
    }

    /// Enabled, with no exception, and no recipient condition narrower than every accepted domain.
    /// Custom rules always name recipients; a preset applied to all recipients names none.
    func coversEveryone(_ rule: ExchangeProtectionRule) -> Bool {
        guard rule.state?.lowercased() == "enabled" else { return false }
        let narrowing = [rule.sentTo, rule.sentToMemberOf, rule.exceptIfSentTo, rule.exceptIfSentToMemberOf]
        guard narrowing.allSatisfy({ ($0 ?? []).isEmpty }), (rule.exceptIfRecipientDomainIs ?? []).isEmpty else {
            return false
        }
        let domains = Set((rule.recipientDomainIs ?? []).map { $0.lowercased() })
        return domains.isEmpty || acceptedDomains.isSubset(of: domains)
    }

    /// Names of the policies some rule applies to everyone, with the presets marked.
    func policies(
        rules: [ExchangeProtectionRule],
        presets: [ExchangeProtectionRule],
        policy: KeyPath<ExchangeProtectionRule, String?>
    ) -> [String: Bool] {
        var names: [String: Bool] = [:]
        for rule in rules where coversEveryone(rule) {
            if let name = rule[keyPath: policy] { names[name] = false }
        }
        for rule in presets where isPreset(rule) && coversEveryone(rule) {
            if let name = rule[keyPath: policy] { names[name] = true }
        }
        return names
    }

    /// The Standard and Strict preset security policies' rules (not the built-in protection).
    func isPreset(_ rule: ExchangeProtectionRule) -> Bool {
        let name = rule.name.lowercased()
        return name.contains("standard preset") || name.contains("strict preset")
    }
}
