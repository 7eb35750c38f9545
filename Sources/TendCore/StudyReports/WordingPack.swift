import Foundation

/// Item wording for one instrument, supplied by a study that holds the rights to it (Tend ships none).
public struct WordingPack: Sendable, Equatable, Codable {
    public var instrument: String
    /// The Questionnaire's `url` or `title`, when given.
    public var source: String?
    /// Wording by 1-based item number.
    public var items: [Int: String]
    /// Labels of the response values, when the questionnaire gives them (`answerOption.valueCoding`):
    /// by item, value → label.
    public var answerLabels: [Int: [Int: String]]
}

/// Reads a FHIR R4 Questionnaire (JSON) into a wording pack for an instrument definition.
///
/// `linkId` must be the item number (`"7"`) or the instrument id, a dot or hyphen, and the item number
/// (`"phq9.7"`, `"phq9-7"`). Items of type `group` and `display` are containers and notes: their children are
/// read, they themselves are not items. Every item of the definition needs exactly one question with
/// non-empty `text`. Errors are `InputError`s naming the linkId (or JSON field), the value and what was
/// expected.
public enum WordingPackReader {
    public static func read(json data: Data, for definition: InstrumentDefinition) throws(InputError) -> WordingPack {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) }
        catch { throw InputError(field: "file", value: "not JSON", expected: "a FHIR R4 Questionnaire in JSON") }
        guard let root = object as? [String: Any] else {
            throw InputError(field: "file", value: "a JSON \(object is [Any] ? "array" : "value")", expected: "a JSON object")
        }
        let type = root["resourceType"] as? String
        guard type == "Questionnaire" else {
            throw InputError(field: "resourceType", value: type.map { "\"\($0)\"" } ?? "missing", expected: "\"Questionnaire\"")
        }
        guard let top = root["item"] as? [Any], !top.isEmpty else {
            throw InputError(field: "item", value: root["item"] == nil ? "missing" : "empty or not a list", expected: "a list of questions")
        }
        var questions: [(path: String, object: [String: Any])] = []
        func collect(_ list: [Any], path: String) throws(InputError) {
            for (i, element) in list.enumerated() {
                let here = "\(path)[\(i)]"
                guard let item = element as? [String: Any] else {
                    throw InputError(field: here, value: "not an object", expected: "a Questionnaire item")
                }
                let kind = item["type"] as? String
                if kind == "group" || kind == "display" {
                    if let children = item["item"] as? [Any] { try collect(children, path: here + ".item") }
                    continue
                }
                questions.append((here, item))
            }
        }
        try collect(top, path: "item")

        var items: [Int: String] = [:], answers: [Int: [Int: String]] = [:]
        for (path, q) in questions {
            guard let linkId = q["linkId"] as? String, !linkId.isEmpty else {
                throw InputError(field: "\(path).linkId", value: "missing", expected: "the item number, e.g. \"1\" or \"\(definition.id).1\"")
            }
            guard let k = itemNumber(linkId, instrument: definition.id), (1...definition.itemCount).contains(k) else {
                throw InputError(field: "linkId \"\(linkId)\"", value: linkId,
                                 expected: "an item of \(definition.id): 1…\(definition.itemCount), optionally prefixed \"\(definition.id).\"")
            }
            guard items[k] == nil else {
                throw InputError(field: "linkId \"\(linkId)\"", value: "item \(k) again", expected: "each item once")
            }
            guard let text = (q["text"] as? String)?.trimmingWhitespace(), !text.isEmpty else {
                throw InputError(field: "linkId \"\(linkId)\".text", value: "missing or empty", expected: "the item's wording")
            }
            items[k] = text
            if let options = q["answerOption"] as? [Any] {
                var labels: [Int: String] = [:]
                for (j, option) in options.enumerated() {
                    guard let coding = (option as? [String: Any])?["valueCoding"] as? [String: Any] else { continue }
                    let field = "linkId \"\(linkId)\".answerOption[\(j)]"
                    guard let code = (coding["code"] as? String).flatMap({ Int($0) }) else {
                        throw InputError(field: field + ".valueCoding.code", value: "\(coding["code"] ?? "missing")", expected: "a whole-number response value")
                    }
                    let r = definition.responseRange
                    guard (r.min...r.max).contains(code) else {
                        throw InputError(field: field + ".valueCoding.code", value: "\(code)", expected: "a response value \(r.min)…\(r.max)")
                    }
                    if let display = coding["display"] as? String { labels[code] = display }
                }
                if !labels.isEmpty { answers[k] = labels }
            }
        }
        let missing = (1...max(1, definition.itemCount)).filter { items[$0] == nil }
        guard missing.isEmpty else {
            throw InputError(field: "item", value: "\(items.count) of \(definition.itemCount) items (missing linkId \(missing.map(String.init).joined(separator: ", ")))",
                             expected: "all \(definition.itemCount) items of \(definition.id)")
        }
        return WordingPack(instrument: definition.id, source: (root["url"] as? String) ?? (root["title"] as? String),
                           items: items, answerLabels: answers)
    }

    /// `"7"`, `"<id>.7"` or `"<id>-7"` → 7; anything else nil.
    static func itemNumber(_ linkId: String, instrument: String) -> Int? {
        var rest = Substring(linkId)
        for separator in [".", "-"] where linkId.hasPrefix(instrument + separator) {
            rest = linkId.dropFirst(instrument.count + 1)
        }
        guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(rest)
    }
}
