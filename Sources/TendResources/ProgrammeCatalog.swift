import Foundation
import TendCore
import Yams

/// Reads programmes from folders of Markdown files with YAML front matter: the built-in ones shipped in
/// this target's bundle, and a service's own. All file I/O for programmes lives here; checking is
/// TendCore's (``ProgrammeBuilder``). The layout is described in `docs/programmes.md`:
///
/// ```
/// <programme-id>/programme.md
/// <programme-id>/sessions/NN-title.md     (or modules/NN-title.md)
/// <programme-id>/exercises/<exercise-id>.md
/// <programme-id>/handouts/<handout-id>.md
/// ```
public enum ProgrammeCatalog {
    /// The built-in programmes (`Sources/TendResources/Programmes/`), read and checked once per process.
    public static func builtIn() throws(ProgrammeCatalogError) -> [Programme] {
        try builtInProgrammes.get()
    }

    private static let builtInProgrammes: Result<[Programme], ProgrammeCatalogError> = {
        do throws(ProgrammeCatalogError) {
            guard let directory = builtInDirectory else { throw .builtInResourcesMissing }
            return .success(try load(directory: directory))
        } catch {
            return .failure(error)
        }
    }()

    /// The folder holding the built-in programme folders.
    public static var builtInDirectory: URL? {
        Bundle.module.url(forResource: "Programmes", withExtension: nil)
    }

    /// The programmes in `directory`: either a folder of programme folders, or one programme folder (one
    /// holding `programme.md`). Every problem in every file is reported at once.
    public static func load(directory: URL) throws(ProgrammeCatalogError) -> [Programme] {
        let sources = try self.sources(in: directory)
        do {
            return try ProgrammeBuilder.build(sources)
        } catch {
            throw .content(error)
        }
    }

