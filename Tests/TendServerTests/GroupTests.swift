import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// Groups: creating one from a built-in programme, its schedule, the roster, the attendance register and
/// who may reach each page.
@Suite("Groups and the attendance register")
struct GroupTests {
    static let goodGroup: [String: String] = [
        "name": "Tuesday evening <pain> group",
        "programme": "compassionate-living-pain/eight-session",
        "startDate": "2026-03-02",
        "weekday": "2",
        "time": "18:30",
        "timeZone": "Europe/London",
        "callLink": "https://meet.example.org/room-7",
    ]

    /// Signs in an existing user in a fresh browser.
    private static func signIn(_ user: UserModel, on app: Application) async throws -> Browser {
        let browser = Browser(app)
        try await browser.get("/login")
        let response = try await browser.post("/login", ["email": user.email, "password": Fixtures.password])
        #expect(response.status == .seeOther)
        try await browser.get(response.location ?? "/")
        return browser
    }

    /// Creates a group as `browser` and returns its page path.
    private static func createGroup(_ browser: Browser, _ form: [String: String] = goodGroup) async throws -> String {
        try await browser.get("/groups/new")
        let response = try await browser.post("/groups", form)
        #expect(response.status == .seeOther)
        let location = try #require(response.location)
        #expect(location.hasPrefix("/groups/"))
        return location
    }

