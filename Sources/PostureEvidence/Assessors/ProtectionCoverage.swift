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

    /// The enabled custom rules that a recipient meets before `policy`'s own rule (a lower
    /// `Priority`, or any rule at all for the default policy) and that send them to a policy
    /// failing `passes`: the recipients those rules pick do not get `policy`. A policy applied
    /// through a preset is first for everyone (presets come before custom rules).
    func shadowing(
        _ policy: String,
        rules: [ExchangeProtectionRule],
        presets: [ExchangeProtectionRule],
        key: KeyPath<ExchangeProtectionRule, String?>,
        isDefault: Bool,
        passes: (String) -> Bool
    ) -> [String] {
        if presets.contains(where: { isPreset($0) && coversEveryone($0) && $0[keyPath: key] == policy }) { return [] }
        let own = rules.filter { $0[keyPath: key] == policy && coversEveryone($0) }.compactMap(\.priority).min()
        let first = isDefault ? Int.max : own ?? Int.max
        return rules.filter { rule in
            rule.state?.lowercased() == "enabled" && (rule.priority ?? Int.max) < first
                && rule[keyPath: key].map { !passes($0) } == true
        }.map(\.name)
    }

    /// The Standard and Strict preset security policies' rules (not the built-in protection).
    func isPreset(_ rule: ExchangeProtectionRule) -> Bool {
        let name = rule.name.lowercased()
        return name.contains("standard preset") || name.contains("strict preset")
    }
}
