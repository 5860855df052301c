-- The khuyến công warehouse. Amounts are in triệu đồng (million VND): columns ending in _mvnd, stored exactly as
-- DECIMAL(18,3) (to 1.000 đồng; sums widen to DECIMAL(38,3)), never rounded on the way in.
-- Every fact row says its origin and source: 'imported' (a report loaded by a user), 'published' (a unit's own figure
-- as a public source states it; the curated rows are in province_figure) or 'demo' (generated, calibrated to agree).
-- Facts are keyed by the unit that existed when they were reported: era '63' (provinces until 30/6/2025) or
-- era '34' (units from 1/7/2025, Nghị quyết 202/2025/QH15).

-- The origins behind an aggregate, as one sorted '+'-joined set ('demo+published'): parts that are themselves sets
-- ('demo+published') are split first, so a sum of sums never says 'demo+published+demo'.
CREATE MACRO origin_set(l) AS nullif(array_to_string(list_sort(list_distinct(flatten(
    list_transform(list_filter(l, lambda x: x IS NOT NULL), lambda x: string_split(x, '+'))))), '+'), '');

CREATE TABLE source (source_id VARCHAR PRIMARY KEY, kind VARCHAR, title VARCHAR, publisher VARCHAR,
    published VARCHAR, location VARCHAR, licence_note VARCHAR);
CREATE TABLE province (province_code VARCHAR PRIMARY KEY, name_vi VARCHAR NOT NULL, unit_type VARCHAR,
    name_ascii VARCHAR, slug VARCHAR, capital_vi VARCHAR, capital_lat DOUBLE, capital_lon DOUBLE);
CREATE TABLE unit_2025 (unit_code VARCHAR PRIMARY KEY, name_vi VARCHAR NOT NULL, unit_type VARCHAR,
    name_ascii VARCHAR, slug VARCHAR);
CREATE TABLE reform_2025 (province_code VARCHAR PRIMARY KEY, unit_code VARCHAR NOT NULL, source_id VARCHAR);
-- valid_from/valid_to: the report years (inclusive) a name may be used in; NULL = the whole era (Hà Tây: to 2007).
CREATE TABLE province_alias (era VARCHAR, alias VARCHAR, code VARCHAR, valid_from INTEGER, valid_to INTEGER,
    why VARCHAR);
CREATE TABLE "grouping" (grouping_id VARCHAR, era VARCHAR, name_vi VARCHAR, name_en VARCHAR, source_id VARCHAR,
    note VARCHAR, PRIMARY KEY (grouping_id, era));
CREATE TABLE grouping_group (grouping_id VARCHAR, group_id VARCHAR, sort_order INTEGER, name_vi VARCHAR,
    name_en VARCHAR, PRIMARY KEY (grouping_id, group_id));
CREATE TABLE grouping_member (grouping_id VARCHAR, era VARCHAR, group_id VARCHAR, member_code VARCHAR,
    PRIMARY KEY (grouping_id, era, member_code));
CREATE TABLE fund (fund VARCHAR PRIMARY KEY, label VARCHAR, name_vi VARCHAR, name_en VARCHAR);
CREATE TABLE content_category (category_id VARCHAR PRIMARY KEY, sort_order INTEGER, name_vi VARCHAR, name_en VARCHAR);

-- The national programme: its periods (one legal decision each), their targets (numbers live in published_figure)
-- and the agency that ran it, each with the source and the sentence that says so (docs/programme_sources.md).
CREATE TABLE programme_period (period_id VARCHAR PRIMARY KEY, sort_order INTEGER, name_vi VARCHAR NOT NULL,
    name_en VARCHAR, year_from INTEGER NOT NULL, year_to INTEGER NOT NULL, legal_basis VARCHAR NOT NULL,
    decided_on DATE, decided_by VARCHAR, source_id VARCHAR NOT NULL, quote VARCHAR NOT NULL, note VARCHAR);
CREATE TABLE programme_target (period_id VARCHAR NOT NULL, figure_id VARCHAR NOT NULL, measure VARCHAR, value DOUBLE,
    unit VARCHAR, qualifier VARCHAR, value_text VARCHAR, warehouse_metric VARCHAR, source_id VARCHAR, note VARCHAR,
    PRIMARY KEY (period_id, figure_id));
CREATE TABLE agency_name (agency_id VARCHAR PRIMARY KEY, sort_order INTEGER, name_vi VARCHAR NOT NULL,
    name_en VARCHAR, known_from DATE, known_from_basis VARCHAR, last_attested DATE, source_id VARCHAR,
    quote VARCHAR, note VARCHAR);

CREATE TABLE budget (era VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, year INTEGER NOT NULL, fund VARCHAR NOT NULL,
    planned_mvnd DECIMAL(18,3), actual_mvnd DECIMAL(18,3), origin VARCHAR NOT NULL, source_id VARCHAR NOT NULL,
    PRIMARY KEY (era, unit_code, year, fund, origin));
CREATE TABLE project (project_id VARCHAR PRIMARY KEY, era VARCHAR NOT NULL, unit_code VARCHAR NOT NULL,
    year INTEGER NOT NULL, fund VARCHAR NOT NULL, category_id VARCHAR NOT NULL, planned_mvnd DECIMAL(18,3),
    actual_mvnd DECIMAL(18,3), origin VARCHAR NOT NULL, source_id VARCHAR NOT NULL, title_vi VARCHAR);
CREATE TABLE staffing (era VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    staff_total INTEGER, staff_grassroots INTEGER, origin VARCHAR NOT NULL, source_id VARCHAR NOT NULL,
    PRIMARY KEY (era, unit_code, year, origin));
CREATE TABLE collaborators (era VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    districts_covered INTEGER, collaborators_district INTEGER, communes_covered INTEGER,
    collaborators_commune INTEGER, districts_total INTEGER, communes_total INTEGER,
    origin VARCHAR NOT NULL, source_id VARCHAR NOT NULL, PRIMARY KEY (era, unit_code, year, origin));

-- A unit's own đề án count in one year as a public source states it (origin 'published'): by fund, or 'all' when the
-- source gives only the total. The đề án themselves stay in project; project_count_current applies the precedence.
CREATE TABLE project_count (era VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    fund VARCHAR NOT NULL, projects INTEGER NOT NULL, origin VARCHAR NOT NULL, source_id VARCHAR NOT NULL,
    figure_id VARCHAR NOT NULL, PRIMARY KEY (era, unit_code, year, fund, origin));

