import CaseCore
import Ingest

#if canImport(Glibc)
    import Glibc
#endif

/// One hospital spell of a patient: the episodes that share a spell_id, merged.
///
/// The store keeps what was observed and decides nothing: which spells are admissions, which
/// are transfers and which codes matter is for the criteria to say.
public struct SpellFacts: Sendable {
    public var id: String
    /// The earliest admission_date of its episodes.
    public var admissionDate: Day
    /// The latest discharge_date of its episodes; nil while the spell is open.
    public var dischargeDate: Day?
    /// Episode rows merged into it (an exact duplicate row counts here but changes nothing else).
    public var episodes: Int
    /// First physical line of the spell in admissions.csv.
    public var line: Int
    /// Distinct codes seen on its episodes; `classifications` holds a zero code for a blank one.
    public var admissionMethods = CodeSet()
    public var classifications = CodeSet()
    public var admissionSources = CodeSet()
    public var dischargeDestinations = CodeSet()
    /// Distinct normalised diagnosis codes from every position of every episode.
    public var diagnoses: [ICD10Code] = []
}

/// A nomination as read.
public struct NominationFacts: Sendable {
    public var date: Day
    public var by: String?
    public var line: Int
}

/// A care-home register entry as read.
public struct ResidenceFacts: Sendable {
    public var careHomeCode: String
    public var from: Day
    public var to: Day?
    public var line: Int
}

/// Everything known about one registered patient.
public struct PatientFacts: Sendable {
    public var person: UInt64
    /// Line on the spine (patients.csv).
    public var line: Int
    public var dateOfBirth: Day
    public var dateOfDeath: Day?
    public var sex: String?
    /// Upper-cased ODS practice code.
    public var practice: String
    /// The earliest discharge date of an episode whose discharge method means death.
    public var hospitalDeath: Day?
    public var spells: [SpellFacts] = []
    /// Each distinct substance with its latest issue date inside the prescription horizon.
    public var substances: [(substance: Substance, lastIssued: Day)] = []
    public var residences: [ResidenceFacts] = []
    public var nominations: [NominationFacts] = []
}

/// One spine row, compact: 32 bytes. Text (sex, practice) is interned.
struct SpineEntry {
    var person: UInt64
    var line: Int32
    var dateOfBirth: Day
    /// Day ordinal, or Int32.min when none.
    var dateOfDeath: Int32
    var practice: Int32
    var sex: Int32
}

/// Distinct strings, each stored once, numbered in order of first appearance.
/// Texts of the spine (practice codes, sexes) numbered in order of first appearance.
///
/// One lookup per spine row and field, so it avoids `Dictionary`'s seeded SipHash: an
/// open-addressing table on FNV-1a of the UTF-8 bytes (a few dozen distinct values, short).
struct Interned {
    private(set) var strings: [String] = []
    private var slots = [Int32](repeating: -1, count: 64)
    private var hashes: [UInt64] = []

    private static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }

    /// The first slot to probe for a hash.
    private static func home(_ h: UInt64, mask: Int) -> Int { Int(truncatingIfNeeded: h ^ (h >> 29)) & mask }

    mutating func number(_ s: String) -> Int32 {
        let h = Interned.hash(s)
        var mask = slots.count - 1
        var i = Interned.home(h, mask: mask)
        while true {
            let n = slots[i]
            if n < 0 { break }
            if hashes[Int(n)] == h && strings[Int(n)] == s { return n }
            i = (i + 1) & mask
        }
        let n = Int32(strings.count)
        strings.append(s)
        hashes.append(h)
        if strings.count * 2 > slots.count {
            // Grow to keep the table at most half full, and place every text again.
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for (k, hk) in hashes.enumerated() {
                var j = Interned.home(hk, mask: mask)
                while slots[j] >= 0 { j = (j + 1) & mask }
                slots[j] = Int32(k)
            }
        } else {
            slots[i] = n
        }
        return n
    }
}

