import Foundation

/// The form that moves a group's start date.
enum GroupStartPages {
    static func form(viewer: Viewer, groupID: UUID, groupName: String, selfPaced: Bool, value: String, errors: FormErrors,
                     csrf: String) -> String {
        Layout.page(title: "Change the start date", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("p", [:], [.el("a", ["href": SiteURL.group(.value(groupID)).path], [.text("Back to "), .txt(groupName)])]),
            .el("h1", [:], [.text("Change the start date")]),
            .el("p", [:], [.text(selfPaced
                ? "Members cannot start before this date. Reminders not yet sent are planned again."
                : "The meetings move with it, on the same weekday and time. Reminders not yet sent are planned again.")]),
            .el("p", [:], [.text("Study questionnaires counted from the start move too, except those already reminded about, started or sent in: they stay as they were.")]),
            FormComponents.form(action: SiteURL.groupStart(.value(groupID)).path, csrf: csrf, [
                FormComponents.textField(.init(id: "startDate", label: "Start date", type: "date", value: value,
                                               hint: "Year-month-day, like 2026-03-02."), errors: errors),
                FormComponents.submit("Save the start date"),
            ]),
        ])
    }
}
