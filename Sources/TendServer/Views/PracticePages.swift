import Foundation
import TendCore

/// The practice log: a short form first, then the participant's weeks as a calm chart and a list of
/// recent entries. Wording counts what was done (days practised, minutes, the longest run of days) and
/// never what was missed.
enum PracticePages {
    struct Form: Sendable, Equatable {
        var date: String = ""
        var exercise: String = ""
        var minutes: String = ""
        var feeling: String = ""
        var note: String = ""
    }

    struct EntryRow: Sendable, Equatable {
        var id: UUID
        var day: String
        var what: String
        var minutes: Int
        var feeling: Int?
        var note: String?
    }

    struct History: Sendable {
        var summary: PracticeSummary
        var recent: [EntryRow]
        var count: Int
        var dayWords: @Sendable (LocalDate) -> String
    }

    /// How many entries the page lists.
    static let recentCount = 20

    /// The form's fields as the error messages name them.
    static let labels = ["date": "Date", "exercise": "Practice", "minutes": "Minutes", "feeling": "How it felt", "note": "Note"]

    private static func fields(_ form: Form, options: [PracticeFormFields.Option], errors: FormErrors, today: String) -> [Markup] {
        [
            PracticeFormFields.select(id: "exercise", label: "What did you practise?", options: options, selected: form.exercise,
                                      hint: "Choose one from your programme, or “something else” for a practice of your own.", errors: errors),
            PracticeFormFields.number(id: "minutes", label: "How many minutes?", value: form.minutes,
                                      hint: "A rough number is fine. A few minutes counts too.", errors: errors),
            PracticeFormFields.number(id: "feeling", label: "How did it feel? (optional)", value: form.feeling,
                                      hint: "From 0 to 10. 0 means very hard, 10 means very helpful.", errors: errors),
            PracticeFormFields.date(id: "date", label: "Which day?", value: form.date,
                                    hint: "Today is filled in. You can choose a day in the last \(PracticeEntry.maximumDaysBack) days.",
                                    max: today, errors: errors),
            PracticeFormFields.textArea(id: "note", label: "A note for yourself (optional)", value: form.note,
                                        hint: "Only you can see this.", rows: 3, errors: errors),
        ]
    }

    static func notice(_ text: String?) -> Markup {
        text.map { Markup.el("div", ["class": "notice notice--success", "role": "status"], [.el("p", [:], [.txt($0)])]) } ?? .empty
    }

    /// The log's page; the form autosaves under ``PracticeController/draftKey`` for `owner`.
    static func page(viewer: Viewer, form: Form, options: [PracticeFormFields.Option], errors: FormErrors, history: History,
                     notice text: String?, today: String, csrf: String, owner: UUID) -> String {
        Layout.page(title: "Your practice", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Your practice")]),
            .el("p", ["class": "lead"], [.text("Write down the practice you do between sessions. Any amount is worth noting. There is no right amount.")]),
            notice(text),
            .el("section", ["class": "panel", "aria-labelledby": "log-heading"], [
                .el("h2", ["id": "log-heading"], [.text("Add a practice")]),
                Autosave.form(key: PracticeController.draftKey, action: SiteURL.myPractice.path, csrf: csrf, owner: owner,
                              fields(form, options: options, errors: errors, today: today) + [FormComponents.submit("Save this practice")]),
            ]),
            historySection(history),
        ], scripts: [Autosave.script])
    }

    private static func historySection(_ history: History) -> Markup {
        let summary = history.summary
        guard history.count > 0 else {
            return .el("section", ["aria-labelledby": "history-heading"], [
                .el("h2", ["id": "history-heading"], [.text("Your practice so far")]),
                .el("p", [:], [.text("Nothing here yet. Each time you practise, add it above, and your weeks will show here.")]),
            ])
        }
        var lines: [Markup] = [
            .el("p", [:], [.txt("In the last 7 days you practised on \(summary.daysInLastSeven) \(summary.daysInLastSeven == 1 ? "day" : "days").")]),
            .el("p", [:], [.txt("All together: \(summary.totalMinutes) minutes.")]),
        ]
        if summary.longestRun > 1 {
            lines.append(.el("p", [:], [.txt("Your longest run so far: \(summary.longestRun) days in a row.")]))
        }
        if let last = summary.lastPractised {
            lines.append(.el("p", [:], [.txt("Your last practice: \(history.dayWords(last)).")]))
        }
        return .el("section", ["aria-labelledby": "history-heading"], [
            .el("h2", ["id": "history-heading"], [.text("Your practice so far")]),
            .group(lines),
            .el("div", ["class": "chart"], [.raw(PracticeCharts.weeklyMinutes(summary.weeks, id: "weekly-minutes"))]),
            .el("div", ["class": "table-scroll", "tabindex": "0", "role": "region", "aria-labelledby": "weeks-caption"], [
                .el("table", ["class": "table"], [
                    .el("caption", ["id": "weeks-caption", "class": "label"], [.text("Each week")]),
                    .el("thead", [:], [.el("tr", [:], [
                        .el("th", ["scope": "col"], [.text("Week starting")]),
                        .el("th", ["scope": "col"], [.text("Days practised")]),
                        .el("th", ["scope": "col"], [.text("Minutes")]),
                    ])]),
                    .el("tbody", [:], summary.weeks.reversed().map { week in
                        .el("tr", [:], [
                            .el("td", [:], [.txt(history.dayWords(week.weekStarting))]),
                            .el("td", [:], [.txt(String(week.daysPractised))]),
                            .el("td", [:], [.txt(String(week.minutes))]),
                        ])
                    }),
                ]),
            ]),
            .el("h2", ["id": "recent-heading"], [.text("Recent entries")]),
            .el("ul", ["class": "record-list", "aria-labelledby": "recent-heading"], history.recent.map(entryItem)),
        ])
    }

    private static func entryItem(_ row: EntryRow) -> Markup {
        var details = "\(row.minutes) \(row.minutes == 1 ? "minute" : "minutes")"
        if let feeling = row.feeling { details += ", felt \(feeling) out of 10" }
        return .el("li", [:], [
            .el("p", ["class": "record-list__title"], [.el("strong", [:], [.txt(row.day)]), .text(": "), .txt(row.what)]),
            .el("p", [:], [.txt(details)]),
            row.note.map { Markup.el("p", ["class": "record-list__note"], [.txt($0)]) } ?? .empty,
            .el("p", [:], [.el("a", ["href": SiteURL.myPracticeEntry(.value(row.id)).path], [
                .text("Change or delete"), .el("span", ["class": "visually-hidden"], [.txt(" the entry for " + row.day)]),
            ])]),
        ])
    }

    static func edit(viewer: Viewer, id: UUID, form: Form, options: [PracticeFormFields.Option], errors: FormErrors,
                     today: String, csrf: String) -> String {
        Layout.page(title: "Change a practice", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.myPractice.path], [.text("Back to your practice")])]),
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Change a practice")]),
            FormComponents.form(action: SiteURL.myPracticeEntry(.value(id)).path, csrf: csrf,
                                fields(form, options: options, errors: errors, today: today) + [FormComponents.submit("Save the change")]),
            .el("h2", [:], [.text("Delete this entry")]),
            .el("p", [:], [.text("This removes the entry from your practice. It cannot be undone.")]),
            .el("form", ["method": "post", "action": SiteURL.myPracticeDelete(.value(id)).path], [
                Layout.csrfInput(csrf),
                .el("button", ["type": "submit", "class": "button button--warning"], [.text("Delete this entry")]),
            ]),
        ])
    }
}
