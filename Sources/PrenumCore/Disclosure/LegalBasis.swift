/// The provision a disclosure rests on (SPEC section 4, format 3).
///
/// One place decides it, so that the disclosure log, and any file that states it, say the same.
enum LegalBasis {
    /// The subscriber's legal basis at a delivery: its configured `legalBasis`, else its
    /// purpose's default — what its format-3 files state.
    static func of(_ subscriber: Subscriber) -> String {
        subscriber.effectiveLegalBasis
    }

    /// SPEC section 4's default per purpose (Socialförsäkringsbalken; all but coordination
    /// with the person's consent).
    static func byPurpose(_ purpose: Purpose) -> String {
        purpose.legalBasis
    }
}
