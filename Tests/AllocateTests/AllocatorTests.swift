import Allocate
import CaseCore
import Foundation
import Testing

/// Candidates named c1, c2, ... in allocation order (same priority, falling risk).
func candidates(_ n: Int, locality: String = "L") -> [Candidate] {
    (1...max(1, n)).prefix(n).map {
        Candidate(key: "c\(String(format: "%03d", $0))", locality: locality, priority: 1, riskTenths: 1000 - $0, admissions: 0)
    }
}

func placements(_ a: Allocation, _ c: [Candidate]) -> [String: Placement] {
    Dictionary(uniqueKeysWithValues: zip(c.map(\.key), a.placements))
}

@Suite struct AllocatorTests {
    @Test func tiesGoToTheIdThatSortsFirst() {
        let c = candidates(4)
        let m = [
            CaseManager(id: "B", locality: "L", caseloadMax: 60, active: true),
            CaseManager(id: "A", locality: "L", caseloadMax: 60, active: true),
        ]
        let a = Allocator.allocate(c, caseManagers: m, reservePercent: 0)
        #expect(
            a.placements == [
                .allocated(caseManager: "A"), .allocated(caseManager: "B"), .allocated(caseManager: "A"), .allocated(caseManager: "B"),
            ])
    }

    /// A (50) and B (80): 0/50 = 0/80 tie -> A; then 1/50 > 0/80 -> B; 1/50 > 1/80 -> B;
    /// 1/50 < 2/80 -> A; 2/50 = 0.04 > 2/80 -> B; 2/50 = 0.04 > 3/80 -> B; 2/50 = 4/100 < 4/80 -> A.
    @Test func leastLoadAsAFractionOfCaseloadMax() {
        let c = candidates(7)
        let m = [
            CaseManager(id: "A", locality: "L", caseloadMax: 50, active: true),
            CaseManager(id: "B", locality: "L", caseloadMax: 80, active: true),
        ]
        let a = Allocator.allocate(c, caseManagers: m, reservePercent: 0)
        #expect(a.placements.map { if case .allocated(let id) = $0 { id } else { "?" } } == ["A", "B", "B", "A", "B", "B", "A"])
    }

    /// 5/50 and 8/80 are both exactly 0.1: an exact tie, so the next goes to A.
    @Test func exactTiesAreComparedWithoutFloatingPoint() throws {
        let c = candidates(14)
        let m = [
            CaseManager(id: "B", locality: "L", caseloadMax: 80, active: true),
            CaseManager(id: "A", locality: "L", caseloadMax: 50, active: true),
        ]
        let a = Allocator.allocate(c, caseManagers: m, reservePercent: 0)
        let loads = a.caseloads.map { "\($0.caseManager.id)=\($0.allocated)" }
        // After 13 candidates A has 5 and B has 8; the 14th (a tie at 0.1) goes to A.
        #expect(loads == ["A=6", "B=8"])
        try #require(a.placements.count == c.count)
        #expect(a.placements[13] == .allocated(caseManager: "A"))
    }

    @Test func aFullLocalityWaitsInOrder() throws {
        let c = candidates(47)
        let m = [CaseManager(id: "CM1", locality: "L", caseloadMax: 50, active: true)]
        let a = Allocator.allocate(c, caseManagers: m, reservePercent: 10)
        let caseload = try #require(a.caseloads.first)
        #expect(caseload.reserved == 5)
        #expect(caseload.allocated == 45)
        #expect(Array(a.placements.suffix(2)) == [.waiting(position: 1), .waiting(position: 2)])
        #expect(a.placements.prefix(45).allSatisfy { $0 == .allocated(caseManager: "CM1") })
    }

    @Test func eightyWithNoReserveHoldsEightyThenWaits() throws {
        let c = candidates(81)
        let a = Allocator.allocate(c, caseManagers: [CaseManager(id: "X", locality: "L", caseloadMax: 80, active: true)], reservePercent: 0)
        #expect(a.caseloads.first?.allocated == 80)
        try #require(a.placements.count == c.count)
        #expect(a.placements[80] == .waiting(position: 1))
    }

    @Test func fiftyWithTheDefaultReserveHoldsFortyFive() throws {
        let c = candidates(46)
        let a = Allocator.allocate(
            c, caseManagers: [CaseManager(id: "X", locality: "L", caseloadMax: 50, active: true)], reservePercent: 10)
        #expect(a.caseloads.first?.allocated == 45)
        try #require(a.placements.count == c.count)
        #expect(a.placements[45] == .waiting(position: 1))
    }

    /// The reserve is a percent of caseload_max rounded down: 10% of 55 is 5, of 59 is 5, of
    /// 80 is 8; 15% of 66 is 9 (9.9).
    @Test(arguments: [(55, 10, 5), (59, 10, 5), (80, 10, 8), (50, 10, 5), (66, 15, 9), (80, 0, 0), (50, 100, 50)])
    func reserveRoundsDown(max: Int, percent: Int, reserved: Int) {
        #expect(Allocator.reserve(caseloadMax: max, percent: percent) == reserved)
    }

    @Test func anInactiveCaseManagerTakesNobody() {
        let c = candidates(3, locality: "L") + candidates(2, locality: "M")
        let m = [
            CaseManager(id: "A", locality: "L", caseloadMax: 60, active: false),
            CaseManager(id: "B", locality: "L", caseloadMax: 60, active: true),
            CaseManager(id: "C", locality: "M", caseloadMax: 60, active: false),
        ]
        let a = Allocator.allocate(c, caseManagers: m, reservePercent: 10)
        #expect(Array(a.placements.prefix(3)) == Array(repeating: .allocated(caseManager: "B"), count: 3))
        #expect(Array(a.placements.suffix(2)) == [.noCapacity, .noCapacity])
        #expect(a.caseloads.map(\.caseManager.id) == ["B"])
    }

    @Test func aLocalityWithNoCaseManagerAndUnmappedGetNoCapacity() {
        let c = candidates(2, locality: "UNMAPPED") + candidates(1, locality: "Nowhere") + candidates(1, locality: "L")
        let a = Allocator.allocate(
            c, caseManagers: [CaseManager(id: "A", locality: "L", caseloadMax: 50, active: true)], reservePercent: 10)
        #expect(a.placements == [.noCapacity, .noCapacity, .noCapacity, .allocated(caseManager: "A")])
    }

    /// Priority first, then risk (highest first), admissions (most first), NHS number.
    @Test func allocationOrder() {
        let c = [
            Candidate(key: "9000000005", locality: "L", priority: 2, riskTenths: 900, admissions: 9),
            Candidate(key: "9000000004", locality: "L", priority: 1, riskTenths: 10, admissions: 0),
            Candidate(key: "9000000003", locality: "L", priority: 1, riskTenths: 50, admissions: 1),
            Candidate(key: "9000000002", locality: "L", priority: 1, riskTenths: 50, admissions: 3),
            Candidate(key: "9000000001", locality: "L", priority: 1, riskTenths: 50, admissions: 1),
        ]
        // One place (50 with a 98% reserve leaves 1), so the order shows in the waiting list.
        let a = Allocator.allocate(
            c, caseManagers: [CaseManager(id: "A", locality: "L", caseloadMax: 50, active: true)], reservePercent: 98)
        let p = placements(a, c)
        #expect(p["9000000002"] == .allocated(caseManager: "A"))
        #expect(p["9000000001"] == .waiting(position: 1))
        #expect(p["9000000003"] == .waiting(position: 2))
        #expect(p["9000000004"] == .waiting(position: 3))
        #expect(p["9000000005"] == .waiting(position: 4))
        #expect(a.order == [3, 4, 2, 1, 0])
    }
}

