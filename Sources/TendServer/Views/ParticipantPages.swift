import Foundation
import TendCore

/// A participant's pages: the invitation, their home, each session or module, the welcome and handouts.
///
/// Written for someone who may be in pain, tired and on a phone: one column, short plain sentences, the
/// thing to do now first. Participants never see how the study labels their programme, and nothing here
/// uses study words. Programme Markdown arrives already rendered (``ProgrammeLibrary``).
enum ParticipantPages {
    // MARK: Invitation

    struct JoinForm: Sendable, Equatable {
        var email: String = ""
        var weekday: String? = nil
        var timeZone: String = ""
    }

    /// What the invitation page knows about the programme and the group.
    struct JoinDetails: Sendable, Equatable {
        var name: String
        var programmeTitle: String
        var introductionHTML: String
        var delivery: Programme.DeliveryMode
        /// For a group that meets: when, in words.
        var meetings: String?
    }

    static func join(token: String, details: JoinDetails, form: JoinForm, errors: FormErrors, csrf: String) -> String {
        var fields: [Markup] = [
            FormComponents.textField(.init(id: "email", label: "Your e-mail address", type: "email", value: form.email,
                                           hint: "You will use it to sign in.", autocomplete: "email", spellcheck: false),
                                     errors: errors),
            FormComponents.textField(.init(id: "password", label: "Choose a password", type: "password",
                                           hint: "At least \(PasswordPolicy.minimumLength) characters. A few words you will remember works well.",
                                           autocomplete: "new-password"), errors: errors),
            FormComponents.textField(.init(id: "confirm", label: "Type the password again", type: "password",
                                           autocomplete: "new-password"), errors: errors),
        ]
        if details.delivery == .weeklySelfHelp {
            fields.append(FormComponents.radios(
                id: "weekday", legend: "Which day would you like each new module to open?",
                choices: Weekday.allCases.map { .init(value: String($0.rawValue), label: $0.description) },
                selected: form.weekday,
                hint: "Your first module opens today. After that, a new one opens every week on this day. Earlier modules stay open.",
                errors: errors))
        }
        if details.delivery != .scheduledGroup {
            fields.append(FormComponents.textField(.init(
                id: "timeZone", label: "Your time zone", value: form.timeZone,
                hint: "So things open at the start of your day. Written like Europe/London or America/New_York.",
                autocomplete: "off", spellcheck: false), errors: errors))
        }
        fields.append(FormComponents.submit("Create my account"))
        return Layout.page(title: "Welcome", viewer: nil, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("h1", [:], [.text("Welcome, "), .txt(details.name)]),
            .el("p", ["class": "lead"], [.text("You have been invited to "), .el("strong", [:], [.txt(details.programmeTitle)]), .text(".")]),
            details.meetings.map { Markup.el("p", [:], [.txt($0)]) } ?? .empty,
            .el("div", ["class": "content"], [.raw(details.introductionHTML)]),
            .el("section", ["class": "panel", "aria-labelledby": "account-heading"], [
                .el("h2", ["id": "account-heading"], [.text("Create your account")]),
                .el("p", [:], [.text("This link works once. After this you sign in with your e-mail address and password.")]),
                FormComponents.form(action: SiteURL.join(.value(token)).path, csrf: csrf, fields),
            ]),
        ])
    }

    // MARK: Home

    /// A link to one session or module page.
    struct ItemLink: Sendable, Equatable {
        var label: String
        var href: String
    }

    struct HandoutLink: Sendable, Equatable {
        var title: String
        var href: String
    }

    struct Practice: Sendable, Equatable {
        var title: String
        var detail: String
        var frequency: String?
    }

    struct Current: Sendable, Equatable {
        /// "This week's session", "Today's practice".
        var heading: String
        var title: String
        var summary: String
        var href: String
        var practice: [Practice]
        /// "Day 3 of 21", for daily practice.
        var dayNote: String?
    }

    struct Meeting: Sendable, Equatable {
        var title: String
        var when: String
        var callLink: String
        var inProgress: Bool
    }

    struct Home: Sendable, Equatable {
        var name: String
        var programmeTitle: String
        /// Shown before anything has opened.
        var startsText: String?
        var current: Current?
        var meeting: Meeting?
        /// What opens next and when, in words; nil when everything is open.
        var nextText: String?
        var finished: Bool
        /// Every open session or module, in order.
        var opened: [ItemLink]
        var handouts: [HandoutLink]
        /// "sessions" or "modules".
        var unitPlural: String
        var unreadNotifications = 0
        /// Unread check-in messages from their facilitator (nil: no check-in link, as for a preview).
        var checkInsUnread: Int? = nil
    }

    static func home(viewer: Viewer, home: Home, questionnaires: [HomePages.DueQuestionnaire] = [], csrf: String) -> String {
        var content: [Markup] = [
            .el("h1", [:], [.text("Hello, "), .txt(home.name)]),
            .el("p", ["class": "lead"], [.txt(home.programmeTitle)]),
            HomePages.questionnaires(questionnaires),
        ]
        if let meeting = home.meeting {
            content.append(.el("section", ["class": "panel panel--highlight", "aria-labelledby": "meeting-heading"], [
                .el("h2", ["id": "meeting-heading"], [.text(meeting.inProgress ? "Your group is meeting now" : "Your next group meeting")]),
                .el("p", [:], [.el("strong", [:], [.txt(meeting.when)])]),
                .el("p", [:], [.txt(meeting.title)]),
                .el("p", [:], [.el("a", ["class": "button", "href": meeting.callLink, "rel": "noreferrer"], [.text("Join the video call")])]),
                .el("p", ["class": "small"], [.text("Link: "), .txt(meeting.callLink)]),
            ]))
        }
        content.append(ParticipantHomeBetween.section(checkInsUnread: home.checkInsUnread, unreadNotifications: home.unreadNotifications))
        if let starts = home.startsText {
            content.append(.el("section", ["class": "panel", "aria-labelledby": "start-heading"], [
                .el("h2", ["id": "start-heading"], [.text("Getting started")]),
                .el("p", [:], [.txt(starts)]),
                .el("p", [:], [.el("a", ["href": SiteURL.myWelcome.path], [.text("Read the welcome")])]),
            ]))
        }
        if let current = home.current {
            content.append(.el("section", ["class": "panel", "aria-labelledby": "current-heading"], [
                .el("h2", ["id": "current-heading"], [.txt(current.heading)]),
                current.dayNote.map { Markup.el("p", ["class": "small"], [.txt($0)]) } ?? .empty,
                .el("h3", [:], [.el("a", ["href": current.href], [.txt(current.title)])]),
                .el("p", [:], [.txt(current.summary)]),
                current.practice.isEmpty ? .empty : .group([
                    .el("h4", [:], [.text("What to practise")]),
                    practiceList(current.practice),
                ]),
                .el("p", [:], [.el("a", ["class": "button", "href": current.href], [.text("Open "), .txt(current.title)])]),
            ]))
        }
        if home.finished {
            content.append(.el("p", [:], [.text("You have reached the end of the course. Everything stays here for you to come back to.")]))
        } else if let next = home.nextText {
            content.append(.el("section", ["aria-labelledby": "next-heading"], [
                .el("h2", ["id": "next-heading"], [.text("What comes next")]),
                .el("p", [:], [.txt(next)]),
            ]))
        }
        content.append(.el("section", ["aria-labelledby": "opened-heading"], [
            .el("h2", ["id": "opened-heading"], [.text("Everything so far")]),
            home.opened.isEmpty
                ? .el("p", [:], [.txt("Your \(home.unitPlural) will appear here as they open. They stay open.")])
                : .el("ol", ["class": "item-list"], home.opened.map { item in
                    .el("li", [:], [.el("a", ["href": item.href], [.txt(item.label)])])
                }),
            home.handouts.isEmpty ? .empty : .group([
                .el("h3", [:], [.text("Handouts and worksheets")]),
                .el("ul", ["class": "item-list"], home.handouts.map { handout in
                    .el("li", [:], [.el("a", ["href": handout.href], [.txt(handout.title)])])
                }),
            ]),
            .el("p", [:], [.el("a", ["href": SiteURL.myWelcome.path], [.text("The welcome and how the course works")])]),
        ]))
        return Layout.page(title: "Home", viewer: viewer, csrf: csrf, content: content)
    }

    /// Links to the participant's tools: the breathing pacer and their own data.
    static let tools: Markup = .el("nav", ["aria-label": "Tools"], [
        .el("p", [:], [
            .el("a", ["href": SiteURL.myPacer.path], [.text("Breathing pacer")]),
            .text(": a quiet guide to soothing rhythm breathing."),
        ]),
        .el("p", [:], [
            .el("a", ["href": SiteURL.myData.path], [.text("My data")]),
            .text(": download what Tend keeps about you, or ask for it to be deleted."),
        ]),
    ])

    private static func practiceList(_ practice: [Practice]) -> Markup {
        .el("ul", [:], practice.map { item in
            .el("li", [:], [
                .el("strong", [:], [.txt(item.title)]),
                item.frequency.map { Markup.group([.text(" ("), .txt($0), .text(")")]) } ?? .empty,
                .text(": "), .txt(item.detail),
            ])
        })
    }

    // MARK: Welcome

    static func welcome(viewer: Viewer, programmeTitle: String, introductionHTML: String, csrf: String) -> String {
        Layout.page(title: "Welcome", viewer: viewer, csrf: csrf, content: [
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
            .el("h1", [:], [.txt(programmeTitle)]),
            .el("div", ["class": "content"], [.raw(introductionHTML)]),
        ])
    }

    // MARK: Session or module

    struct ExerciseBlock: Sendable, Equatable {
        var id: String
        var title: String
        var minutes: Int
        var summary: String
        var scriptHTML: String
        var transcriptHTML: String?
        /// The service's recordings of this exercise, played above the script.
        var media: [MediaItem] = []
    }

    struct SessionPage: Sendable, Equatable {
        /// "Session 3: The three systems".
        var heading: String
        var summary: String
        /// When it met or opened, in words.
        var when: String?
        /// The video-call link while the meeting is still to come or under way.
        var callLink: String?
        var bodyHTML: String
        var exercises: [ExerciseBlock]
        var practice: [Practice]
        var handouts: [HandoutLink]
        var previous: ItemLink?
        var next: ItemLink?
        var back: ItemLink
        /// Set on a member of staff's preview.
        var previewNote: String?
    }

    static func session(viewer: Viewer, page: SessionPage, csrf: String) -> String {
        var content: [Markup] = [
            .el("p", [:], [.el("a", ["href": page.back.href], [.txt(page.back.label)])]),
        ]
        if let note = page.previewNote {
            content.append(.el("div", ["class": "notice notice--info", "role": "note"], [.el("p", [:], [.txt(note)])]))
        }
        content += [
            .el("h1", [:], [.txt(page.heading)]),
            .el("p", ["class": "lead"], [.txt(page.summary)]),
            page.when.map { Markup.el("p", [:], [.txt($0)]) } ?? .empty,
            page.callLink.map { link in
                Markup.el("p", [:], [.el("a", ["href": link, "rel": "noreferrer"], [.text("Join the video call")]), .text(" ("), .txt(link), .text(")")])
            } ?? .empty,
            .el("div", ["class": "content"], [.raw(page.bodyHTML)]),
        ]
        if !page.exercises.isEmpty {
            content.append(.el("section", ["aria-labelledby": "exercises-heading"], [
                .el("h2", ["id": "exercises-heading"], [.text(page.exercises.count == 1 ? "The exercise" : "The exercises")]),
            ] + page.exercises.map(exerciseSection)))
        }
        if !page.practice.isEmpty {
            content.append(.el("section", ["aria-labelledby": "practice-heading"], [
                .el("h2", ["id": "practice-heading"], [.text("What to practise")]),
                practiceList(page.practice),
            ]))
        }
        if !page.handouts.isEmpty {
            content.append(.el("section", ["aria-labelledby": "handouts-heading"], [
                .el("h2", ["id": "handouts-heading"], [.text("Handouts and worksheets")]),
                .el("ul", ["class": "item-list"], page.handouts.map { handout in
                    .el("li", [:], [.el("a", ["href": handout.href], [.txt(handout.title)])])
                }),
            ]))
        }
        var pager: [Markup] = []
        if let previous = page.previous {
            pager.append(.el("a", ["href": previous.href, "rel": "prev"], [.text("Previous: "), .txt(previous.label)]))
        }
        if let next = page.next {
            pager.append(.el("a", ["href": next.href, "rel": "next"], [.text("Next: "), .txt(next.label)]))
        }
        if !pager.isEmpty { content.append(.el("nav", ["class": "pager", "aria-label": "Other pages"], pager)) }
        return Layout.page(title: page.heading, viewer: viewer, csrf: csrf, content: content)
    }

    /// One exercise: its title and length, then any recordings the service has added, then the written
    /// script in full, so nothing depends on hearing.
    private static func exerciseSection(_ exercise: ExerciseBlock) -> Markup {
        .el("section", ["class": "exercise", "id": "exercise-" + exercise.id, "aria-labelledby": "exercise-\(exercise.id)-heading"], [
            .el("h3", ["id": "exercise-\(exercise.id)-heading"], [.txt(exercise.title)]),
            .el("p", ["class": "small"], [.txt("About \(exercise.minutes) minute\(exercise.minutes == 1 ? "" : "s"). "), .txt(exercise.summary)]),
            .el("p", ["class": "notice notice--info"], [.txt(Exercise.stopAnyTimeNotice)]),
            .group(exercise.media.map { MediaViews.player(for: $0) }),
            .el("div", ["class": "exercise__script content"], [
                .el("h4", [:], [.text("The words of the exercise")]),
                .raw(exercise.scriptHTML),
            ]),
            exercise.transcriptHTML.map { html in
                Markup.el("details", ["class": "exercise__transcript"], [
                    .el("summary", [:], [.text("Transcript of the recording")]),
                    .raw(html),
                ])
            } ?? .empty,
        ])
    }

    // MARK: Locked

    static func locked(viewer: Viewer, heading: String, opens: String, csrf: String) -> String {
        Layout.page(title: heading, viewer: viewer, csrf: csrf, content: [
            .el("h1", [:], [.txt(heading)]),
            .el("p", ["class": "lead"], [.text("This is not open yet. It opens "), .txt(opens), .text(".")]),
            .el("p", [:], [.text("Everything that has already opened stays open for you.")]),
            .el("p", [:], [.el("a", ["href": SiteURL.home.path], [.text("Back to your home page")])]),
        ])
    }

    // MARK: Handout

    /// `hasHeading`: the body starts with its own `<h1>`.
    static func handout(viewer: Viewer, title: String, bodyHTML: String, hasHeading: Bool, back: ItemLink, previewNote: String?,
                        pdfHref: String, csrf: String) -> String {
        Layout.page(title: title, viewer: viewer, csrf: csrf, content: [
            .el("p", ["class": "no-print"], [.el("a", ["href": back.href], [.txt(back.label)])]),
            .el("p", ["class": "no-print"], [
                .el("a", ["href": pdfHref, "class": "button button--secondary", "download": ""], [
                    .text("Download as PDF"), .el("span", ["class": "visually-hidden"], [.text(": "), .txt(title)]),
                ]),
            ]),
            previewNote.map { Markup.el("div", ["class": "notice notice--info no-print", "role": "note"], [.el("p", [:], [.txt($0)])]) } ?? .empty,
            .el("article", ["class": "handout content"], [
                hasHeading ? .empty : .el("h1", [:], [.txt(title)]),
                .raw(bodyHTML),
            ]),
            .el("p", ["class": "small no-print"], [.text("To print this page, use your browser's Print command. The page prints without the menus.")]),
        ])
    }
}
