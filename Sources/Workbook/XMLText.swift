/// Text made safe for the workbook's XML parts.
///
/// A value from a patient record may hold anything: markup characters, control characters,
/// text that looks like a formula. None of it may change the file's structure, and what Excel
/// shows must be the value itself.
enum XMLText {
    /// Whether XML 1.0 allows the scalar in a document at all (its `Char` production): tab,
    /// LF, CR, and everything from U+0020 except U+FFFE and U+FFFF (surrogates cannot occur in
    /// a Swift string). Nothing else can be written, even as a character reference.
    static func isAllowed(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x20...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Element content: `&`, `<`, `>` and both quotes as entities, CR as `&#13;` (an XML
    /// reader turns a literal CR into LF), forbidden characters dropped.
    static func content(_ text: String) -> String {
        escape(text, attribute: false)
    }

    /// An attribute value (in double quotes): as `content`, and tab and LF as character
    /// references too, which a reader would otherwise normalise to spaces.
    static func attribute(_ text: String) -> String {
        escape(text, attribute: true)
    }

    /// Whether escaped element content needs `xml:space="preserve"` for a reader to keep it
    /// as it is: a space at either end, two spaces together, a tab, a line break or a
    /// character reference (the escaped CR). Plain text reads the same without it.
    static func needsPreservedSpace(_ escaped: String) -> Bool {
        let bytes = escaped.utf8
        guard let first = bytes.first, let last = bytes.last else { return false }
        if first == 32 || last == 32 { return true }
        var previous: UInt8 = 0
        for b in bytes {
            if b == 9 || b == 10 || b == 13 || (b == 32 && previous == 32) || (b == 35 && previous == 38) { return true }
            previous = b
        }
        return false
    }

    /// A cell's text (`ST_Xstring`): Excel reads `_xHHHH_` as the character U+HHHH, so the
    /// underscore that starts such a sequence is itself written `_x005F_`, and Excel shows the
    /// original text. Then escaped as `content`.
    static func cellText(_ text: String) -> String {
        content(protectingEscapeSequences(text))
    }

    /// `_xHHHH_` (four hex digits) becomes `_x005F_xHHHH_`; every other underscore is kept.
    static func protectingEscapeSequences(_ text: String) -> String {
        // A byte scan, not Foundation's `contains`, which searched with `range(of:)` and was a
        // fifth of the time to write a sheet.
        var previous: UInt8 = 0
        var found = false
        for b in text.utf8 {
            if previous == 95 && (b == 120 || b == 88) {
                found = true
                break
            }
            previous = b
        }
        guard found else { return text }
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if scalars[i] == "_", i + 6 < scalars.count, scalars[i + 1] == "x" || scalars[i + 1] == "X",
                scalars[(i + 2)...(i + 5)].allSatisfy({ $0.properties.isASCIIHexDigit }), scalars[i + 6] == "_"
            {
                out.append(contentsOf: "_x005F_".unicodeScalars)
            } else {
                out.append(scalars[i])
            }
            i += 1
        }
        return String(out)
    }

    private static func escape(_ text: String, attribute: Bool) -> String {
        // Most cells need nothing: printable ASCII or UTF-8 without markup characters.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 || $0 >= 0xEF }) {
            return text
        }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for s in text.unicodeScalars {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\r": out += "&#13;"
            case "\n" where attribute: out += "&#10;"
            case "\t" where attribute: out += "&#9;"
            default:
                if isAllowed(s) { out.unicodeScalars.append(s) }
            }
        }
        return out
    }
}
