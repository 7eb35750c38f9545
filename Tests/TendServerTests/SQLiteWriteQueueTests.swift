import Fluent
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// SQLite writes wait their turn in one in-process queue instead of spinning on a busy database.
@Suite("SQLite write queue")
struct SQLiteWriteQueueTests {
    @Test("One holder at a time, served first come first served; a free queue is entered at once")
    func firstComeFirstServed() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let queue = SQLiteWriteQueue()
        try await queue.enter(on: loop).get()
        let order = NIOLockedValueBox<[Int]>([])
        var turns: [EventLoopFuture<Void>] = []
        for index in 0..<5 {
            turns.append(queue.enter(on: loop).map {
                order.withLockedValue { $0.append(index) }
            })
        }
        #expect(queue.waitingCount == 5)
        #expect(order.withLockedValue { $0 }.isEmpty, "nobody enters while the first holds it")
        for index in 0..<5 {
            queue.leave()
            try await turns[index].get()
            #expect(order.withLockedValue { $0 } == Array(0...index), "exactly the next one in line enters")
        }
        queue.leave()
        #expect(queue.waitingCount == 0)
        try await queue.enter(on: loop).get()
        queue.leave()
    }

    @Test("Work run through the queue never overlaps, and the queue is left when work fails")
    func noOverlap() async throws {
        let loop = MultiThreadedEventLoopGroup.singleton.any()
        let queue = SQLiteWriteQueue()
        let inside = NIOLockedValueBox((now: 0, most: 0))
        struct Failure: Error {}
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<40 {
                group.addTask {
                    do {
                        try await queue.run(on: loop) { () -> EventLoopFuture<Void> in
                            inside.withLockedValue { $0.now += 1; $0.most = max($0.most, $0.now) }
                            return loop.scheduleTask(in: .milliseconds(1)) {
                                inside.withLockedValue { $0.now -= 1 }
                                if index % 7 == 0 { throw Failure() }
                            }.futureResult
                        }.get()
                    } catch is Failure {}
                }
            }
            try await group.waitForAll()
        }
        #expect(inside.withLockedValue { $0.most } == 1)
        #expect(queue.waitingCount == 0)
    }

    @Test("Only plain SELECTs skip the queue; anything else may write")
    func readsAndWrites() {
        #expect(QueuedSQLiteDatabase.isPlainRead("SELECT 1"))
        #expect(QueuedSQLiteDatabase.isPlainRead("  (select * from users)"))
        #expect(!QueuedSQLiteDatabase.isPlainRead("INSERT INTO drafts VALUES (1)"))
        #expect(!QueuedSQLiteDatabase.isPlainRead("WITH x AS (SELECT 1) DELETE FROM drafts"))
        #expect(!QueuedSQLiteDatabase.isPlainRead("PRAGMA journal_mode = WAL"))
        #expect(!QueuedSQLiteDatabase.isPlainRead("selected"), "a word that merely starts with select is not a read")
        #expect(QueuedSQLiteDatabase.mayWrite(action: .create) && QueuedSQLiteDatabase.mayWrite(action: .update) && QueuedSQLiteDatabase.mayWrite(action: .delete))
        #expect(!QueuedSQLiteDatabase.mayWrite(action: .read) && !QueuedSQLiteDatabase.mayWrite(action: .aggregate(.field(.path([.id], schema: "drafts"), .count))))
    }

    @Test("On an SQLite file, 200 simultaneous writers and transactions all commit, with reads beside them")
    func concurrentWritersOnAFile() async throws {
        guard TestDatabase.postgresURL == nil else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tend-queue-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = ServerConfiguration.testing(database: .sqliteFile(path: folder.appendingPathComponent("tend.sqlite").path))
        configuration.dataDirectory = folder.path
        try await withApp(configure: { app in
            try await configure(app, configuration)
            try await app.autoMigrate()
        }) { app in
            #expect((app.db as? WatchedDatabase)?.base is QueuedSQLiteDatabase)
            let sql = app.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE queue_probe (n INTEGER NOT NULL)").run()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<200 {
                    group.addTask {
                        let db = app.databases.database(.sqlite, logger: app.logger, on: app.eventLoopGroup.any())!
                        if n % 4 == 0 {
                            try await db.transaction { tx in
                                let inner = tx as! any SQLDatabase
                                let count = try await inner.raw("SELECT COUNT(*) AS c FROM queue_probe").first()?.decode(column: "c", as: Int.self)
                                #expect(count != nil)
                                try await inner.raw("INSERT INTO queue_probe (n) VALUES (\(bind: n))").run()
                            }
                        } else if n % 4 == 1 {
                            _ = try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS c FROM queue_probe").all()
                            try await (db as! any SQLDatabase).raw("INSERT INTO queue_probe (n) VALUES (\(bind: n))").run()
                        } else {
                            try await (db as! any SQLDatabase).insert(into: "queue_probe").columns("n").values(SQLBind(n)).run()
                        }
                    }
                }
                try await group.waitForAll()
            }
            let rows = try await sql.raw("SELECT n FROM queue_probe ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
            #expect(rows == Array(0..<200))
        }
    }
}
