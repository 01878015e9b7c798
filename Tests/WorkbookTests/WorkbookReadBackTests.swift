import Foundation
import TestSupport
import Testing
import Workbook

/// A workbook read back by a real reader: openpyxl, through `Tests/workbook/check_xlsx.py`, in
/// the venv that `Tests/sql/setup.sh` makes (`scripts/setup --tests` calls it). Every cell's
/// value and type, the Text format, the frozen header, the autofilter and the drop-down are
/// checked. Fails, not skips, without the venv or openpyxl.
@Suite struct WorkbookReadBackTests {
    /// A cell and what openpyxl must read from it (check_xlsx.py's CELL).
    typealias Case = (cell: WorkbookCell, expected: [String: Any])

    static func text(_ s: String, reads: String? = nil) -> Case { (.text(s), ["type": "str", "value": reads ?? s]) }
    static func int(_ s: String, _ value: Int) -> Case { (.number(s), ["type": "int", "value": value]) }
    static func float(_ s: String, _ value: Double) -> Case { (.number(s), ["type": "float", "value": value]) }
    static func date(_ y: Int, _ m: Int, _ d: Int) -> Case {
        let iso = String(y) + "-" + (m < 10 ? "0" : "") + String(m) + "-" + (d < 10 ? "0" : "") + String(d)
        return (.date(year: y, month: m, day: d), ["type": "date", "value": iso])
    }
    static var empty: Case { (.empty, ["type": "empty"]) }

    static let columns = [
        WorkbookColumn(title: "NHS number", width: 14), WorkbookColumn(title: "Age", width: 6),
        WorkbookColumn(title: "Score", width: 8.43), WorkbookColumn(title: "Date of birth", width: 12),
        WorkbookColumn(title: "Last admission", width: 12), WorkbookColumn(title: "Note", width: 40),
        WorkbookColumn(title: " Other ", width: 10),
        WorkbookColumn(title: "Decision", width: 10, choices: ["accept", "reject"]),
    ]

    static var rows: [[Case]] {
        [
            [
                text("0123456789"), int("81", 81), float("-0.5", -0.5), date(1930, 2, 28), date(2026, 2, 3),
                text("=HYPERLINK(\"http://x\")"), empty, text("accept"),
            ],
            [
                text("9434765919"), int("0", 0), float("12.3", 12.3), date(1900, 2, 28), date(1900, 3, 1),
                text("a <&> \"b\" 'c'\u{1}\u{7}\u{1B}d", reads: "a <&> \"b\" 'c'd"), text("  padded  "), empty,
            ],
            [
                text("0000000001"), int("+7", 7), float("1e3", 1000), date(2024, 2, 29), empty,
                text("line1\nline2\r\nx\ty"), text("Zoë 😀"), text("reject"),
            ],
            [
                text("1234567890123456789"), empty, float("-00.250", -0.25), empty, date(9999, 12, 31),
                text("</t></is></c><c r=\"Z9\"><f>1+1</f></c>"), text("+1"), empty,
            ],
            [text("-123"), empty, empty, empty, empty, text("1E5"), text("TRUE")],  // short row: the rest is empty
        ]
    }

    @Test func openpyxlReadsBackEveryValueAndType() throws {
        let root = repositoryRoot()
        guard let python = testVenvPython() else { return }
        let sheet = WorkbookSheet(
            name: "Dr O'Brien: 03/02/2026 [review]", columns: Self.columns, rows: Self.rows.map { $0.map(\.cell) })
        let expected: [String: Any] = [
            "sheet_name": "Dr O'Brien_ 03_02_2026 _review_",
            "header": Self.columns.map(\.title),
            "widths": Self.columns.map(\.width),
            "rows": Self.rows.map { row in
                row.map(\.expected) + Array(repeating: Self.empty.expected, count: Self.columns.count - row.count)
            },
            "choices": ["H": ["accept", "reject"]],
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("workbook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("review.xlsx")
        let expectedFile = folder.appendingPathComponent("expected.json")
        try Data(XLSXWriter.bytes(sheet)).write(to: file)
        try JSONSerialization.data(withJSONObject: expected, options: [.sortedKeys]).write(to: expectedFile)

        let (status, output) = try runProgram(python, [root + "/Tests/workbook/check_xlsx.py", file.path, expectedFile.path])
        #expect(status == 0, "Tests/workbook/check_xlsx.py exited \(status):\n\(output)")
        #expect(output.contains(" 0 failed"), "\(output)")
    }
}
