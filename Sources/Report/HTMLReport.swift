import CaseCore

/// What the planner's report shows, as plain values: every figure is worked out by the caller,
/// the renderer only lays it out (and sums table columns, load and share percentages).
///
/// Counts are people unless a field says otherwise. Lists are rendered in the order given, except
/// the reject reasons, which are sorted by count (highest first) then reason. NHS numbers are
/// carried only in ``IncidentPatient/nhsNumber`` and rendered only when ``identifiable`` is true
/// and nothing is suppressed.
///
/// Counts are exact in the model: the renderer releases them under ``disclosure`` (totals from
/// the exact cells; bars drawn from the released figures; figures it derives, and the means and
/// medians given here, withheld when a count they are computed from is suppressed). Figures the
/// caller derives in words or from counts not in the model (the risk caveat, case managers
/// needed) the caller withholds. Under suppression no patient is listed.
public struct ReportModel: Sendable, Equatable {
    /// Which command made the report.
    public enum RunKind: String, Sendable, Equatable {
        case run, incidence
    }

    /// The page's title block.
    public struct Header: Sendable, Equatable {
        public var title: String
        public var criteriaSetID: String
        public var criteriaSetTitle: String
        /// The as-of date, `YYYY-MM-DD`.
        public var asOf: String
        /// The command line that made the report.
        public var command: String
        /// casefind's version.
        public var version: String
        public var runKind: RunKind

        public init(
            title: String, criteriaSetID: String, criteriaSetTitle: String, asOf: String, command: String, version: String,
            runKind: RunKind
        ) {
            self.title = title
            self.criteriaSetID = criteriaSetID
            self.criteriaSetTitle = criteriaSetTitle
            self.asOf = asOf
            self.command = command
            self.version = version
            self.runKind = runKind
        }
    }

    /// The headline counts, in people.
    public struct Headline: Sendable, Equatable {
        public var registered: Int
        public var alive: Int
        public var aged65Plus: Int
        public var caseFound: Int
        public var allocated: Int
        public var waiting: Int
        public var noCapacity: Int
        /// Newly case-found since the last run; nil when there is no earlier run to compare with.
        public var incident: Int?

        public init(
            registered: Int, alive: Int, aged65Plus: Int, caseFound: Int, allocated: Int, waiting: Int, noCapacity: Int, incident: Int?
        ) {
            self.registered = registered
            self.alive = alive
            self.aged65Plus = aged65Plus
            self.caseFound = caseFound
            self.allocated = allocated
            self.waiting = waiting
            self.noCapacity = noCapacity
            self.incident = incident
        }
    }

    /// One step of the attrition funnel.
    public struct FunnelStep: Sendable, Equatable {
        public var label: String
        public var patients: Int

        public init(label: String, patients: Int) {
            self.label = label
            self.patients = patients
        }
    }

    /// A column of a locality table: a priority (criterion) or a risk band.
    public struct Column: Sendable, Equatable {
        /// Short name shown in the table head and the legend (`1`, `P1`, `high`).
        public var id: String
        /// Longer description shown under it; may be empty.
        public var label: String

        public init(id: String, label: String = "") {
            self.id = id
            self.label = label
        }
    }

    /// One locality's counts, one per column of the table it belongs to, in column order.
    public struct LocalityCounts: Sendable, Equatable {
        public var locality: String
        public var counts: [Int]

        public init(locality: String, counts: [Int]) {
            self.locality = locality
            self.counts = counts
        }
    }

    /// Case-found patients per locality and priority.
    public struct Priorities: Sendable, Equatable {
        /// The priorities in rank order.
        public var columns: [Column]
        public var localities: [LocalityCounts]

        public init(columns: [Column] = [], localities: [LocalityCounts] = []) {
            self.columns = columns
            self.localities = localities
        }
    }

    /// Case-found patients per risk band, overall and per locality.
    public struct RiskBands: Sendable, Equatable {
        /// The bands, lowest risk first.
        public var bands: [Column]
        /// One count per band.
        public var overall: [Int]
        public var localities: [LocalityCounts]
        /// Shown beside the figures (the model's validation range and how many it does not cover).
        public var caveat: String

        public init(bands: [Column], overall: [Int], localities: [LocalityCounts], caveat: String) {
            self.bands = bands
            self.overall = overall
            self.localities = localities
            self.caveat = caveat
        }
    }

    /// A line of the scoping table (Table one of the Essex framework, with what was found).
    public struct ScopingLine: Sendable, Equatable {
        public enum Kind: String, Sendable, Equatable {
            case locality, pctSubtotal, total
        }