CREATE TABLE published_figure (figure_id VARCHAR PRIMARY KEY, source_id VARCHAR, topic VARCHAR, measure VARCHAR,
    scope VARCHAR, scope_key VARCHAR, year INTEGER, year_to INTEGER, period VARCHAR, agg VARCHAR, value DOUBLE,
    unit VARCHAR, qualifier VARCHAR, resolution DOUBLE, value_text VARCHAR, formula VARCHAR, demo_target DOUBLE,
    calibrate VARCHAR, quote VARCHAR, note VARCHAR, note_vi VARCHAR);
CREATE TABLE province_figure (pf_id VARCHAR PRIMARY KEY, scope VARCHAR, scope_key VARCHAR, scope_name VARCHAR,
    year INTEGER, year_to INTEGER, period VARCHAR, year_as_written VARCHAR, measure VARCHAR, measure_as_written VARCHAR,
    value DOUBLE, unit VARCHAR, qualifier VARCHAR, value_text VARCHAR, flags VARCHAR, reliability VARCHAR,
    confirmation VARCHAR, published VARCHAR, url VARCHAR, quote VARCHAR, use VARCHAR, demo_target DOUBLE,
    note VARCHAR, source_id VARCHAR);
CREATE TABLE source_check (figure_id VARCHAR, source_id VARCHAR, stated DOUBLE, formula VARCHAR,
    recomputed DOUBLE, status VARCHAR);
CREATE TABLE calibration_check (figure_id VARCHAR, measure VARCHAR, low DOUBLE, high DOUBLE,
    warehouse_value DOUBLE, ok BOOLEAN);
CREATE TABLE import_log (import_id VARCHAR PRIMARY KEY, file_name VARCHAR, file_sha256 VARCHAR,
    imported_at VARCHAR, imported_by VARCHAR, rows_budget INTEGER, rows_project INTEGER, rows_staffing INTEGER,
    rows_collaborators INTEGER, outcome VARCHAR, archive_path VARCHAR, rows_outreach INTEGER);
CREATE TABLE admin_count (era VARCHAR NOT NULL, province_code VARCHAR NOT NULL, year_of_count INTEGER NOT NULL,
    districts INTEGER, communes INTEGER, source_id VARCHAR NOT NULL, districts_curated INTEGER, communes_curated INTEGER,
    PRIMARY KEY (era, province_code));
CREATE TABLE population (era VARCHAR NOT NULL, province_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    population BIGINT NOT NULL, source_id VARCHAR NOT NULL, confirmed BOOLEAN NOT NULL, pf_id VARCHAR,
    value_text VARCHAR, qualifier VARCHAR, quote VARCHAR, url VARCHAR);
CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR);

-- Every administrative unit of either era, with the name users know.
CREATE VIEW unit AS
    SELECT '63' AS era, province_code AS unit_code, name_vi, name_ascii, slug, unit_type FROM province
    UNION ALL
    SELECT '34', unit_code, name_vi, name_ascii, slug, unit_type FROM unit_2025;

-- Precedence for the same unit, year and fund: imported > published > demo. An imported row stands whole (what a
-- report leaves empty stays empty); otherwise each amount comes from a published row where one states it, else
-- from the demo (calibrated to agree with it). origin names what the row's amounts came from ('demo+published').
CREATE VIEW budget_current AS
WITH r AS (
    SELECT *, CASE origin WHEN 'imported' THEN 0 WHEN 'published' THEN 1 ELSE 2 END AS rk,
        bool_or(origin = 'imported') OVER (PARTITION BY era, unit_code, year, fund) AS has_imported
    FROM budget),
pick AS (
    SELECT era, unit_code, year, fund,
        arg_min(planned_mvnd, rk) FILTER (planned_mvnd IS NOT NULL) AS planned_mvnd,
        arg_min(actual_mvnd, rk) FILTER (actual_mvnd IS NOT NULL) AS actual_mvnd,
        arg_min(origin, rk) FILTER (planned_mvnd IS NOT NULL) AS planned_origin,
        arg_min(origin, rk) FILTER (actual_mvnd IS NOT NULL) AS actual_origin,
        min(rk) AS top_rk, arg_min(origin, rk) AS top_origin, arg_min(source_id, rk) AS source_id
    FROM r WHERE origin = 'imported' OR NOT has_imported
    GROUP BY ALL)
SELECT era, unit_code, year, fund, planned_mvnd, actual_mvnd,
    CASE WHEN top_origin = 'imported' THEN 'imported'
         ELSE array_to_string(list_sort(list_distinct(list_filter([planned_origin, actual_origin], lambda x: x IS NOT NULL))), '+')
    END AS origin,
    source_id, planned_origin, actual_origin
