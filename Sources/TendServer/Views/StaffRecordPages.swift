import Foundation
import TendCore

/// The staff-record part of a person's study record (abstinence, tests, doses, reimbursements, each a
/// list and a small form) and the page that corrects or deletes one record. Nothing here names an arm.
enum StaffRecordPages {
    struct AbstinencePeriod: Sendable, Equatable {
        var number: Int
        var from: LocalDate
        var to: LocalDate
        var status: PeriodStatus
    }

    struct AbstinenceStrip: Sendable {
        var substance: String
        var rule: String
        /// Empty until they are allocated (their day 0 is not known before).
        var periods: [AbstinencePeriod]
        var proportion: Double?
        var start: LocalDate?
    }

    struct Section {
        var studyID: UUID
        var code: String
        var tests: [BiochemicalTestModel]
        var medications: [MedicationDoseModel]
        var reimbursements: [ReimbursementModel]
        var abstinence: AbstinenceStrip?
        var mayRecord: Bool
        var closed: Bool
        var today: String
        var givenBy: String
        var timelinePath: String
    }

    static func anchor(_ kind: StaffRecordKind) -> String { "staff-" + kind.rawValue }

    /// The visit form's field for one substance's result.
    static func resultField(_ substance: TestSubstance) -> String { "test-result-" + substance.rawValue }

    static func statusText(_ status: PeriodStatus) -> String {
        switch status {
        case .abstinent: return "Abstinent (valid tests, all negative)"
        case .notAbstinent: return "Not abstinent (a positive test)"
        case .missing: return "No valid test"
        }
    }

    static func weeks(_ period: AbstinencePeriod, start: LocalDate) -> String {
        let first = (period.from.daysSinceEpoch - start.daysSinceEpoch) / 7 + 1
        let last = (period.to.daysSinceEpoch - start.daysSinceEpoch) / 7 + 1
        return first == last ? "week \(first)" : "weeks \(first)–\(last)"
    }

    // MARK: Form values of stored records

    static func form(_ m: BiochemicalTestModel) -> [String: String] {
        ["test-date": m.date, "test-specimen": m.specimen.rawValue, "test-substance": m.substance.rawValue,
         "test-other-name": m.substanceName ?? "", "test-result": m.result.rawValue, "test-note": m.note ?? ""]
    }

    static func form(_ m: MedicationDoseModel) -> [String: String] {
        ["med-medicine": m.medicine.rawValue, "med-other-name": m.medicineName ?? "", "med-dose": DoseRanges.number(m.dose),
         "med-unit": m.unit.rawValue, "med-from": m.fromDate, "med-to": m.toDate ?? ""]
    }

    static func form(_ m: ReimbursementModel) -> [String: String] {
        ["pay-date": m.date, "pay-amount": m.amount.formValue, "pay-currency": m.currency, "pay-purpose": m.purpose, "pay-given-by": m.givenBy]
    }

    // MARK: Fields shared by the add and edit forms

    static let resultOptions: [(value: String, label: String)] = BiochemicalResult.allCases.map { ($0.rawValue, $0.label) }

    static func testCommonFields(_ form: [String: String], _ errors: FormErrors, today: String) -> [Markup] {
        [
            FormComponents.textField(.init(id: "test-date", label: "Test date", value: form["test-date"] ?? today,
                                           hint: "The day the sample was taken, year-month-day, like 2026-03-02."), errors: errors),
            FormComponents.radios(id: "test-specimen", legend: "Specimen", choices: Specimen.allCases.map { .init(value: $0.rawValue, label: $0.label) },
                                  selected: form["test-specimen"] ?? Specimen.urine.rawValue, errors: errors),
        ]
    }

