import Foundation

/// Checks on an address before it goes into an SMTP command.
enum MailAddress {
    /// A plausible address (``FieldRules/isPlausibleEmail(_:)``) with nothing that could break out of
    /// `RCPT TO:<…>`: no angle brackets, no control characters.
    static func isPlausible(_ address: String) -> Bool {
        FieldRules.isPlausibleEmail(address)
            && !address.unicodeScalars.contains { $0 == "<" || $0 == ">" || $0.properties.generalCategory == .control }
    }

    /// The part after the last `@`, lowercased (for Message-IDs).
    static func domain(of address: String) -> String {
        guard let at = address.lastIndex(of: "@") else { return "localhost" }
        return address[address.index(after: at)...].lowercased()
    }
}

/// One e-mail as it goes out: RFC 5322 headers and a plain-text UTF-8 body, rendered for SMTP `DATA`.
struct MailMessage: Sendable, Equatable {
    var from: String
    var fromName: String
    var to: String
    var subject: String
    var body: String
    /// Without angle brackets: `<id>@<domain>`. Stays the same when a message is retried.
    var messageID: String
    var date: Date
    /// A one-click unsubscribe URL: sent as `List-Unsubscribe` with `List-Unsubscribe-Post:
    /// List-Unsubscribe=One-Click` (RFC 8058), so mail programs can offer an unsubscribe button.
    var listUnsubscribe: String? = nil

    /// How the body is written on the wire.
    enum TransferEncoding: String, Sendable {
        case sevenBit = "7bit"
        case eightBit = "8bit"
        case quotedPrintable = "quoted-printable"
    }

    /// The longest line SMTP allows, without its CRLF (RFC 5321 §4.5.3.1.6).
    static let maximumLineOctets = 998

    /// The message for `DATA`: headers, a blank line, the body, CRLF line ends throughout and lines
    /// starting with "." doubled (dot-stuffing). The terminating `.` line is not included.
    /// `eightBitAllowed` is whether the server announced 8BITMIME; without it a body that is not plain
    /// ASCII goes as quoted-printable.
    func rendered(eightBitAllowed: Bool) -> (data: [UInt8], encoding: TransferEncoding) {
        let lines = Self.lines(of: body)
        let ascii = body.utf8.allSatisfy { $0 < 0x80 }
        let shortLines = lines.allSatisfy { $0.utf8.count <= Self.maximumLineOctets }
        let encoding: TransferEncoding
        if ascii && shortLines {
            encoding = .sevenBit
        } else if eightBitAllowed && shortLines {
            encoding = .eightBit
        } else {
            encoding = .quotedPrintable
        }
        var out: [UInt8] = []
        out.reserveCapacity(body.utf8.count + 600)
        func line(_ text: String) {
            if text.utf8.first == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(contentsOf: text.utf8)
            out.append(contentsOf: [13, 10])
        }
        line("From: " + Self.encodedPhrase(fromName) + " <" + from + ">")
        line("To: <" + to + ">")
        // A folded subject is several lines; each continuation starts with a space, never a dot.
        line("Subject: " + Self.encodedHeaderText(Self.oneLine(subject)))
        line("Date: " + Self.rfc5322Date(date))
        line("Message-ID: <" + messageID + ">")
        if let listUnsubscribe {
            line("List-Unsubscribe: <" + Self.oneLine(listUnsubscribe) + ">")
            line("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
        }
        line("MIME-Version: 1.0")
        line("Content-Type: text/plain; charset=utf-8")
        line("Content-Transfer-Encoding: " + encoding.rawValue)
        line("")
        switch encoding {
        case .sevenBit, .eightBit:
            for text in lines { line(text) }
        case .quotedPrintable:
            for text in Self.quotedPrintable(lines) { line(text) }
        }
        return (out, encoding)
    }

    /// The body split into lines, whatever its line ends (CRLF, LF or CR); a final line end adds no line.
    static func lines(of text: String) -> [String] {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalised.components(separatedBy: "\n")
        if lines.count > 1, lines.last == "" { lines.removeLast() }
        return lines
    }

    /// Header text on one line: line breaks and other control characters become spaces.
    static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0.properties.generalCategory == .control ? " " : $0
        }))
    }

    /// Header text as is when it is printable ASCII, otherwise RFC 2047 encoded words (`=?UTF-8?B?…?=`),
    /// each at most 75 characters, never splitting a character, folded onto continuation lines.
    static func encodedHeaderText(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) { return text }
        // 45 bytes encode to 60 base64 characters; with `=?UTF-8?B?` and `?=` that is 72.
        let maximumBytes = 45
        var words: [String] = []
        var chunk: [UInt8] = []
        func flush() {
            guard !chunk.isEmpty else { return }
            words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
            chunk = []
        }
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > maximumBytes { flush() }
            chunk.append(contentsOf: bytes)
        }
        flush()
        return words.joined(separator: "\r\n ")
    }

    /// A display name: as is when it is ASCII letters, digits and spaces, quoted when it has other
    /// printable ASCII, encoded words otherwise.
    static func encodedPhrase(_ name: String) -> String {
        if name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || $0 == " " || ("0"..."9").contains($0)) }) {
            return name
        }
        if name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        return encodedHeaderText(name)
    }

    /// Quoted-printable lines (RFC 2045 §6.7): at most 76 characters, soft breaks as a final `=`,
    /// `=` and bytes outside printable ASCII as `=XX`, a space or tab ending a line encoded.
    static func quotedPrintable(_ lines: [String]) -> [String] {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [String] = []
        for text in lines {
            let bytes = Array(text.utf8)
            var current: [UInt8] = []
            for (index, byte) in bytes.enumerated() {
                let isLast = index == bytes.count - 1
                var token: [UInt8]
                if (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || ((byte == 32 || byte == 9) && !isLast) {
                    token = [byte]
                } else {
                    token = [UInt8(ascii: "="), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
                }
                // 75 leaves room for the soft-break `=`.
                if current.count + token.count > 75 {
                    out.append(String(decoding: current + [UInt8(ascii: "=")], as: UTF8.self))
                    current = []
                }
                current.append(contentsOf: token)
            }
            out.append(String(decoding: current, as: UTF8.self))
        }
        return out
    }

    /// `Mon, 23 Nov 2026 22:00:00 +0000` (always UTC).
    static func rfc5322Date(_ date: Date) -> String {
        let days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - day * 86_400)
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        // 1970-01-01 was a Thursday (index 3 from Monday).
        let weekday = Int(((day % 7) + 7 + 3) % 7)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[weekday]), \(two(Int(dayOfMonth))) \(months[Int(month) - 1]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }
}
