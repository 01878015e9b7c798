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

    // The storage is internal, not private, so that the `add` methods (FactStore+Adding.swift)
    // reach it.
    /// The spine, in file order.
    var spine: [SpineEntry] = []
    var texts = Interned()
    var index = PersonIndex()
    // One array per kind of activity, by spine position: each written by one thread only.
    /// Per spine position, like `substances`: admissions may be added from two threads.
    var spells: UnsafeMutablePointer<[SpellFacts]>?
    var hospitalDeaths: UnsafeMutablePointer<Day?>?
    /// Per spine position; prescriptions may be added from two threads (two halves of one
    /// file), so this is plain memory guarded by striped locks rather than a Swift array.
    /// The stripes guard `spells` and `hospitalDeaths` too (admissions read in halves).
    var substances: UnsafeMutablePointer<[(substance: Substance, lastIssued: Day)]>?
    let stripes = Stripes(count: 64)
    var residences: [[ResidenceFacts]] = []
    var nominations: [[NominationFacts]] = []
    var activityReady = false
    /// When set, spells, substances and register entries are not kept for patients younger
    /// than this at the as-of date: they can never be case-found, and they are most of the
    /// population. Deaths and nominations are kept for everyone (attrition, exceptions).
    public var keepsActivityFromAge: Int?
    var keep: [Bool] = []
    public internal(set) var practices: [String: PracticeRow] = [:]
    public internal(set) var localities: [LocalityRow] = []
    public internal(set) var caseManagers: [CaseManagerRow] = []

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
}
