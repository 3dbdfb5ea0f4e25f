import PrenumCore

/// Dates as day numbers (days since 1970-01-01) and the register's monthly rhythm: the
/// payout day, the cut-off after which a month's payments are executed, and fast text forms.
struct SampleCalendar {
    /// The first day number with cached text.
    private let first: Int
    private let texts: [String]
    private let minutes: [String]
    private let seconds: [String]

    /// Caches the text of every day from about 14 years before `around` to 3 years after.
    init(around day: Int) {
        first = day - 14 * 366
        texts = (first..<(day + 3 * 366)).map { CalendarDate(dayNumber: $0).description }
        minutes = (0..<1440).map { minute in
            "T" + Self.twoDigits(minute / 60) + ":" + Self.twoDigits(minute % 60) + ":"
        }
        seconds = (0..<60).map { Self.twoDigits($0) + "Z" }
    }

    private static func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// `YYYY-MM-DD`.
    func text(_ day: Int) -> String {
        let index = day - first
        return index >= 0 && index < texts.count ? texts[index] : CalendarDate(dayNumber: day).description
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for a second of a day.
    func timestamp(day: Int, second: Int) -> String {
        text(day) + minutes[second / 60] + seconds[second % 60]
    }

    /// The day number of a `YYYY-MM-DD` text, or nil for NULL or a malformed date.
    static func day(_ text: String?) -> Int? {
        guard let text, let date = CalendarDate(text) else { return nil }
        return date.dayNumber
    }

    /// Seconds since 1970-01-01T00:00:00Z, for the simulated clock.
    static func unixSeconds(day: Int, second: Int) -> Int64 { Int64(day) * 86_400 + Int64(second) }

    /// 0 for Monday ... 6 for Sunday (1970-01-01 was a Thursday).
    static func weekday(_ day: Int) -> Int { ((day % 7) + 7 + 3) % 7 }

    static func isWeekend(_ day: Int) -> Bool { weekday(day) >= 5 }

    static func monthStart(_ day: Int) -> Int {
        let date = CalendarDate(dayNumber: day)
        return day - (date.day - 1)
    }

    static func monthEnd(_ day: Int) -> Int { addingMonths(monthStart(day), 1) - 1 }

    /// The first day of the month `months` after the month of `day`.
    static func addingMonths(_ day: Int, _ months: Int) -> Int {
        let date = CalendarDate(dayNumber: day)
        let index = date.year * 12 + (date.month - 1) + months
        return CalendarDate(year: index / 12, month: index % 12 + 1, day: 1)?.dayNumber ?? day
    }

    static func dayOfMonth(_ day: Int) -> Int { CalendarDate(dayNumber: day).day }

    /// The payout day of the month that contains `day`: the 25th, or the Friday before
    /// when the 25th falls on a weekend.
    static func payoutDay(ofMonth day: Int) -> Int {
        var payout = monthStart(day) + 24
        while isWeekend(payout) { payout -= 1 }
        return payout
    }

    /// The first payout day on or after `day`.
    static func nextPayout(onOrAfter day: Int) -> Int {
        let payout = payoutDay(ofMonth: day)
        return payout >= day ? payout : payoutDay(ofMonth: addingMonths(day, 1))
    }

    /// The day of the monthly cut-off: from then on, payments due that month are executed.
    static func cutoff(ofMonth day: Int) -> Int { monthStart(day) + SampleModel.cutoffDayOfMonth - 1 }

    /// The day on which, each month, the next month's recurring payments are registered.
    static func recurringRegistration(forMonth monthStart: Int) -> Int {
        addingMonths(monthStart, -1) + SampleModel.recurringRegistrationDayOfMonth - 1
    }

    /// The register's status rule: a payment is executed from its month's cut-off on, but
    /// never on the day it was registered.
    static func isExecuted(paymentDate: Int, registeredDay: Int, today: Int) -> Bool {
        today > registeredDay && today >= cutoff(ofMonth: paymentDate)
    }

    /// The latest payment date that is executed by `today`'s cut-off run.
    static func lastExecutableDate(today: Int) -> Int {
        today >= cutoff(ofMonth: today) ? monthEnd(today) : monthStart(today) - 1
    }
}
