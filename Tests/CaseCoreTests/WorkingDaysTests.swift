import CaseCore
import Testing

/// A test date; one that does not read fails the test at the caller.
private func day(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Day {
    try #require(DateFormat.iso.parse(text), "bad test date \(text)", sourceLocation: sourceLocation)
}

@Suite struct EnglandBankHolidaysTests {
    /// The lists published at https://www.gov.uk/bank-holidays (England and Wales), written out.
    @Test(arguments: [
        (
            2019,
            ["2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26", "2019-12-25", "2019-12-26"]
        ),
        (
            2020,
            ["2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"]
        ),
        (
            2021,
            ["2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"]
        ),
        (
            2022,
            [
                "2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19",
                "2022-12-26", "2022-12-27",
            ]
        ),
        (
            2023,
            [
                "2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25",
                "2023-12-26",
            ]
        ),
        (
            2024,
            ["2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"]
        ),
        (
            2025,
            ["2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"]
        ),
        (
            2026,
            ["2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"]
        ),
        (
            2027,
            ["2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"]
        ),
    ])
    func publishedYears(year: Int, expected: [String]) {
        #expect(EnglandBankHolidays.days(in: year).map(\.description) == expected)
    }

    @Test(arguments: [
        (2000, "2000-04-23"), (2008, "2008-03-23"), (2011, "2011-04-24"), (2019, "2019-04-21"), (2024, "2024-03-31"),
        (2025, "2025-04-20"), (2038, "2038-04-25"), (1990, "1990-04-15"), (2100, "2100-03-28"),
    ])
    func easterSunday(year: Int, expected: String) {
        let easter = EnglandBankHolidays.easterSunday(in: year)
        #expect(easter.description == expected)
        #expect(easter.weekday == 7)
        #expect(EnglandBankHolidays.contains(easter.adding(days: -2)))
        #expect(EnglandBankHolidays.contains(easter.adding(days: 1)))
        #expect(!EnglandBankHolidays.contains(easter))
    }

    /// Weekend Christmas and New Year days move to the following weekdays; the weekend day
    /// itself is not listed.
    @Test(arguments: [
        // 2021: Christmas on Saturday, Boxing Day on Sunday.
        ("2021-12-27", true), ("2021-12-28", true), ("2021-12-25", false), ("2021-12-26", false),
        // 2022: New Year's Day on Saturday; Christmas on Sunday, Boxing Day on Monday.
        ("2022-01-03", true), ("2022-01-01", false), ("2022-12-26", true), ("2022-12-27", true), ("2022-12-25", false),
        // 2023: New Year's Day on Sunday.
        ("2023-01-02", true), ("2023-01-01", false),
        // 2026: Boxing Day on Saturday.
        ("2026-12-28", true), ("2026-12-26", false),
        // 2027: as 2021.
        ("2027-12-27", true), ("2027-12-28", true), ("2027-12-29", false),
        // 2028: New Year's Day on Saturday.
        ("2028-01-03", true),
    ])
    func substituteDays(date: String, isHoliday: Bool) throws {
        #expect(try EnglandBankHolidays.contains(day(date)) == isHoliday)
    }

    /// Each one-off change, with the day the rules alone would have given where it moved one.
    @Test(arguments: [
        ("1995-05-08", true), ("1995-05-01", false),
        ("1999-12-31", true), ("1999-12-27", true), ("1999-12-28", true), ("2000-01-03", true),
        ("2002-06-03", true), ("2002-06-04", true), ("2002-05-27", false),
        ("2011-04-29", true),
        ("2012-06-04", true), ("2012-06-05", true), ("2012-05-28", false),
        ("2020-05-08", true), ("2020-05-04", false),
        ("2022-06-02", true), ("2022-06-03", true), ("2022-05-30", false), ("2022-09-19", true),
        ("2023-05-08", true), ("2023-05-01", true),
    ])
    func oneOffChanges(date: String, isHoliday: Bool) throws {
        #expect(try EnglandBankHolidays.contains(day(date)) == isHoliday)
    }

    @Test func everyKnownYearHasEightOrMoreWeekdayHolidays() throws {
        for year in EnglandBankHolidays.years {
            let days = EnglandBankHolidays.days(in: year)
            #expect(days.count >= 8, "\(year)")
            #expect(days.allSatisfy { $0.weekday <= 5 && $0.components.year == year }, "\(year)")
            #expect(days == days.sorted() && Set(days).count == days.count, "\(year)")
        }
        #expect(EnglandBankHolidays.days(in: 1989).isEmpty)
        #expect(EnglandBankHolidays.days(in: 2101).isEmpty)
        #expect(try !EnglandBankHolidays.contains(day("2101-01-03")))
    }

    @Test func weekdays() throws {
        #expect(try day("1970-01-01").weekday == 4)
        #expect(try day("2026-11-22").weekday == 7)
        #expect(try day("2026-11-23").weekday == 1)
        #expect(try day("1969-12-29").weekday == 1)
        #expect(try day("1900-01-01").weekday == 1)
    }
}

@Suite struct WorkingDaysTests {
    let calendar = WorkingDays()

    /// Working days after the first day up to and including the second.
    @Test(arguments: [
        // Same day, and an end before the start.
        ("2025-06-11", "2025-06-11", 0), ("2025-06-11", "2025-06-10", 0),
        // Weekdays and a weekend: Wednesday 11 June 2025 ...
        ("2025-06-11", "2025-06-12", 1), ("2025-06-11", "2025-06-13", 2), ("2025-06-13", "2025-06-14", 0),
        ("2025-06-13", "2025-06-15", 0), ("2025-06-13", "2025-06-16", 1), ("2025-06-14", "2025-06-16", 1),
        ("2025-06-15", "2025-06-16", 1), ("2025-06-09", "2025-06-16", 5), ("2025-06-11", "2025-06-25", 10),
        // A bank holiday Monday: found Friday 22 August 2025, summer bank holiday Monday 25.
        ("2025-08-22", "2025-08-25", 0), ("2025-08-22", "2025-08-26", 1), ("2025-08-22", "2025-08-27", 2),
        // Easter 2025: Good Friday 18 April, Easter Monday 21 April.
        ("2025-04-17", "2025-04-22", 1), ("2025-04-17", "2025-04-23", 2),
        // Christmas and New Year 2026-27: Friday 25 and Monday 28 December, Friday 1 January.
        ("2026-12-24", "2026-12-28", 0), ("2026-12-24", "2026-12-29", 1), ("2026-12-24", "2026-12-31", 3),
        ("2026-12-24", "2027-01-01", 3), ("2026-12-24", "2027-01-04", 4), ("2026-12-23", "2027-01-05", 6),
        // Christmas 2027 on a Saturday: Monday 27 and Tuesday 28 are the substitutes.
        ("2027-12-24", "2027-12-29", 1), ("2027-12-24", "2028-01-04", 4),
        // The 2022 Platinum Jubilee weekend: Thursday 2 and Friday 3 June.
        ("2022-06-01", "2022-06-06", 1),
    ])
    func counts(from: String, to: String, expected: Int) throws {
        #expect(try calendar.workingDays(from: day(from), to: day(to)) == expected)
    }

    @Test func isWorkingDay() throws {
        #expect(try calendar.isWorkingDay(day("2025-06-11")))
        #expect(try !calendar.isWorkingDay(day("2025-06-14")))
        #expect(try !calendar.isWorkingDay(day("2025-06-15")))
        #expect(try !calendar.isWorkingDay(day("2025-08-25")))
        #expect(try calendar.isWorkingDay(day("2021-12-29")))
    }

    @Test func extraHolidays() throws {
        let closed = try WorkingDays(extraHolidays: [day("2025-06-12"), day("2025-06-14")])
        #expect(try !closed.isWorkingDay(day("2025-06-12")))
        #expect(try closed.workingDays(from: day("2025-06-11"), to: day("2025-06-13")) == 1)
        #expect(try closed.workingDays(from: day("2025-06-11"), to: day("2025-06-16")) == 2)
    }

    /// "Contact within two working days" is `workingDays(from: found, to: outcome) <= 2`.
    @Test func withinTwoWorkingDays() throws {
        let found = try day("2025-08-22")
        let within = (0...7).filter { calendar.workingDays(from: found, to: found.adding(days: $0)) <= 2 }
        #expect(within.map { found.adding(days: $0).description }.last == "2025-08-27")
    }
}
