/// How numbers and dates are written as a numeric cell's `<v>`.
enum CellValues {
    /// The literal as `<v>` holds it (an `xsd:double`), or nil if `literal` is not a decimal
    /// number: an optional sign, digits with at most one decimal point (at least one digit),
    /// and an optional exponent. A leading "+" is dropped; nothing else changes.
    static func number(_ literal: String) -> String? {
        // The usual case, plain digits with at most one point, read from the bytes.
        var digits = 0
        var points = 0
        var plain = true
        for b in literal.utf8 {
            if b >= 48 && b <= 57 {
                digits += 1
            } else if b == 46 && points == 0 {
                points += 1
            } else {
                plain = false
                break
            }
        }
        if plain { return digits > 0 ? literal : nil }
        var s = Substring(literal)
        var sign = ""
        if s.first == "+" || s.first == "-" {
            if s.first == "-" { sign = "-" }
            s = s.dropFirst()
        }
        var mantissa = s
        var exponent: Substring = ""
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exponent = s[s.index(after: e)...]
            if exponent.first == "+" || exponent.first == "-" { exponent = exponent.dropFirst() }
            guard !exponent.isEmpty, exponent.allSatisfy(isDigit) else { return nil }
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.allSatisfy({ $0.allSatisfy(isDigit) }), parts.contains(where: { !$0.isEmpty }) else { return nil }
        return sign + String(s)
    }

    private static func isDigit(_ c: Character) -> Bool { c >= "0" && c <= "9" }

    /// The date's serial number in the 1900 date system: 1 is 1900-01-01, and, as in Excel,
    /// which counts a 29 February 1900 that never was, 61 is 1900-03-01. Nil for a day that is
    /// not in the calendar or outside 1900-01-01 ... 9999-12-31.
    static func serial(year: Int, month: Int, day: Int) -> Int? {
        guard (1900...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= daysIn(month: month, year: year)
        else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day) - daysFromCivil(year: 1899, month: 12, day: 31)
        return days >= 60 ? days + 1 : days
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm), so
    /// no time zone or locale is involved.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
