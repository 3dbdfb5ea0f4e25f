/// The provision a disclosure rests on (SPEC section 4, format 3).
///
/// One place decides it, so that the disclosure log, and any file that states it, say the same.
public enum LegalBasis {
    /// The subscriber's legal basis at a delivery. Until the configuration carries an explicit
    /// `legalBasis` per subscriber this is derived from the purpose; that field, once it
    /// exists, takes precedence here.
    public static func of(_ subscriber: Subscriber) -> String {
        byPurpose(subscriber.purpose)
    }

    /// SPEC section 4's default per purpose (Socialförsäkringsbalken; all but coordination
    /// with the person's consent).
    public static func byPurpose(_ purpose: Purpose) -> String {
        switch purpose {
        case .coordination: return "SFB 110:39, 114:9, 114:24"
        case .riskAssessment: return "SFB 114:24"
        case .pensionForecast: return "SFB 114:25"
        case .claims: return "SFB 114:26"
        }
    }
}
