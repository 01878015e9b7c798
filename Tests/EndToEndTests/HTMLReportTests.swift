import CaseCore
import Foundation
import TestSupport
import Testing

@testable import Report

@Suite struct HTMLReportTests {
    static let headings = [
        "Headline counts", "Attrition funnel", "Priority by locality", "Risk bands", "Scoping against expected numbers", "Capacity",
        "Incidence since the last run", "Data quality", "Monitoring measures", "Screening timeliness",
    ]

    /// The sample page, unsuppressed and suppressed, written to a file and opened in headless
    /// Chromium, offline (Tests/report/check_report.py): the file reads back as rendered, with
    /// every section, and the browser finds no console error, no request but the page itself, and
    /// all six charts drawn. The page and its screenshot are kept in `.build/test-artifacts/`
    /// (report-model-none.html/.png, report-model-suppress.html/.png) to look at. Chromium comes
    /// from Tests/report/setup.sh (run by scripts/setup --tests); without it the test fails.
    @Test(arguments: [DisclosurePolicy.unsuppressed, .hes])
    func theSamplePageIsDrawnInHeadlessChromium(disclosure: DisclosurePolicy) throws {
        let html = HTMLReport.render(sampleReportModel(disclosure: disclosure))
        let artifacts = repositoryRoot() + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        let name = "report-model-\(disclosure.mode.rawValue)"
        let page = artifacts + "/\(name).html"
        try html.write(toFile: page, atomically: true, encoding: .utf8)
        #expect(read(page) == html)
        for heading in Self.headings { #expect(html.contains("<h2>\(heading)</h2>"), "\(heading)") }
        try checkInHeadlessChromium(page, screenshot: artifacts + "/\(name).png", charts: 6)
    }

    @Test func escapesTheFiveCharacters() {
        #expect(HTMLReport.escape(##"a&b<c>d"e'f"##) == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
        let hostile = ##"<script>alert("x&y's")</script>"##
        let escaped = "&lt;script&gt;alert(&quot;x&amp;y&#39;s&quot;)&lt;/script&gt;"
        var m = sampleReportModel(identifiable: true, incidentPatients: 3)
        m.header.title = hostile
        m.header.command = hostile
        m.header.criteriaSetTitle = hostile
        m.funnel[0].label = hostile
        m.priorities.columns[0].label = hostile
        m.priorities.localities[0].locality = hostile
        m.riskBands?.caveat = hostile
        m.scoping[0].locality = hostile
        m.caseManagers[0].id = hostile
        m.incidence?.patients[0].nhsNumber = hostile
        m.incidence?.patients[1].trigger = hostile
        m.incidence?.byTrigger[0].trigger = hostile
        m.rejectReasons[0].reason = hostile
        m.inputFiles[0].file = hostile
        m.monitoring[0].locality = hostile
        m.screening?.target = hostile
        let html = HTMLReport.render(m)
        #expect(!html.contains("<script"))
        #expect(!html.contains("alert(\""))
        // In the <title>, the h1, the command, each table cell and the charts' labels.
        #expect(html.components(separatedBy: escaped).count - 1 >= 17)
        #expect(html.contains("<h1>\(escaped)</h1>"))
    }

    @Test func noExternalReferences() {
        let html = HTMLReport.render(sampleReportModel())
        for banned in ["http:", "https:", "<link", "@import", "url(", "<script", "<img", "<iframe", "<object", "<embed", "xmlns"] {
            #expect(!html.lowercased().contains(banned), "\(banned)")
        }
        let references = html.matches(of: /(?:src|href)\s*=\s*"([^"]*)"/).map { String($0.output.1) }
        #expect(references.count == 10, "the section links")
        for r in references {
            #expect(r.hasPrefix("#") && !r.contains("//"), "\(r)")
        }
    }

