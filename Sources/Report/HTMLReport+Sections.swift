import CaseCore

/// Each section of the page, in page order (``Page/sections``), drawn from its part of the model.
extension Page {
    mutating func headline(_ h: ReportModel.Headline) {
        section("headline")
        let tiles: [(String, String)] = [
            ("Registered", c(h.registered)), ("Alive", c(h.alive)), ("Aged 65+", c(h.aged65Plus)), ("Case-found", c(h.caseFound)),
            ("Allocated", c(h.allocated)), ("Waiting", c(h.waiting)), ("No capacity", c(h.noCapacity)),
            ("Incident since last run", copt(h.incident)),
        ]
        out += "<dl class=\"tiles\">\n"
        for (label, value) in tiles { out += "<div class=\"tile\"><dt>\(label)</dt><dd>\(value)</dd></div>\n" }
        out += "</dl>\n</section>\n"
    }

    mutating func funnel(_ steps: [ReportModel.FunnelStep]) {
        section("funnel")
        if steps.isEmpty {
            notAvailable("no funnel in this run.")
        } else {
            let rows = steps.map {
                BarChart.Row(
                    label: $0.label, bars: [.init(segments: [(bar($0.patients), Palette.primary)], text: "\(c($0.patients)) people")])
            }
            out += BarChart(title: "Attrition funnel, people", rows: rows).svg()
            table(["Step", "People"], num: [1], rows: steps.map { ([e($0.label), c($0.patients)], nil) })
        }
        out += "</section>\n"
    }

    mutating func priorities(_ p: ReportModel.Priorities) {
        section("priority")
        if p.localities.isEmpty || p.columns.isEmpty {
            notAvailable("no case-found patients by locality.")
        } else {
            let k = p.columns.count
            func cell(_ counts: [Int], _ i: Int) -> Int { i < counts.count ? counts[i] : 0 }
            // Each row and the totals released from the exact cells.
            let released = p.localities.map { l in policy.release(cells: (0..<k).map { cell(l.counts, $0) }) }
            var rows: [(cells: [String], cls: String?)] = zip(p.localities, released).map { l, r in
                ([e(l.locality)] + r.cells.map(c) + [c(r.total)], nil)
            }
            let totals = policy.release(cells: (0..<k).map { i in p.localities.reduce(0) { $0 + cell($1.counts, i) } })
            rows.append((["Total"] + totals.cells.map(c) + [c(totals.total)], "total"))
            table(["Locality"] + p.columns.map(columnHead) + ["All"], num: Set(1...(k + 1)), rows: rows)
            // A suppressed priority draws no segment; the released total is then drawn as a
            // light track behind the priorities shown.
            let withheld = released.contains { $0.cells.contains(where: \.isSuppressed) }
            let chartRows = zip(p.localities, released).map { l, r in
                let segments = r.cells.enumerated().map { (bar($1), Palette.series($0)) }
                let track = r.cells.contains(where: \.isSuppressed) ? bar(r.total) : nil
                return BarChart.Row(label: l.locality, bars: [.init(segments: segments, text: c(r.total), track: track)])
            }
            let legend =
                p.columns.enumerated().map { (legendLabel($1), Palette.series($0)) }
                + (withheld ? [("Total, where a priority is *", Palette.track)] : [])
            out += BarChart(title: "Case-found patients by locality, stacked by priority", rows: chartRows, legend: legend).svg()
        }
        out += "</section>\n"
    }

    mutating func riskBands(_ r: ReportModel.RiskBands?) {
        section("risk")
        guard let r, !r.bands.isEmpty else {
            notAvailable("the criteria set has no risk model.")
            out += "</section>\n"
            return
        }
        if !r.caveat.isEmpty { out += "<p class=\"caveat\">\(e(r.caveat))</p>\n" }
        let k = r.bands.count
        func cell(_ counts: [Int], _ i: Int) -> Int { i < counts.count ? counts[i] : 0 }
        // Green, amber, red for two or three bands (lowest risk first); the series otherwise.
        func color(_ i: Int) -> String {
            switch k {
            case 1: Palette.primary
            case 2: [Palette.risk[0], Palette.risk[2]][i]
            case 3: Palette.risk[i]
            default: Palette.series(i)
            }
        }
        let rows = r.bands.enumerated().map { i, b in
            BarChart.Row(label: legendLabel(b), bars: [.init(segments: [(bar(cell(r.overall, i)), color(i))], text: c(cell(r.overall, i)))])
        }
        out += BarChart(title: "Case-found patients by risk band", rows: rows).svg()
        var lines: [(cells: [String], cls: String?)] = r.localities.map { l in
            ([e(l.locality)] + (0..<k).map { c(cell(l.counts, $0)) }, nil)
        }
        lines.append((["All localities"] + (0..<k).map { c(cell(r.overall, $0)) }, "total"))
        table(["Locality"] + r.bands.map(columnHead), num: Set(1...k), rows: lines)
        out += "</section>\n"
    }

