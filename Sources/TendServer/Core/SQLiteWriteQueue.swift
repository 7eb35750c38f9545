import FluentKit
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// One writer at a time, queued in this process, for an SQLite database.
///
/// SQLite lets one connection write at a time. The driver opens a connection per event loop and answers
/// "database is busy" by retrying at once, on the shared thread pool that runs every query, so two
/// requests writing together made one of them spin until the other's commit (and its fsync) was done:
/// under a stream of form posts about a quarter of the server's time went to that spinning. Here every
/// statement that may write (Fluent creates, updates and deletes, schema changes, raw SQL that is not a
/// plain read) and every transaction waits its turn in a first-come queue instead, without holding a
/// thread; reads never wait, as WAL lets them run beside a writer. Another process writing to the same
/// file (`tend worker`) is still handled by SQLite's own locking.
///
/// Inside a transaction the closure gets the transaction's own connection, which is not queued again.
/// The queue is always entered before a connection is taken, never while holding one.
final class SQLiteWriteQueue: Sendable {
    private struct State {
        var busy = false
        var waiting: [EventLoopPromise<Void>] = []
        var next = 0
    }

    private let state = NIOLockedValueBox(State())

    /// Succeeds when it is the caller's turn; the caller must call ``leave()`` once done.
    func enter(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        state.withLockedValue { state -> EventLoopFuture<Void> in
            if !state.busy {
                state.busy = true
                return eventLoop.makeSucceededVoidFuture()
            }
            let promise = eventLoop.makePromise(of: Void.self)
            state.waiting.append(promise)
            return promise.futureResult
        }
    }

    /// Hands the turn to the next in the queue, or frees it.
    func leave() {
        let next = state.withLockedValue { state -> EventLoopPromise<Void>? in
            guard state.next < state.waiting.count else {
                state.waiting.removeAll(keepingCapacity: true)
                state.next = 0
                state.busy = false
                return nil
            }
            let promise = state.waiting[state.next]
            state.next += 1
            if state.next > 1024, state.next * 2 > state.waiting.count {
                state.waiting.removeFirst(state.next)
                state.next = 0
            }
            return promise
        }
        next?.succeed(())
    }

    /// Runs `work` in turn, leaving the queue however it ends.
    func run<T: Sendable>(on eventLoop: any EventLoop, _ work: @escaping @Sendable () -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        enter(on: eventLoop).flatMap { work().always { _ in self.leave() } }
    }

    /// How many are waiting now (for tests).
    var waitingCount: Int { state.withLockedValue { $0.waiting.count - $0.next } }
}

/// A database configuration whose databases are each wrapped by `wrap` (the SQLite write queue, the
/// table-change watch): everything else is the base configuration's.
struct WrappedConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let wrap: @Sendable (any Database) -> any Database

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        Driver(base: base.makeDriver(for: databases), wrap: wrap)
    }

    struct Driver: DatabaseDriver {
        let base: any DatabaseDriver
        let wrap: @Sendable (any Database) -> any Database

        func makeDatabase(with context: DatabaseContext) -> any Database { wrap(base.makeDatabase(with: context)) }
        func shutdown() { base.shutdown() }
        func shutdownAsync() async { await base.shutdownAsync() }
    }
}

extension WrappedConfiguration {
    /// An SQLite configuration whose databases write through one ``SQLiteWriteQueue``.
    static func queuedSQLite(_ base: any DatabaseConfiguration) -> WrappedConfiguration {
        let queue = SQLiteWriteQueue()
        return WrappedConfiguration(base: base) { QueuedSQLiteDatabase(base: $0, queue: queue) }
    }
}

/// An SQLite database whose writes and transactions wait their turn (see ``SQLiteWriteQueue``). It is
/// an `SQLDatabase` as the driver's own is, so raw SQL works unchanged.
struct QueuedSQLiteDatabase: ForwardingSQLDatabase {
    let base: any Database
    let queue: SQLiteWriteQueue

    init(base: any Database, queue: SQLiteWriteQueue) {
        self.base = base
        self.queue = queue
        sql = base as! any SQLDatabase
    }

    /// Cast once, in `init`.
    let sql: any SQLDatabase

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        guard Self.mayWrite(action: query.action) else { return base.execute(query: query, onOutput: onOutput) }
        return queue.run(on: base.eventLoop) { base.execute(query: query, onOutput: onOutput) }
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        queue.run(on: base.eventLoop) { base.execute(schema: schema) }
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        queue.run(on: base.eventLoop) { base.execute(enum: `enum`) }
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if base.inTransaction { return base.transaction(closure) }
        return queue.run(on: base.eventLoop) { base.transaction(closure) }
    }

    /// A held connection is used as it is: waiting for the queue while holding a connection could wait
    /// for a transaction that needs that very connection.
    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection(closure)
    }

    // SQLDatabase (the rest is ``ForwardingSQLDatabase``'s)

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        guard !base.inTransaction, mayWrite(query) else { return sql.execute(sql: query, onRow) }
        return queue.run(on: base.eventLoop) { sql.execute(sql: query, onRow) }
    }

    /// Fluent reads and counts never write; anything else may.
    static func mayWrite(action: DatabaseQuery.Action) -> Bool {
        switch action {
        case .read, .aggregate: false
        default: true
        }
    }

    /// A statement is a plain read when its text starts with SELECT (or is a typed `SQLSelect`); WITH,
    /// PRAGMA and everything else is treated as a possible write.
    func mayWrite(_ query: any SQLExpression) -> Bool {
        if query is SQLSelect { return false }
        if query is SQLInsert || query is SQLUpdate || query is SQLDelete { return true }
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        return !Self.isPlainRead(serializer.sql)
    }

    static func isPlainRead(_ text: String) -> Bool {
        let head = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "(" }.prefix(7)
        guard head.prefix(6).lowercased() == "select" else { return false }
        return head.count == 6 || !(head.last!.isLetter || head.last!.isNumber || head.last! == "_")
    }
}

/// A database that wraps another and is an `SQLDatabase` because the one it wraps is: the logger, event
/// loop, version and dialect are the wrapped database's, and raw SQL runs through the wrapper's own
/// `execute(sql:_:)`.
protocol ForwardingSQLDatabase: Database, SQLDatabase {
    /// The wrapped database as an `SQLDatabase`, cast once (a statement being written out asks for the
    /// dialect at every identifier and value).
    var sql: any SQLDatabase { get }
}

extension ForwardingSQLDatabase {
    var logger: Logger { sql.logger }
    var eventLoop: any EventLoop { sql.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var dialect: any SQLDialect { sql.dialect }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }
}
