import CaseCore
import Workbook

/// A practice's review workbook (`practices/CODE.xlsx`): the list's columns as typed cells
/// (NHS numbers and codes as text, dates as dates from 1900 on, numbers as numbers) under a frozen, filtered
/// header, and two empty columns for the practice: `clinician_decision` (accept or reject, from
/// a drop-down) and `comment`.
public enum ReviewWorkbook {
    static let widths: [String: Double] = [
        "nhs_number": 13, "person_id": 16, "date_of_birth": 13, "age": 6, "priority": 8, "criteria": 28, "reasons": 90,
        "risk_score": 10, "risk_band": 13, "status": 12, "case_manager_id": 16, "case_manager_name": 20, "waiting_position": 16,
    ]

    @Sendable public static func bytes(_ sheet: PracticeLists.ReviewSheet) throws -> [UInt8] {
        let columns =
            sheet.header.map { WorkbookColumn(title: $0, width: widths[$0] ?? 12) } + [
                WorkbookColumn(title: "clinician_decision", width: 18, choices: ["accept", "reject"]),
                WorkbookColumn(title: "comment", width: 40),
            ]
        let rows = sheet.rows.map { row in
            row.map { cell -> WorkbookCell in
                switch cell {
                case .text(let s): return .text(s)
                case .number(let s): return .number(s)
                case .date(let d):
                    // Excel's dates begin at 1900: an earlier one (a birth in the 1890s) is text.
                    let c = d.components
                    return c.year < 1900 ? .text(d.description) : .date(year: c.year, month: c.month, day: c.day)
                case .empty: return .empty
                }
            }
        }
        return try XLSXWriter.bytes(WorkbookSheet(name: sheet.practice, columns: columns, rows: rows))
    }
}
