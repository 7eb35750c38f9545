import Foundation
import TendCore

/// The self-critical thought tool and the participant's collection. The words are gentle on purpose:
/// the inner critic is treated as something that is trying to protect, never as a fault.
enum ThoughtPages {
    struct Form: Sendable, Equatable {
        var date: String = ""
        var thought: String = ""
        var situation: String = ""
        var criticFears: String = ""
        var wise: String = ""
        var strong: String = ""
        var caring: String = ""
        var distressBefore: String = ""
        var distressAfter: String = ""
        /// The diary entry whose thought is being answered, if any.
        var fromDiary: String = ""
    }

    struct ListItem: Sendable, Equatable {
        var id: UUID
        var day: String
        var thought: String
        var status: String
    }

    static let labels = ["date": "Date", "thought": "The harsh thought", "situation": "What was happening",
                         "criticFears": "What your critic fears", "wise": "Wise answer", "strong": "Strong answer",
                         "caring": "Caring answer", "distressBefore": "How upsetting before", "distressAfter": "How upsetting after"]

    static func status(_ record: ThoughtRecord) -> String {
        if record.fromDiary { return "From your diary. Not answered yet." }
        return record.isAnswered ? "Answered" : "Not answered yet"
    }

    static func page(viewer: Viewer, form: Form, errors: FormErrors, query: String, items: [ListItem], total: Int,
                     today: String, csrf: String, owner: UUID) -> String {
        var fields: [Markup] = [
            PracticeFormFields.textArea(id: "thought", label: "The harsh thought", value: form.thought,
                                        hint: "Write it the way it sounds in your head, for example “I’m a burden”.", rows: 2, errors: errors),
            PracticeFormFields.textArea(id: "situation", label: "What was happening? (optional)", value: form.situation,
                                        hint: "Where you were, what you were doing, how your body felt.", rows: 2, errors: errors),
            PracticeFormFields.number(id: "distressBefore", label: "How upsetting is it right now? (optional)", value: form.distressBefore,
                                      hint: "From 0 to 10. 0 means not at all, 10 means as upsetting as it gets.", errors: errors),
            PracticeFormFields.textArea(id: "criticFears", label: "What might your critic be afraid of? (optional)", value: form.criticFears,
                                        hint: "Often the critic is trying to protect you, for example from being let down or left out.",
                                        rows: 2, errors: errors),
            .el("h3", [:], [.text("Your compassionate self answers")]),
            .el("p", [:], [.text("Imagine the kindest, wisest part of you, or someone who cares about you. What would they say? Answer one, two or all three.")]),
            PracticeFormFields.textArea(id: "wise", label: "Wise: what do you understand about why this is hard?", value: form.wise,
                                        hint: nil, rows: 2, errors: errors),
            PracticeFormFields.textArea(id: "strong", label: "Strong: what would help, even if it takes courage?", value: form.strong,
                                        hint: nil, rows: 2, errors: errors),
            PracticeFormFields.textArea(id: "caring", label: "Caring: what would a warm friend say to you?", value: form.caring,
                                        hint: nil, rows: 2, errors: errors),
            PracticeFormFields.number(id: "distressAfter", label: "And now, how upsetting is it? (optional)", value: form.distressAfter,
                                      hint: "From 0 to 10. Any change is fine, and so is no change.", errors: errors),
            PracticeFormFields.date(id: "date", label: "Which day?", value: form.date, hint: "Today is filled in.", max: today, errors: errors),
        ]
        if !form.fromDiary.isEmpty {
            fields.insert(.void("input", ["type": "hidden", "name": "fromDiary", "value": form.fromDiary]), at: 0)
        }
        fields.append(FormComponents.submit("Save to my collection"))
        return Layout.page(title: "Harsh thoughts, kinder answers", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Harsh thoughts, kinder answers")]),
            .el("p", ["class": "lead"], [.text("Most of us have an inner critic. It often gets louder when we are in pain or tired. Here you can write down a harsh thought and answer it the way a wise, strong and caring friend would. There are no wrong answers.")]),
            .el("section", ["class": "panel", "id": "tool", "aria-labelledby": "tool-heading"], [
                .el("h2", ["id": "tool-heading"], [.text("Work with a thought")]),
                Autosave.form(key: ThoughtController.draftKey, action: SiteURL.myThoughts.path, csrf: csrf, owner: owner, fields),
            ]),
            collection(query: query, items: items, total: total),
        ], scripts: [Autosave.script])
    }

    private static func collection(query: String, items: [ListItem], total: Int) -> Markup {
        var content: [Markup] = [.el("h2", ["id": "collection-heading"], [.text("Your collection")])]
        guard total > 0 else {
            content.append(.el("p", [:], [.text("Nothing here yet. Thoughts you save above, and the ones you tick in your diary, will be kept here for you.")]))
            return .el("section", ["aria-labelledby": "collection-heading"], content)
        }
        content.append(.el("form", ["method": "get", "action": SiteURL.myThoughts.path, "role": "search", "class": "search-form"], [
            .el("div", ["class": "field"], [
                .el("label", ["class": "label", "for": "q"], [.text("Search your thoughts and answers")]),
                .void("input", ["class": "input", "id": "q", "name": "q", "type": "search", "value": query.isEmpty ? nil : query]),
            ]),
            .el("button", ["type": "submit", "class": "button button--secondary"], [.text("Search")]),
        ]))
        if !query.isEmpty {
            content.append(.el("p", ["role": "status"], [
                .txt(items.isEmpty ? "Nothing found for “\(query)”. " : "\(items.count) found for “\(query)”. "),
                .el("a", ["href": SiteURL.myThoughts.path], [.text("Show everything")]),
            ]))
        }
        content.append(.el("ul", ["class": "record-list", "aria-labelledby": "collection-heading"], items.map { item in
            .el("li", [:], [
                .el("p", ["class": "record-list__title"], [.el("a", ["href": SiteURL.myThought(.value(item.id)).path], [.txt(item.thought)])]),
                .el("p", ["class": "small"], [.txt(item.day + ". " + item.status)]),
            ])
        }))
        return .el("section", ["aria-labelledby": "collection-heading"], content)
    }

    static func item(viewer: Viewer, id: UUID, day: String, record: ThoughtRecord, saved: Bool, csrf: String) -> String {
        func row(_ label: String, _ value: String?) -> Markup {
            guard let value else { return .empty }
            return .group([.el("dt", [:], [.txt(label)]), .el("dd", [:], [.txt(value)])])
        }
        var distress: String?
        switch (record.distressBefore, record.distressAfter) {
        case let (before?, after?): distress = "\(before) out of 10 before, \(after) out of 10 after"
        case let (before?, nil): distress = "\(before) out of 10 before"
        case let (nil, after?): distress = "\(after) out of 10 after"
        case (nil, nil): distress = nil
        }
        var content: [Markup] = [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.myThoughts.path], [.text("Back to your collection")])]),
            saved ? PracticePages.notice("Saved to your collection. Well done for staying with a hard thought.") : .empty,
            .el("h1", [:], [.txt("A thought from " + day)]),
            .el("dl", ["class": "summary-list"], [
                row("The harsh thought", record.thought),
                row("What was happening", record.situation),
                row("What your critic fears", record.criticFears),
                row("Wise", record.wiseResponse),
                row("Strong", record.strongResponse),
                row("Caring", record.caringResponse),
                row("How upsetting", distress),
            ]),
        ]
        if record.fromDiary {
            content.append(.el("p", [:], [.text("You noticed this thought in your diary. When you feel ready, you can answer it.")]))
            content.append(.el("p", [:], [.el("a", ["class": "button", "href": SiteURL.myThoughts.path + "?from=" + id.uuidString.lowercased() + "#tool"],
                                             [.text("Answer it with the thought tool")])]))
        }
        // The tool's form redirects here once saved: the script forgets the copy kept on the device.
        return Layout.page(title: "A thought from " + day, viewer: viewer, csrf: csrf, content: content, scripts: [Autosave.script])
    }
}