        public var kind: Kind
        /// The locality; for a subtotal or the total, the text of its first cell ("Mid Essex", "Total").
        public var locality: String
        /// The primary care trust.
        public var pct: String
        public var expectedPatients: Int?
        /// 25 percent of the expected patients.
        public var firstTranche: Int?
        public var found: Int
        /// Case managers needed to clear the waiting list; nil when not applicable.
        public var caseManagersNeeded: Int?
        /// The need is computed from a suppressed count (or, for a subtotal or total, sums one
        /// that is): shown as `*`. Set by the caller (``ScopingRow/releasedNeed(of:among:policy:)``).
        public var caseManagersNeededSuppressed = false

        public init(
            kind: Kind = .locality, locality: String, pct: String, expectedPatients: Int?, firstTranche: Int?, found: Int,
            caseManagersNeeded: Int?
        ) {
            self.kind = kind
            self.locality = locality
            self.pct = pct
            self.expectedPatients = expectedPatients
            self.firstTranche = firstTranche
            self.found = found
            self.caseManagersNeeded = caseManagersNeeded
        }
    }

    /// A locality's places and where its case-found patients went.
    public struct LocalityCapacity: Sendable, Equatable {
        public var locality: String
        /// Sum of caseload_max over the active case managers.
        public var capacity: Int
        /// Places kept back by the reserve.
        public var reserved: Int
        public var allocated: Int
        public var waiting: Int
        public var noCapacity: Int

        public init(locality: String, capacity: Int, reserved: Int, allocated: Int, waiting: Int, noCapacity: Int) {
            self.locality = locality
            self.capacity = capacity
            self.reserved = reserved
            self.allocated = allocated
            self.waiting = waiting
            self.noCapacity = noCapacity
        }
    }

    /// One case manager's caseload.
    public struct CaseManagerLoad: Sendable, Equatable {
        public var id: String
        public var locality: String
        public var caseloadMax: Int
        /// Places kept back by the reserve, in patients.
        public var reserve: Int
        /// Patients on the caseload.
        public var allocated: Int

        public init(id: String, locality: String, caseloadMax: Int, reserve: Int, allocated: Int) {
            self.id = id
            self.locality = locality
            self.caseloadMax = caseloadMax
            self.reserve = reserve
            self.allocated = allocated
        }
    }

    /// Patients newly case-found, per criterion that triggered it.
    public struct TriggerCount: Sendable, Equatable {
        public var trigger: String
        public var patients: Int

        public init(trigger: String, patients: Int) {
            self.trigger = trigger
            self.patients = patients
        }
    }

    /// A patient newly case-found since the last run.
    public struct IncidentPatient: Sendable, Equatable {
        /// Rendered only when the model is ``ReportModel/identifiable``; leave nil otherwise.
        public var nhsNumber: String?
        public var locality: String
        public var priority: Int
        /// The criteria new for the patient (`C2;C5`).
        public var trigger: String
        /// allocated, waiting or no_capacity.
        public var status: String

        public init(nhsNumber: String?, locality: String, priority: Int, trigger: String, status: String) {
            self.nhsNumber = nhsNumber
            self.locality = locality
            self.priority = priority
            self.trigger = trigger
            self.status = status
        }
    }

    /// What changed since the last run.
    public struct Incidence: Sendable, Equatable {
        /// Patients newly case-found (may exceed `patients.count` when the caller trimmed the list).
        public var count: Int
        public var byTrigger: [TriggerCount]
        public var patients: [IncidentPatient]

        public init(count: Int, byTrigger: [TriggerCount], patients: [IncidentPatient]) {
            self.count = count
            self.byTrigger = byTrigger
            self.patients = patients
        }
    }

    /// One input file's row counts.
    public struct InputFile: Sendable, Equatable {
        public var file: String
        public var read: Int
        public var accepted: Int
        public var rejected: Int
        public var warnings: Int
        /// Rows about patients not on the register.
        public var unregistered: Int

        public init(file: String, read: Int, accepted: Int, rejected: Int, warnings: Int, unregistered: Int) {
            self.file = file
            self.read = read
            self.accepted = accepted
            self.rejected = rejected
            self.warnings = warnings
            self.unregistered = unregistered
        }
    }

    /// How many findings gave one reason.
    public struct RejectReason: Sendable, Equatable {
        public var reason: String
        public var count: Int

        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }

