
/// Creating an account: the first admin (setup link) and invited staff (invitation link).
enum AccountPages {
    struct SetupForm: Sendable, Equatable {
        var name: String = ""
        var email: String = ""
    }

    static let passwordHint = "At least \(PasswordPolicy.minimumLength) characters. A few unrelated words make a strong password that is easy to remember."

    static func setup(token: String, form: SetupForm, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Set up Tend", viewer: nil, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Set up Tend")]),
            .el("p", ["class": "lead"], [.text("Create the first administrator account. You can then invite facilitators and researchers.")]),
            FormComponents.form(action: SiteURL.setup(.value(token)).path, csrf: csrf, [
                FormComponents.textField(.init(id: "name", label: "Your name", value: form.name, autocomplete: "name"), errors: errors),
                FormComponents.textField(.init(id: "email", label: "E-mail address", type: "email", value: form.email,
                                               hint: "You will sign in with this address.", autocomplete: "email", spellcheck: false), errors: errors),
                FormComponents.textField(.init(id: "password", label: "Choose a password", type: "password",
                                               hint: passwordHint, autocomplete: "new-password"), errors: errors),
                FormComponents.textField(.init(id: "confirm", label: "Type the password again", type: "password",
                                               autocomplete: "new-password"), errors: errors),
                FormComponents.submit("Create administrator account"),
            ]),
        ])
    }

    struct InvitationForm: Sendable, Equatable {
        var name: String = ""
    }

    static func acceptInvitation(token: String, email: String, role: Role, form: InvitationForm, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Join Tend", viewer: nil, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Join Tend")]),
            .el("p", ["class": "lead"], [
                .text("You have been invited to join as a "), .el("strong", [:], [.txt(role.displayName.lowercased())]),
                .text(". You will sign in with "), .el("strong", [:], [.txt(email)]), .text("."),
            ]),
            FormComponents.form(action: SiteURL.invitation(.value(token)).path, csrf: csrf, [
                FormComponents.textField(.init(id: "name", label: "Your name", value: form.name,
                                               hint: "As colleagues know you. Participants may see it.", autocomplete: "name"), errors: errors),
                FormComponents.textField(.init(id: "password", label: "Choose a password", type: "password",
                                               hint: passwordHint, autocomplete: "new-password"), errors: errors),
                FormComponents.textField(.init(id: "confirm", label: "Type the password again", type: "password",
                                               autocomplete: "new-password"), errors: errors),
                FormComponents.submit("Create my account"),
            ]),
        ])
    }
}
