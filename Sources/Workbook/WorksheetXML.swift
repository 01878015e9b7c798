/// xl/worksheets/sheet1.xml for a ``WorkbookSheet``: the header in row 1, bold and frozen,
/// the data rows below it, an autofilter over both, the column widths and the drop-downs.
///
/// Elements are in the order the schema's `CT_Worksheet` sequence requires (Excel refuses a
/// file that has them otherwise): dimension, sheetViews, sheetFormatPr, cols, sheetData,
/// autoFilter, dataValidations, pageMargins.
struct WorksheetXML {
    static let maxRows = 1_048_576
    static let maxColumns = 16_384

    let sheet: WorkbookSheet

    /// The A1 reference of the header and all data rows, e.g. `A1:E9`.
    var usedRange: String {
        "A1:" + Self.columnName(sheet.columns.count - 1) + String(sheet.rows.count + 1)
    }

    /// `usedRange` with absolute references, as a defined name holds it: `$A$1:$E$9`.
    var absoluteUsedRange: String {
        "$A$1:$" + Self.columnName(sheet.columns.count - 1) + "$" + String(sheet.rows.count + 1)
    }

    /// Checks the sheet against the limits of a worksheet and the rules of each cell.
    func validate() throws {
        guard !sheet.columns.isEmpty else { throw WorkbookError.noColumns }
        guard sheet.columns.count <= Self.maxColumns, sheet.rows.count + 1 <= Self.maxRows else {
            throw WorkbookError.tooLarge
        }
        for (i, column) in sheet.columns.enumerated() {
            guard let choices = column.choices else { continue }
            let list = choices.joined(separator: ",")
            guard !choices.isEmpty, !choices.contains(where: { $0.contains(",") }), list.utf16.count <= 255 else {
                throw WorkbookError.invalidChoices(column: i)
            }
        }
        for (r, row) in sheet.rows.enumerated() {
            guard row.count <= sheet.columns.count else {
                throw WorkbookError.rowTooLong(row: r, cells: row.count, columns: sheet.columns.count)
            }
            for (c, cell) in row.enumerated() {
                switch cell {
                case .number(let literal):
                    if CellValues.number(literal) == nil { throw WorkbookError.notANumber(literal, row: r, column: c) }
                case .date(let year, let month, let day):
                    if CellValues.serial(year: year, month: month, day: day) == nil {
                        throw WorkbookError.invalidDate(year: year, month: month, day: day, row: r, column: c)
                    }
                case .text, .empty:
                    break
                }
            }
        }
    }

    /// The part's UTF-8 bytes; call `validate()` first. Built as bytes, cell by cell: a
    /// practice's list has thousands of cells, and string concatenation was most of the
    /// time to write a workbook.
    func xml() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(4096 + sheet.rows.count * sheet.columns.count * 48)
        func add(_ text: String) { out.append(contentsOf: text.utf8) }
        add(PackageParts.header)
        add("<worksheet xmlns=\"\(PackageParts.main)\" xmlns:r=\"\(PackageParts.officeRelationships)\">")
        add("<dimension ref=\"\(usedRange)\"/>")
        add("<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">")
        add("<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>")
        add("<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>")
        add("</sheetView></sheetViews>")
        add("<sheetFormatPr defaultRowHeight=\"15\"/>")
        add("<cols>")
        for (i, column) in sheet.columns.enumerated() {
            add("<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(Self.width(column.width))\" customWidth=\"1\"/>")
        }
        add("</cols>")
        add("<sheetData>")
        let letters = (0..<sheet.columns.count).map { Array(Self.columnName($0).utf8) }
        // Rows follow one another, and a cell that follows the one before it needs no
        // reference (`r` is optional in both): only a cell after an empty one names its place.
        // The references were a third of the part, and the part's size is what deflating costs.
        add("<row>")
        for column in sheet.columns { Self.textCell(column.title, at: nil, style: .header, into: &out) }
        add("</row>")
        var rowNumber: [UInt8] = []
        for (r, row) in sheet.rows.enumerated() {
            rowNumber.removeAll(keepingCapacity: true)
            Self.appendDecimal(r + 2, into: &rowNumber)
            out.append(contentsOf: Self.rowOpening)
            var next = 0
            for (c, cell) in row.enumerated() {
                if case .empty = cell { continue }
                Self.cell(cell, at: c == next ? nil : (letters[c], rowNumber), into: &out)
                next = c + 1
            }
            out.append(contentsOf: Self.rowClosing)
        }
        add("</sheetData>")
        add("<autoFilter ref=\"\(usedRange)\"/>")
        add(dataValidations())
        add("<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>")
        add("</worksheet>")
        return out
    }

