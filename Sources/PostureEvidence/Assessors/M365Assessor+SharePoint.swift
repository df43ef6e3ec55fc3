extension M365Assessor {
    /// SharePoint and OneDrive tenant settings (`admin/sharepoint/settings`).
    static let sharePoint: [M365Assessor] = [
        M365Assessor("spo_block_onedrive_sync_unmanaged_devices", requires: [.sharepointSettings]) { context in
            setting(
                "isUnmanagedSyncAppForTenantRestricted",
                context.snapshot.sharepointSettings?.isUnmanagedSyncAppForTenantRestricted,
                passes: { $0 },
                wants: "true"
            )
        },
        M365Assessor("spo_external_sharing_managed", requires: [.sharepointSettings]) { context in
            let settings = context.snapshot.sharepointSettings
            let mode = settings?.sharingDomainRestrictionMode ?? "none"
            let list = mode == "allowList" ? settings?.sharingAllowedDomainList : settings?.sharingBlockedDomainList
            let done = ["allowList", "blockList"].contains(mode) && !(list ?? []).isEmpty
            return (
                .implemented(done),
                "sharingDomainRestrictionMode is \(mode)"
                    + (["allowList", "blockList"].contains(mode)
                        ? " with \((list ?? []).count) \((list ?? []).count == 1 ? "domain" : "domains")" : "")
                    + (done ? "" : "; the action needs an allow or block list of domains")
            )
        },
        M365Assessor("spo_external_users_sharing", requires: [.sharepointSettings]) { context in
            setting(
                "isResharingByExternalUsersEnabled",
                context.snapshot.sharepointSettings?.isResharingByExternalUsersEnabled,
                passes: { !$0 },
                wants: "false"
            )
        },
        M365Assessor("spo_idle_session_timeout", requires: [.sharepointSettings]) { context in
            setting(
                "idleSessionSignOut.isEnabled",
                context.snapshot.sharepointSettings?.idleSessionSignOut?.isEnabled,
                passes: { $0 },
                wants: "true"
            )
        },
        M365Assessor("spo_legacy_auth", requires: [.sharepointSettings]) { context in
            setting(
                "isLegacyAuthProtocolsEnabled",
                context.snapshot.sharepointSettings?.isLegacyAuthProtocolsEnabled,
                passes: { !$0 },
                wants: "false"
            )
        },
        M365Assessor("posture_spo_anyone_links_disabled", requires: [.sharepointSettings]) { context in
            setting(
                "sharingCapability",
                context.snapshot.sharepointSettings?.sharingCapability,
                passes: { $0 != "externalUserAndGuestSharing" },
                wants: "anything but externalUserAndGuestSharing (Anyone links)"
            )
        },
    ]
}
