import Foundation
import ZIPFoundation

/// Writes a ``WorkbookSheet`` as an .xlsx file (Office Open XML SpreadsheetML) that Excel and
/// LibreOffice open as it is: one sheet, a bold frozen header with an autofilter, text cells
/// formatted as Text, real numbers and dates, column widths and drop-down lists.
public enum XLSXWriter {
    /// Every entry's modification date: 1980-01-01 00:00:00 UTC, the first date a ZIP file
    /// can hold, so that the bytes do not depend on when they were written.
    static let entryDate = Date(timeIntervalSince1970: 315_532_800)

    /// The .xlsx file's bytes. Deterministic: the same sheet gives the same bytes (fixed entry
    /// dates, fixed order), so a re-run of casefind writes a byte-identical file.
    ///
    /// - Throws: ``WorkbookError`` for a sheet that cannot be written (no columns, a row longer
    ///   than the header, a number or date that is not one, choices that cannot be a list),
    ///   or ZIPFoundation's error if the archive cannot be built.
    public static func bytes(_ sheet: WorkbookSheet) throws -> [UInt8] {
        let worksheet = WorksheetXML(sheet: sheet)
        try worksheet.validate()
        let parts: [(path: String, text: String)] = [
            ("[Content_Types].xml", PackageParts.contentTypes),
            ("_rels/.rels", PackageParts.rootRelationships),
            ("xl/workbook.xml", PackageParts.workbook(sheetName: sheet.excelName, filterRange: worksheet.absoluteUsedRange)),
            ("xl/_rels/workbook.xml.rels", PackageParts.workbookRelationships),
            ("xl/styles.xml", PackageParts.styles),
        ]
        return try zip(parts.map { ($0.path, Data($0.text.utf8)) } + [("xl/worksheets/sheet1.xml", Data(worksheet.xml()))])
    }

    /// The entries, in order, deflated into an in-memory ZIP archive.
    static func zip(_ entries: [(path: String, data: Data)]) throws -> [UInt8] {
        let archive = try Archive(accessMode: .create)
        for (path, data) in entries {
            try archive.addEntry(
                with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: entryDate,
                permissions: 0o644, compressionMethod: .deflate
            ) { position, size in
                let start = data.startIndex + Int(position)
                return data.subdata(in: start..<min(start + size, data.endIndex))
            }
        }
        guard let data = archive.data else { throw WorkbookError.archiveUnavailable }
        return [UInt8](data)
    }
}
