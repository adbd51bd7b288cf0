-- candles() of 0012 with the session rule for tick volume.
--
-- A minute's volume is the rise of the cumulative day volume since the previous minute that measured it,
-- counted only over the NSE session (09:15-15:30 IST) of each IST day. A pre-open or connect snapshot can
-- still carry the previous session's total, so minutes outside the session have no tick volume and do not
-- set the level the session's first minute rises from (zero). The level is the previous minute's, not the
-- day's highest: a cumulative that falls is a new series whose rise counts from the lower value, where a
-- running maximum would hide every trade until the old total was passed. Broker volume of minutes in
-- between is taken off, as before: after a feed gap backfilled from the broker, the rise already holds it.
CREATE OR REPLACE FUNCTION candles(p_instrument_id integer, p_from timestamptz, p_to timestamptz, p_interval text)
RETURNS TABLE (bucket timestamptz, open numeric, high numeric, low numeric, close numeric, volume bigint, oi bigint, source text)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
DECLARE
    v_day_origin    CONSTANT timestamptz := TIMESTAMPTZ '2000-01-01 00:00+05:30';
    v_session_open  CONSTANT interval := INTERVAL '9 hours 15 minutes';
    v_session_close CONSTANT interval := INTERVAL '15 hours 30 minutes';
    v_width         interval := candle_interval(p_interval);
    v_origin        timestamptz;
    v_first         timestamptz;
    v_end           timestamptz;
    v_day_start     timestamptz;
BEGIN
    IF v_width IS NULL THEN
        RAISE EXCEPTION 'Unknown candle interval %; expected 1m, 5m, 15m, 1h or 1d', p_interval USING ERRCODE = '22023';
    END IF;
    IF p_to <= p_from THEN
        RETURN;
    END IF;
    v_origin := CASE WHEN p_interval = '1d' THEN v_day_origin ELSE TIMESTAMPTZ '2000-01-01 09:15+05:30' END;
    v_first := date_bin(v_width, p_from, v_origin);
    v_end := date_bin(v_width, p_to - INTERVAL '1 microsecond', v_origin) + v_width;
    -- Volume needs every earlier minute of the first candle's IST day.
    v_day_start := date_bin(INTERVAL '1 day', v_first, v_day_origin);

    RETURN QUERY
    WITH minutes AS (
        SELECT coalesce(b.bucket, t.bucket) AS bucket,
               date_bin(INTERVAL '1 day', coalesce(b.bucket, t.bucket), v_day_origin) AS day,
               t.open AS t_open, t.high AS t_high, t.low AS t_low, t.close AS t_close, t.session_volume, t.oi AS t_oi,
               b.bucket IS NOT NULL AS has_broker,
               b.open AS b_open, b.high AS b_high, b.low AS b_low, b.close AS b_close, b.volume AS b_volume, b.oi AS b_oi
        FROM (SELECT c.bucket, c.open, c.high, c.low, c.close, c.oi,
                     CASE WHEN c.bucket - date_bin(INTERVAL '1 day', c.bucket, v_day_origin) >= v_session_open
                           AND c.bucket - date_bin(INTERVAL '1 day', c.bucket, v_day_origin) < v_session_close
                          THEN c.day_volume END AS session_volume
              FROM candles_1m c
              WHERE c.instrument_id = p_instrument_id AND c.bucket >= v_day_start AND c.bucket < v_end) t
        FULL JOIN (SELECT bc.bucket, bc.open, bc.high, bc.low, bc.close, bc.volume, bc.oi
                   FROM broker_candles bc
                   WHERE bc.instrument_id = p_instrument_id AND bc.bucket >= v_day_start AND bc.bucket < v_end) b
            ON b.bucket = t.bucket
    ),
    running AS (
        SELECT m.*, sum(coalesce(m.b_volume, 0)) OVER (PARTITION BY m.day ORDER BY m.bucket ROWS UNBOUNDED PRECEDING) AS broker_volume_so_far
        FROM minutes m
    ),
    -- Partitioned by whether the minute measured the cumulative, so lag() reaches the previous one that did.
    measured AS (
        SELECT r.*,
               lag(r.session_volume) OVER series AS session_volume_before,
               r.broker_volume_so_far - coalesce(lag(r.broker_volume_so_far) OVER series, 0) AS broker_volume_since
        FROM running r
        WINDOW series AS (PARTITION BY r.day, r.session_volume IS NULL ORDER BY r.bucket)
    ),
    one_minute AS (
        SELECT r.bucket,
               CASE WHEN r.has_broker THEN r.b_open ELSE r.t_open END AS open,
               CASE WHEN r.has_broker THEN r.b_high ELSE r.t_high END AS high,
               CASE WHEN r.has_broker THEN r.b_low ELSE r.t_low END AS low,
               CASE WHEN r.has_broker THEN r.b_close ELSE r.t_close END AS close,
               CASE WHEN r.has_broker THEN r.b_volume
                    WHEN r.session_volume IS NULL THEN 0
                    ELSE greatest(r.session_volume - coalesce(r.session_volume_before, 0) - r.broker_volume_since, 0)
               END AS volume,
               CASE WHEN r.has_broker THEN r.b_oi ELSE r.t_oi END AS oi,
               CASE WHEN r.has_broker THEN 'broker' ELSE 'ticks' END AS source
        FROM measured r
    )
    SELECT date_bin(v_width, o.bucket, v_origin) AS bucket,
           (array_agg(o.open ORDER BY o.bucket))[1],
           max(o.high),
           min(o.low),
           (array_agg(o.close ORDER BY o.bucket DESC))[1],
           sum(o.volume)::bigint,
           (array_agg(o.oi ORDER BY o.bucket DESC) FILTER (WHERE o.oi IS NOT NULL))[1],
           CASE WHEN bool_and(o.source = 'broker') THEN 'broker'
                WHEN bool_and(o.source = 'ticks') THEN 'ticks'
                ELSE 'mixed' END
    FROM one_minute o
    WHERE o.bucket >= v_first
    GROUP BY 1
    ORDER BY 1;
END;
$$;
