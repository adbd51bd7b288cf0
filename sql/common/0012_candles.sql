-- The one query path for candles, shared by the Api and Grafana in both storage profiles.

-- The width of a candle interval code; unknown codes are an error rather than an empty answer.
CREATE OR REPLACE FUNCTION candle_interval(p_code text)
RETURNS interval
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    RETURN CASE p_code
        WHEN '1m'  THEN INTERVAL '1 minute'
        WHEN '5m'  THEN INTERVAL '5 minutes'
        WHEN '15m' THEN INTERVAL '15 minutes'
        WHEN '1h'  THEN INTERVAL '1 hour'
        WHEN '1d'  THEN INTERVAL '1 day'
    END;
END;
$$;

-- Candles of one instrument whose buckets start in [date_bin(p_from), p_to), each complete.
-- 1-minute candles come from broker_candles where the broker has that minute, else from candles_1m;
-- longer candles aggregate those minutes. Hourly candles start at 09:15 IST like the NSE session, daily
-- candles are IST days. source is 'broker', 'ticks' or, for a candle built from both, 'mixed'.
--
-- Tick volume is cumulative over the IST day, so a minute's volume is the rise of day_volume since the
-- previous minute with ticks (from zero on the day's first), less the broker volume of minutes in between:
-- after a feed gap backfilled from the broker, that rise already contains the gap's volume.
CREATE OR REPLACE FUNCTION candles(p_instrument_id integer, p_from timestamptz, p_to timestamptz, p_interval text)
RETURNS TABLE (bucket timestamptz, open numeric, high numeric, low numeric, close numeric, volume bigint, oi bigint, source text)
LANGUAGE plpgsql STABLE
AS $$
#variable_conflict use_column
DECLARE
    v_day_origin  CONSTANT timestamptz := TIMESTAMPTZ '2000-01-01 00:00+05:30';
    v_width       interval := candle_interval(p_interval);
    v_origin      timestamptz;
    v_first       timestamptz;
    v_end         timestamptz;
    v_day_start   timestamptz;
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
               t.bucket IS NOT NULL AS has_ticks,
               t.open AS t_open, t.high AS t_high, t.low AS t_low, t.close AS t_close, t.day_volume, t.oi AS t_oi,
               b.bucket IS NOT NULL AS has_broker,
               b.open AS b_open, b.high AS b_high, b.low AS b_low, b.close AS b_close, b.volume AS b_volume, b.oi AS b_oi
        FROM (SELECT c.bucket, c.open, c.high, c.low, c.close, c.day_volume, c.oi
              FROM candles_1m c
              WHERE c.instrument_id = p_instrument_id AND c.bucket >= v_day_start AND c.bucket < v_end) t
        FULL JOIN (SELECT bc.bucket, bc.open, bc.high, bc.low, bc.close, bc.volume, bc.oi
                   FROM broker_candles bc
                   WHERE bc.instrument_id = p_instrument_id AND bc.bucket >= v_day_start AND bc.bucket < v_end) b
            ON b.bucket = t.bucket
    ),
    running AS (
        SELECT m.*,
               max(m.day_volume) OVER before_row AS day_volume_before,
               sum(coalesce(m.b_volume, 0)) OVER up_to_row AS broker_volume_so_far
        FROM minutes m
        WINDOW before_row AS (PARTITION BY m.day ORDER BY m.bucket ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
               up_to_row AS (PARTITION BY m.day ORDER BY m.bucket ROWS UNBOUNDED PRECEDING)
    ),
    one_minute AS (
        SELECT r.bucket,
               CASE WHEN r.has_broker THEN r.b_open ELSE r.t_open END AS open,
               CASE WHEN r.has_broker THEN r.b_high ELSE r.t_high END AS high,
               CASE WHEN r.has_broker THEN r.b_low ELSE r.t_low END AS low,
               CASE WHEN r.has_broker THEN r.b_close ELSE r.t_close END AS close,
               CASE WHEN r.has_broker THEN r.b_volume
                    ELSE greatest(coalesce(
                             r.day_volume - coalesce(r.day_volume_before, 0)
                             - (r.broker_volume_so_far - coalesce(max(CASE WHEN r.has_ticks THEN r.broker_volume_so_far END)
                                   OVER (PARTITION BY r.day ORDER BY r.bucket ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)),
                             0), 0)
               END AS volume,
               CASE WHEN r.has_broker THEN r.b_oi ELSE r.t_oi END AS oi,
               CASE WHEN r.has_broker THEN 'broker' ELSE 'ticks' END AS source
        FROM running r
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
