-- The Essex 2005 search (criteria/essex-2005.yaml) as DuckDB SQL, for the benchmark.
--
-- Written from /work/shared/spec (extracts, essex-criteria, outputs) and docs/architecture.md's
-- "Choices made where the contract is silent". It implements the search on CLEAN extracts:
-- no row-level validation (Modulus 11, field counts, unreadable dates, duplicate spine rows,
-- malformed BNF codes), because bench/run.sh strips rejected rows first. Field-level
-- readings ARE implemented: trimming, NHS numbers with spaces/hyphens, sentinel dates read as
-- missing, HES codes longer than 4 characters read as blank, ICD-10 normalisation and
-- validation, case-insensitive codes.
--
-- Inputs (set up by bench/essex.py): views raw_patients, raw_practices, raw_admissions,
-- raw_prescriptions, raw_residence, raw_nominations with every column VARCHAR, named as in
-- the extracts contract (raw_admissions also has its diag_NN columns), and the variable
-- as_of (a DATE). Output: the table cases, one row per case-found patient.

-- ------------------------------------------------------------------ readings

CREATE OR REPLACE TEMP MACRO cf_asof() AS CAST(getvariable('as_of') AS DATE);
-- The windows: "the last 12 months" is start12 < date <= D, start12 being the same calendar
-- day a year before D, or the last day of that month when it does not exist (DuckDB's
-- date - INTERVAL 1 YEAR clamps 2028-02-29 to 2027-02-28); "the last 84 days" is D-84 < date <= D.
CREATE OR REPLACE TEMP MACRO cf_start12() AS CAST(cf_asof() - INTERVAL 1 YEAR AS DATE);
CREATE OR REPLACE TEMP MACRO cf_start84() AS cf_asof() - 84;

-- A required date (date_of_birth, admission_date, issue_date, from_date, nominated_on): on clean
-- data it is present and never a sentinel (such rows are rejects), so it is just parsed.
CREATE OR REPLACE TEMP MACRO cf_day(x) AS CAST(nullif(trim(x, ' '), '') AS DATE);
-- An optional date (date_of_death, discharge_date, to_date): blank or before 1890-01-01 (a
-- HES/SUS sentinel) is missing. greatest() ignores NULL, so both come out as 1889-12-31, then
-- NULL.
CREATE OR REPLACE TEMP MACRO cf_date(x) AS
    nullif(greatest(cf_day(x), DATE '1889-12-31'), DATE '1889-12-31');

CREATE OR REPLACE TEMP MACRO cf_nhs(x) AS replace(replace(trim(x, ' '), ' ', ''), '-', '');

-- A HES code (ADMIMETH, CLASSPAT, ADMISORC, DISDEST, DISMETH): upper case; longer than
-- 4 characters reads as blank.
CREATE OR REPLACE TEMP MACRO cf_hes(x) AS (
    CASE WHEN length(trim(x, ' ')) > 4 THEN '' ELSE upper(coalesce(trim(x, ' '), '')) END);

-- ICD-10: upper case, drop '.' and spaces, drop trailing non-alphanumerics, drop an X filler
-- in the fourth place; NULL unless the result is [A-Z][0-9][0-9A-Z] then up to 4 alphanumerics.
CREATE OR REPLACE TEMP MACRO cf_icd_norm(x) AS
    regexp_replace(regexp_replace(replace(replace(upper(trim(x, ' ')), '.', ''), ' ', ''),
                                  '[^A-Z0-9]+$', ''),
                   '^(.{3})X', '\1');
CREATE OR REPLACE TEMP MACRO cf_icd(x) AS (
    CASE WHEN regexp_full_match(cf_icd_norm(x), '[A-Z][0-9][0-9A-Z][A-Z0-9]{0,4}')
         THEN cf_icd_norm(x) END);

-- ------------------------------------------------------------------ the population

CREATE OR REPLACE TEMP TABLE pat AS
SELECT cf_nhs(nhs_number)            AS nhs,
       cf_day(date_of_birth)         AS dob,
       upper(trim(gp_practice, ' ')) AS practice,
       cf_date(date_of_death)        AS dod
FROM raw_patients;

CREATE OR REPLACE TEMP TABLE prac AS
SELECT upper(trim(practice_code, ' ')) AS practice, trim(locality, ' ') AS locality
FROM raw_practices;

-- Episodes of spine patients; diags is the list of the diag_NN fields as written (they are
-- normalised later, only for the admissions a criterion looks at).
CREATE OR REPLACE TEMP TABLE eps AS
SELECT cf_nhs(nhs_number)                       AS nhs,
       trim(spell_id, ' ')                      AS spell_id,
       cf_day(admission_date)                   AS adm,
       cf_date(discharge_date)                  AS dis,
       cf_hes(admission_method)                 AS method,
       cf_hes(patient_classification)           AS classpat,
       cf_hes(admission_source)                 AS source,
       cf_hes(discharge_destination)            AS dest,
       cf_hes(discharge_method)                 AS dismeth,
       list_value(*COLUMNS('(?i)^diag_[0-9]+$')) AS diags