    /// One locality-month of the monitoring measures, with the baseline it is compared with.
    public struct MonitoringRow: Sendable, Equatable {
        public var locality: String
        /// `YYYY-MM`.
        public var month: String
        public var emergencyAdmissions: Int
        public var bedDays: Int
        /// Days, shown to one decimal place.
        public var meanLengthOfStay: Double
        /// Mean per month over the baseline months.
        public var baselineEmergencyAdmissions: Double
        /// Mean per month over the baseline months.
        public var baselineBedDays: Double
        public var baselineMeanLengthOfStay: Double
        /// Emergency admissions and their bed days over the whole baseline: the counts the
        /// baseline figures are computed from (they are not shown).
        public var baselineAdmissionsTotal: Int
        public var baselineBedDaysTotal: Int

        public init(
            locality: String, month: String, emergencyAdmissions: Int, bedDays: Int, meanLengthOfStay: Double,
            baselineEmergencyAdmissions: Double, baselineBedDays: Double, baselineMeanLengthOfStay: Double, baselineAdmissionsTotal: Int,
            baselineBedDaysTotal: Int
        ) {
            self.locality = locality
            self.month = month
            self.emergencyAdmissions = emergencyAdmissions
            self.bedDays = bedDays
            self.meanLengthOfStay = meanLengthOfStay
            self.baselineEmergencyAdmissions = baselineEmergencyAdmissions
            self.baselineBedDays = baselineBedDays
            self.baselineMeanLengthOfStay = baselineMeanLengthOfStay
            self.baselineAdmissionsTotal = baselineAdmissionsTotal
            self.baselineBedDaysTotal = baselineBedDaysTotal
        }
    }

    /// Case-found patients of a locality who are actively case-managed.
    public struct CoverageLine: Sendable, Equatable {
        public var locality: String
        public var caseFound: Int
        public var activelyCaseManaged: Int
        public var caseFoundAndManaged: Int

        public init(locality: String, caseFound: Int, activelyCaseManaged: Int, caseFoundAndManaged: Int) {
            self.locality = locality
            self.caseFound = caseFound
            self.activelyCaseManaged = activelyCaseManaged
            self.caseFoundAndManaged = caseFoundAndManaged
        }
    }

    /// Emergency admissions and bed days of a locality's enrolled patients, 12 months before and after enrolment.
    public struct EnrolmentLine: Sendable, Equatable {
        public var locality: String
        public var enrolled: Int
        public var fullYearAfter: Int
        public var admissionsBefore: Int
        public var bedDaysBefore: Int
        public var admissionsAfter: Int
        public var bedDaysAfter: Int

        public init(
            locality: String, enrolled: Int, fullYearAfter: Int, admissionsBefore: Int, bedDaysBefore: Int, admissionsAfter: Int,
            bedDaysAfter: Int
        ) {
            self.locality = locality
            self.enrolled = enrolled
            self.fullYearAfter = fullYearAfter
            self.admissionsBefore = admissionsBefore
            self.bedDaysBefore = bedDaysBefore
            self.admissionsAfter = admissionsAfter
            self.bedDaysAfter = bedDaysAfter
        }
    }

    /// One case manager's screening outcomes.
    public struct ScreeningRow: Sendable, Equatable {
        public var caseManagerID: String
        public var locality: String
        public var outcomes: Int
        /// Median days from case-found to outcome (working days when counted with `WorkingDays`); nil without outcomes.
        public var medianDaysToOutcome: Double?
        /// Outcomes within the target.
        public var withinTarget: Int

        public init(caseManagerID: String, locality: String, outcomes: Int, medianDaysToOutcome: Double?, withinTarget: Int) {
            self.caseManagerID = caseManagerID
            self.locality = locality
            self.outcomes = outcomes
            self.medianDaysToOutcome = medianDaysToOutcome
            self.withinTarget = withinTarget
        }
    }

    /// Screening timeliness against a target.
    public struct Screening: Sendable, Equatable {
        /// The target in words ("contact within 2 working days").
        public var target: String
        public var rows: [ScreeningRow]

        public init(target: String, rows: [ScreeningRow]) {
            self.target = target
            self.rows = rows
        }
    }

