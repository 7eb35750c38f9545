
/// Calm, specific pages for the things that go wrong.
enum ErrorPages {
    struct Content: Sendable, Equatable {
        var title: String
        var message: String
        var linkText: String = "Go to the home page"
        var linkPath: String = SiteURL.home.path
    }

    static func page(_ content: Content, viewer: Viewer?, csrf: String?) -> String {
        Layout.page(title: content.title, viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.txt(content.title)]),
            .el("p", ["class": "lead"], [.txt(content.message)]),
            .el("p", [:], [.el("a", ["href": content.linkPath], [.txt(content.linkText)])]),
        ])
    }

    static let notFound = Content(title: "Page not found", message: "There is no page at this address. If you typed it, check it; if you followed a link, it may be out of date.")
    static let forbidden = Content(title: "You do not have access to this page", message: "Your account cannot open this page. If you think it should, ask an administrator.")
    static let csrf = Content(title: "This form has expired", message: "For your safety the form could not be sent: it was open for too long, or it came from another site. Go back, reload the page and try again. Nothing you typed was saved.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let serverError = Content(title: "Sorry, something went wrong", message: "The problem has been logged. Try again in a few minutes. Nothing you have already saved is lost.")
    static let setupUsed = Content(title: "This setup link has already been used", message: "Tend already has an administrator, or this link was replaced by a newer one. Sign in instead, or ask your administrator.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let setupExpired = Content(title: "This setup link has expired", message: "Setup links last 24 hours. Restart `tend serve` to print a new one.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let invitationUsed = Content(title: "This invitation has already been used", message: "Each invitation link works once. If you have already created your account, sign in. Otherwise ask the administrator who invited you for a new link.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let invitationExpired = Content(title: "This invitation has expired", message: "Invitation links last 7 days. Ask the administrator who invited you for a new link.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let invitationNotFound = Content(title: "Invitation not found", message: "This link does not match any invitation. Check that you copied all of it, or ask for a new one.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
    static let setupNotFound = Content(title: "Setup link not found", message: "This link does not match a setup link. Check that you copied all of it from the console.", linkText: "Go to the sign-in page", linkPath: SiteURL.login.path)
}
