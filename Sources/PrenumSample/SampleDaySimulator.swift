import PrenumCore
import PrenumSQLite

/// One simulated day of upstream activity on an existing register: the cut-off run, the
/// monthly registrations, claims handled, cases opened, decided, extended and closed, and
/// payments corrected, moved, cancelled, deleted and given deductions.
///
/// Every kind of event happens at least once a day when a candidate exists, so that a few
/// days on a small register exercise every kind of change; otherwise event counts grow with
/// the register (rates per case and day in `Rate`).
struct SampleDaySimulator {
    let writer: SampleRegisterWriter
    let day: Int
    var random: SampleRandom
    /// The number of cases in the register, the scale for event counts.
    private let scale: Int64
    private var second = 7 * 3600
    private var pendingCases: [Int64]?
    private var preliminaryDeductions: [(Int64, String)]?

    private enum Rate {
        static let newSickness = 0.0012
        static let newParental = 0.0004
        static let newTemporaryParental = 0.001
        static let newMonthly = 0.0003
        static let newLabourMarket = 0.0002
        static let close = 0.001
        static let extend = 0.0005
        static let extentChange = 0.0003
        static let withdraw = 0.0002
        static let amountCorrection = 0.0005
        static let dateMove = 0.0003
        static let periodChange = 0.0003
        static let cancel = 0.0005
        static let hardDelete = 0.0003
        static let retroactive = 0.0005
        static let karens = 0.0008
        static let deductionInsert = 0.0005
        static let deductionUpdate = 0.0003
        static let deductionDelete = 0.0003
    }

    /// The last day the register saw activity on, before this one.
    private let previousDay: Int

    init(writer: SampleRegisterWriter, day: Int, previousDay: Int, seed: UInt64) throws {
        self.writer = writer
        self.day = day
        self.previousDay = previousDay
        random = SampleRandom(seed: seed, stream: UInt64(bitPattern: Int64(day)))
        scale = try writer.database.scalarInt("SELECT coalesce(max(id), 0) FROM benefit_case") ?? 0
    }

    private var database: Database { writer.database }
    private var calendar: SampleCalendar { writer.calendar }
    private var today: String { calendar.text(day) }

    /// How many events of a kind today: the expected count from the rate, at least one.
    private mutating func count(_ rate: Double) -> Int {
        max(1, Int(Double(scale) * rate + random.unit()))
    }

    /// Advances the clock a little: the next write happens a few seconds later.
    private mutating func tick() {
        second = min(second + random.int(1...40), 86_399)
        writer.setTime(day: day, second: second)
    }

    private var registeredAt: String { calendar.timestamp(day: day, second: second) }

    mutating func run() throws {
        try executeDuePayments()
        try registerMonthlyPayments()
        try handleClaims()
        try decidePendingCases()
        for _ in 0..<count(Rate.newSickness) { try openCase("SJP", decision: "pending") }
        for _ in 0..<count(Rate.newParental) { try openCase("FP", decision: "granted") }
        for _ in 0..<count(Rate.newMonthly) {
            try openCase(random.pick(["BOB", "BOB", "BOB", "SA", "OMV", "MKE", "AE"]), decision: "pending")
        }
        for _ in 0..<count(Rate.newLabourMarket) { try openCase(random.pick(["AKS", "UTV", "ETE"]), decision: "granted") }
        for _ in 0..<count(Rate.newTemporaryParental) { try temporaryParentalEpisode() }
        for _ in 0..<count(Rate.withdraw) { try withdrawCase() }
        for _ in 0..<count(Rate.close) { try closeCase() }
        for _ in 0..<count(Rate.extend) { try extendCase() }
        for _ in 0..<count(Rate.extentChange) { try changeExtent() }
        for _ in 0..<count(Rate.karens) { try karens() }
        for _ in 0..<count(Rate.retroactive) { try retroactivePayment() }
        for _ in 0..<count(Rate.amountCorrection) { try correctAmount() }
        for _ in 0..<count(Rate.dateMove) { try movePaymentDate() }
        for _ in 0..<count(Rate.periodChange) { try changePeriod() }
        for _ in 0..<count(Rate.deductionInsert) { try addDeduction() }
        for _ in 0..<count(Rate.deductionUpdate) { try changeDeduction() }
        for _ in 0..<count(Rate.deductionDelete) { try removeDeduction() }
        for _ in 0..<count(Rate.cancel) { try cancelPayment() }
        for _ in 0..<count(Rate.hardDelete) { try deletePayment() }
    }