    /// The parsed but unchecked programme folders in `directory` (see ``load(directory:)``).
    public static func sources(in directory: URL) throws(ProgrammeCatalogError) -> [ProgrammeSource] {
        guard isDirectory(directory) else { throw .notADirectory(directory.path) }
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("programme.md").path) {
            return [try source(folder: directory, label: directory.lastPathComponent)]
        }
        let names = try contents(of: directory)
        var out: [ProgrammeSource] = []
        var stray: [ProgrammeIssue] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            if isDirectory(url) {
                out.append(try source(folder: url, label: name))
            } else if name.lowercased() != "readme.md" {
                stray.append(ProgrammeIssue(file: name, line: nil, field: "(file)",
                                            message: "is not a programme folder; expected one folder per programme, each holding programme.md"))
            }
        }
        if out.isEmpty {
            throw .noProgrammes(directory.path)
        }
        out[0].readingIssues += stray
        return out
    }

    /// Reads one programme folder; `label` is the folder name used in error messages.
    static func source(folder: URL, label: String) throws(ProgrammeCatalogError) -> ProgrammeSource {
        var issues: [ProgrammeIssue] = []
        let programmeURL = folder.appendingPathComponent("programme.md")
        let programmeFile = "\(label)/programme.md"
        let programme: ContentDocument
        if FileManager.default.fileExists(atPath: programmeURL.path) {
            programme = document(at: programmeURL, file: programmeFile, issues: &issues)
        } else {
            issues.append(ProgrammeIssue(file: programmeFile, line: nil, field: "(file)",
                                         message: "is missing; every programme folder needs a programme.md with the programme's id, title and versions"))
            programme = ContentDocument(file: programmeFile, frontMatter: .mapping([], line: 1), body: "", bodyLine: 1)
        }
        var sessions: [ContentDocument] = []
        var exercises: [ContentDocument] = []
        var handouts: [ContentDocument] = []
        let expected = "expected programme.md and the folders sessions/ (or modules/), exercises/ and handouts/"
        for name in try contents(of: folder) where name != "programme.md" {
            let url = folder.appendingPathComponent(name)
            guard isDirectory(url) else {
                if name.lowercased() != "readme.md" {
                    issues.append(ProgrammeIssue(file: "\(label)/\(name)", line: nil, field: "(file)", message: "unexpected file; \(expected)"))
                }
                continue
            }
            let kind: WritableKeyPath<Collected, [ContentDocument]>
            switch name {
            case "sessions", "modules": kind = \.sessions
            case "exercises": kind = \.exercises
            case "handouts": kind = \.handouts
            default:
                issues.append(ProgrammeIssue(file: "\(label)/\(name)/", line: nil, field: "(folder)", message: "unexpected folder; \(expected)"))
                continue
            }
            var collected = Collected()
            for file in try contents(of: url) {
                let fileURL = url.appendingPathComponent(file)
                let relative = "\(label)/\(name)/\(file)"
                guard file.hasSuffix(".md"), !isDirectory(fileURL) else {
                    issues.append(ProgrammeIssue(file: relative, line: nil, field: "(file)", message: "unexpected file; expected only Markdown files (.md) in \(name)/"))
                    continue
                }
                let before = issues.count
                let doc = document(at: fileURL, file: relative, issues: &issues)
                // A file that could not be parsed is reported once, not again for every field it lacks.
                if issues.count == before { collected[keyPath: kind].append(doc) }
            }
            sessions += collected.sessions
            exercises += collected.exercises
            handouts += collected.handouts
        }
        return ProgrammeSource(folder: label, programme: programme, sessions: sessions, exercises: exercises,
                               handouts: handouts, readingIssues: issues)
    }

    private struct Collected {
        var sessions: [ContentDocument] = []
        var exercises: [ContentDocument] = []
        var handouts: [ContentDocument] = []
    }

    /// Reads a file; a file that cannot be read or parsed gives an issue and an empty document.
    static func document(at url: URL, file: String, issues: inout [ProgrammeIssue]) -> ContentDocument {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            issues.append(ProgrammeIssue(file: file, line: nil, field: "(file)", message: "could not be read as UTF-8 text: \(error.localizedDescription)"))
            return ContentDocument(file: file, frontMatter: .mapping([], line: 1), body: "", bodyLine: 1)
        }
        switch parse(text, file: file) {
        case .success(let document): return document
        case .failure(let error):
            issues += error.issues
            return ContentDocument(file: file, frontMatter: .mapping([], line: 1), body: "x", bodyLine: 1)
        }
    }

    /// Splits a file's text into front matter and body and parses the YAML, with file line numbers.
    public static func parse(_ text: String, file: String) -> Result<ContentDocument, ProgrammeContentError> {
        let parts: ContentDocument.Parts
        do {
            parts = try ContentDocument.split(text, file: file)
        } catch {
            return .failure(error)
        }
        let offset = parts.yamlFirstLine - 1
        let root: Node?
        do {
            root = try Yams.compose(yaml: parts.yaml)
        } catch let error as YamlError {
            return .failure(ProgrammeContentError([yamlIssue(error, file: file, offset: offset)]))
        } catch {
            return .failure(ProgrammeContentError([ProgrammeIssue(file: file, line: nil, field: "(front matter)", message: "is not valid YAML: \(error)")]))
        }
        var issues: [ProgrammeIssue] = []
        let node = root.map { convert($0, offset: offset, file: file, issues: &issues) } ?? .mapping([], line: parts.yamlFirstLine)
        guard issues.isEmpty else { return .failure(ProgrammeContentError(issues)) }
        return .success(ContentDocument(file: file, frontMatter: node, body: parts.body, bodyLine: parts.bodyLine))
    }

    static func yamlIssue(_ error: YamlError, file: String, offset: Int) -> ProgrammeIssue {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return ProgrammeIssue(file: file, line: mark.line + offset, field: "(front matter)",
                                  message: "is not valid YAML: \(detail)\(problem) (column \(mark.column)); check the indentation and that text containing `: ` is in quotes")
        default:
            return ProgrammeIssue(file: file, line: nil, field: "(front matter)", message: "is not valid YAML: \(error)")
        }
    }

    static func convert(_ node: Node, offset: Int, file: String, issues: inout [ProgrammeIssue]) -> ContentNode {
        let line = (node.mark?.line ?? 1) + offset
        switch node {
        case .scalar(let scalar):
            let quoted = scalar.style != .plain
            if !quoted && ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null(line: line) }
            return .scalar(scalar.string, quoted: quoted, line: line)
        case .sequence(let sequence):
            return .sequence(sequence.map { convert($0, offset: offset, file: file, issues: &issues) }, line: line)
        case .mapping(let mapping):
            var pairs: [ContentNode.Pair] = []
            for (key, value) in mapping {
                let keyLine = (key.mark?.line ?? 1) + offset
                guard case .scalar(let k) = key else {
                    issues.append(ProgrammeIssue(file: file, line: keyLine, field: "(front matter)", message: "a field name must be plain text"))
                    continue
                }
                pairs.append(ContentNode.Pair(key: k.string, keyLine: keyLine, value: convert(value, offset: offset, file: file, issues: &issues)))
            }
            return .mapping(pairs, line: line)
        }
    }

    static func isDirectory(_ url: URL) -> Bool {
        var flag: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
    }

    /// The visible entries of a folder, sorted.
    static func contents(of directory: URL) throws(ProgrammeCatalogError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw .unreadable(path: directory.path, reason: error.localizedDescription)
        }
    }
}

/// Why programmes could not be read.
public enum ProgrammeCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The built-in programmes are not in the bundle (a packaging fault).
    case builtInResourcesMissing
    case notADirectory(String)
    case noProgrammes(String)
    case unreadable(path: String, reason: String)
    /// The files were read but break the rules; every issue names its file, line and field.
    case content(ProgrammeContentError)

    public var description: String {
        switch self {
        case .builtInResourcesMissing:
            return "the built-in programmes are missing from the TendResources bundle"
        case .notADirectory(let path):
            return "\(path): not a folder; expected a folder of programme folders, or one programme folder holding programme.md"
        case .noProgrammes(let path):
            return "\(path): holds no programme folders; expected one folder per programme, each holding programme.md"
        case .unreadable(let path, let reason):
            return "\(path): could not be read: \(reason)"
        case .content(let error):
            return error.description
        }
    }

    /// The content issues, when the files were read but break the rules.
    public var issues: [ProgrammeIssue] {
        if case .content(let error) = self { return error.issues }
        return []
    }
}
