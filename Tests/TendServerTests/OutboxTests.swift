import Fluent
import Foundation
import SQLKit
import TendCore
import Testing
import Vapor
import VaporTesting
@testable import TendServer

/// The outbox table and the worker: enqueueing, claiming, sending, retrying, dead letters, claim
/// timeouts and clean shutdown. Runs on SQLite, and on PostgreSQL when TEND_TEST_POSTGRES_URL is set.
@Suite("Delivery outbox and worker", .serialized)
struct OutboxTests {
    @Test("Enqueueing the same dedupe key twice stores one message and says so the second time")
    func enqueueIsIdempotent() async throws {
        try await withTendApp { app in
            let due = Date(timeIntervalSince1970: 1_800_000_000)
            var message = OutboxFixtures.message(1, due: due)
            let first = try await Outbox.enqueue(message, on: app.db)
            guard case .enqueued(let id) = first else { Issue.record("first enqueue was \(first)"); return }
            message.subject = "A different subject"
            #expect(try await Outbox.enqueue(message, on: app.db) == .alreadyQueued)
            #expect(try await OutboxItemModel.query(on: app.db).count() == 1)
            let stored = try await OutboxFixtures.item(id, on: app.db)
            #expect(stored.subject == "Practice reminder 1", "the first message is kept unchanged")
            #expect(stored.status == .pending)
            #expect(stored.attempts == 0)
            #expect(abs(stored.nextAttemptAt.timeIntervalSince(due)) < 0.001)

            // A key already sent is still taken: the same reminder is never sent twice.
            try await (app.db as! any SQLDatabase).raw("UPDATE outbox_items SET status = 'sent'").run()
            #expect(try await Outbox.enqueue(message, on: app.db) == .alreadyQueued)
            message.dedupeKey = "practice:2"
            if case .enqueued = try await Outbox.enqueue(message, on: app.db) {} else { Issue.record("a new key was not enqueued") }
            #expect(try await OutboxItemModel.query(on: app.db).count() == 2)
        }
    }

