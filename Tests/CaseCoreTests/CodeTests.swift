import Testing

@testable import CaseCore

@Suite struct ICD10Tests {
    /// The spellings HES and SUS deliver, normalised.
    @Test(arguments: [
        ("K59.0", "K590"), ("K590", "K590"), ("k590", "K590"), ("R11X", "R11"), ("R11", "R11"), ("E86.0", "E860"),
        ("I10X-", "I10"), ("M4896D", "M4896D"), ("A17.0†", "A170"), ("G01*", "G01"), (" n39.0 ", "N390"), ("W19.X", "W19"),
        ("W19X", "W19"), ("R11.2", "R112"), ("K5900", "K5900"), ("E86 9", "E869"),
    ])
    func normalises(text: String, expected: String) {
        #expect(ICD10Code.read(text) == .code(code(expected)))
    }

    @Test(arguments: ["W1", "1234", "XYZ", "E8", "1A00", "AB12", "K59.0.0.0.0.0", "-", "†"])
    func notCodes(text: String) {
        #expect(ICD10Code.read(text) == .invalid)
    }

    @Test(arguments: ["", "   ", "."])
    func emptyFields(text: String) {
        #expect(ICD10Code.read(text) == .empty)
    }

    /// Prefix codes and ranges, as the spec's examples say.
    @Test(arguments: [
        ("E86", "E86", true), ("E86", "E860", true), ("E86", "E869", true), ("E86", "E87", false),
        ("K59.0", "K590", true), ("K59.0", "K5900", true), ("K59.0", "K591", false), ("K59.0", "K59", false),
        ("N39.0", "N390", true), ("R11", "R11X", true), ("R11", "R110", true), ("R11", "R11.2", true),
        ("W00-W19", "W010", true), ("W00-W19", "W19X", true), ("W00-W19", "W00", true), ("W00-W19", "W20", false),
        ("W00-W19", "V99", false), ("W00-W19", "X00", false),
    ])
    func matching(pattern: String, text: String, matches: Bool) throws {
        let p = try CodePattern.parse(pattern).get()
        guard case .code(let c) = ICD10Code.read(text) else { Issue.record("\(text) did not read"); return }
        #expect(p.matches(c) == matches)
    }

    @Test(arguments: [
        ("W19-W00", "backwards"), ("W0-W19", "not an ICD-10"), ("W00-W190", "different lengths"), ("W00-W10-W19", "not an ICD-10"),
        ("hello", "not an ICD-10"),
    ])
    func badPatterns(text: String, reason: String) {
        guard case .failure(let e) = CodePattern.parse(text) else { Issue.record("\(text) parsed"); return }
        #expect(e.description.contains(reason))
    }

    @Test func textOrderIsIntegerOrder() {
        let codes = ["W19", "E86", "K590", "E860", "A170", "N390"].map(code)
        #expect(codes.sorted().map(\.description) == ["A170", "E86", "E860", "K590", "N390", "W19"])
    }

    func code(_ text: String) -> ICD10Code {
        var packed: UInt64 = 0
        let bytes = Array(text.utf8)
        for i in 0..<8 { packed = (packed << 8) | UInt64(i < bytes.count ? bytes[i] : 0) }
        return ICD10Code(packed: packed)
    }
}

@Suite struct SubstanceTests {
    @Test func substanceIsTheFirstNineCharacters() {
        let a = substance("0212000AAAAAAAA")
        let b = substance("0212000AABBABAB")
        #expect(a == b)
        #expect(a?.description == "0212000AA")
        #expect(a?.chapter == 2)
        #expect(substance("0212000aa")?.description == "0212000AA")
    }

    @Test func chapters() {
        #expect(substance("1501010A0AAAAAA")?.chapter == 15)
        #expect(substance("1902000C0AAAAAA")?.chapter == 19)
        #expect(substance("2101000A0AAAAAA")?.chapter == 21)
    }

    @Test(arguments: ["0212000A", "0212-000AA", "0212 000AA", ""])
    func malformed(text: String) {
        #expect(substance(text) == nil)
    }

    /// Every byte: 0-9 and A-Z (either case) are the digits 0 to 35, everything else none,
    /// including the bytes beside the ranges (`/ : @ [ ` { `) and those above 127.
    @Test func everyByteIsADigitOrNot() {
        for b in 0...255 {
            let expected: UInt8? =
                switch b {
                case 48...57: UInt8(b - 48)
                case 65...90: UInt8(b - 55)
                case 97...122: UInt8(b - 87)
                default: nil
                }
            #expect(Substance.digit(UInt8(b)) == expected, "byte \(b)")
        }
        #expect(substance("0212000aa")?.description == "0212000AA")
        #expect(substance("0212000A\u{C1}") == nil)
    }

    func substance(_ text: String) -> Substance? {
        var t = text
        return t.withUTF8 { Substance.read($0) }
    }
}

@Suite struct ShortCodeTests {
    @Test func caseInsensitive() {
        #expect(ShortCode("2b") == ShortCode("2B"))
        #expect(ShortCode("54")?.description == "54")
        #expect(ShortCode("") == nil)
        #expect(ShortCode("12345") == nil)
    }
}
