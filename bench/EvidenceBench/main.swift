// The evidence benchmark: assess a generated Microsoft 365 snapshot of N users (read from disk,
// decoded, assessed) against decoding the same files alone, in the same run. Prints the medians
// and the ratios against two baselines: Foundation's untyped JSONSerialization, and the typed
// decoding the assessment itself starts with.
//
//   posture-evidence-bench [users] [rounds]
import Foundation
import PostureCatalog
import PostureCore
import PostureEvidence

let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
let userCount = arguments.count > 0 ? arguments[0] : 100_000
let rounds = arguments.count > 1 ? arguments[1] : 7

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("posture-evidence-bench-\(userCount)")
try? FileManager.default.removeItem(at: directory)
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)

func write(_ resource: String, _ object: Any) throws {
    let data = try JSONSerialization.data(withJSONObject: object)
    try data.write(to: directory.appendingPathComponent("\(resource).json"))
}
func id(_ prefix: String, _ number: Int) -> String {
    let hex = String(number, radix: 16)
    return prefix + String(repeating: "0", count: max(0, 12 - hex.count)) + hex
}

// A tenant shaped like a large real one: mostly members, 5 % guests, 3 % disabled, two thirds
// registered for MFA, a few dozen administrators, policies that use groups and roles.
print("generating a snapshot of \(userCount) users …")
var random = SplitMix64(seed: 2026)
let userID = { (n: Int) in id("00000000-0000-4000-8000-", n) }
var users: [[String: Any]] = []
var registrations: [[String: Any]] = []
for n in 0..<userCount {
    let guest = n % 20 == 0
    let upn = guest ? "guest\(n)_partner.example#EXT#@tenant.onmicrosoft.com" : "user\(n)@tenant.example"
    let lastSignIn = "2026-\(String(format: "%02d", 1 + Int(random.next() % 11)))-15T08:00:00Z"
    users.append([
        "id": userID(n), "displayName": "User \(n)", "userPrincipalName": upn, "accountEnabled": n % 33 != 0,
        "userType": guest ? "Guest" : "Member", "onPremisesSyncEnabled": n % 2 == 0 ? true : NSNull(),
        "createdDateTime": "2024-03-01T10:00:00Z",
        "assignedLicenses": [["disabledPlans": [], "skuId": "6fd2c87f-b296-42f0-b197-1e91e994b900"]],
        "signInActivity": [
            "lastSignInDateTime": lastSignIn, "lastNonInteractiveSignInDateTime": lastSignIn,
            "lastSuccessfulSignInDateTime": lastSignIn,
        ],
    ])
    let registered = random.next() % 3 != 0
    registrations.append([
        "id": userID(n), "userPrincipalName": upn, "userDisplayName": "User \(n)",
        "userType": guest ? "guest" : "member",
        "isAdmin": n < 40, "isMfaCapable": registered, "isMfaRegistered": registered, "isSsprEnabled": true,
        "isSsprRegistered": registered, "isSsprCapable": registered, "isPasswordlessCapable": false,
        "methodsRegistered": registered ? ["microsoftAuthenticatorPush", "mobilePhone"] : [],
    ])
}
try write("users", ["value": users])
try write("userRegistrationDetails", ["value": registrations])
let roles = Array(DirectoryRoles.privileged.keys).sorted()
try write(
    "roleAssignments",
    [
        "value": (0..<40).map {
            [
                "id": "ra\($0)", "principalId": userID($0), "roleDefinitionId": roles[$0 % roles.count],
                "directoryScopeId": "/",
            ]
        }
    ]
)
try write(
    "roleEligibilitySchedules",
    [
        "value": (40..<60).map {
            [
                "id": "es\($0)", "principalId": userID($0), "roleDefinitionId": roles[$0 % roles.count],
                "directoryScopeId": "/",
            ]
        }
    ]
)
let staffGroup = "a1d0c0de-0000-4000-8000-000000000001"
try write(
    "groupMembers",
    ["value": [["id": staffGroup, "members": (0..<(userCount / 2)).map { ["id": userID($0 * 2)] }]]]
)
func policy(_ n: Int, users: [String: Any], grant: [String: Any], clients: [String] = ["all"]) -> [String: Any] {
    [
        "id": "ca-\(n)", "displayName": "Policy \(n)",
        "state": n % 4 == 3 ? "enabledForReportingButNotEnforced" : "enabled",
        "conditions": [
            "clientAppTypes": clients, "signInRiskLevels": [], "userRiskLevels": [],
            "applications": ["includeApplications": ["All"]], "users": users,
        ],
        "grantControls": grant,
    ]
}
try write(
    "conditionalAccessPolicies",
    [
        "value": [
            policy(
                0,
                users: ["includeUsers": ["All"], "excludeUsers": [userID(1)]],
                grant: ["builtInControls": ["mfa"]]
            ),
            policy(1, users: ["includeGroups": [staffGroup]], grant: ["builtInControls": ["mfa"]]),
            policy(
                2,
                users: ["includeRoles": roles],
                grant: ["authenticationStrength": ["id": DirectoryRoles.phishingResistantStrength]]
            ),
            policy(
                3,
                users: ["includeUsers": ["All"]],
                grant: ["builtInControls": ["block"]],
                clients: ["exchangeActiveSync", "other"]
            ),
        ]
            + (4..<12).map {
                policy(
                    $0,
                    users: ["includeUsers": ["All"], "excludeGroups": [staffGroup]],
                    grant: ["builtInControls": ["mfa"]]
                )
            }
    ]
)
try write(
    "servicePrincipals",
    [
        "value": (0..<2_000).map {
            [
                "id": "sp\($0)", "appId": id("app-", $0), "displayName": "App \($0)",
                "appOwnerOrganizationId": $0 % 3 == 0 ? "f8cdef31-a31e-4b4a-93e4-5f571e91255a" : "vendor-\($0 % 50)",
            ]
        }
    ]
)
try write(
    "oauth2PermissionGrants",
    [
        "value": (0..<3_000).map {
            [
                "id": "g\($0)", "clientId": "sp\($0 % 2_000)",
                "consentType": $0 % 4 == 0 ? "Principal" : "AllPrincipals", "resourceId": "sp0",
                "scope": $0 % 7 == 0 ? "Mail.ReadWrite User.Read" : "User.Read openid",
            ]
        }
    ]
)
// The small resources are the Contoso recording's.
let recorded = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Tests/PostureEvidenceTests/Snapshots/contoso")
for name in [
    "manifest", "organization", "domains", "subscribedSkus", "identitySecurityDefaultsEnforcementPolicy",
    "authorizationPolicy", "authenticationMethodsPolicy", "adminConsentRequestPolicy", "groupSettings",
    "onPremisesSynchronization", "sharepointSettings",
] {
    try FileManager.default.copyItem(
        at: recorded.appendingPathComponent("\(name).json"),
        to: directory.appendingPathComponent("\(name).json")
    )
}
let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }
let bytes = try files.reduce(0) { $0 + (try Data(contentsOf: directory.appendingPathComponent($1))).count }
print("snapshot: \(files.count) files, \(bytes / 1_000_000) MB")

