extension M365Assessor {
    /// Defender for Office 365 and Exchange Online Protection policies, read through Exchange
    /// Online's admin API.
    static let defenderOffice: [M365Assessor] = [
        M365Assessor(
            "mdo_antiphishingpolicies",
            requires: [.antiPhishPolicies, .antiPhishRules, .acceptedDomains],
            reads: [.eopProtectionPolicyRules]
        ) { context in
            let policies = context.snapshot.antiPhishPolicies ?? []
            let good = Set(policies.filter { antiPhishProblems($0).isEmpty }.map(\.name))
            let applied = appliedToEveryone(context, context.snapshot.antiPhishRules, \.antiPhishPolicy)
            let candidates = policies.filter { applied[$0.name] != nil && $0.isDefault != true && $0.enabled != false }
            return firstCovering(
                candidates.map { ($0.name, antiPhishProblems($0), false) },
                context: context,
                rules: context.snapshot.antiPhishRules,
                key: \.antiPhishPolicy,
                passes: good.contains,
                done: "applies to every recipient with the settings the action needs",
                none: "no custom or preset anti-phishing policy applies to every recipient (the default does not count)"
            )
        },
        M365Assessor(
            "mdo_targetedusersprotection",
            requires: [.antiPhishPolicies, .antiPhishRules, .acceptedDomains],
            reads: [.eopProtectionPolicyRules]
        ) { context in
            func problems(_ policy: ExchangeAntiPhishPolicy) -> [String] {
                var found: [String] = []
                if policy.enableTargetedUserProtection != true { found.append("user impersonation protection on") }
                if (policy.targetedUsersToProtect ?? []).isEmpty { found.append("people named to protect") }
                if policy.targetedUserProtectionAction?.lowercased() != "quarantine" {
                    found.append("the quarantine action")
                }
                return found
            }
            let policies = context.snapshot.antiPhishPolicies ?? []
            let good = Set(policies.filter { problems($0).isEmpty }.map(\.name))
            let applied = appliedToEveryone(context, context.snapshot.antiPhishRules, \.antiPhishPolicy)
            let candidates = policies.filter {
                (applied[$0.name] != nil || $0.isDefault == true) && $0.enabled != false
            }
            return firstCovering(
                candidates.map { ($0.name, problems($0), $0.isDefault == true) },
                context: context,
                rules: context.snapshot.antiPhishRules,
                key: \.antiPhishPolicy,
                passes: good.contains,
                done: "protects named people from impersonation, with quarantine, for every recipient",
                none: "no anti-phishing policy covers every recipient"
            )
        },
        M365Assessor("mdo_atpprotection", requires: [.atpPolicyForO365]) { context in
            setting(
                "EnableATPForSPOTeamsODB",
                context.snapshot.atpPolicyForO365?.enableATPForSPOTeamsODB,
                passes: { $0 },
                wants: "True"
            )
        },
        M365Assessor("mdo_safedocuments", requires: [.atpPolicyForO365]) { context in
            let policy = context.snapshot.atpPolicyForO365
            let on = policy?.enableSafeDocs == true
            let locked = policy?.allowSafeDocsOpen == false
            return (
                .implemented(on && locked),
                "EnableSafeDocs is \(on ? "True" : "not True"), AllowSafeDocsOpen is \(locked ? "False" : "not False")"
                    + (on && locked ? "" : "; the action needs True and False")
            )
        },
        M365Assessor(
            "mdo_safeattachments",
            requires: [.safeAttachmentPolicies, .safeAttachmentRules, .acceptedDomains],
            reads: [.atpProtectionPolicyRules]
        ) { context in
            func problems(_ policy: ExchangeSafeAttachmentPolicy) -> [String] {
                var found: [String] = []
                if policy.enable != true { found.append("the policy on") }
                if policy.action?.lowercased() != "block" { found.append("the Block action") }
                if policy.quarantineTag != "AdminOnlyAccessPolicy" { found.append("admin-only release") }
                return found
            }
            let policies = context.snapshot.safeAttachmentPolicies ?? []
            let good = Set(policies.filter { problems($0).isEmpty }.map(\.name))
            let applied = appliedToEveryone(context, context.snapshot.safeAttachmentRules, \.safeAttachmentPolicy)
            return firstCovering(
                policies.filter { applied[$0.name] != nil }.map { ($0.name, problems($0), false) },
                context: context,
                rules: context.snapshot.safeAttachmentRules,
                key: \.safeAttachmentPolicy,
                passes: good.contains,
                done: "blocks malicious attachments for every recipient",
                none: "no Safe Attachments policy applies to every recipient"
            )
        },
        M365Assessor(
            "mdo_safelinksforemail",
            requires: [.safeLinksPolicies, .safeLinksRules, .acceptedDomains],
            reads: [.atpProtectionPolicyRules]
        ) { context in
            let policies = context.snapshot.safeLinksPolicies ?? []
            let good = Set(policies.filter { safeLinksProblems($0).isEmpty }.map(\.name))
            let applied = appliedToEveryone(context, context.snapshot.safeLinksRules, \.safeLinksPolicy)
            return firstCovering(
                policies.filter { applied[$0.name] != nil }.map { ($0.name, safeLinksProblems($0), false) },
                context: context,
                rules: context.snapshot.safeLinksRules,
                key: \.safeLinksPolicy,
                passes: good.contains,
                done: "checks links in email for every recipient",
                none: "no Safe Links policy applies to every recipient"
            )
        },
        M365Assessor("mdo_bulkthreshold", requires: [.hostedContentFilterPolicies]) { context in
            everyPolicy(
                context.snapshot.hostedContentFilterPolicies,
                name: \.name,
                noun: "anti-spam",
                wants: "BulkThreshold of 6 or lower with bulk mail marked as spam"
            ) { policy in
                (policy.bulkThreshold ?? 7) <= 6 && policy.markAsSpamBulkMail?.lowercased() != "off"
            }
        },
        M365Assessor("mdo_zapphish", requires: [.hostedContentFilterPolicies]) { context in
            everyPolicy(
                context.snapshot.hostedContentFilterPolicies,
                name: \.name,
                noun: "anti-spam",
                wants: "PhishZapEnabled True and the phishing action Quarantine"
            ) { policy in
                policy.phishZapEnabled == true && policy.phishSpamAction?.lowercased() == "quarantine"
            }
        },
        M365Assessor("mdo_zapmalware", requires: [.malwareFilterPolicies]) { context in
            everyPolicy(
                context.snapshot.malwareFilterPolicies,
                name: \.name,
                noun: "anti-malware",
                wants: "ZapEnabled True"
            ) {
                $0.zapEnabled == true
            }
        },
        M365Assessor("mdo_commonattachmentsfilter", requires: [.malwareFilterPolicies]) { context in
            everyPolicy(
                context.snapshot.malwareFilterPolicies,
                name: \.name,
                noun: "anti-malware",
                wants: "EnableFileFilter True"
            ) {
                $0.enableFileFilter == true
            }
        },
        M365Assessor(
            "mdo_autoforwardingmode",
            requires: [.outboundSpamFilterPolicies, .outboundSpamFilterRules]
        ) { context in
            // A custom policy set to On is allowed when its rules name senders (people or groups),
            // never whole domains.
            let policies = context.snapshot.outboundSpamFilterPolicies ?? []
            let rules = (context.snapshot.outboundSpamFilterRules ?? []).filter { $0.state?.lowercased() != "disabled" }
            guard policies.contains(where: { $0.isDefault == true }) else {
                return (.implemented(false), "no default outbound spam policy found")
            }
            var open: [String] = []
            var scoped: [String] = []
            for policy in policies where policy.autoForwardingMode?.lowercased() == "on" {
                let own = rules.filter { $0.policy == policy.name }
                let named = own.allSatisfy { rule in
                    (rule.senderDomainIs ?? []).isEmpty && !((rule.from ?? []) + (rule.fromMemberOf ?? [])).isEmpty
                }
                if policy.isDefault == true || !named {
                    open.append(policy.name)
                } else if !own.isEmpty {
                    scoped.append(policy.name)
                }
            }
            let note =
                scoped.isEmpty ? "" : "; forwarding allowed for the named senders of " + scoped.joined(separator: ", ")
            return open.isEmpty
                ? (.implemented(true), "automatic forwarding is off or system-controlled" + note)
                : (
                    .implemented(false),
                    "AutoForwardingMode is On for everyone or whole domains in " + open.joined(separator: ", ") + note
                )
        },
    ]

