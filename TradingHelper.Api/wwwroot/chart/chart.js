// The live chart: candles from /api/historical/candles, moved by ticks from WS /api/ws/ticks, gaps from /api/gaps.
// Times are shifted to IST for display because lightweight-charts draws its time axis in UTC.
(() => {
  'use strict';

  const LWC = window.LightweightCharts;
  const IST_SECONDS = 330 * 60;
  // Buckets start on the 09:15 IST grid like the candles() SQL function; 45 minutes past a UTC hour.
  const BUCKET_ORIGIN = 45 * 60;
  const WIDTH = { '1m': 60, '5m': 300, '15m': 900, '1h': 3600 };
  // How much history each timeframe loads: under the Api's 10,000-candle limit, enough to cover weekends.
  const HISTORY_DAYS = { '1m': 5, '5m': 30, '15m': 90, '1h': 365 };
  const MAX_BACKOFF_MS = 30000;
  // The NSE session in seconds of the IST day: only its ticks add volume, as in the candles() SQL function.
  const SESSION_OPEN = (9 * 60 + 15) * 60;
  const SESSION_CLOSE = (15 * 60 + 30) * 60;
  // The server takes at most Api:WebSocket:MaxTokensPerClient (1,000) tokens in one message.
  const MAX_TOKENS_PER_MESSAGE = 1000;
  const REMEMBERED = 'tradinghelper.chart.token';

  const el = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const state = {
    token: Number(params.get('token')) || null,
    interval: WIDTH[params.get('interval')] ? params.get('interval') : '5m',
    candles: [],
    lastPrice: null,
    lastCumulativeVolume: null,
    volumeDay: null,
    status: 'disconnected',
    gaps: [],
    gapMarks: [],
    sessionMarks: [],
    ticksApplied: 0,
    loads: 0,
  };

  const chart = LWC.createChart(el('chart'), {
    autoSize: true,
    layout: { background: { color: '#131722' }, textColor: '#d1d4dc' },
    grid: { vertLines: { color: '#1e222d' }, horzLines: { color: '#1e222d' } },
    timeScale: { timeVisible: true, secondsVisible: false },
  });
  const candleSeries = chart.addSeries(LWC.CandlestickSeries, {
    upColor: '#26a69a', downColor: '#ef5350', borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350',
  });
  const volumeSeries = chart.addSeries(LWC.HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume' });
  chart.priceScale('volume').applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } });
  candleSeries.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.25 } });
  const markers = LWC.createSeriesMarkers(candleSeries, []);

  const bucketOf = (epochSeconds) => {
    const width = WIDTH[state.interval];
    return Math.floor((epochSeconds - BUCKET_ORIGIN) / width) * width + BUCKET_ORIGIN;
  };
  const toChartTime = (epochSeconds) => epochSeconds + IST_SECONDS;
  const volumeBar = (c) => ({ time: toChartTime(c.time), value: c.volume, color: c.close >= c.open ? '#26a69a80' : '#ef535080' });
  const candleBar = (c) => ({ time: toChartTime(c.time), open: c.open, high: c.high, low: c.low, close: c.close });

  function setMessage(text) { el('message').textContent = text || ''; }

  // The badge also says why the feed is stale (market closed, broker disconnected, login needed): see market.js.
  const market = window.TradingMarket.create({ badge: el('feed-status'), simulated: el('market'), onError: setMessage });

  function setStatus(status) {
    state.status = status;
    market.socket(status);
  }

  function showPrice(price) {
    state.lastPrice = price;
    el('last-price').textContent = price == null ? '—' : price.toFixed(2);
  }

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    const body = await response.json().catch(() => null);
    if (!response.ok) {
      const detail = body && (body.detail || (body.errors && Object.values(body.errors).flat().join(' ')) || body.title);
      throw new Error(detail || `${url} answered ${response.status}`);
    }
    return body;
  }

  async function load() {
    if (!state.token) {
      return;
    }
    const load = ++state.loads;
    const now = Math.floor(Date.now() / 1000);
    const from = new Date((now - HISTORY_DAYS[state.interval] * 86400) * 1000).toISOString();
    const to = new Date((now + 60) * 1000).toISOString();
    try {
      const [instrument, series, gaps] = await Promise.all([
        getJson(`/api/instruments/${state.token}`),
        getJson(`/api/historical/candles?token=${state.token}&interval=${state.interval}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
        getJson(`/api/gaps?token=${state.token}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`),
      ]);
      if (load !== state.loads) {
        return;
      }
      const i = instrument.instrument;
      el('instrument').textContent = `${i.exchange}:${i.tradingsymbol} · ${state.interval} · ${series.sources.join('+') || 'no data'}`;
      state.candles = series.candles.map((c) => ({
        time: Math.floor(Date.parse(c.time) / 1000), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume,
      }));
      state.lastCumulativeVolume = null;
      state.volumeDay = null;
      candleSeries.setData(state.candles.map(candleBar));
      volumeSeries.setData(state.candles.map(volumeBar));
      showPrice(state.candles.length ? state.candles[state.candles.length - 1].close : null);
      showGaps(gaps.items);
      chart.timeScale().fitContent();
      setMessage('');
      ticks.watch(state.token);
      market.watch(state.token);
    } catch (error) {
      setMessage(error.message);
    }
  }

  function showGaps(gaps) {
    state.gaps = gaps;
    const list = el('gaps');
    list.replaceChildren();
    if (!gaps.length) {
      list.append(Object.assign(document.createElement('li'), { textContent: 'None in view' }));
    }
    const times = state.candles.map((c) => c.time);
    const marks = [];
    for (const gap of gaps) {
      const started = Math.floor(Date.parse(gap.startedAt) / 1000);
      const minutes = Math.max(1, Math.round(gap.durationSeconds / 60));
      const job = gap.backfill ? `backfill ${gap.backfill.status}` : 'no backfill yet';
      list.append(Object.assign(document.createElement('li'), {
        textContent: `${new Date((started + IST_SECONDS) * 1000).toISOString().slice(0, 16).replace('T', ' ')} IST · ${gap.open ? 'open' : `${minutes} min`} · ${job}`,
      }));
      // A marker needs a bar: the gap's own bucket often has none, so it sits on the last bar before it.
      const before = times.filter((t) => t <= bucketOf(started));
      const at = before.length ? before[before.length - 1] : times[0];
      if (at !== undefined) {
        marks.push({ time: toChartTime(at), position: 'aboveBar', color: '#e91e63', shape: 'arrowDown', text: gap.open ? 'gap (open)' : `gap ${minutes}m` });
      }
    }
    state.gapMarks = marks;
    drawMarkers();
  }

  // Gap markers and a session boundary on the first candle of each IST day; markers must be sorted by time.
  function drawMarkers() {
    state.sessionMarks = window.TradingMarket.sessionMarkers(state.candles, toChartTime);
    markers.setMarkers([...state.gapMarks, ...state.sessionMarks].sort((a, b) => a.time - b.time));
  }

  // The rise of the cumulative day volume over the session, the rule of the candles() SQL function: a tick
  // outside 09:15-15:30 IST (a pre-open snapshot can hold the previous session's total) neither adds volume nor
  // sets the level, each IST day starts from zero, and a fall starts a new series from the lower value. The
  // first tick after a load only sets the level: the loaded candles already hold the volume before it.
  function volumeRise(epochSeconds, cumulative) {
    const ist = epochSeconds + IST_SECONDS;
    const second = ((ist % 86400) + 86400) % 86400;
    if (second < SESSION_OPEN || second >= SESSION_CLOSE) {
      return 0;
    }
    const day = Math.floor(ist / 86400);
    let rise = 0;
    if (state.volumeDay === day) {
      rise = Math.max(cumulative - state.lastCumulativeVolume, 0);
    } else if (state.volumeDay !== null) {
      rise = cumulative;
    }
    state.volumeDay = day;
    state.lastCumulativeVolume = cumulative;
    return rise;
  }

  // Moves the last candle with a tick, or starts the next one when the tick opens a new bucket.
  function applyTick(tick) {
    if (tick.token !== state.token) {
      return;
    }
    market.tick();
    const epochSeconds = Math.floor(Date.parse(tick.time) / 1000);
    const bucket = bucketOf(epochSeconds);
    const rise = volumeRise(epochSeconds, tick.volume);
    let last = state.candles[state.candles.length - 1];
    if (last && bucket < last.time) {
      return;
    }
    if (!last || bucket > last.time) {
      last = { time: bucket, open: tick.ltp, high: tick.ltp, low: tick.ltp, close: tick.ltp, volume: rise };
      state.candles.push(last);
      drawMarkers();
    } else {
      last.high = Math.max(last.high, tick.ltp);
      last.low = Math.min(last.low, tick.ltp);
      last.close = tick.ltp;
      last.volume += rise;
    }
    candleSeries.update(candleBar(last));
    volumeSeries.update(volumeBar(last));
    state.ticksApplied++;
    showPrice(tick.ltp);
  }

  // One socket for the page, re-subscribed after every reconnect; waits double after each failed attempt, up to 30 s.
  // Other parts of the page (the watchlist) hold tokens on it and listen to every batch.
  const ticks = (() => {
    let socket = null;
    let watched = null;
    const held = new Set();
    const listeners = [];
    let backoff = 500;
    let timer = null;

    function send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(message));
      }
    }

    function subscribe(tokens) {
      for (let i = 0; i < tokens.length; i += MAX_TOKENS_PER_MESSAGE) {
        send({ action: 'subscribe', tokens: tokens.slice(i, i + MAX_TOKENS_PER_MESSAGE) });
      }
    }

    function connect() {
      clearTimeout(timer);
      setStatus(state.status === 'disconnected' ? 'connecting' : 'reconnecting');
      socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws/ticks`);
      socket.onopen = () => {
        backoff = 500;
        setStatus('connected');
        subscribe([...new Set(watched ? [watched, ...held] : held)]);
      };
      socket.onmessage = (event) => {
        const message = JSON.parse(event.data);
        if (message.type === 'ticks') {
          message.ticks.forEach(applyTick);
          listeners.forEach((listen) => listen(message.ticks));
        } else if (message.type === 'error') {
          setMessage(message.message);
        }
      };
      socket.onclose = () => {
        setStatus('reconnecting');
        timer = setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      };
    }

    return {
      watch(token) {
        if (watched && watched !== token && !held.has(watched)) {
          send({ action: 'unsubscribe', tokens: [watched] });
        }
        watched = token;
        if (!socket) {
          connect();
        } else {
          send({ action: 'subscribe', tokens: [token] });
        }
      },
      hold(tokens) {
        const added = tokens.filter((token) => !held.has(token));
        added.forEach((token) => held.add(token));
        if (!socket) {
          connect();
        } else {
          subscribe(added);
        }
      },
      listen(listener) { listeners.push(listener); },
    };
  })();

  function select(token) {
    state.token = token;
    const url = new URL(location.href);
    url.searchParams.set('token', token);
    url.searchParams.set('interval', state.interval);
    history.replaceState(null, '', url);
    try {
      localStorage.setItem(REMEMBERED, String(token));
    } catch {
      // Storage can be switched off; the page then opens on the watchlist's first instrument.
    }
    document.dispatchEvent(new CustomEvent('chart:select', { detail: token }));
    el('welcome').hidden = true;
    el('chart').hidden = false;
    load();
  }

  // With no token in the URL: the instrument this browser charted last, else the first of the watchlist.
  function rememberedToken() {
    try {
      return Number(localStorage.getItem(REMEMBERED)) || null;
    } catch {
      return null;
    }
  }

  function showWelcome() {
    el('instrument').textContent = 'Nothing subscribed';
    document.querySelectorAll('#welcome .origin').forEach((span) => { span.textContent = location.origin; });
    el('welcome').hidden = false;
    el('chart').hidden = true;
  }

  function setTimeframe(interval) {
    state.interval = interval;
    for (const button of el('timeframes').querySelectorAll('button')) {
      button.setAttribute('aria-pressed', String(button.dataset.interval === interval));
    }
    if (state.token) {
      select(state.token);
    }
  }

  let searchTimer = null;
  el('search').addEventListener('input', (event) => {
    clearTimeout(searchTimer);
    const text = event.target.value.trim();
    searchTimer = setTimeout(async () => {
      const results = el('results');
      if (!text) {
        results.hidden = true;
        return;
      }
      try {
        const page = await getJson(`/api/instruments?symbol=${encodeURIComponent(text)}&pageSize=20`);
        results.replaceChildren(...page.items.map((i) => {
          const item = document.createElement('li');
          item.tabIndex = 0;
          item.dataset.token = i.token;
          item.append(`${i.tradingsymbol}`, Object.assign(document.createElement('small'), { textContent: `${i.exchange} ${i.instrumentType} #${i.token}` }));
          return item;
        }));
        results.hidden = page.items.length === 0;
      } catch (error) {
        setMessage(error.message);
      }
    }, 250);
  });
  el('results').addEventListener('click', (event) => {
    const item = event.target.closest('li');
    if (item) {
      el('results').hidden = true;
      select(Number(item.dataset.token));
    }
  });
  el('subscribed').addEventListener('change', (event) => {
    if (event.target.value) {
      select(Number(event.target.value));
    }
  });
  el('timeframes').addEventListener('click', (event) => {
    if (event.target.dataset.interval) {
      setTimeframe(event.target.dataset.interval);
    }
  });

  async function loadSubscribed() {
    try {
      const list = await getJson('/api/subscriptions');
      if (!state.token) {
        if (list.items.length) {
          select(list.items[0].token);
        } else {
          showWelcome();
        }
      }
      const options = list.items.map((s) => Object.assign(document.createElement('option'), {
        value: s.token, textContent: `${s.instrument.tradingsymbol} (${s.instrument.exchange})`, selected: s.token === state.token,
      }));
      el('subscribed').append(...options);
    } catch (error) {
      setMessage(error.message);
    }
  }

  // Read-only hook for tests and for debugging in the console.
  window.__chart = {
    get token() { return state.token; },
    get interval() { return state.interval; },
    get status() { return state.status; },
    get market() { return market.market && market.market.market; },
    get badge() { return market.badge; },
    get marketPolls() { return market.polls; },
    get sessions() { return state.sessionMarks.map((m) => m.time - IST_SECONDS); },
    get lastPrice() { return state.lastPrice; },
    get ticksApplied() { return state.ticksApplied; },
    get gaps() { return state.gaps.length; },
    get candles() { return state.candles.map((c) => ({ ...c })); },
    get lastCandle() { return state.candles.length ? { ...state.candles[state.candles.length - 1] } : null; },
    get welcome() { return !el('welcome').hidden; },
  };

  // What the watchlist uses: chart an instrument, and share the page's one tick socket.
  window.chartPage = Object.freeze({
    get token() { return state.token; },
    select,
    holdTicks: ticks.hold,
    onTicks: ticks.listen,
  });

  if (!state.token) {
    state.token = rememberedToken();
  }
  setTimeframe(state.interval);
  loadSubscribed();
})();
