import Foundation

/// The waitlist's offer of the programme: the panel on the participant's home page, and the staff list.
enum WaitlistPages {
    /// What the participant's home shows about their offer.
    struct Offer: Sendable, Equatable {
        enum State: Sendable, Equatable {
            case open
            case acceptedWaiting
            case accepted
            case declined(on: String)
        }

        var publicTitle: String
        var state: State
    }

    static func offer(_ model: WaitlistOfferModel, publicTitle: String) -> Offer {
        switch model.decision {
        case nil: return Offer(publicTitle: publicTitle, state: .open)
        case .accepted?: return Offer(publicTitle: publicTitle, state: model.groupID == nil ? .acceptedWaiting : .accepted)
        case .declined?:
            let day = model.decidedAt.map { DateWords.string($0, zone: StudyDates.utc, format: "d MMMM yyyy") } ?? ""
            return Offer(publicTitle: publicTitle, state: .declined(on: day))
        }
    }

    static func panel(_ offer: Offer?, csrf: String) -> Markup {
        guard let offer else { return .empty }
        let heading = Markup.el("h2", ["id": "offer-heading"], [.text("An offer for you")])
        let body: [Markup]
        switch offer.state {
        case .open:
            body = [
                .el("p", [:], [.text("Thank you for answering the study's questions. You can now take the course from “"),
                               .txt(offer.publicTitle), .text("”, at no cost, if you would like to.")]),
                .el("p", [:], [.text("There is no rush, and saying no is fine: it changes nothing else for you.")]),
                FormComponents.form(action: SiteURL.myProgrammeOffer.path, csrf: csrf, [
                    .el("div", [:], [
                        .el("button", ["type": "submit", "class": "button", "name": "decision", "value": "accept"],
                            [.text("Yes, I would like to take part")]),
                        .text(" "),
                        .el("button", ["type": "submit", "class": "button button--secondary", "name": "decision", "value": "decline"],
                            [.text("No, thank you")]),
                    ]),
                ]),
            ]
        case .acceptedWaiting:
            body = [.el("p", [:], [.text("Thank you: you accepted the offer of the course. The study team will add you to the next group, and it will show here.")])]
        case .accepted:
            body = [.el("p", [:], [.text("Thank you: you accepted the offer of the course.")])]
        case .declined(let day):
            body = [.el("p", [:], [.txt("You said no to the offer of the course on \(day). If you change your mind, please tell the study team.")])]
        }
        return .el("section", ["class": "panel panel--highlight", "aria-labelledby": "offer-heading"], [heading] + body)
    }

    struct Row: Sendable, Equatable {
        var code: String
        var state: String
        var offeredOn: String?
        var decidedOn: String?
    }

    static func list(viewer: Viewer, studyID: UUID, title: String, hasWaitlist: Bool, groupChosen: Bool, rows: [Row],
                     csrf: String) -> String {
        Layout.page(title: "Waitlist offers", viewer: viewer, csrf: csrf, content: [
            .el("p", [:], [.el("a", ["href": SiteURL.study(.value(studyID)).path], [.text("Back to "), .txt(title)])]),
            .el("h1", [:], [.text("Waitlist offers")]),
            !hasWaitlist
                ? .el("p", [:], [.text("This study has no waitlist arm.")])
                : .group([
                    .el("p", [:], [.text("People on the waitlist are offered the course once the questionnaires of their last follow-up are sent in or have closed. Those who accept join the waitlist group chosen on the study page.")]),
                    groupChosen ? .empty : .el("p", ["class": "notice"], [
                        .el("strong", [:], [.text("No waitlist group is chosen yet: ")]),
                        .text("people who accept will join it as soon as one is chosen on the study page."),
                    ]),
                    rows.isEmpty
                        ? .el("p", [:], [.text("No one has been allocated to the waitlist yet.")])
                        : .el("table", ["class": "table"], [
                            .el("caption", ["class": "visually-hidden"], [.text("People on the waitlist and their offers")]),
                            .el("thead", [:], [.el("tr", [:], [
                                .el("th", ["scope": "col"], [.text("Study code")]),
                                .el("th", ["scope": "col"], [.text("Offer")]),
                                .el("th", ["scope": "col"], [.text("Offered on")]),
                                .el("th", ["scope": "col"], [.text("Answered on")]),
                            ])]),
                            .el("tbody", [:], rows.map { row in
                                .el("tr", [:], [
                                    .el("th", ["scope": "row"], [.txt(row.code)]),
                                    .el("td", [:], [.txt(row.state)]),
                                    .el("td", [:], [.txt(row.offeredOn ?? "–")]),
                                    .el("td", [:], [.txt(row.decidedOn ?? "–")]),
                                ])
                            }),
                        ]),
                ]),
        ])
    }
}