/// The per-patient fact store: memory grows with patients and their recent spells and
/// substances, never with prescription rows.
///
/// Only patients on the spine are kept; activity for anyone else is answered `.unregistered`.
/// Rows dated after the as-of date are accepted and kept out of the facts (they are outside
/// every window), except that a spell's episodes are merged whatever their dates.
///
/// Threads: the spine, practices, localities and case managers are added first, on one
/// thread. After that, each kind of activity (admissions, prescriptions, residence,
/// nominations) writes only its own per-patient arrays and reads the frozen spine index, so
/// the four kinds may be added concurrently, one thread per kind.
public final class FactStore: @unchecked Sendable {
    public let asOf: Day
    /// Prescriptions issued on or before this day are not kept (they are older than any window).
    public let prescriptionHorizon: Day
    /// HES discharge methods that mean the patient died (`4`).
    public let deathDischargeMethods: Set<ShortCode>

    /// The spine, in file order.
    private var spine: [SpineEntry] = []
    private var texts = Interned()
    private var index = PersonIndex()
    // One array per kind of activity, by spine position: each written by one thread only.
    /// Per spine position, like `substances`: admissions may be added from two threads.
    private var spells: UnsafeMutablePointer<[SpellFacts]>?
    private var hospitalDeaths: UnsafeMutablePointer<Day?>?
    /// Per spine position; prescriptions may be added from two threads (two halves of one
    /// file), so this is plain memory guarded by striped locks rather than a Swift array.
    /// The stripes guard `spells` and `hospitalDeaths` too (admissions read in halves).
    private var substances: UnsafeMutablePointer<[(substance: Substance, lastIssued: Day)]>?
    private let stripes = Stripes(count: 64)
    private var residences: [[ResidenceFacts]] = []
    private var nominations: [[NominationFacts]] = []
    private var activityReady = false
    /// When set, spells, substances and register entries are not kept for patients younger
    /// than this at the as-of date: they can never be case-found, and they are most of the
    /// population. Deaths and nominations are kept for everyone (attrition, exceptions).
    public var keepsActivityFromAge: Int?
    private var keep: [Bool] = []
    public private(set) var practices: [String: PracticeRow] = [:]
    public private(set) var localities: [LocalityRow] = []
    public private(set) var caseManagers: [CaseManagerRow] = []

    /// Makes room for about `patients` spine rows at once (an estimate from the file size
    /// saves rehashing the index as it grows).
    public func reserve(patients: Int) {
        spine.reserveCapacity(patients)
        index.reserve(patients)
    }

    deinit {
        if let substances {
            substances.deinitialize(count: spine.count)
            substances.deallocate()
        }
        if let spells {
            spells.deinitialize(count: spine.count)
            spells.deallocate()
        }
        if let hospitalDeaths {
            hospitalDeaths.deinitialize(count: spine.count)
            hospitalDeaths.deallocate()
        }
    }

    public init(asOf: Day, prescriptionHorizon: Day, deathDischargeMethods: Set<ShortCode>) {
        self.asOf = asOf
        self.prescriptionHorizon = prescriptionHorizon
        self.deathDischargeMethods = deathDischargeMethods
    }

    /// Registered patients.
    public var count: Int { spine.count }

    /// The position of a person on the spine, if registered.
    public func position(of person: UInt64) -> Int? { index[person].map(Int.init) }

    /// Everything known about the patient at a spine position.
    public func patient(at i: Int) -> PatientFacts {
        let e = spine[i]
        var p = PatientFacts(
            person: e.person, line: Int(e.line), dateOfBirth: e.dateOfBirth,
            dateOfDeath: e.dateOfDeath == Int32.min ? nil : Day(ordinal: e.dateOfDeath),
            sex: e.sex < 0 ? nil : texts.strings[Int(e.sex)], practice: texts.strings[Int(e.practice)])
        if activityReady {
            p.spells = spells![i]
            p.hospitalDeath = hospitalDeaths![i]
            p.substances = substances![i]
            p.residences = residences[i]
            p.nominations = nominations[i]
        }
        return p
    }

    /// A cheap first look for the search, with no per-patient arrays built: whether the patient
    /// at `i` is alive at `asOf` (no death on the spine or in hospital on or before it), and
    /// whether it is under `minAge` with no nomination, so that nothing else about it matters.
    public func screen(at i: Int, asOf: Day, minAge: Int) -> (alive: Bool, nothingMore: Bool) {
        let e = spine[i]
        var alive = !(e.dateOfDeath != Int32.min && Day(ordinal: e.dateOfDeath) <= asOf)
        if alive, activityReady, let d = hospitalDeaths![i], d <= asOf { alive = false }
        let noNominations = !activityReady || nominations[i].isEmpty
        return (alive, noNominations && e.dateOfBirth.age(on: asOf) < minAge)
    }

