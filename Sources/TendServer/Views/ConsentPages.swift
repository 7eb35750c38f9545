import Foundation
import TendCore

/// The participant's study pages: the study invitation, the consent form and the home page's request to
/// consent again. They name the study by its public title only, never an arm.
enum ConsentPages {
    struct Signed: Sendable, Equatable {
        var version: String
        var signedAt: Date
    }

    static func join(token: String, publicTitle: String, name: String = "", email: String, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Join " + publicTitle, viewer: nil, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            .el("h1", [:], [.txt("Join " + publicTitle)]),
            .el("p", ["class": "lead"], [.text("Thank you for agreeing to take part. Create your account, then read and sign the consent form.")]),
            FormComponents.errorSummary(errors),
            FormComponents.form(action: SiteURL.studyJoin(.value(token)).path, csrf: csrf, [
                FormComponents.textField(.init(id: "name", label: "What should we call you? (optional)", value: name,
                                               hint: "A first name, or any name you like. It is shown to you on your own pages; the study's records, and the staff who run it, use your study code.",
                                               autocomplete: "given-name"), errors: errors),
                FormComponents.textField(.init(id: "email", label: "Your e-mail address", type: "email", value: email,
                                               hint: "You will use it to sign in.", autocomplete: "email", spellcheck: false), errors: errors),
                FormComponents.textField(.init(id: "password", label: "Choose a password", type: "password",
                                               hint: "At least \(PasswordPolicy.minimumLength) characters. A few words you will remember works well.",
                                               autocomplete: "new-password"), errors: errors),
                FormComponents.textField(.init(id: "confirm", label: "Type the password again", type: "password",
                                               autocomplete: "new-password"), errors: errors),
                FormComponents.submit("Create my account"),
            ]),
        ])
    }

    static func consent(viewer: Viewer, publicTitle: String, form: ConsentForm?, signed: Signed?, ticked: Set<String>,
                        errors: FormErrors, csrf: String?) -> String {
        var content: [Markup] = [
            .el("h1", [:], [.text("Consent form")]),
            .el("p", ["class": "lead"], [.txt(publicTitle)]),
        ]
        if let signed {
            content.append(.el("div", ["class": form == nil ? "notice notice--success" : "notice"], [
                .el("p", [:], [.txt("You signed version \(signed.version) of the consent form on \(Layout.format(signed.signedAt)).")]),
                .el("p", [:], [.el("a", ["href": SiteURL.myConsentPDF.path], [.text("Download your signed consent (PDF)")])]),
            ]))
        }
        if let form {
            if signed != nil {
                content.append(.el("p", [:], [.text("The consent form has been updated. Please read it again and tick each statement you agree to.")]))
            }
            content.append(FormComponents.errorSummary(errors))
            content.append(.el("p", [:], [.txt("Version \(form.version). Tick each statement you agree to. Statements marked “needed to take part” must be ticked.")]))
            content.append(FormComponents.form(action: SiteURL.myConsent.path, csrf: csrf, form.items.map { item in
                StudyFormParts.checkbox(id: "item-" + item.id, label: item.statement, checked: ticked.contains(item.id),
                                        hint: item.required ? "Needed to take part" : "Optional", errors: errors)
            } + [FormComponents.submit("I consent")]))
        } else if signed != nil {
            content.append(.el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Go to your home page")])]))
        }
        return Layout.page(title: "Consent form", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: content)
    }

    static func prompt(viewer: Viewer, publicTitle: String, renewal: Bool, hasProgramme: Bool, csrf: String?) -> String {
        Layout.page(title: "Please read the consent form", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text(renewal ? "The consent form has changed" : "Please read the consent form")]),
            .el("p", ["class": "lead"], [.txt(publicTitle)]),
            .el("p", [:], [.text(renewal ? "There is a new version of the consent form. Please read it and say whether you still agree."
                                         : "Before you start, please read the consent form and tick the statements you agree to.")]),
            .el("p", [:], [.el("a", ["class": "button", "href": SiteURL.myConsent.path], [.text("Read the consent form")])]),
            hasProgramme ? .el("p", [:], [.el("a", ["href": SiteURL.myWelcome.path], [.text("Go to your programme")])]) : .empty,
        ])
    }
}
