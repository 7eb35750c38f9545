import Foundation

/// A data dictionary in REDCap's upload layout (the 18 columns of REDCap's "Data Dictionary" CSV), for the
/// items and scores of instruments, so a study can mirror Tend's data in REDCap.
///
/// One form per instrument (form name = the instrument id in lowercase with `-` as `_`). Items are radio
/// fields `<form>_<k>` whose choices are the response values with the value itself as its label; the field
/// label is Tend's construct label (`itemLabels`), never the published item wording. Scores are read-only
/// number fields `<form>_<scale>` (`@READONLY`), with the score range as min and max, because the scores
/// are computed by Tend, not REDCap.
public enum REDCapDictionary {
    public static let header = [
        "Variable / Field Name", "Form Name", "Section Header", "Field Type", "Field Label",
        "Choices, Calculations, OR Slider Labels", "Field Note", "Text Validation Type OR Show Slider Number",
        "Text Validation Min", "Text Validation Max", "Identifier?", "Branching Logic (Show field only if...)",
        "Required Field?", "Custom Alignment", "Question Number (surveys only)", "Matrix Group Name",
        "Matrix Ranking?", "Field Annotation",
    ]

    /// REDCap field and form names: lowercase letters, digits and single underscores, starting with a
    /// letter.
    public static func fieldName(_ s: String) -> String {
        var name = SPSSNames.collapse(SPSSNames.underscored(s.lowercased()[...]))
        if let first = name.first, !first.isLetter { name = "f_" + name }
        return name.isEmpty ? "f" : name
    }

    /// Writes the dictionary line by line: `record_id` (the study code, an identifier-free pseudonym) on the
    /// first instrument's form, then each instrument's items and scales.
    ///
    /// - Throws: `InputError` when two fields would get the same name.
    public static func write(instruments: [InstrumentDefinition], to output: (String) -> Void) throws(InputError) {
        var used: [String: String] = [:]
        func claim(_ name: String, _ what: String) throws(InputError) {
            if let other = used[name] {
                throw InputError(field: "REDCap field name for \(what)", value: name, expected: "a name not already used by \(other)")
            }
            used[name] = what
        }
        var rows: [[String]] = []
        func row(_ name: String, form: String, section: String = "", type: String, label: String, choices: String = "",
                 note: String = "", validation: String = "", min: String = "", max: String = "", required: Bool = false,
                 annotation: String = "") -> [String] {
            [name, form, section, type, label, choices, note, validation, min, max, "", "", required ? "y" : "", "", "", "", "", annotation]
        }
        output(header.map(\.csvEscaped).joined(separator: ",") + "\r\n")
        if let first = instruments.first {
            try claim("record_id", "the record id")
            rows.append(row("record_id", form: fieldName(first.id), type: "text", label: "Study code"))
        }
        for definition in instruments {
            let form = fieldName(definition.id)
            for k in stride(from: 1, through: definition.itemCount, by: 1) {
                let name = "\(form)_\(k)"
                try claim(name, "\(definition.id) item \(k)")
                let construct = definition.itemLabels.flatMap { k <= $0.count ? $0[k - 1] : nil }
                let label = construct.map { "Item \(k): \($0)" } ?? "Item \(k)"
                let r = definition.responseRange
                let choices = (r.min...r.max).map { "\($0), \($0)" }.joined(separator: " | ")
                let reversed = definition.reverseKeyed.contains(k) ? "Reverse-keyed in scoring. " : ""
                rows.append(row(name, form: form, section: k == 1 ? "\(definition.abbreviation) items" : "", type: "radio",
                                label: label, choices: choices, note: "\(reversed)Response \(r.min) to \(r.max).", required: true))
            }
            for scale in definition.scales {
                let name = "\(form)_\(fieldName(scale.id))"
                try claim(name, definition.measureID(of: scale))
                let range = definition.scoreRange(of: scale)
                rows.append(row(name, form: form, section: scale.id == definition.scales.first?.id ? "\(definition.abbreviation) scores (computed by Tend)" : "",
                                type: "text", label: "\(definition.abbreviation) \(scale.name)",
                                note: "Tend measure \(definition.measureID(of: scale)); \(scale.metric); \(scale.direction == .higherIsBetter ? "higher is better" : "lower is better").",
                                validation: "number", min: ExportFormat.number(range.min), max: ExportFormat.number(range.max),
                                annotation: "@READONLY"))
            }
            for r in rows { output(r.map(\.csvEscaped).joined(separator: ",") + "\r\n") }
            rows.removeAll(keepingCapacity: true)
        }
    }
}
