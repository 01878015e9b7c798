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

    /// The part's text; call `validate()` first.
    func xml() -> String {
        var out = PackageParts.header
        out += "<worksheet xmlns=\"\(PackageParts.main)\" xmlns:r=\"\(PackageParts.officeRelationships)\">"
        out += "<dimension ref=\"\(usedRange)\"/>"
        out += "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">"
        out += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
        out += "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>"
        out += "</sheetView></sheetViews>"
        out += "<sheetFormatPr defaultRowHeight=\"15\"/>"
        out += "<cols>"
        for (i, column) in sheet.columns.enumerated() {
            out += "<col min=\"\(i + 1)\" max=\"\(i + 1)\" width=\"\(Self.width(column.width))\" customWidth=\"1\"/>"
        }
        out += "</cols>"
        out += "<sheetData>"
        out += "<row r=\"1\">"
        for (i, column) in sheet.columns.enumerated() {
            out += Self.textCell(column.title, at: Self.columnName(i) + "1", style: .header)
        }
        out += "</row>"
        for (r, row) in sheet.rows.enumerated() {
            let rowNumber = String(r + 2)
            out += "<row r=\"\(rowNumber)\">"
            for (c, cell) in row.enumerated() {
                out += Self.cell(cell, at: Self.columnName(c) + rowNumber)
            }
            out += "</row>"
        }
        out += "</sheetData>"
        out += "<autoFilter ref=\"\(usedRange)\"/>"
        out += dataValidations()
        out += "<pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/>"
        out += "</worksheet>"
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

    private static func cell(_ cell: WorkbookCell, at ref: String) -> String {
        switch cell {
        case .text(let text):
            return textCell(text, at: ref, style: .text)
        case .number(let literal):
            return "<c r=\"\(ref)\"><v>\(CellValues.number(literal) ?? "0")</v></c>"
        case .date(let year, let month, let day):
            let serial = CellValues.serial(year: year, month: month, day: day) ?? 0
            return "<c r=\"\(ref)\" s=\"\(PackageParts.Style.date.rawValue)\"><v>\(serial)</v></c>"
        case .empty:
            return ""
        }
    }

    /// An inline string: never a formula, never a number, spaces at either end kept.
    private static func textCell(_ text: String, at ref: String, style: PackageParts.Style) -> String {
        "<c r=\"\(ref)\" s=\"\(style.rawValue)\" t=\"inlineStr\"><is><t xml:space=\"preserve\">"
            + XMLText.cellText(text) + "</t></is></c>"
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