    /// A list validation per column with choices, over its data rows (none without rows).
    private func dataValidations() -> String {
        guard !sheet.rows.isEmpty else { return "" }
        let lists = sheet.columns.enumerated().compactMap { i, column -> String? in
            guard let choices = column.choices else { return nil }
            let letter = Self.columnName(i)
            let list = "\"" + choices.joined(separator: ",").replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return "<dataValidation type=\"list\" allowBlank=\"1\" showInputMessage=\"1\" showErrorMessage=\"1\""
                + " sqref=\"\(letter)2:\(letter)\(sheet.rows.count + 1)\">"
                + "<formula1>\(XMLText.content(list))</formula1></dataValidation>"
        }
        guard !lists.isEmpty else { return "" }
        return "<dataValidations count=\"\(lists.count)\">" + lists.joined() + "</dataValidations>"
    }

    private static let rowOpening = Array("<row>".utf8)
    private static let rowClosing = Array("</row>".utf8)
    private static let cellOpening = Array("<c".utf8)
    private static let referenceOpening = Array(" r=\"".utf8)

    /// `<c`, then ` r="B7"` when the cell has a reference (column letters and row digits).
    private static func open(_ reference: (column: [UInt8], row: [UInt8])?, into out: inout [UInt8]) {
        out.append(contentsOf: cellOpening)
        guard let reference else { return }
        out.append(contentsOf: referenceOpening)
        out.append(contentsOf: reference.column)
        out.append(contentsOf: reference.row)
        out.append(34)
    }

    private static func cell(_ cell: WorkbookCell, at reference: (column: [UInt8], row: [UInt8])?, into out: inout [UInt8]) {
        switch cell {
        case .text(let text):
            textCell(text, at: reference, style: .text, into: &out)
        case .number(let literal):
            open(reference, into: &out)
            out.append(contentsOf: "><v>".utf8)
            out.append(contentsOf: (CellValues.number(literal) ?? "0").utf8)
            out.append(contentsOf: "</v></c>".utf8)
        case .date(let year, let month, let day):
            let serial = CellValues.serial(year: year, month: month, day: day) ?? 0
            open(reference, into: &out)
            out.append(contentsOf: dateOpening)
            appendDecimal(serial, into: &out)
            out.append(contentsOf: "</v></c>".utf8)
        case .empty:
            break
        }
    }

    /// An inline string: never a formula, never a number. Text whose white space a reader
    /// could drop or fold (at either end, line breaks, tabs, runs of spaces) is marked
    /// `xml:space="preserve"`; other text does not need it.
    private static func textCell(
        _ text: String, at reference: (column: [UInt8], row: [UInt8])?, style: PackageParts.Style, into out: inout [UInt8]
    ) {
        open(reference, into: &out)
        let escaped = XMLText.cellText(text)
        let preserve = XMLText.needsPreservedSpace(escaped)
        switch (style == .header, preserve) {
        case (true, true): out.append(contentsOf: headerPreservedOpening)
        case (true, false): out.append(contentsOf: headerTextOpening)
        case (false, true): out.append(contentsOf: textPreservedOpening)
        case (false, false): out.append(contentsOf: textOpening)
        }
        out.append(contentsOf: escaped.utf8)
        out.append(contentsOf: "</t></is></c>".utf8)
    }

    // What follows `<c` or `<c r="B7"` for each kind of cell, made once rather than per cell.
    private static func textOpeningBytes(_ style: PackageParts.Style, preserve: Bool) -> [UInt8] {
        Array(" s=\"\(style.rawValue)\" t=\"inlineStr\"><is><t\(preserve ? " xml:space=\"preserve\"" : "")>".utf8)
    }
    private static let textOpening = textOpeningBytes(.text, preserve: false)
    private static let textPreservedOpening = textOpeningBytes(.text, preserve: true)
    private static let headerTextOpening = textOpeningBytes(.header, preserve: false)
    private static let headerPreservedOpening = textOpeningBytes(.header, preserve: true)
    private static let dateOpening = Array(" s=\"\(PackageParts.Style.date.rawValue)\"><v>".utf8)

    /// A whole number's decimal digits, appended without making a string.
    static func appendDecimal(_ value: Int, into out: inout [UInt8]) {
        if value < 0 { out.append(45) }
        var rest = value.magnitude
        var divisor: UInt = 1
        while divisor <= rest / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(48 + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The column's letters: 0 is A, 25 is Z, 26 is AA.
    static func columnName(_ index: Int) -> String {
        var n = index + 1
        var letters: [Character] = []
        while n > 0 {
            let d = (n - 1) % 26
            letters.append(Character(Unicode.Scalar(UInt8(65 + d))))
            n = (n - 1) / 26
        }
        return String(letters.reversed())
    }

    /// A width for `<col>`: finite and within 0...255, without a trailing ".0".
    static func width(_ width: Double) -> String {
        let w = width.isFinite ? min(max(width, 0), 255) : 12
        let rounded = (w * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