    @Test("Two enqueues of one key racing each other store one message")
    func concurrentEnqueue() async throws {
        try await withTendApp { app in
            let message = OutboxFixtures.message(7, due: Date())
            let results = try await withThrowingTaskGroup(of: Outbox.EnqueueResult.self) { group in
                for _ in 0..<8 { group.addTask { try await Outbox.enqueue(message, on: app.db) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(results.filter { if case .enqueued = $0 { return true } else { return false } }.count == 1)
            #expect(results.filter { $0 == .alreadyQueued }.count == 7)
            #expect(try await OutboxItemModel.query(on: app.db).count() == 1)
        }
    }

    @Test("A message that cannot be sent is refused at enqueue, naming the field")
    func enqueueValidation() async throws {
        try await withTendApp { app in
            var message = OutboxFixtures.message(1, due: Date())
            message.recipient = "not an address"
            await #expect(throws: OutboxInputError(field: "recipient", expected: "an e-mail address like name@example.org")) {
                try await Outbox.enqueue(message, on: app.db)
            }
            message = OutboxFixtures.message(1, due: Date())
            message.subject = "Line one\r\nBcc: someone@example.org"
            await #expect(throws: OutboxInputError(field: "subject", expected: "a subject on one line")) {
                try await Outbox.enqueue(message, on: app.db)
            }
            message = OutboxFixtures.message(1, due: Date())
            message.dedupeKey = ""
            await #expect(throws: OutboxInputError.self) { try await Outbox.enqueue(message, on: app.db) }
            let stored = try await OutboxItemModel.query(on: app.db).count()
            #expect(stored == 0)
        }
    }

    @Test("A reminder due in the participant's quiet hours is first tried when they end")
    func quietHours() async throws {
        try await withTendApp { app in
            let london = TimeZone(identifier: "Europe/London")!
            let preference = ReminderPreference(weekdays: [.monday], time: LocalTime(hour: 23, minute: 0)!, timeZone: london,
                                                quietStart: LocalTime(hour: 22, minute: 0)!, quietEnd: LocalTime(hour: 7, minute: 0)!)
            // 2026-03-02 23:00 UTC is 23:00 in London (GMT): quiet until 07:00 the next morning.
            let due = Date(timeIntervalSince1970: 1_772_492_400)
            guard case .enqueued(let id) = try await Outbox.enqueue(OutboxFixtures.message(1, due: due), preference: preference, on: app.db) else {
                Issue.record("not enqueued"); return
            }
            let item = try await OutboxFixtures.item(id, on: app.db)
            #expect(abs(item.dueAt.timeIntervalSince(due)) < 0.001)
            #expect(abs(item.nextAttemptAt.timeIntervalSince(preference.deliveryTime(for: due))) < 0.001)
            #expect(abs(item.nextAttemptAt.timeIntervalSince(due) - 8 * 3600) < 0.001)
        }
    }

    @Test("A due message is claimed, handed to its channel's sender, then marked sent")
    func claimSendSent() async throws {
        try await withTendApp { app in
            let clock = TestClock()
            let ids = try await OutboxFixtures.enqueue(3, due: clock.now, on: app.db)
            // Not yet due: left alone.
            let later = try await Outbox.enqueue(OutboxFixtures.message(99, due: clock.now.addingTimeInterval(3600)), on: app.db)
            let sender = RecordingSender()
            let worker = OutboxFixtures.worker(app, senders: [.email: sender], clock: clock)
            let result = try await worker.runOnce()
            #expect(result.claimed == 3)
            #expect(result.sent == 3)
            #expect(Set(sender.messages.map(\.id)) == Set(ids))
            let first = try #require(sender.messages.first { $0.id == ids[0] })
            #expect(first.recipient == "person0@example.org")
            #expect(first.subject == "Practice reminder 0")
            #expect(first.body == "Time for your breathing practice.\nTake it gently.")
            for id in ids {
                let item = try await OutboxFixtures.item(id, on: app.db)
                #expect(item.status == .sent)
                #expect(item.attempts == 1)
                #expect(item.claimedBy == "worker-a")
                #expect(item.sentAt.map { abs($0.timeIntervalSince(clock.now)) < 0.001 } == true)
                #expect(item.lastError == nil)
            }
            if case .enqueued(let laterID) = later {
                #expect(try await OutboxFixtures.item(laterID, on: app.db).status == .pending)
            }
            #expect(try await worker.runOnce().claimed == 0, "nothing is sent twice")
            clock.advance(3600)
            #expect(try await worker.runOnce().sent == 1)
        }
    }

    @Test("A worker claims only the channels it can send; the others wait for one that can")
    func channelsWithoutSenderWait() async throws {
        try await withTendApp { app in
            let clock = TestClock()
            try await OutboxFixtures.enqueue(2, channel: .webhook, due: clock.now, on: app.db)
            let mail = RecordingSender()
            let result = try await OutboxFixtures.worker(app, senders: [.email: mail], clock: clock).runOnce()
            #expect(result.claimed == 0)
            #expect(try await OutboxFixtures.count(.pending, on: app.db) == 2)
            let hook = RecordingSender()
            #expect(try await OutboxFixtures.worker(app, id: "worker-b", senders: [.webhook: hook], clock: clock).runOnce().sent == 2)
            #expect(hook.messages.allSatisfy { $0.channel == .webhook })
        }
    }

    @Test("A failure is retried after the policy's back-off, and dead-lettered after the last attempt")
    func retryBackOffThenDead() async throws {
        try await withTendApp { app in
            let clock = TestClock()
            let policy = RetryPolicy(firstDelay: 30, factor: 2, maximumDelay: 3600, maximumAttempts: 4)
            let ids = try await OutboxFixtures.enqueue(1, due: clock.now, on: app.db)
            let id = try #require(ids.first)
            let sender = RecordingSender { _ in .failed("SMTP 451 at RCPT TO") }
            let worker = OutboxFixtures.worker(app, senders: [.email: sender], clock: clock, policy: policy)

            // Delays after failures 1, 2, 3: 30 s, 60 s, 120 s; the 4th failure is the last attempt.
            for (attempt, delay) in [(1, 30.0), (2, 60.0), (3, 120.0)] {
                let result = try await worker.runOnce()
                #expect(result.failed == 1, "attempt \(attempt)")
                let item = try await OutboxFixtures.item(id, on: app.db)
                #expect(item.status == .pending)
                #expect(item.attempts == attempt)
                #expect(item.lastError == "SMTP 451 at RCPT TO")
                #expect(item.claimedBy == nil)
                #expect(abs(item.nextAttemptAt.timeIntervalSince(clock.now) - delay) < 0.001, "attempt \(attempt)")
                #expect(policy.next(afterFailedAttempts: attempt) == .retry(after: delay))
                // Not before the delay is over.
                clock.advance(delay - 1)
                #expect(try await worker.runOnce().claimed == 0, "attempt \(attempt) retried early")
                clock.advance(1)
            }
            let last = try await worker.runOnce()
            #expect(last.dead == 1)
            let dead = try await OutboxFixtures.item(id, on: app.db)
            #expect(dead.status == .dead)
            #expect(dead.attempts == 4)
            #expect(sender.messages.count == 4)
            clock.advance(86_400)
            #expect(try await worker.runOnce().claimed == 0, "a dead letter is not tried again")
            #expect(try await Outbox.counts(on: app.db) == [.pending: 0, .claimed: 0, .sent: 0, .dead: 1])

            // The admin's retry puts it back with a fresh set of attempts.
            #expect(try await Outbox.retryDead(id, now: clock.now, on: app.db))
            #expect(try await Outbox.retryDead(id, now: clock.now, on: app.db) == false)
            let again = try await OutboxFixtures.item(id, on: app.db)
            #expect(again.status == .pending)
            #expect(again.attempts == 0)
        }
    }

    @Test("A permanent refusal (an unknown mailbox) is dead-lettered at once")
    func permanentFailure() async throws {
        try await withTendApp { app in
            let clock = TestClock()
            let ids = try await OutboxFixtures.enqueue(2, due: clock.now, on: app.db)
            let sender = RecordingSender { message in
                message.recipient == "person0@example.org" ? .failed(reason: "SMTP 550 at RCPT TO", permanent: true) : .sent
            }
            let result = try await OutboxFixtures.worker(app, senders: [.email: sender], clock: clock).runOnce()
            #expect(result.dead == 1)
            #expect(result.sent == 1)
            let refused = try await OutboxFixtures.item(ids[0], on: app.db)
            #expect(refused.status == .dead)
            #expect(refused.attempts == 1)
            #expect(refused.lastError == "SMTP 550 at RCPT TO")
        }
    }

    @Test("A claim left by a crashed worker is released after the claim timeout and sent by another")
    func claimTimeoutRelease() async throws {
        try await withTendApp { app in
            let clock = TestClock()
            let ids = try await OutboxFixtures.enqueue(2, due: clock.now, on: app.db)
            // The crashed worker claimed both and never came back.
            let claimed = try await Outbox.claim(limit: 10, channels: [.email], worker: "crashed", now: clock.now,
                                                 on: app.db as! any SQLDatabase)
            #expect(Set(claimed.map(\.id)) == Set(ids))
            let sender = RecordingSender()
            let worker = OutboxFixtures.worker(app, id: "survivor", senders: [.email: sender], clock: clock, claimTimeout: 300)
            clock.advance(299)
            #expect(try await worker.runOnce().claimed == 0, "a claim younger than the timeout is respected")
            #expect(try await OutboxFixtures.count(.claimed, on: app.db) == 2)
            clock.advance(2)
            let result = try await worker.runOnce()
            #expect(result.sent == 2)
            #expect(Set(sender.messages.map(\.id)) == Set(ids))
            for id in ids {
                let item = try await OutboxFixtures.item(id, on: app.db)
                #expect(item.status == .sent)
                #expect(item.claimedBy == "survivor")
            }
            // The crashed worker's late bookkeeping cannot overwrite the survivor's.
            try await Outbox.markFailed(ids[0], attempts: 1, retryAt: clock.now, reason: "late", worker: "crashed",
                                        on: app.db as! any SQLDatabase)
            #expect(try await OutboxFixtures.item(ids[0], on: app.db).status == .sent)
        }
    }

    @Test("Stopping a worker mid-batch finishes the message in hand and puts the rest back, losing none")
    func cleanShutdown() async throws {
        try await withTendApp { app in
            let ids = try await OutboxFixtures.enqueue(10, due: Date().addingTimeInterval(-60), on: app.db)
            let sender = RecordingSender(pause: .milliseconds(100))
            let worker = OutboxFixtures.worker(app, senders: [.email: sender], batchSize: 10)
            let running = Task { await worker.run() }
            // Wait until a few are out, then stop.
            while sender.messages.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
            worker.stop()
            let total = await running.value
            let sentCount = sender.messages.count
            #expect(total.sent == sentCount)
            #expect(total.released == 10 - sentCount)
            #expect(sentCount >= 3 && sentCount < 10, "stopped between messages, not after the batch")
            #expect(try await OutboxFixtures.count(.sent, on: app.db) == sentCount)
            #expect(try await OutboxFixtures.count(.claimed, on: app.db) == 0, "nothing is left claimed")
            #expect(try await OutboxFixtures.count(.pending, on: app.db) == 10 - sentCount)
            let pending = try await OutboxItemModel.query(on: app.db).filter(\.$status == .pending).all()
            #expect(pending.allSatisfy { $0.claimedBy == nil && $0.attempts == 0 })

            // The next worker sends exactly the rest.
            let next = RecordingSender()
            #expect(try await OutboxFixtures.worker(app, id: "worker-b", senders: [.email: next]).drain().sent == 10 - sentCount)
            #expect(Set(sender.messages.map(\.id) + next.messages.map(\.id)) == Set(ids))
            #expect(sender.messages.count + next.messages.count == 10)
        }
    }

    @Test("Two workers on one database send each of 500 messages exactly once")
    func twoWorkersNeverSendTwice() async throws {
        try await withTendApp { app in
            let ids = try await OutboxFixtures.enqueue(500, due: Date().addingTimeInterval(-60), on: app.db)
            #expect(ids.count == 500)
            // On PostgreSQL the second worker gets its own application and connection pool, as a second
            // process would; an in-memory SQLite database can only be shared within one application.
            let second: Application? = TestDatabase.postgresURL == nil ? nil : try await Application.make(.testing)
            if let second {
                if case .postgres(let url) = app.tend.database {
                    second.databases.use(try .postgres(url: url, sqlLogLevel: .trace), as: .psql)
                }
            }
            do {
                let senderA = RecordingSender(pause: .microseconds(200))
                let senderB = RecordingSender(pause: .microseconds(200))
                let workerA = OutboxFixtures.worker(app, id: "worker-a", senders: [.email: senderA], batchSize: 25)
                let workerB = OutboxFixtures.worker(app, id: "worker-b", senders: [.email: senderB], batchSize: 25,
                                                    database: second?.db)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in [workerA, workerB] {
                        group.addTask { try await Self.work(worker, until: 500, on: app.db) }
                    }
                    try await group.waitForAll()
                }
                let sent = senderA.messages.map(\.id) + senderB.messages.map(\.id)
                #expect(sent.count == 500, "every message sent once: \(senderA.messages.count) + \(senderB.messages.count)")
                #expect(Set(sent) == Set(ids))
                #expect(!senderA.messages.isEmpty && !senderB.messages.isEmpty, "both workers took part")
                #expect(try await OutboxFixtures.count(.sent, on: app.db) == 500)
                let items = try await OutboxItemModel.query(on: app.db).all()
                #expect(items.allSatisfy { $0.attempts == 1 })
                let byWorker = Dictionary(grouping: items, by: { $0.claimedBy ?? "" }).mapValues(\.count)
                #expect(byWorker["worker-a"] == senderA.messages.count)
                #expect(byWorker["worker-b"] == senderB.messages.count)
            } catch {
                try? await second?.asyncShutdown()
                throw error
            }
            try await second?.asyncShutdown()
        }
    }

    /// Runs passes until `total` messages are sent, riding out a busy database (SQLite's shared
    /// in-memory cache refuses a second writer at once instead of waiting).
    static func work(_ worker: OutboxWorker, until total: Int, on db: any Database) async throws {
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            do {
                let result = try await worker.runOnce()
                if result.claimed == 0, try await OutboxFixtures.count(.sent, on: db) >= total { return }
            } catch {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        Issue.record("the workers did not finish in time")
    }
}
