-- Storage:TickRetention replaces the 7 days of 0008 at start-up (PartitionMaintenance calls this), so both
-- profiles keep raw ticks for the same configured time. Returns true when the policy changed.
CREATE OR REPLACE FUNCTION set_tick_retention(p_retention interval)
RETURNS boolean
LANGUAGE plpgsql
AS $$
DECLARE
    v_job    integer;
    v_config jsonb;
BEGIN
    SELECT j.job_id, j.config INTO v_job, v_config
    FROM timescaledb_information.jobs j
    WHERE j.proc_name = 'policy_retention' AND j.hypertable_name = 'tick_data';
    IF v_job IS NULL THEN
        PERFORM add_retention_policy('tick_data', p_retention);
        RETURN true;
    END IF;
    IF (v_config ->> 'drop_after')::interval = p_retention THEN
        RETURN false;
    END IF;
    PERFORM alter_job(v_job, config => jsonb_set(v_config, '{drop_after}', to_jsonb(p_retention::text)));
    RETURN true;
END;
$$;