    mutating func scoping(_ lines: [ReportModel.ScopingLine]) {
        section("scoping")
        if lines.isEmpty {
            notAvailable("no localities.")
        } else {
            let rows: [(cells: [String], cls: String?)] = lines.map { l in
                let cls: String? =
                    switch l.kind {
                    case .locality: nil
                    case .pctSubtotal: "subtotal"
                    case .total: "total"
                    }
                return (
                    [
                        e(l.locality), e(l.pct), opt(l.expectedPatients), opt(l.firstTranche), c(l.found),
                        l.caseManagersNeededSuppressed ? "*" : opt(l.caseManagersNeeded),
                    ], cls
                )
            }
            table(
                ["Locality", "PCT", "Expected patients", "First tranche (25%)", "Found", "Case managers needed"], num: [2, 3, 4, 5],
                rows: rows)
            let chartRows = lines.filter { $0.kind == .locality }.map { l in
                BarChart.Row(
                    label: l.locality,
                    bars: [
                        .init(segments: [(l.expectedPatients ?? 0, Palette.light)], text: "expected \(opt(l.expectedPatients))"),
                        .init(segments: [(bar(l.found), Palette.primary)], text: "found \(c(l.found))"),
                    ])
            }
            if !chartRows.isEmpty {
                out += BarChart(
                    title: "Found against expected patients by locality", rows: chartRows,
                    legend: [("Expected", Palette.light), ("Found", Palette.primary)]
                ).svg()
            }
        }
        out += "</section>\n"
    }

    mutating func capacity(_ localities: [ReportModel.LocalityCapacity], _ managers: [ReportModel.CaseManagerLoad]) {
        section("capacity")
        out += "<h3>By locality</h3>\n"
        if localities.isEmpty {
            notAvailable("no localities.")
        } else {
            table(
                ["Locality", "Capacity", "Reserved", "Allocated", "Waiting", "No capacity"], num: [1, 2, 3, 4, 5],
                rows: localities.map {
                    ([e($0.locality), n($0.capacity), n($0.reserved), c($0.allocated), c($0.waiting), c($0.noCapacity)], nil)
                }
            )
        }
        out += "<h3>By case manager</h3>\n"
        if managers.isEmpty {
            notAvailable("no active case managers.")
        } else {
            func load(_ m: ReportModel.CaseManagerLoad) -> String {
                policy.figure(HTMLReport.percent(m.allocated, of: m.caseloadMax), from: policy.release(m.allocated))
                    .text(notApplicable: "–") { "\($0)%" }
            }
            table(
                ["Case manager", "Locality", "Caseload max", "Reserve", "Allocated", "Load"], num: [2, 3, 4, 5],
                rows: managers.map { ([e($0.id), e($0.locality), n($0.caseloadMax), n($0.reserve), c($0.allocated), load($0)], nil) })
            let rows = managers.map { m in
                BarChart.Row(
                    label: "\(m.id) (\(m.locality))",
                    bars: [
                        .init(
                            segments: [(bar(m.allocated), Palette.primary)], text: "\(c(m.allocated)) of \(n(m.caseloadMax)) (\(load(m)))",
                            track: m.caseloadMax)
                    ])
            }
            out += BarChart(
                title: "Allocated patients per case manager against caseload maximum", rows: rows,
                legend: [("Allocated", Palette.primary), ("Caseload maximum", Palette.track)]
            ).svg()
        }
        out += "</section>\n"
    }

    mutating func incidence(_ inc: ReportModel.Incidence?, identifiable: Bool) {
        section("incidence")
        guard let inc else {
            notAvailable("there is no earlier run to compare with.")
            out += "</section>\n"
            return
        }
        out += "<p><strong>\(c(inc.count))</strong> patients newly case-found since the last run.</p>\n"
        if !inc.byTrigger.isEmpty {
            out += "<h3>By trigger criterion</h3>\n"
            let rows = inc.byTrigger.map {
                BarChart.Row(label: $0.trigger, bars: [.init(segments: [(bar($0.patients), Palette.series(1))], text: c($0.patients))])
            }
            out += BarChart(title: "Incident patients by trigger criterion", rows: rows).svg()
            table(["Trigger", "Patients"], num: [1], rows: inc.byTrigger.map { ([e($0.trigger), c($0.patients)], nil) })
        }
        out += "<h3>Incident patients</h3>\n"
        if policy.suppresses {
            out += "<p class=\"na\">Not listed: this report suppresses small numbers, so it lists no patient (incidence.csv does).</p>\n"
        } else if inc.patients.isEmpty {
            out += "<p class=\"na\">No incident patients listed.</p>\n"
        } else {
            out +=
                identifiable
                ? "<p class=\"meta\">Identifiable report: NHS numbers shown.</p>\n"
                : "<p class=\"meta\">Pseudonymous report: patients are numbered, NHS numbers are not shown.</p>\n"
            let shown = inc.patients.prefix(HTMLReport.maxIncidentRows)
            let rows: [(cells: [String], cls: String?)] = shown.enumerated().map { i, p in
                let id = identifiable ? (p.nhsNumber.map(e) ?? "#\(i + 1)") : "#\(i + 1)"
                return ([id, e(p.locality), String(p.priority), e(p.trigger), e(p.status)], nil)
            }
            table(["Patient", "Locality", "Priority", "Trigger", "Status"], num: [2], rows: rows)
            let more = inc.patients.count - shown.count
            if more > 0 { out += "<p class=\"more\">… and \(n(more)) more incident patients not listed.</p>\n" }
        }
        out += "</section>\n"
    }