    // MARK: Batch runs

    /// The nightly payment run: from the month's cut-off, everything due that month and
    /// registered before today is executed, in one statement, as a batch job would.
    private mutating func executeDuePayments() throws {
        writer.setTime(day: day, second: 2 * 3600)
        try writer.write(
            """
            UPDATE payment SET status = 'executed'
            WHERE status = 'preliminary' AND payment_date <= ? AND registered_at < ?
            """, [calendar.text(SampleCalendar.lastExecutableDate(today: day)), today], counting: \.paymentUpdates)
    }

    /// On the 15th (or the first simulated day after it), next month's payment for every
    /// ongoing monthly allowance that has none yet. Allowances granted later in the month get
    /// theirs when granted, so the scan runs once a month.
    private mutating func registerMonthlyPayments() throws {
        let month = SampleCalendar.addingMonths(day, 1)
        let registration = SampleCalendar.recurringRegistration(forMonth: month)
        guard day >= registration && previousDay < registration else { return }
        let monthText = calendar.text(month)
        var due: [(pnr: String, benefit: String, extent: Int64?, closed: String?)] = []
        try database.cached(
            """
            SELECT c.pnr, c.benefit, c.extent_pct, c.closed_on FROM benefit_case c
            WHERE c.decision = 'granted' AND c.benefit IN ('BOB', 'BB', 'ASS', 'OMV', 'MKE', 'SA', 'AE')
              AND (c.closed_on IS NULL OR c.closed_on >= ?1)
              AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.pnr = c.pnr AND p.benefit = c.benefit
                              AND p.period_from = ?1 AND p.status <> 'cancelled')
            ORDER BY c.id
            """
        ).forEachRow([monthText]) { row in
            due.append(
                (
                    try row.text("pnr"), try row.text("benefit"), try row.optionalInt64("extent_pct"),
                    try row.optionalText("closed_on")
                ))
        }
        writer.setTime(day: day, second: 3 * 3600)
        let monthEnd = SampleCalendar.monthEnd(month)
        for item in due {
            let benefit = SampleModel.benefit(item.benefit)
            let previous = try latestMonthlyPayment(pnr: item.pnr, benefit: item.benefit)
            let gross = previous?.gross ?? SampleModel.monthlyAmount(benefit, extent: item.extent, &random)
            let closed = SampleCalendar.day(item.closed)
            let end = min(monthEnd, closed ?? monthEnd)
            let prorated = end == monthEnd ? gross : gross * Int64(end - month + 1) / Int64(monthEnd - month + 1) / 100 * 100
            let tax = taxOf(prorated, benefit: benefit, pnr: item.pnr)
            let id = try writer.insert(
                SampleRegisterWriter.Payment(
                    pnr: item.pnr, benefit: item.benefit, company: previous?.company ?? company(item.benefit, pnr: item.pnr),
                    status: "preliminary", periodFrom: month, periodTo: end, paymentDate: SampleCalendar.payoutDay(ofMonth: month),
                    grossOre: prorated, taxOre: tax, registeredDay: day, registeredSecond: 3 * 3600))
            if let previous {
                // A garnishment goes on from month to month, within half the net amount.
                try writer.write(
                    """
                    INSERT INTO payment_deduction(payment_id, kind, amount_ore)
                    SELECT ?1, kind, min(amount_ore, ?2) FROM payment_deduction
                    WHERE payment_id = ?3 AND kind = 'GARNISHMENT' AND ?2 >= 100
                    """, [id, (prorated - tax) / 2 / 100 * 100, previous.id], counting: \.deductionInserts)
            }
        }
    }

