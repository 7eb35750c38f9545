import Testing
@testable import TendCore

/// `Range: bytes=…` parsing and what is sent back for it (RFC 9110, section 14).
@Suite struct ByteRangeTests {
    @Test func theThreeSingleRangeFormsAreParsed() {
        #expect(ByteRangeSpec.parse("bytes=0-499") == .closed(first: 0, last: 499))
        #expect(ByteRangeSpec.parse("bytes=9500-") == .from(first: 9500))
        #expect(ByteRangeSpec.parse("bytes=-500") == .suffix(length: 500))
        #expect(ByteRangeSpec.parse("Bytes = 10 - 20") == .closed(first: 10, last: 20))
    }

    @Test func malformedOrMultipleRangesAreNotParsed() {
        #expect(ByteRangeSpec.parse("bytes=500-100") == nil)
        #expect(ByteRangeSpec.parse("bytes=-") == nil)
        #expect(ByteRangeSpec.parse("bytes=a-b") == nil)
        #expect(ByteRangeSpec.parse("bytes=0-1,5-6") == nil)
        #expect(ByteRangeSpec.parse("items=0-1") == nil)
        #expect(ByteRangeSpec.parse("bytes 0-1") == nil)
        #expect(ByteRangeSpec.parse("bytes=+1-2") == nil)
        #expect(ByteRangeSpec.parse("bytes=99999999999999999999-") == nil)
    }

    @Test func rangesAreClampedToTheEndOfTheFile() {
        #expect(ByteRangeSpec.closed(first: 0, last: 499).resolve(size: 10_000) == 0...499)
        #expect(ByteRangeSpec.closed(first: 9_000, last: 20_000).resolve(size: 10_000) == 9_000...9_999)
        #expect(ByteRangeSpec.from(first: 9_500).resolve(size: 10_000) == 9_500...9_999)
        #expect(ByteRangeSpec.suffix(length: 500).resolve(size: 10_000) == 9_500...9_999)
        #expect(ByteRangeSpec.suffix(length: 50_000).resolve(size: 10_000) == 0...9_999)
    }

    @Test func rangesStartingPastTheEndSelectNothing() {
        #expect(ByteRangeSpec.from(first: 10_000).resolve(size: 10_000) == nil)
        #expect(ByteRangeSpec.closed(first: 10_000, last: 10_001).resolve(size: 10_000) == nil)
        #expect(ByteRangeSpec.suffix(length: 0).resolve(size: 10_000) == nil)
        #expect(ByteRangeSpec.from(first: 0).resolve(size: 0) == nil)
    }

    @Test func decisionFollowsRangeAndIfRange() {
        let etag = "\"abc\""
        #expect(RangeDecision.decide(range: nil, ifRange: nil, etag: etag, size: 100) == .full)
        #expect(RangeDecision.decide(range: "bytes=0-9", ifRange: nil, etag: etag, size: 100) == .partial(0...9))
        #expect(RangeDecision.decide(range: "bytes=0-9", ifRange: etag, etag: etag, size: 100) == .partial(0...9))
        #expect(RangeDecision.decide(range: "bytes=0-9", ifRange: "\"old\"", etag: etag, size: 100) == .full)
        #expect(RangeDecision.decide(range: "bytes=200-", ifRange: nil, etag: etag, size: 100) == .unsatisfiable)
        #expect(RangeDecision.decide(range: "bytes=0-1,4-5", ifRange: nil, etag: etag, size: 100) == .full)
    }

    @Test func contentRangeAndLengthMatchTheDecision() {
        #expect(RangeDecision.partial(0...9).contentRange(size: 100) == "bytes 0-9/100")
        #expect(RangeDecision.partial(0...9).byteCount(size: 100) == 10)
        #expect(RangeDecision.unsatisfiable.contentRange(size: 100) == "bytes */100")
        #expect(RangeDecision.full.contentRange(size: 100) == nil)
        #expect(RangeDecision.full.byteCount(size: 100) == 100)
    }
}
