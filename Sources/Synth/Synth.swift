import CaseCore
import Foundation

/// A deterministic synthetic set of extracts in the contract's layout, for benchmarks and
/// scale tests (`casefind synth`). Same seed, same files, byte for byte.
///
/// Shapes: an English age pyramid (ONS mid-year estimates, 5-year bands); admissions and
/// episodes per spell rising with age; transfers between hospitals; regular day attenders;
/// deaths (on the spine and in hospital); distinct drugs per patient rising with age, issued
/// every 28 days across BNF chapters, with drug names holding commas, doubled quotes and, rarely,
/// line breaks; care-home residents (register and HES codes); clinicians' nominations; practices
/// and case managers across the five Essex localities of the framework's Table one. The layout
/// (`SynthLayout`, line ends, byte-order mark) changes the bytes, never the records.
public struct SynthOptions: Sendable {
    public var patients: Int
    public var seed: UInt64
    /// The date the extracts are "as of": activity runs up to it.
    public var asOf: Day
    /// The order and quoting of the rows (the records are the same in every layout).
    public var layout: SynthLayout
    /// CRLF line ends instead of LF (line breaks inside quoted fields stay LF).
    public var crlf: Bool
    /// A UTF-8 byte-order mark at the start of every file.
    public var bom: Bool
    /// A quarter of the prescriptions' drug names hold a comma, quotes and a line break, as
    /// free text from a clinical system can. Only drug_name changes (chosen by row number, not
    /// by the generator's draws), so the case list is the same.
    public var messyNames: Bool

    public init(
        patients: Int, seed: UInt64, asOf: Day, layout: SynthLayout = .sorted, crlf: Bool = false, bom: Bool = false,
        messyNames: Bool = false
    ) {
        self.patients = patients
        self.seed = seed
        self.asOf = asOf
        self.layout = layout
        self.crlf = crlf
        self.bom = bom
        self.messyNames = messyNames
    }

    /// The messy spelling of a drug name (`messyNames`): "NAME, 28 ""as directed""" and a
    /// second line, for one prescription row in four (by a hash of the row number).
    static func messyName(_ name: String, row: Int) -> String? {
        var h = SplitMix64(seed: UInt64(row))
        guard h.next() % 4 == 0 else { return nil }
        return name + ", 28 \"as directed\"\nrepeat dispensing"
    }
}

/// The generator's draws.
extension SplitMix64 {
    /// 0 ..< n
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    /// true with probability p
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) * 0x1.0p-53 < p }
    /// A Poisson-distributed count with mean `mean` (Knuth; small means only).
    mutating func poisson(_ mean: Double) -> Int {
        let l = exp(-mean)
        var k = 0
        var p = 1.0
        repeat {
            k += 1
            p *= Double(next() >> 11) * 0x1.0p-53
        } while p > l && k < 50
        return k - 1
    }
}

public enum Synth {
    /// The five localities of Table one's Mid and North East Essex, with their PCTs,
    /// expected patients (for 1.6 million people) and weighted capitation.
    static let localities: [(name: String, pct: String, expected: Int, capitation: String)] = [
        ("Colchester", "North East Essex", 737, "9.6"), ("Tendring", "North East Essex", 826, "10.8"),
        ("Chelmsford", "Mid Essex", 513, "6.7"), ("Maldon & S Chelmsford", "Mid Essex", 333, "4.4"),
        ("Witham, Braintree & Halstead", "Mid Essex", 604, "7.9"),
    ]

    /// England's population by 5-year age band (percent, ONS mid-2022, rounded), 0-4 ... 90+.
    static let pyramid: [Double] = [5.4, 5.9, 6.2, 5.9, 5.8, 6.4, 6.8, 6.8, 6.5, 6.2, 6.5, 6.7, 6.2, 5.3, 4.9, 4.6, 3.0, 1.9, 1.0]

