import CaseCore
import Rules
import TestSupport
import Testing

/// One test per rule and edge of `spec/essex-criteria.md`, at as-of 2026-11-22 unless said.
/// The 12-month window is 2025-11-23...2026-11-22; the 84-day window 2026-08-31...2026-11-22.
@Suite struct FrailtyTests {
    @Test func codeOnASecondaryPositionOfALaterEpisode() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-05-01", diagnoses: ["I10X"])
        s.episode(1, spell: "A", admitted: "2026-05-01", discharged: "2026-05-09", diagnoses: ["I10X", "J18.9", "N39.0"])
        let e = try s.evaluate()[1]
        #expect(e.criteriaText == "frailty")
        #expect(e.codesText == "N390")
        #expect(e.admissions == 1)
    }

    @Test(arguments: [("2025-11-22", false), ("2025-11-23", true), ("2026-11-22", true), ("2026-11-23", false)])
    func windowBoundaries(admitted: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: admitted, discharged: admitted, diagnoses: ["E86.0"])
        #expect(try s.evaluate()[1].met("frailty") == met)
    }

    /// R11 counts only at 70 or over at the as-of date.
    @Test(arguments: [("1956-11-22", true), ("1956-11-23", false)])
    func nauseaAndVomitingOnlyAtSeventy(born: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: born)
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-02", diagnoses: ["R11X"])
        let e = try s.evaluate()[1]
        #expect(e.eligible)
        #expect(e.met("frailty") == met)
        #expect(e.codesText == (met ? "R11" : ""))
    }

    @Test(arguments: [
        ("K59.0", "K590"), ("K5900", "K5900"), ("k590", "K590"), ("W19X", "W19"), ("W010", "W010"), ("E869", "E869"), ("N39.0", "N390"),
    ])
    func matchingSpellings(code: String, normalised: String) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-02", diagnoses: [code])
        let e = try s.evaluate()[1]
        #expect(e.met("frailty"))
        #expect(e.codesText == normalised)
    }

    @Test(arguments: ["K591", "W20", "N391", "E87", "R10"])
    func nonMatchingCodes(code: String) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-02", diagnoses: [code])
        #expect(try s.evaluate()[1].met("frailty") == false)
    }

    @Test func codesFromSeveralAdmissionsAreSortedAndDistinct() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-02", diagnoses: ["W19X", "E86.0"])
        s.episode(1, spell: "B", admitted: "2026-07-01", discharged: "2026-07-02", diagnoses: ["E860", "K59.0"])
        #expect(try s.evaluate()[1].codesText == "E860;K590;W19")
    }

    @Test func regularAttenderSpellIsNotAnAdmission() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-01", classification: "3", diagnoses: ["N39.0"])
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-01", classification: "4", diagnoses: ["N39.0"])
        let e = try s.evaluate()[1]
        #expect(!e.met("frailty"))
        #expect(e.admissions == 0)
    }

    @Test func aSpellWithOneOrdinaryEpisodeIsAnAdmission() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-06-01", classification: "3", diagnoses: ["N39.0"])
        s.episode(1, spell: "A", admitted: "2026-06-01", discharged: "2026-06-03", classification: "1")
        #expect(try s.evaluate()[1].met("frailty"))
    }
}