FROM pick;
-- Staffing and collaborators as budgets: an imported row stands whole; otherwise each value comes from a published
-- row where one states it (e.g. Ninh Bình's 8 district collaborators in 2016), else from the demo.
CREATE VIEW staffing_current AS
WITH r AS (
    SELECT *, CASE origin WHEN 'imported' THEN 0 WHEN 'published' THEN 1 ELSE 2 END AS rk,
        bool_or(origin = 'imported') OVER (PARTITION BY era, unit_code, year) AS has_imported
    FROM staffing)
SELECT era, unit_code, year,
    arg_min(staff_total, rk) FILTER (staff_total IS NOT NULL) AS staff_total,
    arg_min(staff_grassroots, rk) FILTER (staff_grassroots IS NOT NULL) AS staff_grassroots,
    CASE WHEN min(rk) = 0 THEN 'imported' ELSE origin_set([
        arg_min(origin, rk) FILTER (staff_total IS NOT NULL),
        arg_min(origin, rk) FILTER (staff_grassroots IS NOT NULL)]) END AS origin,
    arg_min(source_id, rk) AS source_id,
    -- each value's own origin, as budget_current's planned_origin / actual_origin: "real figures only" keeps a
    -- published value beside a demo one
    CASE WHEN min(rk) = 0 THEN 'imported' ELSE arg_min(origin, rk) FILTER (staff_total IS NOT NULL) END
        AS staff_total_origin,
    CASE WHEN min(rk) = 0 THEN 'imported' ELSE arg_min(origin, rk) FILTER (staff_grassroots IS NOT NULL) END
        AS staff_grassroots_origin
FROM r WHERE origin = 'imported' OR NOT has_imported
GROUP BY era, unit_code, year;
CREATE VIEW collaborators_current AS
WITH r AS (
    SELECT *, CASE origin WHEN 'imported' THEN 0 WHEN 'published' THEN 1 ELSE 2 END AS rk,
        bool_or(origin = 'imported') OVER (PARTITION BY era, unit_code, year) AS has_imported
    FROM collaborators)
SELECT era, unit_code, year,
    arg_min(districts_covered, rk) FILTER (districts_covered IS NOT NULL) AS districts_covered,
    arg_min(collaborators_district, rk) FILTER (collaborators_district IS NOT NULL) AS collaborators_district,
    arg_min(communes_covered, rk) FILTER (communes_covered IS NOT NULL) AS communes_covered,
    arg_min(collaborators_commune, rk) FILTER (collaborators_commune IS NOT NULL) AS collaborators_commune,
    arg_min(districts_total, rk) FILTER (districts_total IS NOT NULL) AS districts_total,
    arg_min(communes_total, rk) FILTER (communes_total IS NOT NULL) AS communes_total,
    CASE WHEN min(rk) = 0 THEN 'imported' ELSE origin_set([
        arg_min(origin, rk) FILTER (districts_covered IS NOT NULL),
        arg_min(origin, rk) FILTER (collaborators_district IS NOT NULL),
        arg_min(origin, rk) FILTER (communes_covered IS NOT NULL),
        arg_min(origin, rk) FILTER (collaborators_commune IS NOT NULL)]) END AS origin,
    arg_min(source_id, rk) AS source_id,
    -- each value's own origin (a source may state one alone, e.g. Ninh Bình's district count beside the demo's
    -- commune count): "real figures only" and the origin marks judge each value, as budgets per amount
    CASE WHEN min(rk) = 0 THEN 'imported'
         ELSE arg_min(origin, rk) FILTER (collaborators_district IS NOT NULL) END AS collaborators_district_origin,
    CASE WHEN min(rk) = 0 THEN 'imported'
         ELSE arg_min(origin, rk) FILTER (collaborators_commune IS NOT NULL) END AS collaborators_commune_origin,
    CASE WHEN min(rk) = 0 THEN 'imported'
         ELSE arg_min(origin, rk) FILTER (districts_covered IS NOT NULL) END AS districts_covered_origin,
    CASE WHEN min(rk) = 0 THEN 'imported'
         ELSE arg_min(origin, rk) FILTER (communes_covered IS NOT NULL) END AS communes_covered_origin
FROM r WHERE origin = 'imported' OR NOT has_imported
GROUP BY era, unit_code, year;
CREATE VIEW project_current AS
    SELECT p.* FROM project p
    WHERE p.origin = 'imported' OR NOT EXISTS (
        SELECT 1 FROM project i WHERE i.origin = 'imported' AND i.era = p.era AND i.unit_code = p.unit_code
          AND i.year = p.year AND i.fund = p.fund);
-- How many đề án a unit had in a year, one row per unit and year: imported đề án of a fund > a published count of
-- that fund > the demo's đề án; a published total ('all') stands while no fund of that year is imported.
CREATE VIEW project_count_current AS
WITH held AS (
    SELECT era, unit_code, year, fund, count(*) AS projects, origin_set(list(origin)) AS origin,
        any_value(source_id) AS source_id
    FROM project_current GROUP BY ALL),
pub AS (SELECT * FROM project_count WHERE origin = 'published'),
per_fund AS (
    SELECT coalesce(h.era, p.era) AS era, coalesce(h.unit_code, p.unit_code) AS unit_code,
        coalesce(h.year, p.year) AS year, coalesce(h.fund, p.fund) AS fund,
        CASE WHEN h.origin = 'imported' OR p.projects IS NULL THEN h.projects ELSE p.projects END AS projects,
        CASE WHEN h.origin = 'imported' OR p.projects IS NULL THEN h.origin ELSE 'published' END AS origin,
        CASE WHEN h.origin = 'imported' OR p.projects IS NULL THEN h.source_id ELSE p.source_id END AS source_id,
        CASE WHEN h.origin = 'imported' OR p.projects IS NULL THEN NULL ELSE p.figure_id END AS figure_id
    FROM held h
    FULL JOIN (SELECT * FROM pub WHERE fund <> 'all') p
        ON p.era = h.era AND p.unit_code = h.unit_code AND p.year = h.year AND p.fund = h.fund),
per_year AS (
    SELECT era, unit_code, year, sum(projects) AS projects, origin_set(list(origin)) AS origin,
        bool_or(origin = 'imported') AS any_imported, first(source_id ORDER BY figure_id NULLS LAST) AS source_id,
        string_agg(figure_id, ' ' ORDER BY figure_id) AS figure_id
    FROM per_fund GROUP BY ALL)
SELECT coalesce(y.era, a.era) AS era, coalesce(y.unit_code, a.unit_code) AS unit_code, coalesce(y.year, a.year) AS year,
    CASE WHEN a.projects IS NOT NULL AND NOT coalesce(y.any_imported, false) THEN a.projects ELSE y.projects END AS projects,
    CASE WHEN a.projects IS NOT NULL AND NOT coalesce(y.any_imported, false) THEN 'published' ELSE y.origin END AS origin,
    CASE WHEN a.projects IS NOT NULL AND NOT coalesce(y.any_imported, false) THEN a.source_id ELSE y.source_id END AS source_id,
    CASE WHEN a.projects IS NOT NULL AND NOT coalesce(y.any_imported, false) THEN a.figure_id ELSE y.figure_id END AS figure_id
FROM per_year y
FULL JOIN (SELECT * FROM pub WHERE fund = 'all') a ON a.era = y.era AND a.unit_code = y.unit_code AND a.year = y.year;

-- The rows the dashboard uses, counted per fact, unit, year, origin and source: what "where do these figures come
-- from" panels read (stored as mart_fact_rows, so they do not re-run the precedence above on every call).
CREATE VIEW v_fact_rows AS
SELECT 'budget' AS fact, era, unit_code, year, origin, source_id, count(*) AS rows FROM budget_current GROUP BY ALL
UNION ALL SELECT 'project', era, unit_code, year, origin, source_id, count(*) FROM project_current GROUP BY ALL
UNION ALL SELECT 'staffing', era, unit_code, year, origin, source_id, count(*) FROM staffing_current GROUP BY ALL
UNION ALL SELECT 'collaborators', era, unit_code, year, origin, source_id, count(*) FROM collaborators_current
    GROUP BY ALL;