    /// The policies of one kind that a rule, or a Standard or Strict preset, applies to everyone.
    static func appliedToEveryone(
        _ context: M365Context,
        _ rules: [ExchangeProtectionRule]?,
        _ policy: KeyPath<ExchangeProtectionRule, String?>
    ) -> [String: Bool] {
        let coverage = ProtectionCoverage(context.snapshot.acceptedDomains ?? [])
        let presets =
            (context.snapshot.eopProtectionPolicyRules ?? []) + (context.snapshot.atpProtectionPolicyRules ?? [])
        return coverage.policies(rules: rules ?? [], presets: presets, policy: policy)
    }

    /// The first candidate (name, what it lacks, whether it is the default policy) that lacks
    /// nothing and that no earlier rule takes recipients from with a weaker policy; otherwise why.
    static func firstCovering(
        _ candidates: [(name: String, problems: [String], isDefault: Bool)],
        context: M365Context,
        rules: [ExchangeProtectionRule]?,
        key: KeyPath<ExchangeProtectionRule, String?>,
        passes: (String) -> Bool,
        done: String,
        none: String
    ) -> (M365Finding.Outcome, String) {
        guard !candidates.isEmpty else { return (.implemented(false), none) }
        let coverage = ProtectionCoverage(context.snapshot.acceptedDomains ?? [])
        let presets =
            (context.snapshot.eopProtectionPolicyRules ?? []) + (context.snapshot.atpProtectionPolicyRules ?? [])
        var shadowed: (String, [String])?
        for candidate in candidates where candidate.problems.isEmpty {
            let earlier = coverage.shadowing(
                candidate.name,
                rules: rules ?? [],
                presets: presets,
                key: key,
                isDefault: candidate.isDefault,
                passes: passes
            )
            if earlier.isEmpty { return (.implemented(true), "\(candidate.name) \(done)") }
            shadowed = shadowed ?? (candidate.name, earlier)
        }
        if let (name, earlier) = shadowed {
            return (
                .implemented(false),
                "\(name) would qualify, but " + earlier.joined(separator: ", ")
                    + " applies first to some recipients with a weaker policy"
            )
        }
        let nearest = candidates[0]
        return (
            .implemented(false),
            "\(nearest.name) applies to every recipient but needs " + nearest.problems.joined(separator: ", ")
        )
    }

