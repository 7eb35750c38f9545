import Foundation
import Vapor

/// A path parameter: `.key` when registering a route, `.value(x)` when building a link.
enum Parameter<Value: Sendable>: Sendable {
    case key
    case value(Value)
}

/// The POST actions on one person's study record.
enum StudyPersonAction: String, Sendable, CaseIterable {
    case eligibility
    case agreement
    case invitation
    case allocate
    case milestone
    case exit
}

/// Every page and endpoint of the server, in one place: routes are registered from these cases and
/// links are built from them, so a link can never point at a route that does not exist.
enum SiteURL: Sendable {
    case home
    case login
    case logout
    case setup(Parameter<String>)
    case invitation(Parameter<String>)
    case adminInvitations
    case adminAudit
    /// The audit trail as a CSV download.
    case adminAuditExport
    /// Every account, with the action to issue a password reset link.
    case adminPeople
    /// POST: issue a password reset link for one account.
    case accountResetLink(Parameter<UUID>)
    /// The page a reset link opens: choose a new password.
    case passwordReset(Parameter<String>)
    /// A facilitator's groups (all groups for an admin), and the form to start one.
    case groups
    case newGroup
    case group(Parameter<UUID>)
    case groupRoster(Parameter<UUID>)
    /// Moving a group's start date (GET the form, POST the new date).
    case groupStart(Parameter<UUID>)
    case groupAttendance(Parameter<UUID>, Parameter<Int>)
    case robots
    /// The media library (list and upload form; uploads post here), one item's page, its delete
    /// action, and the file itself (streamed with range support to anyone signed in).
    case mediaLibrary
    case mediaItem(Parameter<UUID>)
    case mediaDelete(Parameter<UUID>)
    case mediaFile(Parameter<UUID>)
    /// Staff preview of a session or module page (by content number) and of a handout, of a group's programme.
    case groupSessionPreview(Parameter<UUID>, Parameter<Int>)
    case groupHandoutPreview(Parameter<UUID>, Parameter<String>)
    /// Issue a participant invitation link for a roster member (revoking any earlier one).
    case memberInvitation(Parameter<UUID>, Parameter<String>)
    /// A participant's invitation: the welcome and the form to create their account.
    case join(Parameter<String>)
    /// A participant's own programme: the welcome, a session or module (by content number), a handout.
    case myWelcome
    case mySession(Parameter<Int>)
    case myHandout(Parameter<String>)
    /// The same handout as a PDF file (participant's own, and staff preview).
    case myHandoutPDF(Parameter<String>)
    case groupHandoutPDF(Parameter<UUID>, Parameter<String>)
    /// The delivery outbox: counts by status, dead letters, and retrying one.
    case adminOutbox
    case adminOutboxRetry(Parameter<UUID>)
    /// A participant's reminder choices (and the form posts here); POST a new calendar link; their notifications.
    case myReminders
    case myCalendarLink
    case myNotifications
    /// One-click unsubscribe from one kind of reminder (GET confirms, POST turns it off); no sign-in.
    case unsubscribe(Parameter<String>)
    /// A participant's iCalendar feed by its secret token; no sign-in.
    case calendarFeed(Parameter<String>)
    /// Check-ins: the participant's own conversation; a group's list of conversations; one member's
    /// conversation for staff; the group at a glance; its flag thresholds; acknowledging one flag.
    case myCheckIns
    case groupCheckIns(Parameter<UUID>)
    case memberCheckIns(Parameter<UUID>, Parameter<String>)
    case groupOverview(Parameter<UUID>)
    case groupFlagSettings(Parameter<UUID>)
    case flagAcknowledge(Parameter<UUID>, Parameter<String>)
    /// A participant's own practice log (form and history; the form posts here), one entry to edit, its delete action.
    case myPractice
    case myPracticeEntry(Parameter<UUID>)
    case myPracticeDelete(Parameter<UUID>)
    /// The pain diary (one entry a day; posting again for a day updates it) and the participant's medicines.
    case myDiary
    case myMedicines
    case myMedicine(Parameter<UUID>)
    case myMedicineRemove(Parameter<UUID>)
    /// The self-critical thought tool and the participant's collection (`?q=` searches), one record.
    case myThoughts
    case myThought(Parameter<UUID>)
    /// A participant's questionnaire: one item per screen (GET shows, POST saves an answer), and submitting it.
    case myQuestionnaire(Parameter<UUID>)
    case myQuestionnaireSubmit(Parameter<UUID>)
    /// The open safety alerts of a group's members, and acknowledging one with a note.
    case groupAlerts(Parameter<UUID>)
    case groupAlertAcknowledge(Parameter<UUID>, Parameter<UUID>)
    /// Studies: the list, a new study (from a template or blank), one study's definition page and its
    /// actions (edit the definition, open for recruitment, add staff, choose groups for arms).
    case studies
    case newStudy
    case study(Parameter<UUID>)
    case studyDefinition(Parameter<UUID>)
    case studyOpen(Parameter<UUID>)
    case studyStaff(Parameter<UUID>)
    case studyArmGroups(Parameter<UUID>)
    /// The structured set-up editor: its overview, one part (GET the page, POST a new item or the part's
    /// single form), one item of a list part (GET its form, POST the change) and removing that item.
    case studySetup(Parameter<UUID>)
    case studySetupPart(Parameter<UUID>, StudySetupPart)
    case studySetupItem(Parameter<UUID>, StudySetupPart, Parameter<Int>)
    case studySetupItemRemove(Parameter<UUID>, StudySetupPart, Parameter<Int>)
    /// Who on the waitlist was offered the programme, and their answers (unblinded staff).
    case studyWaitlist(Parameter<UUID>)
    /// The screening log (GET lists with filters, POST adds a person approached).
    case studyScreening(Parameter<UUID>)
    /// One person's study record (by study code) and its actions.
    case studyPerson(Parameter<UUID>, Parameter<String>)
    case studyPersonAction(Parameter<UUID>, Parameter<String>, StudyPersonAction)
    /// A person's signed consent as PDF, for research staff.
    case studyConsentPDF(Parameter<UUID>, Parameter<String>)
    /// Records staff keep on a person's study record: adding (POST), one record's edit page (GET shows,
    /// POST saves a correction) and deleting it; and the person's whole timeline.
    case studyRecords(Parameter<UUID>, Parameter<String>, StaffRecordKind)
    case studyRecord(Parameter<UUID>, Parameter<String>, StaffRecordKind, Parameter<UUID>)
    case studyRecordDelete(Parameter<UUID>, Parameter<String>, StaffRecordKind, Parameter<UUID>)
    case studyTimeline(Parameter<UUID>, Parameter<String>)
    /// The allocation list as CSV, for the study's unblinded statistician.
    case studyAllocationsCSV(Parameter<UUID>)
    /// A study's data exports page and each download on it (researchers and statisticians on the study).
    case studyExports(Parameter<UUID>)
    case studyExport(Parameter<UUID>, StudyExportFile)
    /// The study dashboard (flow, funnel, attrition, attendance, practice, outcome analysis) and one
    /// person's outcomes over time.
    case studyDashboard(Parameter<UUID>)
    case studyPersonOutcomes(Parameter<UUID>, Parameter<String>)
    /// A screened person's study invitation: create their participant account.
    case studyJoin(Parameter<String>)
    /// The participant's consent form, and their signed consent as PDF.
    case myConsent
    /// A waitlist participant's answer to the offer of the programme.
    case myProgrammeOffer
    case myConsentPDF
    case healthz
    case metrics
    case stylesheet
    /// Autosave of forms: a form's draft is posted here (`autosave.js`).
    case myDraft(Parameter<String>)
    case autosaveScript
    /// The soothing-rhythm breathing pacer, and its own style and script.
    case myPacer
    case pacerStylesheet
    case pacerScript
    /// The study dashboard's own style (its tables, the flow diagram and the outcome report).
    case dashboardStylesheet
    /// A participant's own data: the page, the downloads, and the request to delete it.
    case myData
    case myDataJSON
    case myDataCSV
    case myDeletionRequest
    /// Participants' deletion requests (admin), and carrying one out.
    case adminDeletionRequests
    case adminDeletionRequestCarryOut(Parameter<UUID>)