    static func medicationFields(_ form: [String: String], _ errors: FormErrors, today: String) -> [Markup] {
        [
            FormComponents.radios(id: "med-medicine", legend: "Medicine", choices: TreatmentMedicine.allCases.map { .init(value: $0.rawValue, label: $0.label) },
                                  selected: form["med-medicine"], errors: errors),
            FormComponents.textField(.init(id: "med-other-name", label: "Name of the other medicine (if other)", value: form["med-other-name"]), errors: errors),
            FormComponents.textField(.init(id: "med-dose", label: "Dose in mg", value: form["med-dose"],
                                           hint: "A number, with a point for decimals, like 16 or 2.5."), errors: errors),
            FormComponents.radios(id: "med-unit", legend: "How it is given", choices: DoseUnit.allCases.map { .init(value: $0.rawValue, label: $0.label) },
                                  selected: form["med-unit"] ?? DoseUnit.mgPerDay.rawValue, errors: errors),
            FormComponents.textField(.init(id: "med-from", label: "Date from", value: form["med-from"] ?? today,
                                           hint: "Year-month-day, like 2026-03-02."), errors: errors),
            FormComponents.textField(.init(id: "med-to", label: "Date to (optional)", value: form["med-to"],
                                           hint: "Leave blank while they still take this dose."), errors: errors),
        ]
    }

    static func reimbursementFields(_ form: [String: String], _ errors: FormErrors, today: String, givenBy: String) -> [Markup] {
        [
            FormComponents.textField(.init(id: "pay-date", label: "Date given", value: form["pay-date"] ?? today,
                                           hint: "Year-month-day, like 2026-03-02."), errors: errors),
            FormComponents.textField(.init(id: "pay-amount", label: "Amount", value: form["pay-amount"], hint: "Like 20 or 12.50."), errors: errors),
            FormComponents.textField(.init(id: "pay-currency", label: "Currency", value: form["pay-currency"] ?? "GBP",
                                           hint: "Three-letter code, like GBP, EUR or USD."), errors: errors),
            FormComponents.textField(.init(id: "pay-purpose", label: "What it was for", value: form["pay-purpose"],
                                           hint: "For example: baseline visit, week 12 questionnaires, travel."), errors: errors),
            FormComponents.textField(.init(id: "pay-given-by", label: "Given by", value: form["pay-given-by"] ?? givenBy), errors: errors),
        ]
    }

    // MARK: The section on the person's record

