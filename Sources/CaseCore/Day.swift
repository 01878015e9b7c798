/// A calendar day in the proleptic Gregorian calendar, stored as days since 1970-01-01.
///
/// Dates in extracts carry no time or zone, so a day is the unit everywhere: windows,
/// ages and deaths are computed in whole days. `Day` is ordered and hashable and costs 4 bytes.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Days since 1970-01-01 (negative before it).
    public var ordinal: Int32

    public init(ordinal: Int32) { self.ordinal = ordinal }

    /// Creates a day from a valid year, month (1-12) and day of month; nil when it does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1 && year <= 9999, month >= 1 && month <= 12, day >= 1,
            day <= Day.daysIn(month: month, year: year)
        else { return nil }
        self.ordinal = Int32(Day.daysFromCivil(year, month, day))
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    /// Whether `year` has a 29 February.
    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` (1-12) of `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The year, month (1-12) and day of month.
    public var components: (year: Int, month: Int, day: Int) {
        let z = Int(ordinal) + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let c = components
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(c.year, 4))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// The ISO 8601 day of the week: 1 Monday ... 7 Sunday (1970-01-01 was a Thursday, 4).
    public var weekday: Int {
        let r = (Int(ordinal) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// This day plus `days` days (negative to go back).
    public func adding(days: Int) -> Day { Day(ordinal: ordinal + Int32(days)) }

    /// The same calendar day `months` months earlier; when that day does not exist in the
    /// target month, the last day of that month (2028-02-29 minus 12 months is 2027-02-28).
    public func subtracting(months: Int) -> Day {
        let c = components
        let total = c.year * 12 + (c.month - 1) - months
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let d = min(c.day, Day.daysIn(month: m, year: y))
        return Day(ordinal: Int32(Day.daysFromCivil(y, m, d)))
    }

    /// Age in completed years on `day` of someone born on this day. A 29 February birthday
    /// is reached on 1 March in years without a 29 February.
    /// The latest birth date of anyone aged `years` or more on `day`: born on or before it,
    /// `age(on: day) >= years`. Found with `age(on:)` itself (it only falls as the birth date
    /// moves later), so that a birthday on 29 February counts as that does.
    public static func latestBirth(forAge years: Int, on day: Day) -> Day {
        // age(on:) is at least `years` at `low` and below it at `high`.
        var low = Int(day.ordinal) - (years + 1) * 366 - 2
        var high = Int(day.ordinal) - years * 365 + 2
        while high - low > 1 {
            let mid = low + (high - low) / 2
            if Day(ordinal: Int32(mid)).age(on: day) >= years { low = mid } else { high = mid }
        }
        return Day(ordinal: Int32(low))
    }

    public func age(on day: Day) -> Int {
        let b = components
        let d = day.components
        var years = d.year - b.year
        if (d.month, d.day) < (b.month, b.day) { years -= 1 }
        return years
    }
}

/// How dates are spelled in an extract.
public enum DateFormat: String, Sendable, CaseIterable {
    /// `YYYY-MM-DD`, the contract's default.
    case iso = "YYYY-MM-DD"
    /// `DD/MM/YYYY`, common in spreadsheet exports.
    case dayMonthYear = "DD/MM/YYYY"
    /// `YYYYMMDD`, some HES deliveries.
    case compact = "YYYYMMDD"

    /// Parses a trimmed date field; nil when it is not a real date in this format.
    public func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Day? {
        @inline(__always) func digits(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                let c = bytes[i] &- 48
                if c > 9 { return nil }
                v = v * 10 + Int(c)
            }
            return v
        }
        switch self {
        case .iso:
            guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45,
                let y = digits(0, 4), let m = digits(5, 2), let d = digits(8, 2)
            else { return nil }
            return Day(year: y, month: m, day: d)
        case .dayMonthYear:
            guard bytes.count == 10, bytes[2] == 47, bytes[5] == 47,
                let d = digits(0, 2), let m = digits(3, 2), let y = digits(6, 4)
            else { return nil }
            return Day(year: y, month: m, day: d)
        case .compact:
            guard bytes.count == 8, let y = digits(0, 4), let m = digits(4, 2), let d = digits(6, 2)
            else { return nil }
            return Day(year: y, month: m, day: d)
        }
    }

    /// Parses a date written as a Swift string (command-line flags, tests).
    public func parse(_ text: String) -> Day? {
        var copy = text
        return copy.withUTF8 { parse($0) }
    }
}
