import Allocate
import CaseCore
import Ingest
import Monitoring
import Report

/// The planner's report (report.html) of a run: what the run computed, handed to Report's
/// model as values, with the monitoring sections from the state store as it was before the run.
enum PlannerReport {
    /// - Parameter caseloads: the active case managers' caseloads to show.
    /// - Parameter incident: nil when there is no earlier run to compare with.
    static func page(
        _ loaded: LoadedExtracts, command: String, attrition: [(step: String, patients: Int)], cases: [CaseRecord], allCases: [CaseRecord],
        scoping: [ScopingRow], caseloads: [Caseload], incident: [(row: CaseRecord, trigger: [String])]?, rejectReasons: [String: Int],
        history: StateHistory, settings: Run.Settings
    ) -> String {
        let criteria = loaded.criteria
        var inputs = ReportModel.RunInputs(
            command: command, version: casefindVersion, criteriaID: criteria.id, criteriaTitle: criteria.title,
            asOf: loaded.options.asOf.description, minAge: criteria.population.minAge,
            criteria: criteria.criteria.map { ($0.id, $0.rank) },
            risk: loaded.risk.map { ($0.id, $0.bands.map(\.name), $0.validatedMinAge) }, registered: loaded.store.count,
            attrition: attrition, cases: cases, scoping: scoping,
            caseManagers: caseloads.map {
                ReportModel.CaseManagerLoad(
                    id: $0.caseManager.id, locality: $0.caseManager.locality, caseloadMax: $0.caseManager.caseloadMax, reserve: $0.reserved,
                    allocated: $0.load)
            },
            incident: incident, inputs: ExtractKind.extracts.compactMap { loaded.reader.stats[$0] }, rejectReasons: rejectReasons,
            identifiable: settings.identifiable, disclosure: settings.disclosure)
        let sections = Measures.reportSections(
            store: loaded.store, people: loaded.reader.people, minAge: criteria.population.minAge, asOf: loaded.options.asOf,
            cases: allCases, history: history, baseline: settings.baseline, targetWorkingDays: settings.targetWorkingDays,
            locality: settings.locality)
        inputs.monitoring = sections.monitoring
        inputs.baseline = sections.baseline
        inputs.coverage = sections.coverage
        inputs.enrolment = sections.enrolment
        inputs.screening = sections.screening
        return HTMLReport.render(ReportModel(run: inputs))
    }
}
