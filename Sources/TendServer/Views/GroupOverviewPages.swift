import Foundation
import TendCore

/// A group at a glance for its facilitator: one card per member (attendance, check-ins, last activity,
/// practice, diary trend, thought-tool use, flags), the flags to acknowledge, and each member's flag
/// history; and the form for the group's flag thresholds. Flags are named in words, never by colour.
enum GroupOverviewPages {
    struct OpenFlag: Sendable, Equatable {
        var id: String
        var title: String
        var detail: String
        var firstSeen: Date
    }

    struct PastFlag: Sendable, Equatable {
        var title: String
        var since: String
        var firstSeen: Date
        var cleared: Date?
        var acknowledged: Date?
        var acknowledgedBy: String?
        var note: String?
    }

    /// Everything one member's card shows, in words.
    struct MemberCard: Sendable, Equatable {
        var id: String
        var name: String
        var studyCode: String
        var joined: Bool
        var attendance: String
        var checkIns: String
        var lastActivity: String
        var practice: String
        var diary: String
        var thoughtTool: String
        var openFlags: [OpenFlag]
        var history: [PastFlag]
    }

    /// Acknowledgement notes sent back with a problem, by flag id (the text kept).
    struct NoteDrafts: Sendable, Equatable {
        var notes: [String: String] = [:]
        var errors = FormErrors()
    }

    static func noteField(_ flagID: String) -> String { "note-" + flagID }
    static let maximumNoteLength = 1000

    static func overview(viewer: Viewer, groupID: UUID, groupName: String, thresholds: String, cards: [MemberCard],
                         drafts: NoteDrafts, csrf: String) -> String {
        let openCount = cards.reduce(0) { $0 + $1.openFlags.count }
        return Layout.page(title: "At a glance – " + groupName, viewer: viewer, csrf: csrf, hasErrors: !drafts.errors.isEmpty, content: [
            FormComponents.errorSummary(drafts.errors),
            .el("p", [:], [.el("a", ["href": SiteURL.group(.value(groupID)).path], [.text("Back to "), .txt(groupName)])]),
            .el("h1", [:], [.text("At a glance: "), .txt(groupName)]),
            .el("p", [:], [
                .el("a", ["href": SiteURL.groupCheckIns(.value(groupID)).path], [.text("All check-ins")]),
                .text(" · "),
                .el("a", ["href": SiteURL.groupFlagSettings(.value(groupID)).path], [.text("Flag thresholds")]),
            ]),
            .el("p", ["class": "small", "id": "thresholds"], [.txt(thresholds)]),
            .el("p", ["role": "status"], [.txt(openCount == 0 ? "No open flags." : openCount == 1 ? "1 open flag." : "\(openCount) open flags.")]),
            cards.isEmpty ? .el("p", [:], [.text("No one is on the roster yet.")])
                : .el("ul", ["class": "card-list"], cards.map { card(groupID: groupID, $0, drafts: drafts, csrf: csrf) }),
        ])
    }

    private static func card(groupID: UUID, _ card: MemberCard, drafts: NoteDrafts, csrf: String) -> Markup {
        let headingID = "member-\(card.id)-heading"
        var rows: [(String, Markup)] = [("Attendance", .txt(card.attendance))]
        rows.append(("Check-ins", .group([
            .txt(card.checkIns), .text(" "),
            .el("a", ["href": SiteURL.memberCheckIns(.value(groupID), .value(card.id)).path], [
                .text("Open the conversation"), .el("span", ["class": "visually-hidden"], [.text(" with "), .txt(card.name)]),
            ]),
        ])))
        rows += [("Last activity", .txt(card.lastActivity)), ("Practice, last 7 days", .txt(card.practice)),
                 ("Diary trend", .txt(card.diary)), ("Thought tool, last 7 days", .txt(card.thoughtTool))]
        return .el("li", ["class": "panel", "id": "member-\(card.id)"], [
            .el("h2", ["id": headingID, "class": "card-list__title"], [
                .txt(card.name), .text(" "), .el("span", ["class": "small"], [.text("("), .txt(card.studyCode), .text(")")]),
            ]),
            card.joined ? .empty : .el("p", [:], [.text("Not joined yet.")]),
            .el("dl", ["class": "summary-list"], rows.flatMap { row in
                [Markup.el("dt", [:], [.txt(row.0)]), .el("dd", [:], [row.1])]
            }),
            .el("h3", [:], [.text("Flags")]),
            card.openFlags.isEmpty ? .el("p", [:], [.text("No open flags.")])
                : .el("ul", ["class": "plain-list"], card.openFlags.map { flag in
                    openFlag(groupID: groupID, member: card.name, flag, drafts: drafts, csrf: csrf)
                }),
            card.history.isEmpty ? .empty : .el("details", [:], [
                .el("summary", [:], [.txt("Flag history (\(card.history.count))")]),
                .el("ul", ["class": "plain-list"], card.history.map(pastFlag)),
            ]),
        ])
    }

