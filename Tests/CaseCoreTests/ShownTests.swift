import Testing

@testable import CaseCore

/// Values quoted in messages: one line, short, never a data row taken for a header.
@Suite struct ShownTests {
    @Test func controlCharactersAreEscaped() {
        #expect(Shown.value("a\nb\rc\td\0e\u{1B}[31m\\") == "a\\nb\\rc\\td\\0e\\u{1B}[31m\\\\")
        #expect(Shown.value("caf\u{E9} \u{2028}x") == "caf\u{E9} \\u{2028}x")
        #expect(Shown.value("plain F81001") == "plain F81001")
    }

    @Test func longValuesAreCut() {
        let long = String(repeating: "x", count: 10_000_000)
        #expect(Shown.value(long) == String(repeating: "x", count: 200) + "... (10000000 characters)")
        #expect(Shown.value(String(repeating: "y", count: 200)) == String(repeating: "y", count: 200))
        #expect(Shown.value("abcdef", limit: 3) == "abc... (6 characters)")
    }

    @Test(arguments: [
        (["9434765919", "1940-01-01", "F", "F81001"], true),
        (["nhs_number", "date_of_birth", "gp_practice"], false),
        (["NEWNHSNO", "DIAG_4_01", "ADMIDATE"], false),
        (["x", "01/02/1940"], true),
        (["code", "123"], false),
        ([], false),
    ])
    func aDataRowIsNotShownAsAHeader(fields: [String], data: Bool) {
        #expect(Shown.looksLikeData(fields) == data)
        #expect(Shown.header(fields).contains("looks like data") == data)
        if data { #expect(!Shown.header(fields).contains(fields.last ?? "")) }
    }

    @Test func aDiagnosticIsOneLine() {
        let d = Diagnostic(
            location: SourceLocation(file: "admissions.csv", line: 3), severity: .reject, reason: "unreadable date",
            field: "admission_date",
            value: "2026-01-01\ncasefind: forged line", record: "")
        #expect(d.rendered == "admissions.csv:3: reject: unreadable date [admission_date=2026-01-01\\ncasefind: forged line]")
    }
}
