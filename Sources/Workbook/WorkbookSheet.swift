/// One cell of a review workbook.
public enum WorkbookCell: Sendable, Equatable {
    /// Always a text cell, formatted "@" (Text): Excel never turns `0123456789` into a number,
    /// never shows it in scientific notation, and never reads it as a formula, even when it
    /// starts with "=". Characters that XML 1.0 forbids (control characters other than tab, LF
    /// and CR) are dropped; leading and trailing spaces are kept.
    case text(String)
    /// A decimal literal as written ("81", "-0.5", "12.3", "1.5e3"), written as a numeric cell.
    /// Anything else makes ``XLSXWriter/bytes(_:)`` throw ``WorkbookError/notANumber(_:row:column:)``.
    case number(String)
    /// A real date cell (a serial number in the 1900 date system), shown DD/MM/YYYY. Years
    /// 1900 to 9999; an impossible date (30 February) makes the writer throw.
    case date(year: Int, month: Int, day: Int)
    /// No cell at all.
    case empty
}

/// A column of the sheet: its header, its width and, optionally, the values a reviewer may pick.
public struct WorkbookColumn: Sendable {
    /// The header row's text.
    public var title: String
    /// The width in Excel's units (characters of the default font), clamped to 0...255.
    public var width: Double
    /// If set, a list data validation on the column's data rows (a drop-down), e.g.
    /// `["accept", "reject"]`. Excel's rules for an inline list apply: no commas in a choice and
    /// at most 255 characters in all, else the writer throws ``WorkbookError/invalidChoices(column:)``.
    public var choices: [String]?

    public init(title: String, width: Double = 12, choices: [String]? = nil) {
        self.title = title
        self.width = width
        self.choices = choices
    }
}

/// The one sheet of a review workbook: a bold, frozen header row of `columns` with an
/// autofilter over it and all `rows`.
public struct WorkbookSheet: Sendable {
    /// The sheet (tab) name. Written sanitised to Excel's rules: see ``excelName``.
    public var name: String
    /// The columns, in order; they give the header row.
    public var columns: [WorkbookColumn]
    /// The data rows. A row may be shorter than `columns` (the rest is empty), not longer.
    public var rows: [[WorkbookCell]]

    public init(name: String, columns: [WorkbookColumn], rows: [[WorkbookCell]]) {
        self.name = name
        self.columns = columns
        self.rows = rows
    }

    /// `name` as Excel accepts it: each of `[ ] : * ? / \` and each control character becomes
    /// "_", apostrophes are trimmed from both ends, it is cut to 31 UTF-16 units (Excel's limit,
    /// never splitting a character), and a name left empty becomes "Sheet1" (the reserved
    /// "History" becomes "History_").
    public var excelName: String { Self.sanitisedName(name) }

    static func sanitisedName(_ name: String) -> String {
        let forbidden: Set<Character> = ["[", "]", ":", "*", "?", "/", "\\"]
        var cleaned = String(
            name.map { c -> Character in
                forbidden.contains(c) || c.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F } ? "_" : c
            })
        while cleaned.hasPrefix("'") { cleaned.removeFirst() }
        while cleaned.hasSuffix("'") { cleaned.removeLast() }
        var cut = ""
        for c in cleaned {
            if cut.utf16.count + c.utf16.count > 31 { break }
            cut.append(c)
        }
        while cut.hasSuffix("'") { cut.removeLast() }
        if cut.isEmpty { return "Sheet1" }
        if cut.lowercased() == "history" { return cut + "_" }
        return cut
    }
}

/// Why a sheet could not be written.
public enum WorkbookError: Error, Equatable, Sendable {
    /// The sheet has no columns.
    case noColumns
    /// More rows or columns than a worksheet holds (1,048,576 rows, 16,384 columns).
    case tooLarge
    /// A data row (0-based) has more cells than there are columns.
    case rowTooLong(row: Int, cells: Int, columns: Int)
    /// A `.number` cell that is not a decimal literal (row and column 0-based, data rows).
    case notANumber(String, row: Int, column: Int)
    /// A `.date` cell that is no calendar date, or outside 1900-01-01 ... 9999-12-31.
    case invalidDate(year: Int, month: Int, day: Int, row: Int, column: Int)
    /// A column's choices cannot be an inline list (a comma in a choice, none at all, or more
    /// than 255 characters together).
    case invalidChoices(column: Int)
    /// The in-memory ZIP archive gave no bytes (it should not happen).
    case archiveUnavailable
}
