import CaseCore
import Foundation
import TestSupport
import Testing

@testable import Report

/// A page with one small locality ("Small", 3 case-found patients) beside a large one, in every
/// chart: each assertion below is checked unsuppressed first, so it can fail.
func smallLocalityModel(_ disclosure: DisclosurePolicy) -> ReportModel {
    var m = emptyReportModel(disclosure: disclosure)
    m.headline = .init(
        registered: 1_003, alive: 998, aged65Plus: 212, caseFound: 103, allocated: 3, waiting: 100, noCapacity: 0, incident: 23)
    m.funnel = [.init(label: "registered", patients: 1_000), .init(label: "alive", patients: 500), .init(label: "frail", patients: 3)]
    m.priorities = .init(
        columns: [.init(id: "1"), .init(id: "2"), .init(id: "3")],
        localities: [.init(locality: "Large", counts: [50, 30, 20]), .init(locality: "Small", counts: [3, 0, 0])])
    m.riskBands = .init(
        bands: [.init(id: "low"), .init(id: "high")], overall: [3, 40],
        localities: [.init(locality: "Large", counts: [0, 40]), .init(locality: "Small", counts: [3, 0])], caveat: "")
    m.scoping = [
        .init(locality: "Small", pct: "P", expectedPatients: 100, firstTranche: 25, found: 3, caseManagersNeeded: 1),
        .init(locality: "Large", pct: "P", expectedPatients: 90, firstTranche: 23, found: 100, caseManagersNeeded: 2),
    ]
    m.caseManagers = [.init(id: "CM1", locality: "Small", caseloadMax: 50, reserve: 5, allocated: 3)]
    m.incidence = .init(
        count: 23, byTrigger: [.init(trigger: "frailty", patients: 3), .init(trigger: "admissions", patients: 20)],
        patients: [.init(nhsNumber: nhs(1), locality: "Small", priority: 1, trigger: "frailty", status: "allocated")])
    return m
}

@Suite struct HTMLReportDisclosureTests {
    let hes = HTMLReport.render(smallLocalityModel(.hes))
    let exact = HTMLReport.render(smallLocalityModel(.unsuppressed))

    /// The small locality's bars: 3 of 100 is 12 pixels, 3 of the funnel's 1,000 1.2, 3 of the
    /// risk chart's 40 30, the case manager's 3 of 50 24; under suppression none is drawn.
    @Test func noBarIsDrawnFromASuppressedCount() {
        #expect(rectWidths(chart(exact, "priority")) == ["10", "10", "10", "200", "120", "80", "12"])
        #expect(rectWidths(chart(hes, "priority")) == ["10", "10", "10", "10", "200", "120", "80"], "a fourth swatch: the track")
        #expect(rectWidths(chart(exact, "funnel")) == ["400", "200", "1.2"])
        #expect(rectWidths(chart(hes, "funnel")) == ["400", "200"])
        #expect(rectWidths(chart(exact, "risk")) == ["30", "400"])
        #expect(rectWidths(chart(hes, "risk")) == ["400"])
        // Scoping: the legend, then expected and found per locality.
        #expect(rectWidths(chart(exact, "scoping")) == ["10", "10", "400", "12", "360", "400"])
        #expect(rectWidths(chart(hes, "scoping")) == ["10", "10", "400", "360", "400"])
        // The case manager: the caseload track (50, not a patient count) and the allocated bar.
        #expect(rectWidths(chart(exact, "capacity")) == ["10", "10", "400", "24"])
        #expect(rectWidths(chart(hes, "capacity")) == ["10", "10", "400"])
        #expect(rectWidths(chart(exact, "incidence")) == ["60", "400"])
        #expect(rectWidths(chart(hes, "incidence")) == ["400"])
        for id in ["priority", "funnel", "risk", "scoping", "capacity", "incidence"] {
            #expect(!chart(hes, id).isEmpty, "\(id)")
            #expect(!chart(hes, id).contains(##"width="12""##) && !chart(hes, id).contains(##"width="24""##), "\(id)")
        }
    }

    /// The labels and aria-labels say `*` where the bar is missing.
    @Test func suppressedBarsAreLabelledWithAStar() {
        #expect(chart(hes, "priority").firstMatch(of: /<text x="206" y="[0-9]+">\*<\/text>/) != nil, "Small: no bar, no track")
        #expect(chart(hes, "priority").contains("aria-label=\"Case-found patients by locality, stacked by priority: Large 100; Small *\""))
        #expect(chart(exact, "priority").contains("Large 100; Small 3\""))
        #expect(chart(hes, "funnel").contains(">* people</text>"))
        #expect(chart(hes, "scoping").contains(">found *</text>") && chart(exact, "scoping").contains(">found 3</text>"))
        #expect(chart(hes, "capacity").contains(">* of 50 (*)</text>"))
        #expect(chart(exact, "capacity").contains(">3 of 50 (6%)</text>"))
    }

