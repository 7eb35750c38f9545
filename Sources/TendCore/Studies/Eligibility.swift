import Foundation

/// A study's screening questions and the rules its answers are judged by.
public struct Eligibility: Codable, Sendable, Equatable {
    public var questions: [EligibilityQuestion]
    public var rules: [EligibilityRule]

    public init(questions: [EligibilityQuestion] = [], rules: [EligibilityRule] = []) {
        self.questions = questions
        self.rules = rules
    }

    public func question(_ id: String) -> EligibilityQuestion? { questions.first { $0.id == id } }

    /// Judges one person's screening answers (keyed by question id). Every rule is checked: an
    /// inclusion rule fails when its condition does not hold, an exclusion rule when it does. A rule
    /// whose question has no answer is listed as unanswered, and the decision is then `incomplete`
    /// unless another rule has already failed. An answer of the wrong type for its question counts as
    /// unanswered too, so it can never make someone eligible.
    public func evaluate(_ answers: [String: EligibilityAnswer]) -> EligibilityDecision {
        var failed: [EligibilityDecision.FailedRule] = []
        var unanswered: [String] = []
        for rule in rules {
            guard let answer = answers[rule.question], let question = question(rule.question),
                  answer.fits(question.answer) else {
                if !unanswered.contains(rule.question) { unanswered.append(rule.question) }
                continue
            }
            let holds = rule.condition.holds(for: answer)
            let passes = rule.kind == .inclusion ? holds : !holds
            if !passes {
                failed.append(.init(rule: rule.id, kind: rule.kind, label: rule.label, answer: answer.description))
            }
        }
        let status: EligibilityDecision.Status = !failed.isEmpty ? .ineligible : (unanswered.isEmpty ? .eligible : .incomplete)
        return EligibilityDecision(status: status, failed: failed, unanswered: unanswered)
    }
}

/// A screening question, with a label of the study's own wording.
public struct EligibilityQuestion: Codable, Sendable, Equatable {
    public var id: String
    public var label: String
    public var answer: AnswerType

    public init(id: String, label: String, answer: AnswerType) {
        self.id = id
        self.label = label
        self.answer = answer
    }
}

/// What a screening question accepts: yes or no, a number in a range, or one of some choices.
public struct AnswerType: Codable, Sendable, Equatable {
    public var kind: Kind
    /// Bounds of a `number` answer (inclusive).
    public var minimum: Double?
    public var maximum: Double?
    /// The options of a `choice` answer.
    public var choices: [String]?

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case yesNo = "yes-no"
        case number
        case choice
    }

    public static let yesNo = AnswerType(kind: .yesNo)

    public static func number(_ range: ClosedRange<Double>) -> AnswerType {
        AnswerType(kind: .number, minimum: range.lowerBound, maximum: range.upperBound)
    }

    public static func choice(_ options: [String]) -> AnswerType { AnswerType(kind: .choice, choices: options) }

    public init(kind: Kind, minimum: Double? = nil, maximum: Double? = nil, choices: [String]? = nil) {
        self.kind = kind
        self.minimum = minimum
        self.maximum = maximum
        self.choices = choices
    }
}

/// An inclusion or exclusion rule over one question. The condition is one of: the answer is `yes`
/// (true or false), lies in `minimum...maximum` (either side may be open), or is one of `anyOf`.
public struct EligibilityRule: Codable, Sendable, Equatable {
    public var id: String
    public var kind: Kind
    /// The rule in a few words, for the screening log.
    public var label: String
    public var question: String
    public var condition: Condition

    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Must hold to take part.
        case inclusion
        /// Must not hold to take part.
        case exclusion
    }

    public init(id: String, kind: Kind, label: String, question: String, condition: Condition) {
        self.id = id
        self.kind = kind
        self.label = label
        self.question = question
        self.condition = condition
    }

    public struct Condition: Codable, Sendable, Equatable {
        public var yes: Bool?
        public var minimum: Double?
        public var maximum: Double?
        public var anyOf: [String]?

        public init(yes: Bool? = nil, minimum: Double? = nil, maximum: Double? = nil, anyOf: [String]? = nil) {
            self.yes = yes
            self.minimum = minimum
            self.maximum = maximum
            self.anyOf = anyOf
        }

        func holds(for answer: EligibilityAnswer) -> Bool {
            switch answer {
            case .yesNo(let value): return yes.map { $0 == value } ?? false
            case .number(let value):
                guard minimum != nil || maximum != nil else { return false }
                return value >= (minimum ?? -.infinity) && value <= (maximum ?? .infinity)
            case .choice(let value): return anyOf?.contains(value) ?? false
            }
        }
    }
}

/// One screening answer.
public enum EligibilityAnswer: Sendable, Equatable, Codable, CustomStringConvertible {
    case yesNo(Bool)
    case number(Double)
    case choice(String)

    /// Whether the answer is of the question's type (and within its range or choices).
    func fits(_ type: AnswerType) -> Bool {
        switch (self, type.kind) {
        case (.yesNo, .yesNo): return true
        case (.number(let x), .number):
            return x.isFinite && x >= (type.minimum ?? -.infinity) && x <= (type.maximum ?? .infinity)
        case (.choice(let c), .choice): return type.choices?.contains(c) ?? false
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .yesNo(let b): return b ? "yes" : "no"
        case .number(let x): return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
        case .choice(let c): return c
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .yesNo(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else { self = .choice(try c.decode(String.self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .yesNo(let b): try c.encode(b)
        case .number(let x): try c.encode(x)
        case .choice(let s): try c.encode(s)
        }
    }
}

/// The screening decision for one person, with every failed rule named, for the screening log.
public struct EligibilityDecision: Sendable, Equatable {
    public enum Status: String, Sendable, Equatable, Codable {
        case eligible
        case ineligible
        /// No rule failed, but some were not answered.
        case incomplete
    }

    public struct FailedRule: Sendable, Equatable {
        public var rule: String
        public var kind: EligibilityRule.Kind
        public var label: String
        /// The answer given, as text.
        public var answer: String
    }

    public var status: Status
    public var failed: [FailedRule]
    /// Question ids that rules needed but that had no valid answer.
    public var unanswered: [String]

    /// The reason as the screening log records it, such as
    /// `ineligible: inclusion rule adult (age 16) not met; exclusion rule illiterate (yes) applies`.
    public var reason: String {
        switch status {
        case .eligible: return "eligible: every rule met"
        case .incomplete: return "incomplete: no answer to " + unanswered.joined(separator: ", ")
        case .ineligible:
            return "ineligible: " + failed.map { f in
                f.kind == .inclusion ? "inclusion rule \(f.rule) (\(f.label); answer \(f.answer)) not met"
                                     : "exclusion rule \(f.rule) (\(f.label); answer \(f.answer)) applies"
            }.joined(separator: "; ")
        }
    }
}
