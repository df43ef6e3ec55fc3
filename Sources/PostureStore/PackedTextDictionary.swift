/// The preset dictionary of packed history, version 1 (format 1 of ``PackedText``): strings that
/// every stored breakdown and change batch repeats (the built-in catalog's action ids as JSON
/// strings, the JSON keys, statuses and kinds), so that a small value compresses as if it were
/// part of a larger one. Frozen: values written with it are read with it; another dictionary
/// needs another format byte. The most frequent strings come last, where matches cost least.
enum PackedTextDictionary {
    static let v1: [UInt8] = Array((actionIDs.map { "\"" + $0 + "\"" } + fragments).joined().utf8)

    private static let actionIDs = [
        "AATP_ADCSCertificateTemplateEnrolementSuppliesSubject",
        "AATP_ADCSInsecureCertificateEnrollmentIisEndpoints", "AATP_AdcsComputersWithNoMdiSensorInstalled",
        "AATP_BuiltinKrbtgtAccountWithOldPassword", "AATP_ClearText",
        "AATP_DnsAdminsGroupWithUnsafePermissions",
        "AATP_EntraConnectAccountUnnecessaryReplicationPermission",
        "AATP_EntraConnectComputersWithNoMdiSensorInstalled", "AATP_GroupPolicyPasswordInPreferences",
        "AATP_HoneyToken", "AATP_KerberosDelegations", "AATP_NonAdminDCSyncAccounts", "AATP_PrintSpooler",
        "AATP_PwdLAPS", "AATP_Sensor", "AATP_WeakCipher", "AdminMFAV2", "AdoptedODB",
        "AppG_regulate_access_to_sensitive_data", "AppG_unusual_activity_with_priority_account",
        "AuditUsed", "BlockLegacyAuthentication", "CustomerLockBoxEnabled", "ExternalSharingExpiration",
        "IRMEnabled", "InTuneNoAdvancedSettings", "InTuneNoPAVC", "IntegratedApps", "MDMEncryptReq",
        "MDMManageEmail", "MDMPWReq", "MDMReportViolation", "MDMRootedBlock", "MFARegistrationV2",
        "MailForwardingRules", "MailboxAuditingEnabled", "ManyAdmins", "McasFirewallLogUpload",
        "NonOwnerAccess", "OneAdmin", "PIMEnabled", "PWAgePolicyNew", "PasswordHashSync", "RoleOverlap",
        "SPOVersioning", "SelfServicePasswordReset", "SigninRiskPolicy", "SiteClassification",
        "UserRiskPolicy", "aad_admin_accounts_separate_unassigned_cloud_only",
        "aad_admin_consent_workflow", "aad_custom_banned_passwords", "aad_linkedin_connection_disables",
        "aad_managed_approved_public_groups_only", "aad_phishing_MFA_strength",
        "aad_sign_in_freq_session_timeout", "aad_third_party_apps", "admincenter_owned_apps_and_services",
        "dlp_datalossprevention", "exo_SPF_records_for_all_domains", "exo_individualsharing",
        "exo_mailboxaudit", "exo_mailtipsenabled", "exo_oauth2clientprofileenabled", "exo_outlookaddins",
        "exo_storageproviderrestricted", "exo_transportrulesallowlistdomains", "forms_phishing_protection",
        "mcas_mda_enabled", "mdo_antiphishingpolicies", "mdo_atpprotection", "mdo_autoforwardingmode",
        "mdo_bulkthreshold", "mdo_commonattachmentsfilter", "mdo_safeattachments", "mdo_safedocuments",
        "mdo_safelinksforemail", "mdo_targetedusersprotection", "mdo_zapmalware", "mdo_zapphish",
        "meeting_anonymousstartmeeting_v1", "meeting_autoadmitusers_v1", "meeting_designatedpresenter_v1",
        "meeting_externalrequestcontrol_v1", "meeting_pstnusersbypasslobby_v1",
        "meeting_restrictanonymousjoin_v1", "mip_DLP_policies_Teams", "mip_autosensitivitylabelspolicies",
        "mip_management_API_enabled_four_workloads", "mip_purviewlabelconsent", "mip_search_auditlog",
        "mip_sensitivitylabelspolicies", "posture_app_consent_high_privilege",
        "posture_ca_policy_coverage", "posture_guest_access_restricted", "posture_guest_invite_restricted",
        "posture_inactive_accounts_disabled", "posture_sms_voice_methods_disabled",
        "posture_spo_anyone_links_disabled", "scid_2003", "scid_2004", "scid_2010", "scid_2012",
        "scid_2016", "scid_2070", "scid_2090", "scid_25", "scid_2500", "scid_2509", "scid_5094",
        "scid_6094", "spo_block_onedrive_sync_unmanaged_devices", "spo_external_sharing_managed",
        "spo_external_users_sharing", "spo_idle_session_timeout", "spo_legacy_auth",
        "sway_block_sharing_with_outside_users",
    ]

    private static let fragments = [
        "\"implemented\":true", "\"status\":\"completed\"", "{\"base\":\"", "\"changed\":[", "\"key\":\"",
        "\"removed\":[]}", "{\"category\":\"Identity\",\"maxScore\":",
        "{\"category\":\"Data\",\"maxScore\":", "{\"category\":\"Device\",\"maxScore\":",
        "{\"category\":\"Apps\",\"maxScore\":", "{\"category\":\"Infrastructure\",\"maxScore\":",
        ",\"score\":", ",\"verifiedScore\":", "\"c\":\"Identity\"", "\"c\":\"Data\"", "\"c\":\"Device\"",
        "\"c\":\"Apps\"", "\"c\":\"Infrastructure\"", "\"k\":\"statusChanged\"", "\"f\":\"completed\"",
        "\"s\":\"completed\"", "\"f\":\"riskAccepted\"", "\"s\":\"riskAccepted\"",
        "\"k\":\"pointsGained\"", "\"k\":\"pointsLost\"", "\"f\":\"toAddress\"", "\"s\":\"toAddress\"",
        "\"z\":{\"kind\":\"userOrDeviceChange\",\"summary\":\"", " devices × ", " users × ",
        " mailboxs × ", " mailboxes × ", "\"d\":\"+0.", "\"d\":\"-0.", " points: ", " → ", "\"m\":", "\"b\":", "\"p\":",
        "\"w\":\"", "\"t\":", "{\"a\":\"", "\"e\":[", "\"id\":\"", "\"achieved\":", "\"points\":",
        "\"verifiedPoints\":",
    ]
}
