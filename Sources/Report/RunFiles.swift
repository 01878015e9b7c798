import CaseCore
import Foundation

/// The planners' and checkers' files of a run, as bytes.
public enum RunFiles {
    public static let casesHeader = CaseRecord.columns

    /// cases.csv, one row per case-found patient, in the order given.
    public static func cases(_ rows: [CaseRecord]) -> [UInt8] {
        var all: [UInt8] = []
        cases(rows) { all += $0 }
        return all
    }

    /// cases.csv a piece (about 1 MiB) at a time, to write as it is made: at 10 million
    /// registered the whole file is 90 MB, and an array that doubles as it grows held twice that.
    public static func cases<E: Error>(_ rows: [CaseRecord], _ emit: ([UInt8]) throws(E) -> Void) throws(E) {
        var t = CSVText(header: casesHeader)
        for k in rows.indices {
            t.append(caseFields(rows, k))
            if t.bytes.count >= 1 << 20 {
                try emit(t.bytes)
                t.clear()
            }
        }
        try emit(t.bytes)
    }

    static func caseFields(_ r: CaseRecord) -> [String] { caseFields([r], 0) }

    /// The fields of `rows[k]`, read where the case is (a copy of the case was a retain for
    /// each of its strings).
    static func caseFields(_ rows: [CaseRecord], _ k: Int) -> [String] {
        [
            rows[k].nhsNumber, rows[k].practice, rows[k].pct, rows[k].locality, String(rows[k].age), String(rows[k].priority),
            rows[k].criteria.joined(separator: ";"), rows[k].frailtyCodes.joined(separator: ";"), String(rows[k].admissions),
            String(rows[k].distinctDrugs), rows[k].careHome ? "Y" : "N", rows[k].nominated ? "Y" : "N", rows[k].riskScore,
            rows[k].riskBand, rows[k].status?.rawValue ?? "", rows[k].caseManagerID, rows[k].waitingPosition.map(String.init) ?? "",
        ]
    }

    /// caseloads/: one file per locality (in the order given) that has allocated patients,
    /// lapsed patients still on a caseload, or an active case manager; named after the
    /// locality, safe and unique.
    public static func caseloads(
        _ cases: [CaseRecord], lapsed: [LapsedCase], localities: [String], withCaseManagers: Set<String>
    ) -> [(name: String, bytes: [UInt8])] {
        var used: Set<String> = []
        var files: [(name: String, bytes: [UInt8])] = []
        for locality in localities {
            // Picked by index, so that only the locality's allocated cases are copied.
            let allocated = cases.indices.filter { cases[$0].locality == locality && cases[$0].status == .allocated }
                .sorted { (cases[$0].caseManagerID, $0) < (cases[$1].caseManagerID, $1) }.map { cases[$0] }
            let held = lapsed.filter { $0.locality == locality && !$0.caseManagerID.isEmpty }
            guard !allocated.isEmpty || !held.isEmpty || withCaseManagers.contains(locality) else { continue }
            files.append((uniqueFileName(locality, used: &used) + ".csv", caseload(allocated, lapsed: held)))
        }
        return files
    }

    /// caseloads/LOCALITY.csv: a locality's allocated patients, by case manager then allocation
    /// order, then the patients still on a caseload who no longer qualify (`lapsed` Y).
    public static func caseload(_ rows: [CaseRecord], lapsed: [LapsedCase] = []) -> [UInt8] {
        var t = CSVText(header: ["case_manager_id", "nhs_number", "priority", "risk_score", "gp_practice", "lapsed"])
        for r in rows { t.append([r.caseManagerID, r.nhsNumber, String(r.priority), r.riskScore, r.practice, "N"]) }
        for l in lapsed.sorted(by: { ($0.caseManagerID, $0.nhsNumber) < ($1.caseManagerID, $1.nhsNumber) }) {
            t.append([l.caseManagerID, l.nhsNumber, "", "", "", "Y"])
        }
        return t.bytes
    }

    /// incidence.csv: cases.csv's columns and `trigger`, the criteria new for the patient.
    public static func incidence(_ rows: [(row: CaseRecord, trigger: [String])]) -> [UInt8] {
        var t = CSVText(header: casesHeader + ["trigger"])
        for (r, trigger) in rows { t.append(caseFields(r) + [trigger.joined(separator: ";")]) }
        return t.bytes
    }

    /// lapsed.csv: patients case-found or on a caseload before who no longer qualify.
    public static func lapsed(_ rows: [LapsedCase]) -> [UInt8] {
        var t = CSVText(header: ["nhs_number", "locality", "previous_priority", "previous_criteria", "case_manager_id", "on_caseload"])
        for r in rows {
            t.append([
                r.nhsNumber, r.locality, r.previousPriority > 0 ? String(r.previousPriority) : "",
                r.previousCriteria.joined(separator: ";"),
                r.caseManagerID, r.caseManagerID.isEmpty ? "N" : "Y",
            ])
        }
        return t.bytes
    }

