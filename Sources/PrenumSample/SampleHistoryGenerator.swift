import PrenumCore

/// Writes one person's benefit history, from about 13 months before the end date to the end
/// date, as it stands at the end of that day.
///
/// Each record is inserted once, in its state at the end date (a payment already executed is
/// inserted as executed), with the clock at the record's registration, so `create` is fast
/// and its journal holds one `I` row per record (and a `U` per deduction, a `D` per hard delete).
struct SampleHistoryGenerator {
    let writer: SampleRegisterWriter
    let seed: UInt64
    /// First day of the history (a month start).
    let historyStart: Int
    /// The end date: nothing is registered after it.
    let until: Int
    /// The last month whose recurring payments are registered by `until`.
    let lastRegisteredMonth: Int

    init(writer: SampleRegisterWriter, seed: UInt64, until: Int) {
        self.writer = writer
        self.seed = seed
        self.until = until
        historyStart = SampleCalendar.addingMonths(until, -SampleModel.historyMonths)
        let month = SampleCalendar.monthStart(until)
        lastRegisteredMonth =
            until >= SampleCalendar.recurringRegistration(forMonth: SampleCalendar.addingMonths(month, 1))
            ? SampleCalendar.addingMonths(month, 1) : month
    }

    /// Writes everything for one person; every person gets at least one record.
    func generate(_ person: SamplePerson) throws {
        var random = SampleRandom(seed: seed, stream: UInt64(bitPattern: person.key) ^ 0x4849_5354_4F52_5900)
        let chances = SampleModel.streamChances(age: person.age(on: until))
        var codes = chances.filter { random.chance($0.chance) }.map(\.code)
        if codes.isEmpty {
            codes = [chances[random.weighted(chances.map { Int($0.chance * 1000) })].code]
        }
        var records = 0
        for code in codes {
            switch code {
            case "KARENS": records += try karens(person, &random)
            default:
                let benefit = SampleModel.benefit(code)
                switch benefit.rhythm {
                case .monthly: records += try monthly(person, benefit, &random)
                case .claimed: records += try claimed(person, benefit, &random)
                case .episodes: records += try episodes(person, benefit, &random)
                }
            }
        }
        if records == 0 {
            _ = try monthly(person, SampleModel.benefit("BOB"), &random, openedBeforeHistory: true)
        }
    }

    // MARK: Benefit rhythms

