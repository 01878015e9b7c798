import Foundation
import Testing

/// The text of the `<section id="ID">` element of a report page. A page without it is recorded
/// as a failure at the caller (so that a check that something is absent from the section cannot
/// pass on a missing section), and the section reads as "".
public func reportSection(_ html: String, _ id: String, sourceLocation: SourceLocation = #_sourceLocation) -> Substring {
    guard let start = html.range(of: "<section id=\"\(id)\">"), let end = html[start.upperBound...].range(of: "</section>") else {
        Issue.record("no <section id=\"\(id)\"> in the page", sourceLocation: sourceLocation)
        return ""
    }
    return html[start.lowerBound..<end.upperBound]
}

/// The `<svg>` of a section, to the section's end; recorded as a failure at the caller when the
/// section has none.
public func chart(_ html: String, _ id: String, sourceLocation: SourceLocation = #_sourceLocation) -> Substring {
    let section = reportSection(html, id, sourceLocation: sourceLocation)
    guard let start = section.range(of: "<svg") else {
        Issue.record("no <svg> in section \(id)", sourceLocation: sourceLocation)
        return ""
    }
    return section[start.lowerBound...]
}

/// The `width` of every `<rect` in `text`, in order.
public func rectWidths(_ text: Substring) -> [String] {
    text.matches(of: /<rect [^>]*width="([0-9.]+)"/).map { String($0.output.1) }
}

/// A rendered table row: the `text` cells, then the right-aligned `numbers`.
public func tableRow(_ text: [String], _ numbers: [String], cls: String? = nil) -> String {
    (cls.map { "<tr class=\"\($0)\">" } ?? "<tr>") + text.map { "<td>\($0)</td>" }.joined()
        + numbers.map { "<td class=\"num\">\($0)</td>" }.joined() + "</tr>"
}

/// Opens a report page in headless Chromium, offline, through Tests/report/check_report.py
/// (Chromium from Tests/report/setup.sh), which writes the full-page screenshot to `screenshot`.
/// Its report must say: no console error, no request but the page itself, exactly `charts`
/// charts, each one drawn, and OK. A failure is recorded at the caller, with the report.
public func checkInHeadlessChromium(
    _ page: String, screenshot: String, charts: Int, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let (status, output) = try runProgram(
        "/usr/bin/env", ["python3", repositoryRoot() + "/Tests/report/check_report.py", page, screenshot])
    let report = "check_report.py exited \(status):\n\(output.suffix(3000))"
    #expect(status == 0, "\(report)", sourceLocation: sourceLocation)
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    #expect(lines.last == "OK", "\(report)", sourceLocation: sourceLocation)
    let console = lines.compactMap { try? /console: ([0-9]+) console messages, ([0-9]+) errors/.wholeMatch(in: $0) }
    #expect(console.map { String($0.output.2) } == ["0"], "console errors: \(report)", sourceLocation: sourceLocation)
    let network = lines.compactMap { try? /network: ([0-9]+) requests, ([0-9]+) to anything but the page/.wholeMatch(in: $0) }
    #expect(network.map { String($0.output.2) } == ["0"], "foreign requests: \(report)", sourceLocation: sourceLocation)
    #expect(network.allSatisfy { (Int($0.output.1) ?? 0) >= 1 }, "the page itself is requested: \(report)", sourceLocation: sourceLocation)
    #expect(lines.contains("charts: \(charts) <svg> elements"), "\(report)", sourceLocation: sourceLocation)
    let drawn = lines.filter { $0.hasPrefix("  svg ") }
    #expect(drawn.count == charts && drawn.allSatisfy { $0.hasSuffix("  OK") }, "charts drawn: \(report)", sourceLocation: sourceLocation)
    #expect(FileManager.default.fileExists(atPath: screenshot), "no screenshot at \(screenshot)", sourceLocation: sourceLocation)
}
