import NIOPosix
import PostureServices
import PostureStore
import Vapor

/// bcrypt through Vapor, run on the blocking-work thread pool so a sign-in never stalls the
/// event loops or the cooperative pool.
struct BcryptPasswordHasher: PasswordHashing {
    /// 12 in production (about a quarter of a second per check here); tests use the minimum.
    let cost: Int

    func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { try Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive {
            // A malformed stored hash never matches; it is not an error the person can fix.
            (try? Bcrypt.verify(password, created: hash)) ?? false
        }
    }
}
