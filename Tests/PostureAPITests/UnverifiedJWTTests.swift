import Foundation
import PostureCore
import Testing

@testable import PostureAPI

/// Reading a token's parts before verification: base64url without padding, exactly three parts.
@Suite struct UnverifiedJWTTests {
    @Test(arguments: [Data([0xFB, 0xFF]), Data([0xFF, 0xEF, 0xBE, 0x3E]), Data("{\"iss\":\"x\"}".utf8), Data()])
    func segmentsDecodeBase64URLWithoutPadding(_ bytes: Data) {
        let url = bytes.base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(UnverifiedJWT.segment("h.\(url).s", 1) == bytes)
        #expect(UnverifiedJWT.segment("\(url).p.s", 0) == bytes)
    }

    @Test(arguments: ["a.b", "a.b.c.d", "nodots", "a.b*c.d", "a.%%%.c"])
    func anythingButThreeWellFormedPartsIsRefused(_ token: String) {
        #expect(UnverifiedJWT.segment(token, 1) == nil)
    }

    @Test func thePayloadIsAJSONObject() throws {
        let payload = Data("{\"iss\":\"https://login.example/\",\"n\":1}".utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "")
        let object = try UnverifiedJWT.payload("e30.\(payload).sig")
        #expect(object["iss"] == .string("https://login.example/"))
        #expect(throws: TokenError.self) { try UnverifiedJWT.payload("e30.WzFd.sig") }
    }
}