    /// Totals are released from the exact cells: the priority column 50 + 3 = 53 shows as 55,
    /// the row total 3 as `*`, the grand total 103 as 105.
    @Test func tablesReleaseCellsAndTotals() {
        let priority = reportSection(hes, "priority")
        #expect(priority.contains(tableRow(["Small"], ["*", "0", "0", "*"])))
        #expect(priority.contains(tableRow(["Large"], ["50", "30", "20", "100"])))
        #expect(priority.contains(tableRow(["Total"], ["55", "30", "20", "105"], cls: "total")))
        #expect(reportSection(exact, "priority").contains(tableRow(["Total"], ["53", "30", "20", "103"], cls: "total")))
        let headline = reportSection(hes, "headline")
        #expect(headline.contains("<dt>Registered</dt><dd>1,005</dd>") && headline.contains("<dt>Allocated</dt><dd>*</dd>"))
        #expect(headline.contains("<dt>Incident since last run</dt><dd>25</dd>"))
        #expect(reportSection(hes, "risk").contains(tableRow(["All localities"], ["*", "40"], cls: "total")))
    }

    /// Under suppression the page lists no patient, even from a model that holds one and asks
    /// for NHS numbers: the incidence section gives counts by trigger only.
    @Test func noPatientIsListedUnderSuppression() throws {
        var m = sampleReportModel(identifiable: true, incidentPatients: 240, disclosure: .hes)
        let numbers = try #require(m.incidence).patients.compactMap(\.nhsNumber)
        #expect(numbers.count == 240)
        let html = HTMLReport.render(m)
        for number in numbers { #expect(!html.contains(number)) }
        #expect(html.firstMatch(of: /[0-9]{10}/) == nil)
        let section = reportSection(html, "incidence")
        #expect(!section.contains("<td>#1</td>") && !section.contains("Identifiable report") && !section.contains("Pseudonymous report"))
        #expect(!section.contains("<th scope=\"col\">Patient</th>"))
        #expect(section.contains("Not listed: this report suppresses small numbers, so it lists no patient (incidence.csv does)."))
        // 240 incident patients: 96 frailty, 72 admissions, 24 care home, 48 polypharmacy.
        #expect(section.contains("<strong>240</strong> patients newly case-found"))
        #expect(section.contains(tableRow(["frailty"], ["95"])) && section.contains(tableRow(["care_home"], ["25"])))
        // The same model unsuppressed does list them, with their numbers.
        m.disclosure = .unsuppressed
        #expect(reportSection(HTMLReport.render(m), "incidence").contains("<td>\(nhs(0))</td>"))
    }

    @Test func thePolicyIsStatedInTheHeader() throws {
        let header = try #require(hes.firstMatch(of: /<header>[\s\S]*<\/header>/)).output
        #expect(
            header.contains(
                "<p class=\"disclosure\">Small numbers suppressed: counts of 1 to 7 shown as *, others rounded to the nearest 5."))
        #expect(!hes.contains("Unsuppressed"))
        let uk = HTMLReport.render(smallLocalityModel(.ukLLC))
        #expect(uk.contains("counts of 0 to 10 shown as *"))
        let banner = try #require(exact.firstMatch(of: /<header>[\s\S]*<\/header>/)).output
        #expect(
            banner.contains(
                "<p class=\"disclosure unsuppressed\">Unsuppressed numbers: small counts are shown exactly. For direct care and internal use only.</p>"
            ))
        #expect(!exact.contains("Small numbers suppressed"))
    }

    /// Percentages, means and medians over a suppressed count are `*`; a count about a
    /// suppressed group (bed days of 3 admissions, admissions of 3 enrolled patients) too.
    @Test func derivedFiguresOverSuppressedCountsAreStars() {
        var m = emptyReportModel(disclosure: .hes)
        m.coverage = [
            .init(locality: "A", caseFound: 40, activelyCaseManaged: 9, caseFoundAndManaged: 4),
            .init(locality: "B", caseFound: 40, activelyCaseManaged: 12, caseFoundAndManaged: 10),
        ]
        m.enrolment = [
            .init(
                locality: "A", enrolled: 3, fullYearAfter: 0, admissionsBefore: 12, bedDaysBefore: 80, admissionsAfter: 9, bedDaysAfter: 40),
            .init(
                locality: "B", enrolled: 20, fullYearAfter: 9, admissionsBefore: 12, bedDaysBefore: 80, admissionsAfter: 3, bedDaysAfter: 40
            ),
        ]
        m.monitoring = [
            .init(
                locality: "A", month: "2026-10", emergencyAdmissions: 3, bedDays: 21, meanLengthOfStay: 7, baselineEmergencyAdmissions: 0.5,
                baselineBedDays: 4, baselineMeanLengthOfStay: 8, baselineAdmissionsTotal: 6, baselineBedDaysTotal: 48),
            .init(
                locality: "B", month: "2026-10", emergencyAdmissions: 12, bedDays: 96, meanLengthOfStay: 8, baselineEmergencyAdmissions: 11,
                baselineBedDays: 90, baselineMeanLengthOfStay: 8.2, baselineAdmissionsTotal: 132, baselineBedDaysTotal: 1_080),
        ]
        m.screening = .init(
            target: "t",
            rows: [
                .init(caseManagerID: "CM1", locality: "A", outcomes: 5, medianDaysToOutcome: 1.5, withinTarget: 5),
                .init(caseManagerID: "CM2", locality: "B", outcomes: 20, medianDaysToOutcome: 2, withinTarget: 3),
                .init(caseManagerID: "CM3", locality: "B", outcomes: 20, medianDaysToOutcome: 2, withinTarget: 17),
            ])
        let monitoring = reportSection(HTMLReport.render(m), "monitoring")
        #expect(monitoring.contains(tableRow(["A"], ["40", "10", "*", "*"])))
        #expect(monitoring.contains(tableRow(["B"], ["40", "10", "10", "25%"])))
        #expect(monitoring.contains(tableRow(["A"], ["*", "*", "*", "*", "*", "*"])))
        #expect(monitoring.contains(tableRow(["B"], ["20", "10", "10", "80", "*", "*"])))
        #expect(monitoring.contains(tableRow(["A", "2026-10"], ["*", "*", "*", "*", "*", "*"])))
        #expect(monitoring.contains(tableRow(["B", "2026-10"], ["10", "11.0", "95", "90.0", "8.0", "8.2"])))
        let screening = reportSection(HTMLReport.render(m), "screening")
        #expect(screening.contains(tableRow(["CM1", "A"], ["*", "*", "* (*)"])))
        #expect(screening.contains(tableRow(["CM2", "B"], ["20", "2.0", "* (*)"])))
        #expect(screening.contains(tableRow(["CM3", "B"], ["20", "2.0", "15 (85%)"])))
        // Unsuppressed, the same cells are exact.
        m.disclosure = .unsuppressed
        let exactMonitoring = reportSection(HTMLReport.render(m), "monitoring")
        #expect(exactMonitoring.contains(tableRow(["A", "2026-10"], ["3", "0.5", "21", "4.0", "7.0", "8.0"])))
        #expect(reportSection(HTMLReport.render(m), "screening").contains(tableRow(["CM1", "A"], ["5", "1.5", "5 (100%)"])))
    }

    /// Case managers needed is withheld by the caller (it knows the waiting count); the page
    /// shows `*`.
    @Test func aWithheldNeedIsAStar() {
        var m = smallLocalityModel(.hes)
        m.scoping[0].caseManagersNeededSuppressed = true
        let scoping = reportSection(HTMLReport.render(m), "scoping")
        #expect(scoping.contains(tableRow(["Small", "P"], ["100", "25", "*", "*"])))
        #expect(scoping.contains(tableRow(["Large", "P"], ["90", "23", "100", "2"])))
    }

    /// Reject reasons are ordered by their released counts, so 12, 11 and 9 (all shown as 10)
    /// come in the order of their reasons, not of the hidden exact counts.
    @Test func rejectReasonsOrderedByReleasedCounts() {
        var m = emptyReportModel(disclosure: .hes)
        m.rejectReasons = [
            .init(reason: "a", count: 9), .init(reason: "b", count: 12), .init(reason: "c", count: 11), .init(reason: "d", count: 30),
        ]
        func order(_ m: ReportModel) -> [String] {
            reportSection(HTMLReport.render(m), "quality").matches(of: /<tr><td>([a-z])<\/td><td class="num">([0-9*]+)<\/td><\/tr>/)
                .map { "\($0.output.1)=\($0.output.2)" }
        }
        #expect(order(m) == ["d=30", "a=10", "b=10", "c=10"])
        m.disclosure = .unsuppressed
        #expect(order(m) == ["d=30", "b=12", "c=11", "a=9"])
    }
}
