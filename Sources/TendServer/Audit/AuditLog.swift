import Fluent
import Foundation

/// What happened. Codes are stable (they are stored); add cases, never rename them.
enum AuditAction: String, Codable, CaseIterable, Sendable {
    case adminCreatedBySetup = "admin.created_by_setup"
    case signedIn = "session.signed_in"
    case signInFailed = "session.sign_in_failed"
    case signedOut = "session.signed_out"
    case invitationCreated = "invitation.created"
    case invitationAccepted = "invitation.accepted"
    case staffListViewed = "staff.list_viewed"
    case auditTrailViewed = "audit.trail_viewed"
    /// A member of staff opened a participant's record (used by the participant pages).
    case participantRecordViewed = "participant.record_viewed"
    case groupCreated = "group.created"
    /// A facilitator or admin moved a group's start date (its schedule and reminders follow).
    case groupStartMoved = "group.start_moved"
    case rosterMemberAdded = "group.roster_member_added"
    /// A member of staff saw one roster member's attendance (once per member shown on the group page).
    case attendanceViewed = "group.attendance_viewed"
    case attendanceRecorded = "group.attendance_recorded"
    case mediaUploaded = "media.uploaded"
    case mediaDeleted = "media.deleted"
    /// A facilitator or admin issued a participant invitation link for a roster member.
    case participantInvited = "participant.invited"
    /// A participant accepted their invitation and created their account.
    case participantJoined = "participant.joined"
    case accountListViewed = "accounts.list_viewed"
    /// A password reset link was issued (subject: the account it resets).
    case passwordResetIssued = "password_reset.issued"
    /// A person chose a new password with a reset link (subject: their account).
    case passwordResetCompleted = "password_reset.completed"
    case auditTrailExported = "audit.trail_exported"
    case outboxViewed = "outbox.viewed"
    case outboxRetried = "outbox.dead_letter_retried"
    /// A member of staff read one roster member's check-in conversation (subject: the roster member).
    case checkInsViewed = "check_in.conversation_viewed"
    /// A member of staff replied to a check-in (subject: the roster member; never the text).
    case checkInReplied = "check_in.replied"
    /// A member of staff saw a group at a glance: one event per roster member shown.
    case engagementViewed = "group.engagement_viewed"
    case flagSettingsChanged = "group.flag_settings_changed"
    /// A facilitator acknowledged a flag (subject: the roster member; never the note).
    case flagAcknowledged = "group.flag_acknowledged"
    /// A participant downloaded their own data (subject: their account).
    case participantDataExported = "participant.data_exported"
    /// A participant asked, confirming with their password, for their data to be deleted.
    case deletionRequested = "participant.deletion_requested"
    /// An admin carried out a deletion request (subject: the account, now anonymised).
    case deletionCarriedOut = "participant.deletion_carried_out"
    case deletionRequestsViewed = "deletion_requests.viewed"
    /// A stored questionnaire score changed when re-scored with a changed definition (one per score).
    case questionnaireRescored = "questionnaire.rescored"
    /// A facilitator or admin opened a group's open safety alerts.
    case safetyAlertsViewed = "safety_alerts.viewed"
    /// A facilitator or admin acknowledged a safety alert (the note is kept with the alert, not here).
    case safetyAlertAcknowledged = "safety_alert.acknowledged"
    case studyCreated = "study.created"
    case studyDefinitionChanged = "study.definition_changed"
    case studyOpened = "study.opened"
    case studyStaffAdded = "study.staff_added"
    case studyArmGroupsChanged = "study.arm_groups_changed"
    /// A member of staff saw the screening log (subject: the study).
    case screeningLogViewed = "study.screening_log_viewed"
    /// A member of staff opened one person's study record (subject: the screening-log row).
    case studyRecordViewed = "study.record_viewed"
    case screeningAdded = "study.screening_added"
    case screeningUpdated = "study.screening_updated"
    case studyInvitationIssued = "study.invitation_issued"
    case studyJoined = "study.joined"
    case consentSigned = "study.consent_signed"
    /// A signed consent was downloaded as PDF (by the participant or by staff).
    case consentDownloaded = "study.consent_downloaded"
    /// A person took their place in the allocation sequence (subject: the screening-log row).
    case studyParticipantAllocated = "study.participant_allocated"
    /// Staff clicked "allocate" for a consented person.
    case studyAllocatedByStaff = "study.allocated_by_staff"
    case allocationListExported = "study.allocation_list_exported"
    /// Staff recorded a biochemical test, a medication dose or a reimbursement (subject: the record).
    case staffRecordAdded = "study.staff_record_added"
    /// Staff corrected one of those records (subject: the record; the values are not logged).
    case staffRecordCorrected = "study.staff_record_corrected"
    case staffRecordDeleted = "study.staff_record_deleted"
    /// A member of staff opened a person's study timeline (subject: the screening-log row).
    case studyTimelineViewed = "study.timeline_viewed"
    /// A waitlist participant accepted the offer of the programme (subject: the screening-log row).
    case waitlistOfferAccepted = "study.waitlist_offer_accepted"
    /// A waitlist participant declined the offer of the programme (subject: the screening-log row).
    case waitlistOfferDeclined = "study.waitlist_offer_declined"
    /// A member of staff saw who on a study's waitlist was offered the programme (subject: the study).
    case waitlistOffersViewed = "study.waitlist_offers_viewed"
    /// A study data export was downloaded (subject: the study; the entry keeps the number of rows).
    case studyTidyScoresExported = "study.export.tidy_scores"
    case studyWideScoresExported = "study.export.wide_scores"
    case studySPSSSyntaxExported = "study.export.spss_syntax"
    case studyDataDictionaryExported = "study.export.redcap_dictionary"
    case studyFHIRBundleExported = "study.export.fhir_bundle"
    case studyAnalysisReportExported = "study.export.analysis_report"

