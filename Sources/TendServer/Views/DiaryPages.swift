import Foundation
import TendCore

/// The pain diary and the medicines list. Every rating is optional, so a hard day can be one number;
/// trends are drawn one measure to a chart, with the values written out, so nothing depends on colour.
enum DiaryPages {
    struct Form: Sendable, Equatable {
        var date: String = ""
        var pain: String = ""
        var mood: String = ""
        var craving: String = ""
        /// Typed dose counts by medicine id.
        var doses: [String: String] = [:]
        var note: String = ""
        var criticalThought: String = ""
        var addToCollection: Bool = false
    }

    struct MedicineField: Sendable, Equatable {
        var id: String
        var name: String
        var unit: String
    }

    struct DayRow: Sendable, Equatable {
        /// `YYYY-MM-DD`, for the link that opens the day.
        var date: String
        var day: String
        var summary: String
    }

    struct MedicineForm: Sendable, Equatable {
        var name: String = ""
        var unit: String = ""
    }

    static func labels(_ medicines: [Medicine]) -> [String: String] {
        var labels = ["date": "Date", "pain": "Pain", "mood": "Mood", "craving": "Craving", "note": "Note",
                      "criticalThought": "Harsh thought"]
        for medicine in medicines where !medicine.id.isEmpty {
            labels["dose-" + medicine.id] = "Doses of " + medicine.name
        }
        return labels
    }

