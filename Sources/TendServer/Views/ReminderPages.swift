import Foundation
import TendCore

/// `/my/reminders`, `/my/notifications` and the unsubscribe pages.
enum ReminderPages {
    /// The reminder form as typed (or as stored): every value a string, so nothing typed is lost.
    struct Form: Sendable, Equatable {
        var weekdays: Set<Int> = []
        var practiceTime = "19:00"
        var meetingHourBefore = true
        var meetingDayBefore = false
        var releases = true
        var email = false
        var sms = false
        var phone = ""
        var quietStart = ""
        var quietEnd = ""
        var timeZone = "Europe/London"
    }

    /// Which channels besides the app this server can use.
    struct Channels: Sendable, Equatable {
        var email: Bool
        var sms: Bool
    }

    static func reminders(viewer: Viewer, form: Form, channels: Channels, errors: FormErrors, saved: Bool,
                          calendarLink: String?, csrf: String, usingDefaults: Bool = false) -> String {
        Layout.page(title: "Reminders", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Reminders")]),
            saved ? .el("div", ["class": "notice notice--success", "role": "status"], [
                .el("p", [:], [.text("Your reminder choices are saved.")]),
            ]) : .empty,
            .el("p", ["class": "lead"], [.text("Choose the reminders that help you, and when you would rather be left alone. You can change this at any time.")]),
            usingDefaults ? .el("p", ["class": "notice notice--info"], [
                .text("Until you save your choices, Tend reminds you here in the app an hour before each group meeting and when something new opens, and sends nothing by e-mail or text message."),
            ]) : .empty,
            FormComponents.form(action: SiteURL.myReminders.path, csrf: csrf, [
                .el("section", ["class": "panel", "aria-labelledby": "practice-heading"], [
                    .el("h2", ["id": "practice-heading"], [.text("Your own practice")]),
                    checkboxes(id: "weekdays", legend: "Days to remind you to practise",
                               hint: "Leave all unticked for no practice reminders.",
                               boxes: Weekday.allCases.map { day in
                                   Box(name: "weekday\(day.rawValue)", label: day.description, checked: form.weekdays.contains(day.rawValue))
                               }, errors: errors),
                    FormComponents.textField(.init(id: "practiceTime", label: "Time of day", type: "time", value: form.practiceTime,
                                                   hint: "On the 24-hour clock, like 19:30."), errors: errors),
                ]),
                .el("section", ["class": "panel", "aria-labelledby": "programme-heading"], [
                    .el("h2", ["id": "programme-heading"], [.text("Your group and programme")]),
                    checkboxes(id: "meetings", legend: "Before a group meeting", hint: nil, boxes: [
                        Box(name: "meetingHourBefore", label: "1 hour before", checked: form.meetingHourBefore),
                        Box(name: "meetingDayBefore", label: "The day before", checked: form.meetingDayBefore),
                    ], errors: errors),
                    checkboxes(id: "releasesGroup", legend: "When something new opens", hint: nil, boxes: [
                        Box(name: "releases", label: "When a new session, module or day's practice opens", checked: form.releases),
                    ], errors: errors),
                ]),
                .el("section", ["class": "panel", "aria-labelledby": "channels-heading"], [
                    .el("h2", ["id": "channels-heading"], [.text("How to reach you")]),
                    .el("p", [:], [.text("Reminders always appear in your notifications in Tend.")]),
                    channels.email || channels.sms
                        ? checkboxes(id: "channels", legend: "Also send them", hint: nil, boxes:
                            (channels.email ? [Box(name: "email", label: "By e-mail, to the address you sign in with", checked: form.email)] : [])
                            + (channels.sms ? [Box(name: "sms", label: "By text message", checked: form.sms)] : []), errors: errors)
                        : .empty,
                    channels.sms
                        ? FormComponents.textField(.init(id: "phone", label: "Mobile number for text messages", type: "tel", value: form.phone,
                                                         hint: "In international format, starting with + and the country code, like +447700900123.",
                                                         autocomplete: "tel"), errors: errors)
                        : .empty,
                ]),
                .el("section", ["class": "panel", "aria-labelledby": "quiet-heading"], [
                    .el("h2", ["id": "quiet-heading"], [.text("Quiet hours")]),
                    .el("p", [:], [.text("Nothing is sent in these hours; a reminder due then waits until they end. Leave both empty for none.")]),
                    FormComponents.textField(.init(id: "quietStart", label: "From", type: "time", value: form.quietStart,
                                                   hint: "Like 21:00."), errors: errors),
                    FormComponents.textField(.init(id: "quietEnd", label: "Until", type: "time", value: form.quietEnd,
                                                   hint: "Like 08:00."), errors: errors),
                    FormComponents.textField(.init(id: "timeZone", label: "Time zone", value: form.timeZone,
                                                   hint: "The times above are in this zone, like Europe/London.",
                                                   autocomplete: "off", spellcheck: false), errors: errors),
                ]),
                FormComponents.submit("Save reminder choices"),
            ]),
            .el("section", ["class": "panel", "aria-labelledby": "calendar-heading"], [
                .el("h2", ["id": "calendar-heading"], [.text("Add your sessions to your calendar")]),
                calendarLink.map { link in
                    Markup.group([
                        .el("p", [:], [.text("Subscribe to this address in your calendar app to see your group meetings and when new material opens. Keep it private: anyone with it can see those times.")]),
                        .el("p", [:], [.el("a", ["href": link], [.txt(link)])]),
                    ])
                } ?? .el("p", [:], [.text("Make a private link your calendar app can subscribe to, to see your group meetings and when new material opens.")]),
                .el("form", ["method": "post", "action": SiteURL.myCalendarLink.path], [
                    Layout.csrfInput(csrf),
                    .el("button", ["type": "submit", "class": "button button--secondary"], [
                        .text(calendarLink == nil ? "Make a calendar link" : "Make a new link (the old one stops working)"),
                    ]),
                ]),
            ]),
            .el("p", [:], [.el("a", ["href": SiteURL.myNotifications.path], [.text("Your notifications")])]),
        ])
    }

    struct Box {
        var name: String
        var label: String
        var checked: Bool
    }

    /// Checkboxes in a fieldset; the first box's id is the field id (for the error summary link).
    static func checkboxes(id: String, legend: String, hint: String?, boxes: [Box], errors: FormErrors) -> Markup {
        let error = errors.message(for: id)
        let hintID = hint == nil ? nil : id + "-hint"
        let errorID = error == nil ? nil : id + "-error"
        let describedBy = [hintID, errorID].compactMap { $0 }.joined(separator: " ")
        return .el("div", ["class": error == nil ? "field" : "field field--error"], [
            .el("fieldset", ["class": "fieldset", "aria-describedby": describedBy.isEmpty ? nil : describedBy], [
                .el("legend", ["class": "label"], [.txt(legend)]),
                hint.map { Markup.el("p", ["class": "hint", "id": hintID], [.txt($0)]) } ?? .empty,
                error.map { message in
                    Markup.el("p", ["class": "error-message", "id": errorID], [
                        .el("span", ["class": "visually-hidden"], [.text("Error: ")]), .txt(message),
                    ])
                } ?? .empty,
                .el("div", ["class": "radios"], boxes.enumerated().map { index, box in
                    let inputID = index == 0 ? id : box.name
                    return .el("div", ["class": "radio"], [
                        .void("input", ["class": "radio__input", "id": inputID, "name": box.name, "type": "checkbox", "value": "on",
                                        "checked": box.checked ? "checked" : nil]),
                        .el("label", ["class": "radio__label", "for": inputID], [.txt(box.label)]),
                    ])
                }),
            ]),
        ])
    }

    struct Line: Sendable, Equatable {
        var text: String
        var link: String?
        var when: String
        var unread: Bool
    }

    static func notifications(viewer: Viewer, lines: [Line], csrf: String) -> String {
        Layout.page(title: "Notifications", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Notifications")]),
            lines.isEmpty
                ? .el("p", [:], [.text("Nothing yet. Reminders you choose will appear here.")])
                : .el("ul", ["class": "notification-list"], lines.map { line in
                    .el("li", [:], [
                        line.unread ? .el("strong", [:], [.text("New: ")]) : .empty,
                        line.link.map { Markup.el("a", ["href": $0], [.txt(line.text)]) } ?? .txt(line.text),
                        .el("span", ["class": "small"], [.text(" "), .txt(line.when)]),
                    ])
                }),
            viewer.role == .participant
                ? .el("p", [:], [.el("a", ["href": SiteURL.myReminders.path], [.text("Choose your reminders")])])
                : .empty,
        ])
    }

    static func unsubscribe(kind: ReminderKind, action: String, done: Bool) -> String {
        Layout.page(title: done ? "Unsubscribed" : "Unsubscribe", viewer: nil, csrf: nil, content: done
            ? [
                .el("h1", [:], [.text("Unsubscribed")]),
                .el("p", [:], [.text("You will get no more \(kind.description). You can turn them back on when you sign in, under Reminders.")]),
            ]
            : [
                .el("h1", [:], [.text("Unsubscribe")]),
                .el("p", [:], [.text("Stop \(kind.description)? Your other reminders stay as they are.")]),
                .el("form", ["method": "post", "action": action], [
                    .el("button", ["type": "submit", "class": "button"], [.text("Stop \(kind.description)")]),
                ]),
            ])
    }
}
