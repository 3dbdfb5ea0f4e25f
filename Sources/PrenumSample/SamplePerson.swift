import PrenumCore

/// One synthetic person: identity number and the traits that shape their benefits.
///
/// Everything but the identity is drawn from the person's own random stream, so a person's
/// history does not change when other persons are added or generated in another order.
struct SamplePerson {
    /// The first eleven digits of the personnummer as a number; sorts like the number.
    let key: Int64
    let pnr: String
    let birthDay: Int
    let isCoordinationNumber: Bool
    let taxPermille: Int
    let isSelfEmployed: Bool
    let isPaidByPensionsAuthority: Bool
    /// Garnishment by the enforcement authority: a window of payment dates and a monthly amount.
    let garnishment: (from: Int, to: Int, amountOre: Int64)?

    init(key: Int64, seed: UInt64, historyStart: Int, until: Int) {
        self.key = key
        pnr = Self.personnummer(key: key)
        let date = Int(key / 1000)
        var day = date % 100
        isCoordinationNumber = day > 60
        if isCoordinationNumber { day -= 60 }
        birthDay = CalendarDate(year: date / 10_000, month: date / 100 % 100, day: day)?.dayNumber ?? 0
        var random = SampleRandom(seed: seed, stream: UInt64(bitPattern: key))
        taxPermille = random.int(290...345)
        isSelfEmployed = random.chance(SampleModel.selfEmployedShare)
        isPaidByPensionsAuthority = random.chance(SampleModel.paidByPensionsAuthorityShare)
        if random.chance(SampleModel.garnishedShare) {
            let from = random.int((historyStart - 200)...until)
            garnishment = (from, from + random.int(60...500), random.kronor(800...6_000))
        } else {
            garnishment = nil
        }
    }

    func age(on day: Int) -> Int { (day - birthDay) / 365 }

    /// Random, unique identity keys for `count` persons, sorted, so that the register's
    /// indexes on pnr are filled in order (much faster) and ids follow pnr order.
    static func keys(count: Int, seed: UInt64, until: Int) -> [Int64] {
        var random = SampleRandom(seed: seed, stream: 0x5EED_0001)
        var seen = Set<Int64>(minimumCapacity: count)
        var keys: [Int64] = []
        keys.reserveCapacity(count)
        while keys.count < count {
            // Pensioners are a minority of the register (most of their benefits are the pensions authority's).
            let age =
                random.chance(SampleModel.pensionAgeShare)
                ? random.int(SampleModel.pensionAge...SampleModel.oldestAge)
                : random.int(SampleModel.youngestAge...(SampleModel.pensionAge - 1))
            let birth = CalendarDate(dayNumber: until - age * 365 - age / 4 - random.int(0...364))
            let coordination = random.chance(SampleModel.coordinationNumberShare)
            let day = birth.day + (coordination ? 60 : 0)
            // Serial 000 is never issued (SPEC section 3), and recipients' validators refuse it.
            let key = Int64(((birth.year * 100 + birth.month) * 100 + day) * 1000 + random.int(1...999))
            if seen.insert(key).inserted { keys.append(key) }
        }
        keys.sort()
        return keys
    }

    /// Twelve digits with the Luhn check digit over the last ten.
    static func personnummer(key: Int64) -> String {
        var digits = [UInt8](repeating: 0, count: 11)
        var rest = key
        for index in stride(from: 10, through: 0, by: -1) {
            digits[index] = UInt8(rest % 10)
            rest /= 10
        }
        digits.append(Luhn.checkDigit(for: digits[2...]))
        return String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
    }
}
