/// The generator's tunables and the benefit rules it follows, in one place, so that
/// docs/SAMPLE-DATA.md can describe the model by pointing here.
enum SampleModel {
    // MARK: Calendar

    /// Payments due in a month are executed from this day of the month on.
    static let cutoffDayOfMonth = 20
    /// Recurring allowances for month M are registered on this day of month M-1.
    static let recurringRegistrationDayOfMonth = 15
    /// History starts on the first day of the month this many months before the end date's.
    static let historyMonths = 13
    /// Registrations happen between these seconds of the day (UTC).
    static let workingSeconds = (6 * 3600)...(19 * 3600)

    // MARK: Persons

    static let coordinationNumberShare = 0.02
    static let selfEmployedShare = 0.10
    static let garnishedShare = 0.04
    /// Share of sickness/activity compensation recipients paid by the pensions authority.
    static let paidByPensionsAuthorityShare = 0.35
    static let oldestAge = 92
    static let youngestAge = 18
    /// People of this age and older get their housing allowance from the pensions authority.
    static let pensionAge = 65
    static let pensionAgeShare = 0.12

    // MARK: Payments

    static let cancelledShare = 0.012
    static let hardDeletedShare = 0.003
    static let stateClaimOffsetShare = 0.006
    static let foreignClaimShare = 0.002
    static let socialAssistanceShareOfRetroactive = 0.35
    static let amountChangeShare = 0.2

    /// Karens compensation (reported as SJP): a flat daily amount, taxed at exactly 30 %.
    static let karensEmployeeDailyOre: Int64 = 70_000
    static let karensSelfEmployedDailyOre: Int64 = 80_400
    static let karensSelfEmployedMaxDays = 14

    /// Tax in öre, rounded down to whole kronor as the tax agency does.
    static func tax(grossOre: Int64, permille: Int) -> Int64 {
        grossOre * Int64(permille) / 1000 / 100 * 100
    }

    /// Karens compensation is always taxed at 30 %, rounded down to whole kronor.
    static func karensTax(grossOre: Int64) -> Int64 { tax(grossOre: grossOre, permille: 300) }

    // MARK: Benefits

    /// How a benefit is paid.
    enum Rhythm {
        /// A monthly allowance paid for the current month (housing, disability, ...).
        case monthly
        /// Paid in arrears for claimed periods (sickness, parental, labour market).
        case claimed
        /// Short episodes claimed afterwards (temporary parental benefit).
        case episodes
    }

    struct Benefit {
        let code: String
        let rhythm: Rhythm
        let taxed: Bool
        /// Whether cases carry an extent (25, 50, 75, 100).
        let hasExtent: Bool
        /// Daily amount range in kronor for claimed benefits, monthly amount otherwise.
        let amountKronor: ClosedRange<Int>
        /// Typical case length in days (claimed benefits), or share of cases ending in the
        /// history (monthly benefits, in percent).
        let lengthDays: ClosedRange<Int>
    }

    static let benefits: [String: Benefit] = Dictionary(
        uniqueKeysWithValues: [
            Benefit(code: "SJP", rhythm: .claimed, taxed: true, hasExtent: true, amountKronor: 250...1_250, lengthDays: 14...180),
            Benefit(code: "FP", rhythm: .claimed, taxed: true, hasExtent: true, amountKronor: 250...1_250, lengthDays: 30...300),
            Benefit(code: "TFP", rhythm: .episodes, taxed: true, hasExtent: true, amountKronor: 250...1_250, lengthDays: 1...5),
            Benefit(code: "AKS", rhythm: .claimed, taxed: true, hasExtent: true, amountKronor: 365...910, lengthDays: 60...365),
            Benefit(code: "UTV", rhythm: .claimed, taxed: false, hasExtent: true, amountKronor: 58...143, lengthDays: 60...365),
            Benefit(code: "ETE", rhythm: .claimed, taxed: false, hasExtent: true, amountKronor: 308...308, lengthDays: 90...730),
            Benefit(code: "BOB", rhythm: .monthly, taxed: false, hasExtent: false, amountKronor: 1_000...5_500, lengthDays: 15...15),
            Benefit(code: "BB", rhythm: .monthly, taxed: false, hasExtent: false, amountKronor: 1_250...1_250, lengthDays: 20...20),
            Benefit(code: "ASS", rhythm: .monthly, taxed: false, hasExtent: false, amountKronor: 30_000...250_000, lengthDays: 5...5),
            Benefit(code: "OMV", rhythm: .monthly, taxed: true, hasExtent: true, amountKronor: 11_975...11_975, lengthDays: 10...10),
            Benefit(code: "MKE", rhythm: .monthly, taxed: false, hasExtent: false, amountKronor: 1_500...6_000, lengthDays: 8...8),
            Benefit(code: "SA", rhythm: .monthly, taxed: true, hasExtent: true, amountKronor: 8_000...20_000, lengthDays: 4...4),
            Benefit(code: "AE", rhythm: .monthly, taxed: true, hasExtent: true, amountKronor: 9_000...13_000, lengthDays: 15...15)
        ].map { ($0.code, $0) })

    static func benefit(_ code: String) -> Benefit {
        benefits[code]
            ?? Benefit(code: code, rhythm: .monthly, taxed: true, hasExtent: false, amountKronor: 1_000...1_000, lengthDays: 10...10)
    }

    static let claimedCodes = ["SJP", "FP", "AKS", "UTV", "ETE"]
    static let monthlyCodes = ["BOB", "BB", "ASS", "OMV", "MKE", "SA", "AE"]

    /// Per person, the chance of each kind of benefit during the history, by age.
    static func streamChances(age: Int) -> [(code: String, chance: Double)] {
        if age >= pensionAge {
            return [("BOB", 0.30), ("MKE", 0.03), ("ASS", 0.01), ("KARENS", 0.02), ("SJP", 0.03)]
        }
        var chances: [(String, Double)] = [
            ("SJP", 0.22), ("KARENS", 0.15), ("BOB", 0.08), ("MKE", 0.02), ("ASS", 0.005), ("AKS", 0.05), ("ETE", 0.012)
        ]
        if age <= 45 && age >= 22 { chances.append(("FP", 0.28)) }
        if age <= 55 && age >= 22 { chances.append(("TFP", 0.25)) }
        if age <= 24 { chances.append(("UTV", 0.08)) }
        if age <= 29 { chances.append(("AE", 0.03)) } else { chances.append(("SA", 0.06)) }
        if age >= 25 && age <= 60 { chances.append(("OMV", 0.03)) }
        if age >= 35 && age <= 60 { chances.append(("BB", 0.02)) }
        return chances
    }

    /// The extent of a new case: mostly full time.
    static func extent(_ random: inout SampleRandom) -> Int64 {
        [100, 100, 100, 100, 100, 100, 75, 50, 50, 25][random.int(0...9)]
    }

    /// A claimed benefit's daily amount, never one that equals a karens rate at its
    /// extent, so that karens payments stay recognisable by their daily amount.
    static func dailyAmount(_ benefit: Benefit, extent: Int64, _ random: inout SampleRandom) -> Int64 {
        var daily = random.kronor(benefit.amountKronor)
        while [karensEmployeeDailyOre, karensSelfEmployedDailyOre].contains(daily * extent / 100) { daily += 100 }
        return daily
    }

    /// A monthly allowance's amount for a case.
    static func monthlyAmount(_ benefit: Benefit, extent: Int64?, _ random: inout SampleRandom) -> Int64 {
        random.kronor(benefit.amountKronor) * (extent ?? 100) / 100 / 100 * 100
    }
}
