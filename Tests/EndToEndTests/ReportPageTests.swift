import Foundation
import TestSupport
import Testing

/// report.html as `run` and `incidence` write it on sample-extracts: every section, small
/// numbers suppressed unless `--disclosure none`, no patient listed under suppression and no NHS
/// numbers unless asked, under 2 MB, and (in headless Chromium, offline) no console error and
/// visible charts. The screenshot is kept in `.build/test-artifacts/`.
@Suite struct ReportPageTests {
    static let sections = [
        "Headline counts", "Attrition funnel", "Priority by locality", "Risk bands", "Scoping against expected numbers", "Capacity",
        "Incidence since the last run", "Data quality", "Monitoring measures", "Screening timeliness",
    ]

    @Test func runWritesTheReportWithEverySection() throws {
        let out = temporaryFolder("report-page")
        let r = try CaseFind.sampleRun(out: out)
        #expect(r.status == 0, "\(r.stderr)")
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/report.html"))
        #expect(data.count < 2_000_000)
        let page = String(decoding: data, as: UTF8.self)
        for s in Self.sections { #expect(page.contains(">\(s)<"), "section \(s)") }
        // Figures from the hand-worked sample, released: 296 registered shown as 295, 169 aged
        // 65+ as 170, 48 case-found as 50, 47 allocated as 45, Tendring's 11 found as 10, 6 in
        // Witham as *. Each is checked where it is shown: the headline tile, the funnel's table
        // row and chart label, the scoping row.
        #expect(page.contains("<p class=\"disclosure\">Small numbers suppressed: counts of 1 to 7 shown as *"))
        let headline = reportSection(page, "headline")
        #expect(headline.contains("<dt>Registered</dt><dd>295</dd>") && headline.contains("<dt>Aged 65+</dt><dd>170</dd>"))
        #expect(headline.contains("<dt>Case-found</dt><dd>50</dd>") && headline.contains("<dt>Allocated</dt><dd>45</dd>"))
        let funnel = reportSection(page, "funnel")
        for (step, people) in [("registered", "295"), ("aged 65 plus", "170"), ("any criterion", "50"), ("allocated", "45")] {
            #expect(funnel.contains(tableRow([step], [people])), "funnel table: \(step)")
        }
        #expect(
            funnel.contains("aria-label=\"Attrition funnel, people: registered 295 people; "), "the funnel chart's aria-label")
        #expect(funnel.contains("; any criterion 50 people; allocated 45 people; waiting 0 people\""), "the funnel chart's aria-label")
        #expect(funnel.contains(">45 people</text>") && funnel.contains(">50 people</text>"), "the funnel chart's bar labels")
        #expect(!page.contains(">296<") && !page.contains(">296 people<") && !page.contains(">47 people<") && !page.contains(">169<"))
        #expect(
            !page.contains(" 296 people") && !page.contains(" 169 people") && !page.contains(" 48 people") && !page.contains(" 47 people"))
        #expect(!page.contains(">48 people<") && !page.contains(">48<"))
        let scoping = reportSection(page, "scoping")
        #expect(scoping.contains(tableRow(["Witham Braintree &amp; Halstead", "Mid Essex"], ["604", "151", "*", "0"])))
        // Tendring's first tranche (826 expected, a quarter of it) is not a patient count: shown as is.
        #expect(scoping.contains(tableRow(["Tendring", "North East Essex"], ["826", "207", "10", "0"])))
        #expect(page.contains("validated in people aged 75 and over"))
        // No NHS number of a case-found patient appears.
        let cases = csvRecords(read(out + "/cases.csv"))
        #expect(cases.count == 48)
        for nhs in try column("nhs_number", of: cases) { #expect(!page.contains(nhs), "NHS number in the page") }
        for bad in ["http:", "https:", "<script src", "<link", "@import", "url("] { #expect(!page.contains(bad), "\(bad)") }
        let attributes = try FileManager.default.attributesOfItem(atPath: out + "/report.html")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // Unsuppressed: the exact figures, and the banner.
        let exact = temporaryFolder("report-page-none")
        #expect(try CaseFind.sampleRun(out: exact, ["--disclosure", "none"]).status == 0)
        let unsuppressed = read(exact + "/report.html")
        let exactHeadline = reportSection(unsuppressed, "headline")
        #expect(exactHeadline.contains("<dt>Registered</dt><dd>296</dd>") && exactHeadline.contains("<dt>Aged 65+</dt><dd>169</dd>"))
        #expect(exactHeadline.contains("<dt>Case-found</dt><dd>48</dd>") && exactHeadline.contains("<dt>Allocated</dt><dd>47</dd>"))
        let exactFunnel = reportSection(unsuppressed, "funnel")
        for (step, people) in [("registered", "296"), ("aged 65 plus", "169"), ("any criterion", "48"), ("allocated", "47")] {
            #expect(exactFunnel.contains(tableRow([step], [people])), "funnel table: \(step)")
        }
        #expect(exactFunnel.contains("; any criterion 48 people; allocated 47 people; waiting 0 people\""), "the funnel chart's aria-label")
        #expect(exactFunnel.contains(">47 people</text>") && exactFunnel.contains(">48 people</text>"), "the funnel chart's bar labels")
        let exactScoping = reportSection(unsuppressed, "scoping")
        #expect(exactScoping.contains(tableRow(["Witham Braintree &amp; Halstead", "Mid Essex"], ["604", "151", "6", "0"])))
        #expect(exactScoping.contains(tableRow(["Tendring", "North East Essex"], ["826", "207", "11", "0"])))
        #expect(unsuppressed.contains("Unsuppressed numbers: small counts are shown exactly. For direct care and internal use only."))
        #expect(!unsuppressed.contains("Small numbers suppressed"))
    }

    /// `incidence` after `run`: suppressed, the page lists no incident patient; with
    /// `--disclosure none` they are listed, numbered unless `--identifiable` is given too.
    /// `--identifiable` without `--disclosure none` is a usage error.
    @Test func incidenceReportListsIncidentPatients() throws {
        let out = temporaryFolder("report-incidence")
        let extracts = temporaryFolder("report-incidence-extracts")
        try FileManager.default.removeItem(atPath: extracts)
        try FileManager.default.copyItem(atPath: repositoryRoot() + "/sample-extracts", toPath: extracts)
        #expect(try CaseFind.sampleRun(out: out, extracts: extracts).status == 0)
        // A patient nominated after the first run becomes incident.
        let spine = csvRecords(read(extracts + "/patients.csv"))
        let cases = Set(try column("nhs_number", of: csvRecords(read(out + "/cases.csv"))))
        let newcomer = try #require(
            spine.first { p in
                let dob = p["date_of_birth"] ?? ""
                let nhs = (p["nhs_number"] ?? "").replacingOccurrences(of: " ", with: "")
                return dob.hasPrefix("19") && dob < "1955" && (p["date_of_death"] ?? "").isEmpty && !cases.contains(nhs)
                    && nhs.count == 10
            })
        let nhs = try #require(newcomer["nhs_number"]).replacingOccurrences(of: " ", with: "")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: extracts + "/nominations.csv"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("\(nhs),2026-11-20,G1234567,frail\n".utf8))
        try handle.close()
        let args = [
            "incidence", "--extracts", extracts, "--criteria", repositoryRoot() + "/criteria/essex-2005.yaml", "--as-of", "2026-11-22",
            "--out", out, "--quiet",
        ]
        let r = try CaseFind.run(args)
        #expect(r.status == 0, "\(r.stderr)")
        let incident = csvRecords(read(out + "/incidence.csv"))
        #expect(try column("nhs_number", of: incident) == [nhs])
        let page = read(out + "/report.html")
        #expect(!page.contains("#1") && !page.contains(nhs))
        #expect(page.contains("Not listed: this report suppresses small numbers, so it lists no patient (incidence.csv does)."))
        #expect(page.contains("<strong>*</strong> patients newly case-found since the last run."), "1 incident patient")
        let refused = try CaseFind.run(args + ["--identifiable"])
        #expect(refused.status == 64)
        #expect(refused.stderr.contains("--identifiable puts NHS numbers in report.html: it needs --disclosure none"))
        #expect(read(out + "/report.html") == page, "nothing written")
        let numbered = try CaseFind.run(args + ["--disclosure", "none"])
        #expect(numbered.status == 0, "\(numbered.stderr)")
        #expect(read(out + "/report.html").contains("<td>#1</td>") && !read(out + "/report.html").contains(nhs))
        let named = try CaseFind.run(args + ["--identifiable", "--disclosure", "none"])
        #expect(named.status == 0, "\(named.stderr)")
        #expect(read(out + "/report.html").contains(nhs))
    }

    /// The page in headless Chromium: no console errors, no requests but itself, and each of its
    /// five charts (funnel, priority, risk, scoping, case managers: a `run` has no incidence) has
    /// visible bars. Chromium comes from Tests/report/setup.sh (run by scripts/setup --tests);
    /// when it is missing the test fails, it does not skip.
    @Test func chartsAreVisibleInHeadlessChromium() throws {
        let out = temporaryFolder("report-browser")
        #expect(try CaseFind.sampleRun(out: out).status == 0)
        let artifacts = repositoryRoot() + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        try checkInHeadlessChromium(out + "/report.html", screenshot: artifacts + "/report-sample.png", charts: 5)
    }
}
