import Foundation

/// A definition file that cannot be used: it is not valid JSON, does not follow the format, or breaks a
/// rule of the format (items out of range, overlapping bands, …).
///
/// Each issue names the field path and says what was expected; the description prefixes the file:
/// `pseq.json: scales[0].items[3]: 11 is outside 1…10 (the instrument has 10 items)`.
public struct InstrumentDefinitionError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Issue: Sendable, Equatable, CustomStringConvertible {
        /// The field path, e.g. `scales[0].items[3]`; `(file)` for problems with the file as a whole.
        public var path: String
        /// What is wrong and what was expected.
        public var message: String

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }

    /// The file name (or other origin) given to ``InstrumentDefinition/load(data:file:)``.
    public var file: String
    /// Every problem found; never empty. Decoding stops at the first structural problem, validation
    /// reports all rule violations at once.
    public var issues: [Issue]

    public init(file: String, issues: [Issue]) {
        self.file = file
        self.issues = issues
    }

    /// One line per issue: `file: path: message`.
    public var description: String {
        issues.map { "\(file): \($0.path): \($0.message)" }.joined(separator: "\n")
    }
}

extension InstrumentDefinition {
    /// Decodes a definition from JSON and validates it.
    ///
    /// Unknown fields are rejected (a misspelt field would otherwise be silently ignored), and every
    /// rule in ``validationIssues()`` is checked. `file` is used only to name the file in errors.
    public static func load(data: Data, file: String) throws(InstrumentDefinitionError) -> InstrumentDefinition {
        let definition: InstrumentDefinition
        do {
            definition = try JSONDecoder().decode(InstrumentDefinition.self, from: data)
        } catch let issue as DefinitionIssue {
            throw InstrumentDefinitionError(file: file, issues: [.init(path: issue.path, message: issue.message)])
        } catch let error as DecodingError {
            throw InstrumentDefinitionError(file: file, issues: [issue(for: error, data: data)])
        } catch {
            throw InstrumentDefinitionError(file: file, issues: [.init(path: "(file)", message: "could not be read: \(error)")])
        }
        let issues = definition.validationIssues()
        guard issues.isEmpty else { throw InstrumentDefinitionError(file: file, issues: issues) }
        return definition
    }

    /// Turns a Foundation decoding error into an issue with a path and an expectation.
    private static func issue(for error: DecodingError, data: Data) -> InstrumentDefinitionError.Issue {
        func path(_ codingPath: [any CodingKey]) -> String {
            let p = DefinitionPath.render(codingPath)
            return p.isEmpty ? "(file)" : p
        }
        switch error {
        case .typeMismatch(let type, let context):
            return .init(path: path(context.codingPath), message: "expected \(expectation(of: type))")
        case .valueNotFound(let type, let context):
            return .init(path: path(context.codingPath), message: "is null; expected \(expectation(of: type))")
        case .keyNotFound(let key, let context):
            return .init(path: path(context.codingPath + [key]), message: "is missing")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .init(path: "(file)", message: "is not valid JSON: \(syntaxProblem(in: data) ?? context.debugDescription)")
        case .dataCorrupted(let context):
            return .init(path: path(context.codingPath), message: context.debugDescription)
        @unknown default:
            return .init(path: "(file)", message: "could not be decoded: \(error)")
        }
    }

    private static func expectation(of type: Any.Type) -> String {
        switch type {
        case is String.Type: return "text"
        case is Int.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        default:
            let name = String(describing: type)
            if name.hasPrefix("Array") { return "a list ([ … ])" }
            if name.hasPrefix("Dictionary") { return "an object ({ … })" }
            return "a value of another kind"
        }
    }

    /// The JSON parser's own account of a syntax error, with the character offset turned into a line
    /// and column.
    private static func syntaxProblem(in data: Data) -> String? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let text = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "\(error)"
            guard let range = text.range(of: "around character ") else { return text }
            let digits = text[range.upperBound...].prefix { $0.isNumber }
            guard let offset = Int(digits) else { return text }
            let sentence = text.hasSuffix(".") ? String(text.dropLast()) : text
            var line = 1, column = 1
            for (i, byte) in data.enumerated() {
                if i >= offset { break }
                if byte == UInt8(ascii: "\n") { line += 1; column = 1 } else if byte & 0xC0 != 0x80 { column += 1 }
            }
            return "\(sentence) (line \(line), column \(column))"
        }
    }
}
