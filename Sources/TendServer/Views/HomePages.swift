import Foundation

/// The page each role lands on after signing in.
enum HomePages {
    struct StaffMember: Sendable, Equatable {
        var name: String
        var email: String
        var role: Role
        var joined: Date?
    }

    struct PendingInvitation: Sendable, Equatable {
        var email: String
        var role: Role
        var expires: Date
    }

    struct InviteForm: Sendable, Equatable {
        var email: String = ""
        var role: String? = nil
    }

    /// A link just created, shown once so the admin can copy it (only its digest is stored).
    struct CreatedInvitation: Sendable, Equatable {
        var email: String
        var role: Role
        var link: String
        var expires: Date
    }

    static func admin(
        viewer: Viewer,
        staff: [StaffMember],
        pending: [PendingInvitation],
        form: InviteForm,
        errors: FormErrors,
        created: CreatedInvitation?,
        csrf: String
    ) -> String {
        Layout.page(title: "Administration", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Administration")]),
            created.map(createdPanel) ?? .empty,
            .el("section", ["aria-labelledby": "invite-heading", "class": "panel"], [
                .el("h2", ["id": "invite-heading"], [.text("Invite a member of staff")]),
                .el("p", [:], [.text("You will get a link to send them. It works once and expires after 7 days.")]),
                FormComponents.form(action: SiteURL.adminInvitations.path, csrf: csrf, [
                    FormComponents.textField(.init(id: "email", label: "Their e-mail address", type: "email", value: form.email,
                                                   autocomplete: "off", spellcheck: false), errors: errors),
                    FormComponents.radios(id: "role", legend: "Role", choices: [
                        .init(value: Role.facilitator.rawValue, label: "Facilitator", hint: "Runs groups and supports the participants in them."),
                        .init(value: Role.researcher.rawValue, label: "Researcher", hint: "Sees pseudonymised data by study code, never names."),
                    ], selected: form.role, errors: errors),
                    FormComponents.submit("Create invitation link"),
                ]),
            ]),
            .el("section", ["aria-labelledby": "groups-heading"], [
                .el("h2", ["id": "groups-heading"], [.text("Groups")]),
                .el("p", [:], [
                    .text("Every group, its roster and attendance register. "),
                    .el("a", ["href": SiteURL.groups.path], [.text("Groups")]),
                ]),
            ]),
            .el("section", ["aria-labelledby": "media-heading"], [
                .el("h2", ["id": "media-heading"], [.text("Media library")]),
                .el("p", [:], [
                    .text("Recordings for the programmes' guided exercises. "),
                    .el("a", ["href": SiteURL.mediaLibrary.path], [.text("Media library")]),
                ]),
            ]),
            .el("section", ["aria-labelledby": "staff-heading"], [
                .el("h2", ["id": "staff-heading"], [.text("Staff")]),
                staffTable(staff),
                .el("p", [:], [
                    .text("Everyone with an account, and password reset links for people who cannot sign in: "),
                    .el("a", ["href": SiteURL.adminPeople.path], [.text("People")]),
                ]),
            ]),
            .el("section", ["aria-labelledby": "pending-heading"], [
                .el("h2", ["id": "pending-heading"], [.text("Invitations not yet accepted")]),
                pending.isEmpty
                    ? .el("p", [:], [.text("None.")])
                    : .el("ul", ["class": "plain-list"], pending.map { invitation in
                        .el("li", [:], [
                            .txt(invitation.email), .text(" – "), .txt(invitation.role.displayName),
                            .text(", expires "), .txt(Layout.format(invitation.expires)),
                        ])
                    }),
            ]),
            .el("section", ["aria-labelledby": "outbox-heading"], [
                .el("h2", ["id": "outbox-heading"], [.text("Reminders and notifications")]),
                .el("p", [:], [
                    .text("What is waiting to be sent, and messages that failed for good. "),
                    .el("a", ["href": SiteURL.adminOutbox.path], [.text("View the reminder outbox")]),
                ]),
            ]),
            .el("section", ["aria-labelledby": "deletion-heading"], [
                .el("h2", ["id": "deletion-heading"], [.text("Deletion requests")]),
                .el("p", [:], [
                    .text("Participants who have asked for their data to be deleted. "),
                    .el("a", ["href": SiteURL.adminDeletionRequests.path], [.text("View deletion requests")]),
                ]),
            ]),
            .el("section", ["aria-labelledby": "audit-heading"], [
                .el("h2", ["id": "audit-heading"], [.text("Audit trail")]),
                .el("p", [:], [
                    .text("Every sign-in, invitation and staff read of a participant's record is recorded. "),
                    .el("a", ["href": SiteURL.adminAudit.path], [.text("View the audit trail")]),
                ]),
            ]),
        ])
    }

    private static func createdPanel(_ created: CreatedInvitation) -> Markup {
        .el("div", ["class": "notice notice--success", "role": "status"], [
            .el("h2", [:], [.text("Invitation created")]),
            .el("p", [:], [
                .text("Send this link to "), .el("strong", [:], [.txt(created.email)]), .text(" ("),
                .txt(created.role.displayName.lowercased()), .text("). It is shown only now; it works once and expires "),
                .txt(Layout.format(created.expires)), .text("."),
            ]),
            .el("label", ["class": "label", "for": "invitation-link"], [.text("Invitation link")]),
            .void("input", ["class": "input input--code", "id": "invitation-link", "type": "text", "readonly": "readonly", "value": created.link]),
        ])
    }

    private static func staffTable(_ staff: [StaffMember]) -> Markup {
        // A focusable, labelled region so keyboard users can scroll a wide table on a phone.
        .el("div", ["class": "table-scroll", "role": "region", "aria-label": "Staff accounts", "tabindex": "0"], [
            .el("table", ["class": "table"], [
                .el("caption", ["class": "visually-hidden"], [.text("Staff accounts")]),
                .el("thead", [:], [.el("tr", [:], [
                    .el("th", ["scope": "col"], [.text("Name")]),
                    .el("th", ["scope": "col"], [.text("E-mail")]),
                    .el("th", ["scope": "col"], [.text("Role")]),
                    .el("th", ["scope": "col"], [.text("Joined")]),
                ])]),
                .el("tbody", [:], staff.map { member in
                    .el("tr", [:], [
                        .el("td", [:], [.txt(member.name)]),
                        .el("td", [:], [.txt(member.email)]),
                        .el("td", [:], [.txt(member.role.displayName)]),
                        .el("td", [:], [.txt(member.joined.map(Layout.format) ?? "–")]),
                    ])
                }),
            ]),
        ])
    }

    /// Facilitators, researchers and participants: what is here now and what is coming.
    static func welcome(viewer: Viewer, questionnaires due: [DueQuestionnaire] = [], offer: WaitlistPages.Offer? = nil,
                        csrf: String) -> String {
        let (lead, coming): (String, [String]) = {
            switch viewer.role {
            case .facilitator:
                return ("Your account is ready.", [
                    "Your groups: start dates, sessions and the attendance register.",
                    "Inviting participants to a group with a single-use link.",
                    "Each session's plan, exercises and handouts.",
                ])
            case .researcher:
                return ("Your account is ready.", [
                    "Study data by study code, never by name or e-mail.",
                    "Questionnaire scores, reliable change and the trial's summary tables.",
                    "Exports for your own analysis.",
                ])
            case .participant, .admin:
                return ("Welcome. Thank you for joining.", [
                    "This week's session or module, and what comes next.",
                    "Your practices and handouts, all in one place, and everything you have already done.",
                    "The time and link of your next group meeting, if you are in a group.",
                ])
            }
        }()
        return Layout.page(title: "Home", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Hello, "), .txt(viewer.name)]),
            .el("p", ["class": "lead"], [.txt(lead)]),
            WaitlistPages.panel(offer, csrf: csrf),
            questionnaires(due),
            viewer.role == .facilitator
                ? .el("nav", ["aria-label": "Your work"], [
                    .el("p", [:], [
                        .el("a", ["href": SiteURL.groups.path], [.text("Groups")]),
                        .text(": your groups, their rosters and attendance registers."),
                    ]),
                    .el("p", [:], [
                        .el("a", ["href": SiteURL.mediaLibrary.path], [.text("Media library")]),
                        .text(": recordings for the programmes' guided exercises."),
                    ]),
                ])
                : .empty,
            viewer.role == .participant ? ParticipantPages.tools : .empty,
            .el("section", ["class": "panel", "aria-labelledby": "coming-heading"], [
                .el("h2", ["id": "coming-heading"], [.text("What will appear here")]),
                .el("ul", [:], coming.map { Markup.el("li", [:], [.txt($0)]) }),
                .el("p", [:], [.text("There is nothing you need to do yet. Take your time.")]),
            ]),
        ])
    }
}

// MARK: Questionnaires to fill in

extension HomePages {
    /// A questionnaire open now, on a participant's home page.
    struct DueQuestionnaire: Sendable, Equatable {
        var title: String
        var href: String
        /// The closing date in words.
        var closes: String
        /// Some answers are saved already.
        var started: Bool
    }

    /// "Questionnaires to fill in": nothing at all when none is due.
    static func questionnaires(_ due: [DueQuestionnaire]) -> Markup {
        guard !due.isEmpty else { return .empty }
        return .el("section", ["class": "panel", "aria-labelledby": "questionnaires-heading"], [
            .el("h2", ["id": "questionnaires-heading"], [.text("Questionnaires to fill in")]),
            .el("p", [:], [.text("One question at a time; your answers are saved as you go.")]),
            .el("ul", ["class": "plain-list"], due.map { item in
                .el("li", [:], [
                    .el("a", ["href": item.href], [.txt(item.title)]),
                    .txt(item.started ? " (started)" : ""),
                    .text(" – open until "), .txt(item.closes),
                ])
            }),
        ])
    }
}