    private func latestMonthlyPayment(pnr: String, benefit: String) throws -> (id: Int64, gross: Int64, company: String)? {
        let statement = try database.cached(
            """
            SELECT gross_ore, company, id FROM payment
            WHERE pnr = ? AND benefit = ? AND status <> 'cancelled' AND substr(period_from, 9) = '01'
              AND period_to = date(period_from, '+1 month', '-1 day')
            ORDER BY period_from DESC, id DESC LIMIT 1
            """)
        try statement.bind([pnr, benefit])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return (try statement.int64("id"), try statement.int64("gross_ore"), try statement.text("company"))
    }

    /// Claims handled today: each ongoing claimed-benefit case is handled about every two
    /// weeks, paying everything from its last paid day to yesterday.
    private mutating func handleClaims() throws {
        var due: [(pnr: String, benefit: String, opened: Int, closed: Int?, extent: Int64, daily: Int64)] = []
        try database.cached(
            """
            SELECT id, pnr, benefit, opened_on, closed_on, coalesce(extent_pct, 100) AS extent, coalesce(daily_amount_ore, 0) AS daily
            FROM benefit_case
            WHERE decision = 'granted' AND benefit IN ('SJP', 'FP', 'AKS', 'UTV', 'ETE')
              AND (closed_on IS NULL OR closed_on >= ?)
            ORDER BY id
            """
        ).forEachRow([calendar.text(day - 60)]) { row in
            let id = UInt64(bitPattern: try row.int64("id"))
            guard (id &* 0x9E37_79B9 &+ UInt64(day)) % 14 == 0, let opened = SampleCalendar.day(try row.text("opened_on")) else { return }
            let closed: Int? = SampleCalendar.day(try row.optionalText("closed_on"))
            due.append((try row.text("pnr"), try row.text("benefit"), opened, closed, try row.int64("extent"), try row.int64("daily")))
        }
        let lastPaid = try database.cached(
            """
            SELECT max(period_to) AS paid_to FROM payment WHERE pnr = ? AND benefit = ? AND status <> 'cancelled'
            """)
        for item in due {
            try lastPaid.bind([item.pnr, item.benefit])
            let paidTo = try lastPaid.step() ? SampleCalendar.day(try lastPaid.optionalText("paid_to")) : nil
            lastPaid.reset()
            let from = max(item.opened, (paidTo ?? Int.min) + 1)
            let to = min(item.closed ?? (day - 1), day - 1)
            guard from <= to, item.daily > 0 else { continue }
            tick()
            let gross = Int64(to - from + 1) * item.daily * item.extent / 100
            let benefit = SampleModel.benefit(item.benefit)
            try writer.insert(
                SampleRegisterWriter.Payment(
                    pnr: item.pnr, benefit: item.benefit, company: "FK", status: "preliminary", periodFrom: from, periodTo: to,
                    paymentDate: SampleCalendar.nextPayout(onOrAfter: day + 2), grossOre: gross,
                    taxOre: taxOf(gross, benefit: benefit, pnr: item.pnr), registeredDay: day, registeredSecond: second))
        }
    }

    // MARK: Cases

