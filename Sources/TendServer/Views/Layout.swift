import Foundation

/// Who is looking at a page (shown in the header).
struct Viewer: Sendable, Equatable {
    var name: String
    var role: Role
}

/// The frame around every page: language, skip link, header with the sign-out button, main landmark.
enum Layout {
    static let siteName = "Tend"

    /// Renders a whole page. `errors` prefixes the title with "Error:" (so screen readers hear it first).
    static func page(
        title: String,
        viewer: Viewer?,
        csrf: String?,
        hasErrors: Bool = false,
        content: [Markup],
        stylesheets: [String] = [],
        scripts: [String] = [],
        wide: Bool = false
    ) -> String {
        let fullTitle = (hasErrors ? "Error: " : "") + title + " – " + siteName
        var out = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"UTF-8\"/>"
        out.reserveCapacity(8192)
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>"
        out += Escape.text(fullTitle)
        out += "</title><link rel=\"stylesheet\" href=\""
        out += SiteURL.stylesheet.path
        out += "\"/>"
        // A page's own files (the pacer, autosave): scripts are deferred, so they run after the page is parsed.
        for stylesheet in stylesheets {
            Markup.void("link", ["rel": "stylesheet", "href": stylesheet]).render(into: &out)
        }
        for script in scripts {
            Markup.el("script", ["src": script, "defer": "defer"]).render(into: &out)
        }
        // Pages of tables (the study dashboard) may use more of a wide screen; their text keeps its measure.
        out += wide ? "</head><body class=\"page--wide\">" : "</head><body>"
        Markup.group([
            .el("a", ["class": "skip-link", "href": "#main"], [.text("Skip to main content")]),
            header(viewer: viewer, csrf: csrf),
            .el("main", ["id": "main", "class": "container", "tabindex": "-1"], content),
            footer,
        ]).render(into: &out)
        out += "</body></html>"
        return out
    }

    /// The same on every page, so built once.
    private static let footer: Markup = .el("footer", ["class": "site-footer"], [
        .el("div", ["class": "container"], [
            .el("p", [:], [.text("Tend supports compassion-focused programmes. It is not an emergency service: if you are in crisis, contact your local emergency number.")]),
        ]),
    ])

    private static func header(viewer: Viewer?, csrf: String?) -> Markup {
        var items: [Markup] = [.el("a", ["class": "brand", "href": SiteURL.home.path], [.text(siteName)])]
        if let viewer {
            items.append(.el("div", ["class": "account"], [
                .el("span", ["class": "account__name"], [.txt(viewer.name), .text(" · "), .txt(viewer.role.displayName)]),
                .el("form", ["method": "post", "action": SiteURL.logout.path, "class": "inline-form"], [
                    csrfInput(csrf),
                    .el("button", ["type": "submit", "class": "button button--quiet"], [.text("Sign out")]),
                ]),
            ]))
        }
        return .el("header", ["class": "site-header"], [.el("div", ["class": "container site-header__inner"], items)])
    }

    /// The hidden CSRF field every form carries.
    static func csrfInput(_ token: String?) -> Markup {
        .void("input", ["type": "hidden", "name": CSRF.fieldName, "value": token ?? ""])
    }

    /// A date as people read it, with its time zone stated.
    static func format(_ date: Date) -> String {
        formatter.string(from: date) + " UTC"
    }

    private static var formatter: DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        return formatter
    }
}
