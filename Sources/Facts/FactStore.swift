import CaseCore
import Ingest

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
    /// The same codes as a list, asked about every episode: a set hashed each one with SipHash.
    let deathMethods: [ShortCode]

    // The storage is internal, not private, so that the `add` methods (FactStore+Adding.swift)
    // reach it.
    /// The spine, in file order.
    var spine: [SpineEntry] = []
    var texts = Interned()
    var index = PersonIndex()
    /// Per spine position: where the patient's activity is kept (a number into the arrays
    /// below), or -1 when it is not kept. Only patients who could be case-found (see
    /// `keepsActivityFromAge`) have a place, so the arrays grow with them, not with the spine.
    var kept: UnsafeMutablePointer<Int32>?
    var keptCount = 0
    /// Per spine position: whether the patient has a nomination, a death in hospital (`nominated`,
    /// `diedInHospital`), so that the search asks the sparse tables only about those who do.
    var marks: UnsafeMutablePointer<UInt8>?
    // One array per kind of activity, by kept number: each written by one kind of file only.
    /// Admissions may be added from two threads (two halves of one file), and so may
    /// prescriptions, so these are plain memory guarded by striped locks, not Swift arrays.
    var spells: UnsafeMutablePointer<[SpellFacts]>?
    var substances: UnsafeMutablePointer<[SubstanceIssue]>?
    let stripes = Stripes(count: Stripes.standard)
    var residences: UnsafeMutablePointer<[ResidenceFacts]>?
    /// Deaths in hospital and nominations are kept for everyone on the spine (attrition,
    /// exceptions), by spine position: they are few, so they are held by patient, not per
    /// patient. Hospital deaths come from admissions read on two threads: one table per stripe
    /// of patients, written under the stripe's lock.
    let hospitalDeaths: UnsafeMutablePointer<[Int32: Day]> = {
        let tables = UnsafeMutablePointer<[Int32: Day]>.allocate(capacity: Stripes.standard)
        tables.initialize(repeating: [:], count: Stripes.standard)
        return tables
    }()
    var nominations: [Int32: [NominationFacts]] = [:]
    var activityReady = false
    /// Set by `releasePatients`, which keeps the spine's count in `registered`.
    var activityReleased = false
    var registered = 0
    /// Set by `releaseIndex`.
    var indexReleased = false
    /// When set, spells, substances and register entries are not kept for patients younger
    /// than this at the as-of date: they can never be case-found, and they are most of the
    /// population. Deaths and nominations are kept for everyone (attrition, exceptions).
    public var keepsActivityFromAge: Int?
    public internal(set) var practices: [String: PracticeRow] = [:]
    public internal(set) var localities: [LocalityRow] = []
    public internal(set) var caseManagers: [CaseManagerRow] = []

    /// Makes room for about `patients` spine rows at once (an estimate from the file size
    /// saves rehashing the index as it grows).
    public func reserve(patients: Int) {
        // A little over the estimate: an array that outgrows its capacity doubles it.
        spine.reserveCapacity(patients + patients / 16)
        let bytes = spine.capacity * MemoryLayout<SpineEntry>.stride
        spine.withUnsafeMutableBufferPointer {
            if let base = $0.baseAddress { HugePages.advise(UnsafeMutableRawPointer(base), bytes: bytes) }
        }
        index.reserve(patients)
    }

    deinit {
        freeActivityTables()
        kept?.deallocate()
        marks?.deallocate()
        hospitalDeaths.deinitialize(count: Stripes.standard)
        hospitalDeaths.deallocate()
    }

    public init(asOf: Day, prescriptionHorizon: Day, deathDischargeMethods: Set<ShortCode>) {
        self.asOf = asOf
        self.prescriptionHorizon = prescriptionHorizon
        self.deathDischargeMethods = deathDischargeMethods
        deathMethods = Array(deathDischargeMethods)
    }

    /// Registered patients.
    public var count: Int { activityReleased ? registered : spine.count }

    /// The position of a person on the spine, if registered.
    public func position(of person: UInt64) -> Int? {
        precondition(!activityReleased && !indexReleased, "the patients were released after the search")
        return index[person].map(Int.init)
    }

    /// Everything known about the patient at a spine position.
    public func patient(at i: Int) -> PatientFacts {
        let e = spine[i]
        var p = PatientFacts(
            person: e.person, line: Int(e.line), dateOfBirth: e.dateOfBirth,
            dateOfDeath: e.dateOfDeath == Int32.min ? nil : Day(ordinal: e.dateOfDeath),
            sex: e.sex < 0 ? nil : texts.strings[Int(e.sex)], practice: texts.strings[Int(e.practice)])
        precondition(!activityReleased, "the patients were released after the search")
        if activityReady {
            let k = Int(kept![i])
            if k >= 0 {
                p.spells = spells![k]
                p.substances = substances![k]
                p.residences = residences![k]
            }
            p.hospitalDeath = hospitalDeath(at: i)
            if marks![i] & Self.nominated != 0 { p.nominations = nominations[Int32(i)] ?? [] }
        }
        return p
    }

    /// The earliest death in hospital of the patient at spine position `i`.
    func hospitalDeath(at i: Int) -> Day? {
        guard marks![i] & Self.diedInHospital != 0 else { return nil }
        return hospitalDeaths[i & (Stripes.standard - 1)][Int32(i)]
    }

    /// A cheap first look for the search, with no per-patient arrays built: whether the patient
    /// at `i` is alive at `asOf` (no death on the spine or in hospital on or before it), and
    /// whether it is under `minAge` with no nomination, so that nothing else about it matters.
    /// - Parameter bornBy: `Day.latestBirth(forAge: minAge, on: asOf)`, worked out once.
    public func screen(at i: Int, asOf: Day, bornBy: Day) -> (alive: Bool, nothingMore: Bool) {
        let e = spine[i]
        let marks = activityReady ? self.marks![i] : 0
        var alive = !(e.dateOfDeath != Int32.min && Day(ordinal: e.dateOfDeath) <= asOf)
        if alive, marks & Self.diedInHospital != 0, let d = hospitalDeath(at: i), d <= asOf { alive = false }
        return (alive, marks & Self.nominated == 0 && e.dateOfBirth > bornBy)
    }

    /// `marks` bits.
    static let nominated: UInt8 = 1
    static let diedInHospital: UInt8 = 2

    /// The practice of the patient at `i` as a number into `practiceCodes`.
    public func practiceNumber(at i: Int) -> Int { Int(spine[i].practice) }

    /// Every distinct text of the spine (its practice codes among them), numbered as
    /// `practiceNumber(at:)` numbers practices.
    public var spineTexts: [String] { texts.strings }

    /// Frees the activity (spells, substances, register entries) of the patient at spine
    /// position `i`, for a search that has evaluated it and will not look again: the memory
    /// goes to the search's own records. Patients in different stripes may be released from
    /// different threads at once.
    public func releaseActivity(at i: Int) {
        guard activityReady, !activityReleased else { return }
        let k = Int(kept![i])
        guard k >= 0 else { return }
        spells![k] = []
        substances![k] = []
        residences![k] = []
    }

    /// For a search that frees the facts as it goes: the person index is not needed to visit
    /// the spine in order, so it goes first. Nothing may look a person up after it.
    public func releaseIndex() {
        guard activityReady, !indexReleased else { return }
        indexReleased = true
        index = PersonIndex()
    }

    /// Gives back the memory of the spine rows in `range` (whole pages only): for a search
    /// that has evaluated them and will not look again. Their rows read as zeros after it, so
    /// nothing may ask for a patient there; ranges searched on different threads may be
    /// released at once.
    public func releaseSpine(_ range: Range<Int>) {
        spine.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress, range.lowerBound >= 0, range.upperBound <= b.count else { return }
            let stride = MemoryLayout<SpineEntry>.stride
            HugePages.discard(UnsafeMutableRawPointer(mutating: base + range.lowerBound), bytes: range.count * stride)
        }
    }

    /// Frees everything held per patient (the spine, its index, the activity), keeping the
    /// count and the practices, localities and case managers: for a run whose search is done.
    /// Nothing may ask for a patient after it.
    public func releasePatients() {
        guard activityReady, !activityReleased else { return }
        activityReleased = true
        registered = spine.count
        spine = []
        index = PersonIndex()
        nominations = [:]
        for t in 0..<Stripes.standard { hospitalDeaths[t] = [:] }
        freeActivityTables()
    }

    /// Frees the spells, substances and register entries of every kept patient, and their tables.
    private func freeActivityTables() {
        spells?.deinitialize(count: keptCount)
        spells?.deallocate()
        spells = nil
        substances?.deinitialize(count: keptCount)
        substances?.deallocate()
        substances = nil
        residences?.deinitialize(count: keptCount)
        residences?.deallocate()
        residences = nil
    }

    public func patient(_ person: UInt64) -> PatientFacts? { position(of: person).map { patient(at: $0) } }
}
