/// Why a subscriber receives information. All purposes except co-ordination of benefits rest
/// on the person's own consent, so for them a person without consent is never delivered.
public enum Purpose: String, CaseIterable, Sendable, Codable {
    case coordination
    case riskAssessment = "risk_assessment"
    case pensionForecast = "pension_forecast"
    case claims

    /// True when each person must have consented before anything about them is delivered.
    public var requiresConsent: Bool { self != .coordination }

    /// The provision of Socialförsäkringsbalken a disclosure for this purpose rests on (the
    /// last three with the person's consent), stamped into format-3 files.
    public var legalBasis: String {
        switch self {
        case .coordination: return "SFB 110:39, 114:9, 114:24"
        case .riskAssessment: return "SFB 114:24"
        case .pensionForecast: return "SFB 114:25"
        case .claims: return "SFB 114:26"
        }
    }
}