    @Test("An empty create form names every field and re-renders with 422")
    func emptyCreate() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            try await browser.get("/groups/new")
            let response = try await browser.post("/groups", ["timeZone": ""])
            #expect(response.status == .unprocessableEntity)
            let page = response.text
            #expect(page.contains("There is a problem"))
            for message in ["Enter a name for the group", "Choose the programme and version the group will follow",
                            "Enter the date the group starts", "Choose the day of the week the group meets",
                            "Enter the time the group meets", "Enter the time zone the group meets in",
                            "Enter the link participants use to join the video call"] {
                #expect(page.contains(message), "missing \(message)")
            }
            #expect(try await GroupModel.query(on: app.db).count() == 0)
        }
    }

    @Test("Bad values get their own messages and everything typed is kept")
    func badValuesKept() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            try await browser.get("/groups/new")
            var form = Self.goodGroup
            form["startDate"] = "2026-02-30"
            form["time"] = "25:00"
            form["timeZone"] = "Mars/Olympus"
            form["callLink"] = "http://meet.example.org/room"
            form["programme"] = "compassionate-living-pain/twelve-session"
            let response = try await browser.post("/groups", form)
            #expect(response.status == .unprocessableEntity)
            let page = response.text
            #expect(page.contains("Start date must be a real date written as year-month-day"))
            #expect(page.contains("Time must be on the 24-hour clock"))
            #expect(page.contains("Time zone must be a place name from the time zone database"))
            #expect(page.contains("Video-call link must be a full web address starting with https://"))
            #expect(page.contains("Choose the programme and version the group will follow"))
            #expect(page.contains("value=\"Tuesday evening &lt;pain&gt; group\""), "name kept and escaped")
            #expect(page.contains("value=\"2026-02-30\""))
            #expect(page.contains("value=\"25:00\""))
            #expect(page.contains("value=\"Mars/Olympus\""))
            #expect(page.contains("value=\"http://meet.example.org/room\""))
            #expect(page.contains("value=\"2\" checked=\"checked\""), "weekday kept")
            #expect(!page.contains("<pain>"))
            #expect(try await GroupModel.query(on: app.db).count() == 0)
        }
    }

    @Test("A good group is saved and its page shows every meeting in the group's time zone, across the clock change")
    func createAndSchedule() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let path = try await Self.createGroup(browser)
            let group = try #require(try await GroupModel.query(on: app.db).first())
            #expect(group.programmeID == "compassionate-living-pain")
            #expect(group.versionID == "eight-session")
            #expect(group.timeZone == "Europe/London")
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            // The first Tuesday on or after Monday 2 March 2026, then weekly; UK clocks go forward on
            // 29 March, and the meeting stays at 18:30 on the wall clock.
            for day in ["3 March", "10 March", "17 March", "24 March", "31 March", "7 April", "14 April", "21 April"] {
                #expect(page.text.contains("Tuesday \(day) 2026, 18:30"), "missing \(day)")
            }
            #expect(!page.text.contains("28 April"))
            #expect(page.text.contains("Session 8:"))
            #expect(!page.text.contains("Session 9:"))
            #expect(page.text.contains("https://meet.example.org/room-7"))
            #expect(page.text.contains("Tuesday evening &lt;pain&gt; group"))
            let list = try await browser.get("/groups")
            #expect(list.text.contains(path))
        }
    }

    @Test("Roster: a member is added; a missing or repeated study code is refused with the input kept")
    func roster() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let path = try await Self.createGroup(browser)
            let added = try await browser.post(path + "/roster", ["displayName": "Sam", "studyCode": "PAIN-001"])
            #expect(added.status == .seeOther)
            let page = try await browser.get(path)
            #expect(page.text.contains("Sam"))
            #expect(page.text.contains("PAIN-001"))
            let repeated = try await browser.post(path + "/roster", ["displayName": "Alex", "studyCode": "PAIN-001"])
            #expect(repeated.status == .unprocessableEntity)
            #expect(repeated.text.contains("Someone in this group already has this study code"))
            #expect(repeated.text.contains("value=\"Alex\""))
            let empty = try await browser.post(path + "/roster", ["displayName": "", "studyCode": "bad code!"])
            #expect(empty.status == .unprocessableEntity)
            #expect(empty.text.contains("Enter the name the group knows them by"))
            #expect(empty.text.contains("Study code must be up to 32 letters"))
            #expect(empty.text.contains("value=\"bad code!\""))
            #expect(try await RosterMemberModel.query(on: app.db).count() == 1)
        }
    }

    @Test("Attendance: one form per session saves every mark; the page shows the register and the median and maximum missed")
    func attendance() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let path = try await Self.createGroup(browser)
            for (name, code) in [("Ana", "P1"), ("Ben", "P2"), ("Cy", "P3")] {
                try await browser.post(path + "/roster", ["displayName": name, "studyCode": code])
            }
            try await browser.get(path)
            let members = try await RosterMemberModel.query(on: app.db).sort(\.$studyCode).all()
            let ids = members.map { $0.id!.uuidString.lowercased() }
            func field(_ session: Int, _ index: Int) -> String { "s\(session)-\(ids[index])" }

            // Incomplete: Cy has no mark. Re-rendered with the choices kept.
            let incomplete = try await browser.post(path + "/sessions/1/attendance",
                                                    [field(1, 0): "attended", field(1, 1): "missed"])
            #expect(incomplete.status == .unprocessableEntity)
            #expect(incomplete.text.contains("Choose attended, missed or excused for Cy"))
            #expect(incomplete.text.contains("id=\"\(field(1, 1))-2\" name=\"\(field(1, 1))\" type=\"radio\" value=\"missed\" checked=\"checked\""))
            #expect(try await AttendanceMarkModel.query(on: app.db).count() == 0)

            let marks: [Int: [String]] = [1: ["attended", "missed", "attended"], 2: ["attended", "missed", "excused"],
                                          3: ["attended", "missed", "missed"]]
            for (session, row) in marks {
                var form: [String: String] = [:]
                for (index, mark) in row.enumerated() { form[field(session, index)] = mark }
                let saved = try await browser.post(path + "/sessions/\(session)/attendance", form)
                #expect(saved.status == .seeOther)
            }
            // Saving a session again replaces its marks.
            try await browser.post(path + "/sessions/3/attendance",
                                   [field(3, 0): "attended", field(3, 1): "missed", field(3, 2): "attended"])
            #expect(try await AttendanceMarkModel.query(on: app.db).count() == 9)
            let page = try await browser.get(path)
            // Missed: Ana 0, Ben 3, Cy 0 → median 0, maximum 3.
            #expect(page.text.contains("Missed sessions per person: median 0, maximum 3."))
            #expect(page.text.contains("1 of 3 missed at least one session."))
            #expect(page.text.contains("Attended 2 · Missed 1 · Excused 0"))
            #expect(page.text.contains("Attended 1 · Missed 1 · Excused 1"))
            #expect(page.text.contains("Not recorded yet."))
            #expect(try await browser.post(path + "/sessions/9/attendance", [:]).status == .notFound)
        }
    }

    @Test("Every staff view of the roster's attendance is in the audit trail, without names")
    func audit() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let path = try await Self.createGroup(browser)
            try await browser.post(path + "/roster", ["displayName": "Sam", "studyCode": "P1"])
            try await browser.post(path + "/roster", ["displayName": "Kim", "studyCode": "P2"])
            #expect(try await AuditEventModel.query(on: app.db).filter(\.$action == .attendanceViewed).count() == 0)
            try await browser.get(path)
            let events = try await AuditEventModel.query(on: app.db).filter(\.$action == .attendanceViewed).all()
            #expect(events.count == 2)
            let memberIDs = Set(try await RosterMemberModel.query(on: app.db).all().map(\.id))
            #expect(Set(events.map(\.subjectID)) == memberIDs)
            #expect(events.allSatisfy { $0.subjectKind == .rosterMember })
        }
    }

    @Test("Access: the facilitator who runs a group and admins reach it; another facilitator, researchers and participants get 403; anonymous visitors sign in")
    func access() async throws {
        try await withTendApp { app in
            let owner = try await Fixtures.signedIn(.facilitator, on: app)
            let path = try await Self.createGroup(owner)
            try await owner.post(path + "/roster", ["displayName": "Sam", "studyCode": "P1"])
            let member = try #require(try await RosterMemberModel.query(on: app.db).first())
            let field = "s1-\(member.id!.uuidString.lowercased())"

            let other = try await Self.signIn(try await Fixtures.user(.facilitator, email: "other@example.org", on: app), on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            let researcher = try await Fixtures.signedIn(.researcher, on: app)
            let participant = try await Fixtures.signedIn(.participant, on: app)
            let anonymous = Browser(app)
            try await anonymous.get("/login")

            for browser in [other, admin, researcher, participant, anonymous] {
                let expected: HTTPStatus? = browser === admin ? nil : browser === other ? .forbidden
                    : browser === anonymous ? .found : .forbidden
                let page = try await browser.get(path)
                let register = try await browser.post(path + "/sessions/1/attendance", [field: "missed"])
                let roster = try await browser.post(path + "/roster", ["displayName": "Intruder", "studyCode": "X\(Int.random(in: 0..<1000))"])
                if let expected {
                    #expect(page.status == expected)
                    #expect(roster.status == expected)
                    #expect(register.status == expected)
                } else {
                    #expect(page.status == .ok)
                    #expect(roster.status == .seeOther)
                    #expect(register.status == .seeOther)
                }
            }
            #expect(try await anonymous.get(path).location?.hasPrefix("/login") == true)
            // Group list and new-group form: staff who run groups only.
            for (browser, status) in [(other, HTTPStatus.ok), (admin, .ok), (researcher, .forbidden), (participant, .forbidden), (anonymous, .found)] {
                #expect(try await browser.get("/groups").status == status)
                #expect(try await browser.get("/groups/new").status == status)
            }
            #expect(try await researcher.post("/groups", Self.goodGroup).status == .forbidden)
            #expect(try await participant.post("/groups", Self.goodGroup).status == .forbidden)
            #expect(!(try await other.get("/groups")).text.contains(path), "another facilitator does not see the group")
            #expect((try await admin.get("/groups")).text.contains(path))
            #expect(try await owner.get("/groups/not-a-uuid").status == .notFound)
            #expect(try await owner.get("/groups/\(UUID().uuidString.lowercased())").status == .notFound)
            #expect(try await RosterMemberModel.query(on: app.db).filter(\.$displayName == "Intruder").count() == 1, "only the admin's add")
            let marks = try await AttendanceMarkModel.query(on: app.db).all()
            #expect(marks.count == 1, "only the admin's register")
            #expect(marks.first?.mark == .missed)
        }
    }

    @Test("An admin creates a group for a facilitator and must choose one")
    func adminCreates() async throws {
        try await withTendApp { app in
            let facilitator = try await Fixtures.user(.facilitator, on: app)
            let admin = try await Fixtures.signedIn(.admin, on: app)
            try await admin.get("/groups/new")
            let missing = try await admin.post("/groups", Self.goodGroup)
            #expect(missing.status == .unprocessableEntity)
            #expect(missing.text.contains("Choose the facilitator who will run the group"))
            var form = Self.goodGroup
            form["facilitator"] = facilitator.id!.uuidString.lowercased()
            #expect(try await admin.post("/groups", form).status == .seeOther)
            let group = try #require(try await GroupModel.query(on: app.db).first())
            #expect(group.$facilitator.id == facilitator.id)
            let runner = try await Self.signIn(facilitator, on: app)
            #expect(try await runner.get("/groups/\(group.id!.uuidString.lowercased())").status == .ok)
        }
    }

    @Test("Group forms without the CSRF token are refused")
    func csrf() async throws {
        try await withTendApp { app in
            let browser = try await Fixtures.signedIn(.facilitator, on: app)
            let path = try await Self.createGroup(browser)
            #expect(try await browser.post("/groups", Self.goodGroup, csrf: "").status == .forbidden)
            #expect(try await browser.post(path + "/roster", ["displayName": "Sam", "studyCode": "P1"], csrf: "").status == .forbidden)
            #expect(try await browser.post(path + "/sessions/1/attendance", [:], csrf: "wrong").status == .forbidden)
            #expect(try await GroupModel.query(on: app.db).count() == 1)
            #expect(try await RosterMemberModel.query(on: app.db).count() == 0)
        }
    }

    @Test("The facilitator's home and the admin's home link to Groups")
    func navigation() async throws {
        try await withTendApp { app in
            for role in [Role.facilitator, .admin] {
                let home = try await Fixtures.signedIn(role, on: app).get("/")
                #expect(home.text.contains("href=\"/groups\""), "\(role)")
            }
            let researcher = try await Fixtures.signedIn(.researcher, on: app).get("/")
            #expect(!researcher.text.contains("href=\"/groups\""))
        }
    }
}
