import Foundation

extension M365Assessor {
    /// The Defender for Endpoint secure configurations the catalog scores, one action each.
    static let defenderConfigurationIDs = [
        "scid_2003", "scid_2004", "scid_2010", "scid_2012", "scid_2016", "scid_2070", "scid_2090", "scid_25",
        "scid_2500", "scid_2509", "scid_5094", "scid_6094",
    ]

    /// Defender for Endpoint: achieved counts the onboarded devices the configuration applies to
    /// and complies on; total counts the devices it applies to.
    static let defenderEndpoint: [M365Assessor] = defenderConfigurationIDs.map { actionID in
        M365Assessor(actionID, requires: [.secureConfigurationAssessments]) { context in
            let configuration = actionID.replacingOccurrences(of: "_", with: "-")
            var devices: [String: (name: String, compliant: Bool)] = [:]
            for row in context.snapshot.secureConfigurationAssessments ?? []
            where row.configurationId == configuration && row.isApplicable != false {
                let compliant = row.isCompliant == true && devices[row.deviceId]?.compliant != false
                devices[row.deviceId] = (row.deviceName ?? row.deviceId, compliant)
            }
            let scope = devices.values.sorted { $0.name < $1.name }
            let outcome = counted(scope, name: \.name, complies: \.compliant)
            guard !scope.isEmpty else { return (outcome, "no onboarded device is assessed for \(configuration)") }
            return (outcome, ratio(outcome, "onboarded devices") + " comply with \(configuration)")
        }
    }

    /// Intune compliance: achieved counts the devices in scope that a qualifying compliance policy
    /// of their platform evaluated as compliant; total counts the managed devices in scope.
    static let intune: [M365Assessor] = [
        compliance("MDMPWReq", platforms: [.ios, .android], wants: "a password to unlock") { policy, platform in
            platform == .ios ? policy.passcodeRequired == true : policy.passwordRequired == true
        },
        compliance("MDMEncryptReq", platforms: [.android, .windows, .macOS, .ios], wants: "storage encryption") {
            policy,
            platform in
            switch platform {
            case .ios: policy.passcodeRequired == true  // iOS encrypts once a passcode is set
            case .windows: policy.bitLockerEnabled == true || policy.storageRequireEncryption == true
            default: policy.storageRequireEncryption == true
            }
        },
        compliance("MDMRootedBlock", platforms: [.ios, .android], wants: "jailbroken or rooted devices blocked") {
            policy,
            _ in policy.securityBlockJailbrokenDevices == true
        },
        compliance("MDMManageEmail", platforms: [.ios], wants: "a managed email profile") { policy, _ in
            policy.managedEmailProfileRequired == true
        },
        compliance(
            "InTuneNoPAVC",
            platforms: [.ios, .android, .windows, .macOS],
            wants: "a minimum OS version (and on Windows firewall, antivirus and antispyware)"
        ) { policy, platform in
            guard !(policy.osMinimumVersion ?? "").isEmpty else { return false }
            guard platform == .windows else { return true }
            return policy.activeFirewallRequired == true
                && (policy.antivirusRequired == true || policy.defenderEnabled == true)
                && policy.antiSpywareRequired == true
        },
    ]

    enum DevicePlatform: Sendable {
        case ios, android, windows, macOS

        init?(operatingSystem: String?) {
            let name = (operatingSystem ?? "").lowercased()
            if name == "ios" || name == "ipados" {
                self = .ios
            } else if name.hasPrefix("android") {
                self = .android
            } else if name.hasPrefix("windows") {
                self = .windows
            } else if name == "macos" || name == "mac os" {
                self = .macOS
            } else {
                return nil
            }
        }

        /// The platform of a compliance policy, from its `@odata.type`.
        init?(policyType: String?) {
            let type = (policyType ?? "").lowercased()
            if type.contains("ioscompliance") {
                self = .ios
            } else if type.contains("android") || type.contains("aospdeviceowner") {
                self = .android
            } else if type.contains("windows") {
                self = .windows
            } else if type.contains("macos") {
                self = .macOS
            } else {
                return nil
            }
        }
    }

    static func compliance(
        _ actionID: String,
        platforms: Set<DevicePlatform>,
        wants: String,
        qualifies: @escaping @Sendable (GraphCompliancePolicy, DevicePlatform) -> Bool
    ) -> M365Assessor {
        M365Assessor(
            actionID,
            requires: [.managedDevices, .deviceCompliancePolicies, .deviceComplianceStatuses]
        ) { context in
            // Device names each qualifying policy reports compliant, per platform.
            var compliant: [DevicePlatform: Set<String>] = [:]
            var qualifying: [String] = []
            let statuses = Dictionary(
                (context.snapshot.deviceComplianceStatuses ?? []).map { ($0.id, $0.statuses) },
                uniquingKeysWith: { first, _ in first }
            )
            for policy in context.snapshot.deviceCompliancePolicies ?? [] {
                guard let platform = DevicePlatform(policyType: policy.odataType), platforms.contains(platform),
                    qualifies(policy, platform), !(policy.assignments ?? []).isEmpty
                else { continue }
                qualifying.append(policy.displayName ?? policy.id)
                for status in statuses[policy.id] ?? [] where status.status?.lowercased() == "compliant" {
                    if let name = status.deviceDisplayName { compliant[platform, default: []].insert(name) }
                }
            }
            let scope = (context.snapshot.managedDevices ?? []).compactMap { device -> (String, DevicePlatform)? in
                guard let platform = DevicePlatform(operatingSystem: device.operatingSystem),
                    platforms.contains(platform)
                else { return nil }
                return (device.deviceName ?? device.id, platform)
            }
            let outcome = counted(scope, name: \.0) { compliant[$0.1]?.contains($0.0) == true }
            let policies =
                qualifying.isEmpty
                ? "; no assigned compliance policy requires \(wants)"
                : " (policies requiring \(wants): \(qualifying.joined(separator: ", ")))"
            return (outcome, ratio(outcome, "managed devices") + " compliant" + policies)
        }
    }

    /// Microsoft 365 admin center organization settings.
    static let adminCenter: [M365Assessor] = [
        M365Assessor("admincenter_owned_apps_and_services", requires: [.appsAndServicesSettings]) { context in
            let settings = context.snapshot.appsAndServicesSettings?.settings
            var open: [String] = []
            if settings?.isOfficeStoreEnabled != false { open.append("isOfficeStoreEnabled") }
            if settings?.isAppAndServicesTrialEnabled != false { open.append("isAppAndServicesTrialEnabled") }
            return open.isEmpty
                ? (.implemented(true), "the Office Store and trials on behalf of the organization are off")
                : (.implemented(false), open.joined(separator: " and ") + " must be false")
        },
        M365Assessor("forms_phishing_protection", requires: [.formsSettings]) { context in
            setting(
                "isInOrgFormsPhishingScanEnabled",
                context.snapshot.formsSettings?.settings?.isInOrgFormsPhishingScanEnabled,
                passes: { $0 },
                wants: "true"
            )
        },
    ]
}
