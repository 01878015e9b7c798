import CPrefetch
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

    /// Ends the spine: sizes the activity arrays. Called once, before any activity is added.
    public func spineComplete() {
        guard !activityReady else { return }
        activityReady = true
        if let age = keepsActivityFromAge {
            keep = spine.map { $0.dateOfBirth.age(on: asOf) >= age }
        } else {
            keep = Array(repeating: true, count: spine.count)
        }
        spells = .allocate(capacity: spine.count)
        spells!.initialize(repeating: [], count: spine.count)
        hospitalDeaths = .allocate(capacity: spine.count)
        hospitalDeaths!.initialize(repeating: nil, count: spine.count)
        substances = .allocate(capacity: spine.count)
        substances!.initialize(repeating: [], count: spine.count)
        residences = Array(repeating: [], count: spine.count)
        nominations = Array(repeating: [], count: spine.count)
    }

    public func add(_ row: EpisodeRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person].map(Int.init) else { return .unregistered }
        let stripe = p & 63
        stripes.lock(stripe)
        defer { stripes.unlock(stripe) }
        if let method = row.dischargeMethod, deathDischargeMethods.contains(method), let d = row.dischargeDate {
            if hospitalDeaths![p].map({ d < $0 }) ?? true { hospitalDeaths![p] = d }
        }
        guard keep[p] else { return .accepted }
        let list = spells! + p
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

    /// Adds prescription rows a batch at a time, in four passes over the batch so that its
    /// cache misses overlap rather than follow one another (rows not sorted by patient each
    /// touch a different patient): the index slots, then each kept row's patient, then the
    /// storage of its substance list, then the appends. Returns the rows for patients not on
    /// the spine.
    public func add(_ rows: UnsafeBufferPointer<PrescriptionRow>) -> Int {
        spineComplete()
        let substances = self.substances!
        let horizon = prescriptionHorizon, asOf = self.asOf
        var unregistered = 0
        for r in rows { index.prefetch(r.person) }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: rows.count) { positions in
            keep.withUnsafeBufferPointer { keep in
                for (i, r) in rows.enumerated() {
                    positions[i] = -1
                    guard let p = index[r.person].map(Int.init) else {
                        unregistered += 1
                        continue
                    }
                    guard r.issueDate > horizon && r.issueDate <= asOf else { continue }
                    positions[i] = p
                    casefind_prefetch(keep.baseAddress! + p)
                    casefind_prefetch(substances + p)
                }
                for i in 0..<rows.count where positions[i] >= 0 {
                    guard keep[positions[i]] else {
                        positions[i] = -1
                        continue
                    }
                    // An array is one reference to its storage: its counts, then its elements.
                    let storage = UnsafeRawPointer(substances + positions[i]).load(as: UnsafeRawPointer.self)
                    casefind_prefetch(storage)
                    casefind_prefetch(storage + 64)
                }
            }
            for (i, row) in rows.enumerated() where positions[i] >= 0 {
                let p = positions[i]
                let stripe = p & 63
                stripes.lock(stripe)
                let list = substances + p
                if let k = list.pointee.firstIndex(where: { $0.substance == row.substance }) {
                    if row.issueDate > list.pointee[k].lastIssued { list.pointee[k].lastIssued = row.issueDate }
                } else {
                    list.pointee.append((row.substance, row.issueDate))
                }
                stripes.unlock(stripe)
            }
        }
        return unregistered
    }

    public func add(_ row: ResidenceRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person].map(Int.init) else { return .unregistered }
        guard keep[p] else { return .accepted }
        residences[p].append(ResidenceFacts(careHomeCode: row.careHomeCode, from: row.fromDate, to: row.toDate, line: row.line))
        return .accepted
    }

    public func add(_ row: NominationRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person].map(Int.init) else { return .unregistered }
        nominations[p].append(NominationFacts(date: row.nominatedOn, by: row.nominatedBy, line: row.line))
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
