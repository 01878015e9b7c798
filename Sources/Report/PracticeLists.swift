import CaseCore
import Dispatch
import Synchronization

/// The lists a GP practice acts on, in `practices/` of the output folder: for every practice in
/// practices.csv with case-found patients, `CODE.csv` (the patients with plain-English reasons),
/// `CODE-import.txt` (NHS numbers for a clinical system's patient-list import),
/// `CODE-accurx-01.csv`... (Accurx's `NHS number,Date of Birth`, at most 250 a file) and
/// `CODE.xlsx` (a review workbook). Rows keep the cases.csv order.
///
/// With pseudonymised person keys the lists carry the key, no date of birth, and neither the
/// import nor the Accurx files: the practice re-identifies the patients first.
public enum PracticeLists {
    /// Accurx takes at most this many patients a file.
    public static let accurxBatch = 250

    public struct Settings: Sendable {
        /// Practice codes of practices.csv (upper-cased).
        public var knownPractices: Set<String>
        /// case_manager_id -> name, from case_managers.csv.
        public var caseManagerNames: [String: String]
        /// Person keys are pseudonyms, not NHS numbers.
        public var opaque: Bool
        /// Practice codes that mean "no registered practice" (the mapping's missing values of
        /// gp_practice; SUS's V81997-V81999 by default): nobody's list, even if practices.csv
        /// lists one.
        public var noRegisteredPractice: Set<String> = PlaceholderPractice.codes
        /// Builds the review workbook's bytes (nil: no workbook).
        public var workbook: (@Sendable (ReviewSheet) throws -> [UInt8])?

        public init(
            knownPractices: Set<String>, caseManagerNames: [String: String], opaque: Bool,
            workbook: (@Sendable (ReviewSheet) throws -> [UInt8])? = nil
        ) {
            self.knownPractices = knownPractices
            self.caseManagerNames = caseManagerNames
            self.opaque = opaque
            self.workbook = workbook
        }
    }

    /// A practice's list as typed cells, for the workbook: `header` and `rows` are the CSV's,
    /// with each cell's kind.
    public struct ReviewSheet: Sendable {
        public enum Cell: Sendable, Equatable {
            case text(String)
            case number(String)
            case date(Day)
            case empty
        }
        public var practice: String
        public var header: [String]
        public var rows: [[Cell]]

        public init(practice: String, header: [String], rows: [[Cell]]) {
            self.practice = practice
            self.header = header
            self.rows = rows
        }
    }

    /// The practices that get lists, in code order.
    public static func practices(_ cases: [CaseRecord], settings: Settings) -> [String] {
        Set(cases.map(\.practice)).filter { settings.knownPractices.contains($0) && !settings.noRegisteredPractice.contains($0) }.sorted()
    }

    /// Every file of every practice: name (under `practices/`) and bytes, practice by practice
    /// in code order, whatever the threads.
    public static func files(_ cases: [CaseRecord], settings: Settings, threads: Int = 2) throws -> [(name: String, bytes: [UInt8])] {
        let built = Mutex<[Int: [(name: String, bytes: [UInt8])]]>([:])
        let count = try build(cases, settings: settings, threads: threads) { i, files in built.withLock { $0[i] = files } }
        let all = built.withLock { $0 }
        return (0..<count).flatMap { all[$0]! }
    }

    /// Builds every practice's files and writes them into `folder` under `practices/` as each
    /// practice is done, so that the writing overlaps the building. The same files as `files`.
    public static func write(_ cases: [CaseRecord], settings: Settings, threads: Int = 2, into folder: OutputDirectory) throws {
        _ = try build(cases, settings: settings, threads: threads) { _, files in
            for file in files { try folder.write("practices/\(file.name)", file.bytes) }
        }
    }

