import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import SQLKit
import Vapor

/// Sets up the whole server on `app`: database, migrations, sessions, passwords, middleware and
/// routes. The executable (`tend serve`, `tend migrate`) and the tests call this same function; the
/// caller decides when to migrate (`app.autoMigrate()`) and whether to serve.
///
/// Middleware, outermost first: request metrics and log line → security headers → fallback error
/// page → files from Public/ → sessions → current user → error pages (with the viewer) → CSRF check.
public func configure(_ app: Application, _ configuration: ServerConfiguration) async throws {
    app.tend = configuration
    app.serverMetrics = ServerMetrics()
    app.readCaches = ReadCaches(lifetime: configuration.readCacheLifetime)
    app.logger.logLevel = configuration.logLevel
    // The data directory holds the SQLite file and, later, uploaded media: create it whatever the database.
    try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)

    try await useDatabase(configuration, on: app)

    // Sessions first: the sessions table has no foreign keys, the others are in dependency order.
    app.migrations.add(SessionRecord.migration)
    app.migrations.add(CreateUsers())
    app.migrations.add(CreateSetupTokens())
    app.migrations.add(CreateInvitations())
    app.migrations.add(CreateLoginThrottles())
    app.migrations.add(CreateAuditEvents())
    app.migrations.add(CreateGroups())
    app.migrations.add(CreateRosterMembers())
    app.migrations.add(CreateAttendanceMarks())
    app.migrations.add(AddParticipantLinkToRosterMembers())
    app.migrations.add(CreateParticipantInvitations())
    app.migrations.add(CreateMediaItems())
    try app.useMediaStorage(configuration)
    app.migrations.add(CreateSessionOwners())
    app.migrations.add(CreatePasswordResets())
    app.migrations.add(CreateOutboxItems())
    app.migrations.add(CreateReminderPreferences())
    app.migrations.add(CreateNotifications())
    app.migrations.add(AddListUnsubscribeToOutboxItems())
    app.migrations.add(CreateCheckInMessages())
    app.migrations.add(CreateGroupFlagSettings())
    app.migrations.add(CreateEngagementFlags())
    app.migrations.add(CreateDrafts())
    app.migrations.add(CreateDeletionRequests())
    app.migrations.add(CreatePracticeRecords())
    app.migrations.add(CreateQuestionnaireTables())
    app.migrations.add(CreateStudies())
    app.migrations.add(CreateStaffRecords())
    app.migrations.add(CreateWaitlistOffers())
    app.migrations.add(AddAuditRowCount())
    app.migrations.add(CreateStudyScoreIndex())

    app.passwords.use(.bcrypt(cost: configuration.passwordCost))
    app.dummyPasswordHash = try await app.password.async.hash(SecretToken.generate()).get()

    app.sessions.use { app in QuietSessionDriver(base: SessionOwnershipDriver(base: app.fluent.sessions.driver())) }
    let secure = configuration.usesHTTPS
    app.sessions.configuration = SessionsConfiguration(cookieName: "tend_session") { id in
        HTTPCookies.Value(
            string: id.string,
            maxAge: Int(SignIn.maximumSessionAge),
            path: "/",
            isSecure: secure,
            isHTTPOnly: true,
            sameSite: .lax
        )
    }

    app.middleware = Middlewares()
    app.middleware.use(RequestObservationMiddleware(metrics: app.serverMetrics))
    app.middleware.use(SecurityHeadersMiddleware(usesHTTPS: secure))
    app.middleware.use(ErrorPageMiddleware(knowsViewer: false))
    app.middleware.use(FileMiddleware(publicDirectory: publicDirectory(), cachePolicy: .noCache))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(CurrentUserMiddleware())
    app.middleware.use(ErrorPageMiddleware(knowsViewer: true))
    app.middleware.use(DraftClearMiddleware())
    app.middleware.use(CSRFMiddleware())

    try app.register(collection: OperationsController())
    try app.register(collection: LoginController())
    try app.register(collection: SetupController())
    try app.register(collection: InvitationController())
    try app.register(collection: HomeController())
    try app.register(collection: AdminController())
    try app.register(collection: GroupController())
    try app.register(collection: GroupStartController())
    try app.register(collection: WaitlistController())
    try app.register(collection: MediaController())
    try app.register(collection: ParticipantInvitationController())
    try app.register(collection: ParticipantController())
    // Programme content is read and its Markdown rendered once, now, not on a participant's first request.
    ProgrammeLibrary.warm()
    try app.register(collection: PasswordResetController())
    try app.register(collection: AuditExportController())
    try app.register(collection: OutboxController())
    try app.register(collection: CheckInController())
    try app.register(collection: GroupOverviewController())
    try app.register(collection: DraftController())
    try app.register(collection: PacerController())
    try app.register(collection: ParticipantDataController())
    try app.register(collection: PracticeController())
    try app.register(collection: DiaryController())
    try app.register(collection: ThoughtController())
    try app.register(collection: StudyController())
    try app.register(collection: StudySetupController())
    try app.register(collection: ScreeningController())
    try app.register(collection: StudyConsentController())
    try app.register(collection: StaffRecordController())
    try app.register(collection: ParticipantTimelineController())
    try app.register(collection: StudyExportController())
    try app.register(collection: StudyDashboardController())
    app.lifecycle.use(OutboxLifecycle())
    try app.register(collection: ReminderController())
    app.lifecycle.use(ReminderPlannerLifecycle())
    try app.register(collection: QuestionnaireController())
    try app.register(collection: SafetyAlertController())
    app.lifecycle.use(OutboxLifecycle())
    app.lifecycle.use(QuestionnaireSweepLifecycle())
}

/// The folder of static files (the stylesheet) shipped inside the TendServer target.
func publicDirectory() -> String {
    guard let url = Bundle.module.resourceURL?.appendingPathComponent("Public", isDirectory: true) else {
        return "Public/"
    }
    return url.path + "/"
}

private func useDatabase(_ configuration: ServerConfiguration, on app: Application) async throws {
    let changes = app.readCaches.tableChanges
    func watched(_ base: any DatabaseConfiguration) -> any DatabaseConfiguration { WrappedConfiguration.watched(base, by: changes) }
    switch configuration.database {
    case .sqliteFile(let path):
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        app.databases.use(watched(WrappedConfiguration.queuedSQLite(DatabaseConfigurationFactory.sqlite(.file(path), sqlLogLevel: nil).make())),
                          as: .sqlite)
        // WAL is a property of the file and persists. `synchronous` is per connection; SQLite's
        // compiled default (used by the bundled SQLite, which sets no other) is FULL for every
        // connection the pool opens, so each acknowledged commit has been fsynced. Set it here too
        // so the intent is visible; `ServerDatabaseTests` checks both.
        let sql = app.db as! any SQLDatabase
        _ = try await sql.raw("PRAGMA journal_mode = WAL").all()
        try await sql.raw("PRAGMA synchronous = FULL").run()
    case .sqliteMemory:
        app.databases.use(watched(WrappedConfiguration.queuedSQLite(DatabaseConfigurationFactory.sqlite(.memory, sqlLogLevel: nil).make())),
                          as: .sqlite)
    case .postgres(let url):
        let postgres = try DatabaseConfigurationFactory.postgres(url: url, maxConnectionsPerEventLoop: configuration.databaseConnectionsPerLoop,
                                                                 connectionPoolTimeout: .seconds(Int64(configuration.databasePoolTimeout)),
                                                                 sqlLogLevel: .trace)
        app.databases.use(watched(postgres.make()), as: .psql)
    }
}
