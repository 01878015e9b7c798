import CaseCore
import Testing

@Suite struct DayTests {
    @Test(arguments: [
        ("2026-11-22", "2026-11-22"), ("2024-02-29", "2024-02-29"), ("1890-01-01", "1890-01-01"), ("1800-01-01", "1800-01-01"),
    ])
    func isoDatesRoundTrip(text: String, expected: String) {
        #expect(DateFormat.iso.parse(text)?.description == expected)
    }

    @Test(arguments: [
        "2026-02-30", "2025-02-29", "2026-13-01", "2026-00-10", "yesterday", "2026-1-05", "26-11-22", "", "2026/11/22", "31/12/2026",
    ])
    func unreadableISODates(text: String) {
        #expect(DateFormat.iso.parse(text) == nil)
    }

    @Test func otherFormats() {
        #expect(DateFormat.dayMonthYear.parse("22/11/2026")?.description == "2026-11-22")
        #expect(DateFormat.dayMonthYear.parse("31/13/2026") == nil)
        #expect(DateFormat.dayMonthYear.parse("2026-11-22") == nil)
        #expect(DateFormat.compact.parse("20261122")?.description == "2026-11-22")
        #expect(DateFormat.compact.parse("20260230") == nil)
    }

    @Test func ordinalIsDaysSinceEpoch() {
        #expect(Day(year: 1970, month: 1, day: 1)?.ordinal == 0)
        #expect(Day(year: 2000, month: 3, day: 1)?.ordinal == 11017)
        #expect(Day(year: 1969, month: 12, day: 31)?.ordinal == -1)
    }

    /// Completed years; a 29 February birthday is reached on 1 March in common years.
    @Test(arguments: [
        ("1960-02-29", "2025-02-28", 64), ("1960-02-29", "2025-03-01", 65), ("1960-02-29", "2024-02-29", 64),
        ("1960-02-29", "2024-02-28", 63), ("1961-11-22", "2026-11-22", 65), ("1961-11-23", "2026-11-22", 64),
        ("1956-11-22", "2026-11-22", 70), ("1956-11-23", "2026-11-22", 69), ("2030-01-01", "2026-11-22", -4),
    ])
    func age(born: String, on: String, expected: Int) throws {
        let b = try #require(DateFormat.iso.parse(born))
        #expect(b.age(on: try #require(DateFormat.iso.parse(on))) == expected)
    }

    /// The same calendar day N months back, or the last day of that month.
    @Test(arguments: [
        ("2026-11-22", 12, "2025-11-22"), ("2028-02-29", 12, "2027-02-28"), ("2024-02-29", 48, "2020-02-29"),
        ("2026-03-31", 1, "2026-02-28"), ("2026-01-15", 1, "2025-12-15"), ("2026-11-22", 24, "2024-11-22"),
    ])
    func monthsBack(from: String, months: Int, expected: String) {
        #expect(DateFormat.iso.parse(from)?.subtracting(months: months).description == expected)
    }
}

@Suite struct NHSNumberTests {
    @Test(arguments: ["9434765919", "943 476 5919", "943-476-5919", " 9434765919"])
    func validSpellings(text: String) {
        #expect(NHSNumber.parse(text) == 9_434_765_919)
    }

    @Test(arguments: ["9434765918", "943476591", "94347659190", "94347659A9", "", "0000000000x"])
    func invalid(text: String) {
        #expect(NHSNumber.parse(text) == nil)
    }

    @Test func checkDigitTenIsNeverValid() {
        // 123456789: weighted sum 210, 210 % 11 = 1, check 10: no valid number starts so.
        for last in 0...9 { #expect(NHSNumber.parse("123456789\(last)") == nil) }
    }

    @Test func formatPadsToTenDigits() {
        #expect(NHSNumber.format(123) == "0000000123")
        #expect(NHSNumber.parse("0000000000") == 0)
    }
}

/// `Day.latestBirth`: exactly the birth dates `age(on:)` reads as old enough, leap days included.
@Suite struct LatestBirthTests {
    @Test(arguments: [0, 1, 65, 70, 130])
    func theLastDayOldEnoughAndTheNextNot(age: Int) {
        var day = Day(year: 2023, month: 12, day: 25)!
        for _ in 0..<1_500 {
            let born = Day.latestBirth(forAge: age, on: day)
            #expect(born.age(on: day) >= age, "\(day)")
            #expect(born.adding(days: 1).age(on: day) < age, "\(day)")
            day = day.adding(days: 1)
        }
    }

    @Test func aBirthdayOnTheTwentyNinthOfFebruary() {
        // Born 1960-02-29: 65 on 2025-03-01, not on 2025-02-28 (as age(on:) reads it).
        #expect(Day.latestBirth(forAge: 65, on: Day(year: 2025, month: 2, day: 28)!) == Day(year: 1960, month: 2, day: 28)!)
        #expect(Day.latestBirth(forAge: 65, on: Day(year: 2025, month: 3, day: 1)!) == Day(year: 1960, month: 3, day: 1)!)
    }
}