    static func section(_ s: Section, state: StaffRecordState, csrf: String?) -> Markup {
        let canAdd = s.mayRecord && !s.closed
        func editLink(_ kind: StaffRecordKind, _ id: UUID?, _ what: String) -> Markup {
            guard s.mayRecord, let id else { return .empty }
            return .el("a", ["href": SiteURL.studyRecord(.value(s.studyID), .value(s.code), kind, .value(id)).path], [
                .text("Correct or delete"), .el("span", ["class": "visually-hidden"], [.txt(" " + what)]),
            ])
        }
        func table(_ label: String, _ headers: [String], _ rows: [[Markup]]) -> Markup {
            .el("div", ["class": "table-scroll", "tabindex": "0", "role": "region", "aria-label": label], [
                .el("table", ["class": "table"], [
                    .el("thead", [:], [.el("tr", [:], headers.map { .el("th", ["scope": "col"], [.txt($0)]) })]),
                    .el("tbody", [:], rows.map { cells in .el("tr", [:], cells.map { .el("td", [:], [$0]) }) }),
                ]),
            ])
        }
        var content: [Markup] = [
            .el("p", [:], [.el("a", ["href": s.timelinePath], [.text("See \(s.code)’s timeline: everything in date order")])]),
        ]
        for errors in state.allErrors { content.append(FormComponents.errorSummary(errors)) }

        // Abstinence.
        if let strip = s.abstinence {
            var part: [Markup] = [.el("h2", ["id": "staff-abstinence"], [.txt("Confirmed abstinence from \(strip.substance.lowercased())")])]
            if let start = strip.start, !strip.periods.isEmpty {
                let abstinent = strip.periods.filter { $0.status == .abstinent }.count
                part.append(.el("p", [:], [.txt("\(abstinent) of \(strip.periods.count) two-week periods abstinent so far, counted from day 0 on \(start).")]))
                part.append(.el("ol", ["class": "period-strip"], strip.periods.map { period in
                    .el("li", ["class": "period-strip__period period-strip__period--\(period.status.rawValue)"], [
                        .el("strong", [:], [.txt("Period \(period.number)")]),
                        .txt(" (\(weeks(period, start: start)), \(period.from) to \(period.to)): "),
                        .txt(statusText(period.status)),
                    ])
                }))
                part.append(.el("p", ["class": "hint"], [.txt("Rule: " + strip.rule + " Periods still to come show as “No valid test”.")]))
            } else {
                part.append(.el("p", [:], [.text("Periods are counted from their day 0, which is known once they are allocated.")]))
            }
            content.append(.group(part))
        }

        // Tests.
        var tests: [Markup] = [.el("h2", ["id": anchor(.tests)], [.text("Biochemical tests")])]
        tests.append(s.tests.isEmpty ? .el("p", [:], [.text("No tests recorded yet.")]) : table(
            "Biochemical tests", ["Date", "Specimen", "Substance", "Result", "Note", ""],
            s.tests.map { t in [.txt(t.date), .txt(t.specimen.label), .txt(t.substanceLabel), .txt(t.result.label), .txt(t.note ?? ""),
                                editLink(.tests, t.id, "\(t.substanceLabel) test of \(t.date)")] }))
        if canAdd {
            let form = state.testForm ?? [:]
            let errors = state.testErrors
            var rows: [Markup] = TestSubstance.allCases.filter { $0 != .other }.map { substance in
                StudyFormParts.select(id: resultField(substance), label: substance.label,
                                      options: [("", "Not tested")] + resultOptions, selected: form[resultField(substance)], errors: errors)
            }
            rows.append(FormComponents.textField(.init(id: "test-other-name", label: "Other substance (name)", value: form["test-other-name"]), errors: errors))
            rows.append(StudyFormParts.select(id: resultField(.other), label: "Other substance result",
                                              options: [("", "Not tested")] + resultOptions, selected: form[resultField(.other)], errors: errors))
            tests.append(.el("div", ["class": "panel"], [
                .el("h3", [:], [.text("Record a visit’s tests")]),
                .el("p", [:], [.text("Choose a result for each substance tested; leave the others as “Not tested”. Each result is saved as its own record.")]),
                FormComponents.form(action: SiteURL.studyRecords(.value(s.studyID), .value(s.code), .tests).path, csrf: csrf,
                                    testCommonFields(form, errors, today: s.today) + [
                                        .el("fieldset", ["class": "fieldset"], [.el("legend", ["class": "label"], [.text("Results")])] + rows),
                                        FormComponents.textField(.init(id: "test-note", label: "Note (optional)", value: form["test-note"],
                                                                       hint: "Brief and factual, for example “sample cold on arrival”."), errors: errors),
                                        FormComponents.submit("Save the tests"),
                                    ]),
            ]))
        }
        content.append(.group(tests))

        // Medication.
        var medication: [Markup] = [.el("h2", ["id": anchor(.medications)], [.text("Medication and dose")])]
        medication.append(s.medications.isEmpty ? .el("p", [:], [.text("No medication recorded yet.")]) : table(
            "Medication and dose", ["Medicine", "Dose", "From", "To", ""],
            s.medications.map { m in [.txt(m.medicineLabel), .txt("\(DoseRanges.number(m.dose)) \(m.unit.label)"), .txt(m.fromDate),
                                      .txt(m.toDate ?? "Still taking"), editLink(.medications, m.id, "\(m.medicineLabel) from \(m.fromDate)")] }))
        if canAdd {
            medication.append(.el("div", ["class": "panel"], [
                .el("h3", [:], [.text("Record a medicine and dose")]),
                FormComponents.form(action: SiteURL.studyRecords(.value(s.studyID), .value(s.code), .medications).path, csrf: csrf,
                                    medicationFields(state.medicationForm ?? [:], state.medicationErrors, today: s.today)
                                        + [FormComponents.submit("Save the dose")]),
            ]))
        }
        content.append(.group(medication))

        // Reimbursements.
        var payments: [Markup] = [.el("h2", ["id": anchor(.reimbursements)], [.text("Reimbursements and vouchers")])]
        payments.append(s.reimbursements.isEmpty ? .el("p", [:], [.text("Nothing given yet.")]) : table(
            "Reimbursements and vouchers", ["Date", "Amount", "What for", "Given by", ""],
            s.reimbursements.map { r in [.txt(r.date), .txt(r.amount.description), .txt(r.purpose), .txt(r.givenBy),
                                         editLink(.reimbursements, r.id, "\(r.amount.description) of \(r.date)")] }))
        if canAdd {
            payments.append(.el("div", ["class": "panel"], [
                .el("h3", [:], [.text("Record a reimbursement or voucher")]),
                FormComponents.form(action: SiteURL.studyRecords(.value(s.studyID), .value(s.code), .reimbursements).path, csrf: csrf,
                                    reimbursementFields(state.reimbursementForm ?? [:], state.reimbursementErrors, today: s.today, givenBy: s.givenBy)
                                        + [FormComponents.submit("Save the reimbursement")]),
            ]))
        }
        content.append(.group(payments))
        return .group(content)
    }