    public var header: Header
    public var headline: Headline
    /// Whether NHS numbers may be shown; when false the incident patients are numbered `#1`, `#2`...
    public var identifiable: Bool
    /// How counts are released; under ``DisclosurePolicy/Mode/suppress`` no patient is listed.
    public var disclosure: DisclosurePolicy
    public var funnel: [FunnelStep] = []
    public var priorities = Priorities()
    /// nil when the criteria set has no risk model.
    public var riskBands: RiskBands?
    /// In display order: each PCT's localities then its subtotal, and the total last.
    public var scoping: [ScopingLine] = []
    public var localityCapacity: [LocalityCapacity] = []
    public var caseManagers: [CaseManagerLoad] = []
    /// nil when there is no earlier run to compare with.
    public var incidence: Incidence?
    public var inputFiles: [InputFile] = []
    public var rejectReasons: [RejectReason] = []
    /// Empty when no monitoring data was given.
    public var monitoring: [MonitoringRow] = []
    /// The baseline period in words ("2025-04 to 2026-03"); shown with the monitoring rows.
    public var baseline = ""
    public var coverage: [CoverageLine] = []
    public var enrolment: [EnrolmentLine] = []
    /// nil when no screening outcomes were recorded.
    public var screening: Screening?

    public init(header: Header, headline: Headline, identifiable: Bool = false, disclosure: DisclosurePolicy = .hes) {
        self.header = header
        self.headline = headline
        self.identifiable = identifiable
        self.disclosure = disclosure
    }
}

/// Renders a ``ReportModel`` as one self-contained HTML5 page: inline CSS, no scripts, no
/// external references, charts as inline SVG (horizontal bars, scaled so the largest value spans
/// ``barArea`` pixels; a non-zero value is drawn at least 1 pixel wide).
public enum HTMLReport {
    /// Incident patients listed at most; the page says how many more there are.
    public static let maxIncidentRows = 200
    /// Reject reasons listed at most.
    public static let maxRejectReasons = 20
    /// Monitoring rows listed at most.
    public static let maxMonitoringRows = 1000
    /// Width in pixels of a bar for the largest value of a chart.
    public static let barArea = 400

    /// The page, UTF-8 text.
    public static func render(_ model: ReportModel) -> String {
        var page = Page(policy: model.disclosure)
        page.head(model.header)
        page.headline(model.headline)
        page.funnel(model.funnel)
        page.priorities(model.priorities)
        page.riskBands(model.riskBands)
        page.scoping(model.scoping)
        page.capacity(model.localityCapacity, model.caseManagers)
        page.incidence(model.incidence, identifiable: model.identifiable)
        page.dataQuality(model.inputFiles, model.rejectReasons)
        page.monitoring(model.monitoring, baseline: model.baseline, coverage: model.coverage, enrolment: model.enrolment)
        page.screening(model.screening)
        page.out += "</main>\n</body>\n</html>\n"
        return page.out
    }

    /// `s` with `&`, `<`, `>`, `"` and `'` replaced by character references.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// `12345` as `12,345`.
    static func count(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `x` rounded half away from zero to `places` decimals, trailing zeros kept unless `trim`;
    /// thousands separated by commas when `grouped` (figures a reader sees; never coordinates).
    static func decimal(_ x: Double, places: Int, trim: Bool = false, grouped: Bool = false) -> String {
        guard x.isFinite else { return "–" }
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let n = Int((x.magnitude * Double(scale)).rounded())
        let whole = grouped ? count(n / scale) : String(n / scale)
        var frac = places > 0 ? String(n % scale) : ""
        frac = String(repeating: "0", count: max(0, places - frac.count)) + frac
        if trim { while frac.hasSuffix("0") { frac.removeLast() } }
        let sign = x < 0 && n != 0 ? "-" : ""
        return sign + whole + (frac.isEmpty ? "" : "." + frac)
    }

    /// `part` of `whole` as a whole percentage, rounded half up; nil when `whole` is 0.
    static func percent(_ part: Int, of whole: Int) -> Int? {
        guard whole > 0 else { return nil }
        return (part * 200 + whole) / (whole * 2)
    }
}

/// Colours: the Okabe-Ito palette, safe for the common colour-vision deficiencies.
private enum Palette {
    static let series = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#F0E442"]
    static let primary = "#005EB8"
    static let light = "#A9C7E8"
    static let track = "#E3E8EB"
    static let risk = ["#009E73", "#E69F00", "#D55E00"]

    static func series(_ i: Int) -> String { series[i % series.count] }
}

/// A horizontal bar chart: one row per label, each row one or more bars (grouped), each bar
/// one or more segments (stacked), optionally over a light track.
private struct BarChart {
    struct Bar {
        var segments: [(value: Int, color: String)]
        /// Shown after the bar.
        var text: String
        /// Drawn first, light, as the bar's full extent (a caseload's maximum).
        var track: Int?
    }

