import Foundation
import TendCore
import Yams

/// Reads study templates: one YAML file per study (`<study-id>.yaml`), holding a ``StudyDefinition``.
/// The built-in ones (`Sources/TendResources/Studies/`) set up the seed studies ready to run. All file
/// I/O for templates lives here; checking is TendCore's (``StudyDefinition/validated(instruments:programmes:)``),
/// run against the built-in instrument library and programme catalogue. Every problem names its file,
/// line (where the field is in the file) and field path.
public enum StudyTemplateCatalog {
    /// The built-in templates, read and checked once per process, in file-name order.
    public static func builtIn() throws(StudyTemplateCatalogError) -> [StudyDefinition] {
        try builtInTemplates.get()
    }

    private static let builtInTemplates: Result<[StudyDefinition], StudyTemplateCatalogError> = {
        do throws(StudyTemplateCatalogError) {
            guard let directory = builtInDirectory else { throw .builtInResourcesMissing }
            return .success(try load(directory: directory))
        } catch {
            return .failure(error)
        }
    }()

    /// The folder holding the built-in templates.
    public static var builtInDirectory: URL? {
        Bundle.module.url(forResource: "Studies", withExtension: nil)
    }

    /// Every `.yaml` template in `directory`, checked against the built-in instruments and programmes.
    public static func load(directory: URL) throws(StudyTemplateCatalogError) -> [StudyDefinition] {
        let instruments: InstrumentLibrary
        let programmes: [Programme]
        do { instruments = try InstrumentCatalog.builtIn() } catch { throw .catalogue(error.description) }
        do { programmes = try ProgrammeCatalog.builtIn() } catch { throw .catalogue(error.description) }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") && !$0.hasPrefix(".") }.sorted()
        } catch {
            throw .unreadable(path: directory.path, reason: error.localizedDescription)
        }
        var studies: [StudyDefinition] = []
        var issues: [StudyTemplateIssue] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw .unreadable(path: url.path, reason: "not UTF-8 text")
            }
            switch parse(text, file: name, instruments: instruments, programmes: programmes) {
            case .success(let study):
                let expected = String(name.dropLast(".yaml".count))
                if study.id != expected {
                    issues.append(StudyTemplateIssue(file: name, line: nil, field: "id",
                                                     message: "\"\(study.id)\" does not match the file name; expected \"\(expected)\""))
                }
                if let other = studies.first(where: { $0.id == study.id }) {
                    issues.append(StudyTemplateIssue(file: name, line: nil, field: "id", message: "\"\(other.id)\" is used by another template"))
                }
                studies.append(study)
            case .failure(let error):
                guard case .content(let found) = error else { throw error }
                issues += found
            }
        }
        guard issues.isEmpty else { throw .content(issues) }
        return studies
    }

    /// Decodes and checks one template's text; `file` names it in the issues.
    public static func parse(_ text: String, file: String, instruments: InstrumentLibrary?,
                             programmes: [Programme]?) -> Result<StudyDefinition, StudyTemplateCatalogError> {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return .failure(.content([StudyTemplateIssue(file: file, line: nil, field: "(file)", message: "is empty; expected a study definition")]))
            }
            root = node
        } catch let error as YamlError {
            let issue = ProgrammeCatalog.yamlIssue(error, file: file, offset: 0)
            return .failure(.content([StudyTemplateIssue(file: file, line: issue.line, field: "(file)", message: issue.message)]))
        } catch {
            return .failure(.content([StudyTemplateIssue(file: file, line: nil, field: "(file)", message: "is not valid YAML: \(error)")]))
        }
        let study: StudyDefinition
        do {
            study = try YAMLDecoder().decode(StudyDefinition.self, from: text)
        } catch let error as DecodingError {
            let (path, message) = describe(error)
            return .failure(.content([StudyTemplateIssue(file: file, line: line(of: path, in: root), field: path.isEmpty ? "(file)" : path, message: message)]))
        } catch {
            return .failure(.content([StudyTemplateIssue(file: file, line: nil, field: "(file)", message: "could not be read: \(error)")]))
        }
        let problems = study.validated(instruments: instruments, programmes: programmes)
        guard problems.isEmpty else {
            return .failure(.content(problems.problems.map {
                StudyTemplateIssue(file: file, line: line(of: $0.field, in: root), field: $0.field, message: "is \($0.value); expected \($0.expected)")
            }))
        }
        return .success(study)
    }

    /// The line of the deepest node along a field path such as `arms[1].programme.id` (1-based).
    static func line(of path: String, in root: Node) -> Int? {
        var node = root
        var line = root.mark?.line
        for part in path.split(separator: ".") {
            var segments = part.split(separator: "[", omittingEmptySubsequences: false).map(String.init)
            let key = segments.removeFirst()
            if !key.isEmpty {
                guard let mapping = node.mapping, let next = mapping[key] else { return line }
                // The key's own line, which is where a reader looks.
                line = mapping.keys.first { $0.string == key }?.mark?.line ?? next.mark?.line ?? line
                node = next
            }
            for segment in segments {
                guard let index = Int(segment.dropLast()), let sequence = node.sequence, sequence.indices.contains(index) else { return line }
                node = sequence[index]
                line = node.mark?.line ?? line
            }
        }
        return line
    }

    /// A decoding error as a field path and a message.
    static func describe(_ error: DecodingError) -> (String, String) {
        func path(_ keys: [any CodingKey]) -> String {
            var out = ""
            for key in keys {
                if let i = key.intValue { out += "[\(i)]" } else { out += (out.isEmpty ? "" : ".") + key.stringValue }
            }
            return out
        }
        switch error {
        case .keyNotFound(let key, let context):
            let p = path(context.codingPath + [key])
            return (p, "is missing")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "is not of the expected type (\(type)): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "has no value; expected \(type)")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", "\(error)")
        }
    }
}

/// One problem in a study template file.
public struct StudyTemplateIssue: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line, when the field could be found in the file.
    public var line: Int?
    public var field: String
    public var message: String

    public init(file: String, line: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `study.yaml:12: arms[1].ratio is 0; expected a whole number ≥ 1`.
    public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(field) \(message)" }
}

/// Why the study templates could not be read.
public enum StudyTemplateCatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    case builtInResourcesMissing
    case unreadable(path: String, reason: String)
    /// The instrument library or programme catalogue the templates are checked against failed to load.
    case catalogue(String)
    /// The files were read but break the rules; every issue names its file, line and field.
    case content([StudyTemplateIssue])

    public var description: String {
        switch self {
        case .builtInResourcesMissing: return "the built-in study templates are missing from the TendResources bundle"
        case .unreadable(let path, let reason): return "\(path): could not be read: \(reason)"
        case .catalogue(let reason): return "study templates could not be checked: \(reason)"
        case .content(let issues): return issues.map(\.description).joined(separator: "\n")
        }
    }

    public var issues: [StudyTemplateIssue] {
        if case .content(let issues) = self { return issues }
        return []
    }
}