    /// A monthly allowance: a case, a retroactive payment from the opening to the decision,
    /// then one payment per month, registered on the 15th of the month before.
    private func monthly(
        _ person: SamplePerson, _ benefit: SampleModel.Benefit, _ random: inout SampleRandom,
        openedBeforeHistory: Bool = false
    ) throws -> Int {
        let opened =
            openedBeforeHistory || random.chance(0.6)
            ? historyStart - random.int(30...3_650) : random.int(historyStart...until)
        let extent = benefit.hasExtent ? SampleModel.extent(&random) : nil
        let decided = opened + random.int(14...120)
        var benefitCase = SampleRegisterWriter.Case(
            pnr: person.pnr, benefit: benefit.code, decision: "pending", openedOn: opened,
            closedOn: nil, extentPct: extent, dailyAmountOre: nil)
        if decided > until {
            try insertCase(benefitCase, lastChange: opened, &random)
            return 1
        }
        if random.chance(0.03) {
            benefitCase.decision = "denied"
            benefitCase.closedOn = decided
            try insertCase(benefitCase, lastChange: decided, &random)
            return 1
        }
        benefitCase.decision = "granted"
        let endingShare = Double(benefit.lengthDays.lowerBound) / 100
        let earliestEnd = max(decided + 30, historyStart)
        if earliestEnd < until && random.chance(endingShare) {
            benefitCase.closedOn = random.int(earliestEnd...until)
        }
        try insertCase(benefitCase, lastChange: benefitCase.closedOn ?? decided, &random)
        let closed = benefitCase.closedOn

        let company = companyFor(benefit.code, person)
        var amount = SampleModel.monthlyAmount(benefit, extent: extent, &random)
        let changeMonth =
            random.chance(SampleModel.amountChangeShare)
            ? SampleCalendar.addingMonths(historyStart, random.int(1...SampleModel.historyMonths)) : Int.max
        let changedAmount = SampleModel.monthlyAmount(benefit, extent: extent, &random)
        let firstRegular = SampleCalendar.addingMonths(decided, 1)

        if decided >= historyStart && opened < firstRegular {
            // Back pay from the opening to the end of the decision's month.
            let days = firstRegular - opened
            let gross = amount * Int64(days) / 30 / 100 * 100
            try pay(
                person, benefit, company: company, from: opened, to: firstRegular - 1, registered: decided,
                gross: gross, retroactive: true, &random)
        }
        if benefit.code == "BOB" && opened < historyStart - 365 && random.chance(0.1) {
            // Final housing allowance for last year, settled after the tax assessment.
            let lastYearEnd = CalendarDate(year: CalendarDate(dayNumber: until).year - 1, month: 12, day: 31)?.dayNumber ?? until
            let lastYearStart = SampleCalendar.addingMonths(lastYearEnd, -11)
            let registered = random.int(historyStart...until)
            if registered > lastYearEnd {
                try pay(
                    person, benefit, company: company, from: lastYearStart, to: lastYearEnd, registered: registered,
                    gross: random.kronor(300...6_000), retroactive: true, &random)
            }
        }
        var month = max(firstRegular, historyStart)
        let lastMonth = min(lastRegisteredMonth, closed.map(SampleCalendar.monthStart) ?? Int.max)
        while month <= lastMonth {
            if month >= changeMonth { amount = changedAmount }
            let registered = max(SampleCalendar.recurringRegistration(forMonth: month), decided)
            let end = min(SampleCalendar.monthEnd(month), closed ?? Int.max)
            let gross =
                end == SampleCalendar.monthEnd(month)
                ? amount : amount * Int64(end - month + 1) / Int64(SampleCalendar.monthEnd(month) - month + 1) / 100 * 100
            if registered <= until && gross > 0 {
                try pay(
                    person, benefit, company: company, from: month, to: end, registered: registered,
                    paymentDate: SampleCalendar.payoutDay(ofMonth: month), gross: gross, retroactive: false, &random)
            }
            month = SampleCalendar.addingMonths(month, 1)
        }
        return 1
    }

    /// A benefit claimed in arrears: one or two spells, each a case and a payment per claim.
    private func claimed(_ person: SamplePerson, _ benefit: SampleModel.Benefit, _ random: inout SampleRandom) throws -> Int {
        let spells = benefit.code == "SJP" && random.chance(0.3) ? 2 : 1
        var earliest = historyStart - 60
        var records = 0
        for _ in 0..<spells where earliest < until - 3 {
            let length =
                benefit.code == "SJP"
                ? min(random.int(benefit.lengthDays), random.int(benefit.lengthDays)) : random.int(benefit.lengthDays)
            let opened = random.int(earliest...(until - 3))
            earliest = opened + length + 30
            try spell(person, benefit, opened: opened, length: length, &random)
            records += 1
        }
        return records
    }