    struct Row {
        var label: String
        var bars: [Bar]
    }

    var title: String
    var rows: [Row]
    var legend: [(label: String, color: String)] = []

    static let width = 720
    static let labelWidth = 200
    static let barHeight = 14
    static let rowGap = 8

    func svg() -> String {
        let e = HTMLReport.escape
        let scaleMax = rows.flatMap(\.bars).map { max($0.segments.reduce(0) { $0 + $1.value }, $0.track ?? 0) }.max() ?? 0
        let unit = scaleMax > 0 ? Double(HTMLReport.barArea) / Double(scaleMax) : 0
        var body = ""
        var y = 8
        // The legend, wrapped at the chart's width (about 7 pixels a character).
        if !legend.isEmpty {
            var x = 8
            for item in legend {
                let text = Self.truncate(item.label, 40)
                let w = 24 + text.count * 7
                if x + w > Self.width - 8 && x > 8 {
                    x = 8
                    y += 18
                }
                body += "<rect x=\"\(x)\" y=\"\(y + 1)\" width=\"10\" height=\"10\" fill=\"\(item.color)\"/>"
                body += "<text x=\"\(x + 14)\" y=\"\(y + 10)\">\(e(text))</text>\n"
                x += w
            }
            y += 26
        }
        for row in rows {
            let rowHeight = row.bars.count * (Self.barHeight + 2) - 2
            body +=
                "<text x=\"\(Self.labelWidth - 8)\" y=\"\(y + rowHeight / 2 + 4)\" text-anchor=\"end\">"
                + "\(e(Self.truncate(row.label, 27)))</text>\n"
            for bar in row.bars {
                if let track = bar.track, track > 0 {
                    body += rect(x: Double(Self.labelWidth), y: y, width: Double(track) * unit, color: Palette.track)
                }
                var x = Double(Self.labelWidth)
                for s in bar.segments where s.value > 0 {
                    let w = max(1, Double(s.value) * unit)
                    body += rect(x: x, y: y, width: w, color: s.color)
                    x += w
                }
                let end = max(x, bar.track.map { Double(Self.labelWidth) + Double($0) * unit } ?? 0)
                body += "<text x=\"\(HTMLReport.decimal(end + 6, places: 2, trim: true))\" y=\"\(y + 11)\">\(e(bar.text))</text>\n"
                y += Self.barHeight + 2
            }
            y += Self.rowGap - 2
        }
        let height = y + 4
        let label = title + ": " + rows.map { r in r.label + " " + r.bars.map(\.text).joined(separator: ", ") }.joined(separator: "; ")
        return """
            <svg class="chart" role="img" aria-label="\(e(label))" width="\(Self.width)" height="\(height)" \
            viewBox="0 0 \(Self.width) \(height)">
            <title>\(e(title))</title>
            <line x1="\(Self.labelWidth)" y1="0" x2="\(Self.labelWidth)" y2="\(height)" stroke="#768692" stroke-width="1"/>
            \(body)</svg>\n
            """
    }

    private func rect(x: Double, y: Int, width: Double, color: String) -> String {
        let d = { HTMLReport.decimal($0, places: 2, trim: true) }
        return "<rect x=\"\(d(x))\" y=\"\(y)\" width=\"\(d(width))\" height=\"\(Self.barHeight)\" fill=\"\(color)\"/>"
    }

    static func truncate(_ s: String, _ n: Int) -> String { s.count <= n ? s : String(s.prefix(n - 1)) + "…" }
}

/// The page under construction.
struct Page {
    var out = ""
    /// How counts are released (HTMLReport+Disclosure.swift): `c` for a patient count, `bar` for
    /// its bar; `n` only for what is not a patient count (places, caseload maximums, rows cut).
    let policy: DisclosurePolicy
    let e = HTMLReport.escape
    let n = HTMLReport.count

