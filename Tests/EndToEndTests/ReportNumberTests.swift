import Testing

@testable import Report

/// Figures in the report: thousands grouped where a reader sees them, never inside SVG
/// coordinates; halves rounded away from zero; no "-0.0".
@Suite struct ReportNumberTests {
    @Test func decimalsAndCounts() {
        #expect(HTMLReport.decimal(12_345.65, places: 1, grouped: true) == "12,345.7")
        #expect(HTMLReport.decimal(-1_234.5, places: 1, grouped: true) == "-1,234.5")
        #expect(HTMLReport.decimal(999.95, places: 1, grouped: true) == "1,000.0")
        #expect(HTMLReport.decimal(1_234.5, places: 2, trim: true) == "1234.5")
        #expect(HTMLReport.decimal(-0.04, places: 1) == "0.0")
        #expect(HTMLReport.decimal(2.25, places: 1) == "2.3")
        #expect(HTMLReport.count(1_000_000) == "1,000,000")
        #expect(HTMLReport.count(999) == "999")
        #expect(HTMLReport.count(-4_321) == "-4,321")
    }
}