    private func spell(
        _ person: SamplePerson, _ benefit: SampleModel.Benefit, opened: Int, length: Int,
        _ random: inout SampleRandom
    ) throws {
        let extent = SampleModel.extent(&random)
        let daily = SampleModel.dailyAmount(benefit, extent: extent, &random)
        var benefitCase = SampleRegisterWriter.Case(
            pnr: person.pnr, benefit: benefit.code, decision: "granted", openedOn: opened,
            closedOn: nil, extentPct: extent, dailyAmountOre: daily)
        if until - opened < 10 && random.chance(0.6) {
            benefitCase.decision = "pending"
            try insertCase(benefitCase, lastChange: opened, &random)
            return
        }
        let roll = random.unit()
        if roll < 0.06 {
            benefitCase.decision = roll < 0.02 ? "withdrawn" : "denied"
            benefitCase.closedOn = min(opened + random.int(3...20), until)
            try insertCase(benefitCase, lastChange: benefitCase.closedOn ?? opened, &random)
            return
        }
        let end = opened + length - 1
        benefitCase.closedOn = end < until ? end : nil
        try insertCase(benefitCase, lastChange: benefitCase.closedOn ?? opened, &random)

        let company = companyFor(benefit.code, person)
        let last = min(benefitCase.closedOn ?? (until - 1), until - 1)
        var from = opened
        while from <= last {
            let to = min(benefit.code == "SJP" ? from + random.int(13...30) : SampleCalendar.monthEnd(from), last)
            let registered = to + random.int(1...12)
            if registered > until { break }
            let gross = Int64(to - from + 1) * daily * extent / 100
            try pay(
                person, benefit, company: company, from: from, to: to, registered: registered, gross: gross,
                retroactive: false, &random)
            from = to + 1
        }
        if random.chance(0.05) {
            // A reassessment months later pays a supplement for the first weeks.
            let registered = opened + random.int(60...200)
            if registered <= until && opened + 13 <= last {
                try pay(
                    person, benefit, company: company, from: opened, to: opened + 13, registered: registered,
                    gross: Int64(14) * daily * extent / 100 / 10 / 100 * 100, retroactive: true, &random)
            }
        }
    }

    /// Temporary parental benefit: short closed cases, each claimed afterwards.
    private func episodes(_ person: SamplePerson, _ benefit: SampleModel.Benefit, _ random: inout SampleRandom) throws -> Int {
        var records = 0
        for _ in 0..<random.int(1...4) {
            let days = [1, 1, 1, 2, 2, 3, 4, 5][random.int(0...7)]
            let opened = random.int(historyStart...(until - 2))
            let closed = opened + days - 1
            guard closed < until else { continue }
            let extent: Int64 = random.chance(0.85) ? 100 : [25, 50, 75][random.int(0...2)]
            let daily = SampleModel.dailyAmount(benefit, extent: extent, &random)
            try insertCase(
                SampleRegisterWriter.Case(
                    pnr: person.pnr, benefit: benefit.code, decision: "granted", openedOn: opened,
                    closedOn: closed, extentPct: extent, dailyAmountOre: daily),
                lastChange: closed, &random)
            records += 1
            let registered = closed + random.int(2...40)
            if registered <= until {
                try pay(
                    person, benefit, company: "FK", from: opened, to: closed, registered: registered,
                    gross: Int64(days) * daily * extent / 100, retroactive: false, &random)
            }
        }
        return records
    }

    /// Karens compensation, reported as SJP: one day at the employee rate, or up to 14 days
    /// at the self-employed rate; always taxed at exactly 30 %, rounded down.
    private func karens(_ person: SamplePerson, _ random: inout SampleRandom) throws -> Int {
        var records = 0
        for _ in 0..<(random.chance(0.3) ? 2 : 1) {
            let days = person.isSelfEmployed ? random.int(1...SampleModel.karensSelfEmployedMaxDays) : 1
            let first = random.int(historyStart...(until - 1 - days))
            let last = first + days - 1
            let registered = last + random.int(3...25)
            guard registered <= until else { continue }
            let daily = person.isSelfEmployed ? SampleModel.karensSelfEmployedDailyOre : SampleModel.karensEmployeeDailyOre
            let gross = daily * Int64(days)
            try pay(
                person, SampleModel.benefit("SJP"), company: "FK", from: first, to: last, registered: registered,
                gross: gross, tax: SampleModel.karensTax(grossOre: gross), retroactive: false, &random)
            records += 1
        }
        return records
    }

    // MARK: Records

    private func companyFor(_ code: String, _ person: SamplePerson) -> String {
        switch code {
        case "BOB": return person.age(on: until) >= SampleModel.pensionAge ? "PM" : "FK"
        case "SA", "AE": return person.isPaidByPensionsAuthority ? "PM" : "FK"
        default: return "FK"
        }
    }

    private func insertCase(_ benefitCase: SampleRegisterWriter.Case, lastChange: Int, _ random: inout SampleRandom) throws {
        writer.setTime(day: min(lastChange, until), second: random.int(SampleModel.workingSeconds))
        try writer.insert(benefitCase)
    }