    static let sections: [(id: String, heading: String)] = [
        ("headline", "Headline counts"), ("funnel", "Attrition funnel"), ("priority", "Priority by locality"),
        ("risk", "Risk bands"), ("scoping", "Scoping against expected numbers"), ("capacity", "Capacity"),
        ("incidence", "Incidence since the last run"), ("quality", "Data quality"), ("monitoring", "Monitoring measures"),
        ("screening", "Screening timeliness"),
    ]

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#212b32;background:#fff;\
        margin:0 auto;max-width:1100px;padding:16px 24px}
        h1{font-size:24px;margin:0 0 4px}
        h2{font-size:19px;margin:28px 0 8px;border-bottom:2px solid #005eb8;padding-bottom:4px}
        h3{font-size:15px;margin:16px 0 6px}
        .meta{color:#4c6272;margin:2px 0}
        code{font-size:12px;background:#f0f4f5;padding:1px 4px;word-break:break-all}
        nav ul{list-style:none;padding:0;margin:10px 0;display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px}
        nav a{color:#005eb8}
        table{border-collapse:collapse;margin:8px 0;font-size:13px}
        th,td{border-bottom:1px solid #d8dde0;padding:3px 8px;text-align:left;vertical-align:top}
        th{background:#f0f4f5;font-weight:600}
        th .sub{display:block;font-weight:400;color:#4c6272;font-size:11px;max-width:14em}
        .num{text-align:right;font-variant-numeric:tabular-nums}
        tr.subtotal td{font-weight:600;background:#f7f9fa}
        tr.total td{font-weight:700;border-top:2px solid #425563}
        .tiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:8px 0}
        .tile{border:1px solid #d8dde0;border-left:4px solid #005eb8;padding:6px 10px}
        .tile dt{font-size:12px;color:#4c6272}
        .tile dd{margin:0;font-size:22px;font-weight:700;font-variant-numeric:tabular-nums}
        .caveat{background:#fff9e5;border-left:4px solid #ffb81c;padding:6px 10px;margin:8px 0}
        .disclosure{border-left:4px solid #005eb8;background:#f0f4f5;padding:6px 10px;margin:8px 0}
        .disclosure.unsuppressed{border-left-color:#d5281b;background:#fde8e6;font-weight:600}
        .na{color:#4c6272;font-style:italic}
        .more{color:#4c6272}
        svg.chart{display:block;max-width:100%;height:auto;margin:8px 0}
        svg.chart text{font:12px system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;fill:#212b32}
        @media print{nav{display:none}section{break-inside:avoid-page}}
        """

    mutating func head(_ h: ReportModel.Header) {
        out += """
            <!DOCTYPE html>
            <html lang="en-GB">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(h.title))</title>
            <style>
            \(Page.css)
            </style>
            </head>
            <body>
            <header>
            <h1>\(e(h.title))</h1>
            <p class="meta">Criteria set <strong>\(e(h.criteriaSetID))</strong>: \(e(h.criteriaSetTitle))</p>
            <p class="meta">As of <strong>\(e(h.asOf))</strong>; run kind <strong>\(e(h.runKind.rawValue))</strong></p>
            <p class="meta">Generated by casefind \(e(h.version)): <code>\(e(h.command))</code></p>
            \(disclosureNotice())
            </header>
            <nav aria-label="Sections"><ul>
            """
        for s in Page.sections { out += "<li><a href=\"#\(s.id)\">\(s.heading)</a></li>" }
        out += "</ul></nav>\n<main>\n"
    }

    mutating func section(_ id: String) {
        guard let s = Page.sections.first(where: { $0.id == id }) else { preconditionFailure(id) }
        out += "<section id=\"\(id)\">\n<h2>\(s.heading)</h2>\n"
    }

    mutating func notAvailable(_ why: String) {
        out += "<p class=\"na\">Not available: \(e(why))</p>\n"
    }

    /// A table; cells are raw HTML (escape before); numeric columns (`num`) are right-aligned.
    mutating func table(_ head: [String], num: Set<Int>, rows: [(cells: [String], cls: String?)]) {
        out += "<table>\n<thead><tr>"
        for (i, h) in head.enumerated() { out += "<th scope=\"col\"\(num.contains(i) ? " class=\"num\"" : "")>\(h)</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for r in rows {
            out += r.cls.map { "<tr class=\"\($0)\">" } ?? "<tr>"
            for (i, c) in r.cells.enumerated() { out += num.contains(i) ? "<td class=\"num\">\(c)</td>" : "<td>\(c)</td>" }
            out += "</tr>\n"
        }
        out += "</tbody>\n</table>\n"
    }

    func opt(_ v: Int?) -> String { v.map(n) ?? "–" }

    func columnHead(_ c: ReportModel.Column) -> String {
        c.label.isEmpty ? e(c.id) : "\(e(c.id))<span class=\"sub\">\(e(c.label))</span>"
    }

    func legendLabel(_ c: ReportModel.Column) -> String { c.label.isEmpty ? c.id : "\(c.id) \(c.label)" }

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
