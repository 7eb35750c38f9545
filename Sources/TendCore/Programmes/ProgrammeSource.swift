import Foundation

/// Parsed YAML, reduced to what programme files use, with the line each value starts on.
///
/// `TendResources` turns its YAML parser's output into this, so that all decoding and validation can stay
/// in `TendCore` and name the line of every problem. Lines count from 1 from the top of the file.
public indirect enum ContentNode: Sendable, Equatable {
    /// Any scalar as written (strings, numbers and booleans alike); `quoted` when written in quotes.
    case scalar(String, quoted: Bool, line: Int)
    /// An empty value, `~` or `null`.
    case null(line: Int)
    case sequence([ContentNode], line: Int)
    case mapping([Pair], line: Int)

    public struct Pair: Sendable, Equatable {
        public var key: String
        public var keyLine: Int
        public var value: ContentNode

        public init(key: String, keyLine: Int, value: ContentNode) {
            self.key = key
            self.keyLine = keyLine
            self.value = value
        }
    }

    public var line: Int {
        switch self {
        case .scalar(_, _, let line), .null(let line), .sequence(_, let line), .mapping(_, let line): return line
        }
    }
}

/// One Markdown file with YAML front matter, split and parsed.
public struct ContentDocument: Sendable, Equatable {
    /// How errors name the file, e.g. `compassionate-living-pain/sessions/01-what-is-compassion.md`.
    public var file: String
    /// The parsed front matter (a mapping), with file line numbers.
    public var frontMatter: ContentNode
    /// The Markdown after the front matter, trimmed.
    public var body: String
    /// The file line on which the body starts.
    public var bodyLine: Int

    public init(file: String, frontMatter: ContentNode, body: String, bodyLine: Int) {
        self.file = file
        self.frontMatter = frontMatter
        self.body = body
        self.bodyLine = bodyLine
    }

    /// The front matter text and body of a file, before YAML parsing.
    public struct Parts: Sendable, Equatable {
        /// The YAML between the `---` lines.
        public var yaml: String
        /// The file line of the YAML's first line (2 when the file starts with `---`).
        public var yamlFirstLine: Int
        public var body: String
        public var bodyLine: Int
    }

    /// Splits a file into front matter and body. The file must start with a line `---`, and the front
    /// matter ends at the next line that is `---`.
    public static func split(_ text: String, file: String) throws(ProgrammeContentError) -> Parts {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") { lines[0] = String(first.dropFirst()) }
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else {
            throw ProgrammeContentError([ProgrammeIssue(file: file, line: 1, field: "(front matter)",
                                                        message: "the file must start with a line `---`, then the YAML front matter, then another `---`")])
        }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw ProgrammeContentError([ProgrammeIssue(file: file, line: 1, field: "(front matter)",
                                                        message: "the front matter opened on line 1 is never closed; expected a line `---` after it")])
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let bodyLines = lines[(end + 1)...]
        let leadingBlank = bodyLines.prefix { $0.trimmingCharacters(in: .whitespaces).isEmpty }.count
        let body = bodyLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return Parts(yaml: yaml, yamlFirstLine: 2, body: body, bodyLine: end + 2 + leadingBlank)
    }
}

/// The files of one programme folder, parsed but not yet checked.
public struct ProgrammeSource: Sendable, Equatable {
    /// The folder's name (which must equal the programme id).
    public var folder: String
    /// `programme.md`.
    public var programme: ContentDocument
    /// `sessions/*.md` (or `modules/*.md`), in file-name order.
    public var sessions: [ContentDocument]
    /// `exercises/*.md`.
    public var exercises: [ContentDocument]
    /// `handouts/*.md`.
    public var handouts: [ContentDocument]
    /// Problems the reader found before parsing (unexpected files or folders, unreadable YAML).
    public var readingIssues: [ProgrammeIssue]

    public init(folder: String, programme: ContentDocument, sessions: [ContentDocument] = [],
                exercises: [ContentDocument] = [], handouts: [ContentDocument] = [], readingIssues: [ProgrammeIssue] = []) {
        self.folder = folder
        self.programme = programme
        self.sessions = sessions
        self.exercises = exercises
        self.handouts = handouts
        self.readingIssues = readingIssues
    }
}

/// One problem in a programme's files: the file, the line, the field and what was expected.
public struct ProgrammeIssue: Sendable, Equatable, Codable, CustomStringConvertible {
    public var file: String
    /// 1-based line in the file, when known.
    public var line: Int?
    /// The field path, e.g. `segments[2].minutes`; `(file)` or `(front matter)` for the file as a whole.
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `file:line: field: message`.
    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field): \(message)"
    }
}

/// Programme content that cannot be used; every problem found, in file and line order.
public struct ProgrammeContentError: Error, Sendable, Equatable, CustomStringConvertible {
    public var issues: [ProgrammeIssue]

    public init(_ issues: [ProgrammeIssue]) {
        self.issues = issues
    }

    /// One line per issue.
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}
