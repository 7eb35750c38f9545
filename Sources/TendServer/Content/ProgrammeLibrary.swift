import Foundation
import Ink
import TendCore
import TendResources

/// A built-in programme with every Markdown text rendered to HTML.
///
/// Programme content is immutable for the life of the process, so each file's Markdown is rendered once,
/// when the library is first used (``ProgrammeLibrary/warm()`` at start-up), and the HTML is shared by
/// every request. Content is written by the service's clinicians and shipped with the server, so its
/// HTML is trusted as written.
struct RenderedProgramme: Sendable {
    let programme: Programme
    let introductionHTML: String
    /// By session or module number.
    let sessionHTML: [Int: String]
    /// Exercise scripts by exercise id.
    let scriptHTML: [String: String]
    /// Transcripts of a service's own recordings, by exercise id, where they exist.
    let transcriptHTML: [String: String]
    /// Handout bodies by handout id.
    let handoutHTML: [String: String]

    init(_ programme: Programme) {
        let parser = MarkdownParser()
        self.programme = programme
        // Shown under a page's own heading, so its headings move one level down.
        introductionHTML = Self.demoteHeadings(parser.html(from: programme.introduction))
        sessionHTML = Dictionary(uniqueKeysWithValues: programme.sessions.map { ($0.number, parser.html(from: $0.body)) })
        scriptHTML = Dictionary(uniqueKeysWithValues: programme.exercises.map { ($0.id, parser.html(from: $0.script)) })
        transcriptHTML = Dictionary(uniqueKeysWithValues: programme.exercises.compactMap { exercise in
            exercise.transcript.map { (exercise.id, parser.html(from: $0)) }
        })
        handoutHTML = Dictionary(uniqueKeysWithValues: programme.handouts.map { ($0.id, parser.html(from: $0.body)) })
    }

    /// `<h1>` becomes `<h2>`, and so on down to `<h6>`.
    static func demoteHeadings(_ html: String) -> String {
        var out = html
        for level in (1...5).reversed() {
            out = out.replacingOccurrences(of: "<h\(level)>", with: "<h\(level + 1)>")
                .replacingOccurrences(of: "</h\(level)>", with: "</h\(level + 1)>")
        }
        return out
    }

    /// True when a handout's body starts with its own top-level heading.
    func handoutHasHeading(_ id: String) -> Bool { handoutHTML[id]?.hasPrefix("<h1>") ?? false }

    /// The exercises a session guides or sets as practice, in order of first mention.
    func exercises(of session: TendCore.Session) -> [Exercise] {
        var seen: [String] = []
        for id in session.segments.compactMap(\.exercise) + session.homework.compactMap(\.exercise) where !seen.contains(id) {
            seen.append(id)
        }
        return seen.compactMap { programme.exercise($0) }
    }
}

/// The built-in programmes, read, checked and rendered once per process.
enum ProgrammeLibrary {
    private static let byID: [String: RenderedProgramme] = {
        let programmes = (try? ProgrammeCatalog.builtIn()) ?? []
        return Dictionary(uniqueKeysWithValues: programmes.map { ($0.id, RenderedProgramme($0)) })
    }()

    /// Every built-in programme in catalogue order.
    static let all: [Programme] = (try? ProgrammeCatalog.builtIn()) ?? []

    static func programme(_ id: String) -> RenderedProgramme? { byID[id] }

    /// Reads and renders everything now, so no request pays for it.
    static func warm() { _ = byID.count }
}
