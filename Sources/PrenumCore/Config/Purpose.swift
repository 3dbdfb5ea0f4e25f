/// Why a subscriber receives information. All purposes except co-ordination of benefits rest
/// on the person's own consent, so for them a person without consent is never delivered.
public enum Purpose: String, CaseIterable, Sendable, Codable {
    case coordination
    case riskAssessment = "risk_assessment"
    case pensionForecast = "pension_forecast"
    case claims

    /// True when each person must have consented before anything about them is delivered.
    public var requiresConsent: Bool { self != .coordination }
}
