import Foundation

/// The admin's list of accounts, the issued reset link, and the page where a person chooses a new password.
enum PasswordResetPages {
    struct Person: Sendable, Equatable {
        var id: UUID
        var name: String
        var email: String
        var role: Role
        var created: Date?
    }

    static func people(viewer: Viewer, people: [Person], csrf: String) -> String {
        Layout.page(title: "People", viewer: viewer, csrf: csrf, content: [
            .el("p", ["class": "breadcrumb"], [.el("a", ["href": SiteURL.home.path], [.text("Administration")])]),
            .el("h1", [:], [.text("People")]),
            .el("p", ["class": "lead"], [.text("Everyone with an account. If someone cannot sign in, create a password reset link and give it to them. It works once, for 24 hours, and replaces any earlier link.")]),
            .el("div", ["class": "table-scroll", "role": "region", "aria-label": "Accounts", "tabindex": "0"], [
                .el("table", ["class": "table"], [
                    .el("caption", ["class": "visually-hidden"], [.text("Accounts")]),
                    .el("thead", [:], [.el("tr", [:], [
                        .el("th", ["scope": "col"], [.text("Name")]),
                        .el("th", ["scope": "col"], [.text("E-mail")]),
                        .el("th", ["scope": "col"], [.text("Role")]),
                        .el("th", ["scope": "col"], [.text("Created")]),
                        .el("th", ["scope": "col"], [.text("Password")]),
                    ])]),
                    .el("tbody", [:], people.map { person in
                        .el("tr", [:], [
                            .el("th", ["scope": "row"], [.txt(person.name)]),
                            .el("td", [:], [.txt(person.email)]),
                            .el("td", [:], [.txt(person.role.displayName)]),
                            .el("td", ["class": "nowrap"], [.txt(person.created.map(Layout.format) ?? "–")]),
                            .el("td", [:], [
                                .el("form", ["method": "post", "action": SiteURL.accountResetLink(.value(person.id)).path, "class": "inline-form"], [
                                    Layout.csrfInput(csrf),
                                    .el("button", ["type": "submit", "class": "button button--quiet"], [
                                        .text("Create reset link"),
                                        .el("span", ["class": "visually-hidden"], [.text(" for "), .txt(person.name)]),
                                    ]),
                                ]),
                            ]),
                        ])
                    }),
                ]),
            ]),
        ])
    }

    static func issued(viewer: Viewer, name: String, email: String, issued: PasswordResets.Issued, backPath: String, csrf: String) -> String {
        Layout.page(title: "Password reset link", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Password reset link for "), .txt(name)]),
            .el("div", ["class": "notice notice--success", "role": "status"], [
                .el("p", [:], [
                    .text("Give this link to "), .el("strong", [:], [.txt(name)]), .text(" ("), .txt(email),
                    .text(") in a way only they will see. It is shown only now; it works once and expires "),
                    .txt(Layout.format(issued.expires)), .text(". Any earlier reset link for them no longer works."),
                ]),
                .el("label", ["class": "label", "for": "reset-link"], [.text("Password reset link")]),
                .void("input", ["class": "input input--code", "id": "reset-link", "type": "text", "readonly": "readonly", "value": issued.link]),
            ]),
            .el("p", [:], [.text("When they choose a new password, they are signed out everywhere else.")]),
            .el("p", [:], [.el("a", ["href": backPath], [.text("Back")])]),
        ])
    }

    static func choose(token: String, email: String, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Choose a new password", viewer: nil, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Choose a new password")]),
            .el("p", ["class": "lead"], [
                .text("For the account "), .el("strong", [:], [.txt(email)]),
                .text(". When you save it, you are signed in here and signed out on every other device."),
            ]),
            FormComponents.form(action: SiteURL.passwordReset(.value(token)).path, csrf: csrf, [
                FormComponents.textField(.init(id: "password", label: "New password", type: "password",
                                               hint: AccountPages.passwordHint, autocomplete: "new-password"), errors: errors),
                FormComponents.textField(.init(id: "confirm", label: "Type the new password again", type: "password",
                                               autocomplete: "new-password"), errors: errors),
                FormComponents.submit("Save my new password"),
            ]),
        ])
    }
}