    /// Pending cases older than five days are decided; a granted monthly allowance gets its
    /// back pay from the opening to the end of this month at once.
    private mutating func decidePendingCases() throws {
        var pending: [(id: Int64, pnr: String, benefit: String, opened: Int, extent: Int64?)] = []
        try database.cached(
            """
            SELECT id, pnr, benefit, opened_on, extent_pct FROM benefit_case
            WHERE decision = 'pending' AND opened_on <= ? ORDER BY id
            """
        ).forEachRow([calendar.text(day - 5)]) { row in
            let opened = SampleCalendar.day(try row.text("opened_on")) ?? day
            pending.append((try row.int64("id"), try row.text("pnr"), try row.text("benefit"), opened, try row.optionalInt64("extent_pct")))
        }
        for item in pending {
            tick()
            let roll = random.unit()
            if roll < 0.1 {
                try writer.write(
                    "UPDATE benefit_case SET decision = ?, closed_on = ? WHERE id = ?",
                    [roll < 0.04 ? "withdrawn" : "denied", today, item.id], counting: \.caseUpdates)
                continue
            }
            try writer.write("UPDATE benefit_case SET decision = 'granted' WHERE id = ?", [item.id], counting: \.caseUpdates)
            let benefit = SampleModel.benefit(item.benefit)
            guard benefit.rhythm == .monthly else { continue }
            let end = SampleCalendar.monthEnd(day)
            let monthly = SampleModel.monthlyAmount(benefit, extent: item.extent, &random)
            let gross = monthly * Int64(end - item.opened + 1) / 30 / 100 * 100
            let company = company(item.benefit, pnr: item.pnr)
            try writer.insert(
                SampleRegisterWriter.Payment(
                    pnr: item.pnr, benefit: item.benefit, company: company, status: "preliminary",
                    periodFrom: item.opened, periodTo: end, paymentDate: SampleCalendar.nextPayout(onOrAfter: day + 2),
                    grossOre: gross, taxOre: taxOf(gross, benefit: benefit, pnr: item.pnr), registeredDay: day, registeredSecond: second))
            let next = end + 1
            if day >= SampleCalendar.recurringRegistration(forMonth: next) {
                // This month's registration run is over: next month's payment comes with the decision.
                try writer.insert(
                    SampleRegisterWriter.Payment(
                        pnr: item.pnr, benefit: item.benefit, company: company, status: "preliminary",
                        periodFrom: next, periodTo: SampleCalendar.monthEnd(next), paymentDate: SampleCalendar.payoutDay(ofMonth: next),
                        grossOre: monthly, taxOre: taxOf(monthly, benefit: benefit, pnr: item.pnr), registeredDay: day,
                        registeredSecond: second))
            }
        }
    }

    private mutating func openCase(_ code: String, decision: String) throws {
        guard let pnr = try randomPersonnummer() else { return }
        tick()
        let benefit = SampleModel.benefit(code)
        let extent: Int64? = benefit.hasExtent ? SampleModel.extent(&random) : nil
        let daily: Int64? = benefit.rhythm == .monthly ? nil : SampleModel.dailyAmount(benefit, extent: extent ?? 100, &random)
        try writer.insert(
            SampleRegisterWriter.Case(
                pnr: pnr, benefit: code, decision: decision, openedOn: day - random.int(0...7),
                closedOn: nil, extentPct: extent, dailyAmountOre: daily))
    }

    /// A child's sick day reported afterwards: a closed case and its payment at once.
    private mutating func temporaryParentalEpisode() throws {
        guard let pnr = try randomPersonnummer() else { return }
        tick()
        let days = random.int(1...3)
        let opened = day - days - random.int(0...10)
        let extent: Int64 = random.chance(0.85) ? 100 : 50
        let benefit = SampleModel.benefit("TFP")
        let daily = SampleModel.dailyAmount(benefit, extent: extent, &random)
        try writer.insert(
            SampleRegisterWriter.Case(
                pnr: pnr, benefit: "TFP", decision: "granted", openedOn: opened,
                closedOn: opened + days - 1, extentPct: extent, dailyAmountOre: daily))
        let gross = Int64(days) * daily * extent / 100
        try writer.insert(
            SampleRegisterWriter.Payment(
                pnr: pnr, benefit: "TFP", company: "FK", status: "preliminary", periodFrom: opened, periodTo: opened + days - 1,
                paymentDate: SampleCalendar.nextPayout(onOrAfter: day + 2), grossOre: gross,
                taxOre: taxOf(gross, benefit: benefit, pnr: pnr), registeredDay: day, registeredSecond: second))
    }

    /// Pending cases are few and mostly new; listed once a day rather than searched for.
    private mutating func withdrawCase() throws {
        if pendingCases == nil {
            var ids: [Int64] = []
            try database.cached("SELECT id FROM benefit_case WHERE decision = 'pending' ORDER BY id").forEachRow {
                ids.append(try $0.int64("id"))
            }
            pendingCases = ids
        }
        guard let count = pendingCases?.count, count > 0, let id = pendingCases?.remove(at: random.int(0...(count - 1))) else { return }
        tick()
        try writer.write("UPDATE benefit_case SET decision = 'withdrawn', closed_on = ? WHERE id = ?", [today, id], counting: \.caseUpdates)
    }

