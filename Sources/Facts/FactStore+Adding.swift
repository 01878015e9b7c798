import CaseCore
import Ingest

/// Adding rows: the spine first, then each kind of activity (see ``FactStore`` for threads).
extension FactStore {
    public func add(_ row: PatientRow) -> RowOutcome {
        precondition(!activityReady, "the spine is read before any activity")
        if let existing = index[row.person] {
            return .reject(
                reason: "NHS number already on the spine at line \(spine[Int(existing)].line)", field: "nhs_number", value: "")
        }
        index.insert(row.person, Int32(spine.count))
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

    public func add(_ row: PrescriptionRow) -> RowOutcome {
        spineComplete()
        guard let p = index[row.person].map(Int.init) else { return .unregistered }
        guard keep[p], row.issueDate > prescriptionHorizon && row.issueDate <= asOf else { return .accepted }
        let stripe = p & 63
        stripes.lock(stripe)
        defer { stripes.unlock(stripe) }
        let list = substances! + p
        if let i = list.pointee.firstIndex(where: { $0.substance == row.substance }) {
            if row.issueDate > list.pointee[i].lastIssued { list.pointee[i].lastIssued = row.issueDate }
        } else {
            list.pointee.append((row.substance, row.issueDate))
        }
        return .accepted
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
