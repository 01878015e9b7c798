import CaseCore
import Testing

/// `Array.permute`: in place, the same as mapping the order over a copy.
@Suite struct PermuteTests {
    @Test(arguments: [0, 1, 2, 7, 100, 1000])
    func theSameAsMappingTheOrder(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) + 3)
        let values = (0..<count).map { "v\($0)" }
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        var permuted = values
        permuted.permute(order)
        #expect(permuted == order.map { values[$0] })
    }

    @Test func cyclesAndFixedPoints() {
        var a = ["a", "b", "c", "d", "e"]
        a.permute([2, 0, 1, 3, 4])
        #expect(a == ["c", "a", "b", "d", "e"])
    }
}
