import Foundation

/// Check-in pages: a participant's conversation with their facilitator, a group's list of
/// conversations, and one conversation for staff. Unread messages are marked in words, not colour.
enum CheckInPages {
    /// Longest message accepted (longer is refused, never cut).
    static let maximumLength = 2000
    static let fieldID = "message"

    struct Message: Sendable, Equatable {
        /// "You", "Alex (facilitator)", "Sam".
        var from: String
        var mine: Bool
        var sent: Date
        var body: String
        /// Not yet seen by the person looking at the page.
        var isNew: Bool
    }

    struct ListRow: Sendable, Equatable {
        var memberID: String
        var name: String
        var studyCode: String
        var joined: Bool
        var unread: Int
        var waitingSince: Date?
        var lastMessageAt: Date?
    }

    /// "2,000".
    static var maximumLengthText: String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.numberStyle = .decimal
        return formatter.string(from: NSNumber(value: maximumLength)) ?? String(maximumLength)
    }

    static func hint() -> String { "Up to \(maximumLengthText) characters." }

    // MARK: Participant

    /// The participant's conversation; the form autosaves under ``CheckInController/draftKey`` for `owner`.
    static func participant(viewer: Viewer, facilitator: String, messages: [Message], draft: String, errors: FormErrors,
                            csrf: String, owner: UUID) -> String {
        let newCount = messages.filter(\.isNew).count
        return Layout.page(title: "Check-ins", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
            .el("h1", [:], [.text("Check-ins")]),
            .el("p", ["class": "lead"], [
                .text("Messages between you and "), .txt(facilitator),
                .text(", who runs your group. Only the two of you and the service's administrators can read them."),
            ]),
            .el("p", ["class": "small"], [
                .text("This is not for emergencies: replies can take a day or two. If you are in crisis, contact your local emergency number."),
            ]),
            newCount == 0 ? .empty : .el("p", ["role": "status"], [
                .el("strong", [:], [.txt(newCount == 1 ? "1 new message" : "\(newCount) new messages")]),
                .text(" (marked “New” below)."),
            ]),
            conversation(messages, empty: "No messages yet. You can write to \(facilitator) here whenever you like."),
            composer(action: SiteURL.myCheckIns.path, label: "Your message to \(facilitator)", draft: draft, errors: errors,
                     button: "Send message", csrf: csrf, autosave: (CheckInController.draftKey, owner)),
        ], scripts: [Autosave.script])
    }

    // MARK: Staff

    static func staffList(viewer: Viewer, groupID: UUID, groupName: String, rows: [ListRow], csrf: String) -> String {
        Layout.page(title: "Check-ins – " + groupName, viewer: viewer, csrf: csrf, content: [
            .el("p", [:], [.el("a", ["href": SiteURL.group(.value(groupID)).path], [.text("Back to "), .txt(groupName)])]),
            .el("h1", [:], [.text("Check-ins: "), .txt(groupName)]),
            rows.isEmpty ? .el("p", [:], [.text("No one is on the roster yet.")]) : .el("ul", ["class": "card-list"], rows.map { row in
                .el("li", ["class": "panel"], [
                    .el("h2", ["class": "card-list__title"], [
                        .el("a", ["href": SiteURL.memberCheckIns(.value(groupID), .value(row.memberID)).path], [.txt(row.name)]),
                        .text(" "), .el("span", ["class": "small"], [.text("("), .txt(row.studyCode), .text(")")]),
                    ]),
                    .el("p", [:], [.txt(statusText(row))]),
                ])
            }),
        ])
    }

    static func statusText(_ row: ListRow) -> String {
        var parts: [String] = []
        parts.append(row.unread == 0 ? "No unread messages" : row.unread == 1 ? "1 unread message" : "\(row.unread) unread messages")
        if let waiting = row.waitingSince {
            parts.append("waiting for a reply since " + Layout.format(waiting))
        } else if let last = row.lastMessageAt {
            parts.append("last message " + Layout.format(last))
        } else if !row.joined {
            parts.append("not joined yet")
        } else {
            parts.append("no messages yet")
        }
        return parts.joined(separator: "; ") + "."
    }

    static func staffConversation(viewer: Viewer, groupID: UUID, groupName: String, memberID: String, memberName: String,
                                  studyCode: String, joined: Bool, messages: [Message], draft: String, errors: FormErrors,
                                  csrf: String, autosave: (key: String, owner: UUID)) -> String {
        Layout.page(title: "Check-ins with " + memberName, viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("p", [:], [.el("a", ["href": SiteURL.groupCheckIns(.value(groupID)).path], [.text("Back to check-ins for "), .txt(groupName)])]),
            .el("h1", [:], [.text("Check-ins with "), .txt(memberName)]),
            .el("p", ["class": "small"], [.text("Study code "), .txt(studyCode), .text(". Reading this conversation is recorded in the audit trail.")]),
            joined ? .empty : .el("p", [:], [.text("They have not joined yet: they will see your messages once they do.")]),
            conversation(messages, empty: "No messages yet."),
            composer(action: SiteURL.memberCheckIns(.value(groupID), .value(memberID)).path, label: "Your reply to \(memberName)",
                     draft: draft, errors: errors, button: "Send reply", csrf: csrf, autosave: autosave),
        ], scripts: [Autosave.script])
    }

    // MARK: Links from other pages

    /// On a group's page: the group at a glance and its check-ins.
    static func groupLinks(groupID: UUID) -> Markup {
        .el("p", [:], [
            .el("a", ["href": SiteURL.groupOverview(.value(groupID)).path], [.text("The group at a glance")]),
            .text(" · "),
            .el("a", ["href": SiteURL.groupCheckIns(.value(groupID)).path], [.text("Check-ins")]),
        ])
    }

    // MARK: Parts

    private static func conversation(_ messages: [Message], empty: String) -> Markup {
        guard !messages.isEmpty else { return .el("p", [:], [.txt(empty)]) }
        return .el("section", ["aria-labelledby": "conversation-heading"], [
            .el("h2", ["id": "conversation-heading", "class": "visually-hidden"], [.text("Messages, oldest first")]),
            .el("ol", ["class": "messages"], messages.enumerated().map { index, message in
                .el("li", ["class": message.mine ? "message message--mine" : "message",
                           "id": index == messages.count - 1 ? "latest" : nil], [
                    .el("p", ["class": "message__meta"], [
                        message.isNew ? .el("strong", ["class": "message__new"], [.text("New. ")]) : .empty,
                        .el("span", [:], [.txt(message.from)]), .text(", "), .txt(Layout.format(message.sent)),
                    ]),
                    .el("p", ["class": "message__body"], [.txt(message.body)]),
                ])
            }),
        ])
    }

    /// The message form; with `autosave`, it autosaves under that key for that person.
    private static func composer(action: String, label: String, draft: String, errors: FormErrors, button: String,
                                 csrf: String, autosave: (key: String, owner: UUID)? = nil) -> Markup {
        let fields: [Markup] = [
            textarea(id: fieldID, label: label, value: draft, hint: hint(), errors: errors),
            FormComponents.submit(button),
        ]
        return .el("section", ["class": "panel", "aria-labelledby": "compose-heading"], [
            .el("h2", ["id": "compose-heading"], [.text("Write a message")]),
            autosave.map { Autosave.form(key: $0.key, action: action, csrf: csrf, owner: $0.owner, fields) }
                ?? FormComponents.form(action: action, csrf: csrf, fields),
        ])
    }

    /// A labelled text area with its hint and error referenced from `aria-describedby`.
    static func textarea(id: String, label: String, value: String, hint: String?, rows: Int = 6, errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        let hintID = hint == nil ? nil : id + "-hint"
        let errorID = error == nil ? nil : id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("label", ["class": "label", "for": id], [.txt(label)]),
            hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty,
            error.map { message in
                Markup.el("p", ["class": "error-message", "id": errorID], [
                    .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                ])
            } ?? .empty,
            .el("textarea", ["class": error == nil ? "textarea" : "textarea textarea--error", "id": id, "name": id,
                             "rows": String(rows), "aria-describedby": describedBy.isEmpty ? nil : describedBy,
                             "aria-invalid": error == nil ? nil : "true"], [.text(value)]),
        ])
    }

    /// The problem with a message, if any: empty, or longer than ``maximumLength``.
    static func problem(with text: String) -> String? {
        if text.isEmpty { return "Write your message before sending it" }
        if text.count > maximumLength {
            return "Message must be \(maximumLengthText) characters or fewer; this one has \(text.count)"
        }
        return nil
    }
}
