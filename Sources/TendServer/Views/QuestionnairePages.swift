import Foundation

/// A participant's questionnaire, one question per screen: progress, the question, its answers as
/// large radio buttons, Back and Next; then a review of every answer and Submit; then a thank-you.
enum QuestionnairePages {
    struct Option: Sendable, Equatable {
        var value: Int
        var label: String
    }

    struct ItemScreen: Sendable, Equatable {
        var assignmentID: UUID
        var title: String
        var number: Int
        var count: Int
        var wording: String
        /// False when no wording pack is installed and `wording` is our own short label.
        var officialWording: Bool
        var recallPeriod: String?
        var options: [Option]
        var selected: Int?
        /// The answer as typed when it was rejected (kept on the page).
        var rejected: String?
        var closes: String
    }

    struct ReviewRow: Sendable, Equatable {
        var number: Int
        var wording: String
        var answer: String?
    }

    static func wordingNotice() -> Markup {
        .el("div", ["class": "notice", "role": "note"], [
            .el("p", [:], [.text("The official wording of this questionnaire is not installed here, so each question is shown by a short description of what it asks about. Answer as best you can; your team can tell you more.")]),
        ])
    }

    static func progress(number: Int, count: Int) -> Markup {
        .group([
            .el("p", ["class": "small", "id": "progress-text"], [.txt("Question \(number) of \(count)")]),
            .el("progress", ["value": String(number), "max": String(count), "aria-labelledby": "progress-text"], [.txt("\(number) of \(count)")]),
        ])
    }

    /// "Question 3: wording", or just "Question 3" when there is no wording beyond the number.
    static func heading(_ number: Int, _ wording: String) -> String {
        wording == "Question \(number)" ? wording : "Question \(number): \(wording)"
    }

    static func item(viewer: Viewer, screen: ItemScreen, errors: FormErrors, csrf: String) -> String {
        let path = SiteURL.myQuestionnaire(.value(screen.assignmentID)).path
        let legend = heading(screen.number, screen.wording)
        let selected = screen.rejected ?? screen.selected.map(String.init)
        return Layout.page(title: "\(screen.title), question \(screen.number) of \(screen.count)", viewer: viewer, csrf: csrf,
                           hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.txt(screen.title)]),
            .el("div", ["class": "questionnaire"], [
                progress(number: screen.number, count: screen.count),
                screen.officialWording ? .empty : wordingNotice(),
                screen.recallPeriod.map { Markup.el("p", [:], [.txt("Think about " + $0 + ".")]) } ?? .empty,
                FormComponents.form(action: path, csrf: csrf, [
                    .void("input", ["type": "hidden", "name": "item", "value": String(screen.number)]),
                    FormComponents.radios(id: "answer", legend: legend,
                                          choices: screen.options.map { .init(value: String($0.value), label: $0.label) },
                                          selected: selected,
                                          hint: "Each answer is saved as you go, so you can stop and come back later, on any device.",
                                          errors: errors),
                    .el("div", ["class": "button-group"], [
                        .el("button", ["type": "submit", "class": "button", "name": "move", "value": "next"],
                            [.text(screen.number == screen.count ? "Save and review your answers" : "Save and go to the next question")]),
                        screen.number > 1
                            ? .el("button", ["type": "submit", "class": "button button--secondary", "name": "move", "value": "back"],
                                  [.text("Save and go back")])
                            : .empty,
                    ]),
                ]),
            ]),
            .el("p", ["class": "small"], [.txt("You can fill this in until \(screen.closes). You may leave a question out if you prefer not to answer it.")]),
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
        ])
    }

    static func review(viewer: Viewer, assignmentID: UUID, title: String, rows: [ReviewRow], closes: String, csrf: String) -> String {
        let unanswered = rows.filter { $0.answer == nil }.count
        let path = SiteURL.myQuestionnaire(.value(assignmentID)).path
        return Layout.page(title: "\(title): check your answers", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.txt(title), .text(": check your answers")]),
            unanswered == 0
                ? .el("p", [:], [.text("You have answered every question. Change any answer, or submit when you are ready.")])
                : .el("p", [:], [.txt("\(unanswered) question\(unanswered == 1 ? " is" : "s are") not answered. You can go back to them, or submit as it is.")]),
            .el("dl", ["class": "summary-list"], rows.flatMap { row -> [Markup] in
                [
                    .el("dt", [:], [.txt(heading(row.number, row.wording))]),
                    .el("dd", [:], [
                        .txt(row.answer ?? "Not answered"), .text(" "),
                        .el("a", ["href": path + "?item=\(row.number)"], [
                            .text("Change"), .el("span", ["class": "visually-hidden"], [.txt(" the answer to question \(row.number)")]),
                        ]),
                    ]),
                ]
            }),
            FormComponents.form(action: SiteURL.myQuestionnaireSubmit(.value(assignmentID)).path, csrf: csrf, [
                FormComponents.submit("Submit your answers"),
            ]),
            .el("p", ["class": "small"], [.txt("You can fill this in until \(closes).")]),
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
        ])
    }

    static func done(viewer: Viewer, title: String, late: Bool, urgentHelp: String?, csrf: String) -> String {
        Layout.page(title: "\(title): thank you", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Thank you")]),
            .el("p", ["class": "lead"], [.txt("Your answers to the \(title) have been saved.")]),
            late ? .el("p", [:], [.text("It arrived after the closing date, and it still helps. Thank you for sending it.")]) : .empty,
            urgentHelp.map { text in
                Markup.el("section", ["class": "panel panel--highlight", "aria-labelledby": "help-heading"], [
                    .el("h2", ["id": "help-heading"], [.text("If you need help now")]),
                    .el("p", [:], [.txt(text)]),
                    .el("p", [:], [.text("Someone from your team will also look at your answers.")]),
                ])
            } ?? .empty,
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
        ])
    }

    static func notOpen(viewer: Viewer, title: String, opens: String, csrf: String) -> String {
        Layout.page(title: title, viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.txt(title)]),
            .el("p", [:], [.txt("This questionnaire opens on \(opens). There is nothing to do until then.")]),
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
        ])
    }
}
