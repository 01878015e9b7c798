/// Text read from an input file, as a message on stderr or in a log may show it: short, on one
/// line, and never a patient's data by accident.
///
/// A value from an extract is quoted in messages so that a user can find the row; but a cron log
/// is read by people outside direct care, and a value holding a line feed or an escape sequence
/// could forge or hide log lines. So control characters are escaped and the value is cut.
public enum Shown {
    /// The value with control characters escaped (`\n`, `\r`, `\t`, `\0`, `\u{1B}`...) and at
    /// most `limit` characters of it, then `... (N characters)`.
    public static func value(_ text: String, limit: Int = 200) -> String {
        var out = ""
        var count = 0
        for c in text.unicodeScalars {
            if count == limit {
                return out + "... (\(text.unicodeScalars.count) characters)"
            }
            count += 1
            switch c {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            case "\\": out += "\\\\"
            default:
                if c.value < 0x20 || c.value == 0x7F || (c.value >= 0x80 && c.value < 0xA0) || c.value == 0x2028 || c.value == 0x2029 {
                    out += "\\u{" + String(c.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// Whether the fields of a file's first line look like a data row rather than a header: a
    /// field of four or more digits with only date or number punctuation (an NHS number, a date).
    /// A file delivered without its header line must not have that row quoted as "the header".
    public static func looksLikeData(_ fields: [String]) -> Bool {
        fields.contains { f in
            var digits = 0
            for c in f.unicodeScalars {
                switch c {
                case "0"..."9": digits += 1
                case "-", "/", ".", ":", " ", "+": continue
                default: return false
                }
            }
            return digits >= 4
        }
    }

    /// A header line for a message: its fields, at most `limit` characters in all; or, when it
    /// looks like data, only how many fields it has.
    public static func header(_ fields: [String], limit: Int = 300) -> String {
        if looksLikeData(fields) {
            return "the first line has \(fields.count) field(s) and looks like data, not a header (not shown): is the header line missing?"
        }
        return "header: " + value(fields.joined(separator: ","), limit: limit)
    }
}