FROM raw_admissions
WHERE cf_nhs(nhs_number) IN (SELECT nhs FROM pat);

-- Alive at D (no date_of_death on or before D, no DISMETH 4 episode discharged on or before
-- D) and 65 or over in completed years (a 29 February birthday comes on 1 March).
CREATE OR REPLACE TEMP TABLE pop AS
SELECT p.nhs,
       p.practice,
       year(cf_asof()) - year(p.dob)
         - CASE WHEN month(cf_asof()) * 100 + day(cf_asof()) < month(p.dob) * 100 + day(p.dob)
                THEN 1 ELSE 0 END AS age
FROM pat p
WHERE NOT coalesce(p.dod <= cf_asof(), false)
  AND p.nhs NOT IN (SELECT nhs FROM eps
                    WHERE dismeth = '4' AND dis <= cf_asof() AND nhs IS NOT NULL)
  AND year(cf_asof()) - year(p.dob)
        - CASE WHEN month(cf_asof()) * 100 + day(cf_asof()) < month(p.dob) * 100 + day(p.dob)
               THEN 1 ELSE 0 END >= 65;


-- ------------------------------------------------------------------ admissions (spells)

-- A spell: the episodes of a patient sharing a spell_id, dated by the earliest admission
-- date, discharged on the latest discharge date (none: still open). Spells made only of
-- regular day/night attender episodes (CLASSPAT 3, 4) are not admissions. Spells begun after
-- D are outside every window.
CREATE OR REPLACE TEMP TABLE spells AS
SELECT e.nhs,
       e.spell_id,
       min(e.adm) AS adm,
       max(e.dis) AS dis,
       bool_or(e.method IN ('2B', '81') OR e.source IN ('51', '52', '53')) AS transfer,
       bool_or(e.source IN ('54', '55', '56', '65', '85')
               OR e.dest IN ('54', '55', '56', '65', '85'))               AS care_home
FROM eps e
WHERE e.nhs IN (SELECT nhs FROM pop)
GROUP BY e.nhs, e.spell_id
HAVING NOT bool_and(e.classpat IN ('3', '4')) AND min(e.adm) <= cf_asof();

-- Continuous stays: in order of admission date then spell_id, a transfer in (ADMIMETH 2B/81
-- or ADMISORC 51-53) joins the stay before it when it begins 0 to 3 days after that stay's
-- latest discharge; a stay whose last spell is open (stay_dis NULL) is joined by nothing.
CREATE OR REPLACE TEMP TABLE stays AS
WITH RECURSIVE
  ordered AS (
    SELECT nhs, adm, dis, transfer,
           row_number() OVER (PARTITION BY nhs ORDER BY adm, spell_id) AS rn
    FROM spells),
  walk(nhs, rn, adm, stay_dis, joined) AS (
    SELECT nhs, rn, adm, dis, false FROM ordered WHERE rn = 1
    UNION ALL
    SELECT nhs, rn, adm,
           CASE WHEN j THEN (CASE WHEN dis IS NULL THEN NULL ELSE greatest(stay_dis, dis) END)
                ELSE dis END,
           j
    FROM (SELECT o.nhs, o.rn, o.adm, o.dis, w.stay_dis,
                 coalesce(o.transfer AND w.stay_dis IS NOT NULL
                          AND o.adm - w.stay_dis BETWEEN 0 AND 3, false) AS j
          FROM walk w JOIN ordered o ON o.nhs = w.nhs AND o.rn = w.rn + 1))
SELECT w.nhs, count(*) AS n
FROM walk w
WHERE NOT w.joined AND w.adm > cf_start12() AND w.adm <= cf_asof()
GROUP BY w.nhs;

CREATE OR REPLACE TEMP TABLE spells12 AS
SELECT s.* FROM spells s WHERE s.adm > cf_start12() AND s.adm <= cf_asof();

-- ------------------------------------------------------------------ the criteria

-- 1 frailty: E86, W00-W19, K59.0, R11 (70+ only), N39.0 on any episode of an admission in
-- the last 12 months; prefix match on the normalised code (fields that are not ICD-10 codes
-- normalise to NULL), the range on its first 3 characters.
CREATE OR REPLACE TEMP TABLE diag12 AS
SELECT nhs, raw
FROM (SELECT e.nhs, unnest(e.diags) AS raw
      FROM eps e JOIN spells12 s ON s.nhs = e.nhs AND s.spell_id = e.spell_id)