-- Đề án per unit, year, fund and activity type (nội dung): counts and amounts, for the activity-mix charts.
CREATE VIEW v_project_mix AS
SELECT era, unit_code, year, fund, category_id, count(*) AS projects, sum(planned_mvnd) AS planned_mvnd,
    sum(actual_mvnd) AS actual_mvnd, origin_set(list(origin)) AS origin
FROM project_current GROUP BY ALL;

-- Where each budget amount of the 34 units comes from, in every year: before the reform the 63 summed through the
-- crosswalk, so an amount is as real as every province's behind it ("real figures only" blanks the others).
CREATE VIEW v_amount_origin34 AS
SELECT r.unit_code, b.year,
    origin_set(list(b.planned_origin) FILTER (b.fund = 'kcqg')) AS kcqg_planned_origin,
    origin_set(list(b.actual_origin) FILTER (b.fund = 'kcqg')) AS kcqg_actual_origin,
    origin_set(list(b.planned_origin) FILTER (b.fund = 'kcdp')) AS kcdp_planned_origin,
    origin_set(list(b.actual_origin) FILTER (b.fund = 'kcdp')) AS kcdp_actual_origin
FROM budget_current b JOIN reform_2025 r ON b.era = '63' AND r.province_code = b.unit_code
GROUP BY ALL
UNION ALL
SELECT unit_code, year,
    any_value(planned_origin) FILTER (fund = 'kcqg'), any_value(actual_origin) FILTER (fund = 'kcqg'),
    any_value(planned_origin) FILTER (fund = 'kcdp'), any_value(actual_origin) FILTER (fund = 'kcdp')
FROM budget_current WHERE era = '34' GROUP BY ALL;

-- One row per unit and year: every metric, its origin, its groups.
CREATE VIEW v_unit_year AS
WITH b AS (
    SELECT era, unit_code, year,
        sum(planned_mvnd) FILTER (fund = 'kcqg') AS kcqg_planned_mvnd,
        sum(actual_mvnd)  FILTER (fund = 'kcqg') AS kcqg_actual_mvnd,
        sum(planned_mvnd) FILTER (fund = 'kcdp') AS kcdp_planned_mvnd,
        sum(actual_mvnd)  FILTER (fund = 'kcdp') AS kcdp_actual_mvnd,
        origin_set(list(origin)) AS budget_origin
    FROM budget_current GROUP BY ALL),
p AS (SELECT era, unit_code, year, projects, origin AS project_origin FROM project_count_current),
-- the confirmed population count of the unit's own era nearest in time to the year (the earlier one on a tie)
pop AS (SELECT b.era, b.unit_code, b.year,
            arg_min(n.population, abs(n.year - b.year) * 2 + (n.year > b.year)::INTEGER) AS population
        FROM (SELECT DISTINCT era, unit_code, year FROM b) b
        JOIN population n ON n.era = b.era AND n.province_code = b.unit_code AND n.confirmed
                         AND n.qualifier = 'exact'
        GROUP BY ALL)
SELECT u.era, u.unit_code, u.name_vi, u.name_ascii, u.slug, b.year,
    vung.group_id AS vung_id, kca.group_id AS kc_area_id,
    b.kcqg_planned_mvnd, b.kcqg_actual_mvnd, b.kcdp_planned_mvnd, b.kcdp_actual_mvnd,
    b.kcqg_planned_mvnd + b.kcdp_planned_mvnd AS total_planned_mvnd,
    b.kcqg_actual_mvnd + b.kcdp_actual_mvnd AS total_actual_mvnd,
    p.projects,
    s.staff_total, s.staff_grassroots,
    c.collaborators_district, c.collaborators_commune, c.districts_covered, c.districts_total,
    c.communes_covered, c.communes_total,
    pop.population, CAST(b.kcdp_actual_mvnd AS DOUBLE) * 1000 / pop.population AS kcdp_actual_per_1000,
    b.budget_origin, p.project_origin, s.origin AS staffing_origin, c.origin AS collaborators_origin,
    s.staff_total_origin, s.staff_grassroots_origin, c.collaborators_district_origin,
    c.collaborators_commune_origin, c.districts_covered_origin, c.communes_covered_origin
FROM b
JOIN unit u USING (era, unit_code)
LEFT JOIN p USING (era, unit_code, year)
LEFT JOIN pop USING (era, unit_code, year)
LEFT JOIN staffing_current s USING (era, unit_code, year)
LEFT JOIN collaborators_current c USING (era, unit_code, year)
LEFT JOIN grouping_member vung ON vung.grouping_id = 'vung' AND vung.era = u.era AND vung.member_code = u.unit_code
LEFT JOIN grouping_member kca ON kca.grouping_id = 'kc_area' AND kca.era = u.era AND kca.member_code = u.unit_code;

-- The same facts long: one row per unit, year and metric, with its share of the nation and of its region (vùng).
CREATE VIEW v_unit_metric AS
WITH long AS (
    UNPIVOT v_unit_year ON kcqg_planned_mvnd, kcqg_actual_mvnd, kcdp_planned_mvnd, kcdp_actual_mvnd,
        total_planned_mvnd, total_actual_mvnd, projects, staff_total, staff_grassroots, collaborators_district,
        collaborators_commune, districts_covered, communes_covered
    INTO NAME metric VALUE value)
SELECT era, unit_code, name_vi, year, vung_id, kc_area_id, metric, value,
    CASE WHEN metric LIKE '%_mvnd' THEN budget_origin WHEN metric = 'projects' THEN project_origin
         WHEN metric LIKE 'staff%' THEN staffing_origin ELSE collaborators_origin END AS origin,
    100.0 * value / nullif(sum(value) OVER (PARTITION BY era, year, metric), 0) AS share_nation_pct,
    100.0 * value / nullif(sum(value) OVER (PARTITION BY era, year, metric, vung_id), 0) AS share_region_pct
FROM long;