    /// The name the token parameter is registered under.
    static let tokenKey = "token"
    /// The names the group id and the session position are registered under.
    static let groupKey = "group"
    static let sessionKey = "session"
    static let mediaKey = "media"
    /// The names the roster member id and the handout id are registered under.
    static let memberKey = "member"
    static let handoutKey = "handout"
    /// The name the account id is registered under.
    static let accountKey = "account"
    static let outboxItemKey = "item"
    static let flagKey = "flag"
    /// The names the draft's form key and the deletion request id are registered under.
    static let draftKey = "form"
    static let deletionRequestKey = "request"
    /// The name a participant's own record id (practice entry, medicine, thought) is registered under.
    static let recordKey = "record"
    static let assignmentKey = "assignment"
    static let alertKey = "alert"
    static let studyKey = "study"
    static let studyCodeKey = "code"
    static let setupItemKey = "item"

    /// The absolute path, starting with `/`, for links and redirects.
    var path: String {
        "/" + components.map { component -> String in
            switch component {
            case .literal(let text): return text
            case .parameter(_, let value): return value
            }
        }.joined(separator: "/")
    }

    /// The path as Vapor registers it.
    var pathComponents: [PathComponent] {
        components.map { component in
            switch component {
            case .literal(let text): return .constant(text)
            case .parameter(let key, _): return .parameter(key)
            }
        }
    }

