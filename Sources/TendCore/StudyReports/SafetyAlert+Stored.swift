import Foundation

extension SafetyAlert {
    /// An alert as it was stored, read back (for the escalation rule and for display).
    public init(participant: String, kind: Kind, measure: String, timepoint: String, value: Double, threshold: Double,
                detail: String, raisedAt: Date) {
        self.participant = participant
        self.kind = kind
        self.measure = measure
        self.timepoint = timepoint
        self.value = value
        self.threshold = threshold
        self.raisedAt = raisedAt
        self.detail = detail
    }
}
