import CaseCore
import Testing

@testable import Facts

/// The spine's text table: numbers in order of first appearance, the same number for the same
/// text however often it comes back, through the table's growth and hash collisions.
@Suite struct InternedTests {
    @Test func numbersFollowFirstAppearanceThroughGrowth() {
        var table = Interned()
        var expected: [String: Int32] = [:]
        var order: [String] = []
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            // 700 distinct practice-like codes, and the sexes, interleaved at random.
            let k = Int(rng.next() % 702)
            let text = k == 700 ? "M" : k == 701 ? "F" : "F8\(k)"
            let n = table.number(text)
            if let e = expected[text] {
                #expect(n == e, "\(text)")
            } else {
                #expect(n == Int32(order.count), "\(text) is new")
                expected[text] = n
                order.append(text)
            }
        }
        #expect(table.strings == order)
        #expect(order.count == 702)
        // Texts that differ only in case or length are different texts.
        var other = Interned()
        #expect([other.number("a"), other.number("A"), other.number("a "), other.number(""), other.number("a")] == [0, 1, 2, 3, 0])
    }
}
