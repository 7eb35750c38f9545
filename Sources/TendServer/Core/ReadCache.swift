import Dispatch
import Fluent
import NIOConcurrencyHelpers
import TendCore
import Vapor

/// A small in-process memory of recent reads, each kept for at most `lifetime` seconds (monotonic time).
///
/// Every page view needs the session, the signed-in account and, for a participant, their roster place
/// and group: three reads that rarely change. Reusing a read for a second spares the database most of
/// them under load. What this process changes it updates or forgets at once; another instance sharing
/// the database sees a change at most `lifetime` later (a sign-out elsewhere takes effect within that
/// time). Nothing here is needed by any other instance: a restart or a second process just reads again.
final class ReadCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct Entry {
        var value: Value
        var expires: UInt64
    }

    private let entries = NIOLockedValueBox<[Key: Entry]>([:])
    let lifetime: TimeInterval
    /// When full, the whole cache is dropped (simple, bounded, and a full cache is rare).
    let capacity: Int

    init(lifetime: TimeInterval, capacity: Int = 20_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    var isEnabled: Bool { lifetime > 0 }

    private static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    /// The value read less than `lifetime` ago, if any.
    func value(for key: Key) -> Value? {
        guard isEnabled else { return nil }
        let now = Self.now()
        return entries.withLockedValue { entries in
            guard let entry = entries[key] else { return nil }
            if entry.expires <= now {
                entries[key] = nil
                return nil
            }
            return entry.value
        }
    }

    /// Each entry lives a random share of `lifetime`, between half and all of it, so the reads made
    /// together (many people signing in at once, or a restart) do not all expire in the same instant and
    /// come back to the database as one burst.
    func set(_ value: Value, for key: Key) {
        guard isEnabled else { return }
        let full = UInt64(lifetime * 1_000_000_000)
        let expires = Self.now() + full / 2 + UInt64.random(in: 0...(full / 2))
        entries.withLockedValue { entries in
            if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(value: value, expires: expires)
        }
    }

    /// Nanoseconds until each entry expires (for tests of the spread).
    func remainingLifetimes() -> [UInt64] {
        let now = Self.now()
        return entries.withLockedValue { $0.values.map { $0.expires > now ? $0.expires - now : 0 } }
    }

    func remove(_ key: Key) {
        _ = entries.withLockedValue { $0.removeValue(forKey: key) }
    }

    func removeAll() {
        entries.withLockedValue { $0.removeAll() }
    }
}

/// A value read at a ``TableChanges/generation(of:)``: usable while the generation of the same tables is
/// unchanged.
struct Watched<Value: Sendable>: Sendable {
    var value: Value
    var generation: UInt64
}

extension ReadCache {
    /// The value kept for `key` if none of `tables` has changed since it was read (``TableChanges``);
    /// otherwise `read()`, kept for next time with the generation taken before reading.
    func value<T: Sendable>(for key: Key, whileUnchanged tables: [String], in changes: TableChanges,
                            read: () async throws -> T) async rethrows -> T where Value == Watched<T> {
        let generation = changes.generation(of: tables)
        if let hit = value(for: key), hit.generation == generation { return hit.value }
        let fresh = try await read()
        set(Watched(value: fresh, generation: generation), for: key)
        return fresh
    }
}

/// The account fields pages need, kept instead of a shared model instance (each request gets its own).
struct CachedUser: Sendable {
    var id: UUID
    var email: String
    var name: String
    var role: Role
    var passwordHash: String
    var createdAt: Date?
    var updatedAt: Date?

    init(_ user: UserModel) throws {
        id = try user.requireID()
        email = user.email
        name = user.name
        role = user.role
        passwordHash = user.passwordHash
        createdAt = user.createdAt
        updatedAt = user.updatedAt
    }

    /// A fresh model of the stored row (marked as existing, so saving it updates the row).
    func model() -> UserModel {
        let user = UserModel(id: id, email: email, name: name, role: role, passwordHash: passwordHash)
        user.$id.exists = true
        user.createdAt = createdAt
        user.updatedAt = updatedAt
        return user
    }
}

/// The application's read caches (see ``ReadCache``), sized by `TEND_CACHE_SECONDS`.
struct ReadCaches: Sendable {
    let sessions: ReadCache<String, SessionData>
    let users: ReadCache<UUID, CachedUser>
    let enrolments: ReadCache<UUID, ParticipantController.Enrolment>
    /// The recordings of one session's exercises, by `programme/session number`.
    let sessionMedia: ReadCache<String, [String: [MediaItem]]>
    /// A participant's home counts (``HomeSummary``), each valid while the tables it counts are unchanged.
    let homeSummaries: ReadCache<HomeSummary.Key, Watched<HomeSummary>>
    /// A participant's own medicine list (what a diary save checks doses against), valid while `medicines`
    /// is unchanged.
    let medicines: ReadCache<UUID, Watched<[Medicine]>>
    /// Writes to the tables these caches read, seen by every database handle (``WatchedDatabase``).
    let tableChanges = TableChanges(tables: HomeSummary.tables + [MedicineModel.schema])

    init(lifetime: TimeInterval) {
        sessions = ReadCache(lifetime: lifetime)
        users = ReadCache(lifetime: lifetime)
        enrolments = ReadCache(lifetime: lifetime)
        sessionMedia = ReadCache(lifetime: lifetime)
        homeSummaries = ReadCache(lifetime: lifetime)
        medicines = ReadCache(lifetime: lifetime)
    }

    /// Forgets everything (after a change that touches many sessions, such as a password reset).
    func removeAll() {
        sessions.removeAll()
        users.removeAll()
        enrolments.removeAll()
        sessionMedia.removeAll()
        homeSummaries.removeAll()
        medicines.removeAll()
    }
}

extension Application {
    private struct ReadCachesKey: StorageKey { typealias Value = ReadCaches }

    var readCaches: ReadCaches {
        get { storage[ReadCachesKey.self] ?? ReadCaches(lifetime: 0) }
        set { storage[ReadCachesKey.self] = newValue }
    }
}

extension UserModel {
    /// The account with `id`, reused from a read less than `TEND_CACHE_SECONDS` ago when there is one.
    static func cachedFind(_ id: UUID, on request: Request) async throws -> UserModel? {
        let cache = request.application.readCaches.users
        if let hit = cache.value(for: id) { return hit.model() }
        guard let user = try await UserModel.find(id, on: request.db) else { return nil }
        cache.set(try CachedUser(user), for: id)
        return user
    }
}