/// Seeded random cases against a plain restatement of the rules, and properties that must
/// hold whatever the input; a failure names its seed.
@Suite struct AllocatorRandomTests {
    /// The rules restated as simply as possible: fractions compared as cross products.
    func reference(_ c: [Candidate], _ m: [CaseManager], _ percent: Int) -> [String: Placement] {
        var load: [String: Int] = [:]
        var out: [String: Placement] = [:]
        var position: [String: Int] = [:]
        for x in c.sorted(by: {
            ($0.locality, $0.priority, -$0.riskTenths, -$0.admissions, $0.key) < (
                $1.locality, $1.priority, -$1.riskTenths, -$1.admissions, $1.key
            )
        }) {
            let mine = m.filter { $0.active && $0.locality == x.locality }
            if mine.isEmpty {
                out[x.key] = .noCapacity
                continue
            }
            let open = mine.filter { load[$0.id, default: 0] < $0.caseloadMax - $0.caseloadMax * percent / 100 }
            if let best = open.min(by: { a, b in
                let l = load[a.id, default: 0] * b.caseloadMax
                let r = load[b.id, default: 0] * a.caseloadMax
                return l != r ? l < r : a.id < b.id
            }) {
                load[best.id, default: 0] += 1
                out[x.key] = .allocated(caseManager: best.id)
            } else {
                position[x.locality, default: 0] += 1
                out[x.key] = .waiting(position: position[x.locality]!)
            }
        }
        return out
    }

    @Test(arguments: 0..<60)
    func matchesTheRulesRestated(seed: Int) {
        var rng = SplitMix64(seed: UInt64(seed))
        let localities = ["A", "B", "C", "UNMAPPED"]
        let managers = (0..<Int.random(in: 0...7, using: &rng)).map { i in
            CaseManager(
                id: "CM\(Int.random(in: 0...99, using: &rng))-\(i)", locality: localities[Int.random(in: 0...2, using: &rng)],
                caseloadMax: Int.random(in: 50...80, using: &rng), active: Int.random(in: 0...5, using: &rng) > 0)
        }
        let c = (0..<Int.random(in: 0...400, using: &rng)).map { i in
            Candidate(
                key: String(format: "%010d", Int.random(in: 0...9_999_999, using: &rng) * 1000 + i),
                locality: localities.randomElement(using: &rng)!,
                priority: Int.random(in: 1...5, using: &rng), riskTenths: Int.random(in: 0...30, using: &rng) * 5,
                admissions: Int.random(in: 0...3, using: &rng))
        }
        let percent = [0, 10, 10, 15, 25][Int.random(in: 0...4, using: &rng)]
        let a = Allocator.allocate(c, caseManagers: managers, reservePercent: percent)
        #expect(placements(a, c) == reference(c, managers, percent), "seed \(seed)")
        // Input order does not matter.
        let shuffled = c.shuffled(using: &rng)
        let b = Allocator.allocate(shuffled, caseManagers: managers.shuffled(using: &rng), reservePercent: percent)
        #expect(placements(b, shuffled) == placements(a, c), "seed \(seed)")
        // No caseload beyond its unreserved room; waiting only when the locality is full.
        for cl in a.caseloads { #expect(cl.allocated <= cl.caseManager.caseloadMax - cl.reserved, "seed \(seed)") }
        for (x, p) in zip(c, a.placements) {
            guard case .waiting = p else { continue }
            let local = a.caseloads.filter { $0.caseManager.locality == x.locality }
            let full = local.allSatisfy { (c: Caseload) -> Bool in c.allocated == c.caseManager.caseloadMax - c.reserved }
            #expect(full, "seed \(seed)")
        }
    }
}