    /// A file name for a locality that is safe on every file system and in a shell:
    /// `&` becomes `and`, every run of other characters than letters, digits, `.`, `-` and `_`
    /// becomes one `-` ("Witham, Braintree & Halstead" -> "Witham-Braintree-and-Halstead").
    /// `safeFileName(name)`, with `-2`, `-3`... when that name (ignoring case) is in `used`,
    /// which it joins: two localities or practices never share a file.
    public static func uniqueFileName(_ name: String, used: inout Set<String>) -> String {
        var candidate = safeFileName(name)
        var n = 2
        while used.contains(candidate.lowercased()) {
            candidate = safeFileName(name) + "-\(n)"
            n += 1
        }
        used.insert(candidate.lowercased())
        return candidate
    }

    /// The longest file name stem made from a name: with `-2`... and `-accurx-01.csv` after
    /// it, well inside the 255 bytes a file name may have.
    static let longestStem = 100

    /// A name as a file name: ASCII letters, digits, `-`, `_` and `.`, other runs as one `-`;
    /// a longer one than `longestStem` is cut and given a hash of the whole name, so that a
    /// locality named at length is a file, not a failed run ("file name too long").
    public static func safeFileName(_ locality: String) -> String {
        let stem = plainFileName(locality)
        guard stem.utf8.count > longestStem else { return stem }
        // FNV-1a over the name's bytes: names cut to the same prefix still differ.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in locality.utf8 { hash = (hash ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(hash, radix: 16)
        return String(stem.prefix(longestStem - 17)) + "-" + String(repeating: "0", count: 16 - hex.count) + hex
    }

    private static func plainFileName(_ locality: String) -> String {
        var out = ""
        var pendingDash = false
        for ch in locality.replacingOccurrences(of: "&", with: " and ").unicodeScalars {
            let ok = (ch >= "a" && ch <= "z") || (ch >= "A" && ch <= "Z") || (ch >= "0" && ch <= "9") || ch == "-" || ch == "_" || ch == "."
            if ok {
                if pendingDash && !out.isEmpty { out += "-" }
                pendingDash = false
                out.unicodeScalars.append(ch)
            } else {
                pendingDash = true
            }
        }
        while out.hasPrefix(".") || out.hasPrefix("-") { out.removeFirst() }
        return out.isEmpty ? "locality" : out
    }

    /// attrition.csv: the funnel, one step a row, in people.
    public static func attrition(_ steps: [(step: String, patients: Int)]) -> [UInt8] {
        var t = CSVText(header: ["step", "patients"])
        for s in steps { t.append([s.step, String(s.patients)]) }
        return t.bytes
    }

    /// exceptions.csv.
    public static func exceptions(_ rows: [ExceptionRow]) -> [UInt8] {
        var t = CSVText(header: ["nhs_number", "reason", "detail"])
        for r in rows { t.append([r.nhsNumber, r.reason, r.detail]) }
        return t.bytes
    }
}

extension RunFiles {
    /// scoping.csv: one row per locality and a TOTAL row. Patient counts (found, allocated,
    /// waiting, no_capacity) are released under `policy`, the TOTAL's from the exact sums;
    /// places, case managers and the expected numbers are not patient counts and stay exact.
    public static func scoping(_ rows: [ScopingRow], disclosure policy: DisclosurePolicy) -> [UInt8] {
        var t = CSVText(header: [
            "locality", "pct", "expected_patients", "first_tranche_25pct", "found", "capacity", "reserved", "allocated", "waiting",
            "no_capacity", "active_case_managers", "case_managers_needed",
        ])
        let managers = rows.reduce(0) { $0 + $1.activeCaseManagers }
        let capacity = rows.reduce(0) { $0 + $1.capacity }
        let count = { (n: Int) in policy.release(n).text() }
        func line(_ r: ScopingRow, need: ReleasedFigure<Int>) -> [String] {
            [
                r.locality, r.pct, r.expectedPatients.map(String.init) ?? "", r.firstTranche.map(String.init) ?? "", count(r.found),
                String(r.capacity), String(r.reserved), count(r.allocated), count(r.waiting), count(r.noCapacity),
                String(r.activeCaseManagers), need.text { String($0) },
            ]
        }
        for r in rows { t.append(line(r, need: r.releasedNeed(overallManagers: managers, overallCapacity: capacity, policy: policy))) }
        var total = ScopingRow(
            locality: "TOTAL", pct: "", expectedPatients: nil, found: 0, capacity: 0, reserved: 0, allocated: 0, waiting: 0, noCapacity: 0,
            activeCaseManagers: 0)
        var expected = 0
        var anyExpected = false
        for r in rows {
            total.found += r.found
            total.capacity += r.capacity
            total.reserved += r.reserved
            total.allocated += r.allocated
            total.waiting += r.waiting
            total.noCapacity += r.noCapacity
            total.activeCaseManagers += r.activeCaseManagers
            if let e = r.expectedPatients {
                expected += e
                anyExpected = true
            }
        }
        total.expectedPatients = anyExpected ? expected : nil
        // The total need is the sum of the localities' needs: a locality's spare room cannot
        // take another locality's patients.
        t.append(line(total, need: ScopingRow.releasedNeed(of: rows, among: rows, policy: policy)))
        return t.bytes
    }
}
