/// Text the page is written in: escaped strings, grouped counts, decimals and percentages.
extension HTMLReport {
    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `12345` as `12,345`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `x` rounded half away from zero to `places` decimals, trailing zeros kept unless `trim`;
    /// thousands separated by commas when `grouped` (figures a reader sees; never coordinates).
    static func decimal(_ x: Double, places: Int, trim: Bool = false, grouped: Bool = false) -> String {
        guard x.isFinite else { return "–" }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let n = Int((x.magnitude * Double(scale)).rounded())
        let whole = grouped ? count(n / scale) : String(n / scale)
        var frac = places > 0 ? String(n % scale) : ""
        frac = String(repeating: "0", count: max(0, places - frac.count)) + frac
        if trim { while frac.hasSuffix("0") { frac.removeLast() } }
        let sign = x < 0 && n != 0 ? "-" : ""
        return sign + whole + (frac.isEmpty ? "" : "." + frac)
    }

    /// `part` of `whole` as a whole percentage, rounded half up; nil when `whole` is 0.
    static func percent(_ part: Int, of whole: Int) -> Int? {
        guard whole > 0 else { return nil }
        return (part * 200 + whole) / (whole * 2)
    }
}