    @Test func pseudonymousByDefault() throws {
        let m = sampleReportModel(identifiable: false, incidentPatients: 240)
        let numbers = try #require(m.incidence).patients.compactMap { $0.nhsNumber }
        #expect(numbers.count == 240)
        let html = HTMLReport.render(m)
        for number in numbers { #expect(!html.contains(number), "\(number)") }
        #expect(html.firstMatch(of: /[0-9]{10}/) == nil)
        #expect(html.contains("9990") == false)
        let section = reportSection(html, "incidence")
        #expect(section.contains("<tr><td>#1</td><td>Colchester</td><td class=\"num\">1</td><td>frailty</td><td>allocated</td></tr>"))
        #expect(section.contains("<td>#200</td>"))
        #expect(!section.contains("<td>#201</td>"))
        #expect(section.contains("… and 40 more incident patients not listed."))
        #expect(section.contains("Pseudonymous report"))
    }

    @Test func identifiableShowsNHSNumbers() {
        let m = sampleReportModel(identifiable: true, incidentPatients: 240)
        let html = HTMLReport.render(m)
        let section = reportSection(html, "incidence")
        #expect(section.contains("<tr><td>\(nhs(0))</td><td>Colchester</td>"))
        #expect(section.contains("<td>\(nhs(199))</td>"))
        #expect(!html.contains(nhs(200)), "past the 200 listed")
        #expect(!section.contains("<td>#1</td>"))
        #expect(section.contains("Identifiable report"))
    }

    @Test func everySectionInOrder() {
        for m in [sampleReportModel(), emptyReportModel()] {
            let html = HTMLReport.render(m)
            let positions = HTMLReportTests.headings.map { html.range(of: "<h2>\($0)</h2>")?.lowerBound }
            #expect(positions.allSatisfy { $0 != nil })
            let found = positions.compactMap { $0 }
            #expect(found == found.sorted())
            #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en-GB\">"))
            #expect(html.hasSuffix("</main>\n</body>\n</html>\n"))
            #expect(html.components(separatedBy: "<section ").count == html.components(separatedBy: "</section>").count)
        }
    }

    @Test func header() {
        let html = HTMLReport.render(sampleReportModel())
        #expect(html.contains("<title>Case finding for case management, North and Mid Essex</title>"))
        #expect(html.contains("Criteria set <strong>essex-2005</strong>: Essex SHA case finding, patients aged 65 and over"))
        #expect(html.contains("As of <strong>2026-11-22</strong>; run kind <strong>incidence</strong>"))
        #expect(html.contains("Generated by casefind 0.9.0: <code>casefind incidence --extracts extracts/2026-11"))
        let headline = reportSection(html, "headline")
        #expect(headline.contains("<dt>Registered</dt><dd>612,480</dd>"))
        #expect(headline.contains("<dt>Aged 65+</dt><dd>118,342</dd>"))
        #expect(headline.contains("<dt>Incident since last run</dt><dd>240</dd>"))
        #expect(reportSection(HTMLReport.render(emptyReportModel()), "headline").contains("<dt>Incident since last run</dt><dd>–</dd>"))
    }

    /// The largest value spans 400 pixels; the others in proportion; a zero draws nothing.
    @Test func barWidthsAreProportional() {
        var m = emptyReportModel()
        m.funnel = [
            .init(label: "registered", patients: 1_000), .init(label: "alive", patients: 500), .init(label: "aged 65+", patients: 250),
            .init(label: "frail", patients: 3), .init(label: "none", patients: 0),
        ]
        let funnel = reportSection(HTMLReport.render(m), "funnel")
        #expect(rectWidths(funnel) == ["400", "200", "100", "1.2"])
        #expect(funnel.contains(##"<rect x="200" y="8" width="400" height="14" fill="#005EB8"/>"##))
        #expect(funnel.contains(##"<text x="606" y="19">1,000 people</text>"##))
        #expect(funnel.contains(##"<text x="306" y="63">250 people</text>"##))
        #expect(funnel.contains(##"<text x="206" y="107">0 people</text>"##))
        #expect(
            funnel.contains(
                ##"<svg class="chart" role="img" aria-label="Attrition funnel, people: registered 1,000 people; alive 500 people;"##))
        #expect(funnel.contains(##"width="720" height="122" viewBox="0 0 720 122">"##))
        #expect(funnel.contains("<title>Attrition funnel, people</title>"))
    }

    /// Stacked priorities: the segments follow each other, scaled by the largest locality total.
    @Test func stackedPriorityBars() {
        var m = emptyReportModel()
        m.priorities = .init(
            columns: [.init(id: "1"), .init(id: "2"), .init(id: "3")],
            localities: [.init(locality: "A", counts: [50, 30, 20]), .init(locality: "B", counts: [10, 0, 40])])
        let html = HTMLReport.render(m)
        let section = reportSection(html, "priority")
        let svg = chart(html, "priority")
        // Three legend swatches, then A's three segments and B's two.
        #expect(rectWidths(svg) == ["10", "10", "10", "200", "120", "80", "40", "160"])
        #expect(svg.contains(##"<rect x="520" y="34" width="80" height="14" fill="#009E73"/>"##))
        #expect(svg.contains(##"<rect x="240" y="56" width="160" height="14" fill="#009E73"/>"##))
        #expect(
            section.contains(
                "<tr><td>A</td><td class=\"num\">50</td><td class=\"num\">30</td><td class=\"num\">20</td><td class=\"num\">100</td></tr>"))
        #expect(section.contains(tableRow(["Total"], ["60", "30", "60", "150"], cls: "total")))
    }

    @Test func everyChartIsAnAccessibleImageWithFilledBars() {
        let html = HTMLReport.render(sampleReportModel())
        let charts = html.matches(of: /<svg [^>]*>\n<title>[^<]+<\/title>[\s\S]*?<\/svg>/).map { String($0.output) }
        #expect(charts.count == 6, "funnel, priority, risk, scoping, case managers, incidence")
        #expect(html.components(separatedBy: "<svg ").count - 1 == charts.count)
        for c in charts {
            #expect(c.contains("role=\"img\""))
            #expect(c.firstMatch(of: /aria-label="[^"]+"/) != nil)
            #expect(c.firstMatch(of: /[ ]width="[0-9]+" height="[0-9]+"[ ]/) != nil)
            #expect(c.firstMatch(of: /<rect [^>]*width="[1-9][0-9.]*" height="14" fill="#[0-9A-F]{6}"\/>/) != nil)
            #expect(c.firstMatch(of: /<text [^>]*>[0-9][0-9,]*/) != nil || c.contains(">found "), "a numeric label")
        }
    }

    @Test func emptySectionsSayNotAvailable() {
        let html = HTMLReport.render(emptyReportModel())
        #expect(
            reportSection(html, "monitoring").contains(
                "<p class=\"na\">Not available: no monitoring measures were given for this run (run with --baseline FROM:TO).</p>")
        )
        #expect(reportSection(html, "screening").contains("<p class=\"na\">Not available: no screening outcomes were recorded.</p>"))
        #expect(reportSection(html, "incidence").contains("<p class=\"na\">Not available: there is no earlier run to compare with.</p>"))
        #expect(reportSection(html, "risk").contains("<p class=\"na\">Not available: the criteria set has no risk model.</p>"))
        #expect(reportSection(html, "funnel").contains("Not available: no funnel in this run."))
        #expect(reportSection(html, "quality").contains("<p class=\"na\">No rows rejected.</p>"))
        #expect(!html.contains("<svg"))
        let full = HTMLReport.render(sampleReportModel())
        #expect(!full.contains("Not available"))
    }

