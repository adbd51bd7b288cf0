-- Daily partitions of tick_data, one per IST day, named tick_data_pYYYYMMDD. PartitionMaintenance calls
-- maintain_tick_partitions() at start and periodically with the service's clock and options.

CREATE OR REPLACE FUNCTION tick_partition_name(p_day_start timestamptz)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
    SELECT 'tick_data_p' || to_char((p_day_start AT TIME ZONE 'UTC') + INTERVAL '5 hours 30 minutes', 'YYYYMMDD');
$$;

-- Creates the partition of the IST day starting at p_day_start unless it exists. Ticks of that day already
-- in the default partition are moved into it first: attaching would otherwise fail on them.
CREATE OR REPLACE FUNCTION create_tick_partition(p_day_start timestamptz)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_name text := tick_partition_name(p_day_start);
    v_end  timestamptz := p_day_start + INTERVAL '1 day';
BEGIN
    IF to_regclass(v_name) IS NOT NULL THEN
        RETURN false;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE tick_data INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', v_name);
    EXECUTE format(
        'WITH moved AS (DELETE FROM tick_data_default WHERE time >= $1 AND time < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved',
        v_name) USING p_day_start, v_end;
    -- ATTACH locks tick_data less than CREATE ... PARTITION OF, so the writer's COPY is not held up.
    EXECUTE format('ALTER TABLE tick_data ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', v_name, p_day_start, v_end);
    RETURN true;
END;
$$;

-- Creates partitions from today to p_days_ahead days ahead and for any day stranded in the default
-- partition, then drops partitions (and default-partition rows) wholly older than p_now - p_retention.
CREATE OR REPLACE FUNCTION maintain_tick_partitions(p_now timestamptz, p_days_ahead integer, p_retention interval)
RETURNS TABLE (action text, partition_name text)
LANGUAGE plpgsql
-- Waiting behind a long transaction would queue every tick writer behind this one; retry next run instead.
SET lock_timeout = '10s'
AS $$
DECLARE
    v_origin  CONSTANT timestamptz := TIMESTAMPTZ '2000-01-01 00:00+05:30';
    v_cutoff  timestamptz := p_now - p_retention;
    v_day     timestamptz;
    v_child   record;
    v_start   timestamptz;
BEGIN
    DELETE FROM tick_data_default WHERE time < v_cutoff;

    FOR v_day IN
        SELECT d FROM generate_series(date_bin(INTERVAL '1 day', p_now, v_origin),
                                      date_bin(INTERVAL '1 day', p_now, v_origin) + p_days_ahead * INTERVAL '1 day',
                                      INTERVAL '1 day') AS d
        UNION
        SELECT DISTINCT date_bin(INTERVAL '1 day', time, v_origin) FROM tick_data_default
        ORDER BY 1
    LOOP
        IF date_bin(INTERVAL '1 day', v_day, v_origin) + INTERVAL '1 day' > v_cutoff AND create_tick_partition(v_day) THEN
            action := 'created';
            partition_name := tick_partition_name(v_day);
            RETURN NEXT;
        END IF;
    END LOOP;

    FOR v_child IN
        SELECT c.relname
        FROM pg_inherits i
        JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'tick_data'::regclass AND c.relname ~ '^tick_data_p[0-9]{8}$'
        ORDER BY c.relname
    LOOP
        v_start := (substr(v_child.relname, 12) || ' 00:00+05:30')::timestamptz;
        IF v_start + INTERVAL '1 day' <= v_cutoff THEN
            EXECUTE format('DROP TABLE %I', v_child.relname);
            action := 'dropped';
            partition_name := v_child.relname;
            RETURN NEXT;
        END IF;
    END LOOP;
END;
$$;
