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
