import FluentKit
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import SQLKit

/// Counts of the writes this process has made to a few watched tables, one count per table.
///
/// A read that several tables feed (a participant's home counts unread notifications, unread check-in
/// replies, study screenings and open questionnaires) can be reused only until one of those tables
/// changes, and the writes come from many places: forms, the reminder planner, study enrolment, sweeps.
/// Rather than each of them remembering to forget the read, every database handle the app gives out is a
/// ``WatchedDatabase``, which sees every statement that may write and counts those that touch a watched
/// table, once they have finished (and again when their transaction ends, as a reader outside it may
/// have read the old rows in between). A cached read remembers ``generation(of:)`` for the tables it
/// read and is used only while that is unchanged. Another process writing the same database is not seen:
/// its changes show once the read's `TEND_CACHE_SECONDS` have passed, as for the other read caches.
final class TableChanges: Sendable {
    /// The table names watched, as they appear in SQL text.
    let tables: [String]
    private let counts: NIOLockedValueBox<[String: UInt64]>

    init(tables: [String]) {
        self.tables = tables
        counts = NIOLockedValueBox(Dictionary(uniqueKeysWithValues: tables.map { ($0, 0) }))
    }

    /// How many writes to any of `tables` have finished so far (it only ever grows).
    func generation(of tables: [String]) -> UInt64 {
        counts.withLockedValue { counts in tables.reduce(0) { $0 &+ (counts[$1] ?? 0) } }
    }

    func changed(_ tables: some Sequence<String>) {
        counts.withLockedValue { counts in
            for table in tables { counts[table, default: 0] &+= 1 }
        }
    }

    /// The watched tables a Fluent query on `schema` touches.
    func watched(schema: String) -> [String] { tables.contains(schema) ? [schema] : [] }

    /// The watched tables SQL text names (a name inside a longer one counts too: a spare change is harmless).
    func watched(sql text: String) -> [String] { tables.filter { text.contains($0) } }
}

extension WrappedConfiguration {
    /// A configuration whose databases report watched writes to `changes`.
    static func watched(_ base: any DatabaseConfiguration, by changes: TableChanges) -> WrappedConfiguration {
        WrappedConfiguration(base: base) { WatchedDatabase(base: $0, changes: changes, transaction: nil) }
    }
}

/// A database that tells ``TableChanges`` when a statement that may write a watched table has finished.
/// Inside a transaction (or a held connection) the closure gets a watched handle too, and the
/// transaction's end is reported again if anything in it touched a watched table.
struct WatchedDatabase: ForwardingSQLDatabase {
    let base: any Database
    let changes: TableChanges
    /// The watched tables written inside the enclosing transaction, if there is one.
    let transaction: TouchedTables?

    init(base: any Database, changes: TableChanges, transaction: TouchedTables?) {
        self.base = base
        self.changes = changes
        self.transaction = transaction
        sql = base as! any SQLDatabase
    }

    /// The watched tables written inside one transaction, reported again when it ends.
    final class TouchedTables: Sendable {
        private let touched = NIOLockedValueBox<Set<String>>([])
        func add(_ tables: [String]) { touched.withLockedValue { $0.formUnion(tables) } }
        var tables: Set<String> { touched.withLockedValue { $0 } }
    }

    /// Cast once, in `init`.
    let sql: any SQLDatabase

    var context: DatabaseContext { base.context }
    var inTransaction: Bool { base.inTransaction }

    private func finished<T>(_ future: EventLoopFuture<T>, touching tables: [String]) -> EventLoopFuture<T> {
        guard !tables.isEmpty else { return future }
        return future.always { _ in
            transaction?.add(tables)
            changes.changed(tables)
        }
    }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        let tables = QueuedSQLiteDatabase.mayWrite(action: query.action) ? changes.watched(schema: query.schema) : []
        return finished(base.execute(query: query, onOutput: onOutput), touching: tables)
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        finished(base.execute(schema: schema), touching: changes.tables)
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> {
        base.execute(enum: `enum`)
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        if base.inTransaction { return base.transaction { closure(WatchedDatabase(base: $0, changes: changes, transaction: transaction)) } }
        let touched = TouchedTables()
        return base.transaction { closure(WatchedDatabase(base: $0, changes: changes, transaction: touched)) }
            .always { _ in
                let tables = touched.tables
                if !tables.isEmpty { changes.changed(tables) }
            }
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        base.withConnection { closure(WatchedDatabase(base: $0, changes: changes, transaction: transaction)) }
    }

    // SQLDatabase (the rest is ``ForwardingSQLDatabase``'s)

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        if query is SQLSelect { return sql.execute(sql: query, onRow) }
        // Written out once here; the layers below (the SQLite write queue, the driver) take the text as it is.
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        let tables = QueuedSQLiteDatabase.isPlainRead(serializer.sql) ? [] : changes.watched(sql: serializer.sql)
        return finished(sql.execute(sql: SerializedSQL(sql: serializer.sql, binds: serializer.binds), onRow), touching: tables)
    }
}

/// A statement already written out by a serializer for the same database: its text (binds numbered
/// from the first) and their values. Only ever the whole of a statement, never part of one.
struct SerializedSQL: SQLExpression {
    let sql: String
    let binds: [any Encodable & Sendable]

    func serialize(to serializer: inout SQLSerializer) {
        serializer.write(sql)
        serializer.binds.append(contentsOf: binds)
    }
}