    /// Plain words for the audit page.
    var summary: String {
        switch self {
        case .adminCreatedBySetup: return "Created the first admin account with the setup link"
        case .signedIn: return "Signed in"
        case .signInFailed: return "Failed to sign in"
        case .signedOut: return "Signed out"
        case .invitationCreated: return "Invited a member of staff"
        case .invitationAccepted: return "Accepted an invitation"
        case .staffListViewed: return "Viewed the staff list"
        case .auditTrailViewed: return "Viewed the audit trail"
        case .participantRecordViewed: return "Viewed a participant's record"
        case .groupCreated: return "Created a group"
        case .groupStartMoved: return "Moved a group's start date"
        case .rosterMemberAdded: return "Added a person to a group's roster"
        case .attendanceViewed: return "Viewed a roster member's attendance"
        case .attendanceRecorded: return "Saved a session's attendance register"
        case .mediaUploaded: return "Uploaded a recording to the media library"
        case .mediaDeleted: return "Deleted a recording from the media library"
        case .participantInvited: return "Created a participant's invitation link"
        case .participantJoined: return "Joined a group with an invitation link"
        case .accountListViewed: return "Viewed the list of accounts"
        case .passwordResetIssued: return "Created a password reset link"
        case .passwordResetCompleted: return "Chose a new password with a reset link"
        case .auditTrailExported: return "Downloaded the audit trail"
        case .outboxViewed: return "Viewed the reminder outbox"
        case .outboxRetried: return "Put a failed reminder back in the queue"
        case .checkInsViewed: return "Read a participant's check-in messages"
        case .checkInReplied: return "Replied to a participant's check-in"
        case .engagementViewed: return "Viewed a participant's engagement at a glance"
        case .flagSettingsChanged: return "Changed a group's flag thresholds"
        case .flagAcknowledged: return "Acknowledged a flag about a participant"
        case .participantDataExported: return "Downloaded their own data"
        case .deletionRequested: return "Asked for their data to be deleted"
        case .deletionCarriedOut: return "Carried out a participant's deletion request"
        case .deletionRequestsViewed: return "Viewed the deletion requests"
        case .questionnaireRescored: return "A questionnaire score changed when re-scored with the current definition"
        case .safetyAlertsViewed: return "Viewed a group's safety alerts"
        case .safetyAlertAcknowledged: return "Acknowledged a safety alert"
        case .studyCreated: return "Created a study"
        case .studyDefinitionChanged: return "Changed a study's definition"
        case .studyOpened: return "Opened a study for recruitment"
        case .studyStaffAdded: return "Added a member of staff to a study"
        case .studyArmGroupsChanged: return "Chose the groups for a study's arms"
        case .screeningLogViewed: return "Viewed a study's screening log"
        case .studyRecordViewed: return "Viewed a person's study record"
        case .screeningAdded: return "Added a person to a screening log"
        case .screeningUpdated: return "Updated a person's screening record"
        case .studyInvitationIssued: return "Created a study invitation link"
        case .studyJoined: return "Joined a study with an invitation link"
        case .consentSigned: return "Signed a study consent form"
        case .consentDownloaded: return "Downloaded a signed consent form"
        case .studyParticipantAllocated: return "Allocated a participant in a study"
        case .studyAllocatedByStaff: return "Allocated a consented person by hand"
        case .allocationListExported: return "Downloaded a study's allocation list"
        case .staffRecordAdded: return "Recorded a test, dose or reimbursement on a person's study record"
        case .staffRecordCorrected: return "Corrected a test, dose or reimbursement on a person's study record"
        case .staffRecordDeleted: return "Deleted a test, dose or reimbursement from a person's study record"
        case .studyTimelineViewed: return "Viewed a person's study timeline"
        case .waitlistOfferAccepted: return "Accepted the study's offer of the programme after the waitlist"
        case .waitlistOfferDeclined: return "Declined the study's offer of the programme after the waitlist"
        case .waitlistOffersViewed: return "Viewed a study's waitlist offers"
        case .studyTidyScoresExported: return "Downloaded a study's scores (long CSV)"
        case .studyWideScoresExported: return "Downloaded a study's scores (wide CSV)"
        case .studySPSSSyntaxExported: return "Downloaded a study's SPSS syntax"
        case .studyDataDictionaryExported: return "Downloaded a study's data dictionary (REDCap)"
        case .studyFHIRBundleExported: return "Downloaded a study's questionnaire responses (FHIR)"
        case .studyAnalysisReportExported: return "Downloaded a study's analysis report"
        }
    }
}

