import Fluent
import Foundation
import Testing
import TendCore
import TendResources
import Vapor
@testable import TendServer

@Suite("Demo service")
struct DemoServiceTests {
    @Test("the demo fills every programme with linked participants and a register of the meetings held")
    func fillsAService() async throws {
        try await withTendApp { app in
            let today = Date(timeIntervalSince1970: 1_795_464_000)
            let summary = try await DemoService.fill(app, options: .init(participants: 60, password: "a demo password", today: today, seed: 7))
            #expect(summary.participants == 60)
            let programmes = try ProgrammeCatalog.builtIn()
            let groups = try await GroupModel.query(on: app.db).all()
            #expect(Set(groups.map(\.programmeID)) == Set(programmes.map(\.id)))
            #expect(groups.count == summary.groups)
            let members = try await RosterMemberModel.query(on: app.db).with(\.$user).all()
            #expect(members.count == 60)
            #expect(members.allSatisfy { $0.user?.role == .participant })
            #expect((8...12).contains(members.count / groups.count) || groups.count == programmes.flatMap(\.versions).count)
            // Members of self-paced cohorts have their own plan; members of scheduled groups follow the group's.
            let byID = Dictionary(uniqueKeysWithValues: groups.map { ($0.id!, $0) })
            for member in members {
                let group = byID[member.$group.id]!
                let programme = programmes.first { $0.id == group.programmeID }!
                #expect(member.deliveryPlan(in: group, programme: programme) != nil)
                #expect((member.memberPlan == nil) == (programme.delivery == .scheduledGroup))
            }
            // Only meetings before "today" are in the register, one mark per member each.
            let marks = try await AttendanceMarkModel.query(on: app.db).count()
            #expect(marks == summary.attendanceMarks && marks > 0)
            // The password works for every account.
            let admin = try await UserModel.query(on: app.db).filter(\.$email == summary.admin).first()
            #expect(try app.password.verify("a demo password", created: admin!.passwordHash))
        }
    }

    @Test("the demo refuses a database that already has accounts, and changes nothing")
    func refusesNonEmpty() async throws {
        try await withTendApp { app in
            _ = try await DemoService.fill(app, options: .init(participants: 10, password: "a demo password"))
            let before = try await UserModel.query(on: app.db).count()
            await #expect(throws: DemoService.DemoError.self) {
                _ = try await DemoService.fill(app, options: .init(participants: 10, password: "a demo password"))
            }
            #expect(try await UserModel.query(on: app.db).count() == before)
        }
    }
}
