import Testing

@testable import Workbook

/// The pieces of the writer that decide what a value becomes: XML escaping, the sheet name,
/// numbers, date serials, column letters, and the errors for what cannot be written.
@Suite struct WorkbookXMLTests {
    @Test func contentEscapesMarkupAndDropsWhatXMLForbids() {
        #expect(XMLText.content("a<b>&\"c\"'d'") == "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;")
        #expect(
            XMLText.content("</t></is></c><c r=\"Z9\"><f>1</f>")
                == "&lt;/t&gt;&lt;/is&gt;&lt;/c&gt;&lt;c r=&quot;Z9&quot;&gt;&lt;f&gt;1&lt;/f&gt;")
        #expect(XMLText.content("a\u{0}b\u{1}c\u{8}d\u{B}e\u{C}f\u{1F}g\u{FFFE}h\u{FFFF}i") == "abcdefghi")
        #expect(XMLText.content("tab\tlf\ncr\rend") == "tab\tlf\ncr&#13;end")
        #expect(XMLText.content("  spaced  ") == "  spaced  ")
        #expect(XMLText.content("Zoë 😀 \u{7F}") == "Zoë 😀 \u{7F}")
    }

    @Test func onlyTextAReaderCouldFoldIsMarkedToPreserveSpace() {
        for plain in ["", "a", "frailty; admissions", "a b c", "x&amp;y", "_x005F_"] {
            #expect(!XMLText.needsPreservedSpace(plain), "\(plain)")
        }
        for kept in [" a", "a ", " ", "a  b", "a\tb", "line1\nline2", "cr&#13;lf"] {
            #expect(XMLText.needsPreservedSpace(kept), "\(kept)")
        }
        // Judged on the escaped text: a dropped control character can leave a space at an end.
        #expect(XMLText.needsPreservedSpace(XMLText.cellText("\u{1} x")))
        #expect(XMLText.needsPreservedSpace(XMLText.cellText("a\rb")))
    }

    @Test func attributesKeepTabsAndLineBreaksAsReferences() {
        #expect(XMLText.attribute("a\tb\nc\rd\"e") == "a&#9;b&#10;c&#13;d&quot;e")
    }

    @Test func cellTextProtectsExcelsEscapeSequences() {
        #expect(XMLText.cellText("_x0041_") == "_x005F_x0041_")
        #expect(XMLText.cellText("a_X00e9_b_x12_c_") == "a_x005F_X00e9_b_x12_c_")
        #expect(XMLText.cellText("snake_case_x") == "snake_case_x")
        #expect(XMLText.cellText("<_x0000_>") == "&lt;_x005F_x0000_&gt;")
    }

    @Test func sheetNamesFollowExcelsRules() {
        #expect(WorkbookSheet.sanitisedName("Review [2026]: a*b?c/d\\e") == "Review _2026__ a_b_c_d_e")
        #expect(WorkbookSheet.sanitisedName(String(repeating: "x", count: 40)) == String(repeating: "x", count: 31))
        // 30 ASCII characters and an emoji (two UTF-16 units): the emoji does not fit in 31
        #expect(WorkbookSheet.sanitisedName(String(repeating: "y", count: 30) + "😀") == String(repeating: "y", count: 30))
        #expect(WorkbookSheet.sanitisedName("'quoted'") == "quoted")
        #expect(WorkbookSheet.sanitisedName("O'Brien's list") == "O'Brien's list")
        #expect(WorkbookSheet.sanitisedName("") == "Sheet1")
        #expect(WorkbookSheet.sanitisedName("''") == "Sheet1")
        #expect(WorkbookSheet.sanitisedName("history") == "history_")
        #expect(WorkbookSheet.sanitisedName("tab\there") == "tab_here")
        #expect(WorkbookSheet(name: "a/b", columns: [], rows: []).excelName == "a_b")
    }

    @Test func numbersAreDecimalLiteralsAsWritten() {
        #expect(CellValues.number("81") == "81")
        #expect(CellValues.number("-0.5") == "-0.5")
        #expect(CellValues.number("+12.30") == "12.30")
        #expect(CellValues.number(".5") == ".5")
        #expect(CellValues.number("1.5e-3") == "1.5e-3")
        for bad in ["", "-", ".", "1,5", "1.2.3", "0x1F", "NaN", "inf", "1e", "12 ", " 12", "=1+1", "1e+"] {
            #expect(CellValues.number(bad) == nil, "\(bad)")
        }
    }

    @Test func dateSerialsFollowThe1900DateSystem() {
        #expect(CellValues.serial(year: 1900, month: 1, day: 1) == 1)
        #expect(CellValues.serial(year: 1900, month: 2, day: 28) == 59)
        #expect(CellValues.serial(year: 1900, month: 3, day: 1) == 61)  // Excel's 29 Feb 1900 is 60
        #expect(CellValues.serial(year: 1930, month: 2, day: 28) == 11_017)
        #expect(CellValues.serial(year: 2026, month: 2, day: 3) == 46_056)
        #expect(CellValues.serial(year: 2024, month: 2, day: 29) == 45_351)
        #expect(CellValues.serial(year: 9999, month: 12, day: 31) == 2_958_465)
        #expect(CellValues.serial(year: 2025, month: 2, day: 29) == nil)
        #expect(CellValues.serial(year: 1900, month: 2, day: 29) == nil)
        #expect(CellValues.serial(year: 1899, month: 12, day: 31) == nil)
        #expect(CellValues.serial(year: 2026, month: 13, day: 1) == nil)
        #expect(CellValues.serial(year: 2026, month: 4, day: 31) == nil)
    }

    @Test func columnLettersAndWidths() {
        #expect(WorksheetXML.columnName(0) == "A")
        #expect(WorksheetXML.columnName(25) == "Z")
        #expect(WorksheetXML.columnName(26) == "AA")
        #expect(WorksheetXML.columnName(701) == "ZZ")
        #expect(WorksheetXML.columnName(16_383) == "XFD")
        #expect(WorksheetXML.width(14) == "14")
        #expect(WorksheetXML.width(8.43) == "8.43")
        #expect(WorksheetXML.width(-3) == "0")
        #expect(WorksheetXML.width(1000) == "255")
        #expect(WorksheetXML.width(.nan) == "12")
    }

    @Test func whatCannotBeWrittenThrows() {
        let one = [WorkbookColumn(title: "a", width: 10)]
        #expect(throws: WorkbookError.noColumns) { try XLSXWriter.bytes(WorkbookSheet(name: "s", columns: [], rows: [])) }
        #expect(throws: WorkbookError.rowTooLong(row: 0, cells: 2, columns: 1)) {
            try XLSXWriter.bytes(WorkbookSheet(name: "s", columns: one, rows: [[.empty, .empty]]))
        }
        #expect(throws: WorkbookError.notANumber("12abc", row: 1, column: 0)) {
            try XLSXWriter.bytes(WorkbookSheet(name: "s", columns: one, rows: [[.number("1")], [.number("12abc")]]))
        }
        #expect(throws: WorkbookError.invalidDate(year: 2026, month: 2, day: 30, row: 0, column: 0)) {
            try XLSXWriter.bytes(WorkbookSheet(name: "s", columns: one, rows: [[.date(year: 2026, month: 2, day: 30)]]))
        }
        for choices in [[], ["a,b"], [String(repeating: "z", count: 256)]] {
            let column = WorkbookColumn(title: "c", width: 10, choices: choices)
            #expect(throws: WorkbookError.invalidChoices(column: 0)) {
                try XLSXWriter.bytes(WorkbookSheet(name: "s", columns: [column], rows: []))
            }
        }
    }

    @Test func theWorksheetIsTextCellsAndNoFormula() throws {
        let sheet = WorkbookSheet(
            name: "s", columns: [WorkbookColumn(title: " NHS ", width: 12), WorkbookColumn(title: "n", width: 5)],
            rows: [[.text("=SUM(A1)"), .number("7")], [.empty, .date(year: 2026, month: 2, day: 3)]])
        let xml = String(decoding: WorksheetXML(sheet: sheet).xml(), as: UTF8.self)
        // The header's title has spaces at both ends, so it keeps them; plain text needs no mark.
        #expect(xml.contains("<row><c s=\"2\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> NHS </t></is></c>"))
        #expect(xml.contains("<c s=\"2\" t=\"inlineStr\"><is><t>n</t></is></c></row>"))
        #expect(xml.contains("<row><c s=\"1\" t=\"inlineStr\"><is><t>=SUM(A1)</t></is></c><c><v>7</v></c></row>"))
        // A cell after an empty one names its place; rows and cells in sequence do not.
        #expect(xml.contains("<row><c r=\"B3\" s=\"3\"><v>46056</v></c></row>"))
        #expect(!xml.contains("<row r="))
        #expect(xml.contains("<autoFilter ref=\"A1:B3\"/>"))
        #expect(!xml.contains("<f>"))
    }

    @Test func theSameSheetGivesTheSameBytes() throws {
        let sheet = WorkbookSheet(
            name: "Review", columns: [WorkbookColumn(title: "NHS number", width: 14)],
            rows: (0..<500).map { [.text("0" + String(100_000_000 + $0 * 7919))] })
        let first = try XLSXWriter.bytes(sheet)
        let second = try XLSXWriter.bytes(sheet)
        #expect(first == second)
        #expect(first.starts(with: [0x50, 0x4B, 0x03, 0x04]))  // "PK\3\4": a ZIP local file header
        #expect(first.count < 500 * 40)  // deflated, not stored
    }
}
