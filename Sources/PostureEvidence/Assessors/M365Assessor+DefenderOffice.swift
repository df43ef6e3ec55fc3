extension M365Assessor {
    /// Defender for Office 365 and Exchange Online Protection policies, read through Exchange
    /// Online's admin API.
    static let defenderOffice: [M365Assessor] = [
        M365Assessor(
            "mdo_antiphishingpolicies",
            requires: [.antiPhishPolicies, .antiPhishRules, .acceptedDomains],
            reads: [.eopProtectionPolicyRules]
        ) { context in
            let applied = appliedToEveryone(context, context.snapshot.antiPhishRules, \.antiPhishPolicy)
            let candidates = (context.snapshot.antiPhishPolicies ?? []).filter {
                applied[$0.name] != nil && $0.isDefault != true && $0.enabled != false
            }
            if let passing = candidates.first(where: { antiPhishProblems($0).isEmpty }) {
                return (
                    .implemented(true), "\(passing.name) applies to every recipient with the settings the action needs"
                )
            }
            guard let nearest = candidates.first else {
                return (
                    .implemented(false),
                    "no custom or preset anti-phishing policy applies to every recipient (the default does not count)"
                )
            }
            return (
                .implemented(false),
                "\(nearest.name) applies to every recipient but needs "
                    + antiPhishProblems(nearest).joined(separator: ", ")
            )
        },
        M365Assessor(
            "mdo_targetedusersprotection",
            requires: [.antiPhishPolicies, .antiPhishRules, .acceptedDomains],
            reads: [.eopProtectionPolicyRules]
        ) { context in
            let applied = appliedToEveryone(context, context.snapshot.antiPhishRules, \.antiPhishPolicy)
            let candidates = (context.snapshot.antiPhishPolicies ?? []).filter {
                (applied[$0.name] != nil || $0.isDefault == true) && $0.enabled != false
            }
            let passing = candidates.first { policy in
                policy.enableTargetedUserProtection == true && !(policy.targetedUsersToProtect ?? []).isEmpty
                    && policy.targetedUserProtectionAction?.lowercased() == "quarantine"
            }
            if let passing {
                let count = passing.targetedUsersToProtect?.count ?? 0
                return (
                    .implemented(true),
                    "\(passing.name) protects \(count) named \(count == 1 ? "person" : "people") and quarantines"
                )
            }
            return (
                .implemented(false),
                "no anti-phishing policy covering every recipient protects named users with the quarantine action"
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
            let applied = appliedToEveryone(context, context.snapshot.safeAttachmentRules, \.safeAttachmentPolicy)
            let covering = (context.snapshot.safeAttachmentPolicies ?? []).filter { applied[$0.name] != nil }
            if let passing = covering.first(where: { policy in
                policy.enable == true && policy.action?.lowercased() == "block"
                    && policy.quarantineTag == "AdminOnlyAccessPolicy"
            }) {
                return (.implemented(true), "\(passing.name) blocks malicious attachments for every recipient")
            }
            return (
                .implemented(false),
                covering.isEmpty
                    ? "no Safe Attachments policy applies to every recipient"
                    : "\(covering.map(\.name).joined(separator: ", ")) must be on, Block, with admin-only release"
            )
        },
        M365Assessor(
            "mdo_safelinksforemail",
            requires: [.safeLinksPolicies, .safeLinksRules, .acceptedDomains],
            reads: [.atpProtectionPolicyRules]
        ) { context in
            let applied = appliedToEveryone(context, context.snapshot.safeLinksRules, \.safeLinksPolicy)
            let covering = (context.snapshot.safeLinksPolicies ?? []).filter { applied[$0.name] != nil }
            if let passing = covering.first(where: { safeLinksProblems($0).isEmpty }) {
                return (.implemented(true), "\(passing.name) checks links in email for every recipient")
            }
            guard let nearest = covering.first else {
                return (.implemented(false), "no Safe Links policy applies to every recipient")
            }
            return (
                .implemented(false),
                "\(nearest.name) applies to every recipient but needs "
                    + safeLinksProblems(nearest).joined(separator: ", ")
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
        M365Assessor("mdo_autoforwardingmode", requires: [.outboundSpamFilterPolicies]) { context in
            // A custom policy set to On reaches only the senders its rule names: allowed, and named.
            let policies = context.snapshot.outboundSpamFilterPolicies ?? []
            let defaults = policies.filter { $0.isDefault == true }
            let open = defaults.filter { !["automatic", "off"].contains($0.autoForwardingMode?.lowercased() ?? "") }
            let scoped = policies.filter { $0.isDefault != true && $0.autoForwardingMode?.lowercased() == "on" }
            let note =
                scoped.isEmpty
                ? "" : "; forwarding allowed for the senders of " + scoped.map(\.name).joined(separator: ", ")
            guard !defaults.isEmpty else { return (.implemented(false), "no default outbound spam policy found") }
            return open.isEmpty
                ? (
                    .implemented(true),
                    "the default outbound policy keeps automatic forwarding off or system-controlled" + note
                )
                : (.implemented(false), "AutoForwardingMode is On in the default outbound policy" + note)
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
