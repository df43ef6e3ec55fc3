import Testing
import Vapor

@testable import PostureAPI

/// The bearer token is read from the header as Vapor reads it, by bytes instead of characters.
@Suite struct BearerHeaderTests {
    @Test(arguments: [
        ("Bearer abc.def-ghi_jkl", String?.some("abc.def-ghi_jkl")),
        ("bearer abc", "abc"),
        ("BEARER abc", "abc"),
        ("  Bearer   abc  ", "abc"),
        ("Bearer", nil),
        ("Bearer ", nil),
        ("Bearer a b", nil),
        ("Basic YWxhZGRpbjpvcGVuc2VzYW1l", nil),
        ("Bearerabc", nil),
        ("", nil),
    ])
    func readsTheTokenAsVaporDoes(header: String, expected: String?) {
        let headers = HTTPHeaders([("Authorization", header)])
        #expect(headers.bearerToken == expected)
        #expect(headers.bearerToken == headers.bearerAuthorization?.token)
    }

    @Test func noHeaderIsNoToken() {
        #expect(HTTPHeaders().bearerToken == nil)
    }
}
