import Foundation
import TendCore

/// Groups: the list, the form to start one, and a group's page (schedule, roster, attendance register).
enum GroupPages {
    struct ListRow: Sendable, Equatable {
        var id: UUID
        var name: String
        var programme: String
        var facilitator: String
        var when: String
    }

    struct ProgrammeChoice: Sendable, Equatable {
        var value: String
        var label: String
        var sessions: Int
        /// How the version is delivered (weekly meetings, self-paced modules, daily practice).
        var hint: String
    }

    struct FacilitatorChoice: Sendable, Equatable {
        var id: String
        var name: String
    }

    struct GroupForm: Sendable, Equatable {
        var name: String = ""
        var programme: String? = nil
        var startDate: String = ""
        var weekday: String? = nil
        var time: String = ""
        var timeZone: String = "Europe/London"
        var callLink: String = ""
        var facilitator: String? = nil
    }

    struct MemberForm: Sendable, Equatable {
        var displayName: String = ""
        var studyCode: String = ""
    }

    /// A register form sent back with a problem: what was chosen for each member (by id) is kept.
    struct RegisterDraft: Sendable, Equatable {
        var position: Int
        var chosen: [String: String]
        var errors: FormErrors
    }

    struct GroupDetails: Sendable, Equatable {
        var id: UUID
        var name: String
        var programme: String
        var version: String
        /// When the group meets, or how a self-paced cohort runs.
        var meets: String
        /// The video-call link; nil for a self-paced cohort.
        var callLink: String?
        /// True for a self-paced cohort: no meetings and no attendance register, a plan per member.
        var selfPaced: Bool = false
    }

    /// A session or module of a self-paced cohort, with the link to preview its page.
    struct ModuleRow: Sendable, Equatable {
        var number: Int
        var title: String
        var when: String
    }

    /// An invitation link just issued, shown once so the facilitator can pass it on (only its digest is stored).
    struct CreatedLink: Sendable, Equatable {
        var memberName: String
        var link: String
        var expires: Date
    }

    struct SessionRow: Sendable, Equatable {
        var position: Int
        /// The content number of the session (for its page).
        var number: Int
        var title: String
        /// Date and time in the group's time zone.
        var when: String
        var oneToOne: Bool
        /// Recorded marks by roster member id.
        var marks: [String: AttendanceMark]
    }

    struct MemberRow: Sendable, Equatable {
        var id: String
        var name: String
        var studyCode: String
        var attended: Int
        var missed: Int
        var excused: Int
        /// Account and invitation, in words ("Joined 2 Mar 2026", "Invited: link expires …").
        var account: String = "Not invited yet"
        /// False once they have an account.
        var canInvite: Bool = true
        /// True when a link was issued before (so the button says it replaces it).
        var invited: Bool = false
        /// A self-paced member's own plan, in words; nil for members of a group that meets.
        var plan: String? = nil
        /// The participant account, once they have joined (for a password reset link).
        var accountID: UUID? = nil
    }

    struct Summary: Sendable, Equatable {
        var median: Double?
        var maximum: Int?
        var missedAny: Int
        var attended: Int
        var missed: Int
        var excused: Int
    }

    /// The form field (and radio id) for one member's mark at one session.
    static func markField(position: Int, member: String) -> String { "s\(position)-\(member)" }

    // MARK: List