    /// The route pattern used in metrics and logs: tokens never appear there.
    var routePattern: String {
        "/" + pathComponents.map(\.description).joined(separator: "/")
    }

    private enum Component {
        case literal(String)
        /// The registered name and the text in a built link (`:name` when registering).
        case parameter(String, String)
    }

    private var components: [Component] {
        func token(_ parameter: Parameter<String>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.tokenKey, ":" + Self.tokenKey)
            case .value(let value):
                return .parameter(Self.tokenKey, value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? value)
            }
        }
        func group(_ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.groupKey, ":" + Self.groupKey)
            case .value(let id): return .parameter(Self.groupKey, id.uuidString.lowercased())
            }
        }
        func session(_ parameter: Parameter<Int>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.sessionKey, ":" + Self.sessionKey)
            case .value(let number): return .parameter(Self.sessionKey, String(number))
            }
        }
        func media(_ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.mediaKey, ":" + Self.mediaKey)
            case .value(let id): return .parameter(Self.mediaKey, id.uuidString.lowercased())
            }
        }
        func named(_ key: String, _ parameter: Parameter<String>) -> Component {
            switch parameter {
            case .key: return .parameter(key, ":" + key)
            case .value(let value):
                return .parameter(key, value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? value)
            }
        }
        func account(_ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.accountKey, ":" + Self.accountKey)
            case .value(let id): return .parameter(Self.accountKey, id.uuidString.lowercased())
            }
        }
        func record(_ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.recordKey, ":" + Self.recordKey)
            case .value(let id): return .parameter(Self.recordKey, id.uuidString.lowercased())
            }
        }
        func uuid(_ key: String, _ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(key, ":" + key)
            case .value(let id): return .parameter(key, id.uuidString.lowercased())
            }
        }
        func indexParameter(_ key: String, _ parameter: Parameter<Int>) -> Component {
            switch parameter {
            case .key: return .parameter(key, ":" + key)
            case .value(let number): return .parameter(key, String(number))
            }
        }
        func study(_ parameter: Parameter<UUID>) -> Component {
            switch parameter {
            case .key: return .parameter(Self.studyKey, ":" + Self.studyKey)
            case .value(let id): return .parameter(Self.studyKey, id.uuidString.lowercased())
            }
        }
        switch self {
        case .home: return []
        case .login: return [.literal("login")]
        case .logout: return [.literal("logout")]
        case .setup(let parameter): return [.literal("setup"), token(parameter)]
        case .invitation(let parameter): return [.literal("invitations"), token(parameter)]
        case .adminInvitations: return [.literal("admin"), .literal("invitations")]
        case .adminAudit: return [.literal("admin"), .literal("audit")]
        case .adminAuditExport: return [.literal("admin"), .literal("audit.csv")]
        case .adminPeople: return [.literal("admin"), .literal("people")]
        case .accountResetLink(let id): return [.literal("accounts"), account(id), .literal("reset-link")]
        case .passwordReset(let parameter): return [.literal("password-reset"), token(parameter)]
        case .groups: return [.literal("groups")]
        case .newGroup: return [.literal("groups"), .literal("new")]
        case .group(let id): return [.literal("groups"), group(id)]
        case .groupRoster(let id): return [.literal("groups"), group(id), .literal("roster")]
        case .groupStart(let id): return [.literal("groups"), group(id), .literal("start")]
        case .groupAttendance(let id, let position):
            return [.literal("groups"), group(id), .literal("sessions"), session(position), .literal("attendance")]
        case .robots: return [.literal("robots.txt")]
        case .mediaLibrary: return [.literal("media")]
        case .mediaItem(let id): return [.literal("media"), media(id)]
        case .mediaDelete(let id): return [.literal("media"), media(id), .literal("delete")]
        case .mediaFile(let id): return [.literal("media"), media(id), .literal("file")]
        case .groupSessionPreview(let id, let number): return [.literal("groups"), group(id), .literal("sessions"), session(number)]
        case .groupHandoutPreview(let id, let handout):
            return [.literal("groups"), group(id), .literal("handouts"), named(Self.handoutKey, handout)]
        case .memberInvitation(let id, let member):
            return [.literal("groups"), group(id), .literal("members"), named(Self.memberKey, member), .literal("invitation")]
        case .join(let parameter): return [.literal("join"), token(parameter)]
        case .myWelcome: return [.literal("my"), .literal("welcome")]
        case .mySession(let number): return [.literal("my"), .literal("sessions"), session(number)]
        case .myHandout(let handout): return [.literal("my"), .literal("handouts"), named(Self.handoutKey, handout)]
        case .myHandoutPDF(let handout): return [.literal("my"), .literal("handouts"), named(Self.handoutKey, handout), .literal("pdf")]
        case .groupHandoutPDF(let id, let handout):
            return [.literal("groups"), group(id), .literal("handouts"), named(Self.handoutKey, handout), .literal("pdf")]
        case .adminOutbox: return [.literal("admin"), .literal("outbox")]
        case .adminOutboxRetry(let parameter):
            let item: Component
            switch parameter {
            case .key: item = .parameter(Self.outboxItemKey, ":" + Self.outboxItemKey)
            case .value(let id): item = .parameter(Self.outboxItemKey, id.uuidString.lowercased())
            }
            return [.literal("admin"), .literal("outbox"), item, .literal("retry")]
        case .myReminders: return [.literal("my"), .literal("reminders")]
        case .myCalendarLink: return [.literal("my"), .literal("reminders"), .literal("calendar-link")]
        case .myNotifications: return [.literal("my"), .literal("notifications")]
        case .unsubscribe(let parameter): return [.literal("unsubscribe"), token(parameter)]
        case .calendarFeed(let parameter): return [.literal("calendar"), token(parameter)]
        case .myCheckIns: return [.literal("my"), .literal("check-ins")]
        case .groupCheckIns(let id): return [.literal("groups"), group(id), .literal("check-ins")]
        case .memberCheckIns(let id, let member):
            return [.literal("groups"), group(id), .literal("members"), named(Self.memberKey, member), .literal("check-ins")]
        case .groupOverview(let id): return [.literal("groups"), group(id), .literal("overview")]
        case .groupFlagSettings(let id): return [.literal("groups"), group(id), .literal("flag-settings")]
        case .flagAcknowledge(let id, let flag):
            return [.literal("groups"), group(id), .literal("flags"), named(Self.flagKey, flag), .literal("acknowledge")]
        case .myPractice: return [.literal("my"), .literal("practice")]
        case .myPracticeEntry(let id): return [.literal("my"), .literal("practice"), record(id)]
        case .myPracticeDelete(let id): return [.literal("my"), .literal("practice"), record(id), .literal("delete")]
        case .myDiary: return [.literal("my"), .literal("diary")]
        case .myMedicines: return [.literal("my"), .literal("diary"), .literal("medicines")]
        case .myMedicine(let id): return [.literal("my"), .literal("diary"), .literal("medicines"), record(id)]
        case .myMedicineRemove(let id): return [.literal("my"), .literal("diary"), .literal("medicines"), record(id), .literal("remove")]
        case .myThoughts: return [.literal("my"), .literal("thoughts")]
        case .myThought(let id): return [.literal("my"), .literal("thoughts"), record(id)]
        case .myQuestionnaire(let id): return [.literal("my"), .literal("questionnaires"), uuid(Self.assignmentKey, id)]
        case .myQuestionnaireSubmit(let id): return [.literal("my"), .literal("questionnaires"), uuid(Self.assignmentKey, id), .literal("submit")]
        case .groupAlerts(let id): return [.literal("groups"), group(id), .literal("alerts")]
        case .groupAlertAcknowledge(let id, let alert):
            return [.literal("groups"), group(id), .literal("alerts"), uuid(Self.alertKey, alert), .literal("acknowledge")]
        case .studies: return [.literal("studies")]
        case .newStudy: return [.literal("studies"), .literal("new")]
        case .study(let id): return [.literal("studies"), study(id)]
        case .studyDefinition(let id): return [.literal("studies"), study(id), .literal("definition")]
        case .studyOpen(let id): return [.literal("studies"), study(id), .literal("open")]
        case .studyStaff(let id): return [.literal("studies"), study(id), .literal("staff")]
        case .studyArmGroups(let id): return [.literal("studies"), study(id), .literal("arm-groups")]
        case .studySetup(let id): return [.literal("studies"), study(id), .literal("setup")]
        case .studySetupPart(let id, let part): return [.literal("studies"), study(id), .literal("setup"), .literal(part.rawValue)]
        case .studySetupItem(let id, let part, let item):
            return [.literal("studies"), study(id), .literal("setup"), .literal(part.rawValue), indexParameter(Self.setupItemKey, item)]
        case .studySetupItemRemove(let id, let part, let item):
            return [.literal("studies"), study(id), .literal("setup"), .literal(part.rawValue), indexParameter(Self.setupItemKey, item), .literal("remove")]
        case .studyWaitlist(let id): return [.literal("studies"), study(id), .literal("waitlist")]
        case .studyScreening(let id): return [.literal("studies"), study(id), .literal("screening")]
        case .studyPerson(let id, let code):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code)]
        case .studyPersonAction(let id, let code, let action):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal(action.rawValue)]
        case .studyConsentPDF(let id, let code):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal("consent.pdf")]
        case .studyRecords(let id, let code, let kind):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal("records"), .literal(kind.rawValue)]
        case .studyRecord(let id, let code, let kind, let item):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal("records"), .literal(kind.rawValue),
                    record(item)]
        case .studyRecordDelete(let id, let code, let kind, let item):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal("records"), .literal(kind.rawValue),
                    record(item), .literal("delete")]
        case .studyTimeline(let id, let code):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal("timeline")]
        case .studyAllocationsCSV(let id): return [.literal("studies"), study(id), .literal("allocations.csv")]
        case .studyExports(let id): return [.literal("studies"), study(id), .literal("exports")]
        case .studyExport(let id, let file): return [.literal("studies"), study(id), .literal("exports"), .literal(file.rawValue)]
        case .studyDashboard(let id): return [.literal("studies"), study(id), .literal("dashboard")]
        case .studyPersonOutcomes(let id, let code):
            return [.literal("studies"), study(id), .literal("participants"), named(Self.studyCodeKey, code), .literal("outcomes")]
        case .studyJoin(let parameter): return [.literal("study-invitations"), token(parameter)]
        case .myConsent: return [.literal("my"), .literal("consent")]
        case .myProgrammeOffer: return [.literal("my"), .literal("programme-offer")]
        case .myConsentPDF: return [.literal("my"), .literal("consent"), .literal("pdf")]
        case .healthz: return [.literal("healthz")]
        case .metrics: return [.literal("metrics")]
        case .stylesheet: return [.literal("tend.css")]
        case .myDraft(let form): return [.literal("my"), .literal("drafts"), named(Self.draftKey, form)]
        case .autosaveScript: return [.literal("autosave.js")]
        case .myPacer: return [.literal("my"), .literal("pacer")]
        case .pacerStylesheet: return [.literal("pacer.css")]
        case .dashboardStylesheet: return [.literal("dashboard.css")]
        case .pacerScript: return [.literal("pacer.js")]
        case .myData: return [.literal("my"), .literal("data")]
        case .myDataJSON: return [.literal("my"), .literal("data.json")]
        case .myDataCSV: return [.literal("my"), .literal("data.csv")]
        case .myDeletionRequest: return [.literal("my"), .literal("data"), .literal("deletion-request")]
        case .adminDeletionRequests: return [.literal("admin"), .literal("deletion-requests")]
        case .adminDeletionRequestCarryOut(let parameter):
            let request: Component
            switch parameter {
            case .key: request = .parameter(Self.deletionRequestKey, ":" + Self.deletionRequestKey)
            case .value(let id): request = .parameter(Self.deletionRequestKey, id.uuidString.lowercased())
            }
            return [.literal("admin"), .literal("deletion-requests"), request, .literal("carry-out")]
        }
    }

    /// An absolute URL on the configured base, for links printed on the console or shown to copy.
    func absolute(on base: URL) -> String {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text + path
    }
}
