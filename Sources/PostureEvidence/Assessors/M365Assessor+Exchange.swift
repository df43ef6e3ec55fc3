extension M365Assessor {
    /// Exchange Online configuration, read through its admin API.
    static let exchange: [M365Assessor] = [
        M365Assessor(
            "MailboxAuditingEnabled",
            requires: [.exchangeOrganizationConfig, .mailboxes],
            reads: [.mailboxAuditBypass]
        ) { context in
            mailboxAuditing(context, types: ["UserMailbox", "SharedMailbox"], checksActions: false)
        },
        M365Assessor(
            "exo_mailboxaudit",
            requires: [.exchangeOrganizationConfig, .mailboxes],
            reads: [.mailboxAuditBypass]
        ) { context in
            mailboxAuditing(
                context,
                types: ["UserMailbox", "SharedMailbox", "RoomMailbox", "EquipmentMailbox"],
                checksActions: true
            )
        },
        M365Assessor("CustomerLockBoxEnabled", requires: [.exchangeOrganizationConfig], reads: [.roleAssignments]) {
            context in
            guard context.snapshot.exchangeOrganizationConfig?.customerLockBoxEnabled == true else {
                return (.implemented(false), "CustomerLockBoxEnabled is not True; the action needs Customer Lockbox on")
            }
            // Approvers hold the Customer Lockbox Access Approver role; without role assignments
            // in the snapshot the switch alone is judged.
            guard let assignments = context.snapshot.roleAssignments else {
                return (
                    .implemented(true), "CustomerLockBoxEnabled is True (approvers not checked: no roleAssignments)"
                )
            }
            let approvers = assignments.filter { $0.roleDefinitionId == DirectoryRoles.customerLockboxApprover }.count
            return approvers > 0
                ? (.implemented(true), "CustomerLockBoxEnabled is True with \(approvers) approver assignment(s)")
                : (
                    .implemented(false),
                    "CustomerLockBoxEnabled is True but nobody holds the Customer Lockbox Access Approver role"
                )
        },
        M365Assessor("exo_mailtipsenabled", requires: [.exchangeOrganizationConfig]) { context in
            let config = context.snapshot.exchangeOrganizationConfig
            var missing: [String] = []
            if config?.mailTipsAllTipsEnabled != true { missing.append("MailTipsAllTipsEnabled") }
            if config?.mailTipsExternalRecipientsTipsEnabled != true {
                missing.append("MailTipsExternalRecipientsTipsEnabled")
            }
            if config?.mailTipsGroupMetricsEnabled != true { missing.append("MailTipsGroupMetricsEnabled") }
            let threshold = config?.mailTipsLargeAudienceThreshold
            if let threshold, threshold > 25 {
                missing.append("MailTipsLargeAudienceThreshold of 25 or lower (it is \(threshold))")
            } else if threshold == nil {
                missing.append("MailTipsLargeAudienceThreshold")
            }
            return missing.isEmpty
                ? (.implemented(true), "every MailTip is on; the large audience threshold is \(threshold ?? 0)")
                : (.implemented(false), "the action needs " + missing.joined(separator: ", "))
        },
        M365Assessor("exo_oauth2clientprofileenabled", requires: [.exchangeOrganizationConfig]) { context in
            setting(
                "OAuth2ClientProfileEnabled",
                context.snapshot.exchangeOrganizationConfig?.oAuth2ClientProfileEnabled,
                passes: { $0 },
                wants: "True"
            )
        },
        M365Assessor("exo_outlookaddins", requires: [.roleAssignmentPolicies], reads: [.mailboxes]) { context in
            let policies = context.snapshot.roleAssignmentPolicies ?? []
            // Policies in use: the default (new mailboxes get it) and every one a mailbox names.
            let inUse = Set((context.snapshot.mailboxes ?? []).compactMap(\.roleAssignmentPolicy))
            let risky: Set = ["My Custom Apps", "My Marketplace Apps", "My ReadWriteMailbox Apps"]
            let granting = policies.filter { policy in
                (policy.isDefault == true || inUse.contains(policy.name))
                    && (policy.assignedRoles ?? []).contains { role in risky.contains { role.hasPrefix($0) } }
            }
            return granting.isEmpty
                ? (.implemented(true), "no role assignment policy in use lets users install add-ins")
                : (
                    .implemented(false),
                    "users can install add-ins through " + granting.map(\.name).joined(separator: ", ")
                )
        },
        M365Assessor("exo_individualsharing", requires: [.sharingPolicies]) { context in
            let policies = context.snapshot.sharingPolicies ?? []
            let openDefault = policies.filter { $0.isDefault == true && $0.enabled == true }
            let open = policies.filter { policy in
                policy.enabled == true
                    && (policy.domains ?? []).contains { entry in
                        let domain = entry.split(separator: ":").first.map(String.init) ?? entry
                        return domain == "*" || domain.lowercased() == "anonymous"
                    }
            }
            let offending = (openDefault + open.filter { $0.isDefault != true }).map(\.name)
            return offending.isEmpty
                ? (.implemented(true), "no enabled sharing policy shares calendars with every domain or anonymously")
                : (
                    .implemented(false),
                    "calendars can be shared externally through " + offending.joined(separator: ", ")
                        + " (the default policy must be disabled, others limited to named domains)"
                )
        },
        M365Assessor("exo_storageproviderrestricted", requires: [.owaMailboxPolicies]) { context in
            let open = (context.snapshot.owaMailboxPolicies ?? []).filter {
                $0.additionalStorageProvidersAvailable != false
            }
            return open.isEmpty
                ? (.implemented(true), "every Outlook on the web policy restricts additional storage providers")
                : (
                    .implemented(false),
                    "AdditionalStorageProvidersAvailable is not False in " + open.map(\.name).joined(separator: ", ")
                )
        },
        M365Assessor("exo_transportrulesallowlistdomains", requires: [.transportRules]) { context in
            let bypassing = (context.snapshot.transportRules ?? []).filter { rule in
                let bySender = [
                    rule.senderDomainIs, rule.from, rule.fromAddressContainsWords, rule.fromAddressMatchesPatterns,
                ]
                .contains { !($0 ?? []).isEmpty }
                return rule.state?.lowercased() != "disabled" && rule.setSCL == -1 && bySender
            }
            return bypassing.isEmpty
                ? (.implemented(true), "no enabled transport rule skips spam filtering by sender")
                : (
                    .implemented(false),
                    "spam filtering is skipped by sender in " + bypassing.map(\.name).joined(separator: ", ")
                )
        },
        M365Assessor("exo_SPF_records_for_all_domains", requires: [.acceptedDomains, .spfRecords]) { context in
            spf(context)
        },
        M365Assessor("mip_search_auditlog", requires: [.adminAuditLogConfig]) { context in
            setting(
                "UnifiedAuditLogIngestionEnabled",
                context.snapshot.adminAuditLogConfig?.unifiedAuditLogIngestionEnabled,
                passes: { $0 },
                wants: "True"
            )
        },
        M365Assessor("IRMEnabled", requires: [.irmConfiguration]) { context in
            setting(
                "AzureRMSLicensingEnabled",
                context.snapshot.irmConfiguration?.azureRMSLicensingEnabled,
                passes: { $0 },
                wants: "True"
            )
        },
    ]

    /// Accepted domains publishing one SPF record that authorises Microsoft 365 and ends in `-all`
    /// (or `v=spf1 -all` for a domain that sends no mail); the initial onmicrosoft.com domain is
    /// Microsoft's. A domain DNS did not answer for makes the whole action "no data".
    static func spf(_ context: M365Context) -> (M365Finding.Outcome, String) {
        var answers: [String: DomainTextRecords] = [:]
        for entry in context.snapshot.spfRecords ?? [] { answers[entry.domain.lowercased()] = entry }
        let domains = context.snapshot.acceptedDomains ?? []
        let unanswered = domains.filter { domain in
            !isInitial(domain) && (answers[domain.domainName.lowercased()]?.records == nil)
        }
        if !unanswered.isEmpty {
            let reasons = unanswered.map { domain in
                "\(domain.domainName) (\(answers[domain.domainName.lowercased()]?.error ?? "not looked up"))"
            }
            return (.noData, "no data: DNS did not answer for " + reasons.joined(separator: ", "))
        }
        let outcome = counted(domains, name: \.domainName) { domain in
            isInitial(domain) || spfPasses(answers[domain.domainName.lowercased()]?.records ?? [])
        }
        return (
            outcome,
            ratio(outcome, "accepted domains") + " publish an SPF record that authorises Microsoft 365 and ends in -all"
        )
    }

    static func isInitial(_ domain: ExchangeAcceptedDomain) -> Bool {
        domain.initialDomain == true || domain.domainName.lowercased().hasSuffix(".onmicrosoft.com")
    }

    /// Exactly one `v=spf1` record, which is `v=spf1 -all` or includes Microsoft 365's and ends
    /// in `-all`.
    static func spfPasses(_ records: [String]) -> Bool {
        let spf = records.filter { record in
            let lowered = record.lowercased()
            return lowered == "v=spf1" || lowered.hasPrefix("v=spf1 ")
        }
        guard spf.count == 1 else { return false }
        let terms = spf[0].lowercased().split(separator: " ").map(String.init)
        guard terms.last == "-all" else { return false }
        return terms.count == 2 || terms.contains("include:spf.protection.outlook.com")
    }

    /// The actions Microsoft audits by default for each logon type (Exchange Online, E3).
    static let defaultAuditActions: [String: Set<String>] = [
        "Owner": [
            "ApplyRecord", "HardDelete", "MoveToDeletedItems", "SoftDelete", "UpdateCalendarDelegation",
            "UpdateFolderPermissions", "UpdateInboxRules",
        ],
        "Delegate": [
            "ApplyRecord", "Create", "HardDelete", "MoveToDeletedItems", "SendAs", "SendOnBehalf", "SoftDelete",
            "Update", "UpdateFolderPermissions", "UpdateInboxRules",
        ],
        "Admin": [
            "ApplyRecord", "Create", "HardDelete", "MoveToDeletedItems", "Send", "SendAs", "SendOnBehalf",
            "SoftDelete", "Update", "UpdateCalendarDelegation", "UpdateFolderPermissions", "UpdateInboxRules",
        ],
    ]

    /// The actions a mailbox audits for a logon type.
    static func auditedActions(_ mailbox: ExchangeMailbox, logon: String) -> Set<String> {
        switch logon {
        case "Owner": Set(mailbox.auditOwner ?? [])
        case "Delegate": Set(mailbox.auditDelegate ?? [])
        default: Set(mailbox.auditAdmin ?? [])
        }
    }

    /// Mailboxes of `types` that are audited: auditing not off for the organization, on for the
    /// mailbox, no bypass association and, when `checksActions`, at least the default actions of
    /// every logon type logged.
    static func mailboxAuditing(
        _ context: M365Context,
        types: Set<String>,
        checksActions: Bool
    ) -> (M365Finding.Outcome, String) {
        let scope = (context.snapshot.mailboxes ?? []).filter { types.contains($0.recipientTypeDetails) }
        if context.snapshot.exchangeOrganizationConfig?.auditDisabled == true {
            let outcome = counted(scope, name: \.displayName) { _ in false }
            return (outcome, "auditing is turned off for the whole organization (AuditDisabled is True)")
        }
        let bypassed = Set(
            (context.snapshot.mailboxAuditBypass ?? []).filter { $0.auditBypassEnabled == true }.map(\.name)
        )
        let outcome = counted(scope, name: \.displayName) { mailbox in
            guard mailbox.auditEnabled == true, !bypassed.contains(mailbox.name) else { return false }
            guard checksActions else { return true }
            let defaults = Set(mailbox.defaultAuditSet ?? [])
            return defaultAuditActions.allSatisfy { logon, actions in
                defaults.contains(logon) || actions.isSubset(of: auditedActions(mailbox, logon: logon))
            }
        }
        let bypassNote =
            context.snapshot.mailboxAuditBypass == nil ? " (bypass associations not collected)" : ""
        return (outcome, ratio(outcome, "mailboxes") + " audited" + bypassNote)
    }
}
