import FluentKit
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// A count of the writes this process has made to a few watched tables.
///
/// A read that several tables feed (a participant's home counts unread notifications, unread check-in
/// replies, study screenings and open questionnaires) can be reused only until one of those tables
/// changes, and the writes come from many places: forms, the reminder planner, study enrolment, sweeps.
/// Rather than each of them remembering to forget the read, every database handle the app gives out is a
/// ``WatchedDatabase``, which sees every statement that may write and counts those that touch a watched
/// table, once they have finished (and again when their transaction ends, as a reader outside it may
/// have read the old rows in between). A cached read remembers the count it was made at and is used only
/// while the count is unchanged. Another process writing the same database is not seen: its changes show
/// once the read's `TEND_CACHE_SECONDS` have passed, as for the other read caches.
final class TableChanges: Sendable {
    /// The table names watched, as they appear in SQL text.
    let tables: [String]
    private let count = NIOLockedValueBox<UInt64>(0)

    init(tables: [String]) {
        self.tables = tables
    }

    /// How many watched writes have finished so far.
    var generation: UInt64 { count.withLockedValue { $0 } }

    func changed() {
        count.withLockedValue { $0 &+= 1 }
    }

    func watches(schema: String) -> Bool { tables.contains(schema) }

    /// Whether SQL text names a watched table (a name inside a longer one counts too: a spare change is harmless).
    func watches(sql text: String) -> Bool { tables.contains { text.contains($0) } }
}

/// Wraps a database configuration so that its databases report watched writes to a ``TableChanges``.
struct WatchedConfiguration: DatabaseConfiguration {
    var base: any DatabaseConfiguration
    let changes: TableChanges

    var middleware: [any AnyModelMiddleware] {
        get { base.middleware }
        set { base.middleware = newValue }
    }

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        WatchedDriver(base: base.makeDriver(for: databases), changes: changes)
    }
}

struct WatchedDriver: DatabaseDriver {
    let base: any DatabaseDriver
    let changes: TableChanges

    func makeDatabase(with context: DatabaseContext) -> any Database {
        WatchedDatabase(base: base.makeDatabase(with: context), changes: changes, transaction: nil)
    }

    func shutdown() { base.shutdown() }
    func shutdownAsync() async { await base.shutdownAsync() }
}

/// A database that tells ``TableChanges`` when a statement that may write a watched table has finished.
/// Inside a transaction (or a held connection) the closure gets a watched handle too, and the
/// transaction's end is reported again if anything in it touched a watched table.
struct WatchedDatabase: Database, SQLDatabase {
    let base: any Database
    let changes: TableChanges
    /// Set when a watched write ran inside the enclosing transaction.
    let transaction: TouchedFlag?

    init(base: any Database, changes: TableChanges, transaction: TouchedFlag?) {
        self.base = base
        self.changes = changes
        self.transaction = transaction
        sql = base as! any SQLDatabase
    }

    final class TouchedFlag: Sendable {
        private let touched = NIOLockedValueBox(false)
        func set() { touched.withLockedValue { $0 = true } }
        var isSet: Bool { touched.withLockedValue { $0 } }
    }

    /// The same database as an `SQLDatabase`, cast once: serializing a statement asks for the dialect at
    /// every identifier and value.
    private let sql: any SQLDatabase

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    private func finished<T>(_ future: EventLoopFuture<T>, watched: Bool) -> EventLoopFuture<T> {
        guard watched else { return future }
        return future.always { _ in
            transaction?.set()
            changes.changed()
        }
    }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        let watched = QueuedSQLiteDatabase.mayWrite(action: query.action) && changes.watches(schema: query.schema)
        return finished(base.execute(query: query, onOutput: onOutput), watched: watched)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        finished(base.execute(schema: schema), watched: true)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        base.execute(enum: `enum`)
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if base.inTransaction { return base.transaction { closure(WatchedDatabase(base: $0, changes: changes, transaction: transaction)) } }
        let flag = TouchedFlag()
        return base.transaction { closure(WatchedDatabase(base: $0, changes: changes, transaction: flag)) }
            .always { _ in if flag.isSet { changes.changed() } }
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection { closure(WatchedDatabase(base: $0, changes: changes, transaction: transaction)) }
    }

    // SQLDatabase

    var logger: Logger { sql.logger }
    var eventLoop: any EventLoop { sql.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { sql.version }
    var dialect: any SQLDialect { sql.dialect }
    var queryLogLevel: Logger.Level? { sql.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        if query is SQLSelect { return sql.execute(sql: query, onRow) }
        // Written out once here; the layers below (the SQLite write queue, the driver) take the text as it is.
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let watched = !QueuedSQLiteDatabase.isPlainRead(serializer.sql) && changes.watches(sql: serializer.sql)
        return finished(sql.execute(sql: SerializedSQL(sql: serializer.sql, binds: serializer.binds), onRow), watched: watched)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        try await execute(sql: query, onRow).get()
    }

}

/// A statement already written out by a serializer for the same database: its text (placeholders
/// numbered from the first) and its values. Only ever the whole of a statement, never part of one.
struct SerializedSQL: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds.append(contentsOf: binds)
    }
}
