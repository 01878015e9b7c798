/// Bank holidays in England and Wales, computed from the rules of the Banking and Financial
/// Dealings Act 1971 and the royal proclamations that moved or added days.
///
/// The rules, for every year from 1990 to 2100:
/// - New Year's Day, 1 January, or the Monday after when it falls on a Saturday or Sunday;
/// - Good Friday and Easter Monday (Easter Sunday by the Gregorian computus);
/// - the early May bank holiday, the first Monday in May;
/// - the spring bank holiday, the last Monday in May;
/// - the summer bank holiday, the last Monday in August;
/// - Christmas Day and Boxing Day, each moved to the next weekday that is not already a bank
///   holiday when it falls on a weekend: 25 December on a Saturday gives Monday 27 and Tuesday 28,
///   on a Sunday Monday 26 (Boxing Day) and Tuesday 27, and 26 December on a Saturday Monday 28.
///
/// And the one-off changes: 1995 early May moved to Monday 8 May (VE Day); 1999 Friday 31 December
/// added (millennium); 2002 spring moved to Tuesday 4 June and Monday 3 June added (Golden Jubilee);
/// 2011 Friday 29 April added (royal wedding); 2012 spring moved to Monday 4 June and Tuesday 5 June
/// added (Diamond Jubilee); 2020 early May moved to Friday 8 May (VE Day); 2022 spring moved to
/// Thursday 2 June, Friday 3 June added (Platinum Jubilee) and Monday 19 September added (state
/// funeral); 2023 Monday 8 May added (coronation).
///
/// The days are those GOV.UK publishes: a substitute day is listed, the weekend day it replaces is
/// not. Years after the last proclamation follow the rules alone; years outside 1990...2100 have
/// no bank holidays here (a weekend is still not a working day).
public enum EnglandBankHolidays {
    /// The years this type knows.
    public static let years = 1990...2100

    /// The bank holidays of `year`, in date order; empty outside ``years``.
    public static func days(in year: Int) -> [Day] {
        guard years.contains(year) else { return [] }
        return computed(year)
    }

    /// Whether `day` is a bank holiday in England and Wales.
    public static func contains(_ day: Day) -> Bool { all.contains(day) }

    /// Easter Sunday of `year` in the Gregorian calendar (the anonymous algorithm published by
    /// Meeus; valid for every Gregorian year).
    public static func easterSunday(in year: Int) -> Day {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return date(year, month, day)
    }

    private static let all: Set<Day> = Set(years.flatMap(computed))

    private static func date(_ y: Int, _ m: Int, _ d: Int) -> Day {
        guard let day = Day(year: y, month: m, day: d) else { preconditionFailure("no such day \(y)-\(m)-\(d)") }
        return day
    }

    /// The first Monday on or after `day`.
    private static func mondayOnOrAfter(_ day: Day) -> Day { day.adding(days: (8 - day.weekday) % 7) }

    /// The last Monday on or before `day`.
    private static func mondayOnOrBefore(_ day: Day) -> Day { day.adding(days: -(day.weekday - 1)) }

    private static func isWeekend(_ day: Day) -> Bool { day.weekday >= 6 }

    private static func computed(_ year: Int) -> [Day] {
        var days: [Day] = []
        let newYear = date(year, 1, 1)
        days.append(isWeekend(newYear) ? mondayOnOrAfter(newYear) : newYear)
        let easter = easterSunday(in: year)
        days.append(easter.adding(days: -2))
        days.append(easter.adding(days: 1))
        switch year {
        case 1995: days.append(date(1995, 5, 8))
        case 2020: days.append(date(2020, 5, 8))
        default: days.append(mondayOnOrAfter(date(year, 5, 1)))
        }
        switch year {
        case 2002: days += [date(2002, 6, 3), date(2002, 6, 4)]
        case 2012: days += [date(2012, 6, 4), date(2012, 6, 5)]
        case 2022: days += [date(2022, 6, 2), date(2022, 6, 3)]
        default: days.append(mondayOnOrBefore(date(year, 5, 31)))
        }
        days.append(mondayOnOrBefore(date(year, 8, 31)))
        switch year {
        case 2011: days.append(date(2011, 4, 29))
        case 2022: days.append(date(2022, 9, 19))
        case 2023: days.append(date(2023, 5, 8))
        default: break
        }
        // Christmas Day, then Boxing Day: each takes its own day when that is a weekday,
        // otherwise the next weekday not already taken.
        var taken: Set<Day> = []
        for original in [date(year, 12, 25), date(year, 12, 26)] {
            var d = original
            while isWeekend(d) || taken.contains(d) { d = d.adding(days: 1) }
            taken.insert(d)
        }
        days += taken
        if year == 1999 { days.append(date(1999, 12, 31)) }
        return days.sorted()
    }
}

/// Counts working days: Monday to Friday, except bank holidays in England and Wales and any
/// extra closure days given.
///
/// The counting rule, used for screening timeliness ("contact within two working days"): the
/// working days after the start day up to and including the end day. The start day itself is never
/// counted, so an outcome on the day a patient was case-found took 0 working days. Examples:
/// found Friday, outcome Monday is 1; found Friday, outcome Tuesday after a bank holiday Monday
/// is 1; found Saturday, outcome Monday is 1; found Thursday 24 December 2026, outcome Tuesday
/// 29 December is 1 (Friday 25 and Monday 28 are bank holidays). "Within two working days" means
/// `workingDays(from: found, to: outcome) <= 2`.
public struct WorkingDays: Sendable {
    /// Closure days that are not bank holidays (a local closure, a strike day); weekend days in
    /// it change nothing.
    public var extraHolidays: Set<Day>

    public init(extraHolidays: Set<Day> = []) {
        self.extraHolidays = extraHolidays
    }

    /// Whether `d` is Monday to Friday and neither a bank holiday nor an extra holiday.
    public func isWorkingDay(_ d: Day) -> Bool {
        d.weekday <= 5 && !EnglandBankHolidays.contains(d) && !extraHolidays.contains(d)
    }

    /// The number of working days after `start` up to and including `end`; 0 when `end` is on or
    /// before `start`.
    public func workingDays(from start: Day, to end: Day) -> Int {
        guard end > start else { return 0 }
        var count = 0
        var d = start.adding(days: 1)
        while d <= end {
            if isWorkingDay(d) { count += 1 }
            d = d.adding(days: 1)
        }
        return count
    }
}