-- Groups (regions, conference areas) per year, for either grouping, in the era of the year.
CREATE VIEW v_group_year AS
SELECT m.grouping_id, m.group_id, g.name_vi, g.name_en, g.sort_order, v.era, v.year,
    count(*) AS units,
    sum(kcqg_planned_mvnd) AS kcqg_planned_mvnd, sum(kcqg_actual_mvnd) AS kcqg_actual_mvnd,
    sum(kcdp_planned_mvnd) AS kcdp_planned_mvnd, sum(kcdp_actual_mvnd) AS kcdp_actual_mvnd,
    sum(total_planned_mvnd) AS total_planned_mvnd, sum(total_actual_mvnd) AS total_actual_mvnd,
    sum(projects) AS projects, sum(staff_total) AS staff_total, sum(staff_grassroots) AS staff_grassroots,
    sum(collaborators_district) AS collaborators_district, sum(collaborators_commune) AS collaborators_commune,
    sum(districts_covered) AS districts_covered, sum(districts_total) AS districts_total,
    sum(communes_covered) AS communes_covered, sum(communes_total) AS communes_total,
    bool_or(contains(coalesce(budget_origin, '') || coalesce(staffing_origin, '') || coalesce(collaborators_origin, ''), 'demo')) AS any_demo,
    bool_or(contains(coalesce(budget_origin, ''), 'demo')) AS budget_demo,
    bool_or(contains(coalesce(staffing_origin, ''), 'demo')) AS staffing_demo,
    bool_or(contains(coalesce(collaborators_origin, ''), 'demo')) AS collaborators_demo,
    100.0 * sum(total_planned_mvnd) / sum(sum(total_planned_mvnd)) OVER (PARTITION BY m.grouping_id, v.year) AS share_nation_planned_pct,
    100.0 * sum(kcqg_planned_mvnd) / nullif(sum(sum(kcqg_planned_mvnd)) OVER (PARTITION BY m.grouping_id, v.year), 0) AS share_nation_kcqg_planned_pct
FROM v_unit_year v
JOIN grouping_member m ON m.era = v.era AND m.member_code = v.unit_code
JOIN grouping_group g ON g.grouping_id = m.grouping_id AND g.group_id = m.group_id
GROUP BY m.grouping_id, m.group_id, g.name_vi, g.name_en, g.sort_order, v.era, v.year;

-- The nation per year.
CREATE VIEW v_nation_year AS
SELECT year, any_value(era) AS era, count(*) AS units,
    sum(kcqg_planned_mvnd) AS kcqg_planned_mvnd, sum(kcqg_actual_mvnd) AS kcqg_actual_mvnd,
    sum(kcdp_planned_mvnd) AS kcdp_planned_mvnd, sum(kcdp_actual_mvnd) AS kcdp_actual_mvnd,
    sum(total_planned_mvnd) AS total_planned_mvnd, sum(total_actual_mvnd) AS total_actual_mvnd,
    sum(projects) AS projects, sum(staff_total) AS staff_total, sum(staff_grassroots) AS staff_grassroots,
    sum(collaborators_district) AS collaborators_district, sum(collaborators_commune) AS collaborators_commune,
    sum(districts_covered) AS districts_covered, sum(districts_total) AS districts_total,
    sum(communes_covered) AS communes_covered, sum(communes_total) AS communes_total,
    bool_or(contains(coalesce(budget_origin, '') || coalesce(staffing_origin, '') || coalesce(collaborators_origin, ''), 'demo')) AS any_demo,
    bool_or(contains(coalesce(budget_origin, ''), 'demo')) AS budget_demo,
    bool_or(contains(coalesce(staffing_origin, ''), 'demo')) AS staffing_demo,
    bool_or(contains(coalesce(collaborators_origin, ''), 'demo')) AS collaborators_demo
FROM v_unit_year GROUP BY year;

-- Across the reform: every year expressed in the 34 units (the 63 aggregated through the crosswalk; never split).
CREATE VIEW v_unit34_year AS
WITH members AS (SELECT unit_code, count(*) AS provinces FROM reform_2025 GROUP BY unit_code),
a AS (
SELECT coalesce(r.unit_code, v.unit_code) AS unit_code, u.name_vi, v.year,
    count(*) AS reporting_units,
    sum(kcqg_planned_mvnd) AS kcqg_planned_mvnd, sum(kcqg_actual_mvnd) AS kcqg_actual_mvnd,
    sum(kcdp_planned_mvnd) AS kcdp_planned_mvnd, sum(kcdp_actual_mvnd) AS kcdp_actual_mvnd,
    sum(total_planned_mvnd) AS total_planned_mvnd, sum(total_actual_mvnd) AS total_actual_mvnd,
    sum(projects) AS projects, sum(staff_total) AS staff_total, sum(staff_grassroots) AS staff_grassroots,
    sum(collaborators_district) AS collaborators_district, sum(collaborators_commune) AS collaborators_commune,
    sum(districts_covered) AS districts_covered, sum(districts_total) AS districts_total,
    sum(communes_covered) AS communes_covered, sum(communes_total) AS communes_total,
    origin_set(list(budget_origin)) AS budget_origin,
    origin_set(list(staffing_origin)) AS staffing_origin,
    origin_set(list(collaborators_origin)) AS collaborators_origin,
    origin_set(list(staff_total_origin)) AS staff_total_origin,
    origin_set(list(staff_grassroots_origin)) AS staff_grassroots_origin,
    origin_set(list(collaborators_district_origin)) AS collaborators_district_origin,
    origin_set(list(collaborators_commune_origin)) AS collaborators_commune_origin,
    origin_set(list(districts_covered_origin)) AS districts_covered_origin,
    origin_set(list(communes_covered_origin)) AS communes_covered_origin,
    u.name_ascii, vung.group_id AS vung_id, kca.group_id AS kc_area_id,  -- the unit's groups among the 34
    -- from 2025 the unit's own sourced count (v_unit_year's rule); before, the sum of its old provinces' counts only
    -- where every one of them has a confirmed count: a sum over some of them would understate the people and
    -- overstate the per-capita figure, so it is a gap instead
    CASE WHEN bool_and(v.era = '34') THEN sum(v.population)
         WHEN count(v.population) = any_value(mb.provinces) THEN sum(v.population) END AS population
