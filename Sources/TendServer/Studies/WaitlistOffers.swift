import Fluent
import Foundation
import TendCore

/// A waitlist arm gets its follow-up and then the offer of the programme. Once the questionnaires of a
/// waitlist participant's last timepoint are all submitted or their windows closed, they are offered
/// the programme of the study's active arm: on their home page and through ``Notifier``. Accepting
/// adds them to the study's waitlist group (chosen by staff on the study page, stored as the waitlist
/// arm's group in ``StudyModel/armGroups``), or, when none is chosen yet, as soon as one is.
enum WaitlistOffers {
    enum OfferError: Error, Equatable {
        /// The offer was already answered.
        case alreadyDecided
    }

    /// The arm whose programme is offered: the study's first active arm with a programme.
    static func offeredArm(_ definition: StudyDefinition) -> StudyArm? {
        definition.arms.first { $0.role == .active && $0.programme != nil }
    }

    /// The study's waitlist arm, if it has one.
    static func waitlistArm(_ definition: StudyDefinition) -> StudyArm? {
        definition.arms.first { $0.role == .waitlist }
    }

    /// The group accepting participants join, when staff have chosen it.
    static func group(of study: StudyModel, definition: StudyDefinition) -> UUID? {
        waitlistArm(definition).flatMap { study.armGroups[$0.id] }
    }

    /// Whether follow-up is over: every questionnaire at the participant's last timepoint (the one due
    /// last) is submitted or its window has closed. False when they have no questionnaires.
    static func followUpOver(_ rows: [QuestionnaireAssignmentModel], now: Date) -> Bool {
        guard let last = rows.max(by: { $0.dueOn < $1.dueOn }) else { return false }
        let finalRows = rows.filter { $0.timepointID == last.timepointID }
        return finalRows.allSatisfy { row in
            if row.isSubmitted { return true }
            guard let window = row.window else { return false }
            return LocalDateTime(now, in: row.zone).date > window.closes
        }
    }

    /// Makes every offer due at `now` (the periodic pass); returns how many were new.
    @discardableResult
    static func sweep(now: Date, baseURL: URL, on db: any Database) async throws -> Int {
        let waiting = try await StudyAllocationModel.query(on: db).filter(\.$offerAfterFollowUp == true).all()
        guard !waiting.isEmpty else { return 0 }
        let offered = Set(try await WaitlistOfferModel.query(on: db).all().map(\.$screening.id))
        var made = 0
        for allocation in waiting where !offered.contains(allocation.$screening.id) {
            guard let screening = try await StudyScreeningModel.find(allocation.$screening.id, on: db) else { continue }
            if try await offerIfDue(screening: screening, allocation: allocation, now: now, baseURL: baseURL, on: db) != nil { made += 1 }
        }
        return made
    }

    /// The participant's offer: made now if it has become due, nil when there is none.
    static func current(for user: UUID, now: Date, baseURL: URL, on db: any Database) async throws -> WaitlistOfferModel? {
        guard let screening = try await StudyScreeningModel.query(on: db).filter(\.$user.$id == user).first() else { return nil }
        if let offer = try await WaitlistOfferModel.query(on: db).filter(\.$screening.$id == (try screening.requireID())).first() {
            return offer
        }
        guard let allocation = try await StudyAllocationModel.query(on: db).filter(\.$screening.$id == (try screening.requireID())).first(),
              allocation.offerAfterFollowUp else { return nil }
        return try await offerIfDue(screening: screening, allocation: allocation, now: now, baseURL: baseURL, on: db)
    }

    /// Records the offer and tells the participant, when their follow-up is over and they have not left
    /// the study. Two callers at once make one offer (the screening row is unique).
    static func offerIfDue(screening: StudyScreeningModel, allocation: StudyAllocationModel, now: Date, baseURL: URL,
                           on db: any Database) async throws -> WaitlistOfferModel? {
        guard allocation.offerAfterFollowUp, screening.exitKind == nil, let user = screening.$user.id else { return nil }
        let rows = try await QuestionnaireAssignmentModel.query(on: db)
            .filter(\.$user.$id == user).filter(\.$studyID == screening.$study.id).all()
        guard followUpOver(rows, now: now) else { return nil }
        let screeningID = try screening.requireID()
        let offer = WaitlistOfferModel(studyID: screening.$study.id, screeningID: screeningID, userID: user, offeredAt: now)
        do {
            try await offer.create(on: db)
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return try await WaitlistOfferModel.query(on: db).filter(\.$screening.$id == screeningID).first()
        }
        try await Notifier.notify(
            user: user, kind: "study", subject: "An offer from the study",
            text: "Thank you for your answers. There is an offer for you from the study team: see your home page in Tend.",
            link: SiteURL.home.path, dedupeKey: "waitlist-offer:" + screeningID.uuidString.lowercased(),
            on: db, now: now, baseURL: baseURL)
        return offer
    }