    /// Drugs by BNF chapter: code (15 characters) and name; chapters 01-15 count, 19-23 do not.
    static let drugs: [(String, String)] = [
        ("0101021B0AAAAAA", "Gaviscon Advance liquid, peppermint"), ("0103050P0AAAAAA", "Omeprazole 20mg gastro-resistant capsules"),
        ("0106040M0AAAAAA", "Macrogol compound oral powder sachets NPF sugar free"),
        ("0202010B0AAABAB", "Bendroflumethiazide 2.5mg tablets"),
        ("0202020L0AABDBD", "Furosemide 40mg tablets"), ("0204000H0AAAAAA", "Bisoprolol 2.5mg tablets"),
        ("0205051R0AAAAAA", "Ramipril 5mg capsules"),
        ("0206020A0AAAAAA", "Amlodipine 5mg tablets"), ("0208020Z0AAAAAA", "Apixaban 5mg tablets"),
        ("0209000A0AAAAAA", "Aspirin 75mg dispersible tablets"),
        ("0212000B0AAABAB", "Atorvastatin 40mg tablets"), ("0212000AAAAAAAA", "Simvastatin 40mg tablets"),
        ("0301011R0AAAPAP", "Salbutamol 100micrograms/dose inhaler CFC free"),
        ("0302000C0AAAAAA", "Beclometasone 100micrograms/dose inhaler CFC free"), ("0403010B0AAAAAA", "Amitriptyline 10mg tablets"),
        ("0403030Q0AAAAAA", "Sertraline 50mg tablets"), ("0404000M0AAAAAA", "Melatonin 2mg modified-release tablets"),
        ("0407010H0AAAAAA", "Paracetamol 500mg tablets"),
        ("0407010F0AAAUAU", "Co-codamol 30mg/500mg tablets"), ("0407020Q0AAAAAA", "Morphine sulfate 10mg/5ml oral solution"),
        ("0408010G0AAAAAA", "Levetiracetam 500mg tablets"),
        ("0411000D0AAAAAA", "Donepezil 5mg tablets"), ("0501013B0AAAAAA", "Amoxicillin 500mg capsules"),
        ("0501130R0AAAAAA", "Nitrofurantoin 100mg modified-release capsules"),
        ("0601011L0AAAAAA", "Insulin glargine 100units/ml solution for injection 3ml pre-filled pens"),
        ("0601022B0AAABAB", "Metformin 500mg tablets"),
        ("0601023AGAAAAAA", "Sitagliptin 100mg tablets"), ("0602010V0AAABAB", "Levothyroxine sodium 50microgram tablets"),
        ("0603020T0AAACAC", "Prednisolone 5mg tablets"),
        ("0604011G0AAAAAA", "Estradiol 1mg tablets"), ("0606020A0AAAAAA", "Alendronic acid 70mg tablets"),
        ("0704020AAAAAAAA", "Tamsulosin 400microgram modified-release capsules"),
        ("0706020A0AAAAAA", "Finasteride 5mg tablets"), ("0803041B0AAAAAA", "Bicalutamide 50mg tablets"),
        ("0906040G0AAAAAA", "Colecalciferol 800unit capsules"),
        ("0906040N0AAADAD", "Adcal-D3 chewable tablets \"lemon\""), ("1001010AJAAAAAA", "Naproxen 500mg tablets"),
        ("1001040G0AAAAAA", "Allopurinol 100mg tablets"),
        ("1103010C0AAAAAA", "Chloramphenicol 0.5% eye drops"), ("1106000Z0AAAAAA", "Latanoprost 50micrograms/ml eye drops"),
        ("1202020L0AAAAAA", "Mometasone 50micrograms/dose nasal spray"),
        ("1302011B0AAAAAA", "Epaderm ointment"), ("1304000H0AAAAAA", "Hydrocortisone 1% cream"),
        ("1404000H0AAAAAA", "Influenza vaccine, suspension for injection"),
        ("1502010J0AAAAAA", "Lidocaine 5% medicated plasters"), ("1902000C0AAAAAA", "Sodium chloride 0.9% nebuliser liquid"),
        ("2001000A0AAAAAA", "Crepe bandage 7.5cm"), ("2101000A0AAAAAA", "Urostomy bag"), ("2202000A0AAAAAA", "Incontinence pads, large"),
        ("2302000A0AAAAAA", "Blood glucose testing strips"),
    ]