    private mutating func closeCase() throws {
        guard
            let id = try randomID(
                """
                SELECT id FROM benefit_case WHERE decision = 'granted' AND closed_on IS NULL AND id >= ?
                  AND benefit IN ('SJP', 'FP', 'AKS', 'UTV', 'ETE', 'BOB') ORDER BY id LIMIT 1
                """, upTo: scale)
        else { return }
        tick()
        try writer.write(
            "UPDATE benefit_case SET closed_on = max(opened_on, ?) WHERE id = ?",
            [calendar.text(day - random.int(0...3)), id], counting: \.caseUpdates)
    }

    /// A recently closed case extended: a later end, or open again when that is past today.
    private mutating func extendCase() throws {
        let found = try firstFromRandomPoint(
            """
            SELECT id, closed_on FROM benefit_case WHERE decision = 'granted' AND closed_on >= ? AND id >= ?
              AND benefit IN ('SJP', 'FP', 'AKS', 'UTV', 'ETE') ORDER BY id LIMIT 1
            """, to: scale, before: [calendar.text(day - 30)]
        ) { row in
            let id = try row.int64("id")
            return SampleCalendar.day(try row.text("closed_on")).map { (id, $0) }
        }
        guard let (id, closed) = found else { return }
        tick()
        let extended = closed + random.int(7...45)
        try writer.write(
            "UPDATE benefit_case SET closed_on = ? WHERE id = ?",
            [extended < day ? calendar.text(extended) : nil, id], counting: \.caseUpdates)
    }

    private mutating func changeExtent() throws {
        guard
            let id = try randomID(
                """
                SELECT id FROM benefit_case WHERE decision = 'granted' AND closed_on IS NULL AND benefit IN ('SJP', 'FP')
                  AND id >= ? ORDER BY id LIMIT 1
                """, upTo: scale)
        else { return }
        tick()
        try writer.write(
            """
            UPDATE benefit_case SET extent_pct = CASE WHEN extent_pct = 100 THEN ? ELSE 100 END WHERE id = ?
            """, [random.pick([25, 50, 75]), id], counting: \.caseUpdates)
    }

    // MARK: Payments

    private mutating func karens() throws {
        guard let pnr = try randomPersonnummer() else { return }
        tick()
        let selfEmployed = random.chance(SampleModel.selfEmployedShare)
        let days = selfEmployed ? random.int(1...SampleModel.karensSelfEmployedMaxDays) : 1
        let last = day - random.int(1...10)
        let gross = (selfEmployed ? SampleModel.karensSelfEmployedDailyOre : SampleModel.karensEmployeeDailyOre) * Int64(days)
        try writer.insert(
            SampleRegisterWriter.Payment(
                pnr: pnr, benefit: "SJP", company: "FK", status: "preliminary", periodFrom: last - days + 1, periodTo: last,
                paymentDate: SampleCalendar.nextPayout(onOrAfter: day + 2), grossOre: gross,
                taxOre: SampleModel.karensTax(grossOre: gross), registeredDay: day, registeredSecond: second))
    }

    /// Back pay for a past month of a granted allowance, often with the municipality's claim
    /// for social assistance paid meanwhile.
    private mutating func retroactivePayment() throws {
        let found = try firstFromRandomPoint(
            """
            SELECT pnr, benefit FROM benefit_case WHERE decision = 'granted' AND id >= ?
              AND benefit IN ('BOB', 'SA', 'AE', 'OMV', 'MKE') ORDER BY id LIMIT 1
            """, to: scale
        ) { (try $0.text("pnr"), try $0.text("benefit")) }
        guard let (pnr, code) = found else { return }
        tick()
        let month = SampleCalendar.addingMonths(day, -random.int(2...8))
        let benefit = SampleModel.benefit(code)
        let gross = random.kronor(200...4_000)
        let id = try writer.insert(
            SampleRegisterWriter.Payment(
                pnr: pnr, benefit: code, company: company(code, pnr: pnr), status: "preliminary", periodFrom: month,
                periodTo: SampleCalendar.monthEnd(month), paymentDate: SampleCalendar.nextPayout(onOrAfter: day + 2),
                grossOre: gross, taxOre: taxOf(gross, benefit: benefit, pnr: pnr), registeredDay: day, registeredSecond: second))
        if random.chance(0.4) {
            try writer.insertDeduction(paymentID: id, kind: "SOCIAL_ASSISTANCE", amountOre: gross / 2 / 100 * 100)
        }
    }

