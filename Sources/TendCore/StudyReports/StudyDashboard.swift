import Foundation

/// Everything the study dashboard shows, worked out from a study's live records: the CONSORT flow and
/// its diagram, funnel rates against the feasibility criteria, attrition by arm, attendance and practice
/// by arm, and the outcome analysis of the stored scores. Each part that cannot be worked out carries
/// the reason in words instead, so one problem never hides the rest.
public struct StudyDashboard: Sendable {
    public var flow: ConsortFlow?
    public var flowProblem: String?
    public var diagramSVG: String?
    public var diagramDescription: String?
    public var funnel: FunnelCounts
    public var feasibility: FeasibilityAnalysis?
    public var feasibilityProblem: String?
    public var attrition: DropoutAnalysis?
    public var attendance: [StudyEngagement.ArmAttendance]
    public var practice: [StudyEngagement.ArmPractice]

    /// - Parameters:
    ///   - records: the screening log as CONSORT records (arms by display name).
    ///   - armOrder: the arms' display names in the definition's order.
    public static func build(definition: StudyDefinition, records: [ScreeningRecord], armOrder: [String],
                             nonRandomisedArms: Set<String>, attendance: [StudyEngagement.ArmAttendance],
                             practice: [StudyEngagement.ArmPractice]) -> StudyDashboard {
        var d = StudyDashboard(flow: nil, flowProblem: nil, diagramSVG: nil, diagramDescription: nil,
                               funnel: StudyAttrition.funnel(records), feasibility: nil, feasibilityProblem: nil,
                               attrition: nil, attendance: attendance, practice: practice)
        do {
            let flow = try ConsortFlow.count(records, armOrder: armOrder, nonRandomisedArms: nonRandomisedArms)
            d.flow = flow
            d.diagramSVG = ConsortDiagram.svg(flow)
            d.diagramDescription = ConsortDiagram.description(flow)
            d.attrition = StudyAttrition.byArm(flow)
        } catch {
            d.flowProblem = "The screening log could not be counted: \(error)"
        }
        do {
            d.feasibility = try StudyAttrition.feasibility(d.funnel, criteria: definition.feasibilityCriteria)
        } catch {
            d.feasibilityProblem = "The feasibility criteria could not be judged: \(error)"
        }
        return d
    }
}
