import Foundation

/// One event of a participant's calendar feed.
public struct CalendarEvent: Sendable, Equatable {
    /// Stable across feeds, so calendar apps update the event instead of duplicating it.
    public var uid: String
    public var start: Date
    public var end: Date
    public var summary: String
    public var description: String?
    /// A video-call link or a place.
    public var location: String?
    public var url: String?

    public init(uid: String, start: Date, end: Date, summary: String, description: String? = nil,
                location: String? = nil, url: String? = nil) {
        self.uid = uid
        self.start = start
        self.end = end
        self.summary = summary
        self.description = description
        self.location = location
        self.url = url
    }
}

/// An iCalendar (RFC 5545) feed: `VCALENDAR` with one `VEVENT` per event, times in UTC, text escaped
/// (§3.3.11), lines folded at 75 octets (§3.1) without splitting a UTF-8 character, CRLF line ends.
public enum ICalendarFeed {
    public static func render(name: String, events: [CalendarEvent], stamp: Date) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tend//Programme sessions//EN", "CALSCALE:GREGORIAN",
                     "METHOD:PUBLISH", "X-WR-CALNAME:" + escape(name)]
        for event in events {
            lines.append("BEGIN:VEVENT")
            lines.append("UID:" + escape(event.uid))
            lines.append("DTSTAMP:" + utc(stamp))
            lines.append("DTSTART:" + utc(event.start))
            lines.append("DTEND:" + utc(event.end))
            lines.append("SUMMARY:" + escape(event.summary))
            if let description = event.description { lines.append("DESCRIPTION:" + escape(description)) }
            if let location = event.location { lines.append("LOCATION:" + escape(location)) }
            if let url = event.url { lines.append("URL:" + url) }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// `20261123T190000Z`.
    static func utc(_ date: Date) -> String {
        let wall = LocalDateTime(date, in: TimeZone(identifier: "UTC")!)
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) % 60
        let d = wall.date
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", d.year, d.month, d.day, wall.time.hour, wall.time.minute,
                      (seconds + 60) % 60)
    }

    /// TEXT escaping: backslash, semicolon, comma, and newlines as `\n`.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\r\n", "\n", "\r": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    /// Folds a content line so no physical line exceeds 75 octets; continuation lines start with a space.
    static func fold(_ line: String) -> String {
        var result = ""
        var lineOctets = 0
        var limit = 75
        for scalar in line.unicodeScalars {
            let size = String(scalar).utf8.count
            if lineOctets + size > limit {
                result += "\r\n "
                lineOctets = 0
                limit = 74  // the leading space counts
            }
            result.unicodeScalars.append(scalar)
            lineOctets += size
        }
        return result
    }
}
