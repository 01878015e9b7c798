import CaseCore
import Testing

@testable import Facts
@testable import Ingest

/// The fact store's batched prescriptions and its person index: the same facts whatever the
/// order of the rows and however they are cut into batches.
@Suite struct FactStoreTests {
    static let asOf = Day(year: 2026, month: 11, day: 22)!
    static let horizon = Day(year: 2025, month: 11, day: 22)!

    static func store(patients: Int, keepFromAge: Int? = nil) -> FactStore {
        let store = FactStore(asOf: asOf, prescriptionHorizon: horizon, deathDischargeMethods: [])
        store.keepsActivityFromAge = keepFromAge
        for n in 0..<patients {
            // Even patients are 80, odd ones 40.
            let born = Day(year: n % 2 == 0 ? 1946 : 1986, month: 1, day: 1)!
            let row = PatientRow(line: n + 2, person: UInt64(1000 + n), dateOfBirth: born, sex: "F", practice: "A81001", dateOfDeath: nil)
            _ = store.add(row)
        }
        store.spineComplete()
        return store
    }

    static func row(_ person: Int, _ day: Day, _ substance: UInt64) -> PrescriptionRow {
        PrescriptionRow(person: UInt64(1000 + person), issueDate: day, substance: Substance(packed: substance))
    }

    static func add(_ rows: [PrescriptionRow], to store: FactStore, batch: Int) -> Int {
        var unregistered = 0
        for start in stride(from: 0, to: rows.count, by: batch) {
            unregistered += rows[start..<min(rows.count, start + batch)].withUnsafeBufferPointer { store.add($0) }
        }
        return unregistered
    }

    /// Each patient's substances as (substance, latest issue), sorted.
    static func facts(_ store: FactStore) -> [[String]] {
        (0..<store.count).map { i in
            store.patient(at: i).substances.map { "\($0.substance.packed)@\($0.lastIssued)" }.sorted()
        }
    }

    @Test func aBatchKeepsTheLatestIssueOfEachSubstanceAndCountsTheUnregistered() {
        let store = Self.store(patients: 3)
        let d1 = Day(year: 2026, month: 3, day: 1)!, d2 = Day(year: 2026, month: 9, day: 1)!
        let rows = [
            Self.row(0, d2, 7), Self.row(0, d1, 7), Self.row(0, d1, 8),
            Self.row(9, d1, 7),  // not on the spine
            Self.row(1, Self.horizon, 7),  // on the horizon: too old to keep
            Self.row(1, Self.asOf.adding(days: 1), 7),  // after the as-of date
            Self.row(2, Self.asOf, 9), Self.row(12, d2, 7),
        ]
        #expect(Self.add(rows, to: store, batch: 128) == 2)
        #expect(Self.facts(store) == [["7@2026-09-01", "8@2026-03-01"], [], ["9@2026-11-22"]])
    }

    @Test func patientsTooYoungToBeFoundKeepNoSubstances() {
        let store = Self.store(patients: 2, keepFromAge: 65)
        let d = Day(year: 2026, month: 6, day: 1)!
        #expect(Self.add([Self.row(0, d, 1), Self.row(1, d, 2)], to: store, batch: 2) == 0)
        #expect(Self.facts(store) == [["1@2026-06-01"], []])
    }

    @Test(arguments: [1, 3, 128, 1000])
    func orderAndBatchesChangeNothing(batch: Int) {
        var rng = SplitMix64(seed: 11)
        var rows: [PrescriptionRow] = []
        for _ in 0..<5_000 {
            let day = Self.horizon.adding(days: Int(rng.next() % 400))
            rows.append(Self.row(Int(rng.next() % 600), day, rng.next() % 40))
        }
        let sorted = Self.store(patients: 500)
        let sortedRows = rows.sorted { $0.person < $1.person }
        let expectedUnregistered = rows.count(where: { $0.person >= 1500 })
        #expect(Self.add(sortedRows, to: sorted, batch: 1) == expectedUnregistered)
        let shuffled = Self.store(patients: 500)
        #expect(Self.add(rows, to: shuffled, batch: batch) == expectedUnregistered)
        #expect(Self.facts(shuffled) == Self.facts(sorted))
    }

    @Test func theIndexFindsEveryKeyAndRefusesADuplicateThroughItsGrowth() {
        var index = PersonIndex()
        var rng = SplitMix64(seed: 5)
        var expected: [UInt64: Int32] = [:]
        let first: UInt64 = 4_010_232_137
        #expect(index.insertIfAbsent(first, 0) == nil)
        expected[first] = 0
        for n in 1..<50_000 {
            let key = rng.next() % 10_000_000_000
            #expect(index.insertIfAbsent(key, Int32(n)) == expected[key])
            if expected[key] == nil { expected[key] = Int32(n) }
            if n % 997 == 0 { #expect(index.insertIfAbsent(first, 99) == 0) }
        }
        #expect(index.count == expected.count)
        for (key, value) in expected { #expect(index[key] == value) }
        #expect(index[10_000_000_001] == nil)
    }

    @Test func releasingAPatientEmptiesItsActivityAndReleasingAllKeepsTheCount() {
        let store = Self.store(patients: 3)
        let d = Day(year: 2026, month: 6, day: 1)!
        _ = Self.add([Self.row(0, d, 1), Self.row(2, d, 2)], to: store, batch: 8)
        store.releaseActivity(at: 0)
        #expect(Self.facts(store) == [[], [], ["2@2026-06-01"]])
        store.releasePatients()
        #expect(store.count == 3)
    }

    @Test func spellCodesKeepEachKindInTheOrderSeen() {
        var codes = SpellCodes()
        let a = ShortCode("21")!, b = ShortCode("2A")!, c = ShortCode("51")!, blank = ShortCode(packed: 0)
        #expect(codes.set(.admissionMethod).isEmpty)
        for code in [a, b, a, c, b] { codes.insert(code, .admissionMethod) }
        codes.insert(blank, .classification)
        codes.insert(blank, .classification)
        codes.insert(c, .dischargeDestination)
        codes.insert(a, .dischargeDestination)
        #expect(Array(codes.set(.admissionMethod)) == [a, b, c])
        #expect(Array(codes.set(.classification)) == [blank])
        #expect(codes.set(.admissionSource).isEmpty)
        #expect(Array(codes.set(.dischargeDestination)) == [c, a])
    }

    @Test func aSubstanceIssueHoldsAnySubstanceAndDay() {
        for (code, ordinal) in [("0212000AA", 20_000), ("ZZZZZZZZZ", Int32.max), ("000000000", Int32.min), ("1501010Y0", -1)] {
            var bytes = Array(code.utf8)
            let substance = bytes.withUnsafeMutableBufferPointer { Substance.read(UnsafeBufferPointer($0))! }
            var issue = SubstanceIssue(substance, lastIssued: Day(ordinal: ordinal))
            #expect(issue.substance == substance && issue.substance.description == code)
            #expect(issue.lastIssued == Day(ordinal: ordinal))
            issue.lastIssued = Day(ordinal: 7)
            #expect(issue.lastIssued.ordinal == 7 && issue.substance == substance)
        }
    }

    @Test func releasingSpineRowsLeavesTheRowsOutsideTheRangeAlone() {
        let store = Self.store(patients: 5_000)
        store.releaseIndex()
        store.releaseSpine(1_000..<4_000)
        for i in [0, 999, 4_000, 4_999] { #expect(store.patient(at: i).person == UInt64(1000 + i)) }
        #expect(store.count == 5_000)
    }
}
