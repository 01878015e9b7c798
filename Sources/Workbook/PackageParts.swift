/// The parts of the package other than the worksheet: the minimal SpreadsheetML set that
/// Excel, LibreOffice and openpyxl open without repair.
enum PackageParts {
    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
    static let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    static let officeRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    static let packageRelationships = "http://schemas.openxmlformats.org/package/2006/relationships"

    /// The cell formats (`cellXfs`) of styles.xml, by index: the `s` attribute of a cell.
    enum Style: Int {
        /// General (numbers).
        case general = 0
        /// Text, numFmtId 49 ("@").
        case text = 1
        /// Text, bold: the header row.
        case header = 2
        /// The custom date format dd/mm/yyyy.
        case date = 3
    }

    /// The id of the custom number format `dd/mm/yyyy` (custom ids start at 164).
    static let dateFormatId = 164

    static let contentTypes =
        header + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/worksheets/sheet1.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
            <Override PartName="/xl/styles.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            </Types>
            """

    static let rootRelationships =
        header + """
            <Relationships xmlns="\(packageRelationships)">\
            <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="xl/workbook.xml"/>\
            </Relationships>
            """

    static let workbookRelationships =
        header + """
            <Relationships xmlns="\(packageRelationships)">\
            <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
            Target="worksheets/sheet1.xml"/>\
            <Relationship Id="rId2" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
            Target="styles.xml"/>\
            </Relationships>
            """

    /// xl/workbook.xml: the one sheet, and the hidden `_xlnm._FilterDatabase` name that Excel
    /// writes for a sheet's autofilter (`filterRange` in A1 style, e.g. `$A$1:$E$9`).
    static func workbook(sheetName: String, filterRange: String) -> String {
        let quoted = "'" + sheetName.replacingOccurrences(of: "'", with: "''") + "'"
        return header + """
            <workbook xmlns="\(main)" xmlns:r="\(officeRelationships)">\
            <bookViews><workbookView activeTab="0"/></bookViews>\
            <sheets><sheet name="\(XMLText.attribute(sheetName))" sheetId="1" r:id="rId1"/></sheets>\
            <definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">\
            \(XMLText.content(quoted + "!" + filterRange))</definedName></definedNames>\
            </workbook>
            """
    }

    /// xl/styles.xml, with the cell formats of ``Style`` in order.
    static let styles =
        header + """
            <styleSheet xmlns="\(main)">\
            <numFmts count="1"><numFmt numFmtId="\(dateFormatId)" formatCode="dd/mm/yyyy"/></numFmts>\
            <fonts count="2">\
            <font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
            <font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
            </fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill>\
            <fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="4">\
            <xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            <xf numFmtId="49" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
            <xf numFmtId="\(dateFormatId)" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
            </cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """
}