    /// The participant accepts: recorded with the date, and they join the waitlist group if one is chosen.
    static func accept(_ offer: WaitlistOfferModel, by user: UserModel, now: Date, baseURL: URL, on db: any Database) async throws {
        guard offer.decision == nil else { throw OfferError.alreadyDecided }
        try await db.transaction { tx in
            offer.decision = .accepted
            offer.decidedAt = now
            try await offer.update(on: tx)
            try await AuditLog.record(.waitlistOfferAccepted, actor: user, subject: .screening(offer.$screening.id), on: tx, at: now)
            if let study = try await StudyModel.find(offer.$study.id, on: tx), let definition = study.definition,
               let groupID = group(of: study, definition: definition) {
                try await enrol(offer, in: groupID, now: now, baseURL: baseURL, on: tx)
            }
        }
    }

    /// The participant declines: recorded with the date.
    static func decline(_ offer: WaitlistOfferModel, by user: UserModel, now: Date, on db: any Database) async throws {
        guard offer.decision == nil else { throw OfferError.alreadyDecided }
        try await db.transaction { tx in
            offer.decision = .declined
            offer.decidedAt = now
            try await offer.update(on: tx)
            try await AuditLog.record(.waitlistOfferDeclined, actor: user, subject: .screening(offer.$screening.id), on: tx, at: now)
        }
    }

    /// After staff chose the waitlist group: everyone who accepted and is not in a group yet joins it.
    @discardableResult
    static func enrolAccepted(study: StudyModel, definition: StudyDefinition, now: Date, baseURL: URL, on db: any Database) async throws -> Int {
        guard let groupID = group(of: study, definition: definition) else { return 0 }
        let waiting = try await WaitlistOfferModel.query(on: db)
            .filter(\.$study.$id == (try study.requireID()))
            .filter(\.$decision == .accepted)
            .filter(\.$groupID == nil)
            .all()
        for offer in waiting { try await enrol(offer, in: groupID, now: now, baseURL: baseURL, on: db) }
        return waiting.count
    }

    /// Adds the participant to the group's roster (linked to their account, starting today in a
    /// self-paced group) and plans their reminders.
    private static func enrol(_ offer: WaitlistOfferModel, in groupID: UUID, now: Date, baseURL: URL, on db: any Database) async throws {
        guard let group = try await GroupModel.find(groupID, on: db),
              let screening = try await StudyScreeningModel.find(offer.$screening.id, on: db) else { return }
        let user = offer.$user.id
        let member = RosterMemberModel(displayName: screening.code, studyCode: screening.code, groupID: groupID)
        if try await RosterMemberModel.query(on: db).filter(\.$user.$id == user).count() == 0 {
            member.$user.id = user
            member.joinedAt = now
            if let cohort = group.cohort, let programme = GroupController.programme(group.programmeID) {
                let today = LocalDateTime(now, in: cohort.timeZone).date
                member.memberPlan = MemberPlan(startDate: max(today, cohort.opens),
                                               weekday: programme.delivery == .weeklySelfHelp ? cohort.suggestedWeekday : nil,
                                               timeZone: cohort.timeZone, firstModule: MemberPlan.defaultFirstModule)
            }
        }
        try await member.create(on: db)
        try await AuditLog.record(.rosterMemberAdded, actor: nil, subject: .rosterMember(member.id), on: db, at: now)
        offer.groupID = groupID
        offer.enrolledAt = now
        try await offer.update(on: db)
        try await StudyAnchors.replanReminders(user: user, now: now, baseURL: baseURL, on: db)
    }
}