    static func antiPhishProblems(_ policy: ExchangeAntiPhishPolicy) -> [String] {
        var problems: [String] = []
        if policy.enableSpoofIntelligence != true { problems.append("spoof intelligence") }
        if policy.honorDmarcPolicy != true { problems.append("DMARC policy honoured") }
        if policy.enableFirstContactSafetyTips != true { problems.append("first contact safety tips") }
        if policy.enableUnauthenticatedSender != true { problems.append("unauthenticated sender indicators") }
        if policy.enableMailboxIntelligence != true { problems.append("mailbox intelligence") }
        if (policy.phishThresholdLevel ?? 1) < 2 { problems.append("a phishing threshold of 2 or higher") }
        return problems
    }

    static func safeLinksProblems(_ policy: ExchangeSafeLinksPolicy) -> [String] {
        var problems: [String] = []
        if policy.enableSafeLinksForEmail != true { problems.append("email link checking") }
        if policy.scanUrls != true { problems.append("real-time URL scanning") }
        if policy.deliverMessageAfterScan != true { problems.append("delivery after scanning") }
        if policy.enableForInternalSenders != true { problems.append("internal messages") }
        if policy.trackClicks != true { problems.append("click tracking") }
        if policy.allowClickThrough != false { problems.append("no click-through") }
        return problems
    }

    /// Done when every policy of a kind passes; the ones that do not are named.
    static func everyPolicy<Policy>(
        _ policies: [Policy]?,
        name: KeyPath<Policy, String>,
        noun: String,
        wants: String,
        passes: (Policy) -> Bool
    ) -> (M365Finding.Outcome, String) {
        let all = policies ?? []
        guard !all.isEmpty else { return (.implemented(false), "no \(noun) policy found") }
        let failing = all.filter { !passes($0) }.map { $0[keyPath: name] }
        return failing.isEmpty
            ? (
                .implemented(true),
                "all \(all.count) \(noun) \(all.count == 1 ? "policy has" : "policies have") \(wants)"
            )
            : (.implemented(false), failing.joined(separator: ", ") + " must have " + wants)
    }
}