FROM v_unit_year v
LEFT JOIN reform_2025 r ON v.era = '63' AND r.province_code = v.unit_code
JOIN unit_2025 u ON u.unit_code = coalesce(r.unit_code, v.unit_code)
LEFT JOIN members mb ON mb.unit_code = u.unit_code
LEFT JOIN grouping_member vung ON vung.grouping_id = 'vung' AND vung.era = '34' AND vung.member_code = u.unit_code
LEFT JOIN grouping_member kca ON kca.grouping_id = 'kc_area' AND kca.era = '34' AND kca.member_code = u.unit_code
GROUP BY ALL)
SELECT *, CAST(kcdp_actual_mvnd AS DOUBLE) * 1000 / population AS kcdp_actual_per_1000 FROM a;

-- The Compare page's peer series, long: one row per view of the units ('63': the provinces before 2025; '34': the 34
-- units in every year, earlier years through the crosswalk), grouping (which regions a unit is compared within), unit,
-- year and metric, beside its region's and the nation's figure per unit and its ranks. Amounts and counts compare as
-- sum ÷ reporting units, rates as the aggregate rate (sum actual ÷ sum planned): both sum(num) / sum(den). Ranks are
-- over all units of the view; a page filters by unit. The metrics, in the order pages list them:
-- dashboard/queries.PEER_METRICS.
CREATE VIEW v_unit_peer AS
WITH groupings AS (SELECT DISTINCT grouping_id FROM grouping_member),
base AS (
    SELECT '63' AS peer_view, gg.grouping_id, v.unit_code, v.name_vi, g.group_id AS region_id, v.year,
        v.kcqg_planned_mvnd, v.kcqg_actual_mvnd, v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.total_planned_mvnd,
        v.total_actual_mvnd, v.projects, v.staff_total, v.staff_grassroots, v.collaborators_district,
        v.collaborators_commune, v.budget_origin, v.project_origin, v.staffing_origin, v.collaborators_origin
    FROM v_unit_year v CROSS JOIN groupings gg
    LEFT JOIN grouping_member g ON g.grouping_id = gg.grouping_id AND g.era = v.era AND g.member_code = v.unit_code
    WHERE v.era = '63'
    UNION ALL
    -- no project origin across the crosswalk: the đề án counts go with the budget rows they were drawn from
    SELECT '34', gg.grouping_id, v.unit_code, v.name_vi, g.group_id, v.year,
        v.kcqg_planned_mvnd, v.kcqg_actual_mvnd, v.kcdp_planned_mvnd, v.kcdp_actual_mvnd, v.total_planned_mvnd,
        v.total_actual_mvnd, v.projects, v.staff_total, v.staff_grassroots, v.collaborators_district,
        v.collaborators_commune, v.budget_origin, v.budget_origin, v.staffing_origin, v.collaborators_origin
    FROM v_unit34_year v CROSS JOIN groupings gg
    LEFT JOIN grouping_member g ON g.grouping_id = gg.grouping_id AND g.era = '34' AND g.member_code = v.unit_code),
