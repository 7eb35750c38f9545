import Foundation
import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that writes one JSON object per line:
///
/// ```
/// {"time":"2026-11-23T21:50:00.123Z","level":"info","logger":"codes.vapor.application","message":"request",
///  "duration_ms":"3.20","method":"GET","request-id":"…","route":"/invitations/:token","status":"200"}
/// ```
///
/// `time` is ISO 8601 in UTC with milliseconds; metadata (the handler's, the provider's and the
/// call's, later ones winning) follows in key order, nested values as JSON arrays and objects. Lines
/// carry only what the code logs: Tend logs route patterns, never paths, query strings, form bodies,
/// names, e-mail addresses or tokens (see `RequestObservationMiddleware`).
struct JSONLogHandler: LogHandler {
    /// Where finished lines go (each without its newline).
    typealias Sink = @Sendable (String) -> Void

    let label: String
    let sink: Sink
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, level: Logger.Level, metadataProvider: Logger.MetadataProvider? = nil, sink: @escaping Sink = JSONLogHandler.standardError) {
        self.label = label
        self.logLevel = level
        self.metadataProvider = metadataProvider
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        sink(Self.line(time: Date(), level: event.level, label: label, message: event.message.description, metadata: merged))
    }

    /// The JSON text of one event.
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var out = "{\"time\":" + quoted(timestamp(time))
        out += ",\"level\":" + quoted(level.rawValue)
        out += ",\"logger\":" + quoted(label)
        out += ",\"message\":" + quoted(message)
        for key in metadata.keys.sorted() where !["time", "level", "logger", "message"].contains(key) {
            out += "," + quoted(key) + ":" + json(metadata[key]!)
        }
        return out + "}"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }

    private static func json(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let text): return quoted(text)
        case .stringConvertible(let convertible): return quoted(convertible.description)
        case .array(let values): return "[" + values.map(json).joined(separator: ",") + "]"
        case .dictionary(let dictionary):
            return "{" + dictionary.keys.sorted().map { quoted($0) + ":" + json(dictionary[$0]!) }.joined(separator: ",") + "}"
        }
    }

    /// A JSON string literal: quotes, backslashes and every control character escaped, so a line never breaks.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    private static let standardErrorLock = NIOLock()

    /// Writes the line and a newline to standard error in one call, one line at a time.
    static let standardError: Sink = { line in
        let data = Data((line + "\n").utf8)
        standardErrorLock.withLock { FileHandle.standardError.write(data) }
    }
}
