import Foundation
import Testing
@testable import TendCore

@Suite struct HTMLEscapeTests {
    @Test func textWithoutSpecialCharactersComesBackUnchanged() {
        #expect(HTML.escape("") == "")
        #expect(HTML.escape("panel panel--highlight") == "panel panel--highlight")
        #expect(HTML.escape("Zoë’s café — 5 mins") == "Zoë’s café — 5 mins")
    }

    @Test func allFiveCharactersBecomeEntities() {
        #expect(HTML.escape(#"<a href="x">Tom & Jerry's</a>"#) == "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
        #expect(HTML.escape("&&") == "&amp;&amp;")
    }

    @Test func textBetweenTagsKeepsItsQuotes() {
        #expect(HTML.escapeText(#"Tom & "Jerry's" <b>"#) == #"Tom &amp; "Jerry's" &lt;b&gt;"#)
        #expect(HTML.escapeText("plain 'quoted' \"text\"") == "plain 'quoted' \"text\"")
    }

    @Test func multibyteTextAroundEscapesStaysWhole() {
        #expect(HTML.escape("Zoë <3 🌿 & ☕️") == "Zoë &lt;3 🌿 &amp; ☕️")
        #expect(HTML.escape("\u{301}<") == "\u{301}&lt;")
    }

    @Test func longAndSlicedTextIsEscapedToo() {
        let long = String(repeating: "é<", count: 1000)
        let escaped = HTML.escape(long)
        #expect(escaped == String(repeating: "é&lt;", count: 1000))
        let slice = String("xx<yy".dropFirst())
        #expect(HTML.escape(slice) == "x&lt;yy")
    }
}

@Suite struct ZeroPaddedTextTests {
    @Test func datesTimesAndNumbersPadAsPrintfDoes() throws {
        #expect(try #require(LocalDate(year: 2026, month: 3, day: 9)).description == "2026-03-09")
        #expect(try #require(LocalDate(year: 987, month: 12, day: 31)).description == "0987-12-31")
        #expect(try #require(LocalTime(hour: 7, minute: 5)).description == "07:05")
        for (n, width) in [(0, 2), (5, 2), (42, 2), (123, 2), (-5, 4), (2026, 4), (7, 1)] {
            #expect(zeroPadded(n, width) == String(format: "%0\(width)d", n))
        }
    }
}
