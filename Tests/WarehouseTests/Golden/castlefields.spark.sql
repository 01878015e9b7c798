-- casefinder: the case list for criteria set castlefields (Castlefields, 4+ chronic conditions, 2+ admissions or more than 4 drugs, aged 65 and over),
-- rendered for spark by `casefind sql`. Source of the criteria: Essex Strategic Health Authority (2005), Models of Case Management, Castlefields Health Centre; conditions from the QOF disease registers (GMS contract 2004).
--
-- As-of date: 2026-11-22.
-- Reads tables patients, practices, admissions (with diag_01 ... diag_20), prescriptions,
-- residence and nominations, with the columns of the extracts contract, as text.
-- And opt_outs (nhs_number, type, recorded_date): policy type1,ndoo; an excluded patient's rows play no part and are not listed.
-- Each row is checked as casefind checks it: a row casefind would reject (an invalid NHS number, an
-- unreadable, sentinel or missing required date, a missing required field, a duplicate spine or
-- practice row, a malformed BNF code) plays no part. Rows with the wrong number of fields are the loader's.
-- Returns the cases.csv columns nhs_number ... risk_band, one row per case-found patient.
--
-- Risk: hfrs-gilbert-2018 was validated at 75 and over; below 75 it is a ranking aid only.
--
WITH
-- opt_outs: the fields trimmed (blank as NULL), the NHS number without spaces or hyphens, the dates read.
typed_opt_outs AS (
    SELECT f.*,
           replace(replace(nhs_number, ' ', ''), '-', '') AS nhs_digits,
           CASE WHEN (CASE WHEN octet_length(recorded_date) = 10 AND substr(recorded_date, 5, 1) = '-' AND substr(recorded_date, 8, 1) = '-' AND NOT (substr(recorded_date, 1, 4) || substr(recorded_date, 6, 2) || substr(recorded_date, 9, 2) RLIKE '[^0-9]') THEN ((instr('0123456789', substr(recorded_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(recorded_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(recorded_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 4, 1)) - 1) * 1) >= 1 AND ((instr('0123456789', substr(recorded_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 7, 1)) - 1) * 1) BETWEEN 1 AND 12 AND ((instr('0123456789', substr(recorded_date, 9, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 10, 1)) - 1) * 1) BETWEEN 1 AND CASE WHEN ((instr('0123456789', substr(recorded_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 7, 1)) - 1) * 1) = 2 THEN CASE WHEN ((((instr('0123456789', substr(recorded_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(recorded_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(recorded_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 4, 1)) - 1) * 1) % 4 = 0 AND ((instr('0123456789', substr(recorded_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(recorded_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(recorded_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 4, 1)) - 1) * 1) % 100 <> 0) OR ((instr('0123456789', substr(recorded_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(recorded_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(recorded_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 4, 1)) - 1) * 1) % 400 = 0) THEN 29 ELSE 28 END WHEN ((instr('0123456789', substr(recorded_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(recorded_date, 7, 1)) - 1) * 1) IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) THEN CAST(recorded_date AS DATE) END AS recorded_date_day,
           rand() AS spark_computed_once
    FROM (SELECT NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(nhs_number AS STRING)), '') AS nhs_number,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(type AS STRING)), '') AS type,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(recorded_date AS STRING)), '') AS recorded_date,
                 CAST(NULL AS STRING) AS line_number
          FROM opt_outs) f
),
-- opt_outs: the first rule each row breaks, in the engine's order (NULL: none).
ruled_opt_outs AS (
    SELECT v.*,
           CASE WHEN nhs_number IS NULL THEN 1
            WHEN NOT (CASE WHEN octet_length(nhs_digits) = 10 AND NOT (nhs_digits RLIKE '[^0-9]') THEN (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) <> 10 AND (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) % 11 = (instr('0123456789', substr(nhs_digits, 10, 1)) - 1) ELSE FALSE END) THEN 2
            WHEN recorded_date IS NOT NULL AND recorded_date_day IS NULL THEN 3
            WHEN type IS NULL THEN 4
            WHEN lower(type) NOT IN ('type1', 'ndoo') THEN 5
           END AS rule
    FROM typed_opt_outs v
),
-- opt_outs: each row with the reason the engine would reject it (NULL: read).
checked_opt_outs AS (
    SELECT nhs_number, type, recorded_date, line_number, nhs_digits, recorded_date_day,
           CASE rule WHEN 1 THEN 'missing required field' WHEN 2 THEN 'not a valid NHS number (10 digits with a Modulus 11 check digit)' WHEN 3 THEN 'unreadable date (expected YYYY-MM-DD)' WHEN 4 THEN 'missing required field' WHEN 5 THEN 'type must be type1 or ndoo (the opt-out is honoured under every policy but none)' END AS reject_reason,
           CASE rule WHEN 1 THEN 'nhs_number' WHEN 2 THEN 'nhs_number' WHEN 3 THEN 'recorded_date' WHEN 4 THEN 'type' WHEN 5 THEN 'type' END AS reject_field,
           CASE rule WHEN 1 THEN '' WHEN 2 THEN nhs_number WHEN 3 THEN recorded_date WHEN 4 THEN '' WHEN 5 THEN lower(type) END AS reject_value,
           CASE WHEN rule IS NULL THEN 1 END AS accepted
    FROM ruled_opt_outs
),
-- Patients excluded under the opt-out policy type1,ndoo: their rows play no part and are not listed as rejects.
opted_out AS (
    SELECT DISTINCT nhs_digits AS nhs
    FROM ruled_opt_outs
    WHERE coalesce(rule, 99) > 2
      AND (type IS NULL OR lower(type) NOT IN ('type1', 'ndoo') OR lower(type) IN ('type1', 'ndoo'))
),
-- patients: the fields trimmed (blank as NULL), the NHS number without spaces or hyphens, the dates read.
typed_patients AS (
    SELECT f.*,
           replace(replace(nhs_number, ' ', ''), '-', '') AS nhs_digits,
           CASE WHEN (CASE WHEN octet_length(date_of_birth) = 10 AND substr(date_of_birth, 5, 1) = '-' AND substr(date_of_birth, 8, 1) = '-' AND NOT (substr(date_of_birth, 1, 4) || substr(date_of_birth, 6, 2) || substr(date_of_birth, 9, 2) RLIKE '[^0-9]') THEN ((instr('0123456789', substr(date_of_birth, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_birth, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_birth, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 4, 1)) - 1) * 1) >= 1 AND ((instr('0123456789', substr(date_of_birth, 6, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 7, 1)) - 1) * 1) BETWEEN 1 AND 12 AND ((instr('0123456789', substr(date_of_birth, 9, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 10, 1)) - 1) * 1) BETWEEN 1 AND CASE WHEN ((instr('0123456789', substr(date_of_birth, 6, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 7, 1)) - 1) * 1) = 2 THEN CASE WHEN ((((instr('0123456789', substr(date_of_birth, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_birth, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_birth, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 4, 1)) - 1) * 1) % 4 = 0 AND ((instr('0123456789', substr(date_of_birth, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_birth, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_birth, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 4, 1)) - 1) * 1) % 100 <> 0) OR ((instr('0123456789', substr(date_of_birth, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_birth, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_birth, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 4, 1)) - 1) * 1) % 400 = 0) THEN 29 ELSE 28 END WHEN ((instr('0123456789', substr(date_of_birth, 6, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_birth, 7, 1)) - 1) * 1) IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) THEN CAST(date_of_birth AS DATE) END AS date_of_birth_day,
           CASE WHEN (CASE WHEN octet_length(date_of_death) = 10 AND substr(date_of_death, 5, 1) = '-' AND substr(date_of_death, 8, 1) = '-' AND NOT (substr(date_of_death, 1, 4) || substr(date_of_death, 6, 2) || substr(date_of_death, 9, 2) RLIKE '[^0-9]') THEN ((instr('0123456789', substr(date_of_death, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_death, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_death, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 4, 1)) - 1) * 1) >= 1 AND ((instr('0123456789', substr(date_of_death, 6, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 7, 1)) - 1) * 1) BETWEEN 1 AND 12 AND ((instr('0123456789', substr(date_of_death, 9, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 10, 1)) - 1) * 1) BETWEEN 1 AND CASE WHEN ((instr('0123456789', substr(date_of_death, 6, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 7, 1)) - 1) * 1) = 2 THEN CASE WHEN ((((instr('0123456789', substr(date_of_death, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_death, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_death, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 4, 1)) - 1) * 1) % 4 = 0 AND ((instr('0123456789', substr(date_of_death, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_death, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_death, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 4, 1)) - 1) * 1) % 100 <> 0) OR ((instr('0123456789', substr(date_of_death, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(date_of_death, 2, 1)) - 1) * 100 + (instr('0123456789', substr(date_of_death, 3, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 4, 1)) - 1) * 1) % 400 = 0) THEN 29 ELSE 28 END WHEN ((instr('0123456789', substr(date_of_death, 6, 1)) - 1) * 10 + (instr('0123456789', substr(date_of_death, 7, 1)) - 1) * 1) IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) THEN CAST(date_of_death AS DATE) END AS date_of_death_day,
           rand() AS spark_computed_once
    FROM (SELECT NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(nhs_number AS STRING)), '') AS nhs_number,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(date_of_birth AS STRING)), '') AS date_of_birth,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(gp_practice AS STRING)), '') AS gp_practice,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(date_of_death AS STRING)), '') AS date_of_death,
                 CAST(NULL AS STRING) AS line_number
          FROM patients) f
),
-- patients: the first rule each row breaks, in the engine's order (NULL: none); the rows of patients who opted out left out.
ruled_patients AS (
    SELECT r.*
    FROM (SELECT v.*,
                 CASE WHEN nhs_number IS NULL THEN 1
                  WHEN NOT (CASE WHEN octet_length(nhs_digits) = 10 AND NOT (nhs_digits RLIKE '[^0-9]') THEN (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) <> 10 AND (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) % 11 = (instr('0123456789', substr(nhs_digits, 10, 1)) - 1) ELSE FALSE END) THEN 2
                  WHEN date_of_birth IS NULL THEN 3
                  WHEN date_of_birth IS NOT NULL AND date_of_birth_day IS NULL THEN 4
                  WHEN date_of_birth_day < DATE '1890-01-01' THEN 5
                  WHEN gp_practice IS NULL THEN 6
                  WHEN date_of_death IS NOT NULL AND date_of_death_day IS NULL THEN 7
                 END AS rule
          FROM typed_patients v) r
    WHERE NOT (coalesce(r.rule, 99) > 2 AND r.nhs_digits IN (SELECT nhs FROM opted_out))
),
-- Rows read with the same key, in line order: all but the first are listed twice.
ranked_patients AS (
    SELECT r.*,
           row_number() OVER (PARTITION BY CASE WHEN rule IS NULL THEN nhs_digits END ORDER BY coalesce(date_of_birth, ''), coalesce(gp_practice, ''), coalesce(date_of_death, '')) AS duplicate_rank,
           first_value(line_number) OVER (PARTITION BY CASE WHEN rule IS NULL THEN nhs_digits END ORDER BY coalesce(date_of_birth, ''), coalesce(gp_practice, ''), coalesce(date_of_death, '')) AS first_line
    FROM ruled_patients r
),
-- patients: each row with the reason the engine would reject it (NULL: read).
checked_patients AS (
    SELECT nhs_number, date_of_birth, gp_practice, date_of_death, line_number, nhs_digits, date_of_birth_day, date_of_death_day,
           CASE WHEN rule IS NULL AND duplicate_rank > 1 THEN 'NHS number already on the spine at line ' || coalesce(first_line, '?') ELSE CASE rule WHEN 1 THEN 'missing required field' WHEN 2 THEN 'not a valid NHS number (10 digits with a Modulus 11 check digit)' WHEN 3 THEN 'missing required field' WHEN 4 THEN 'unreadable date (expected YYYY-MM-DD)' WHEN 5 THEN 'date before 1890-01-01 is a sentinel for missing, and this field is required' WHEN 6 THEN 'missing required field' WHEN 7 THEN 'unreadable date (expected YYYY-MM-DD)' END END AS reject_reason,
           CASE WHEN rule IS NULL AND duplicate_rank > 1 THEN 'nhs_number' ELSE CASE rule WHEN 1 THEN 'nhs_number' WHEN 2 THEN 'nhs_number' WHEN 3 THEN 'date_of_birth' WHEN 4 THEN 'date_of_birth' WHEN 5 THEN 'date_of_birth' WHEN 6 THEN 'gp_practice' WHEN 7 THEN 'date_of_death' END END AS reject_field,
           CASE WHEN rule IS NULL AND duplicate_rank > 1 THEN nhs_number ELSE CASE rule WHEN 1 THEN '' WHEN 2 THEN nhs_number WHEN 3 THEN '' WHEN 4 THEN date_of_birth WHEN 5 THEN date_of_birth WHEN 6 THEN '' WHEN 7 THEN date_of_death END END AS reject_value,
           CASE WHEN rule IS NULL AND duplicate_rank = 1 THEN 1 END AS accepted
    FROM ranked_patients
),
-- practices: the fields trimmed (blank as NULL), the NHS number without spaces or hyphens, the dates read.
typed_practices AS (
    SELECT f.*,
           rand() AS spark_computed_once
    FROM (SELECT NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(practice_code AS STRING)), '') AS practice_code,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(pct AS STRING)), '') AS pct,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(locality AS STRING)), '') AS locality,
                 CAST(NULL AS STRING) AS line_number
          FROM practices) f
),
-- practices: the first rule each row breaks, in the engine's order (NULL: none).
ruled_practices AS (
    SELECT v.*,
           CASE WHEN practice_code IS NULL THEN 1
            WHEN pct IS NULL THEN 2
            WHEN locality IS NULL THEN 3
           END AS rule
    FROM typed_practices v
),
-- Rows read with the same key, in line order: all but the first are listed twice.
ranked_practices AS (
    SELECT r.*,
           row_number() OVER (PARTITION BY CASE WHEN rule IS NULL THEN translate(practice_code, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END ORDER BY coalesce(pct, ''), coalesce(locality, '')) AS duplicate_rank,
           first_value(line_number) OVER (PARTITION BY CASE WHEN rule IS NULL THEN translate(practice_code, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END ORDER BY coalesce(pct, ''), coalesce(locality, '')) AS first_line
    FROM ruled_practices r
),
-- practices: each row with the reason the engine would reject it (NULL: read).
checked_practices AS (
    SELECT practice_code, pct, locality, line_number,
           CASE WHEN rule IS NULL AND duplicate_rank > 1 THEN 'practice listed twice' ELSE CASE rule WHEN 1 THEN 'missing required field' WHEN 2 THEN 'missing required field' WHEN 3 THEN 'missing required field' END END AS reject_reason,
           CASE WHEN rule IS NULL AND duplicate_rank > 1 THEN 'practice_code' ELSE CASE rule WHEN 1 THEN 'practice_code' WHEN 2 THEN 'pct' WHEN 3 THEN 'locality' END END AS reject_field,
           CASE WHEN rule IS NULL AND duplicate_rank > 1 THEN translate(practice_code, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') ELSE CASE rule WHEN 1 THEN '' WHEN 2 THEN '' WHEN 3 THEN '' END END AS reject_value,
           CASE WHEN rule IS NULL AND duplicate_rank = 1 THEN 1 END AS accepted
    FROM ranked_practices
),
-- admissions: the fields trimmed (blank as NULL), the NHS number without spaces or hyphens, the dates read.
typed_admissions AS (
    SELECT f.*,
           replace(replace(nhs_number, ' ', ''), '-', '') AS nhs_digits,
           CASE WHEN (CASE WHEN octet_length(admission_date) = 10 AND substr(admission_date, 5, 1) = '-' AND substr(admission_date, 8, 1) = '-' AND NOT (substr(admission_date, 1, 4) || substr(admission_date, 6, 2) || substr(admission_date, 9, 2) RLIKE '[^0-9]') THEN ((instr('0123456789', substr(admission_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(admission_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(admission_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 4, 1)) - 1) * 1) >= 1 AND ((instr('0123456789', substr(admission_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 7, 1)) - 1) * 1) BETWEEN 1 AND 12 AND ((instr('0123456789', substr(admission_date, 9, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 10, 1)) - 1) * 1) BETWEEN 1 AND CASE WHEN ((instr('0123456789', substr(admission_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 7, 1)) - 1) * 1) = 2 THEN CASE WHEN ((((instr('0123456789', substr(admission_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(admission_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(admission_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 4, 1)) - 1) * 1) % 4 = 0 AND ((instr('0123456789', substr(admission_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(admission_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(admission_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 4, 1)) - 1) * 1) % 100 <> 0) OR ((instr('0123456789', substr(admission_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(admission_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(admission_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 4, 1)) - 1) * 1) % 400 = 0) THEN 29 ELSE 28 END WHEN ((instr('0123456789', substr(admission_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(admission_date, 7, 1)) - 1) * 1) IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) THEN CAST(admission_date AS DATE) END AS admission_date_day,
           CASE WHEN (CASE WHEN octet_length(discharge_date) = 10 AND substr(discharge_date, 5, 1) = '-' AND substr(discharge_date, 8, 1) = '-' AND NOT (substr(discharge_date, 1, 4) || substr(discharge_date, 6, 2) || substr(discharge_date, 9, 2) RLIKE '[^0-9]') THEN ((instr('0123456789', substr(discharge_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(discharge_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(discharge_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 4, 1)) - 1) * 1) >= 1 AND ((instr('0123456789', substr(discharge_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 7, 1)) - 1) * 1) BETWEEN 1 AND 12 AND ((instr('0123456789', substr(discharge_date, 9, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 10, 1)) - 1) * 1) BETWEEN 1 AND CASE WHEN ((instr('0123456789', substr(discharge_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 7, 1)) - 1) * 1) = 2 THEN CASE WHEN ((((instr('0123456789', substr(discharge_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(discharge_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(discharge_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 4, 1)) - 1) * 1) % 4 = 0 AND ((instr('0123456789', substr(discharge_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(discharge_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(discharge_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 4, 1)) - 1) * 1) % 100 <> 0) OR ((instr('0123456789', substr(discharge_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(discharge_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(discharge_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 4, 1)) - 1) * 1) % 400 = 0) THEN 29 ELSE 28 END WHEN ((instr('0123456789', substr(discharge_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(discharge_date, 7, 1)) - 1) * 1) IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) THEN CAST(discharge_date AS DATE) END AS discharge_date_day,
           rand() AS spark_computed_once
    FROM (SELECT NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(nhs_number AS STRING)), '') AS nhs_number,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(spell_id AS STRING)), '') AS spell_id,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(episode_number AS STRING)), '') AS episode_number,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(admission_date AS STRING)), '') AS admission_date,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(discharge_date AS STRING)), '') AS discharge_date,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(admission_method AS STRING)), '') AS admission_method,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(patient_classification AS STRING)), '') AS patient_classification,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(admission_source AS STRING)), '') AS admission_source,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(discharge_destination AS STRING)), '') AS discharge_destination,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(discharge_method AS STRING)), '') AS discharge_method,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_01 AS STRING)), '') AS diag_01,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_02 AS STRING)), '') AS diag_02,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_03 AS STRING)), '') AS diag_03,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_04 AS STRING)), '') AS diag_04,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_05 AS STRING)), '') AS diag_05,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_06 AS STRING)), '') AS diag_06,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_07 AS STRING)), '') AS diag_07,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_08 AS STRING)), '') AS diag_08,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_09 AS STRING)), '') AS diag_09,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_10 AS STRING)), '') AS diag_10,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_11 AS STRING)), '') AS diag_11,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_12 AS STRING)), '') AS diag_12,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_13 AS STRING)), '') AS diag_13,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_14 AS STRING)), '') AS diag_14,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_15 AS STRING)), '') AS diag_15,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_16 AS STRING)), '') AS diag_16,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_17 AS STRING)), '') AS diag_17,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_18 AS STRING)), '') AS diag_18,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_19 AS STRING)), '') AS diag_19,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(diag_20 AS STRING)), '') AS diag_20,
                 CAST(NULL AS STRING) AS line_number
          FROM admissions) f
),
-- admissions: the first rule each row breaks, in the engine's order (NULL: none); the rows of patients who opted out left out.
ruled_admissions AS (
    SELECT r.*
    FROM (SELECT v.*,
                 CASE WHEN nhs_number IS NULL THEN 1
                  WHEN NOT (CASE WHEN octet_length(nhs_digits) = 10 AND NOT (nhs_digits RLIKE '[^0-9]') THEN (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) <> 10 AND (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) % 11 = (instr('0123456789', substr(nhs_digits, 10, 1)) - 1) ELSE FALSE END) THEN 2
                  WHEN spell_id IS NULL THEN 3
                  WHEN admission_date IS NULL THEN 4
                  WHEN admission_date IS NOT NULL AND admission_date_day IS NULL THEN 5
                  WHEN admission_date_day < DATE '1890-01-01' THEN 6
                  WHEN discharge_date IS NOT NULL AND discharge_date_day IS NULL THEN 7
                 END AS rule
          FROM typed_admissions v) r
    WHERE NOT (coalesce(r.rule, 99) > 2 AND r.nhs_digits IN (SELECT nhs FROM opted_out))
),
-- admissions: each row with the reason the engine would reject it (NULL: read).
checked_admissions AS (
    SELECT nhs_number, spell_id, episode_number, admission_date, discharge_date, admission_method, patient_classification, admission_source, discharge_destination, discharge_method, diag_01, diag_02, diag_03, diag_04, diag_05, diag_06, diag_07, diag_08, diag_09, diag_10, diag_11, diag_12, diag_13, diag_14, diag_15, diag_16, diag_17, diag_18, diag_19, diag_20, line_number, nhs_digits, admission_date_day, discharge_date_day,
           CASE rule WHEN 1 THEN 'missing required field' WHEN 2 THEN 'not a valid NHS number (10 digits with a Modulus 11 check digit)' WHEN 3 THEN 'missing required field' WHEN 4 THEN 'missing required field' WHEN 5 THEN 'unreadable date (expected YYYY-MM-DD)' WHEN 6 THEN 'date before 1890-01-01 is a sentinel for missing, and this field is required' WHEN 7 THEN 'unreadable date (expected YYYY-MM-DD)' END AS reject_reason,
           CASE rule WHEN 1 THEN 'nhs_number' WHEN 2 THEN 'nhs_number' WHEN 3 THEN 'spell_id' WHEN 4 THEN 'admission_date' WHEN 5 THEN 'admission_date' WHEN 6 THEN 'admission_date' WHEN 7 THEN 'discharge_date' END AS reject_field,
           CASE rule WHEN 1 THEN '' WHEN 2 THEN nhs_number WHEN 3 THEN '' WHEN 4 THEN '' WHEN 5 THEN admission_date WHEN 6 THEN admission_date WHEN 7 THEN discharge_date END AS reject_value,
           CASE WHEN rule IS NULL THEN 1 END AS accepted
    FROM ruled_admissions
),
-- prescriptions: the fields trimmed (blank as NULL), the NHS number without spaces or hyphens, the dates read.
typed_prescriptions AS (
    SELECT f.*,
           replace(replace(nhs_number, ' ', ''), '-', '') AS nhs_digits,
           CASE WHEN (CASE WHEN octet_length(issue_date) = 10 AND substr(issue_date, 5, 1) = '-' AND substr(issue_date, 8, 1) = '-' AND NOT (substr(issue_date, 1, 4) || substr(issue_date, 6, 2) || substr(issue_date, 9, 2) RLIKE '[^0-9]') THEN ((instr('0123456789', substr(issue_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(issue_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(issue_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 4, 1)) - 1) * 1) >= 1 AND ((instr('0123456789', substr(issue_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 7, 1)) - 1) * 1) BETWEEN 1 AND 12 AND ((instr('0123456789', substr(issue_date, 9, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 10, 1)) - 1) * 1) BETWEEN 1 AND CASE WHEN ((instr('0123456789', substr(issue_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 7, 1)) - 1) * 1) = 2 THEN CASE WHEN ((((instr('0123456789', substr(issue_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(issue_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(issue_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 4, 1)) - 1) * 1) % 4 = 0 AND ((instr('0123456789', substr(issue_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(issue_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(issue_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 4, 1)) - 1) * 1) % 100 <> 0) OR ((instr('0123456789', substr(issue_date, 1, 1)) - 1) * 1000 + (instr('0123456789', substr(issue_date, 2, 1)) - 1) * 100 + (instr('0123456789', substr(issue_date, 3, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 4, 1)) - 1) * 1) % 400 = 0) THEN 29 ELSE 28 END WHEN ((instr('0123456789', substr(issue_date, 6, 1)) - 1) * 10 + (instr('0123456789', substr(issue_date, 7, 1)) - 1) * 1) IN (4, 6, 9, 11) THEN 30 ELSE 31 END ELSE FALSE END) THEN CAST(issue_date AS DATE) END AS issue_date_day,
           rand() AS spark_computed_once
    FROM (SELECT NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(nhs_number AS STRING)), '') AS nhs_number,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(issue_date AS STRING)), '') AS issue_date,
                 NULLIF(trim(BOTH ' ' || chr(9) FROM CAST(bnf_code AS STRING)), '') AS bnf_code,
                 CAST(NULL AS STRING) AS line_number
          FROM prescriptions) f
),
-- prescriptions: the first rule each row breaks, in the engine's order (NULL: none); the rows of patients who opted out left out.
ruled_prescriptions AS (
    SELECT r.*
    FROM (SELECT v.*,
                 CASE WHEN nhs_number IS NULL THEN 1
                  WHEN NOT (CASE WHEN octet_length(nhs_digits) = 10 AND NOT (nhs_digits RLIKE '[^0-9]') THEN (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) <> 10 AND (11 - ((instr('0123456789', substr(nhs_digits, 1, 1)) - 1) * 10 + (instr('0123456789', substr(nhs_digits, 2, 1)) - 1) * 9 + (instr('0123456789', substr(nhs_digits, 3, 1)) - 1) * 8 + (instr('0123456789', substr(nhs_digits, 4, 1)) - 1) * 7 + (instr('0123456789', substr(nhs_digits, 5, 1)) - 1) * 6 + (instr('0123456789', substr(nhs_digits, 6, 1)) - 1) * 5 + (instr('0123456789', substr(nhs_digits, 7, 1)) - 1) * 4 + (instr('0123456789', substr(nhs_digits, 8, 1)) - 1) * 3 + (instr('0123456789', substr(nhs_digits, 9, 1)) - 1) * 2) % 11) % 11 = (instr('0123456789', substr(nhs_digits, 10, 1)) - 1) ELSE FALSE END) THEN 2
                  WHEN issue_date IS NULL THEN 3
                  WHEN issue_date IS NOT NULL AND issue_date_day IS NULL THEN 4
                  WHEN issue_date_day < DATE '1890-01-01' THEN 5
                  WHEN bnf_code IS NULL THEN 6
                  WHEN NOT (octet_length(bnf_code) >= 9 AND NOT (bnf_code RLIKE '[^A-Za-z0-9]')) THEN 7
                 END AS rule
          FROM typed_prescriptions v) r
    WHERE NOT (coalesce(r.rule, 99) > 2 AND r.nhs_digits IN (SELECT nhs FROM opted_out))
),
-- prescriptions: each row with the reason the engine would reject it (NULL: read).
checked_prescriptions AS (
    SELECT nhs_number, issue_date, bnf_code, line_number, nhs_digits, issue_date_day,
           CASE rule WHEN 1 THEN 'missing required field' WHEN 2 THEN 'not a valid NHS number (10 digits with a Modulus 11 check digit)' WHEN 3 THEN 'missing required field' WHEN 4 THEN 'unreadable date (expected YYYY-MM-DD)' WHEN 5 THEN 'date before 1890-01-01 is a sentinel for missing, and this field is required' WHEN 6 THEN 'missing required field' WHEN 7 THEN 'BNF code must be at least 9 characters, A-Z and 0-9 only' END AS reject_reason,
           CASE rule WHEN 1 THEN 'nhs_number' WHEN 2 THEN 'nhs_number' WHEN 3 THEN 'issue_date' WHEN 4 THEN 'issue_date' WHEN 5 THEN 'issue_date' WHEN 6 THEN 'bnf_code' WHEN 7 THEN 'bnf_code' END AS reject_field,
           CASE rule WHEN 1 THEN '' WHEN 2 THEN nhs_number WHEN 3 THEN '' WHEN 4 THEN issue_date WHEN 5 THEN issue_date WHEN 6 THEN '' WHEN 7 THEN bnf_code END AS reject_value,
           CASE WHEN rule IS NULL THEN 1 END AS accepted
    FROM ruled_prescriptions
),
-- The spine: NHS numbers without spaces or hyphens, practice codes upper case.
patient_rows AS (
    SELECT nhs_digits AS nhs,
           date_of_birth_day AS dob,
           upper(gp_practice) AS practice,
           CASE WHEN date_of_death_day >= DATE '1890-01-01' THEN date_of_death_day END AS dod
    FROM (SELECT * FROM checked_patients WHERE accepted IS NOT NULL) f
),
practice_rows AS (
    SELECT upper(practice_code) AS practice, pct, locality
    FROM (SELECT * FROM checked_practices WHERE accepted IS NOT NULL) f
),
-- Consultant episodes. HES codes upper case, longer than 4 characters read as blank.
-- A discharge date before 1890-01-01 is a sentinel and reads as missing.
episode_rows AS (
    SELECT nhs_digits AS nhs,
           spell_id,
           admission_date_day AS adm,
           CASE WHEN discharge_date_day >= DATE '1890-01-01' THEN discharge_date_day END AS dis,
           CASE WHEN octet_length(admission_method) > 4 THEN NULL ELSE translate(admission_method, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END AS method,
           CASE WHEN octet_length(patient_classification) > 4 THEN NULL ELSE translate(patient_classification, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END AS classpat,
           CASE WHEN octet_length(admission_source) > 4 THEN NULL ELSE translate(admission_source, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END AS source,
           CASE WHEN octet_length(discharge_destination) > 4 THEN NULL ELSE translate(discharge_destination, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END AS dest,
           CASE WHEN octet_length(discharge_method) > 4 THEN NULL ELSE translate(discharge_method, 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') END AS dismeth,
           diag_01, diag_02, diag_03, diag_04, diag_05, diag_06, diag_07, diag_08, diag_09, diag_10, diag_11, diag_12, diag_13, diag_14, diag_15, diag_16, diag_17, diag_18, diag_19, diag_20
    FROM (SELECT * FROM checked_admissions WHERE accepted IS NOT NULL) f
),
-- Died in hospital: discharge method 4 on or before the as-of date.
hospital_deaths AS (
    SELECT DISTINCT nhs FROM episode_rows WHERE dismeth IN ('4') AND dis <= DATE '2026-11-22'
),
-- Alive at the as-of date and aged 65 or over in completed years
-- (born on 29 February: a year older on 1 March when the year has no 29 February).
population AS (
    SELECT p.nhs, p.practice, (CAST(EXTRACT(YEAR FROM DATE '2026-11-22') AS INTEGER) - CAST(EXTRACT(YEAR FROM p.dob) AS INTEGER) - CASE WHEN CAST(EXTRACT(MONTH FROM DATE '2026-11-22') AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM DATE '2026-11-22') AS INTEGER) < CAST(EXTRACT(MONTH FROM p.dob) AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM p.dob) AS INTEGER) THEN 1 ELSE 0 END) AS age
    FROM patient_rows p
    LEFT JOIN hospital_deaths h ON h.nhs = p.nhs
    WHERE (p.dod IS NULL OR p.dod > DATE '2026-11-22')
      AND h.nhs IS NULL
      AND (CAST(EXTRACT(YEAR FROM DATE '2026-11-22') AS INTEGER) - CAST(EXTRACT(YEAR FROM p.dob) AS INTEGER) - CASE WHEN CAST(EXTRACT(MONTH FROM DATE '2026-11-22') AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM DATE '2026-11-22') AS INTEGER) < CAST(EXTRACT(MONTH FROM p.dob) AS INTEGER) * 100 + CAST(EXTRACT(DAY FROM p.dob) AS INTEGER) THEN 1 ELSE 0 END) >= 65
),
-- Admissions: a spell is the episodes sharing a spell_id, dated by the earliest admission date and
-- discharged on the latest discharge date (none: still open). A spell whose episodes are all
-- patient classification 3, 4 (regular attenders) is not an admission; nor is one begun after the as-of date.
spells AS (
    SELECT e.nhs, e.spell_id, min(e.adm) AS adm, max(e.dis) AS dis,
           max(CASE WHEN e.method IN ('2B', '81') OR e.source IN ('51', '52', '53') THEN 1 ELSE 0 END) AS transfer_in
    FROM episode_rows e
    JOIN population p ON p.nhs = e.nhs
    GROUP BY e.nhs, e.spell_id
    HAVING max(CASE WHEN e.classpat IN ('3', '4') THEN 0 ELSE 1 END) = 1
       AND min(e.adm) <= DATE '2026-11-22'
),
-- Continuous stays: taking a patient's admissions in order of admission date then spell_id, a transfer in
-- (admission method or source above) joins the stay before it when it begins 0 to 3 days after that
-- stay's latest discharge; a stay whose last spell is still open is joined by nothing.
-- Spark folds each patient's sorted admissions into the list of stay dates.
stays AS (
    SELECT nhs, explode(walk.dates) AS stay_date
    FROM (SELECT nhs,
                 aggregate(
                   array_sort(collect_list(named_struct('adm', adm, 'spell_id', spell_id, 'dis', dis, 'transfer_in', transfer_in))),
                   named_struct('stay_dis', CAST(NULL AS DATE), 'dates', CAST(array() AS ARRAY<DATE>)),
                   (w, o) -> IF(o.transfer_in = 1 AND w.stay_dis IS NOT NULL AND datediff(o.adm, w.stay_dis) BETWEEN 0 AND 3,
                                named_struct('stay_dis', IF(o.dis IS NULL, CAST(NULL AS DATE), greatest(w.stay_dis, o.dis)), 'dates', w.dates),
                                named_struct('stay_dis', o.dis, 'dates', concat(w.dates, array(o.adm))))
                 ) AS walk
          FROM spells
          GROUP BY nhs) x
),
-- Every diagnosis position of every episode of an admission.
diagnosis_fields AS (
    SELECT e.nhs, s.adm, explode(array(e.diag_01, e.diag_02, e.diag_03, e.diag_04, e.diag_05, e.diag_06, e.diag_07, e.diag_08, e.diag_09, e.diag_10, e.diag_11, e.diag_12, e.diag_13, e.diag_14, e.diag_15, e.diag_16, e.diag_17, e.diag_18, e.diag_19, e.diag_20)) AS raw
    FROM episode_rows e
    JOIN spells s ON s.nhs = e.nhs AND s.spell_id = e.spell_id
),
-- ICD-10 normalisation: '.', spaces and tabs dropped; more than 9 bytes left is not a code.
diagnosis_squeezed AS (
    SELECT nhs, adm, replace(replace(replace(raw, '.', ''), ' ', ''), chr(9), '') AS squeezed
    FROM diagnosis_fields
    WHERE raw IS NOT NULL
),
-- Trailing non-alphanumerics (dagger, asterisk, '-') dropped; letters upper case.
diagnosis_trimmed AS (
    SELECT nhs, adm, translate(regexp_replace(squeezed, '[^A-Za-z0-9]+$', ''), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') AS t
    FROM diagnosis_squeezed
    WHERE squeezed <> '' AND octet_length(squeezed) <= 9
),
-- An X filler in the fourth place dropped; valid codes are [A-Z][0-9][0-9A-Z] then up to 4 letters or digits.
-- One row per admission date and distinct code.
admission_codes AS (
    SELECT DISTINCT nhs, adm, code
    FROM (SELECT nhs, adm,
                 CASE WHEN length(t) >= 4 AND substr(t, 4, 1) = 'X' THEN substr(t, 1, 3) || substr(t, 5) ELSE t END AS code
          FROM diagnosis_trimmed) x
    WHERE (code RLIKE '^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$')
),
-- Items issued: the chemical substance is characters 1-9 of the BNF code, the chapter 1-2.
prescription_rows AS (
    SELECT nhs_digits AS nhs,
           issue_date_day AS issued,
           translate(substr(bnf_code, 1, 9), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ') AS substance
    FROM (SELECT * FROM checked_prescriptions WHERE accepted IS NOT NULL) f
),
-- Criterion chronic_conditions (rank 1): four or more chronic diagnoses.
-- The conditions and their codes:
c_chronic_conditions_codes AS (
    SELECT * FROM (VALUES
        ('I20', 'I25', 3, 0, 'coronary heart disease'),
        ('I60', 'I64', 3, 0, 'stroke and TIA'),
        ('G45', 'G45', 3, 0, 'stroke and TIA'),
        ('I10', 'I15', 3, 0, 'hypertension'),
        ('E10', 'E14', 3, 0, 'diabetes'),
        ('J40', 'J44', 3, 0, 'COPD'),
        ('J45', 'J46', 3, 0, 'asthma'),
        ('G40', 'G41', 3, 0, 'epilepsy'),
        ('E02', 'E03', 3, 0, 'hypothyroidism'),
        ('C00', 'C97', 3, 0, 'cancer'),
        ('F20', 'F31', 3, 0, 'severe mental illness'),
        ('I50', 'I50', 3, 0, 'heart failure'),
        ('I48', 'I48', 3, 0, 'atrial fibrillation'),
        ('N18', 'N18', 3, 0, 'chronic kidney disease'),
        ('F00', 'F03', 3, 0, 'dementia'),
        ('G30', 'G30', 3, 0, 'dementia'),
        ('F32', 'F33', 3, 0, 'depression')
    ) AS v(lo, hi, n, min_age, label)
),
-- 4 or more distinct conditions in admissions dated in the last 24 months.
c_chronic_conditions AS (
    SELECT a.nhs
    FROM admission_codes a
    JOIN c_chronic_conditions_codes r ON length(a.code) >= r.n AND substr(a.code, 1, r.n) BETWEEN r.lo AND r.hi
    WHERE a.adm > add_months(DATE '2026-11-22', -24) AND a.adm <= DATE '2026-11-22'
    GROUP BY a.nhs
    HAVING count(DISTINCT r.label) >= 4
),
-- Criterion admissions (rank 2): two or more hospital admissions in 12 months.
-- 2 or more admissions (continuous stays) dated in the last 12 months.
c_admissions AS (
    SELECT nhs FROM stays
    WHERE stay_date > add_months(DATE '2026-11-22', -12) AND stay_date <= DATE '2026-11-22'
    GROUP BY nhs
    HAVING count(*) >= 2
),
-- Criterion polypharmacy (rank 3): more than four prescriptions (5 or more distinct drugs).
-- 5 or more distinct substances from BNF chapters 1-15 issued in the last 84 days.
c_polypharmacy AS (
    SELECT nhs FROM prescription_rows
    WHERE issued > date_sub(DATE '2026-11-22', 84) AND issued <= DATE '2026-11-22' AND substr(substance, 1, 1) BETWEEN '0' AND '9' AND substr(substance, 2, 1) BETWEEN '0' AND '9' AND CAST(CASE WHEN substr(substance, 1, 1) BETWEEN '0' AND '9' AND substr(substance, 2, 1) BETWEEN '0' AND '9' THEN substr(substance, 1, 2) END AS INTEGER) BETWEEN 1 AND 15
    GROUP BY nhs
    HAVING count(DISTINCT substance) >= 5
),
-- cases.csv admissions: continuous stays dated in the last 12 months.
admissions_in_window AS (
    SELECT nhs, count(*) AS n FROM stays WHERE stay_date > add_months(DATE '2026-11-22', -12) AND stay_date <= DATE '2026-11-22' GROUP BY nhs
),
-- cases.csv distinct_drugs: distinct substances from chapters 1-15 issued in the last 84 days.
drugs_in_window AS (
    SELECT nhs, count(DISTINCT substance) AS n FROM prescription_rows
    WHERE issued > date_sub(DATE '2026-11-22', 84) AND issued <= DATE '2026-11-22' AND substr(substance, 1, 1) BETWEEN '0' AND '9' AND substr(substance, 2, 1) BETWEEN '0' AND '9' AND CAST(CASE WHEN substr(substance, 1, 1) BETWEEN '0' AND '9' AND substr(substance, 2, 1) BETWEEN '0' AND '9' THEN substr(substance, 1, 2) END AS INTEGER) BETWEEN 1 AND 15
    GROUP BY nhs
),
-- Risk table hfrs-gilbert-2018: Hospital Frailty Risk Score (Gilbert et al., Lancet 2018). Points in whole tenths.
risk_points AS (
    SELECT * FROM (VALUES
        ('A04', 11),
        ('A09', 11),
        ('A41', 16),
        ('B95', 17),
        ('B96', 29),
        ('D64', 4),
        ('E05', 9),
        ('E16', 14),
        ('E53', 19),
        ('E55', 10),
        ('E83', 4),
        ('E86', 23),
        ('E87', 23),
        ('F00', 71),
        ('F01', 20),
        ('F03', 21),
        ('F05', 32),
        ('F10', 7),
        ('F32', 5),
        ('G20', 18),
        ('G30', 40),
        ('G31', 12),
        ('G40', 15),
        ('G45', 12),
        ('G81', 44),
        ('H54', 19),
        ('H91', 9),
        ('I63', 8),
        ('I67', 26),
        ('I69', 37),
        ('I95', 16),
        ('J18', 11),
        ('J22', 7),
        ('J69', 10),
        ('J96', 15),
        ('K26', 16),
        ('K52', 3),
        ('K59', 18),
        ('K92', 8),
        ('L03', 20),
        ('L08', 4),
        ('L89', 17),
        ('L97', 16),
        ('M15', 4),
        ('M19', 15),
        ('M25', 23),
        ('M41', 9),
        ('M48', 5),
        ('M79', 11),
        ('M80', 8),
        ('M81', 14),
        ('N17', 18),
        ('N18', 14),
        ('N19', 16),
        ('N20', 7),
        ('N28', 13),
        ('N39', 32),
        ('R00', 7),
        ('R02', 10),
        ('R11', 3),
        ('R13', 8),
        ('R26', 26),
        ('R29', 36),
        ('R31', 30),
        ('R32', 12),
        ('R33', 13),
        ('R40', 25),
        ('R41', 27),
        ('R44', 16),
        ('R45', 12),
        ('R47', 10),
        ('R50', 1),
        ('R54', 22),
        ('R55', 18),
        ('R56', 26),
        ('R63', 9),
        ('R69', 13),
        ('R79', 6),
        ('R94', 14),
        ('S00', 32),
        ('S01', 11),
        ('S06', 24),
        ('S09', 12),
        ('S22', 18),
        ('S32', 14),
        ('S42', 23),
        ('S51', 5),
        ('S72', 14),
        ('S80', 20),
        ('T83', 24),
        ('U80', 8),
        ('W01', 9),
        ('W06', 11),
        ('W10', 9),
        ('W18', 21),
        ('W19', 32),
        ('X59', 15),
        ('Y84', 7),
        ('Y95', 12),
        ('Z22', 17),
        ('Z50', 21),
        ('Z60', 18),
        ('Z73', 6),
        ('Z74', 11),
        ('Z75', 20),
        ('Z87', 15),
        ('Z91', 5),
        ('Z93', 10),
        ('Z99', 8)
    ) AS v(category, tenths)
),
-- The score: the distinct three-character categories on admissions in the last 24 months, each counted once.
risk AS (
    SELECT c.nhs, sum(r.tenths) AS tenths
    FROM (SELECT DISTINCT nhs, substr(code, 1, 3) AS category FROM admission_codes WHERE adm > add_months(DATE '2026-11-22', -24) AND adm <= DATE '2026-11-22') c
    JOIN risk_points r ON r.category = c.category
    GROUP BY c.nhs
),
-- Each criterion met (1) or not (0), for the population.
evaluated AS (
    SELECT p.nhs, p.practice, p.age,
           CASE WHEN m0.nhs IS NULL THEN 0 ELSE 1 END AS met_0,
           CASE WHEN m1.nhs IS NULL THEN 0 ELSE 1 END AS met_1,
           CASE WHEN m2.nhs IS NULL THEN 0 ELSE 1 END AS met_2
    FROM population p
    LEFT JOIN (SELECT DISTINCT nhs FROM c_chronic_conditions) m0 ON m0.nhs = p.nhs
    LEFT JOIN (SELECT DISTINCT nhs FROM c_admissions) m1 ON m1.nhs = p.nhs
    LEFT JOIN (SELECT DISTINCT nhs FROM c_polypharmacy) m2 ON m2.nhs = p.nhs
)
SELECT e.nhs AS nhs_number,
       e.practice AS gp_practice,
       coalesce(pr.pct, '') AS pct,
       coalesce(pr.locality, 'UNMAPPED') AS locality,
       CAST(e.age AS INTEGER) AS age,
       CASE WHEN e.met_0 = 1 THEN 1 WHEN e.met_1 = 1 THEN 2 WHEN e.met_2 = 1 THEN 3 END AS priority,
       concat_ws(';', CASE WHEN e.met_0 = 1 THEN 'chronic_conditions' END, CASE WHEN e.met_1 = 1 THEN 'admissions' END, CASE WHEN e.met_2 = 1 THEN 'polypharmacy' END) AS criteria,
       '' AS frailty_codes,
       CAST(coalesce(ad.n, 0) AS INTEGER) AS admissions,
       CAST(coalesce(dr.n, 0) AS INTEGER) AS distinct_drugs,
       'N' AS care_home,
       'N' AS nominated,
       CAST((coalesce(rk.tenths, 0) div 10) AS STRING) || '.' || CAST(coalesce(rk.tenths, 0) % 10 AS STRING) AS risk_score,
       CASE WHEN coalesce(rk.tenths, 0) < 50 THEN 'low' WHEN coalesce(rk.tenths, 0) <= 150 THEN 'intermediate' ELSE 'high' END AS risk_band
FROM evaluated e
LEFT JOIN practice_rows pr ON pr.practice = e.practice
LEFT JOIN admissions_in_window ad ON ad.nhs = e.nhs
LEFT JOIN drugs_in_window dr ON dr.nhs = e.nhs
LEFT JOIN risk rk ON rk.nhs = e.nhs
WHERE e.met_0 = 1 OR e.met_1 = 1 OR e.met_2 = 1
ORDER BY locality, nhs_number;
