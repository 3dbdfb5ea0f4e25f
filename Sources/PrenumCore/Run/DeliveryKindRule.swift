/// Whether a subscriber's next file is a DELTA or a FULL.
///
/// A DELTA says only what changed since the subscriber's last file, so it is right only when
/// the recipient holds exactly what this run's change set starts from: the last file was made
/// at the run's base watermark (no night missed, no failure left behind), for the same profile
/// (benefits, format, consent rule, history window), and no refresh is ordered. Anything else
/// gets a FULL: a first file, a missed night, a changed profile, an ordered refresh (also the
/// one `prenum recover` and `discard` order), a position whose watermark is unknown.
enum DeliveryKindRule {
    static func kind(position: SubscriberPosition, profile: DeliveryProfile, baseWatermark: Int64) -> DeliveryKind {
        let holdsTheBase = position.watermark == baseWatermark && position.profile == profile.fingerprint
        return holdsTheBase && !position.refreshPending ? .delta : .full
    }
}