    /// Sickness payments keep their amounts, so that karens compensation (reported as SJP)
    /// stays recognisable by its fixed daily rate.
    private mutating func correctAmount() throws {
        guard let id = try randomPreliminaryPayment(notSickness: true) else { return }
        tick()
        let percent = random.pick([90, 95, 97, 103, 105, 110])
        try writer.write(
            """
            UPDATE payment SET gross_ore = gross_ore * ?1 / 100 / 100 * 100,
                               tax_ore = CASE WHEN tax_ore = 0 THEN 0 ELSE tax_ore * ?1 / 100 / 100 * 100 END
            WHERE id = ?2
            """, [percent, id], counting: \.paymentUpdates)
    }

    /// A payment postponed to the next payout day.
    private mutating func movePaymentDate() throws {
        guard let id = try randomPreliminaryPayment() else { return }
        tick()
        let next = SampleCalendar.payoutDay(ofMonth: SampleCalendar.addingMonths(day, 1))
        try writer.write(
            "UPDATE payment SET payment_date = max(payment_date, ?) WHERE id = ?",
            [calendar.text(next), id], counting: \.paymentUpdates)
    }

    /// A claim's period shortened by a few days (a late sick note, a corrected end date).
    private mutating func changePeriod() throws {
        guard let id = try randomPreliminaryPayment(notSickness: true) else { return }
        tick()
        try writer.write(
            """
            UPDATE payment SET period_to = max(period_from, date(period_to, ?))
            WHERE id = ? AND period_to IS NOT NULL
            """, ["-\(random.int(1...5)) days", id], counting: \.paymentUpdates)
    }

    private mutating func cancelPayment() throws {
        guard let id = try randomPreliminaryPayment() else { return }
        tick()
        try writer.write("UPDATE payment SET status = 'cancelled' WHERE id = ?", [id], counting: \.paymentUpdates)
        if random.chance(0.5) {
            // A corrected replacement registered at once.
            try writer.write(
                """
                INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
                SELECT pnr, benefit, company, 'preliminary', period_from, period_to, ?, gross_ore, tax_ore, ? FROM payment WHERE id = ?
                """, [calendar.text(SampleCalendar.nextPayout(onOrAfter: day + 2)), registeredAt, id], counting: \.paymentInserts)
        }
    }

    /// A payment registered by mistake, removed outright with its deductions. Never the
    /// newest payment, whose id SQLite would hand out again.
    private mutating func deletePayment() throws {
        guard let id = try randomPreliminaryPayment(notNewest: true) else { return }
        tick()
        try writer.write("DELETE FROM payment_deduction WHERE payment_id = ?", [id], counting: \.deductionDeletes)
        try writer.write("DELETE FROM payment WHERE id = ?", [id], counting: \.paymentDeletes)
    }

    private mutating func addDeduction() throws {
        guard let id = try randomPreliminaryPayment() else { return }
        tick()
        let kind = random.pick(["GARNISHMENT", "GARNISHMENT", "STATE_CLAIM_OFFSET", "FOREIGN_CLAIM", "SOCIAL_ASSISTANCE"])
        try writer.write(
            """
            INSERT OR IGNORE INTO payment_deduction(payment_id, kind, amount_ore)
            SELECT id, ?, (gross_ore - tax_ore) * ? / 100 / 100 * 100 FROM payment
            WHERE id = ? AND (gross_ore - tax_ore) >= 10000
              AND (SELECT coalesce(sum(amount_ore), 0) FROM payment_deduction WHERE payment_id = payment.id) = 0
            """, [kind, random.int(10...40), id], counting: \.deductionInserts)
    }

