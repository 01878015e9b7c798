import CaseCore
import Rules
import TestSupport
import Testing

/// One definition of an emergency admission (HES ADMIMETH), for the measures: each method at
/// the boundaries of the emergency ranges, and a spell by any of its episodes.
@Suite struct EmergencyAdmissionTests {
    @Test(arguments: ["21", "22", "23", "24", "25", "28", "2A", "2B", "2C", "2D"])
    func emergencyMethods(code: String) throws {
        #expect(EmergencyAdmission.isEmergency(method: try #require(ShortCode(code))))
    }

    /// Elective 11-13, the gaps 20, 26, 27, 29 and 2E around the emergency ranges, maternity 31
    /// and 32, other 81-83, and not applicable or not known 98 and 99.
    @Test(arguments: ["11", "12", "13", "20", "26", "27", "29", "2E", "31", "32", "81", "82", "83", "98", "99"])
    func otherMethods(code: String) throws {
        #expect(!EmergencyAdmission.isEmergency(method: try #require(ShortCode(code))))
    }

    /// A spell is an emergency admission when any episode of it came in by an emergency method.
    @Test func spellByAnyOfItsEpisodes() throws {
        var s = Scenario()
        s.patient(1, born: "1940-01-01")
        s.episode(1, spell: "A", admitted: "2026-05-01", discharged: "2026-05-04", method: "11")
        s.episode(1, spell: "B", admitted: "2026-06-01", discharged: "2026-06-04", method: "21")
        s.episode(1, spell: "C", admitted: "2026-07-01", discharged: "2026-07-09", method: "81")
        s.admissions.append("\(nhs(1)),C,2,2026-07-03,2026-07-09,2D,1,19,19,1,,,")
        let spells = try s.evaluate()[1].context.admissions
        #expect(spells.map(\.id) == ["A", "B", "C"])
        #expect(spells.map { EmergencyAdmission.isEmergency($0) } == [false, true, true])
    }
}
