/// The diagnosis codes of admissions, read as the engine reads ICD-10: every diagnosis
/// position of every episode, normalised, validated, one row per admission date and code.
/// Needed by the criteria that test codes and by the risk score.
extension WarehouseSQL {
    /// Whether the query reads `admission_codes`: for the risk score, or a criterion that tests codes.
    func needsAdmissionCodes(_ kinds: [any CriterionSQL]) -> Bool {
        risk != nil || kinds.contains { $0.readsAdmissionCodes }
    }

    /// diagnosis_fields ... admission_codes (nhs, adm, code).
    func admissionCodeCTEs() -> [CTE] {
        [
            CTE(
                "diagnosis_fields",
                diagnosisList == nil
                    ? "Every diagnosis position of every episode of an admission."
                    : "Every code of the diagnosis list column (split at ',', '|', ' ' and ';') of every episode of an admission.",
                body: """
                    SELECT e.nhs, s.adm, \(diagnosisSource)
                    FROM episode_rows e
                    JOIN spells s ON s.nhs = e.nhs AND s.spell_id = e.spell_id
                    """),
            CTE(
                "diagnosis_squeezed", "ICD-10 normalisation: '.', spaces and tabs dropped; more than 9 bytes left is not a code.",
                body: """
                    SELECT nhs, adm, replace(replace(replace(raw, '.', ''), ' ', ''), chr(9), '') AS squeezed
                    FROM diagnosis_fields
                    WHERE raw IS NOT NULL
                    """),
            CTE(
                "diagnosis_trimmed", "Trailing non-alphanumerics (dagger, asterisk, '-') dropped; letters upper case.",
                body: """
                    SELECT nhs, adm, \(upperASCII("regexp_replace(squeezed, '[^A-Za-z0-9]+$', '')")) AS t
                    FROM diagnosis_squeezed
                    WHERE squeezed <> '' AND \(dialect.byteLength("squeezed")) <= 9
                    """),
            CTE(
                "admission_codes",
                "An X filler in the fourth place dropped; valid codes are [A-Z][0-9][0-9A-Z] then up to 4 letters or digits.",
                "One row per admission date and distinct code.",
                body: """
                    SELECT DISTINCT nhs, adm, code
                    FROM (SELECT nhs, adm,
                                 CASE WHEN length(t) >= 4 AND substr(t, 4, 1) = 'X' THEN substr(t, 1, 3) || substr(t, 5) ELSE t END AS code
                          FROM diagnosis_trimmed) x
                    WHERE \(dialect.matches("code", "^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$"))
                    """),
        ]
    }

    /// The diagnosis fields of an episode `e` as rows `raw`: its positions, or its list's codes.
    private var diagnosisSource: String {
        diagnosisList != nil
            ? diagnosisCodes("e.\(Self.diagnosisListAlias)", as: "raw") : dialect.unnest(diagnosisColumnNames.map { "e.\($0)" }, as: "raw")
    }
}