long AS (
    SELECT peer_view, grouping_id, unit_code, name_vi, region_id, year, unnest([
        {'metric': 'kcqg_planned_mvnd', 'num': (kcqg_planned_mvnd)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': budget_origin},
        {'metric': 'kcqg_actual_mvnd', 'num': (kcqg_actual_mvnd)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': budget_origin},
        {'metric': 'kcdp_planned_mvnd', 'num': (kcdp_planned_mvnd)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': budget_origin},
        {'metric': 'kcdp_actual_mvnd', 'num': (kcdp_actual_mvnd)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': budget_origin},
        {'metric': 'total_planned_mvnd', 'num': (total_planned_mvnd)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': budget_origin},
        {'metric': 'total_actual_mvnd', 'num': (total_actual_mvnd)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': budget_origin},
        {'metric': 'total_execution_pct', 'num': (total_actual_mvnd)::DOUBLE, 'den': (total_planned_mvnd)::DOUBLE, 'scale': 100::DOUBLE, 'origin': budget_origin},
        {'metric': 'kcqg_execution_pct', 'num': (kcqg_actual_mvnd)::DOUBLE, 'den': (kcqg_planned_mvnd)::DOUBLE, 'scale': 100::DOUBLE, 'origin': budget_origin},
        {'metric': 'kcdp_execution_pct', 'num': (kcdp_actual_mvnd)::DOUBLE, 'den': (kcdp_planned_mvnd)::DOUBLE, 'scale': 100::DOUBLE, 'origin': budget_origin},
        {'metric': 'projects', 'num': (projects)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': project_origin},
        {'metric': 'staff_total', 'num': (staff_total)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': staffing_origin},
        {'metric': 'staff_grassroots', 'num': (staff_grassroots)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': staffing_origin},
        {'metric': 'collaborators_total', 'num': (collaborators_district + collaborators_commune)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': collaborators_origin},
        {'metric': 'collaborators_district', 'num': (collaborators_district)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': collaborators_origin},
        {'metric': 'collaborators_commune', 'num': (collaborators_commune)::DOUBLE, 'den': (1)::DOUBLE, 'scale': 1::DOUBLE, 'origin': collaborators_origin}], recursive := true)
    FROM base)
SELECT peer_view, grouping_id, unit_code, name_vi, region_id, year, metric, origin,
    scale * num / den AS value,
    scale * sum(num) OVER r / sum(den) OVER r AS region_value,
    scale * sum(num) OVER n / sum(den) OVER n AS nation_value,
    rank() OVER (PARTITION BY peer_view, grouping_id, year, metric ORDER BY num / den DESC) AS rank_nation,
    count(*) OVER n AS units_nation,
    rank() OVER (PARTITION BY peer_view, grouping_id, year, metric, region_id ORDER BY num / den DESC) AS rank_region,
    count(*) OVER r AS units_region,
    bool_and(coalesce(list_bool_and(list_transform(string_split(origin, '+'),
             lambda o: o IN ('imported', 'published'))), false)) OVER n AS nation_real,
    bool_and(coalesce(list_bool_and(list_transform(string_split(origin, '+'),
             lambda o: o IN ('imported', 'published'))), false)) OVER r AS region_real
FROM long WHERE num IS NOT NULL AND den > 0
WINDOW n AS (PARTITION BY peer_view, grouping_id, year, metric),
       r AS (PARTITION BY peer_view, grouping_id, year, metric, region_id);

-- Per year: does the warehouse hold actual figures (thực hiện), only plans (kế hoạch), or nothing? Years run from the
-- first year held to next year, because plans are made a year ahead; "today" is the query's current_date, so a year
-- turns from running to ended without a rebuild. Budget rows decide it: an actual of 0 everywhere is a plan template
-- filled with zeros, not a year's spending.
-- The budget side of it, per year held; it does not depend on the date, so etl/marts.py stores it (mart_year_budget)
-- and pages apply year_status_from to the stored copy: one definition, and "today" still moves without a rebuild.
CREATE VIEW v_year_budget AS
SELECT year, any_value(era) AS era, count(DISTINCT unit_code) AS units_reporting,
    count(*) FILTER (actual_mvnd > 0) AS actual_rows, count(*) FILTER (planned_mvnd IS NOT NULL) AS planned_rows,
    origin_set(list(origin)) AS budget_origin
FROM budget_current GROUP BY year;

CREATE MACRO year_status_from(held) AS TABLE
WITH b AS (FROM query_table(held)),
span AS (SELECT coalesce(min(year), year(current_date)) AS y0,
                greatest(coalesce(max(year), 0), year(current_date) + 1) AS y1 FROM b),
years AS (SELECT unnest(range(y0, y1 + 1)) AS year FROM span)
SELECT y.year,
    coalesce(b.era, CASE WHEN y.year >= 2025 THEN '34' ELSE '63' END) AS era,  -- 2025: REFORM_YEAR in etl/common.py
    coalesce(b.actual_rows, 0) > 0 AS has_actual,
    coalesce(b.planned_rows, 0) > 0 AS has_planned,
    CASE WHEN b.actual_rows > 0 THEN 'actual' WHEN b.planned_rows > 0 THEN 'planned' ELSE 'none' END AS status,
    y.year < year(current_date) AS year_ended,
    coalesce(b.actual_rows, 0) > 0
        AND y.year = max(CASE WHEN b.actual_rows > 0 THEN y.year END) OVER () AS is_latest_actual,
    coalesce(b.units_reporting, 0) AS units_reporting,
    b.budget_origin,
    p.period_id
FROM years y
LEFT JOIN b USING (year)
LEFT JOIN programme_period p ON y.year BETWEEN p.year_from AND p.year_to
ORDER BY y.year;

CREATE VIEW year_status AS FROM year_status_from('v_year_budget');

-- The agency named for each programme year: the latest name known (by law or by a dated source) on 31 December.
-- Years before the first dated name have no row: the earlier name's dates were not found (docs/programme_sources.md).
CREATE VIEW v_agency_year AS
WITH years AS (SELECT unnest(range(min(year_from), max(year_to) + 1)) AS year FROM programme_period)
SELECT y.year, a.agency_id, a.name_vi, a.name_en, a.known_from, a.known_from_basis, a.source_id
FROM years y JOIN agency_name a ON a.known_from <= make_date(y.year, 12, 31)
QUALIFY row_number() OVER (PARTITION BY y.year ORDER BY a.known_from DESC) = 1
ORDER BY y.year;

-- Each programme period's totals over the years the warehouse holds: budgets by fund, đề án, and where they come from.
-- A period still running (2026–2030) sums the years held so far; years with plans only add to planned, not actual.
CREATE VIEW v_period_totals AS
WITH pj AS (
    SELECT year, count(*) FILTER (fund = 'kcqg') AS kcqg_projects,
        count(*) FILTER (fund = 'kcqg' AND category_id = 'mo-hinh-trinh-dien') AS kcqg_projects_mo_hinh_trinh_dien,
        origin_set(list(origin)) AS project_origin
    FROM project_current GROUP BY year),
ny AS (
    SELECT year, sum(kcqg_planned_mvnd) AS kcqg_planned_mvnd, sum(kcqg_actual_mvnd) AS kcqg_actual_mvnd,
        sum(kcdp_planned_mvnd) AS kcdp_planned_mvnd, sum(kcdp_actual_mvnd) AS kcdp_actual_mvnd,
        sum(projects) AS projects, origin_set(list(budget_origin)) AS budget_origin
    FROM v_unit_year GROUP BY year)
SELECT p.period_id, p.sort_order, p.name_vi, p.name_en, p.year_from, p.year_to, p.legal_basis, p.decided_on,
    p.source_id,
    count(ny.year) AS years_held,
    count(ny.year) FILTER (s.has_actual) AS years_with_actual,
    max(ny.year) AS last_year_held,
    sum(ny.kcqg_planned_mvnd) AS kcqg_planned_mvnd, sum(ny.kcqg_actual_mvnd) AS kcqg_actual_mvnd,
    sum(ny.kcdp_planned_mvnd) AS kcdp_planned_mvnd, sum(ny.kcdp_actual_mvnd) AS kcdp_actual_mvnd,
    sum(ny.kcqg_planned_mvnd + ny.kcdp_planned_mvnd) AS total_planned_mvnd,
    sum(ny.kcqg_actual_mvnd + ny.kcdp_actual_mvnd) AS total_actual_mvnd,
    sum(ny.projects) AS projects, sum(pj.kcqg_projects) AS kcqg_projects,
    sum(pj.kcqg_projects_mo_hinh_trinh_dien) AS kcqg_projects_mo_hinh_trinh_dien,
    origin_set(list(ny.budget_origin)) AS budget_origin,
    origin_set(list(pj.project_origin)) AS project_origin
FROM programme_period p
LEFT JOIN ny ON ny.year BETWEEN p.year_from AND p.year_to
LEFT JOIN pj ON pj.year = ny.year
LEFT JOIN year_status s ON s.year = ny.year
GROUP BY ALL
ORDER BY p.sort_order;

-- Each target of a period against what the warehouse holds for it (progress to date for a running period).
-- No warehouse value where the warehouse holds none of the period's years, or the target has no comparable metric.
CREATE VIEW v_period_progress AS
SELECT t.period_id, p.name_vi AS period_name_vi, t.figure_id, t.measure, t.value AS target_value, t.unit,
    t.value_text, t.warehouse_metric, t.source_id,
    CASE t.warehouse_metric
        WHEN 'kcqg_planned_mvnd' THEN p.kcqg_planned_mvnd WHEN 'kcqg_actual_mvnd' THEN p.kcqg_actual_mvnd
        WHEN 'total_planned_mvnd' THEN p.total_planned_mvnd WHEN 'total_actual_mvnd' THEN p.total_actual_mvnd
        WHEN 'projects' THEN p.projects WHEN 'kcqg_projects' THEN p.kcqg_projects
        WHEN 'kcqg_projects_mo_hinh_trinh_dien' THEN p.kcqg_projects_mo_hinh_trinh_dien END AS warehouse_value,
    100.0 * warehouse_value / nullif(t.value, 0) AS progress_pct,
    p.years_held, p.year_to - p.year_from + 1 AS years_in_period,
    CASE WHEN t.warehouse_metric LIKE '%projects%' THEN p.project_origin ELSE p.budget_origin END AS origin
FROM programme_target t JOIN v_period_totals p USING (period_id)
ORDER BY p.sort_order, t.figure_id;

-- Population figures that disagree: two sources for the same unit and year with different counts (kept, never averaged).
CREATE VIEW v_population_disagreement AS
SELECT a.era, a.province_code AS unit_code, a.year, a.pf_id AS pf_id_a, a.population AS population_a,
    a.confirmed AS confirmed_a, a.quote AS quote_a, a.url AS url_a, b.pf_id AS pf_id_b, b.population AS population_b,
    b.confirmed AS confirmed_b, b.quote AS quote_b, b.url AS url_b, b.population - a.population AS difference
FROM population a JOIN population b
  ON a.era = b.era AND a.province_code = b.province_code AND a.year = b.year AND a.pf_id < b.pf_id
 AND a.population <> b.population AND a.qualifier = 'exact' AND b.qualifier = 'exact';

-- ------------------------------------------------------------------------------------------------ outreach (R1)
-- What the programme reached: people trained (đào tạo nghề, truyền nghề, tập huấn) and establishments supported
-- (cơ sở công nghiệp nông thôn được hỗ trợ) per unit and year. The demo generates none: sources state these mostly
-- as multi-year totals or for one kind of class, so a generated year would make figures no source states. Where no
-- report or source gives a value, the pages show a gap. Two sources may each state one measure of the same unit and
-- year, so a row is keyed by its source as well.
CREATE TABLE outreach (era VARCHAR NOT NULL, unit_code VARCHAR NOT NULL, year INTEGER NOT NULL,
    people_trained INTEGER, establishments_supported INTEGER, origin VARCHAR NOT NULL, source_id VARCHAR NOT NULL,
    PRIMARY KEY (era, unit_code, year, origin, source_id));

-- One row per unit, year and measure: each value from the strongest row that states it (imported > published > demo),
-- so an imported report that leaves a cell blank keeps the published figure rather than hiding it.
CREATE VIEW outreach_current AS
WITH long AS (
    UNPIVOT outreach ON people_trained, establishments_supported INTO NAME measure VALUE value)
SELECT era, unit_code, year, measure, value, origin, source_id
FROM long
QUALIFY row_number() OVER (PARTITION BY era, unit_code, year, measure
                           ORDER BY CASE origin WHEN 'imported' THEN 0 WHEN 'published' THEN 1 ELSE 2 END,
                                    source_id) = 1;
CREATE VIEW training_current AS SELECT * FROM outreach_current WHERE measure = 'people_trained';
CREATE VIEW establishments_current AS SELECT * FROM outreach_current WHERE measure = 'establishments_supported';

-- What the pages read: every outreach value with its unit's name, its origin and, for a published one, the sentence
-- and the address of the source that states it (the curated row of the same source, unit, year and measure).
CREATE VIEW v_unit_outreach AS
SELECT o.era, o.unit_code, u.name_vi, o.year, o.measure, o.value, o.origin, o.source_id, s.title AS source_title,
    CASE WHEN s.location LIKE 'http%' THEN s.location END AS source_url, f.pf_id AS figure_id, f.quote
FROM outreach_current o
JOIN unit u USING (era, unit_code)
LEFT JOIN source s USING (source_id)
LEFT JOIN province_figure f ON o.origin = 'published' AND f.use = 'fact' AND f.source_id = o.source_id
    AND f.scope_key = o.unit_code AND f.year = o.year
    AND f.measure = CASE o.measure WHEN 'people_trained' THEN 'training.people' ELSE 'support.establishments' END;

-- Every value the dashboard shows from a published source, with the figure, quote and URL behind it: one row per
-- unit, year and metric (v_unit_year's column names; a count of one fund is projects_kcqg / projects_kcdp). A
-- table, download or slide that shows a published value joins here for its quote and link.
CREATE VIEW v_published_value AS
WITH shown AS (
    SELECT era, unit_code, year, fund || '_' || s.status || '_mvnd' AS metric,
        'budget.' || fund || '.' || s.status AS measure,
        CASE s.status WHEN 'planned' THEN planned_mvnd ELSE actual_mvnd END::DOUBLE AS value, source_id
    FROM budget_current CROSS JOIN (VALUES ('planned'), ('actual')) s(status)
    WHERE CASE s.status WHEN 'planned' THEN planned_origin ELSE actual_origin END = 'published'
    UNION ALL
    SELECT c.era, c.unit_code, c.year, CASE c.fund WHEN 'all' THEN 'projects' ELSE 'projects_' || c.fund END,
        'projects.count.' || c.fund, c.projects::DOUBLE, c.source_id
    FROM project_count c JOIN project_count_current s
        ON (s.era, s.unit_code, s.year) = (c.era, c.unit_code, c.year) AND list_contains(string_split(s.figure_id, ' '), c.figure_id)
    WHERE c.origin = 'published'
    UNION ALL
    SELECT era, unit_code, year, 'collaborators_district', 'collab.district_people', collaborators_district::DOUBLE,
        source_id
    FROM collaborators_current WHERE collaborators_district_origin = 'published'
    UNION ALL
    SELECT era, unit_code, year, measure,
        CASE measure WHEN 'people_trained' THEN 'training.people' ELSE 'support.establishments' END, value::DOUBLE,
        source_id
    FROM outreach_current WHERE origin = 'published')
SELECT v.era, v.unit_code, v.year, v.metric, v.value, f.figure_id, f.value_text, f.quote,
    s.location AS source_url, s.publisher, s.published
FROM shown v
JOIN published_figure f ON f.source_id = v.source_id AND f.scope = 'province' AND f.scope_key = v.unit_code
    AND f.year = v.year AND f.year_to = v.year AND f.measure = v.measure AND f.value = v.value
JOIN source s ON s.source_id = f.source_id;