    static func list(viewer: Viewer, rows: [ListRow], showsFacilitator: Bool, csrf: String) -> String {
        Layout.page(title: "Groups", viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.text("Groups")]),
            .el("p", [:], [.el("a", ["href": SiteURL.newGroup.path], [.text("Start a new group")])]),
            rows.isEmpty
                ? .el("p", [:], [.text(showsFacilitator ? "There are no groups yet." : "You are not running any groups yet.")])
                : .el("ul", ["class": "plain-list"], rows.map { row in
                    .el("li", [:], [
                        .el("a", ["href": SiteURL.group(.value(row.id)).path], [.txt(row.name)]),
                        .text(" – "), .txt(row.programme), .text(". "), .txt(row.when),
                        showsFacilitator ? .group([.text(". Run by "), .txt(row.facilitator)]) : .empty,
                    ])
                }),
        ])
    }

    // MARK: New group

    static func newGroup(viewer: Viewer, programmes: [ProgrammeChoice], facilitators: [FacilitatorChoice]?,
                         form: GroupForm, errors: FormErrors, csrf: String) -> String {
        Layout.page(title: "Start a new group", viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("p", [:], [.el("a", ["href": SiteURL.groups.path], [.text("Back to groups")])]),
            .el("h1", [:], [.text("Start a new group")]),
            FormComponents.form(action: SiteURL.groups.path, csrf: csrf, [
                FormComponents.textField(.init(id: "name", label: "Group name", value: form.name,
                                               hint: "For staff, like \"Tuesday evening pain group\".", autocomplete: "off"), errors: errors),
                FormComponents.radios(id: "programme", legend: "Programme and version", choices: programmes.map {
                    .init(value: $0.value, label: $0.label, hint: $0.hint)
                }, selected: form.programme, errors: errors),
                FormComponents.textField(.init(id: "startDate", label: "Start date", type: "date", value: form.startDate,
                                               hint: "The first meeting is on the chosen weekday on or after this date. For a self-paced programme, the day the course opens: each person starts when they join, but not before. For example, 2026-03-02."),
                                         errors: errors),
                FormComponents.radios(id: "weekday", legend: "Day of the week", choices: Weekday.allCases.map {
                    .init(value: String($0.rawValue), label: $0.description)
                }, selected: form.weekday,
                hint: "The day the group meets. For a weekly self-paced programme, the day suggested to each person for new modules (they choose their own); leave it for daily practice.",
                errors: errors),
                FormComponents.textField(.init(id: "time", label: "Start time", type: "time", value: form.time,
                                               hint: "24-hour clock, like 18:30. It stays the same when the clocks change. Only for groups that meet."), errors: errors),
                FormComponents.textField(.init(id: "timeZone", label: "Time zone", value: form.timeZone,
                                               hint: "Where the group meets, as in the time zone database: Europe/London, America/New_York.",
                                               autocomplete: "off", spellcheck: false), errors: errors),
                FormComponents.textField(.init(id: "callLink", label: "Video-call link", type: "url", value: form.callLink,
                                               hint: "Starts with https://. Participants see it before each meeting. Only for groups that meet.",
                                               autocomplete: "off", spellcheck: false), errors: errors),
                facilitators.map { list in
                    FormComponents.radios(id: "facilitator", legend: "Facilitator",
                                          choices: list.map { .init(value: $0.id, label: $0.name) },
                                          selected: form.facilitator,
                                          hint: list.isEmpty ? "There are no facilitators yet: invite one first." : nil, errors: errors)
                } ?? .empty,
                FormComponents.submit("Create group"),
            ]),
        ])
    }

    // MARK: Group page

    static func formatMedian(_ value: Double?) -> String {
        guard let value else { return "–" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    static func group(viewer: Viewer, group: GroupDetails, sessions: [SessionRow], modules: [ModuleRow] = [], members: [MemberRow],
                      summary: Summary, memberForm: MemberForm, memberErrors: FormErrors, draft: RegisterDraft?,
                      created: CreatedLink? = nil, csrf: String) -> String {
        var allErrors = memberErrors
        if let draft { for item in draft.errors.items { allErrors.add(item.field, item.message) } }
        var details: [Markup] = [
            .el("dt", [:], [.text("Programme")]), .el("dd", [:], [.txt(group.programme), .text(" – "), .txt(group.version)]),
            .el("dt", [:], [.text(group.selfPaced ? "How it runs" : "Meets")]), .el("dd", [:], [.txt(group.meets)]),
        ]
        if let link = group.callLink {
            details += [.el("dt", [:], [.text("Video call")]), .el("dd", [:], [.el("a", ["href": link, "rel": "noreferrer"], [.txt(link)])])]
        }
        return Layout.page(title: group.name, viewer: viewer, csrf: csrf, hasErrors: !allErrors.isEmpty, content: [
            FormComponents.errorSummary(allErrors),
            .el("p", [:], [.el("a", ["href": SiteURL.groups.path], [.text("Back to groups")])]),
            .el("h1", [:], [.txt(group.name)]),
            created.map(createdLinkPanel) ?? .empty,
            .el("dl", ["class": "summary-list"], details),
            .el("p", [:], [.el("a", ["href": SiteURL.groupStart(.value(group.id)).path], [.text("Change the start date")])]),
            CheckInPages.groupLinks(groupID: group.id),
            .el("p", [:], [
                .el("a", ["href": SiteURL.groupAlerts(.value(group.id)).path], [.text("Safety alerts")]),
                .text(": questionnaires of members that need your attention."),
            ]),
            rosterSection(group: group, members: members, summary: summary, form: memberForm, errors: memberErrors, csrf: csrf),
            group.selfPaced
                ? .el("section", ["aria-labelledby": "sessions-heading"], [
                    .el("h2", ["id": "sessions-heading"], [.text("Modules")]),
                    .el("p", [:], [.text("Each person's modules open on their own dates. Preview any page as participants see it.")]),
                    .el("ol", ["class": "plain-list"], modules.map { module in
                        .el("li", [:], [
                            .el("a", ["href": SiteURL.groupSessionPreview(.value(group.id), .value(module.number)).path],
                                [.txt(module.title)]),
                            .text(" – "), .txt(module.when),
                        ])
                    }),
                ])
                : .el("section", ["aria-labelledby": "sessions-heading"], [
                    .el("h2", ["id": "sessions-heading"], [.text("Sessions and attendance")]),
                    .el("ol", ["class": "plain-list"], sessions.map { session in
                        sessionItem(group: group, session: session, members: members,
                                    draft: draft?.position == session.position ? draft : nil, csrf: csrf)
                    }),
                ]),
        ])
    }

    private static func createdLinkPanel(_ created: CreatedLink) -> Markup {
        .el("div", ["class": "notice notice--success", "role": "status"], [
            .el("h2", [:], [.text("Invitation link created")]),
            .el("p", [:], [
                .text("Pass this link to "), .el("strong", [:], [.txt(created.memberName)]),
                .text(". It is shown only now; it works once and expires "), .txt(Layout.format(created.expires)),
                .text(". Any earlier link for them no longer works."),
            ]),
            .el("label", ["class": "label", "for": "participant-link"], [.text("Invitation link")]),
            .void("input", ["class": "input input--code", "id": "participant-link", "type": "text", "readonly": "readonly", "value": created.link]),
        ])
    }

    private static func rosterSection(group: GroupDetails, members: [MemberRow], summary: Summary, form: MemberForm,
                                      errors: FormErrors, csrf: String) -> Markup {
        var headings = ["Name", "Study code"]
        if group.selfPaced { headings.append("Their plan") } else { headings += ["Attended", "Missed", "Excused"] }
        headings += ["Account", "Invitation"]
        return .el("section", ["id": "roster", "aria-labelledby": "roster-heading"], [
            .el("h2", ["id": "roster-heading"], [.text("Roster")]),
            members.isEmpty ? .el("p", [:], [.text("No one is on the roster yet.")]) : .group([
                group.selfPaced ? .empty : .el("p", ["id": "missed-summary"], [
                    .text("Missed sessions per person: median "), .txt(formatMedian(summary.median)),
                    .text(", maximum "), .txt(summary.maximum.map(String.init) ?? "–"), .text(". "),
                    .txt("\(summary.missedAny) of \(members.count) missed at least one session."),
                ]),
                .el("div", ["class": "table-scroll", "role": "region", "aria-label": "Roster table, scrolls sideways", "tabindex": "0"], [
                    .el("table", ["class": "table"], [
                        .el("caption", ["class": "visually-hidden"], [.text("Roster")]),
                        .el("thead", [:], [.el("tr", [:], headings.map { Markup.el("th", ["scope": "col"], [.txt($0)]) })]),
                        .el("tbody", [:], members.map { member in
                            var cells: [Markup] = [
                                .el("th", ["scope": "row"], [.txt(member.name)]),
                                .el("td", [:], [.txt(member.studyCode)]),
                            ]
                            if group.selfPaced {
                                cells.append(.el("td", [:], [.txt(member.plan ?? "Chosen when they join")]))
                            } else {
                                cells += [
                                    .el("td", [:], [.txt(String(member.attended))]),
                                    .el("td", [:], [.txt(String(member.missed))]),
                                    .el("td", [:], [.txt(String(member.excused))]),
                                ]
                            }
                            cells.append(.el("td", [:], [.txt(member.account)]))
                            cells.append(.el("td", [:], [
                                member.canInvite
                                    ? .el("form", ["method": "post", "class": "inline-form",
                                                   "action": SiteURL.memberInvitation(.value(group.id), .value(member.id)).path], [
                                        Layout.csrfInput(csrf),
                                        .el("button", ["type": "submit", "class": "button button--secondary button--small"], [
                                            .txt(member.invited ? "Create a new link" : "Create invitation link"),
                                            .el("span", ["class": "visually-hidden"], [.text(" for "), .txt(member.name)]),
                                        ]),
                                    ])
                                    : member.accountID.map { account in
                                        .el("form", ["method": "post", "class": "inline-form",
                                                     "action": SiteURL.accountResetLink(.value(account)).path], [
                                            Layout.csrfInput(csrf),
                                            .el("button", ["type": "submit", "class": "button button--secondary button--small"], [
                                                .text("Create password reset link"),
                                                .el("span", ["class": "visually-hidden"], [.text(" for "), .txt(member.name)]),
                                            ]),
                                        ])
                                    } ?? .text("–"),
                            ]))
                            return .el("tr", [:], cells)
                        }),
                    ]),
                ]),
            ]),
            .el("h3", [:], [.text("Add someone to the roster")]),
            .el("p", [:], [.text("To let them sign in, create an invitation link and pass it on. The link works once and lasts 7 days.")]),
            FormComponents.form(action: SiteURL.groupRoster(.value(group.id)).path, csrf: csrf, [
                FormComponents.textField(.init(id: "displayName", label: "Name", value: form.displayName,
                                               hint: "The name the group knows them by.", autocomplete: "off"), errors: errors),
                FormComponents.textField(.init(id: "studyCode", label: "Study code", value: form.studyCode,
                                               hint: "Letters, digits and hyphens, like PAIN-014.", autocomplete: "off", spellcheck: false),
                                         errors: errors),
                .el("div", ["class": "button-row"], [
                    FormComponents.submit("Add to roster"),
                    .el("button", ["type": "submit", "class": "button button--secondary", "name": "invite", "value": "yes"],
                        [.text("Add and create invitation link")]),
                ]),
            ]),
        ])
    }

    private static func sessionItem(group: GroupDetails, session: SessionRow, members: [MemberRow], draft: RegisterDraft?,
                                    csrf: String) -> Markup {
        let counts = AttendanceMark.allCases.map { mark in (mark, session.marks.values.filter { $0 == mark }.count) }
        let recorded = session.marks.isEmpty
            ? "Not recorded yet."
            : counts.map { "\($0.0.displayName) \($0.1)" }.joined(separator: " · ")
        return .el("li", ["id": "session-\(session.position)", "class": "panel"], [
            .el("h3", [:], [.txt("Session \(session.position): \(session.title)")]),
            .el("p", [:], [.txt(session.when), session.oneToOne ? .text(" (one-to-one, booked in this week)") : .empty]),
            .el("p", [:], [.txt(recorded)]),
            .el("p", [:], [.el("a", ["href": SiteURL.groupSessionPreview(.value(group.id), .value(session.number)).path], [
                .text("Preview the participants' page"),
                .el("span", ["class": "visually-hidden"], [.txt(" for session \(session.position)")]),
            ])]),
            members.isEmpty ? .empty : .el("details", ["open": draft == nil ? nil : "open"], [
                .el("summary", [:], [.txt("Attendance register for session \(session.position)")]),
                FormComponents.form(action: SiteURL.groupAttendance(.value(group.id), .value(session.position)).path, csrf: csrf,
                    members.map { member in
                        let field = markField(position: session.position, member: member.id)
                        let selected: String? = draft != nil ? draft?.chosen[member.id] : session.marks[member.id]?.rawValue
                        return FormComponents.radios(
                            id: field, legend: "\(member.name) (\(member.studyCode))",
                            choices: AttendanceMark.allCases.map { .init(value: $0.rawValue, label: $0.displayName) },
                            selected: selected, errors: draft?.errors ?? FormErrors())
                    } + [FormComponents.submit("Save register for session \(session.position)")]),
            ]),
        ])
    }
}
