import Foundation
import Testing

/// `posture user …` against a data directory of its own.
@Suite struct UserCommandTests {
    static func oneTimePassword(_ output: String) -> Substring? {
        output.firstMatch(of: #/one-time password:\s+([A-Za-z2-9]{5}-[A-Za-z2-9]{5}-[A-Za-z2-9]{5}-[A-Za-z2-9]{5})/#)?.1
    }

    @Test func peopleAndRolesFromTheCommandLine() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "posture-users-\(UUID().uuidString)"
        )
        let environment = ["POSTURE_DATA_DIR": directory.path]
        func cli(_ arguments: [String]) async throws -> CLIRunner.Result {
            try await CLIRunner.run(arguments, environment: environment)
        }
        await #expect(try cli(["org", "create", "--id", "acme", "--name", "Acme"]).status == 0)

        let added = try await cli(["user", "add", "Ana@Acme.example", "--org", "acme", "--role", "security-reader"])
        #expect(added.status == 0, "\(added.stderr)")
        let first = try #require(Self.oneTimePassword(added.stdout))
        #expect(added.stdout.contains("user:               ana@acme.example"))

        let again = try await cli(["user", "add", "ana@acme.example"])
        #expect(again.status == 1 && again.stderr.contains("already exists"))
        let badName = try await cli(["user", "add", "ana smith"])
        #expect(badName.status != 0 && badName.stderr.contains("not a valid user name"))
        let badRole = try await cli(["user", "grant", "ana@acme.example", "--org", "acme", "--role", "owner"])
        #expect(badRole.status != 0 && badRole.stderr.contains("globalAdministrator"))
        let noOrg = try await cli(["user", "grant", "ana@acme.example", "--org", "nowhere", "--role", "globalReader"])
        #expect(noOrg.status == 1 && noOrg.stderr.contains("no organization with id \"nowhere\""))

        let granted = try await cli([
            "user", "grant", "ana@acme.example", "--org", "acme", "--role", "Global administrator",
        ])
        #expect(granted.stdout.contains("ana@acme.example is Global administrator in acme"))
        let list = try await cli(["user", "list"])
        #expect(list.stdout.contains("acme: globalAdministrator") && list.stdout.contains("must change password"))
        let json = try await cli(["user", "list", "--org", "acme", "--format", "json"])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]])
        #expect(rows.map { $0["username"] } == ["ana@acme.example"])
        #expect(rows.first?["signsInWith"] == "password")
        #expect(!json.stdout.contains("$2b$"), "password hashes never leave the database")

        await #expect(try cli(["user", "revoke", "ana@acme.example", "--org", "acme"]).status == 0)
        let revokedAgain = try await cli(["user", "revoke", "ana@acme.example", "--org", "acme"])
        #expect(revokedAgain.status == 1 && revokedAgain.stderr.contains("holds no role in acme"))

        let reset = try await cli(["user", "reset-password", "ana@acme.example"])
        let second = try #require(Self.oneTimePassword(reset.stdout))
        #expect(second != first)

        await #expect(try cli(["user", "remove", "ana@acme.example"]).status == 0)
        let gone = try await cli(["user", "remove", "ana@acme.example"])
        #expect(gone.status == 1 && gone.stderr.contains("no user named"))

        let verify = try await cli(["audit", "verify"])
        #expect(verify.status == 0 && verify.stdout.hasPrefix("audit log intact"), "\(verify.stdout)\(verify.stderr)")
        let export = try await cli(["audit", "export", "--format", "csv"])
        for action in ["user.create", "user.grant", "user.revoke", "user.password.reset", "user.delete"] {
            #expect(export.stdout.contains(action), "\(action) is audited")
        }
    }
}
