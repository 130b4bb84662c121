-- Shared scalar macros (indicators.md §1.3, §1.4, §2.4), run first in every session, once the tables, the
-- run parameters (as_at(), period_start(), period_end(), cfg(key)) and the calendar (wd_between, wd_add)
-- are in place. Files numbered 0x hold what every indicator and the engine share and always run; the
-- area files (1x-4x) run when something names what they create. Each file may use what earlier files
-- create, and the engine runs files side by side once those they name have finished.

-- D1: open at the end of day d.
CREATE MACRO open_at(s, e, d) AS s <= d AND (e IS NULL OR e > d);

-- §2.4: completed years; a 29 February birthday falls on 1 March in other years.
CREATE MACRO age_on(dob, d) AS
    year(d) - year(dob)
    - CASE WHEN month(d) < month(dob) OR (month(d) = month(dob) AND day(d) < day(dob)) THEN 1 ELSE 0 END;

-- §2.2: n months later, the day clipped to the month's end (31 Aug 2024 + 3 months = 30 Nov 2024).
CREATE MACRO add_months(d, n) AS CAST(d + to_months(CAST(n AS INTEGER)) AS DATE);

-- §1.3 rule 1: Y, N, NA or UNKNOWN. (A simple CASE: DuckDB would turn IN lists into joins, one per use.)
CREATE MACRO yn(x) AS CASE upper(trim(CAST(x AS VARCHAR)))
    WHEN 'Y' THEN 'Y' WHEN 'YES' THEN 'Y' WHEN 'TRUE' THEN 'Y' WHEN '1' THEN 'Y' WHEN 'A) YES' THEN 'Y'
    WHEN 'N' THEN 'N' WHEN 'NO' THEN 'N' WHEN 'FALSE' THEN 'N' WHEN '0' THEN 'N' WHEN 'B) NO' THEN 'N'
    WHEN 'NA' THEN 'NA' WHEN 'N/A' THEN 'NA'
    ELSE 'UNKNOWN'
END;

-- §2.4 child age bands at d, from the date of birth (or the expected date for an unborn child). The
-- band of each completed year 0-17, then 18+, is looked up so that the age is worked out once.
CREATE MACRO child_age_band(dob, expected_dob, d) AS CASE
    WHEN dob IS NULL AND expected_dob IS NOT NULL AND expected_dob > d THEN 'unborn'
    WHEN dob IS NULL THEN 'Unknown'
    WHEN dob > d THEN 'unborn'
    ELSE [
        'under 1', '1-4', '1-4', '1-4', '1-4', '5-9', '5-9', '5-9', '5-9', '5-9',
        '10-15', '10-15', '10-15', '10-15', '10-15', '10-15', '16-17', '16-17', '18+'
    ][least(age_on(dob, d), 18) + 1]
END;

-- §2.4 care leaver age bands: 16, 17-18, 19-21, 22-25 (by completed years 16-25), else Unknown.
CREATE MACRO care_leaver_age_band(dob, d) AS coalesce(
    ['16', '17-18', '17-18', '19-21', '19-21', '19-21', '22-25', '22-25', '22-25', '22-25'][
        greatest(age_on(dob, d) - 15, 0)
    ],
    'Unknown'
);

-- §6: ethnicity main groups (CHNE in Other until confirmed, §15), as a simple CASE (see yn).
CREATE MACRO ethnicity_group(code) AS CASE upper(trim(code))
    WHEN 'WBRI' THEN 'White' WHEN 'WIRI' THEN 'White' WHEN 'WIRT' THEN 'White' WHEN 'WOTH' THEN 'White'
    WHEN 'WROM' THEN 'White'
    WHEN 'MWBC' THEN 'Mixed' WHEN 'MWBA' THEN 'Mixed' WHEN 'MWAS' THEN 'Mixed' WHEN 'MOTH' THEN 'Mixed'
    WHEN 'AIND' THEN 'Asian' WHEN 'APKN' THEN 'Asian' WHEN 'ABAN' THEN 'Asian' WHEN 'AOTH' THEN 'Asian'
    WHEN 'BCRB' THEN 'Black' WHEN 'BAFR' THEN 'Black' WHEN 'BOTH' THEN 'Black'
    WHEN 'CHNE' THEN 'Other' WHEN 'OOTH' THEN 'Other'
    WHEN 'REFU' THEN 'Refused'
    WHEN 'NOBT' THEN 'Not obtained'
    ELSE 'Unknown'
END;
