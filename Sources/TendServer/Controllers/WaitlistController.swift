import Fluent
import Foundation
import TendCore
import Vapor

/// The waitlist's offer of the programme: the participant's answer (from their home page) and the
/// staff list of who was offered it and what they said. The list reveals allocation, so blinded staff
/// never reach it.
struct WaitlistController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.grouped(RequireRole(.participant)).post(SiteURL.myProgrammeOffer.pathComponents, use: answer)
        routes.grouped(RequireRole(.researcher, .facilitator, .admin)).get(SiteURL.studyWaitlist(.key).pathComponents, use: list)
    }

    struct Input: Content {
        var decision: String?
    }

    static let alreadyAnswered = ErrorPages.Content(
        title: "You have already answered this offer",
        message: "Your answer to the study's offer is saved. If you would like to change it, please tell the study team.",
        linkText: "Go to your home page", linkPath: SiteURL.home.path)

    static let unknownAnswer = ErrorPages.Content(
        title: "Your answer was not understood",
        message: "Choose “Yes, I would like to take part” or “No, thank you” on your home page. Nothing has been saved.",
        linkText: "Go to your home page", linkPath: SiteURL.home.path)

    /// The offer for the signed-in participant's home page, made now if it has become due.
    static func homeOffer(_ req: Request) async throws -> WaitlistPages.Offer? {
        guard let user = req.user, user.role == .participant,
              let offer = try await WaitlistOffers.current(for: try user.requireID(), now: req.now, baseURL: req.application.tend.baseURL,
                                                           on: req.db),
              let study = try await StudyModel.find(offer.$study.id, on: req.db), let definition = study.definition
        else { return nil }
        return WaitlistPages.offer(offer, publicTitle: definition.publicTitle)
    }

    @Sendable
    func answer(req: Request) async throws -> Response {
        guard let user = req.user else { throw PageError.forbidden }
        let now = req.now
        let baseURL = req.application.tend.baseURL
        guard let offer = try await WaitlistOffers.current(for: try user.requireID(), now: now, baseURL: baseURL, on: req.db) else {
            throw PageError.notFound()
        }
        let input = try req.content.decode(Input.self)
        do {
            switch input.decision {
            case "accept":
                try await WaitlistOffers.accept(offer, by: user, now: now, baseURL: baseURL, on: req.db)
            case "decline":
                try await WaitlistOffers.decline(offer, by: user, now: now, on: req.db)
            default:
                throw PageError(status: .unprocessableEntity, content: Self.unknownAnswer)
            }
        } catch WaitlistOffers.OfferError.alreadyDecided {
            throw PageError(status: .conflict, content: Self.alreadyAnswered)
        }
        return .seeOther(SiteURL.home.path)
    }

    @Sendable
    func list(req: Request) async throws -> Response {
        let access = try await StudyAccess.require(req)
        guard access.seesArms, let viewer = req.viewer else { throw PageError.forbidden }
        let studyID = access.studyID
        let offers = try await WaitlistOfferModel.query(on: req.db).filter(\.$study.$id == studyID).all()
        var byScreening: [UUID: WaitlistOfferModel] = [:]
        for offer in offers { byScreening[offer.$screening.id] = offer }
        let allocations = try await StudyAllocationModel.query(on: req.db)
            .filter(\.$study.$id == studyID).filter(\.$offerAfterFollowUp == true).all()
        let screenings = try await StudyScreeningModel.query(on: req.db).filter(\.$study.$id == studyID).all()
        var codes: [UUID: StudyScreeningModel] = [:]
        for screening in screenings { codes[screening.id!] = screening }
        var groupNames: [UUID: String] = [:]
        for id in Set(offers.compactMap(\.groupID)) {
            if let group = try await GroupModel.find(id, on: req.db) { groupNames[id] = group.name }
        }
        let zone = StudyDates.utc
        let rows: [WaitlistPages.Row] = allocations.compactMap { allocation in
            guard let screening = codes[allocation.$screening.id] else { return nil }
            let offer = byScreening[allocation.$screening.id]
            let day = { (date: Date) in LocalDateTime(date, in: zone).date.description }
            let state: String
            switch (offer?.decision, offer) {
            case (_, nil):
                state = screening.exitKind != nil ? "Left the study: not offered" : "In follow-up: not offered yet"
            case (.accepted?, let offer?):
                state = offer.groupID.map { "Accepted; joined " + (groupNames[$0] ?? "a group") } ?? "Accepted; waiting for a group"
            case (.declined?, _):
                state = "Declined"
            case (nil, _):
                state = "Offered; no answer yet"
            }
            return WaitlistPages.Row(code: screening.code, state: state, offeredOn: offer.map { day($0.offeredAt) },
                                     decidedOn: offer?.decidedAt.map(day))
        }.sorted { $0.code < $1.code }
        let groupChosen = WaitlistOffers.group(of: access.study, definition: access.definition) != nil
        try await AuditLog.record(.waitlistOffersViewed, actor: access.user, subject: .study(studyID), on: req.db, at: req.now)
        return .html(WaitlistPages.list(viewer: viewer, studyID: studyID, title: access.definition.title,
                                        hasWaitlist: WaitlistOffers.waitlistArm(access.definition) != nil,
                                        groupChosen: groupChosen, rows: rows, csrf: CSRF.token(for: req)))
    }
}
