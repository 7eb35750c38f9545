import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

@Suite("Form bodies read from their bytes")
struct FormBodyTests {
    static let bodies = [
        "csrf=abc&pain=4&mood=7&craving=0&note=benchmark",
        "note=Walked+to+the+shop%2C+felt+%22OK%22&minutes=20",
        "note=Zo%C3%AB%E2%80%99s+caf%C3%A9+%F0%9F%8C%BF&empty=&date=2026-03-10",
        "a=%26%3D%2B%25&b=1%2B1%3D2",
        "dose-6F1C2D9E-0000-4000-8000-000000000001=2&dose-6F1C2D9E-0000-4000-8000-000000000002=",
        "",
        "note=line+one%0D%0Aline+two",
    ]

    @Test("Every flat form gives the same fields as Vapor's decoder")
    func agreesWithVapor() throws {
        for body in Self.bodies {
            let ours = FormBody.parse(Array(body.utf8))
            let vapor = try URLEncodedFormDecoder().decode([String: String].self, from: body)
            #expect(ours == vapor, "\(body)")
        }
    }

    @Test("One field is found without reading the rest; a repeated name keeps its last value; odd escapes stay as typed")
    func singleValues() {
        let body = Array("pain=3&csrf=tok%2Den+1&note=x".utf8)
        #expect(FormBody.value(named: "csrf", in: body) == "tok-en 1")
        #expect(FormBody.value(named: "mood", in: body) == nil)
        #expect(FormBody.parse(Array("a=1&a=2".utf8)) == ["a": "2"])
        #expect(FormBody.parse(Array("a=100%&b=%zz&c=%4".utf8)) == ["a": "100%", "b": "%zz", "c": "%4"])
        #expect(FormBody.parse(Array("flag&&x=1&".utf8)) == ["flag": "", "x": "1"])
        #expect(FormBody.parse(Array("bad=%FF%FE".utf8)) == ["bad": "\u{FFFD}\u{FFFD}"])
    }

    @Test("A form post with a wrong or missing token is refused; the right token passes, whatever its place in the body")
    func csrfFromTheBytes() async throws {
        try await withTendApp { app in
            let browser = try await ParticipantFixtures.enrolled(app, group: ParticipantFixtures.meetingGroup,
                                                                 joinedAt: "2026-03-04T09:00:00Z").2
            try await browser.get("/my/practice")
            let token = try #require(browser.csrf)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            headers.replaceOrAdd(name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            for (body, status) in [("minutes=10&feeling=5&exercise=&note=&csrf=\(token)", HTTPStatus.seeOther),
                                   ("csrf=\(token)x&minutes=10&feeling=5", .forbidden),
                                   ("minutes=10&feeling=5", .forbidden)] {
                let response = try await app.testing().sendRequest(.POST, "/my/practice", headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == status, "\(body)")
            }
        }
    }
}

extension FormBodyTests {
    @Test("The form content type is recognised in any case and with parameters, and nothing else is")
    func contentType() {
        func check(_ value: String?) -> Bool {
            var headers = HTTPHeaders()
            if let value { headers.add(name: .contentType, value: value) }
            return FormBody.isURLEncoded(headers)
        }
        #expect(check("application/x-www-form-urlencoded"))
        #expect(check("Application/X-WWW-Form-URLEncoded"))
        #expect(check("application/x-www-form-urlencoded; charset=UTF-8"))
        #expect(check("application/x-www-form-urlencoded ;charset=utf-8"))
        #expect(!check(nil))
        #expect(!check("multipart/form-data; boundary=x"))
        #expect(!check("application/x-www-form-urlencodedx"))
        #expect(!check("application/json"))
        #expect(!check("application/x-www-form"))
        #expect(!check("application/x\r\r\rform-urlencoded"))
    }
}
