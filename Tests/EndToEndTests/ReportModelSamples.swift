import CaseCore
import Foundation
import TestSupport

@testable import Report

/// A report with the sample's five Essex localities and realistic figures for a PCT-sized
/// population. `incidentPatients` sets how many incident patients are listed. Unsuppressed
/// unless `disclosure` says otherwise, so that the layout tests see the exact figures
/// (HTMLReportDisclosureTests checks the page under suppression).
func sampleReportModel(
    identifiable: Bool = false, incidentPatients: Int = 240, disclosure: DisclosurePolicy = .unsuppressed
) -> ReportModel {
    let header = ReportModel.Header(
        title: "Case finding for case management, North and Mid Essex", criteriaSetID: "essex-2005",
        criteriaSetTitle: "Essex SHA case finding, patients aged 65 and over", asOf: "2026-11-22",
        command: "casefind incidence --extracts extracts/2026-11 --criteria criteria/essex-2005.yaml --as-of 2026-11-22 --report",
        version: "0.9.0", runKind: .incidence)
    let headline = ReportModel.Headline(
        registered: 612_480, alive: 609_115, aged65Plus: 118_342, caseFound: 2_431, allocated: 1_874, waiting: 511, noCapacity: 46,
        incident: incidentPatients)
    var m = ReportModel(header: header, headline: headline, identifiable: identifiable, disclosure: disclosure)
    m.funnel = [
        .init(label: "registered", patients: 612_480), .init(label: "alive", patients: 609_115),
        .init(label: "aged 65+", patients: 118_342),
        .init(label: "frailty", patients: 1_203), .init(label: "admissions", patients: 1_644), .init(label: "care_home", patients: 388),
        .init(label: "polypharmacy", patients: 902), .init(label: "nomination", patients: 57),
        .init(label: "any criterion", patients: 2_431),
        .init(label: "allocated", patients: 1_874), .init(label: "waiting", patients: 511),
    ]
    let localities = [
        ("Colchester", "North East Essex", 737), ("Tendring", "North East Essex", 826), ("Chelmsford", "Mid Essex", 513),
        ("Maldon & S Chelmsford", "Mid Essex", 333), ("Witham Braintree & Halstead", "Mid Essex", 604),
    ]
    let found = [601, 688, 412, 251, 479]
    m.priorities = .init(
        columns: [
            .init(id: "P1", label: "frail elderly admission"), .init(id: "P2", label: "2+ admissions"), .init(id: "P3", label: "care home"),
            .init(id: "P4", label: "5+ drugs"), .init(id: "P5", label: "nominated"),
        ],
        localities: zip(localities, found).map { l, f in
            let p1 = f * 45 / 100, p2 = f * 25 / 100, p3 = f * 12 / 100, p5 = f * 2 / 100
            return .init(locality: l.0, counts: [p1, p2, p3, f - p1 - p2 - p3 - p5, p5])
        })
    let bands = zip(localities, found).map { l, f in
        ReportModel.LocalityCounts(locality: l.0, counts: [f * 38 / 100, f * 44 / 100, f - f * 38 / 100 - f * 44 / 100])
    }
    m.riskBands = .init(
        bands: [.init(id: "low", label: "under 5"), .init(id: "intermediate", label: "5 to 15"), .init(id: "high", label: "over 15")],
        overall: (0..<3).map { i in bands.reduce(0) { $0 + $1.counts[i] } }, localities: bands,
        caveat: "HFRS was validated in people aged 75 and over; below 75 it is a ranking aid only. 612 of the 2,431 case-found "
            + "patients are under 75.")
    func line(_ i: Int) -> ReportModel.ScopingLine {
        .init(
            locality: localities[i].0, pct: localities[i].1, expectedPatients: localities[i].2, firstTranche: (localities[i].2 + 2) / 4,
            found: found[i], caseManagersNeeded: [2, 3, 1, 0, 2][i])
    }
    m.scoping = [
        line(0), line(1),
        .init(
            kind: .pctSubtotal, locality: "North East Essex", pct: "", expectedPatients: 1_563, firstTranche: 391, found: 1_289,
            caseManagersNeeded: 5),
        line(2), line(3), line(4),
        .init(
            kind: .pctSubtotal, locality: "Mid Essex", pct: "", expectedPatients: 1_450, firstTranche: 363, found: 1_142,
            caseManagersNeeded: 3),
        .init(kind: .total, locality: "Total", pct: "", expectedPatients: 3_013, firstTranche: 754, found: 2_431, caseManagersNeeded: 8),
    ]
    m.localityCapacity = [
        .init(locality: "Colchester", capacity: 460, reserved: 46, allocated: 414, waiting: 187, noCapacity: 0),
        .init(locality: "Tendring", capacity: 560, reserved: 56, allocated: 504, waiting: 184, noCapacity: 0),
        .init(locality: "Chelmsford", capacity: 420, reserved: 42, allocated: 378, waiting: 34, noCapacity: 0),
        .init(locality: "Maldon & S Chelmsford", capacity: 260, reserved: 26, allocated: 234, waiting: 17, noCapacity: 0),
        .init(locality: "Witham Braintree & Halstead", capacity: 380, reserved: 36, allocated: 344, waiting: 89, noCapacity: 46),
    ]
    m.caseManagers = [
        ("CM01", "Colchester", 60, 6, 54), ("CM02", "Colchester", 55, 5, 50), ("CM09", "Colchester", 80, 8, 72),
        ("CM03", "Tendring", 80, 8, 72), ("CM10", "Tendring", 70, 7, 63), ("CM05", "Chelmsford", 70, 7, 63),
        ("CM06", "Maldon & S Chelmsford", 65, 6, 59), ("CM07", "Witham Braintree & Halstead", 75, 7, 68),
        ("CM08", "Witham Braintree & Halstead", 50, 5, 31),
    ].map { .init(id: $0.0, locality: $0.1, caseloadMax: $0.2, reserve: $0.3, allocated: $0.4) }
    m.incidence = .init(
        count: incidentPatients,
        byTrigger: [
            .init(trigger: "frailty", patients: incidentPatients * 4 / 10),
            .init(trigger: "admissions", patients: incidentPatients * 3 / 10),
            .init(trigger: "care_home", patients: incidentPatients / 10),
            .init(trigger: "polypharmacy", patients: incidentPatients * 2 / 10),
        ],
        patients: (0..<incidentPatients).map { i in
            .init(
                nhsNumber: nhs(i), locality: localities[i % 5].0, priority: 1 + i % 5,
                trigger: ["frailty", "admissions", "care_home", "polypharmacy", "admissions;polypharmacy"][i % 5],
                status: ["allocated", "allocated", "waiting", "allocated", "no_capacity"][i % 5])
        })
    m.inputFiles = [
        .init(file: "patients.csv", read: 612_904, accepted: 612_480, rejected: 424, warnings: 1_207, unregistered: 0),
        .init(file: "admissions.csv", read: 381_220, accepted: 379_918, rejected: 911, warnings: 77, unregistered: 391),
        .init(file: "prescriptions.csv", read: 4_812_330, accepted: 4_809_114, rejected: 1_804, warnings: 0, unregistered: 1_412),
        .init(file: "practices.csv", read: 84, accepted: 84, rejected: 0, warnings: 0, unregistered: 0),
    ]
    m.rejectReasons = [
        .init(reason: "invalid NHS number", count: 1_630), .init(reason: "date in the future", count: 412),
        .init(reason: "missing date of birth", count: 424), .init(reason: "unknown ICD-10 code", count: 499),
        .init(reason: "duplicate spell", count: 174),
    ]
    m.monitoring = localities.flatMap { l in
        ["2026-09", "2026-10"].enumerated().map { i, month in
            ReportModel.MonitoringRow(
                locality: l.0, month: month, emergencyAdmissions: l.2 / 4 - 10 * i, bedDays: l.2 * 2 - 40 * i,
                meanLengthOfStay: 7.25 - 0.3 * Double(i),
                baselineEmergencyAdmissions: Double(l.2 / 4 + 12), baselineBedDays: Double(l.2 * 2 + 90), baselineMeanLengthOfStay: 8.25,
                baselineAdmissionsTotal: (l.2 / 4 + 12) * 12, baselineBedDaysTotal: (l.2 * 2 + 90) * 12)
        }
    }
    m.screening = .init(
        target: "contact within 2 working days of being case-found",
        rows: [
            .init(caseManagerID: "CM01", locality: "Colchester", outcomes: 41, medianDaysToOutcome: 1.5, withinTarget: 33),
            .init(caseManagerID: "CM03", locality: "Tendring", outcomes: 52, medianDaysToOutcome: 2, withinTarget: 30),
            .init(caseManagerID: "CM05", locality: "Chelmsford", outcomes: 0, medianDaysToOutcome: nil, withinTarget: 0),
        ])
    return m
}

/// A model with only the header and headline: every optional section empty (unsuppressed unless asked).
func emptyReportModel(disclosure: DisclosurePolicy = .unsuppressed) -> ReportModel {
    ReportModel(
        header: .init(
            title: "Empty", criteriaSetID: "essex-2005", criteriaSetTitle: "Essex", asOf: "2026-11-22", command: "casefind run",
            version: "0.9.0", runKind: .run),
        headline: .init(registered: 0, alive: 0, aged65Plus: 0, caseFound: 0, allocated: 0, waiting: 0, noCapacity: 0, incident: nil),
        disclosure: disclosure)
}