    private mutating func changeDeduction() throws {
        guard let (id, kind) = try randomDeduction() else { return }
        tick()
        try writer.write(
            """
            UPDATE payment_deduction SET amount_ore = max(100, amount_ore * ? / 100 / 100 * 100) WHERE payment_id = ? AND kind = ?
            """, [random.int(50...90), id, kind], counting: \.deductionUpdates)
    }

    private mutating func removeDeduction() throws {
        guard let (id, kind) = try randomDeduction() else { return }
        tick()
        try writer.write("DELETE FROM payment_deduction WHERE payment_id = ? AND kind = ?", [id, kind], counting: \.deductionDeletes)
    }

    // MARK: Picking rows

    /// The first row at or after a random point in `low...high` that the query yields,
    /// wrapping round once. The point is the query's last parameter, after `before`.
    private mutating func firstFromRandomPoint<T>(
        _ sql: String, from low: Int64 = 0, to high: Int64,
        before: [SQLiteBindable] = [], _ read: (Statement) throws -> T?
    ) throws -> T? {
        let statement = try database.cached(sql)
        for start in [low + Int64(random.int(0...Int(max(high - low, 0)))), low] {
            try statement.bind(before + [start])
            defer { statement.reset() }
            if try statement.step(), let found = try read(statement) { return found }
        }
        return nil
    }

    private mutating func randomID(_ sql: String, upTo maximum: Int64) throws -> Int64? {
        try firstFromRandomPoint(sql, to: maximum) { try $0.int64("id") }
    }

    private mutating func randomPreliminaryPayment(notSickness: Bool = false, notNewest: Bool = false) throws -> Int64? {
        let low = try database.scalarInt("SELECT min(id) FROM payment WHERE status = 'preliminary'") ?? 0
        let high = try database.scalarInt("SELECT max(id) FROM payment") ?? 0
        let found = try firstFromRandomPoint(
            """
            SELECT id FROM payment WHERE status = 'preliminary' AND id >= ?\(notSickness ? " AND benefit <> 'SJP'" : "")
            ORDER BY id LIMIT 1
            """, from: low, to: high
        ) { try $0.int64("id") }
        return notNewest && found == high ? nil : found
    }

    /// A deduction on a preliminary payment. They can be rare (after the cut-off), so they
    /// are listed once a day rather than searched for; each is picked at most once.
    private mutating func randomDeduction() throws -> (Int64, String)? {
        if preliminaryDeductions == nil {
            var found: [(Int64, String)] = []
            try database.cached(
                """
                SELECT d.payment_id, d.kind FROM payment_deduction d JOIN payment p ON p.id = d.payment_id
                WHERE p.status = 'preliminary' ORDER BY d.payment_id, d.kind
                """
            ).forEachRow { found.append((try $0.int64("payment_id"), try $0.text("kind"))) }
            preliminaryDeductions = found
        }
        guard let count = preliminaryDeductions?.count, count > 0 else { return nil }
        return preliminaryDeductions?.remove(at: random.int(0...(count - 1)))
    }

    /// Someone already in the register: the holder of a random case.
    private mutating func randomPersonnummer() throws -> String? {
        try firstFromRandomPoint("SELECT pnr FROM benefit_case WHERE id >= ? ORDER BY id LIMIT 1", to: scale) { try $0.text("pnr") }
    }

    // MARK: Rules without the person's history

    /// A stable tax rate per person, from the number itself, for payments registered here.
    private func taxOf(_ gross: Int64, benefit: SampleModel.Benefit, pnr: String) -> Int64 {
        guard benefit.taxed else { return 0 }
        let permille = 290 + Int(UInt64(bitPattern: Int64(pnr.utf8.reduce(0) { $0 &* 31 &+ Int($1) })) % 56)
        return SampleModel.tax(grossOre: gross, permille: permille)
    }

    private func company(_ code: String, pnr: String) -> String {
        switch code {
        case "BOB":
            let year = Int(pnr.prefix(4)) ?? 0
            return CalendarDate(dayNumber: day).year - year >= SampleModel.pensionAge ? "PM" : "FK"
        case "SA", "AE": return pnr.utf8.last.map { $0 % 3 == 0 } == true ? "PM" : "FK"
        default: return "FK"
        }
    }
}