    @Test func scopingMirrorsTableOne() {
        let html = HTMLReport.render(sampleReportModel())
        let section = reportSection(html, "scoping")
        #expect(
            section.contains(
                "<th scope=\"col\">Locality</th><th scope=\"col\">PCT</th><th scope=\"col\" class=\"num\">Expected patients</th>"))
        #expect(section.contains(tableRow(["Colchester", "North East Essex"], ["737", "184", "601", "2"])))
        #expect(
            section.contains(
                "<tr class=\"subtotal\"><td>North East Essex</td><td></td><td class=\"num\">1,563</td><td class=\"num\">391</td>"))
        #expect(section.contains(tableRow(["Total", ""], ["3,013", "754", "2,431", "8"], cls: "total")))
        #expect(section.contains("Maldon &amp; S Chelmsford"))
        // The chart: expected and found per locality only, scaled by the largest (Tendring's 826 expected).
        let svg = chart(html, "scoping")
        #expect(rectWidths(svg).count == 2 + 10)
        #expect(svg.contains(##"width="400" height="14" fill="#A9C7E8"/>"##))
        #expect(svg.contains("found 688</text>"))
    }

    @Test func capacityAndLoad() {
        let section = reportSection(HTMLReport.render(sampleReportModel()), "capacity")
        #expect(section.contains(tableRow(["Witham Braintree &amp; Halstead"], ["380", "36", "344", "89", "46"])))
        #expect(section.contains(tableRow(["CM08", "Witham Braintree &amp; Halstead"], ["50", "5", "31", "62%"])))
        // CM09 and CM03 have the largest caseload (80): their tracks span 400 pixels, CM08's 50 of 80 250.
        #expect(section.contains(##"<rect x="200" y="##) && section.contains(##"width="250" height="14" fill="#E3E8EB"/>"##))
        #expect(section.contains("31 of 50 (62%)</text>"))
    }

    @Test func rejectReasonsByCountThenReason() {
        var m = emptyReportModel()
        m.rejectReasons =
            [.init(reason: "b", count: 5), .init(reason: "c", count: 9), .init(reason: "a", count: 5)]
            + (1...25).map { .init(reason: "r\($0)", count: 1) }
        let section = reportSection(HTMLReport.render(m), "quality")
        let reasons = section.matches(of: /<tr><td>([a-z0-9]+)<\/td><td class="num">[0-9]+<\/td><\/tr>/).map { String($0.output.1) }
        #expect(
            reasons == [
                "c", "a", "b", "r1", "r10", "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r2", "r20", "r21", "r22", "r23",
                "r24",
            ])
        #expect(section.contains("… and 8 more reasons not listed."))
    }

    @Test func riskBandsWithTheirCaveat() {
        let section = reportSection(HTMLReport.render(sampleReportModel()), "risk")
        #expect(
            section.contains("<p class=\"caveat\">HFRS was validated in people aged 75 and over; below 75 it is a ranking aid only. 612 of")
        )
        #expect(section.contains("<th scope=\"col\" class=\"num\">high<span class=\"sub\">over 15</span></th>"))
        #expect(section.contains("<tr class=\"total\"><td>All localities</td>"))
        #expect(section.contains(##"fill="#D55E00"/>"##))
    }

    @Test func monitoringAndScreening() {
        let html = HTMLReport.render(sampleReportModel())
        let monitoring = reportSection(html, "monitoring")
        #expect(monitoring.contains(tableRow(["Colchester", "2026-09"], ["184", "196.0", "1,474", "1,564.0", "7.3", "8.3"])))
        let screening = reportSection(html, "screening")
        #expect(screening.contains("<p>Target: contact within 2 working days of being case-found.</p>"))
        #expect(screening.contains(tableRow(["CM01", "Colchester"], ["41", "1.5", "33 (80%)"])))
        #expect(screening.contains("<td class=\"num\">2.0</td><td class=\"num\">30 (58%)</td></tr>"))
        #expect(screening.contains("<td class=\"num\">0</td><td class=\"num\">–</td><td class=\"num\">0</td></tr>"))
    }

    /// 30,000 case-found patients, all incident, 40 localities, 400 case managers, 300 reject
    /// reasons and two years of monitoring: under 2 MB.
    @Test func sizeBoundForThirtyThousandPatients() {
        var m = sampleReportModel(identifiable: true, incidentPatients: 30_000)
        m.headline.caseFound = 30_000
        let localities = (1...40).map { "Locality \($0) with a fairly long name" }
        m.priorities.localities = localities.map { .init(locality: $0, counts: [300, 200, 100, 100, 50]) }
        m.riskBands?.localities = localities.map { .init(locality: $0, counts: [300, 300, 150]) }
        m.scoping = localities.map {
            .init(locality: $0, pct: "Some PCT", expectedPatients: 800, firstTranche: 200, found: 750, caseManagersNeeded: 1)
        }
        m.localityCapacity = localities.map {
            .init(locality: $0, capacity: 700, reserved: 70, allocated: 630, waiting: 120, noCapacity: 0)
        }
        m.caseManagers = (1...400).map { .init(id: "CM\($0)", locality: localities[$0 % 40], caseloadMax: 75, reserve: 7, allocated: 68) }
        m.rejectReasons = (1...300).map { .init(reason: "reason number \($0) with some words", count: $0) }
        m.monitoring = localities.flatMap { l in
            (1...24).map {
                .init(
                    locality: l, month: "2026-\($0)", emergencyAdmissions: 100, bedDays: 800, meanLengthOfStay: 8,
                    baselineEmergencyAdmissions: 110, baselineBedDays: 900, baselineMeanLengthOfStay: 8.2, baselineAdmissionsTotal: 1_320,
                    baselineBedDaysTotal: 10_800)
            }
        }
        m.screening?.rows = (1...400).map {
            .init(caseManagerID: "CM\($0)", locality: "L", outcomes: 60, medianDaysToOutcome: 1.5, withinTarget: 50)
        }
        let html = HTMLReport.render(m)
        #expect(html.utf8.count < 2_000_000, "\(html.utf8.count) bytes")
        #expect(html.contains("… and 29,800 more incident patients not listed."))
        #expect(html.contains("… and 280 more reasons not listed."))
        #expect(html.contains("<dt>Case-found</dt><dd>30,000</dd>"))
    }
}
