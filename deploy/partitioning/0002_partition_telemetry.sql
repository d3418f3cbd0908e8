-- SASMS — range partitioning of the telemetry tables (PostgreSQL 13+; tried on 15).
--
-- NOT part of the app migrations: apply it when the raw samples' size calls for it
-- (docs/prediction.md, "Storage and retention"), like 0001_partition_append_only.sql: in a
-- maintenance window, after a backup, with the web nodes and workers stopped. No row is copied.
--
--     psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f deploy/partitioning/0002_partition_telemetry.sql
--
-- telemetry_sample is partitioned by DAY on "at" (the downsampler empties whole days; an emptied
-- past day can then be dropped instead of vacuumed), telemetry_rollup by MONTH on "at". Their
-- primary keys, (series_id, at) and (series_id, resolution, at), already contain the partition
-- column, and no table references them, so nothing else changes: Django keeps the same keys.
--
-- Per table, in one transaction: the current table becomes the partition "<table>_legacy" (a CHECK
-- constraint proves its range, so ATTACH does not scan it); a partitioned table of the same name,
-- columns, checks, primary key, indexes and foreign key takes its place; partitions from the
-- cut-over on, and a DEFAULT partition so an insert never fails for want of one.
--
-- Afterwards keep partitions ahead with a daily job (cron or a Celery beat entry):
--     SELECT sasms_telemetry_partitions(7);

\set ON_ERROR_STOP on
BEGIN;
SET LOCAL lock_timeout = '10s';

-- Partitions for the next days (samples) and the next two months (rollups), from tomorrow and
-- next month on (never a range that may already hold rows); idempotent.
CREATE OR REPLACE FUNCTION sasms_telemetry_partitions(days_ahead int DEFAULT 7) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d date;
    m date;
BEGIN
    FOR i IN 1..days_ahead LOOP
        d := (date_trunc('day', now()) + make_interval(days => i))::date;
        IF to_regclass(format('telemetry_sample_%s', to_char(d, 'YYYYMMDD'))) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF telemetry_sample FOR VALUES FROM (%L) TO (%L)',
                           format('telemetry_sample_%s', to_char(d, 'YYYYMMDD')), d::timestamptz, (d + 1)::timestamptz);
        END IF;
    END LOOP;
    FOR i IN 1..2 LOOP
        m := (date_trunc('month', now()) + make_interval(months => i))::date;
        IF to_regclass(format('telemetry_rollup_%s', to_char(m, 'YYYY_MM'))) IS NULL THEN
            EXECUTE format('CREATE TABLE %I PARTITION OF telemetry_rollup FOR VALUES FROM (%L) TO (%L)',
                           format('telemetry_rollup_%s', to_char(m, 'YYYY_MM')), m::timestamptz,
                           (m + interval '1 month')::timestamptz);
        END IF;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION sasms_telemetry_partition_table(tbl text, cutover timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    legacy text := tbl || '_legacy';
    pkey text;
    idx record;
    con record;
BEGIN
    SELECT pg_get_constraintdef(oid) INTO pkey FROM pg_constraint
     WHERE conrelid = tbl::regclass AND contype = 'p';
    EXECUTE format('ALTER TABLE %I RENAME TO %I', tbl, legacy);
    EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)'
                   ' PARTITION BY RANGE (at)', tbl, legacy);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (at < %L)', legacy, legacy || '_range', cutover);
    -- The primary key, every other index and the foreign key are declared again on the parent
    -- under their original names; the legacy table's own are renamed and adopted by ATTACH.
    EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', legacy, tbl || '_pkey', legacy || '_pkey');
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, tbl || '_pkey', pkey);
    FOR idx IN
        SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
        FROM pg_index i WHERE i.indrelid = legacy::regclass AND NOT i.indisprimary
    LOOP
        EXECUTE format('ALTER INDEX %I RENAME TO %I', idx.name, left(idx.name, 56) || '_legacy');
        EXECUTE replace(idx.def, ' ON public.' || legacy || ' ', ' ON public.' || tbl || ' ');
    END LOOP;
    FOR con IN SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
               WHERE conrelid = legacy::regclass AND contype = 'f'
    LOOP
        EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', legacy, con.conname, left(con.conname, 56) || '_legacy');
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', tbl, con.conname, con.def);
    END LOOP;
    EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (MINVALUE) TO (%L)', tbl, legacy, cutover);
    EXECUTE format('CREATE TABLE %I PARTITION OF %I DEFAULT', tbl || '_default', tbl);
END $$;

DO $$
BEGIN
    -- Samples: everything before tomorrow stays in the legacy partition; rollups: before next month.
    PERFORM sasms_telemetry_partition_table('telemetry_sample', date_trunc('day', now()) + interval '1 day');
    PERFORM sasms_telemetry_partition_table('telemetry_rollup', date_trunc('month', now()) + interval '1 month');
END $$;

-- Partitions start tomorrow and next month: today's samples and this month's rollups are in the
-- legacy partitions (and later, in partitions made ahead of time by the daily job).
SELECT sasms_telemetry_partitions(7);
COMMIT;
ANALYZE telemetry_sample, telemetry_rollup;