    /// Diagnosis codes, as HES spells them, with their weight of being drawn.
    static let diagnoses: [String] = [
        "I10X", "E119", "J449", "I500", "I489", "N179", "J189", "R296", "W19XD", "W1900", "E86X", "E870", "K590", "R11X", "N390", "F03X",
        "F009", "G309", "I639", "S720", "R55X", "Z867", "L031", "D649", "M819", "H544", "Z740", "R410", "F059", "I251", "C349", "N183",
        "E039", "G409", "F329", "K529", "R13X", "B962", "Z501", "M179", "I64X", "K921",
    ]

    static let hospitalCodes = ["RDE", "RAJ", "RQ8", "RDD", "RWH"]

    /// Writes the extracts into `directory`. Returns rows written per file.
    @discardableResult
    public static func write(_ o: SynthOptions, to directory: String) throws -> [String: Int] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        var rng = SplitMix64(seed: o.seed)
        let asOf = o.asOf

        // Practices: one per 6,000 people, at least one per locality, spread by capitation.
        let practiceCount = max(localities.count, o.patients / 6000)
        var practices: [(code: String, locality: Int)] = []
        for i in 0..<practiceCount {
            practices.append((String(format: "F8%04d", 1000 + i), i % localities.count))
        }
        let practicesOut = try CSVOut(path("practices.csv"), header: "practice_code,practice_name,pct,locality", options: o)
        for p in practices {
            let l = localities[p.locality]
            practicesOut.text(p.code)
            practicesOut.comma()
            practicesOut.text("\"The \(l.name) Surgery, \(p.code)\"")
            practicesOut.comma()
            practicesOut.text(l.pct)
            practicesOut.comma()
            practicesOut.text(quoted(l.name))
            practicesOut.end()
        }
        practicesOut.close()

        // Localities and case managers, scaled from Table one (1.6 million people).
        let localitiesOut = try CSVOut(path("localities.csv"), header: "locality,pct,expected_patients,weighted_capitation", options: o)
        let managersOut = try CSVOut(path("case_managers.csv"), header: "case_manager_id,name,locality,caseload_max,active", options: o)
        var cm = 1
        for l in localities {
            let expected = max(1, l.expected * o.patients / 1_600_000)
            localitiesOut.text("\(quoted(l.name)),\(l.pct),\(expected),\(l.capitation)")
            localitiesOut.end()
            let managers = max(1, expected / 65)
            for k in 0..<managers + 1 {
                let active = k < managers
                managersOut.text(
                    "CM\(String(format: "%04d", cm)),Case Manager \(cm),\(quoted(l.name)),\(50 + rng.below(31)),\(active ? "Y" : "N")")
                managersOut.end()
                cm += 1
            }
        }
        localitiesOut.close()
        managersOut.close()

        let patientsOut = try CSVOut(path("patients.csv"), header: "nhs_number,date_of_birth,sex,gp_practice,date_of_death", options: o)
        let admissionsOut = try CSVOut(
            path("admissions.csv"),
            header:
                "nhs_number,spell_id,episode_number,admission_date,discharge_date,admission_method,patient_classification,admission_source,discharge_destination,discharge_method,diag_01,diag_02,diag_03,diag_04,diag_05,diag_06",
            options: o)
        let prescriptionsOut = try CSVOut(
            path("prescriptions.csv"), header: "nhs_number,issue_date,bnf_code,drug_name,quantity", options: o)
        let residenceOut = try CSVOut(
            path("residence.csv"), header: "nhs_number,care_home_code,care_home_type,from_date,to_date", options: o)
        let nominationsOut = try CSVOut(path("nominations.csv"), header: "nhs_number,nominated_on,nominated_by,reason", options: o)

