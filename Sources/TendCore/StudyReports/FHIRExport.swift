import Foundation

/// A completed questionnaire to export as a FHIR R4 QuestionnaireResponse.
public struct QuestionnaireAnswers: Sendable, Equatable, Codable {
    /// Pseudonymous study code (never a name or a health-service number).
    public var studyCode: String
    public var instrument: String
    /// Version of the instrument definition the answers were given to.
    public var instrumentVersion: String
    public var authored: Date
    /// Item k at index k − 1; nil = unanswered (left out of `item[]`).
    public var responses: [Int?]

    public init(studyCode: String, instrument: String, instrumentVersion: String, authored: Date, responses: [Int?]) {
        self.studyCode = studyCode
        self.instrument = instrument
        self.instrumentVersion = instrumentVersion
        self.authored = authored
        self.responses = responses
    }
}

/// FHIR R4 (4.0.1) QuestionnaireResponse and Bundle writers (https://hl7.org/fhir/R4/questionnaireresponse.html,
/// https://hl7.org/fhir/R4/bundle.html).
///
/// Each response has `status` "completed", `questionnaire` = `<questionnaireBase>/<instrument>|<version>`
/// (a canonical URL with its version), `subject.identifier` = the study code in the study's identifier
/// system (no reference to a Patient resource, so nothing identifying leaves Tend), `authored` in UTC, and
/// one `item` per answered question with `linkId` = the item number and one `valueInteger` answer.
public enum FHIRExport {
    public struct Settings: Sendable, Equatable, Codable {
        /// Base of the questionnaire canonical URLs, e.g. `https://tend.example.org/fhir/Questionnaire`.
        public var questionnaireBase: String
        /// Identifier system of the study codes, e.g. `https://tend.example.org/studies/ABC/participant`.
        public var subjectSystem: String

        public init(questionnaireBase: String, subjectSystem: String) {
            self.questionnaireBase = questionnaireBase
            self.subjectSystem = subjectSystem
        }
    }

    /// The canonical URL of an instrument's Questionnaire.
    public static func questionnaireURL(instrument: String, version: String, settings: Settings) -> String {
        let base = settings.questionnaireBase.hasSuffix("/") ? String(settings.questionnaireBase.dropLast()) : settings.questionnaireBase
        return "\(base)/\(instrument)|\(version)"
    }

    /// The resource as a JSON object (for `JSONSerialization`).
    public static func questionnaireResponse(_ answers: QuestionnaireAnswers, settings: Settings) -> [String: Any] {
        var items: [[String: Any]] = []
        for (i, v) in answers.responses.enumerated() {
            guard let v else { continue }
            items.append(["linkId": String(i + 1), "answer": [["valueInteger": v]]])
        }
        var resource: [String: Any] = [
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "questionnaire": questionnaireURL(instrument: answers.instrument, version: answers.instrumentVersion, settings: settings),
            "subject": ["identifier": ["system": settings.subjectSystem, "value": answers.studyCode]],
            "authored": ExportFormat.instant(answers.authored),
        ]
        if !items.isEmpty { resource["item"] = items }
        return resource
    }

    /// One QuestionnaireResponse as JSON text: the object `questionnaireResponse` describes, keys sorted,
    /// written directly (an export writes hundreds of thousands of them).
    public static func questionnaireResponseJSON(_ answers: QuestionnaireAnswers, settings: Settings) -> String {
        var out = "{\"authored\":"
        out.reserveCapacity(256 + 48 * answers.responses.count)
        appendJSONString(ExportFormat.instant(answers.authored), to: &out)
        var first = true
        for (i, v) in answers.responses.enumerated() {
            guard let v else { continue }
            out += first ? ",\"item\":[" : ","
            first = false
            out += "{\"answer\":[{\"valueInteger\":\(v)}],\"linkId\":\"\(i + 1)\"}"
        }
        if !first { out += "]" }
        out += ",\"questionnaire\":"
        appendJSONString(questionnaireURL(instrument: answers.instrument, version: answers.instrumentVersion, settings: settings), to: &out)
        out += ",\"resourceType\":\"QuestionnaireResponse\",\"status\":\"completed\",\"subject\":{\"identifier\":{\"system\":"
        appendJSONString(settings.subjectSystem, to: &out)
        out += ",\"value\":"
        appendJSONString(answers.studyCode, to: &out)
        out += "}}}"
        return out
    }

    /// `text` as a JSON string literal, escaped as `JSONSerialization` escapes it (quote, backslash and
    /// control characters; slashes and non-ASCII characters as they are).
    static func appendJSONString(_ text: String, to out: inout String) {
        out += "\""
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out += text
            out += "\""
            return
        }
        var plainFrom = text.unicodeScalars.startIndex
        var i = plainFrom
        let scalars = text.unicodeScalars
        while i < scalars.endIndex {
            let c = scalars[i]
            let escape: String?
            switch c {
            case "\"": escape = "\\\""
            case "\\": escape = "\\\\"
            case "\n": escape = "\\n"
            case "\r": escape = "\\r"
            case "\t": escape = "\\t"
            case "\u{08}": escape = "\\b"
            case "\u{0C}": escape = "\\f"
            default:
                if c.value < 0x20 {
                    escape = "\\u" + String(c.value, radix: 16).leftPadded(to: 4)
                } else {
                    escape = nil
                }
            }
            if let escape {
                out.unicodeScalars.append(contentsOf: scalars[plainFrom..<i])
                out += escape
                plainFrom = scalars.index(after: i)
            }
            i = scalars.index(after: i)
        }
        out.unicodeScalars.append(contentsOf: scalars[plainFrom..<scalars.endIndex])
        out += "\""
    }

    /// Streams a Bundle of type "collection": the opening, then one `entry` per response as the sequence
    /// yields it, then the closing, so the bundle is never held in memory.
    public static func writeBundle<Answers: Sequence>(_ responses: Answers, settings: Settings, to output: (String) -> Void)
        where Answers.Element == QuestionnaireAnswers
    {
        output(bundleOpening)
        var first = true
        for answers in responses {
            output(bundleEntry(answers, settings: settings, first: first))
            first = false
        }
        output(bundleClosing)
    }

    /// The pieces of ``writeBundle(_:settings:to:)``, for writers that produce the responses in batches:
    /// the opening, each entry (`first` for the first one, which has no leading comma), the closing.
    public static let bundleOpening = "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":["
    public static let bundleClosing = "\n]}\n"

    public static func bundleEntry(_ answers: QuestionnaireAnswers, settings: Settings, first: Bool) -> String {
        (first ? "\n" : ",\n") + "{\"resource\":" + questionnaireResponseJSON(answers, settings: settings) + "}"
    }

}
