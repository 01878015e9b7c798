import CLinux
import CaseCore
import Ingest

/// Adding rows: the spine first, then each kind of activity (see ``FactStore`` for threads).
extension FactStore {
    public func add(_ row: PatientRow) -> RowOutcome {
        precondition(!activityReady, "the spine is read before any activity")
        if let existing = index.insertIfAbsent(row.person, Int32(spine.count)) {
            return .reject(
                reason: "NHS number already on the spine at line \(spine[Int(existing)].line)", field: "nhs_number", value: "")
        }
        spine.append(
            SpineEntry(
                person: row.person, line: Int32(clamping: row.line), dateOfBirth: row.dateOfBirth,
                dateOfDeath: row.dateOfDeath?.ordinal ?? Int32.min, practice: texts.number(row.practice),
                sex: row.sex.map { texts.number($0) } ?? -1))
        return .accepted
    }

    /// Ends the spine: numbers the patients whose activity is kept and sizes the activity
    /// arrays for them. Called once, before any activity is added.
    public func spineComplete() {
        guard !activityReady else { return }
        activityReady = true
        let kept = HugePages.allocate(Int32.self, count: spine.count)
        var next: Int32 = 0
        let bornBy = keepsActivityFromAge.map { Day.latestBirth(forAge: $0, on: asOf) }
        for (p, e) in spine.enumerated() {
            if bornBy.map({ e.dateOfBirth <= $0 }) ?? true {
                kept[p] = next
                next += 1
            } else {
                kept[p] = -1
            }
        }
        self.kept = kept
        keptCount = Int(next)
        marks = HugePages.allocate(UInt8.self, count: spine.count)
        marks!.initialize(repeating: 0, count: spine.count)
        spells = HugePages.allocate([SpellFacts].self, count: keptCount)
        spells!.initialize(repeating: [], count: keptCount)
        substances = HugePages.allocate([SubstanceIssue].self, count: keptCount)
        substances!.initialize(repeating: [], count: keptCount)
        residences = HugePages.allocate([ResidenceFacts].self, count: keptCount)
        residences!.initialize(repeating: [], count: keptCount)
    }

    public func add(_ row: EpisodeRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person].map(Int.init) else { return .unregistered }
        let stripe = p & (Stripes.standard - 1)
        stripes.lock(stripe)
        defer { stripes.unlock(stripe) }
        if let method = row.dischargeMethod, deathMethods.contains(method), let d = row.dischargeDate {
            let deaths = hospitalDeaths + stripe
            if deaths.pointee[Int32(p)].map({ d < $0 }) ?? true { deaths.pointee[Int32(p)] = d }
            marks![p] |= Self.diedInHospital
        }
        let k = Int(kept![p])
        guard k >= 0 else { return .accepted }
        let list = spells! + k
        if let s = list.pointee.firstIndex(where: { $0.id == row.spellID }) {
            list.pointee[s].merge(row)
        } else {
            var spell = SpellFacts(
                id: row.spellID, admissionDate: row.admissionDate, dischargeDate: row.dischargeDate, episodes: 0, line: row.line)
            spell.merge(row)
            list.pointee.append(spell)
        }
        return .accepted
    }

    /// Adds prescription rows a batch at a time, in passes over the batch so that its cache
    /// misses overlap rather than follow one another (rows not sorted by patient each touch a
    /// different patient): the index slots, then each row's place in `kept`, then the kept
    /// patient's substance list, then that list's storage, then the appends. Returns the rows
    /// for patients not on the spine.
    public func add(_ rows: UnsafeBufferPointer<PrescriptionRow>) -> Int {
        spineComplete()
        let substances = self.substances!, kept = self.kept!
        let horizon = prescriptionHorizon, asOf = self.asOf
        var unregistered = 0
        for r in rows { index.prefetch(r.person) }
        // Per row: its spine position, then its kept number; -1 once the row needs nothing more.
        withUnsafeTemporaryAllocation(of: (position: Int, kept: Int).self, capacity: rows.count) { places in
            for (i, r) in rows.enumerated() {
                places[i] = (-1, -1)
                guard let p = index[r.person].map(Int.init) else {
                    unregistered += 1
                    continue
                }
                // A row without a substance (a dm+d id the map does not know) counts towards no drug.
                guard r.issueDate > horizon && r.issueDate <= asOf && r.substance != .none else { continue }
                places[i].position = p
                casefind_prefetch(kept + p)
            }
            for i in 0..<rows.count where places[i].position >= 0 {
                let k = Int(kept[places[i].position])
                guard k >= 0 else { continue }
                places[i].kept = k
                casefind_prefetch(substances + k)
            }
            for i in 0..<rows.count where places[i].kept >= 0 {
                // An array is one reference to its storage: its counts, then its elements.
                let storage = UnsafeRawPointer(substances + places[i].kept).load(as: UnsafeRawPointer.self)
                casefind_prefetch(storage)
                casefind_prefetch(storage + 64)
            }
            for (i, row) in rows.enumerated() where places[i].kept >= 0 {
                let stripe = places[i].position & (Stripes.standard - 1)
                stripes.lock(stripe)
                let list = substances + places[i].kept
                if let k = list.pointee.firstIndex(where: { $0.substance == row.substance }) {
                    if row.issueDate > list.pointee[k].lastIssued { list.pointee[k].lastIssued = row.issueDate }
                } else {
                    list.pointee.append(SubstanceIssue(row.substance, lastIssued: row.issueDate))
                }
                stripes.unlock(stripe)
            }
        }
        return unregistered
    }

    public func add(_ row: ResidenceRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person].map(Int.init) else { return .unregistered }
        let k = Int(kept![p])
        guard k >= 0 else { return .accepted }
        residences![k].append(ResidenceFacts(careHomeCode: row.careHomeCode, from: row.fromDate, to: row.toDate, line: row.line))
        return .accepted
    }

    public func add(_ row: NominationRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person] else { return .unregistered }
        nominations[p, default: []].append(NominationFacts(date: row.nominatedOn, by: row.nominatedBy, line: row.line))
        marks![Int(p)] |= Self.nominated
        return .accepted
    }

    public func add(_ row: PracticeRow) -> RowOutcome {
        if practices[row.code] != nil {
            return .reject(reason: "practice listed twice", field: "practice_code", value: row.code)
        }
        practices[row.code] = row
        return .accepted
    }

    public func add(_ row: LocalityRow) -> RowOutcome {
        if localities.contains(where: { $0.locality == row.locality }) {
            return .reject(reason: "locality listed twice", field: "locality", value: row.locality)
        }
        localities.append(row)
        return .accepted
    }

    public func add(_ row: CaseManagerRow) -> RowOutcome {
        if caseManagers.contains(where: { $0.id == row.id }) {
            return .reject(reason: "case manager listed twice", field: "case_manager_id", value: row.id)
        }
        caseManagers.append(row)
        return .accepted
    }
}