        var cumulative: [Double] = []
        var total = 0.0
        for p in pyramid {
            total += p
            cumulative.append(total)
        }
        var nhsBase = 600_000_000
        var spellSeq = 1_000_000
        let twoAndHalfYears = 913

        for _ in 0..<o.patients {
            // NHS number: the next 9-digit base with a valid check digit.
            var nhs = ""
            while nhs.isEmpty {
                nhsBase += 1
                let d9 = String(nhsBase)
                var sum = 0
                for (i, c) in d9.utf8.enumerated() { sum += Int(c - 48) * (10 - i) }
                var check = 11 - sum % 11
                if check == 11 { check = 0 }
                if check != 10 { nhs = d9.count == 9 ? d9 + String(check) : "" }
            }
            // Age from the pyramid.
            let u = Double(rng.next() >> 11) * 0x1.0p-53 * total
            var band = cumulative.firstIndex { u < $0 } ?? pyramid.count - 1
            if band >= pyramid.count { band = pyramid.count - 1 }
            let age = band * 5 + (band == pyramid.count - 1 ? rng.below(15) : rng.below(5))
            let birth = asOf.adding(days: -(age * 365 + rng.below(365)))
            let practice = practices[rng.below(practices.count)]
            // Deaths: rising with age; a few after the as-of date.
            var death: Day? = nil
            let deathRate = age < 65 ? 0.002 : age < 75 ? 0.012 : age < 85 ? 0.04 : 0.12
            if rng.chance(deathRate) { death = asOf.adding(days: -rng.below(400) + 20) }
            patientsOut.text(nhs)
            patientsOut.comma()
            patientsOut.day(birth)
            patientsOut.comma()
            patientsOut.text(rng.chance(0.5) ? "F" : "M")
            patientsOut.comma()
            patientsOut.text(practice.code)
            patientsOut.comma()
            if let death { patientsOut.day(death) } else if rng.chance(0.0005) { patientsOut.text("1800-01-01") }
            patientsOut.end()

            let careHome = age >= 75 && rng.chance(age >= 85 ? 0.12 : 0.04)
            if careHome {
                let from = asOf.adding(days: -rng.below(2000))
                residenceOut.text("\(nhs),1-\(100_000_000 + rng.below(899_999_999)),\(rng.chance(0.5) ? "nursing" : "residential"),")
                residenceOut.day(from)
                residenceOut.comma()
                if rng.chance(0.1) { residenceOut.day(from.adding(days: rng.below(400))) }
                residenceOut.end()
            }

            // Admissions over the last 2.5 years.
            let yearly = age < 20 ? 0.06 : age < 65 ? 0.1 : age < 75 ? 0.3 : age < 85 ? 0.55 : 0.85
            var spells = rng.poisson(yearly * 2.5)
            var day = asOf.adding(days: -twoAndHalfYears + rng.below(120))
            var previousDischarge: Day? = nil
            if rng.chance(age >= 65 ? 0.01 : 0.002) {
                // A regular day attender: a series of day spells (classification 3).
                for k in 0..<(6 + rng.below(10)) {
                    let d = asOf.adding(days: -14 * k - rng.below(3))
                    spellSeq += 1
                    admissionsOut.text("\(nhs),\(hospitalCodes[0]):\(spellSeq),1,")
                    admissionsOut.day(d)
                    admissionsOut.comma()
                    admissionsOut.day(d)
                    admissionsOut.text(",11,3,19,19,1,N185,Z492,,,,")
                    admissionsOut.end()
                }
            }
            while spells > 0 {
                spells -= 1
                day = day.adding(days: 5 + rng.below(300))
                if day > asOf { break }
                let transfer = previousDischarge != nil && rng.chance(0.05)
                let admitted = transfer ? previousDischarge!.adding(days: rng.below(4)) : day
                let length = rng.below(age >= 75 ? 15 : 6)
                let discharged = admitted.adding(days: length)
                let open = discharged > asOf
                let episodes = 1 + (age >= 75 ? rng.below(3) : rng.below(2))
                let hospital = hospitalCodes[rng.below(hospitalCodes.count)]
                spellSeq += 1
                let diedHere = death != nil && !open && rng.chance(0.2) && death! >= discharged
                let source = transfer ? "51" : careHome ? ["54", "65", "85"][rng.below(3)] : "19"
                let method = transfer ? "2B" : rng.chance(0.7) ? ["21", "22", "23", "28"][rng.below(4)] : "11"
                for e in 1...episodes {
                    let last = e == episodes
                    admissionsOut.text("\(nhs),\(hospital):\(spellSeq),\(e),")
                    admissionsOut.day(admitted)
                    admissionsOut.comma()
                    if last && !open { admissionsOut.day(diedHere ? death! : discharged) }
                    admissionsOut.text(",\(method),\(rng.chance(0.85) ? "1" : "2"),\(source),")
                    admissionsOut.text(last ? (diedHere ? "79" : careHome ? "54" : "19") : "98")
                    admissionsOut.comma()
                    admissionsOut.text(last ? (diedHere ? "4" : "1") : "8")
                    let codes = 1 + rng.below(age >= 75 ? 6 : 3)
                    for k in 0..<6 {
                        admissionsOut.comma()
                        if k < codes {
                            var code = diagnoses[rng.below(diagnoses.count)]
                            if rng.chance(0.2) && code.count >= 4 {
                                code = String(code.prefix(3)) + "." + String(code.dropFirst(3))
                            }
                            admissionsOut.text(code)
                        }
                    }
                    admissionsOut.end()
                }
                previousDischarge = open ? nil : discharged
                day = discharged
            }

            // Prescriptions: distinct drugs rising with age, issued every 28 days for 6-7 cycles.
            let meanDrugs = age < 40 ? 0.3 : age < 65 ? 1.8 : age < 75 ? 3.8 : age < 85 ? 5.2 : 6.5
            let drugCount = min(drugs.count, rng.poisson(meanDrugs))
            var chosen: [Int] = []
            while chosen.count < drugCount {
                let d = rng.below(drugs.count)
                if !chosen.contains(d) { chosen.append(d) }
            }
            let cycles = 6 + rng.below(2)
            for d in chosen {
                let (code, name) = drugs[d]
                var issue = asOf.adding(days: -rng.below(28))
                for _ in 0..<cycles {
                    prescriptionsOut.text(nhs)
                    prescriptionsOut.comma()
                    prescriptionsOut.day(issue)
                    prescriptionsOut.comma()
                    prescriptionsOut.text(code)
                    prescriptionsOut.comma()
                    let repeatLine = rng.chance(0.0002)
                    if o.messyNames, let messy = SynthOptions.messyName(name, row: prescriptionsOut.rows) {
                        prescriptionsOut.text(quoted(messy))
                    } else if repeatLine {
                        prescriptionsOut.text(quoted(name + "\n(repeat)"))
                    } else {
                        prescriptionsOut.text(quoted(name))
                    }
                    prescriptionsOut.comma()
                    prescriptionsOut.int(28 * (1 + rng.below(2)))
                    prescriptionsOut.end()
                    issue = issue.adding(days: -28)
                }
            }

            if age >= 60 && rng.chance(age >= 75 ? 0.008 : 0.003) {
                nominationsOut.text(nhs)
                nominationsOut.comma()
                nominationsOut.day(asOf.adding(days: -rng.below(300)))
                nominationsOut.text(",\(practice.code),\"complex needs, lives alone\"")
                nominationsOut.end()
            }
        }
        var counts: [String: Int] = [
            "practices.csv": practicesOut.rows, "localities.csv": localitiesOut.rows, "case_managers.csv": managersOut.rows,
        ]
        for (name, out) in [
            ("patients.csv", patientsOut), ("admissions.csv", admissionsOut), ("prescriptions.csv", prescriptionsOut),
            ("residence.csv", residenceOut), ("nominations.csv", nominationsOut),
        ] {
            out.close()
            counts[name] = out.rows
        }
        return counts
    }

    /// RFC 4180 quoting when needed.
    static func quoted(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