    // MARK: Correcting or deleting one record

    static func edit(viewer: Viewer, studyID: UUID, studyTitle: String, code: String, kind: StaffRecordKind, id: UUID,
                     form: [String: String], errors: FormErrors, csrf: String?) -> String {
        let person = SiteURL.studyPerson(.value(studyID), .value(code)).path
        let fields: [Markup]
        switch kind {
        case .tests:
            fields = testCommonFields(form, errors, today: "") + [
                StudyFormParts.select(id: "test-substance", label: "Substance", options: TestSubstance.allCases.map { ($0.rawValue, $0.label) },
                                      selected: form["test-substance"], errors: errors),
                FormComponents.textField(.init(id: "test-other-name", label: "Other substance (name, if other)", value: form["test-other-name"]), errors: errors),
                FormComponents.radios(id: "test-result", legend: "Result", choices: BiochemicalResult.allCases.map { .init(value: $0.rawValue, label: $0.label) },
                                      selected: form["test-result"], errors: errors),
                FormComponents.textField(.init(id: "test-note", label: "Note (optional)", value: form["test-note"]), errors: errors),
            ]
        case .medications:
            fields = medicationFields(form, errors, today: "")
        case .reimbursements:
            fields = reimbursementFields(form, errors, today: "", givenBy: "")
        }
        let content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [
                .el("a", ["href": SiteURL.study(.value(studyID)).path], [.txt(studyTitle)]), .text(" › "),
                .el("a", ["href": person + "#" + anchor(kind)], [.txt(code)]),
            ]),
            .el("h1", [:], [.txt("Correct a \(kind.label)")]),
            FormComponents.errorSummary(errors),
            .el("p", [:], [.text("A correction replaces the values shown on the record; the audit trail keeps that it was corrected, when and by whom.")]),
            FormComponents.form(action: SiteURL.studyRecord(.value(studyID), .value(code), kind, .value(id)).path, csrf: csrf,
                                fields + [FormComponents.submit("Save the correction")]),
            .el("p", [:], [.el("a", ["href": person + "#" + anchor(kind)], [.text("Back to \(code)’s record without changing anything")])]),
            .el("h2", [:], [.text("Delete this record")]),
            .el("p", [:], [.text("Only if it was recorded by mistake. Deleting cannot be undone; the audit trail keeps that it was deleted.")]),
            .el("form", ["method": "post", "action": SiteURL.studyRecordDelete(.value(studyID), .value(code), kind, .value(id)).path], [
                Layout.csrfInput(csrf),
                .el("button", ["type": "submit", "class": "button button--warning"], [.txt("Delete this \(kind.label)")]),
            ]),
        ]
        return Layout.page(title: "Correct a \(kind.label) – \(code)", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: content)
    }
}
