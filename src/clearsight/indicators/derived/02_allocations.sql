-- Allocation (indicators.md §1.4 D7), shared by every area and by the engine's exception lists.

-- D7 roles: the involvement role means "allocated case-holding worker" (allocation.worker_roles),
-- matched without regard to case or surrounding spaces. The roles are a table so that the test is a
-- hash semi-join rather than a list search per row.
CREATE TABLE worker_roles AS
SELECT DISTINCT lower(trim(r)) AS role_name FROM (SELECT unnest(cfg('allocation.worker_roles')) AS r);
CREATE MACRO worker_role(role_id) AS lower(trim(role_id)) IN (SELECT role_name FROM worker_roles);

-- D7 without the date: every involvement that allocates a case-holding worker (role in
-- allocation.worker_roles, a worker recorded), with whether the worker resolves in ssd_professionals.
-- A period indicator joins allocated_involvements open at its own event date (open_at) and keeps the
-- latest start, then the highest involvement id (§6).
CREATE TABLE worker_involvements AS
SELECT
    i.invo_person_id AS person_id,
    i.invo_professional_id AS worker_id,
    i.invo_professional_team AS team_id,
    i.invo_involvements_id AS involvement_id,
    i.invo_involvement_start_date AS start_date,
    i.invo_involvement_end_date AS end_date,
    i.invo_professional_id IN (SELECT prof_professional_id FROM ssd_professionals) AS resolves
FROM ssd_involvements i
WHERE i.invo_professional_id IS NOT NULL AND worker_role(i.invo_professional_role_id);
CREATE VIEW allocated_involvements AS SELECT * EXCLUDE (resolves) FROM worker_involvements WHERE resolves;

-- D7: the allocated worker and team of each child at d (latest start, then the highest involvement id).
-- A team-only row, a worker who is not in ssd_professionals, or a role not in allocation.worker_roles
-- does not allocate.
CREATE MACRO allocations(d) AS TABLE
SELECT person_id, worker_id, team_id, involvement_id, start_date FROM allocated_involvements
WHERE open_at(start_date, end_date, d)
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY start_date DESC, involvement_id DESC) = 1;

-- D7 at the as-at date, computed once: who must act now (§7 team and worker).
CREATE TABLE allocation_now AS SELECT * FROM allocations(as_at());
