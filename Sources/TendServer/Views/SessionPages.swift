import Foundation

/// Sign-in and sign-out pages.
enum SessionPages {
    struct LoginForm: Sendable, Equatable {
        var email: String = ""
        var next: String? = nil
    }

    /// A calm message above the form (signed out, invitation accepted, too many attempts).
    struct Notice: Sendable, Equatable {
        enum Kind: String, Sendable { case info, warning }
        var kind: Kind
        var text: String
    }

    static func login(form: LoginForm, errors: FormErrors, notice: Notice?, csrf: String) -> String {
        Layout.page(title: "Sign in", viewer: nil, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            notice.map { notice in
                Markup.el("div", ["class": "notice notice--\(notice.kind.rawValue)", "role": notice.kind == .warning ? "alert" : "status"], [
                    .el("p", [:], [.txt(notice.text)]),
                ])
            } ?? .empty,
            .el("h1", [:], [.text("Sign in")]),
            .el("p", ["class": "lead"], [.text("Sign in with the e-mail address and password you chose when you joined.")]),
            FormComponents.form(action: SiteURL.login.path + (form.next.map { "?next=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""), csrf: csrf, [
                FormComponents.textField(.init(id: "email", label: "E-mail address", type: "email", value: form.email,
                                               autocomplete: "username", spellcheck: false), errors: errors),
                FormComponents.textField(.init(id: "password", label: "Password", type: "password",
                                               autocomplete: "current-password"), errors: errors),
                FormComponents.submit("Sign in"),
            ]),
            .el("p", ["class": "small"], [.text("Forgotten your password? Ask an administrator for a password reset link.")]),
        ])
    }

    static func logout(viewer: Viewer, csrf: String) -> String {
        Layout.page(title: "Sign out", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Sign out")]),
            .el("p", ["class": "lead"], [.text("Sign out of Tend on this device? Anything you have saved stays saved.")]),
            FormComponents.form(action: SiteURL.logout.path, csrf: csrf, [FormComponents.submit("Sign out")]),
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Go back to your home page")])]),
        ])
    }
}
