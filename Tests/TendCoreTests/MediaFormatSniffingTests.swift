import Testing
@testable import TendCore

/// The upload check recognises recordings by their first bytes, whatever they are called.
@Suite struct MediaFormatSniffingTests {
    static func bytes(_ text: String, padTo count: Int = 16) -> [UInt8] {
        var result = Array(text.utf8)
        while result.count < count { result.append(0) }
        return result
    }

    @Test func mp4WithAVideoBrandIsVideo() {
        let file: [UInt8] = [0, 0, 0, 0x20] + Self.bytes("ftypisom", padTo: 12)
        #expect(MediaFormat.sniff(file) == .mp4)
        #expect(MediaFormat.mp4.kind == .video)
        #expect(MediaFormat.mp4.contentType == "video/mp4")
    }

    @Test func mp4WithAnAudioBrandIsM4A() {
        let file: [UInt8] = [0, 0, 0, 0x1C] + Array("ftypM4A ".utf8) + [0, 0, 0, 0]
        #expect(MediaFormat.sniff(file) == .m4a)
        #expect(MediaFormat.m4a.kind == .audio)
        #expect(MediaFormat.m4a.contentType == "audio/mp4")
    }

    @Test func webmIsRecognisedByItsEBMLHeader() {
        let file: [UInt8] = [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0xF7, 0x81]
        #expect(MediaFormat.sniff(file) == .webm)
    }

    @Test func mp3IsRecognisedByAnID3Tag() {
        let file: [UInt8] = Array("ID3".utf8) + [0x04, 0x00, 0x00, 0, 0, 0x10, 0x00, 0, 0]
        #expect(MediaFormat.sniff(file) == .mp3)
    }

    @Test func mp3IsRecognisedByAFrameHeaderWithoutATag() {
        // MPEG-1 Layer III, 128 kbit/s, 44.1 kHz.
        let file: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 8)
        #expect(MediaFormat.sniff(file) == .mp3)
    }

    @Test func aacInADTSIsNotTakenForMP3() {
        let file: [UInt8] = [0xFF, 0xF1, 0x50, 0x80] + [UInt8](repeating: 0, count: 8)
        #expect(MediaFormat.sniff(file) == nil)
    }

    @Test func oggAndWavAreRecognised() {
        #expect(MediaFormat.sniff(Self.bytes("OggS")) == .ogg)
        #expect(MediaFormat.sniff(Array("RIFF".utf8) + [0x24, 0x08, 0, 0] + Array("WAVE".utf8)) == .wav)
        #expect(MediaFormat.sniff(Array("RIFF".utf8) + [0x24, 0x08, 0, 0] + Array("AVI ".utf8)) == nil)
    }

    @Test func otherFilesAreRefusedWhateverTheyAreCalled() {
        #expect(MediaFormat.sniff(Self.bytes("%PDF-1.7")) == nil)
        #expect(MediaFormat.sniff([0x89] + Self.bytes("PNG\r\n\u{1A}\n")) == nil)
        #expect(MediaFormat.sniff(Self.bytes("<html><body>")) == nil)
        #expect(MediaFormat.sniff([0x4D, 0x5A, 0x90, 0x00] + [UInt8](repeating: 0, count: 8)) == nil)
    }

    @Test func fewerBytesThanNeededAreNotEnoughToDecide() {
        #expect(MediaFormat.sniff(Array("OggS".utf8)) == nil)
        #expect(MediaFormat.sniff([UInt8]()) == nil)
    }
}

/// The configured maximum and the messages for files that break it.
@Suite struct MediaSizeRuleTests {
    @Test func aFileUpToTheMaximumIsAllowed() {
        let rule = MediaSizeRule(maximumMegabytes: 2)
        #expect(rule.check(2 * 1_048_576) == nil)
        #expect(rule.check(1) == nil)
        #expect(rule.allows(2 * 1_048_576))
        #expect(!rule.allows(2 * 1_048_576 + 1))
    }

    @Test func oneByteOverTheMaximumIsTooLargeAndSaysTheLimit() {
        let rule = MediaSizeRule(maximumMegabytes: 500)
        let problem = rule.check(500 * 1_048_576 + 1)
        #expect(problem == .tooLarge(maximumBytes: 500 * 1_048_576))
        #expect(problem?.message == "The file must be 500 MB or smaller")
    }

    @Test func anEmptyFileIsRefused() {
        #expect(MediaSizeRule(maximumMegabytes: 1).check(0) == .empty)
    }

    @Test func configuredMaximumMustBeAWholeNumberOfMegabytesInRange() {
        #expect(MediaSizeRule.parseMegabytes("250") == 250)
        #expect(MediaSizeRule.parseMegabytes(" 1 ") == 1)
        #expect(MediaSizeRule.parseMegabytes("0") == nil)
        #expect(MediaSizeRule.parseMegabytes("10241") == nil)
        #expect(MediaSizeRule.parseMegabytes("1.5") == nil)
        #expect(MediaSizeRule.parseMegabytes("lots") == nil)
    }

    @Test func sizesAreDescribedInWords() {
        #expect(MediaSizeRule.describe(800) == "800 bytes")
        #expect(MediaSizeRule.describe(1) == "1 byte")
        #expect(MediaSizeRule.describe(12 * 1024) == "12 KB")
        #expect(MediaSizeRule.describe(1_572_864) == "1.5 MB")
        #expect(MediaSizeRule.describe(2 * 1_073_741_824) == "2 GB")
    }
}
