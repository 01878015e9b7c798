import Rules
import TestSupport
import Testing

@testable import Warehouse

/// Each criterion kind's steps, through `CriterionSQL`: what the assembly of the query relies
/// on. (The text of the steps is pinned by `GoldenSQLTests`.)
@Suite struct CriterionSQLTests {
    /// The criteria of every criteria file, which between them use every kind.
    static func allCriteria() throws -> (WarehouseSQL, [Criterion]) {
        var criteria: [Criterion] = []
        var sql: WarehouseSQL?
        for file in ["essex-2005.yaml", "castlefields.yaml", "evercare.yaml"] {
            let set = try CriteriaSet.load(path: repositoryRoot() + "/criteria/" + file)
            criteria += set.criteria
            if sql == nil { sql = WarehouseSQL(criteria: set, risk: nil, dialect: .duckdb, asOf: try WarehouseSQLTests.asOf()) }
        }
        return (try #require(sql), criteria)
    }

    @Test func theCriteriaFilesUseEveryKind() throws {
        let kinds = Set(try Self.allCriteria().1.map { String(describing: type(of: WarehouseSQL.criterionSQL(for: $0.kind))) })
        #expect(kinds == ["DiagnosisSQL", "AdmissionsSQL", "CareHomeSQL", "PolypharmacySQL", "NominationSQL", "ConditionsSQL"])
    }

    /// One step carries the criterion's name, the others are named after it.
    @Test func stepsAreNamedAfterTheCriterion() throws {
        let (sql, criteria) = try Self.allCriteria()
        for c in criteria {
            let steps = WarehouseSQL.criterionSQL(for: c.kind).ctes(named: "c_x", in: sql)
            #expect(steps.filter { $0.name == "c_x" }.count == 1, "\(c.id)")
            #expect(steps.allSatisfy { $0.name.hasPrefix("c_x") }, "\(c.id)")
            #expect(steps.allSatisfy { !$0.comment.isEmpty && !$0.body.isEmpty }, "\(c.id)")
        }
    }

    /// What each kind tells the assembly: whether the code readings are needed, whether its
    /// codes go to frailty_codes, and the Y/N column it sets.
    @Test func eachKindSaysWhatTheQueryNeeds() throws {
        for c in try Self.allCriteria().1 {
            let k = WarehouseSQL.criterionSQL(for: c.kind)
            let said = (k.readsAdmissionCodes, k.reportsCodes, k.flag)
            switch c.kind {
            case .diagnosis: #expect(said == (true, true, nil))
            case .conditions: #expect(said == (true, false, nil))
            case .careHome: #expect(said == (false, false, .careHome))
            case .nomination: #expect(said == (false, false, .nominated))
            case .admissions, .polypharmacy: #expect(said == (false, false, nil))
            }
        }
    }

    /// Only the steps of a kind that says it reads codes use admission_codes (the query has
    /// that step only when one does, or for the risk score).
    @Test func stepsReadWhatTheKindSays() throws {
        let (sql, criteria) = try Self.allCriteria()
        for c in criteria {
            let k = WarehouseSQL.criterionSQL(for: c.kind)
            let text = k.ctes(named: "c_x", in: sql).map(\.body).joined(separator: "\n")
            #expect(text.contains("FROM admission_codes") == k.readsAdmissionCodes, "\(c.id)")
        }
    }
}
