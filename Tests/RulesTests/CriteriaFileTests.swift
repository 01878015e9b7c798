import CaseCore
import Foundation
import Rules
import TestSupport
import Testing

@Suite struct CriteriaFileTests {
    static func essexText() throws -> String { try String(contentsOfFile: repositoryRoot() + "/criteria/essex-2005.yaml", encoding: .utf8) }

    /// Codes as the criteria file holds them; one that does not read fails the test at the caller.
    func shortCodes(_ texts: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> [ShortCode] {
        try texts.map { try #require(ShortCode($0), "\($0)", sourceLocation: sourceLocation) }
    }

    /// The Essex file says exactly what the spec says.
    @Test func essexMatchesTheSpec() throws {
        let c = try Scenario.essex()
        #expect(c.id == "essex-2005")
        #expect(c.population.minAge == 65)
        #expect(try c.population.deathDischargeMethods == Set(shortCodes(["4"])))
        #expect(c.missingBefore.description == "1890-01-01")
        try #require(c.criteria.map(\.id) == ["frailty", "admissions", "care_home", "polypharmacy", "nomination"])
        #expect(c.criteria.map(\.rank) == [1, 2, 3, 4, 5])
        guard case .diagnosis(let w, let codes) = c.criteria[0].kind else { Issue.record("frailty kind"); return }
        #expect(w == .months(12))
        #expect(codes.map(\.pattern.description) == ["E86", "W00-W19", "K590", "R11", "N390"])
        #expect(codes.map(\.minAge) == [nil, nil, nil, 70, nil])
        #expect(c.criteria[1].kind == .admissions(window: .months(12), minCount: 2))
        let homes = Set(try shortCodes(["54", "55", "56", "65", "85"]))
        #expect(c.criteria[2].kind == .careHome(register: true, window: .months(12), admissionSources: homes, dischargeDestinations: homes))
        #expect(c.criteria[3].kind == .polypharmacy(window: .days(84), minDistinct: 5, chapters: 1...15))
        #expect(c.criteria[4].kind == .nomination)
        #expect(try c.spells.regularAttenderClassifications == Set(shortCodes(["3", "4"])))
        #expect(try c.spells.transferMethods == Set(shortCodes(["2B", "81"])))
        #expect(try c.spells.transferSources == Set(shortCodes(["51", "52", "53"])))
        #expect(c.spells.transferMaxGapDays == 3)
        #expect(c.caseloadLimits == 50...80)
    }

    @Test(arguments: ["evercare", "castlefields"])
    func otherShippedSetsLoad(name: String) throws {
        let c = try CriteriaSet.load(path: repositoryRoot() + "/criteria/\(name).yaml")
        #expect(c.id == name)
    }

    /// Replaces the first occurrence of `old` in the Essex file and expects an error naming
    /// `line` and saying `message`.
    @Test(arguments: [
        ("    min_count: 2", "    min_count: 2\n    min_cuont: 3", 56, "unknown key 'min_cuont'"),
        ("W00-W19", "W19-W00", 45, "runs backwards"),
        ("W00-W19", "W0-W19", 45, "not an ICD-10 code"),
        (
            "    window: 84 days                # three 28-day prescribing cycles\n", "", 67,
            "item 4 of 'criteria' is missing the required key 'window'"
        ),
        ("    kind: nomination", "    kind: nominee", 78, "unknown criterion kind 'nominee'"),
        ("version: 1", "version: 2", 8, "newer than this casefind reads"),
        ("    rank: 2\n", "    rank: 1\n", 51, "rank 1 is used twice"),
        ("  min_age: 65", "  min_age: sixty-five", 13, "must be a whole number"),
        ("    window: 12 months\n    min_count", "    window: 12 moons\n    min_count", 54, "'12 months' or '84 days'"),
        // Windows are bounded (at most 100 years), so no date arithmetic on them can trap.
        ("    window: 12 months\n    min_count", "    window: 101 years\n    min_count", 54, "at most 100 years"),
        ("    window: 12 months\n    min_count", "    window: 10000000 years\n    min_count", 54, "at most 100 years"),
        ("    window: 12 months\n    min_count", "    window: 1201 months\n    min_count", 54, "at most 100 years"),
        ("    window: 12 months\n    min_count", "    window: 36526 days\n    min_count", 54, "(1200 months, 36525 days)"),
        ("    window: 12 months\n    min_count", "    window: 3000000000 days\n    min_count", 54, "at most 100 years"),
        ("    window: 12 months\n    min_count", "    window: 99999999999999999999 days\n    min_count", 54, "a number and a unit"),
    ])
    func errorsNameTheLine(old: String, new: String, line: Int, message: String) throws {
        let essex = try CriteriaFileTests.essexText()
        let text = essex.replacingOccurrences(of: old, with: new, options: [], range: essex.range(of: old))
        #expect(text != essex, "the replacement did not apply")
        do {
            _ = try CriteriaSet.parse(text, path: "criteria/essex.yaml")
            Issue.record("no error for \(new)")
        } catch {
            #expect(error.location?.line == line, "\(error.description)")
            #expect(error.description.hasPrefix("criteria/essex.yaml:\(line): error: "), "\(error.description)")
            #expect(error.description.contains(message), "\(error.description)")
        }
    }

    /// The longest windows allowed are read as given.
    @Test(arguments: [("100 years", "1200 months"), ("1200 months", "1200 months"), ("36525 days", "36525 days")])
    func theLongestWindows(given: String, read: String) throws {
        let essex = try CriteriaFileTests.essexText()
        let old = "    window: 12 months\n    min_count"
        let text = essex.replacingOccurrences(
            of: old, with: "    window: \(given)\n    min_count", options: [], range: essex.range(of: old))
        let c = try CriteriaSet.parse(text, path: "criteria/essex.yaml")
        let windows = c.criteria.compactMap { criterion -> String? in
            if case .admissions(let window, _) = criterion.kind { return window.description }
            return nil
        }
        #expect(windows == [read])
    }

    /// The rendered message shows the line and a caret under the problem.
    @Test func messageShowsTheLineAndACaret() throws {
        let text =
            "criteria_set: x\nversion: 1\ntitle: t\nsource: s\npopulation:\n  min_age: 65\n  died_discharge_methods: [4]\n  colour: blue\n"
        do {
            _ = try CriteriaSet.parse(text, path: "c.yaml")
            Issue.record("accepted")
        } catch {
            #expect(
                error.description == """
                    c.yaml:8: error: unknown key 'colour' in 'population' (known keys: died_discharge_methods, min_age)
                       |
                     8 |   colour: blue
                       |   ^
                    """)
        }
    }

    @Test func yamlSyntaxErrorsNameTheLine() {
        do {
            _ = try CriteriaSet.parse("criteria_set: x\nversion: [1\n", path: "c.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("c.yaml:"))
            #expect(error.description.contains("YAML syntax"))
        }
    }
}

@Suite struct CastlefieldsTests {
    @Test func fourConditionGroupsQualify() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.patient(2, born: "1940-01-01")
        // Four groups: diabetes, COPD, heart failure, dementia (two codes of one group count once).
        s.episode(1, spell: "A", admitted: "2025-06-01", discharged: "2025-06-03", diagnoses: ["E11.9", "J44.1", "E10"])
        s.episode(1, spell: "B", admitted: "2026-06-01", discharged: "2026-06-03", diagnoses: ["I50.0", "F03X"])
        // Three groups only; a fourth is older than 24 months.
        s.episode(2, spell: "C", admitted: "2024-11-22", discharged: "2024-11-23", diagnoses: ["C50.9"])
        s.episode(2, spell: "D", admitted: "2025-06-01", discharged: "2025-06-03", diagnoses: ["E11.9", "J44.1", "I48X"])
        let out = try s.evaluate(criteria: CriteriaSet.load(path: repositoryRoot() + "/criteria/castlefields.yaml"))
        #expect(try out[1].criteriaText == "chronic_conditions")
        #expect(try out[2].criteriaText == "")
    }
}