    private static func openFlag(groupID: UUID, member: String, _ flag: OpenFlag, drafts: NoteDrafts, csrf: String) -> Markup {
        .el("li", ["class": "flag"], [
            .el("p", [:], [
                .el("strong", [:], [.text("Flag: "), .txt(flag.title), .text(".")]), .text(" "), .txt(flag.detail),
                .text(" First seen "), .txt(Layout.format(flag.firstSeen)), .text("."),
            ]),
            FormComponents.form(action: SiteURL.flagAcknowledge(.value(groupID), .value(flag.id)).path, csrf: csrf, [
                CheckInPages.textarea(id: noteField(flag.id), label: "Note for staff: what you did or decided",
                                      value: drafts.notes[flag.id] ?? "",
                                      hint: "Required. Seen only by staff. Up to \(maximumNoteLength) characters.", rows: 3,
                                      errors: drafts.errors),
                .el("button", ["type": "submit", "class": "button button--secondary"], [
                    .text("Acknowledge"), .el("span", ["class": "visually-hidden"], [.txt(" “\(flag.title)” for \(member)")]),
                ]),
            ]),
        ])
    }

    private static func pastFlag(_ flag: PastFlag) -> Markup {
        var parts = ["\(flag.title), from \(flag.since); first seen \(Layout.format(flag.firstSeen))"]
        if let acknowledged = flag.acknowledged {
            parts.append("acknowledged \(Layout.format(acknowledged))" + (flag.acknowledgedBy.map { " by \($0)" } ?? ""))
        } else {
            parts.append("not acknowledged")
        }
        if let cleared = flag.cleared { parts.append("cleared \(Layout.format(cleared))") } else { parts.append("still holds") }
        return .el("li", [:], [
            .txt(parts.joined(separator: "; ") + "."),
            flag.note.map { Markup.el("p", ["class": "message__body"], [.text("Note: "), .txt($0)]) } ?? .empty,
        ])
    }

    // MARK: Thresholds

    struct SettingsForm: Sendable, Equatable {
        var quietDays: String
        var risingCravingEntries: String
        var doseWindowDays: String
        var doseMargin: String
        var checkInReplyHours: String

        init(quietDays: String, risingCravingEntries: String, doseWindowDays: String, doseMargin: String, checkInReplyHours: String) {
            self.quietDays = quietDays
            self.risingCravingEntries = risingCravingEntries
            self.doseWindowDays = doseWindowDays
            self.doseMargin = doseMargin
            self.checkInReplyHours = checkInReplyHours
        }

        init(_ thresholds: FlagThresholds) {
            self.init(quietDays: String(thresholds.quietDays), risingCravingEntries: String(thresholds.risingCravingEntries),
                      doseWindowDays: String(thresholds.doseWindowDays), doseMargin: GroupOverviewPages.formatNumber(thresholds.doseMargin),
                      checkInReplyHours: String(thresholds.checkInReplyHours))
        }
    }

    static func formatNumber(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    /// The thresholds in one sentence.
    static func describe(_ t: FlagThresholds) -> String {
        "Flags are raised after \(t.quietDays) days with no practice or diary, \(t.risingCravingEntries) rising craving ratings in a row, "
            + "doses more than \(formatNumber(t.doseMargin)) a day above the first \(t.doseWindowDays) days of the diary, "
            + "and a check-in waiting \(t.checkInReplyHours) hours for a reply."
    }

    static func settings(viewer: Viewer, groupID: UUID, groupName: String, form: SettingsForm, errors: FormErrors, csrf: String) -> String {
        func number(_ id: String, _ label: String, _ value: String, _ hint: String) -> Markup {
            FormComponents.textField(.init(id: id, label: label, type: "text", value: value, hint: hint, autocomplete: "off"), errors: errors)
        }
        return Layout.page(title: "Flag thresholds – " + groupName, viewer: viewer, csrf: csrf, hasErrors: !errors.isEmpty, content: [
            FormComponents.errorSummary(errors),
            .el("p", [:], [.el("a", ["href": SiteURL.groupOverview(.value(groupID)).path], [.text("Back to "), .txt(groupName), .text(" at a glance")])]),
            .el("h1", [:], [.text("Flag thresholds")]),
            .el("p", [:], [.text("When Tend flags a member of "), .txt(groupName), .text(" for you to look at. Changes apply from the next time the overview is opened.")]),
            FormComponents.form(action: SiteURL.groupFlagSettings(.value(groupID)).path, csrf: csrf, [
                number("quietDays", "Quiet days", form.quietDays, "Days with no practice and no diary entry before a flag. 1 to 60."),
                number("risingCravingEntries", "Rising craving entries", form.risingCravingEntries,
                       "Diary entries in a row, each rating craving higher than the one before. 2 to 10."),
                number("doseWindowDays", "Dose comparison window (days)", form.doseWindowDays,
                       "The recent days compared with the first days of the diary. 3 to 28."),
                number("doseMargin", "Dose margin (doses a day)", form.doseMargin,
                       "How far recent daily doses may rise above the person's own start before a flag; 0 flags any rise. 0 to 20, decimals allowed."),
                number("checkInReplyHours", "Check-in wait (hours)", form.checkInReplyHours,
                       "Hours a participant's check-in may wait for a reply before a flag. 1 to 336."),
                FormComponents.submit("Save thresholds"),
            ]),
        ])
    }
}