/// The record an event is about.
struct AuditSubject: Sendable, Equatable {
    enum Kind: String, Codable, Sendable {
        case user
        case invitation
        case participant
        case group
        case rosterMember = "roster_member"
        case media
        case outboxItem = "outbox_item"
        case questionnaire
        case safetyAlert = "safety_alert"
        case study
        case screening = "study_screening"
        case biochemicalTest = "study_biochemical_test"
        case medicationDose = "study_medication_dose"
        case reimbursement = "study_reimbursement"
    }

    var kind: Kind
    var id: UUID?

    static func user(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .user, id: id) }
    static func invitation(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .invitation, id: id) }
    static func participant(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .participant, id: id) }
    static func group(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .group, id: id) }
    static func rosterMember(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .rosterMember, id: id) }
    static func media(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .media, id: id) }
    static func outboxItem(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .outboxItem, id: id) }
    static func questionnaire(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .questionnaire, id: id) }
    static func safetyAlert(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .safetyAlert, id: id) }
    static func study(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .study, id: id) }
    static func screening(_ id: UUID?) -> AuditSubject { AuditSubject(kind: .screening, id: id) }
}

/// The audit trail. Every staff read of a participant's record, and every security-relevant action,
/// goes through ``record(_:actor:subject:on:at:)``. Entries hold ids, roles and action codes, never
/// names, e-mail addresses or free text, so the trail itself is not a second copy of personal data.
enum AuditLog {
    /// Appends one event. Call it inside the same transaction as the change it describes, when there is one.
    static func record(
        _ action: AuditAction,
        actor: UserModel?,
        subject: AuditSubject? = nil,
        rowCount: Int? = nil,
        on database: any Database,
        at date: Date = Date()
    ) async throws {
        let event = AuditEventModel()
        event.occurredAt = date
        event.action = action
        event.$actor.id = actor?.id
        event.actorRole = actor?.role
        event.subjectKind = subject?.kind
        event.subjectID = subject?.id
        event.rowCount = rowCount
        try await event.create(on: database)
    }

    /// The newest events first, with the actor loaded (nil when unknown or deleted).
    static func recent(limit: Int, offset: Int = 0, on database: any Database) async throws -> [AuditEventModel] {
        try await AuditEventModel.query(on: database)
            .with(\.$actor)
            .sort(\.$occurredAt, .descending)
            .range(offset..<(offset + limit))
            .all()
    }
}
