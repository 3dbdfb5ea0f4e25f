/// The kinds of organisation the law entitles to benefit information. Each category's
/// permitted benefits come from `categories.json`, so a change in the law is a configuration
/// change, not a release.
public enum SubscriberCategory: String, CaseIterable, Sendable, Codable {
    case insurance
    case municipality
    case enforcement
    case pension
    case agency
}