    /// Builds each practice's files and hands them to `done` with the practice's number in code
    /// order. The practices are shared out between `threads` threads, each taking the next
    /// practice as it finishes one (the workbooks are most of the work, and practices differ
    /// in size). Returns how many practices there were; the first error thrown stops the rest.
    static func build(
        _ cases: [CaseRecord], settings: Settings, threads: Int, done: @Sendable (Int, [(name: String, bytes: [UInt8])]) throws -> Void
    ) throws -> Int {
        // Each practice's rows by number, not copied: the case list is the biggest thing a run
        // holds once the facts are read.
        var byPractice: [String: [Int]] = [:]
        for i in cases.indices { byPractice[cases[i].practice, default: []].append(i) }
        var named: [(code: String, base: String)] = []
        var used: Set<String> = []
        for code in practices(cases, settings: settings) { named.append((code, RunFiles.uniqueFileName(code, used: &used))) }
        let groups = byPractice
        let jobs = named
        let next = Mutex(0)
        let failure = Mutex<(any Error)?>(nil)
        DispatchQueue.concurrentPerform(iterations: max(1, min(threads, jobs.count))) { _ in
            while true {
                let i = next.withLock { n in
                    defer { n += 1 }
                    return n
                }
                guard i < jobs.count, failure.withLock({ $0 == nil }) else { return }
                do {
                    try done(i, try files(of: jobs[i].code, base: jobs[i].base, cases, rows: groups[jobs[i].code]!, settings: settings))
                } catch {
                    failure.withLock { $0 = $0 ?? error }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return jobs.count
    }

    /// One practice's files: of `cases[rows]`, read in place (a copy of each case record was
    /// a retain for each of its strings).
    static func files(
        of code: String, base: String, _ cases: [CaseRecord], rows: [Int], settings: Settings
    ) throws -> [(name: String, bytes: [UInt8])] {
        var out: [(name: String, bytes: [UInt8])] = []
        let sheet = reviewSheet(code, cases, rows: rows, settings: settings)
        var csv = CSVText(header: sheet.header)
        for r in sheet.rows { csv.append(r.map(text)) }
        out.append(("\(base).csv", csv.bytes))
        if !settings.opaque {
            var list: [UInt8] = []
            for k in rows {
                list.append(contentsOf: cases[k].nhsNumber.utf8)
                list.append(10)
            }
            out.append(("\(base)-import.txt", list))
            var batch = 1
            for start in stride(from: 0, to: rows.count, by: accurxBatch) {
                var accurx = CSVText(header: ["NHS number", "Date of Birth"])
                for k in rows[start..<min(rows.count, start + accurxBatch)] {
                    accurx.append([cases[k].nhsNumber, cases[k].dateOfBirth.map(dayMonthYear) ?? ""])
                }
                out.append(("\(base)-accurx-\(batch < 10 ? "0" : "")\(batch).csv", accurx.bytes))
                batch += 1
            }
        }
        if let workbook = settings.workbook { out.append(("\(base).xlsx", try workbook(sheet))) }
        return out
    }

    static func reviewSheet(_ code: String, _ cases: [CaseRecord], rows: [Int], settings: Settings) -> ReviewSheet {
        var header = [settings.opaque ? "person_id" : "nhs_number"]
        if !settings.opaque { header.append("date_of_birth") }
        header += [
            "age", "priority", "criteria", "reasons", "risk_score", "risk_band", "status", "case_manager_id", "case_manager_name",
            "waiting_position",
        ]
        // Each field read from the case where it is: a case taken out of the list, even to be
        // lent, was copied (a retain for each of its strings).
        func cells(_ k: Int) -> [ReviewSheet.Cell] {
            var c: [ReviewSheet.Cell] = []
            c.reserveCapacity(header.count)
            c.append(.text(cases[k].nhsNumber))
            if !settings.opaque { c.append(cases[k].dateOfBirth.map { .date($0) } ?? .empty) }
            c.append(.number(String(cases[k].age)))
            c.append(.number(String(cases[k].priority)))
            c.append(.text(cases[k].criteria.joined(separator: ";")))
            c.append(.text(cases[k].reasons))
            c.append(cases[k].riskScore.isEmpty ? .empty : .number(cases[k].riskScore))
            c.append(cases[k].riskBand.isEmpty ? .empty : .text(cases[k].riskBand))
            c.append(.text(cases[k].status?.rawValue ?? ""))
            c.append(cases[k].caseManagerID.isEmpty ? .empty : .text(cases[k].caseManagerID))
            c.append(settings.caseManagerNames[cases[k].caseManagerID].map { .text($0) } ?? .empty)
            c.append(cases[k].waitingPosition.map { .number(String($0)) } ?? .empty)
            return c
        }
        let cells = rows.map(cells)
        return ReviewSheet(practice: code, header: header, rows: cells)
    }

    private static func text(_ cell: ReviewSheet.Cell) -> String {
        switch cell {
        case .text(let s), .number(let s): return s
        case .date(let d): return d.description
        case .empty: return ""
        }
    }

    /// DD/MM/YYYY, as Accurx reads dates.
    static func dayMonthYear(_ d: Day) -> String {
        let c = d.components
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(c.day))/\(two(c.month))/\(c.year)"
    }
}