let catalog = try CatalogLoader.builtIn()

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

var untyped: [Double] = []
var typed: [Double] = []
var assessed: [Double] = []
var measured = 0
for round in 0...rounds {
    // Interleaved so drift in the machine affects all three alike; round 0 warms up.
    let a = try seconds {
        for file in files {
            _ = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent(file)))
        }
    }
    let b = try seconds { _ = try M365Snapshot.load(directory: directory) }
    let c = try seconds {
        let assessment = M365Assessment(snapshot: try M365Snapshot.load(directory: directory), catalog: catalog)
        measured = assessment.measurements.count
    }
    if round > 0 {
        untyped.append(a)
        typed.append(b)
        assessed.append(c)
    }
}
let assessment = median(assessed)
print("assessed \(measured) actions, medians of \(rounds) rounds:")
print(String(format: "  JSONSerialization of the files:  %8.1f ms", median(untyped) * 1000))
print(String(format: "  typed decoding of the snapshot:  %8.1f ms", median(typed) * 1000))
print(String(format: "  decoding + assessing:            %8.1f ms", assessment * 1000))
print(String(format: "ratio against JSONSerialization: %.2f×", assessment / median(untyped)))
print(String(format: "ratio against typed decoding:    %.2f×", assessment / median(typed)))

// Where the assessment's time goes: the shared indexes (an empty catalog), then each action.
if arguments.count > 2, arguments[2] == 1 {
    let snapshot = try M365Snapshot.load(directory: directory)
    let empty = Catalog(version: "empty", actions: [])
    let base = median((0..<3).map { _ in seconds { _ = M365Assessment(snapshot: snapshot, catalog: empty) } })
    print(String(format: "  indexes: %6.1f ms", base * 1000))
    for id in M365Assessment.actionIDs {
        let one = Catalog(version: "one", actions: catalog.actions.filter { $0.id == id })
        let time = median((0..<3).map { _ in seconds { _ = M365Assessment(snapshot: snapshot, catalog: one) } })
        print(String(format: "  %@: %6.1f ms", id, (time - base) * 1000))
    }
}