    /// "Pain 6, mood 4, craving 2, 3 doses" (only what was filled in).
    static func summary(_ entry: DiaryEntry) -> String {
        var parts: [String] = []
        if let pain = entry.pain { parts.append("pain \(pain)") }
        if let mood = entry.mood { parts.append("mood \(mood)") }
        if let craving = entry.craving { parts.append("craving \(craving)") }
        if entry.totalDoses > 0 { parts.append("\(entry.totalDoses) \(entry.totalDoses == 1 ? "dose" : "doses")") }
        if entry.note != nil { parts.append("a note") }
        if entry.criticalThought != nil { parts.append("a harsh thought") }
        guard let first = parts.first else { return "" }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + parts.dropFirst()).joined(separator: ", ")
    }

    static func page(viewer: Viewer, form: Form, dayWords: String, isToday: Bool, existing: Bool, medicines: [MedicineField],
                     errors: FormErrors, notice: String?, trends: DiaryTrends, from start: LocalDate, through end: LocalDate,
                     recent: [DayRow], today: String, csrf: String, owner: UUID) -> String {
        var fields: [Markup] = [
            PracticeFormFields.date(id: "date", label: "Which day?", value: form.date,
                                    hint: "Today is filled in. You can choose a day in the last \(PracticeEntry.maximumDaysBack) days.",
                                    max: today, errors: errors),
            PracticeFormFields.number(id: "pain", label: "Pain (0 to 10)", value: form.pain,
                                      hint: "0 means no pain. 10 means the worst pain you can imagine.", errors: errors),
            PracticeFormFields.number(id: "mood", label: "Mood (0 to 10)", value: form.mood,
                                      hint: "0 means very low. 10 means very good.", errors: errors),
            PracticeFormFields.number(id: "craving", label: "Craving (0 to 10)", value: form.craving,
                                      hint: "How strong the urge was for painkillers or other substances. 0 means none. 10 means very strong.",
                                      errors: errors),
        ]
        if medicines.isEmpty {
            fields.append(.el("p", [:], [
                .text("To count doses here, first "),
                .el("a", ["href": SiteURL.myMedicines.path], [.text("add your medicines")]),
                .text("."),
            ]))
        } else {
            fields.append(.el("fieldset", ["class": "fieldset field"], [
                .el("legend", ["class": "label"], [.text("Medicines taken")]),
                .el("p", ["class": "hint"], [.text("How many of each you took that day. Leave it empty for none.")]),
                .group(medicines.map { medicine in
                    PracticeFormFields.number(id: "dose-" + medicine.id, label: "\(medicine.name) (number of \(medicine.unit))",
                                              value: form.doses[medicine.id] ?? "", hint: nil, errors: errors)
                }),
                .el("p", [:], [.el("a", ["href": SiteURL.myMedicines.path], [.text("Change your list of medicines")])]),
            ]))
        }
        fields += [
            PracticeFormFields.textArea(id: "note", label: "Anything else about the day (optional)", value: form.note,
                                        hint: "Private: only you can see this.", rows: 3, errors: errors),
            PracticeFormFields.textArea(id: "criticalThought", label: "A harsh thought you noticed about yourself (optional)",
                                        value: form.criticalThought,
                                        hint: "For example “I’m useless”. Writing it down can take away a little of its power.",
                                        rows: 2, errors: errors),
            PracticeFormFields.checkbox(id: "addToCollection", label: "Add it to my thought collection", checked: form.addToCollection,
                                        hint: "So you can come back to it later with the thought tool."),
            FormComponents.submit(existing ? "Update this day" : "Save this day"),
        ]
        let heading = isToday ? "Today" : dayWords
        return Layout.page(title: "Your pain diary", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Your pain diary")]),
            .el("p", ["class": "lead"], [.text("A minute a day is plenty. Fill in only what you want to. One number is fine.")]),
            PracticePages.notice(notice),
            .el("section", ["class": "panel", "aria-labelledby": "day-heading"], [
                .el("h2", ["id": "day-heading"], [.txt(heading)]),
                existing
                    ? .el("p", ["class": "notice notice--info"], [
                        .txt("You already wrote something for \(dayWords). There is one entry a day: saving again updates it."),
                    ])
                    : .empty,
                Autosave.form(key: DiaryController.draftKey, action: SiteURL.myDiary.path, csrf: csrf, owner: owner, fields),
            ]),
            trendSection(trends, from: start, through: end),
            recent.isEmpty ? .empty : .el("section", ["aria-labelledby": "recent-days-heading"], [
                .el("h2", ["id": "recent-days-heading"], [.text("Recent days")]),
                .el("ul", ["class": "record-list"], recent.map { row in
                    .el("li", [:], [
                        .el("p", ["class": "record-list__title"], [.el("strong", [:], [.txt(row.day)])]),
                        .el("p", [:], [.txt(row.summary)]),
                        .el("p", [:], [.el("a", ["href": SiteURL.myDiary.path + "?date=" + row.date], [
                            .text("Open or change"), .el("span", ["class": "visually-hidden"], [.txt(" " + row.day)]),
                        ])]),
                    ])
                }),
            ]),
        ], scripts: [Autosave.script])
    }

    private static func trendSection(_ trends: DiaryTrends, from start: LocalDate, through end: LocalDate) -> Markup {
        guard !trends.doses.isEmpty else {
            return .el("section", ["aria-labelledby": "trends-heading"], [
                .el("h2", ["id": "trends-heading"], [.text("How things have been")]),
                .el("p", [:], [.text("After a few days of diary, your pain, cravings and doses will show here as simple charts.")]),
            ])
        }
        return .el("section", ["aria-labelledby": "trends-heading"], [
            .el("h2", ["id": "trends-heading"], [.text("How things have been")]),
            .el("p", [:], [.text("The last \(DiaryController.trendDays) days. A gap in a line is a day without a diary entry, and that is fine.")]),
            .el("h3", [:], [.text("Pain")]),
            .el("div", ["class": "chart"], [.raw(PracticeCharts.trend(trends.pain, title: "Pain, 0 to 10", from: start, through: end, id: "pain-trend"))]),
            .el("h3", [:], [.text("Craving")]),
            .el("div", ["class": "chart"], [.raw(PracticeCharts.trend(trends.craving, title: "Craving, 0 to 10", from: start, through: end,
                                                                      id: "craving-trend"))]),
            .el("h3", [:], [.text("Doses")]),
            .el("div", ["class": "chart"], [.raw(PracticeCharts.trend(trends.doses, title: "Doses each day, all medicines together",
                                                                      from: start, through: end, maximum: nil, id: "dose-trend"))]),
        ])
    }

    static func medicines(viewer: Viewer, list: [(UUID, MedicineForm)], add: MedicineForm, errors: FormErrors, notice: String?,
                          csrf: String) -> String {
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.myDiary.path], [.text("Back to your pain diary")])]),
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Your medicines")]),
            .el("p", ["class": "lead"], [.text("List the medicines you want to count in your diary, written the way you know them.")]),
            PracticePages.notice(notice),
        ]
        if list.isEmpty {
            content.append(.el("p", [:], [.text("Your list is empty.")]))
        } else {
            content.append(.el("h2", ["id": "list-heading"], [.text("On your list")]))
            content.append(.el("ul", ["class": "record-list", "aria-labelledby": "list-heading"], list.map { id, form in
                let suffix = "-" + id.uuidString.lowercased()
                return .el("li", [:], [
                    FormComponents.form(action: SiteURL.myMedicine(.value(id)).path, csrf: csrf, [
                        FormComponents.textField(.init(id: "name" + suffix, label: "Name", value: form.name, autocomplete: "off"), errors: errors),
                        FormComponents.textField(.init(id: "unit" + suffix, label: "What you count", value: form.unit, autocomplete: "off"),
                                                 errors: errors),
                        .el("button", ["type": "submit", "class": "button button--secondary"], [
                            .text("Save changes"), .el("span", ["class": "visually-hidden"], [.txt(" to " + form.name)]),
                        ]),
                    ]),
                    .el("form", ["method": "post", "action": SiteURL.myMedicineRemove(.value(id)).path], [
                        Layout.csrfInput(csrf),
                        .el("button", ["type": "submit", "class": "button button--quiet"], [.text("Remove "), .txt(form.name)]),
                    ]),
                ])
            }))
            content.append(.el("p", ["class": "hint"], [.text("Removing a medicine keeps the doses you already wrote down.")]))
        }
        content.append(.el("section", ["class": "panel", "aria-labelledby": "add-heading"], [
            .el("h2", ["id": "add-heading"], [.text("Add a medicine")]),
            FormComponents.form(action: SiteURL.myMedicines.path, csrf: csrf, [
                FormComponents.textField(.init(id: "name", label: "Name", value: add.name, hint: "For example “codeine 30 mg”.",
                                               autocomplete: "off"), errors: errors),
                FormComponents.textField(.init(id: "unit", label: "What you count", value: add.unit,
                                               hint: "For example tablet, ml or patch.", autocomplete: "off"), errors: errors),
                FormComponents.submit("Add to my list"),
            ]),
        ]))
        return Layout.page(title: "Your medicines", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: content)
    }
}