    /// Inserts a payment in its state at `until`: its status, an occasional cancellation with
    /// a corrected replacement, an occasional hard-deleted duplicate, and its deductions.
    private func pay(
        _ person: SamplePerson, _ benefit: SampleModel.Benefit, company: String, from: Int, to: Int,
        registered: Int, paymentDate: Int? = nil, gross: Int64, tax: Int64? = nil, retroactive: Bool,
        _ random: inout SampleRandom
    ) throws {
        let date = paymentDate ?? SampleCalendar.nextPayout(onOrAfter: registered + 2)
        let second = random.int(SampleModel.workingSeconds)
        var payment = SampleRegisterWriter.Payment(
            pnr: person.pnr, benefit: benefit.code, company: company, status: "preliminary", periodFrom: from, periodTo: to,
            paymentDate: date, grossOre: gross,
            taxOre: tax ?? (benefit.taxed ? SampleModel.tax(grossOre: gross, permille: person.taxPermille) : 0),
            registeredDay: registered, registeredSecond: second)
        payment.status = SampleCalendar.isExecuted(paymentDate: date, registeredDay: registered, today: until) ? "executed" : "preliminary"
        writer.setTime(day: registered, second: second)
        // A duplicate registered by mistake and deleted again. It is deleted only after the
        // next insert, so that SQLite never hands its id out again.
        let duplicate = random.chance(SampleModel.hardDeletedShare) ? try writer.insert(payment) : nil
        var registerCorrection = true
        if random.chance(SampleModel.cancelledShare) {
            var cancelled = payment
            cancelled.status = "cancelled"
            try writer.insert(cancelled)
            let corrected = registered + random.int(1...5)
            registerCorrection = corrected <= until
            payment.registeredDay = corrected
            if tax == nil && benefit.code != "SJP" {
                // A corrected amount; sickness payments (karens among them) only move in time.
                payment.grossOre = max(100, gross + random.kronor(-500...500))
                if benefit.taxed { payment.taxOre = SampleModel.tax(grossOre: payment.grossOre, permille: person.taxPermille) }
            }
            payment.paymentDate = max(date, SampleCalendar.nextPayout(onOrAfter: corrected + 2))
            payment.status =
                SampleCalendar.isExecuted(paymentDate: payment.paymentDate, registeredDay: corrected, today: until)
                ? "executed" : "preliminary"
            writer.setTime(day: min(corrected, until), second: second)
        }
        if registerCorrection {
            let id = try writer.insert(payment)
            try deduct(id, person: person, payment: payment, retroactive: retroactive, &random)
        }
        if let duplicate {
            writer.setTime(day: registered, second: second)
            try writer.write("DELETE FROM payment WHERE id = ?", [duplicate], counting: \.paymentDeletes)
        }
    }

    private func deduct(
        _ id: Int64, person: SamplePerson, payment: SampleRegisterWriter.Payment, retroactive: Bool,
        _ random: inout SampleRandom
    ) throws {
        var left = (payment.grossOre - payment.taxOre) / 100 * 100
        func take(_ kind: String, _ amount: Int64) throws {
            let amount = min(amount / 100 * 100, left)
            guard amount >= 100 else { return }
            try writer.insertDeduction(paymentID: id, kind: kind, amountOre: amount)
            left -= amount
        }
        if let garnishment = person.garnishment, (garnishment.from...garnishment.to).contains(payment.paymentDate),
            left >= 300_000
        {
            try take("GARNISHMENT", min(garnishment.amountOre, left / 2))
        }
        if retroactive && random.chance(SampleModel.socialAssistanceShareOfRetroactive) {
            try take("SOCIAL_ASSISTANCE", left * Int64(random.int(20...80)) / 100)
        }
        if random.chance(SampleModel.stateClaimOffsetShare) {
            try take("STATE_CLAIM_OFFSET", left * Int64(random.int(10...30)) / 100)
        }
        if random.chance(SampleModel.foreignClaimShare) {
            try take("FOREIGN_CLAIM", left * Int64(random.int(5...20)) / 100)
        }
    }
}
