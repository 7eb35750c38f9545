import Foundation

/// A recording format the platform accepts for guided exercises, recognised from the file's first
/// bytes (its "magic number"), never from its name or the type the browser declared.
public enum MediaFormat: String, Codable, Sendable, CaseIterable {
    /// MPEG-4 video (`ftyp` box with a video or general brand).
    case mp4
    /// MPEG-4 audio (`ftyp` box with an `M4A ` or `M4B ` brand).
    case m4a
    /// WebM or Matroska (EBML header).
    case webm
    /// MP3, with an ID3 tag or starting at an MPEG audio frame.
    case mp3
    /// Ogg (Vorbis or Opus audio).
    case ogg
    /// WAV (RIFF container of type `WAVE`).
    case wav

    /// Audio or video: which player element shows it.
    public var kind: MediaSlot.Kind {
        switch self {
        case .mp4, .webm: return .video
        case .m4a, .mp3, .ogg, .wav: return .audio
        }
    }

    /// The `Content-Type` it is served with.
    public var contentType: String {
        switch self {
        case .mp4: return "video/mp4"
        case .m4a: return "audio/mp4"
        case .webm: return "video/webm"
        case .mp3: return "audio/mpeg"
        case .ogg: return "audio/ogg"
        case .wav: return "audio/wav"
        }
    }

    /// The extension of the stored object's name.
    public var fileExtension: String { rawValue }

    /// A short name for people ("MP3", "WebM").
    public var displayName: String {
        switch self {
        case .mp4: return "MP4 video"
        case .m4a: return "M4A audio"
        case .webm: return "WebM video"
        case .mp3: return "MP3 audio"
        case .ogg: return "Ogg audio"
        case .wav: return "WAV audio"
        }
    }

    /// How many leading bytes ``sniff(_:)`` needs to decide.
    public static let bytesNeeded = 12

    /// The format of a file that starts with `prefix`, or nil when it is none of the accepted formats
    /// (or `prefix` is shorter than ``bytesNeeded``).
    public static func sniff<Bytes: Collection>(_ prefix: Bytes) -> MediaFormat? where Bytes.Element == UInt8 {
        let b = Array(prefix.prefix(bytesNeeded))
        guard b.count >= bytesNeeded else { return nil }
        func ascii(_ range: Range<Int>) -> String { String(decoding: b[range], as: UTF8.self) }
        if ascii(4..<8) == "ftyp" {
            let brand = ascii(8..<12)
            return brand == "M4A " || brand == "M4B " ? .m4a : .mp4
        }
        if b[0] == 0x1A, b[1] == 0x45, b[2] == 0xDF, b[3] == 0xA3 { return .webm }
        if ascii(0..<4) == "OggS" { return .ogg }
        if ascii(0..<4) == "RIFF", ascii(8..<12) == "WAVE" { return .wav }
        if ascii(0..<3) == "ID3", b[3] != 0xFF, b[4] != 0xFF { return .mp3 }
        if isMPEGAudioFrameHeader(b[0], b[1], b[2]) { return .mp3 }
        return nil
    }

    /// An MPEG-1/2/2.5 audio frame header: 11 sync bits, a known version and layer, a usable bit rate
    /// and sample rate. (AAC in ADTS also starts with sync bits but has layer 00, which is refused.)
    static func isMPEGAudioFrameHeader(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8) -> Bool {
        guard b0 == 0xFF, b1 & 0xE0 == 0xE0 else { return false }
        let version = (b1 >> 3) & 0b11
        let layer = (b1 >> 1) & 0b11
        let bitRate = b2 >> 4
        let sampleRate = (b2 >> 2) & 0b11
        return version != 0b01 && layer != 0b00 && bitRate != 0b1111 && bitRate != 0 && sampleRate != 0b11
    }
}

/// Why an upload was refused, with the message shown beside the file field.
public enum MediaUploadProblem: Error, Sendable, Equatable {
    /// No file was chosen, or it was empty.
    case empty
    /// Larger than the configured maximum.
    case tooLarge(maximumBytes: Int64)
    /// The first bytes are not one of the accepted formats.
    case unrecognisedType

    public var message: String {
        switch self {
        case .empty:
            return "Choose an audio or video file to upload"
        case .tooLarge(let maximum):
            return "The file must be \(MediaSizeRule.describe(maximum)) or smaller"
        case .unrecognisedType:
            return "The file must be an MP4, M4A, WebM, MP3, Ogg or WAV recording; this file's contents are not one of those"
        }
    }
}

/// The size rule for uploads: at least one byte, at most the configured maximum.
public struct MediaSizeRule: Sendable, Equatable {
    public var maximumBytes: Int64

    /// 500 MB, enough for half an hour of phone-quality video.
    public static let defaultMaximumMegabytes = 500
    /// The largest maximum that may be configured (10 GB).
    public static let largestMaximumMegabytes = 10_240

    public init(maximumBytes: Int64) { self.maximumBytes = maximumBytes }

    public init(maximumMegabytes: Int) { self.maximumBytes = Int64(maximumMegabytes) * 1_048_576 }

    /// Reads a configured maximum in whole megabytes (1 to ``largestMaximumMegabytes``); nil when it is not one.
    public static func parseMegabytes(_ text: String) -> Int? {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), (1...largestMaximumMegabytes).contains(value) else { return nil }
        return value
    }

    /// Whether `byteCount` bytes received so far are still within the limit.
    public func allows(_ byteCount: Int64) -> Bool { byteCount <= maximumBytes }

    /// The problem with a complete upload of `byteCount` bytes, if any.
    public func check(_ byteCount: Int64) -> MediaUploadProblem? {
        if byteCount <= 0 { return .empty }
        if byteCount > maximumBytes { return .tooLarge(maximumBytes: maximumBytes) }
        return nil
    }

    /// Bytes in words: "500 MB", "1.5 GB", "12 KB", "800 bytes" (binary multiples, as file managers on phones use).
    public static func describe(_ bytes: Int64) -> String {
        let units: [(String, Double)] = [("GB", 1_073_741_824), ("MB", 1_048_576), ("KB", 1024)]
        for (name, size) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            let rounded = (value * 10).rounded() / 10
            return rounded == rounded.rounded() ? "\(Int(rounded)) \(name)" : String(format: "%.1f", rounded) + " " + name
        }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