WHERE raw IS NOT NULL;
-- each distinct spelling is normalised once
CREATE OR REPLACE TEMP TABLE icd AS
SELECT raw, cf_icd(raw) AS code FROM (SELECT DISTINCT raw FROM diag12);
CREATE OR REPLACE TEMP TABLE c_frailty AS
SELECT s.nhs, string_agg(DISTINCT s.code, ';' ORDER BY s.code) AS codes
FROM (SELECT d.nhs, i.code FROM diag12 d JOIN icd i ON i.raw = d.raw WHERE i.code IS NOT NULL) s
JOIN pop p ON p.nhs = s.nhs
WHERE s.code LIKE 'E86%' OR s.code LIKE 'K590%' OR s.code LIKE 'N390%'
   OR (s.code LIKE 'R11%' AND p.age >= 70)
   OR substr(s.code, 1, 3) BETWEEN 'W00' AND 'W19'
GROUP BY s.nhs;

-- 3 care_home: a register row covering D, or a care-home code (54 55 56 65 85) as source or
-- destination on any episode of the latest admission(s) in the last 12 months.
CREATE OR REPLACE TEMP TABLE c_care_home AS
SELECT cf_nhs(nhs_number) AS nhs
FROM raw_residence
WHERE cf_day(from_date) <= cf_asof()
  AND (cf_date(to_date) IS NULL OR cf_date(to_date) >= cf_asof())
UNION
SELECT s.nhs
FROM spells12 s
JOIN (SELECT nhs, max(adm) AS latest FROM spells12 GROUP BY nhs) l
  ON l.nhs = s.nhs AND l.latest = s.adm
WHERE s.care_home;

-- 4 polypharmacy: distinct chemical substances (BNF characters 1-9, upper case) of chapters
-- 01-15 issued in the last 84 days.
CREATE OR REPLACE TEMP TABLE c_drugs AS
SELECT cf_nhs(r.nhs_number) AS nhs,
       count(DISTINCT upper(substr(trim(r.bnf_code, ' '), 1, 9))) AS n
FROM raw_prescriptions r
WHERE substr(trim(r.bnf_code, ' '), 1, 2) BETWEEN '01' AND '15'      -- chapter 01-15: two
  AND substr(trim(r.bnf_code, ' '), 2, 1) BETWEEN '0' AND '9'        -- digits, not 00, 0A, 1A
  AND cf_day(r.issue_date) > cf_start84()
  AND cf_day(r.issue_date) <= cf_asof()
GROUP BY 1;

-- 5 nomination: dated on or before D.
CREATE OR REPLACE TEMP TABLE c_nominated AS
SELECT DISTINCT cf_nhs(nhs_number) AS nhs
FROM raw_nominations
WHERE cf_day(nominated_on) <= cf_asof();

-- ------------------------------------------------------------------ the case list

CREATE OR REPLACE TEMP TABLE cases AS
WITH m AS (
  SELECT p.nhs, p.age, p.practice,
         f.codes                         AS frailty_codes,
         coalesce(st.n, 0)               AS admissions,
         coalesce(d.n, 0)                AS distinct_drugs,
         f.nhs IS NOT NULL               AS is_frailty,
         coalesce(st.n, 0) >= 2          AS is_admissions,
         ch.nhs IS NOT NULL              AS is_care_home,
         coalesce(d.n, 0) >= 5           AS is_polypharmacy,
         nm.nhs IS NOT NULL              AS is_nomination
  FROM pop p
  LEFT JOIN c_frailty f    ON f.nhs = p.nhs
  LEFT JOIN stays st       ON st.nhs = p.nhs
  LEFT JOIN (SELECT DISTINCT nhs FROM c_care_home) ch ON ch.nhs = p.nhs
  LEFT JOIN c_drugs d      ON d.nhs = p.nhs
  LEFT JOIN c_nominated nm ON nm.nhs = p.nhs)
SELECT m.nhs AS nhs_number,
       CASE WHEN is_frailty THEN 1 WHEN is_admissions THEN 2 WHEN is_care_home THEN 3
            WHEN is_polypharmacy THEN 4 ELSE 5 END AS priority,
       concat_ws(';', CASE WHEN is_frailty THEN 'frailty' END,
                      CASE WHEN is_admissions THEN 'admissions' END,
                      CASE WHEN is_care_home THEN 'care_home' END,
                      CASE WHEN is_polypharmacy THEN 'polypharmacy' END,
                      CASE WHEN is_nomination THEN 'nomination' END) AS criteria,
       coalesce(frailty_codes, '')                AS frailty_codes,
       admissions,
       distinct_drugs,
       CASE WHEN is_care_home THEN 'Y' ELSE 'N' END  AS care_home,
       CASE WHEN is_nomination THEN 'Y' ELSE 'N' END AS nominated,
       age,
       coalesce(pr.locality, 'UNMAPPED')          AS locality
FROM m LEFT JOIN prac pr ON pr.practice = m.practice
WHERE is_frailty OR is_admissions OR is_care_home OR is_polypharmacy OR is_nomination;