@Suite struct AdmissionCountTests {
    @Test func episodesOfOneSpellAndDuplicateRowsCountOnce() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-09")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-09")
        let e = try s.evaluate()[1]
        #expect(e.admissions == 1)
        #expect(!e.met("admissions"))
    }

    @Test func twoSpellsAreTwoAdmissions() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-05")
        s.episode(1, spell: "B", admitted: "2026-09-01", discharged: "2026-09-05")
        let e = try s.evaluate()[1]
        #expect(e.admissions == 2)
        #expect(e.criteriaText == "admissions")
        #expect(e.priority == 2)
    }

    /// A transfer in joins the stay before it when it begins 0 to 3 days after its discharge.
    @Test(arguments: [
        ("2026-03-05", "2B", "19", 1), ("2026-03-08", "2B", "19", 1), ("2026-03-09", "2B", "19", 2), ("2026-03-06", "81", "19", 1),
        ("2026-03-06", "21", "51", 1), ("2026-03-06", "21", "53", 1), ("2026-03-06", "21", "19", 2), ("2026-03-04", "2B", "19", 2),
    ])
    func transfers(admitted: String, method: String, source: String, stays: Int) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-05")
        s.episode(1, spell: "B", admitted: admitted, discharged: "2026-03-20", method: method, source: source)
        #expect(try s.evaluate()[1].admissions == stays)
    }

    @Test func nothingJoinsAnOpenStay() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01")
        s.episode(1, spell: "B", admitted: "2026-03-02", method: "2B", source: "51")
        let e = try s.evaluate()[1]
        #expect(e.admissions == 2)
        #expect(e.met("admissions"))
    }

    @Test func aChainOfTransfersIsOneStay() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-05")
        s.episode(1, spell: "B", admitted: "2026-03-05", discharged: "2026-03-10", method: "2B")
        s.episode(1, spell: "C", admitted: "2026-03-12", discharged: "2026-03-15", source: "52")
        #expect(try s.evaluate()[1].admissions == 1)
    }

    /// A joined stay is dated by its first admission: a stay begun before the window is not
    /// counted even though its transfer spell lies inside.
    @Test func aStayIsDatedByItsFirstAdmission() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2025-11-10", discharged: "2025-11-22")
        s.episode(1, spell: "B", admitted: "2025-11-24", discharged: "2025-12-01", method: "2B")
        s.episode(1, spell: "C", admitted: "2026-05-01", discharged: "2026-05-03")
        #expect(try s.evaluate()[1].admissions == 1)
    }

    @Test func openSpellsCount() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-02")
        s.episode(1, spell: "B", admitted: "2026-11-20")
        #expect(try s.evaluate()[1].met("admissions"))
    }

    @Test func regularAttendersDoNotCount() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for (i, d) in ["2026-03-01", "2026-04-01", "2026-05-01"].enumerated() {
            s.episode(1, spell: "D\(i)", admitted: d, discharged: d, method: "11", classification: "3")
        }
        s.episode(1, spell: "E", admitted: "2026-06-01", discharged: "2026-06-02")
        #expect(try s.evaluate()[1].admissions == 1)
    }

    @Test func spellsAfterTheAsOfDateAreIgnored() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-02")
        s.episode(1, spell: "B", admitted: "2026-11-23", discharged: "2026-11-25", diagnoses: ["E86"])
        let out = try s.evaluate()
        #expect(try out[1].admissions == 1)
        #expect(try !out[1].isCaseFound)
        #expect(out.diagnostics.isEmpty)
    }

    /// A spell's admission date is the earliest of its episodes'.
    @Test func episodesThatDisagreeOnTheAdmissionDate() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2025-11-20", diagnoses: ["E86"])
        s.episode(1, spell: "A", admitted: "2025-11-25", discharged: "2025-12-01")
        #expect(try s.evaluate()[1].met("frailty") == false)
    }
}

@Suite struct CareHomeTests {
    @Test(arguments: [
        ("2020-01-01", "", true), ("2020-01-01", "2026-11-22", true), ("2020-01-01", "2026-11-21", false), ("2026-11-22", "", true),
        ("2026-11-23", "", false),
    ])
    func registerCoversTheAsOfDate(from: String, to: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.residence.append("\(nhs(1)),1-123456789,nursing,\(from),\(to)")
        #expect(try s.evaluate()[1].met("care_home") == met)
    }

    @Test(arguments: [
        ("54", "19", true), ("19", "65", true), ("85", "19", true), ("55", "19", true), ("56", "19", true), ("19", "19", false),
        ("88", "19", false),
    ])
    func latestAdmissionCodes(source: String, destination: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-04-01", discharged: "2026-04-05", source: source, destination: destination)
        #expect(try s.evaluate()[1].met("care_home") == met)
    }