    /// The practice of the patient at `i` as a number into `practiceCodes`.
    public func practiceNumber(at i: Int) -> Int { Int(spine[i].practice) }

    /// Every distinct text of the spine (its practice codes among them), numbered as
    /// `practiceNumber(at:)` numbers practices.
    public var spineTexts: [String] { texts.strings }

    public func patient(_ person: UInt64) -> PatientFacts? { position(of: person).map { patient(at: $0) } }

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

extension SpellFacts {
    mutating func merge(_ row: EpisodeRow) {
        episodes += 1
        if row.admissionDate < admissionDate { admissionDate = row.admissionDate }
        if let d = row.dischargeDate, dischargeDate.map({ d > $0 }) ?? true { dischargeDate = d }
        if row.line < line { line = row.line }
        Self.insert(row.admissionMethod, into: &admissionMethods)
        Self.insert(row.patientClassification ?? ShortCode(packed: 0), into: &classifications)
        Self.insert(row.admissionSource, into: &admissionSources)
        Self.insert(row.dischargeDestination, into: &dischargeDestinations)
        for c in row.diagnoses where !diagnoses.contains(c) { diagnoses.append(c) }
    }

    private static func insert(_ code: ShortCode?, into set: inout CodeSet) {
        if let code { set.insert(code) }
    }
}

/// A small set of short codes: up to four inline (no allocation, the usual case for one spell),
/// more in an array. Iterates in insertion order.
public struct CodeSet: Sendable, Sequence, Equatable {
    private var inline: (UInt32, UInt32, UInt32, UInt32) = (0, 0, 0, 0)
    private var inlineCount = 0
    private var overflow: [ShortCode] = []

    public init() {}

    public init(_ codes: [ShortCode]) {
        for c in codes { insert(c) }
    }

    public var count: Int { inlineCount + overflow.count }
    public var isEmpty: Bool { count == 0 }

    func element(_ i: Int) -> ShortCode {
        switch i {
        case 0: return ShortCode(packed: inline.0)
        case 1: return ShortCode(packed: inline.1)
        case 2: return ShortCode(packed: inline.2)
        case 3: return ShortCode(packed: inline.3)
        default: return overflow[i - 4]
        }
    }

    public func contains(_ code: ShortCode) -> Bool {
        for i in 0..<count where element(i) == code { return true }
        return false
    }

    public mutating func insert(_ code: ShortCode) {
        guard !contains(code) else { return }
        switch inlineCount {
        case 0: inline.0 = code.packed
        case 1: inline.1 = code.packed
        case 2: inline.2 = code.packed
        case 3: inline.3 = code.packed
        default:
            overflow.append(code)
            return
        }
        inlineCount += 1
    }

    public struct Iterator: IteratorProtocol {
        let set: CodeSet
        var i = 0
        public mutating func next() -> ShortCode? {
            guard i < set.count else { return nil }
            defer { i += 1 }
            return set.element(i)
        }
    }

    public func makeIterator() -> Iterator { Iterator(set: self) }

    public static func == (a: CodeSet, b: CodeSet) -> Bool { Array(a) == Array(b) }
}

/// A fixed set of mutexes, one per stripe of patients.
final class Stripes: @unchecked Sendable {
    private let mutexes: UnsafeMutablePointer<pthread_mutex_t>
    private let count: Int

    init(count: Int) {
        self.count = count
        mutexes = .allocate(capacity: count)
        for i in 0..<count { pthread_mutex_init(mutexes + i, nil) }
    }

    deinit {
        for i in 0..<count { pthread_mutex_destroy(mutexes + i) }
        mutexes.deallocate()
    }

    @inline(__always) func lock(_ i: Int) { pthread_mutex_lock(mutexes + i) }
    @inline(__always) func unlock(_ i: Int) { pthread_mutex_unlock(mutexes + i) }
}
