import Foundation

/// The participant home's one section for life between sessions: what is new (in words), the practice
/// tools, keeping in touch, and their data, in that order, so a phone shows the most used links first.
enum ParticipantHomeBetween {
    /// - Parameters:
    ///   - checkInsUnread: unread messages from their facilitator; nil when there is no conversation (a preview).
    ///   - unreadNotifications: unread in-app notifications.
    static func section(checkInsUnread: Int?, unreadNotifications: Int) -> Markup {
        var news: [String] = []
        if let unread = checkInsUnread, unread > 0 {
            news.append(unread == 1 ? "1 new message from your facilitator" : "\(unread) new messages from your facilitator")
        }
        if unreadNotifications > 0 {
            news.append(unreadNotifications == 1 ? "1 new notification" : "\(unreadNotifications) new notifications")
        }
        var touch: [Markup] = []
        if let unread = checkInsUnread {
            touch.append(item(SiteURL.myCheckIns.path, "Check-ins with your facilitator",
                              unread == 0 ? ": write whenever you like." : unread == 1 ? ": 1 new message" : ": \(unread) new messages"))
        }
        touch.append(item(SiteURL.myNotifications.path,
                          unreadNotifications == 0 ? "Notifications" : "Notifications (\(unreadNotifications) new)",
                          ": reminders and news from Tend."))
        touch.append(item(SiteURL.myReminders.path, "Reminders and calendar", ": choose what you are reminded of, and how."))
        return .el("section", ["class": "panel", "aria-labelledby": "between-heading"], [
            .el("h2", ["id": "between-heading"], [.text("Between sessions")]),
            news.isEmpty ? .empty : .el("p", [:], [.el("strong", [:], [.text("New: ")]), .txt(news.joined(separator: "; ") + ".")]),
            .el("h3", [:], [.text("Practice and look after yourself")]),
            .el("ul", ["class": "item-list"], [
                item(SiteURL.myPractice.path, "Your practice", ": note what you practised and see your weeks."),
                item(SiteURL.myDiary.path, "Your pain diary", ": pain, mood, cravings and medicines, a minute a day."),
                item(SiteURL.myThoughts.path, "Harsh thoughts, kinder answers", ": answer your inner critic and keep what helps."),
                item(SiteURL.myPacer.path, "Breathing pacer", ": a quiet guide to soothing rhythm breathing."),
            ]),
            .el("h3", [:], [.text("Keep in touch")]),
            .el("ul", ["class": "item-list"], touch),
            .el("p", ["class": "small"], [
                .el("a", ["href": SiteURL.myData.path], [.text("My data")]),
                .text(": download what Tend keeps about you, or ask for it to be deleted."),
            ]),
        ])
    }

    private static func item(_ href: String, _ label: String, _ words: String) -> Markup {
        .el("li", [:], [.el("a", ["href": href], [.txt(label)]), .txt(words)])
    }
}
