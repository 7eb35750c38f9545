import Foundation
import Testing
@testable import TendServer

/// Rendering an e-mail for SMTP DATA: headers, CRLF, dot-stuffing, encoded subjects and bodies.
@Suite("E-mail rendering")
struct MailMessageTests {
    static func message(subject: String = "Your practice reminder", body: String = "Hello") -> MailMessage {
        MailMessage(from: "reminders@tend.example.org", fromName: "Tend", to: "sam@example.org", subject: subject, body: body,
                    messageID: "0f1e2d3c@tend.example.org", date: Date(timeIntervalSince1970: 1_795_471_200))
    }

    static func text(_ rendered: (data: [UInt8], encoding: MailMessage.TransferEncoding)) -> String {
        String(decoding: rendered.data, as: UTF8.self)
    }

    static func headers(_ text: String) -> String { String(text[..<text.range(of: "\r\n\r\n")!.lowerBound]) }
    static func body(_ text: String) -> String { String(text[text.range(of: "\r\n\r\n")!.upperBound...]) }

    @Test("Headers are RFC 5322 with CRLF line ends, and a plain ASCII body goes as 7bit")
    func headers() {
        let text = Self.text(Self.message(body: "Line one\nLine two\r\nLine three").rendered(eightBitAllowed: true))
        let headers = Self.headers(text).components(separatedBy: "\r\n")
        #expect(headers == [
            "From: Tend <reminders@tend.example.org>",
            "To: <sam@example.org>",
            "Subject: Your practice reminder",
            "Date: Mon, 23 Nov 2026 22:00:00 +0000",
            "Message-ID: <0f1e2d3c@tend.example.org>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 7bit",
        ])
        #expect(Self.body(text) == "Line one\r\nLine two\r\nLine three\r\n")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "no bare CR")
    }

    @Test("Dates are written in UTC with English day and month names", arguments: [
        (0.0, "Thu, 01 Jan 1970 00:00:00 +0000"),
        (951_782_400.0, "Tue, 29 Feb 2000 00:00:00 +0000"),
        (1_795_471_200.0, "Mon, 23 Nov 2026 22:00:00 +0000"),
        (4_102_444_799.5, "Thu, 31 Dec 2099 23:59:59 +0000"),
    ])
    func dates(seconds: Double, expected: String) {
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: seconds)) == expected)
    }

    @Test("A line starting with a dot is dot-stuffed, so a lone dot cannot end the message early")
    func dotStuffing() {
        let text = Self.text(Self.message(body: "Before\n.\n..two\n.hidden\nAfter").rendered(eightBitAllowed: true))
        #expect(Self.body(text) == "Before\r\n..\r\n...two\r\n..hidden\r\nAfter\r\n")
        #expect(!text.contains("\r\n.\r\n"))
    }

    @Test("A subject that is not ASCII is RFC 2047 encoded in words of at most 75 characters, not splitting characters")
    func encodedSubject() throws {
        let subject = "Zeit für deine Übung – ruhig atmen 🌿 " + String(repeating: "é", count: 40)
        let text = Self.text(Self.message(subject: subject).rendered(eightBitAllowed: true))
        let headers = Self.headers(text)
        let start = try #require(headers.range(of: "Subject: "))
        let end = try #require(headers.range(of: "\r\nDate:"))
        let field = String(headers[start.upperBound..<end.lowerBound])
        let words = field.components(separatedBy: "\r\n ")
        #expect(words.count > 1, "folded onto continuation lines")
        var decoded = Data()
        for word in words {
            #expect(word.count <= 75)
            #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
            let payload = try #require(Data(base64Encoded: String(word.dropFirst(10).dropLast(2))))
            #expect(String(data: payload, encoding: .utf8) != nil, "each word is whole UTF-8 characters")
            decoded.append(payload)
        }
        #expect(String(decoding: decoded, as: UTF8.self) == subject)
        #expect(headers.allSatisfy { $0.isASCII })
    }

    @Test("A subject cannot add headers: line breaks become spaces")
    func subjectInjection() {
        let text = Self.text(Self.message(subject: "Hello\r\nBcc: victim@example.org").rendered(eightBitAllowed: true))
        #expect(text.contains("Subject: Hello  Bcc: victim@example.org\r\n"))
        #expect(!text.contains("\r\nBcc:"))
    }

    @Test("A UTF-8 body goes as 8bit when the server takes 8BITMIME, otherwise as quoted-printable")
    func bodyEncoding() {
        let body = "Prenez soin de vous, à bientôt.\nTake care = be kind.  "
        let eight = Self.message(body: body).rendered(eightBitAllowed: true)
        #expect(eight.encoding == .eightBit)
        #expect(Self.body(Self.text(eight)) == "Prenez soin de vous, à bientôt.\r\nTake care = be kind.  \r\n")

        let seven = Self.message(body: body).rendered(eightBitAllowed: false)
        #expect(seven.encoding == .quotedPrintable)
        let text = Self.text(seven)
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable\r\n"))
        #expect(Self.body(text) == "Prenez soin de vous, =C3=A0 bient=C3=B4t.\r\nTake care =3D be kind. =20\r\n")
        #expect(seven.data.allSatisfy { $0 < 0x80 }, "only ASCII on the wire")
    }

    @Test("Quoted-printable lines stay within 76 characters with soft breaks that decode back")
    func quotedPrintableLines() {
        let line = String(repeating: "ü", count: 60) + String(repeating: "x", count: 100)
        let encoded = MailMessage.quotedPrintable([line])
        #expect(encoded.count > 1)
        #expect(encoded.allSatisfy { $0.count <= 76 })
        #expect(encoded.dropLast().allSatisfy { $0.hasSuffix("=") })
        // Decode: drop soft breaks, turn =XX into bytes.
        let joined = encoded.map { $0.hasSuffix("=") ? String($0.dropLast()) : $0 }.joined()
        var bytes: [UInt8] = []
        var index = joined.startIndex
        while index < joined.endIndex {
            if joined[index] == "=" {
                let hex = joined[joined.index(after: index)..<joined.index(index, offsetBy: 3)]
                bytes.append(UInt8(hex, radix: 16)!)
                index = joined.index(index, offsetBy: 3)
            } else {
                bytes.append(contentsOf: Array(String(joined[index]).utf8))
                index = joined.index(after: index)
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == line)
    }

    @Test("A body line longer than SMTP allows goes as quoted-printable even with 8BITMIME")
    func longLine() {
        let rendered = Self.message(body: String(repeating: "a", count: 1200)).rendered(eightBitAllowed: true)
        #expect(rendered.encoding == .quotedPrintable)
        #expect(Self.body(Self.text(rendered)).components(separatedBy: "\r\n").allSatisfy { $0.count <= 76 })
    }

    @Test("Display names are quoted or encoded when they need it")
    func displayNames() {
        #expect(MailMessage.encodedPhrase("Tend reminders") == "Tend reminders")
        #expect(MailMessage.encodedPhrase("Tend (pain group)") == "\"Tend (pain group)\"")
        #expect(MailMessage.encodedPhrase("Tend \"team\"") == "\"Tend \\\"team\\\"\"")
        #expect(MailMessage.encodedPhrase("Tänd") == "=?UTF-8?B?" + Data("Tänd".utf8).base64EncodedString() + "?=")
    }

    @Test("Addresses that could break out of an SMTP command are refused")
    func addresses() {
        #expect(MailAddress.isPlausible("sam@example.org"))
        #expect(!MailAddress.isPlausible("sam@example.org>\r\nRCPT TO:<x@y.org"))
        #expect(!MailAddress.isPlausible("<sam@example.org>"))
        #expect(!MailAddress.isPlausible("sam@localhost"))
        #expect(MailAddress.domain(of: "Reminders@Tend.Example.org") == "tend.example.org")
        #expect(SMTPSender.messageID(for: UUID(uuidString: "0F1E2D3C-0000-4000-8000-000000000001")!, from: "r@tend.example.org")
                == "0f1e2d3c-0000-4000-8000-000000000001@tend.example.org")
    }
}