    @Test func onlyTheLatestAdmissionCounts() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-02-01", discharged: "2026-02-05", source: "54")
        s.episode(1, spell: "B", admitted: "2026-04-01", discharged: "2026-04-05", source: "19", destination: "19")
        #expect(try s.evaluate()[1].met("care_home") == false)
    }

    @Test func everyAdmissionOnTheLatestDateCounts() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-04-01", discharged: "2026-04-05", source: "19", destination: "19")
        s.episode(1, spell: "B", admitted: "2026-04-01", discharged: "2026-04-02", source: "19", destination: "85")
        #expect(try s.evaluate()[1].met("care_home"))
    }

    @Test func anAdmissionOutsideTheWindowDoesNotCount() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2025-10-01", discharged: "2025-10-05", source: "54")
        #expect(try s.evaluate()[1].met("care_home") == false)
    }

    @Test func codesOnAnyEpisodeOfTheLatestSpell() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-04-01", source: "19", destination: "98")
        s.episode(1, spell: "A", admitted: "2026-04-01", discharged: "2026-04-09", source: "19", destination: "56")
        #expect(try s.evaluate()[1].met("care_home"))
    }
}

@Suite struct PolypharmacyTests {
    static let drugs = ["0212000AAAAAAAA", "0204000H0AAAAAA", "0601011L0AAAAAA", "0103050P0AAAAAA", "1001010AJAAAAAA", "0407010H0AAAAAA"]

    @Test(arguments: [(5, true), (4, false)])
    func distinctSubstances(count: Int, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for d in PolypharmacyTests.drugs.prefix(count) { s.prescription(1, issued: "2026-10-01", bnf: d) }
        let e = try s.evaluate()[1]
        #expect(e.distinctDrugs == count)
        #expect(e.met("polypharmacy") == met)
    }

    @Test func oneSubstanceInTwoPresentationsCountsOnce() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for d in PolypharmacyTests.drugs.prefix(4) { s.prescription(1, issued: "2026-10-01", bnf: d) }
        s.prescription(1, issued: "2026-10-02", bnf: "0212000AABBABAB")
        s.prescription(1, issued: "2026-10-03", bnf: "0212000AA")
        #expect(try s.evaluate()[1].distinctDrugs == 4)
    }

    @Test(arguments: ["1902000C0AAAAAA", "2101000A0AAAAAA", "1804000A0AAAAAA"])
    func chaptersOutside1to15DoNotCount(code: String) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for d in PolypharmacyTests.drugs.prefix(4) { s.prescription(1, issued: "2026-10-01", bnf: d) }
        s.prescription(1, issued: "2026-10-01", bnf: code)
        #expect(try s.evaluate()[1].met("polypharmacy") == false)
    }

    @Test(arguments: [("2026-08-30", false), ("2026-08-31", true), ("2026-11-22", true), ("2026-11-23", false)])
    func windowBoundaries(issued: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for d in PolypharmacyTests.drugs.prefix(4) { s.prescription(1, issued: "2026-10-01", bnf: d) }
        s.prescription(1, issued: issued, bnf: PolypharmacyTests.drugs[4])
        #expect(try s.evaluate()[1].met("polypharmacy") == met)
    }

    @Test func aLaterIssueInsideTheWindowCountsAnEarlierOneOutside() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for d in PolypharmacyTests.drugs.prefix(5) { s.prescription(1, issued: "2026-06-01", bnf: d) }
        for d in PolypharmacyTests.drugs.prefix(5) { s.prescription(1, issued: "2026-11-01", bnf: d) }
        #expect(try s.evaluate()[1].distinctDrugs == 5)
    }
}