    mutating func dataQuality(_ files: [ReportModel.InputFile], _ reasons: [ReportModel.RejectReason]) {
        section("quality")
        out += "<h3>Input files</h3>\n"
        if files.isEmpty {
            notAvailable("no input files.")
        } else {
            table(
                ["File", "Rows read", "Accepted", "Rejected", "Warnings", "Unregistered"], num: [1, 2, 3, 4, 5],
                rows: files.map { ([e($0.file), c($0.read), c($0.accepted), c($0.rejected), c($0.warnings), c($0.unregistered)], nil) })
        }
        out += "<h3>Top reject reasons</h3>\n"
        if reasons.isEmpty {
            out += "<p class=\"na\">No rows rejected.</p>\n"
        } else {
            // By the released count, so that the order does not rank counts the page hides.
            let policy = self.policy
            let key = { (r: ReportModel.RejectReason) in policy.release(r.count).value ?? -1 }
            let sorted = reasons.sorted { (key($1), $0.reason) < (key($0), $1.reason) }
            let shown = sorted.prefix(HTMLReport.maxRejectReasons)
            table(["Reason", "Findings"], num: [1], rows: shown.map { ([e($0.reason), c($0.count)], nil) })
            let more = sorted.count - shown.count
            if more > 0 { out += "<p class=\"more\">… and \(n(more)) more reasons not listed.</p>\n" }
        }
        out += "</section>\n"
    }

    mutating func monitoring(
        _ rows: [ReportModel.MonitoringRow], baseline: String, coverage: [ReportModel.CoverageLine], enrolment: [ReportModel.EnrolmentLine]
    ) {
        section("monitoring")
        if rows.isEmpty && coverage.isEmpty {
            notAvailable("no monitoring measures were given for this run (run with --baseline FROM:TO).")
        } else {
            if !coverage.isEmpty {
                out += "<h3>Actively case-managed</h3>\n"
                table(
                    ["Locality", "Case-found", "Actively case-managed", "Case-found and managed", "Coverage"], num: [1, 2, 3, 4],
                    rows: coverage.map { ([e($0.locality)] + coverageCells($0), nil) })
            }
            if !enrolment.isEmpty {
                out += "<h3>Enrolled patients: 12 months before and after enrolment</h3>\n"
                table(
                    [
                        "Locality", "Enrolled", "With a full year after", "Emergency admissions before", "Bed days before",
                        "Emergency admissions after", "Bed days after",
                    ], num: [1, 2, 3, 4, 5, 6],
                    rows: enrolment.map { ([e($0.locality)] + enrolmentCells($0), nil) })
            }
            if !rows.isEmpty {
                out += "<h3>Emergency admissions of the registered population aged 65 and over</h3>\n"
                if !baseline.isEmpty { out += "<p>Baseline: \(e(baseline)) (mean per month).</p>\n" }
                let shown = rows.prefix(HTMLReport.maxMonitoringRows)
                table(
                    [
                        "Locality", "Month", "Emergency admissions", "Baseline", "Bed days", "Baseline", "Mean length of stay (days)",
                        "Baseline",
                    ], num: [2, 3, 4, 5, 6, 7],
                    rows: shown.map { ([e($0.locality), e($0.month)] + monitoringCells($0), nil) })
                let more = rows.count - shown.count
                if more > 0 { out += "<p class=\"more\">… and \(n(more)) more rows not listed.</p>\n" }
            }
        }
        out += "</section>\n"
    }

    mutating func screening(_ s: ReportModel.Screening?) {
        section("screening")
        if let s, !s.rows.isEmpty {
            out += "<p>Target: \(e(s.target)).</p>\n"
            table(
                ["Case manager", "Locality", "Outcomes", "Median days to outcome", "Within target"], num: [2, 3, 4],
                rows: s.rows.map { ([e($0.caseManagerID), e($0.locality)] + screeningCells($0), nil) })
        } else {
            notAvailable("no screening outcomes were recorded.")
        }
        out += "</section>\n"
    }
}
