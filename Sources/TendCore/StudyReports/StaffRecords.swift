import Foundation

/// What staff record about a study participant that the participant does not report themselves:
/// biochemical drug tests, medication and dose, reimbursements. The vocabularies and the checks on
/// typed values live here; the server stores and shows.

/// The sample a drug test was run on.
public enum Specimen: String, Sendable, Codable, CaseIterable {
    case urine, saliva

    public var label: String { self == .urine ? "Urine" : "Saliva" }
}

/// The substance one test result is for.
public enum TestSubstance: String, Sendable, Codable, CaseIterable {
    case opioids, methadone, buprenorphine, cocaine, benzodiazepines, amphetamines, cannabis, other

    public var label: String {
        switch self {
        case .opioids: return "Opioids"
        case .methadone: return "Methadone"
        case .buprenorphine: return "Buprenorphine"
        case .cocaine: return "Cocaine"
        case .benzodiazepines: return "Benzodiazepines"
        case .amphetamines: return "Amphetamines"
        case .cannabis: return "Cannabis"
        case .other: return "Other"
        }
    }
}

/// The result of one substance on one test.
public enum BiochemicalResult: String, Sendable, Codable, CaseIterable {
    case negative, positive
    case notDone = "not-done"
    case invalid

    public var label: String {
        switch self {
        case .negative: return "Negative"
        case .positive: return "Positive"
        case .notDone: return "Not done"
        case .invalid: return "Invalid (spoiled or unreadable)"
        }
    }

    /// The result as the abstinence analysis reads it: a test not done is no test at all.
    public var outcome: DrugTestResult.Outcome? {
        switch self {
        case .negative: return .negative
        case .positive: return .positive
        case .invalid: return .invalid
        case .notDone: return nil
        }
    }
}

/// A medicine for opioid use disorder (or another, named).
public enum TreatmentMedicine: String, Sendable, Codable, CaseIterable {
    case methadone, buprenorphine, naltrexone, other

    public var label: String {
        switch self {
        case .methadone: return "Methadone"
        case .buprenorphine: return "Buprenorphine"
        case .naltrexone: return "Naltrexone"
        case .other: return "Other"
        }
    }
}

/// How a dose is given: milligrams a day, or milligrams in one long-acting (depot) injection.
public enum DoseUnit: String, Sendable, Codable, CaseIterable {
    case mgPerDay = "mg-per-day"
    case mgPerInjection = "mg-per-injection"

    public var label: String { self == .mgPerDay ? "mg a day" : "mg per depot injection" }
}

/// The doses accepted for each medicine and unit: wide enough for any prescription seen in practice,
/// narrow enough to catch a slipped decimal point or a dose typed in micrograms.
public enum DoseRanges {
    public static func range(_ medicine: TreatmentMedicine, _ unit: DoseUnit) -> ClosedRange<Double>? {
        switch (medicine, unit) {
        case (.methadone, .mgPerDay): return 1...300
        case (.methadone, .mgPerInjection): return nil
        case (.buprenorphine, .mgPerDay): return 0.4...32
        case (.buprenorphine, .mgPerInjection): return 8...300
        case (.naltrexone, .mgPerDay): return 25...150
        case (.naltrexone, .mgPerInjection): return 380...380
        case (.other, _): return 0.001...10_000
        }
    }

    /// What is wrong with `dose` for the medicine and unit, in words naming the field; nil when it is fine.
    public static func problem(dose: Double, medicine: TreatmentMedicine, unit: DoseUnit) -> String? {
        let name = medicine == .other ? "this medicine" : medicine.label.lowercased()
        guard let range = range(medicine, unit) else {
            return "Dose: \(medicine.label) is not given as a depot injection; choose mg a day"
        }
        guard range.contains(dose) else {
            let limits = range.lowerBound == range.upperBound
                ? "\(number(range.lowerBound)) mg"
                : "from \(number(range.lowerBound)) to \(number(range.upperBound)) mg"
            return "Dose of \(name) must be \(limits) (\(unit.label)); you entered \(number(dose))"
        }
        return nil
    }

    /// 0.4, 32, 2.5: no trailing zeros.
    public static func number(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int(x)) }
        var text = String(format: "%.3f", x)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}

/// A sum of money in minor units (pence, cents) of an ISO 4217 currency.
public struct MoneyAmount: Sendable, Equatable, Codable {
    public var minorUnits: Int
    public var currency: String

    public init(minorUnits: Int, currency: String) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// The largest single reimbursement accepted (in major units), to catch a mistyped amount.
    public static let maximum = 10_000

    /// Parses "25", "25.5" or "25.50" (a point for decimals, at most two places, no thousands separators).
    /// - Throws: `InputError` naming `field` when the text is not such an amount, or is not above zero
    ///   and at most ``maximum``.
    public static func parse(_ text: String, currency: String, field: String) throws(InputError) -> MoneyAmount {
        let trimmed = text.trimmingWhitespace()
        let parts = trimmed.split(separator: ".", omittingEmptySubsequences: false)
        let digits = CharacterSet(charactersIn: "0123456789")
        guard !trimmed.isEmpty, parts.count <= 2, !parts[0].isEmpty,
              parts.allSatisfy({ $0.unicodeScalars.allSatisfy(digits.contains) }),
              parts.count == 1 || (1...2).contains(parts[1].count), parts[0].count <= 7
        else { throw InputError(field: field, value: text, expected: "a number like 20 or 12.50 (a point for decimals, at most two decimal places)") }
        let major = Int(parts[0])!
        let minor = parts.count == 2 ? Int(parts[1].padding(toLength: 2, withPad: "0", startingAt: 0))! : 0
        let total = major * 100 + minor
        guard total > 0 else { throw InputError(field: field, value: text, expected: "more than 0") }
        guard total <= maximum * 100 else { throw InputError(field: field, value: text, expected: "at most \(maximum)") }
        return MoneyAmount(minorUnits: total, currency: currency)
    }

    /// "GBP 12.50".
    public var description: String {
        "\(currency) \(minorUnits / 100).\(String(format: "%02d", minorUnits % 100))"
    }

    /// "12.50", as typed into a form.
    public var formValue: String { "\(minorUnits / 100).\(String(format: "%02d", minorUnits % 100))" }

    /// Three capital letters (ISO 4217 form, e.g. GBP, EUR, USD).
    public static func isCurrencyCode(_ text: String) -> Bool {
        text.count == 3 && text.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) }
    }
}
