import Foundation
import PostureCore
import Testing

@Suite struct AccessPolicyTests {
    static let readWrite: Set<Role> = [
        .globalAdministrator, .securityAdministrator, .exchangeAdministrator, .sharePointAdministrator,
        .accountAdministrator,
    ]

    @Test func fiveRolesWriteAndSixOnlyRead() {
        #expect(Role.allCases.count == 11)
        #expect(Set(Role.allCases.filter(\.isReadWrite)) == Self.readWrite)
    }

    @Test(arguments: Role.allCases)
    func rolesReadUnderEverySpelling(role: Role) {
        let kebab = role.displayName.lowercased().replacingOccurrences(of: " ", with: "-")
        for spelling in [role.rawValue, role.displayName, kebab, role.rawValue.uppercased()] {
            #expect(Role(name: spelling) == role, "\(spelling)")
        }
        #expect(Role(name: role.rawValue + "x") == nil)
    }

    /// The whole table: every role, both scopes, every operation, in and outside the organization.
    @Test(arguments: Role.allCases)
    func decisionTable(role: Role) {
        let access = Access(roles: ["contoso": role])
        for operation in AccessOperation.allCases {
            for scopes in [Set<Scope>([.read]), [.readWrite], [.read, .readWrite]] {
                let decision = AccessPolicy.decide(operation, organizationID: "contoso", access: access, scopes: scopes)
                let expected: Bool =
                    switch operation {
                    case .read: true
                    case .changeState, .updateOrganization: scopes.contains(.readWrite) && role.isReadWrite
                    case .deleteOrganization, .manageAccess, .rewriteHistory:
                        scopes.contains(.readWrite) && role == .globalAdministrator
                    }
                #expect((decision == .allowed) == expected, "\(role) \(operation) \(scopes)")
                if !expected {
                    guard case .forbidden = decision else {
                        Issue.record("\(role) \(operation) should be forbidden, got \(decision)")
                        continue
                    }
                }
                // Elsewhere the organization does not exist for this caller.
                #expect(
                    AccessPolicy.decide(operation, organizationID: "fabrikam", access: access, scopes: scopes)
                        == .notFound
                )
            }
        }
    }

    /// Who may grant what, as the seed has it: a Global administrator any role; every other
    /// read-write role the read-only roles, and never over someone holding a read-write role;
    /// read-only roles nothing. The whole table, grants and removals.
    @Test(arguments: Role.allCases)
    func grantTable(own: Role) {
        let access = Access(roles: ["contoso": own])
        for role in [Role?.none] + Role.allCases.map(Optional.some) {
            for current in [Role?.none] + Role.allCases.map(Optional.some) where role != nil || current != nil {
                let decision = AccessPolicy.decideGrant(
                    role,
                    replacing: current,
                    organizationID: "contoso",
                    access: access
                )
                let expected =
                    own == .globalAdministrator
                    || (own.isReadWrite && !(role?.isReadWrite ?? false) && !(current?.isReadWrite ?? false))
                #expect(
                    (decision == .allowed) == expected,
                    "\(own) grants \(String(describing: role)) over \(String(describing: current))"
                )
            }
        }
        #expect(
            AccessPolicy.decideGrant(.globalReader, replacing: nil, organizationID: "other", access: access)
                == .notFound
        )
        let grantable = AccessPolicy.grantableRoles(in: "contoso", access: access)
        #expect(
            grantable
                == (own == .globalAdministrator
                    ? Role.allCases : own.isReadWrite ? Role.allCases.filter { !$0.isReadWrite } : [])
        )
    }

    @Test func instanceAdministratorsDoEverythingWithTheWriteScope() {
        for operation in AccessOperation.allCases {
            #expect(
                AccessPolicy.decide(operation, organizationID: "any", access: .instance, scopes: [.readWrite])
                    == .allowed
            )
        }
        #expect(AccessPolicy.decideCreate(access: .instance, scopes: [.readWrite]) == .allowed)
        #expect(AccessPolicy.decideCreate(access: .instance, scopes: [.read]) != .allowed)
        #expect(
            AccessPolicy.decideCreate(access: Access(roles: ["contoso": .globalAdministrator]), scopes: [.readWrite])
                != .allowed
        )
        #expect(AccessPolicy.decide(.read, organizationID: "any", access: .none, scopes: [.read]) == .notFound)
    }

    @Test(
        arguments: [
            (0, 0.0), (2, 0), (3, 1), (4, 2), (5, 4), (10, 128), (12, 512), (13, 900), (1_000, 900), (Int.max - 1, 900),
        ] as [(Int, Double)]
    )
    func waitsDoubleAfterTheFreeFailuresUpToTheCeiling(failures: Int, wait: Double) {
        #expect(SignInBackoff().delay(afterFailures: failures) == wait)
    }

    @Test(arguments: [
        ("correct horse battery", "ana", true),
        ("short", "ana", false),
        ("aaaaaaaaaaaaaaaa", "ana", false),
        ("my-name-is-ana-ok", "ana", false),
        (String(repeating: "ab cd ", count: 13), "ana", false),
    ])
    func passwordPolicy(password: String, user: String, acceptable: Bool) {
        #expect(PasswordPolicy.problems(password, username: user).isEmpty == acceptable)
    }

    @Test(arguments: [
        ("Ana@Contoso.example", "ana@contoso.example"), (" bob ", "bob"), ("", nil), ("a b", nil), ("é", nil),
        (String(repeating: "x", count: 65), nil),
    ])
    func userNames(input: String, normalized: String?) {
        #expect(UserName.normalized(input) == normalized)
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
        #expect(ConstantTime.equal("", ""))
    }
}

@Suite struct ClientAddressTests {
    @Test(
        arguments: [
            ("203.0.113.9", nil, "203.0.113.9"),
            ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  // an untrusted peer's header is ignored
            ("10.0.0.2", "198.51.100.1", "198.51.100.1"),
            ("10.0.0.2", "1.2.3.4, 198.51.100.1", "198.51.100.1"),  // the left part is the client's claim
            ("10.0.0.2", "198.51.100.1, 10.0.0.3", "198.51.100.1"),  // a chain of trusted proxies
            ("10.0.0.2", "10.0.0.3", "10.0.0.2"),
            ("10.0.0.2", " , ", "10.0.0.2"),
        ] as [(String, String?, String)]
    )
    func resolvesThroughTrustedProxiesOnly(peer: String, forwarded: String?, client: String) {
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: forwarded, trustedProxies: ["10.0.0.2", "10.0.0.3"])
                == client
        )
    }

    @Test func addressesAreRecognized() {
        #expect(
            ClientAddress.isAddress("10.0.0.2") && ClientAddress.isAddress("::1") && ClientAddress.isAddress("fe80::1")
        )
        #expect(!ClientAddress.isAddress("proxy.local") && !ClientAddress.isAddress("300.1.1.1"))
        #expect(ClientAddress.resolve(peer: nil, forwardedFor: "1.2.3.4", trustedProxies: []) == "unknown")
    }
}