@Suite struct NominationAndPopulationTests {
    @Test(arguments: [("2026-11-22", true), ("2026-11-23", false), ("2020-01-01", true)])
    func nominationDate(on: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.nominations.append("\(nhs(1)),\(on),G1234567,complex needs")
        let e = try s.evaluate()[1]
        #expect(e.met("nomination") == met)
        #expect(e.priority == (met ? 5 : nil))
    }

    @Test(arguments: [("1961-11-22", true), ("1961-11-23", false)])
    func ageSixtyFive(born: String, eligible: Bool) throws {
        var s = Scenario()
        s.patient(1, born: born)
        s.nominations.append("\(nhs(1)),2026-01-01,,")
        let e = try s.evaluate()[1]
        #expect(e.eligible == eligible)
        #expect(e.isCaseFound == eligible)
        #expect(e.nominatedByDate)
    }

    @Test(arguments: [("2026-11-22", false), ("2026-11-23", true), ("", true)])
    func dateOfDeath(died: String, alive: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01", died: died)
        s.nominations.append("\(nhs(1)),2026-01-01,,")
        let e = try s.evaluate()[1]
        #expect(e.alive == alive)
        #expect(e.isCaseFound == alive)
    }

    @Test func aSentinelDateOfDeathIsMissingAndWarned() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01", died: "1800-01-01")
        s.nominations.append("\(nhs(1)),2026-01-01,,")
        let out = try s.evaluate()
        #expect(try out[1].alive)
        #expect(try out[1].isCaseFound)
        #expect(out.diagnostics.map(\.severity) == [.warning])
        #expect(out.diagnostics.first?.field == "date_of_death")
    }

    @Test(arguments: [("2026-10-05", false), ("2026-11-23", true)])
    func deathInHospital(discharged: String, alive: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(
            1, spell: "A", admitted: "2026-10-01", discharged: discharged, destination: "79", dischargeMethod: "4", diagnoses: ["E86"])
        let e = try s.evaluate()[1]
        #expect(e.alive == alive)
        #expect(e.isCaseFound == alive)
    }

    @Test func everyCriterionMetIsReportedAndPriorityIsTheLowestRank() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-03-01", discharged: "2026-03-02", source: "54")
        s.episode(1, spell: "B", admitted: "2026-05-01", discharged: "2026-05-02", destination: "54")
        for d in PolypharmacyTests.drugs.prefix(5) { s.prescription(1, issued: "2026-10-01", bnf: d) }
        s.nominations.append("\(nhs(1)),2026-01-01,,")
        let e = try s.evaluate()[1]
        #expect(e.criteriaText == "admissions;care_home;polypharmacy;nomination")
        #expect(e.priority == 2)
    }
}

/// As-of 29 February 2028: the 12-month window starts 2027-03-01 (2027 has no 29 February).
@Suite struct LeapDayAsOfTests {
    @Test(arguments: [("2027-02-28", false), ("2027-03-01", true)])
    func twelveMonthWindow(admitted: String, met: Bool) throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: admitted, discharged: admitted, diagnoses: ["N39.0"])
        #expect(try s.evaluate(asOf: "2028-02-29")[1].met("frailty") == met)
    }

    @Test(arguments: [("1963-02-28", 65), ("1963-03-01", 64), ("1960-02-29", 68), ("1964-02-29", 64)])
    func ages(born: String, age: Int) throws {
        var s = Scenario()
        s.patient(1, born: born)
        #expect(try s.evaluate(asOf: "2028-02-29")[1].age == age)
    }

    @Test func eightyFourDays() throws {
        // 2028-02-29 minus 84 days is 2027-12-07: issues from 2027-12-08 count.
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        for d in PolypharmacyTests.drugs.prefix(4) { s.prescription(1, issued: "2027-12-08", bnf: d) }
        s.prescription(1, issued: "2027-12-07", bnf: PolypharmacyTests.drugs[4])
        #expect(try s.evaluate(asOf: "2028-02-29")[1].distinctDrugs == 4)
    }
}
