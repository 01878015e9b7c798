import CaseCore
import Testing

/// The small-number rule: NHS Digital's HES method by default (1 to 7 as `*`, the rest rounded
/// to the nearest 5, halves up), UK LLC's with zero suppressed and a threshold of 10, and none.
@Suite struct DisclosureTests {
    /// Every edge of the default rule, written out rather than computed.
    @Test(arguments: [
        (0, "0"), (1, "*"), (2, "*"), (6, "*"), (7, "*"), (8, "10"), (10, "10"), (12, "10"), (13, "15"), (15, "15"), (17, "15"),
        (18, "20"), (22, "20"), (23, "25"), (49, "50"), (1_002, "1000"), (1_003, "1005"),
    ])
    func hesRule(count: Int, shown: String) {
        #expect(DisclosurePolicy().release(count).text() == shown)
        #expect(DisclosurePolicy.hes.release(count).description == shown)
    }

    @Test func theReleasedValueSaysWhatHappened() {
        let p = DisclosurePolicy()
        #expect(p.release(7) == .suppressed)
        #expect(p.release(7).value == nil)
        #expect(p.release(8) == .rounded(10))
        #expect(p.release(10) == .rounded(10))
        #expect(p.release(0) == .rounded(0))
        #expect(DisclosurePolicy.unsuppressed.release(7) == .exact(7))
        #expect(!p.release(8).isSuppressed && p.release(1).isSuppressed)
    }

    /// The threshold is inclusive: with 10, 10 is suppressed and 11 is not.
    @Test(arguments: [(0, "*"), (1, "*"), (7, "*"), (10, "*"), (11, "10"), (12, "10"), (13, "15"), (18, "20")])
    func ukLLCRule(count: Int, shown: String) {
        #expect(DisclosurePolicy.ukLLC.release(count).text() == shown)
        #expect(DisclosurePolicy(threshold: 10, roundingBase: 5, suppressZero: true).release(count).text() == shown)
    }

    @Test func otherBasesAndThresholds() {
        // Base 10, halves up: 15 is 20, 14 is 10, 25 is 30.
        let tens = DisclosurePolicy(threshold: 7, roundingBase: 10)
        #expect([8, 14, 15, 24, 25, 95].map { tens.release($0).text() } == ["10", "10", "20", "20", "30", "100"])
        // Base 1: suppressed, not rounded.
        let exactAbove = DisclosurePolicy(threshold: 3, roundingBase: 1)
        #expect([0, 3, 4, 12, 13].map { exactAbove.release($0).text() } == ["0", "*", "4", "12", "13"])
        // Threshold 0: nothing suppressed, everything rounded.
        let roundOnly = DisclosurePolicy(threshold: 0)
        #expect([0, 1, 2, 3, 7].map { roundOnly.release($0).text() } == ["0", "0", "0", "5", "5"])
    }

    @Test func noneIsExact() {
        let none = DisclosurePolicy(mode: .none, threshold: 10, roundingBase: 5, suppressZero: true)
        #expect([0, 1, 7, 8, 12, 13].map { none.release($0).text() } == ["0", "1", "7", "8", "12", "13"])
        #expect(none.release(cells: [3, 4, 5]) == ReleasedCells(cells: [.exact(3), .exact(4), .exact(5)], total: .exact(12)))
        #expect(none.figure(25.0, from: none.release(1)) == .shown(25.0))
    }

    /// A total is released from the exact cells: 3 + 4 + 5 = 12 is shown as 10, although every
    /// cell is `*` (summing the released cells would give `*` or 0).
    @Test func totalsComeFromTheExactCells() {
        let p = DisclosurePolicy()
        let row = p.release(cells: [3, 4, 5])
        #expect(row.cells.map { $0.text() } == ["*", "*", "*"])
        #expect(row.total == .rounded(10))
        #expect(p.releaseTotal(of: [3, 4, 5]).text() == "10")
        // 8 + 8 = 16 is 15, not 10 + 10 = 20.
        #expect(p.release(cells: [8, 8]).total.text() == "15")
        #expect(p.release(cells: [1, 2]).total == .suppressed)
        #expect(p.release(cells: []).total == .rounded(0))
    }

    /// A percentage, mean or median over a suppressed base is `*`, also when it would otherwise
    /// be blank for want of a denominator (else a blank would tell a suppressed 0 apart).
    @Test func derivedFiguresOverASuppressedBase() {
        let p = DisclosurePolicy()
        let coverage = p.figure(50.0, from: p.release(4), p.release(8))
        #expect(coverage == .suppressed)
        #expect(coverage.text { "\($0)%" } == "*")
        #expect(p.figure(37.5, from: p.release(9), p.release(24)).text { "\($0)%" } == "37.5%")
        #expect(p.figure(Int?.none, from: p.release(20)).text { String($0) } == "")
        #expect(p.figure(Int?.none, from: p.release(20)).text(notApplicable: "–") { String($0) } == "–")
        let zero = DisclosurePolicy.ukLLC
        #expect(zero.figure(Double?.none, from: zero.release(0)) == .suppressed, "a mean over 0 admissions, 0 suppressed")
    }

    /// A count about a group of patients (bed days of their admissions) goes with the group.
    @Test func countsWithinASuppressedGroup() {
        let p = DisclosurePolicy()
        #expect(p.release(40, within: p.release(3)) == .suppressed)
        #expect(p.release(40, within: p.release(9)) == .rounded(40))
        #expect(p.release(5, within: p.release(9)) == .suppressed, "itself small")
        #expect(p.release(40, within: p.release(9), p.release(2)) == .suppressed)
    }

    @Test func theRuleInWords() {
        #expect(
            DisclosurePolicy().description
                == "Small numbers suppressed: counts of 1 to 7 shown as *, others rounded to the nearest 5."
                + " A mean, median or percentage computed from a suppressed count is shown as *.")
        #expect(DisclosurePolicy.ukLLC.description.hasPrefix("Small numbers suppressed: counts of 0 to 10 shown as *, others rounded"))
        #expect(
            DisclosurePolicy(threshold: 1, roundingBase: 1).description.hasPrefix(
                "Small numbers suppressed: counts of 1 shown as *, others shown exactly."))
        #expect(DisclosurePolicy(threshold: 0).description == "No counts suppressed: counts rounded to the nearest 5.")
        #expect(DisclosurePolicy.unsuppressed.description.contains("For direct care and internal use only."))
    }
}
