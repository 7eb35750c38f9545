import Foundation
import TendCore

/// The player for an exercise's recording, for any page that shows the exercise.
enum MediaViews {
    /// An `<audio>` or `<video>` player (controls, metadata only until played, never autoplay) named by
    /// the recording's title, with the transcript below it, or, when there is none, a note that the
    /// written script on the page covers the same practice. Place it above the exercise's script.
    static func player(for item: MediaItem, transcript: String?) -> Markup {
        let id = item.id.uuidString.lowercased()
        let titleID = "media-\(id)-title"
        let element = item.kind == .video ? "video" : "audio"
        let trimmed = transcript?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return .el("figure", ["class": "media-player media-player--\(item.kind.rawValue)", "aria-labelledby": titleID], [
            .el("figcaption", ["id": titleID, "class": "media-player__title"], [.txt(item.title)]),
            .el(element, ["class": "media-player__media", "controls": "controls", "preload": "metadata", "aria-labelledby": titleID], [
                .void("source", ["src": item.sourcePath, "type": item.contentType]),
                .el("p", [:], [
                    .text("This browser cannot play the recording here. "),
                    .el("a", ["href": item.sourcePath], [.text("Open the recording")]),
                    .text(" instead."),
                ]),
            ]),
            trimmed.isEmpty
                ? .el("p", ["class": "hint media-player__note"], [
                    .text("There is no transcript of this recording. The written script below covers the same practice, "
                          + "so you can read it instead of, or as well as, \(item.kind == .video ? "watching" : "listening")."),
                ])
                : .el("details", ["class": "media-player__transcript"], [
                    .el("summary", [:], [.text("Transcript of "), .txt(item.title)]),
                    .group(paragraphs(trimmed).map { .el("p", [:], [.txt($0)]) }),
                ]),
        ])
    }

    /// The player with the transcript stored with the recording.
    static func player(for item: MediaItem) -> Markup { player(for: item, transcript: item.transcript) }

    /// Paragraphs separated by blank lines; single line breaks inside a paragraph become spaces.
    static func paragraphs(_ text: String) -> [String] {
        text.replacingOccurrences(of: "\r\n", with: "\n")
            .components(separatedBy: "\n\n")
            .map { $0.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") }
            .filter { !$0.isEmpty }
    }
}
