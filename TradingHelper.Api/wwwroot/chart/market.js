// The chart's feed badge says why prices stand still: market closed (and when it opens), broker disconnected (and
// why), login needed, no Ingestor, or no tick of the charted instrument for a while in an open session. The session
// and the feed come from GET /api/market, polled; staleness is the page's own view of the ticks it received.
// Session boundaries: a marker on the first candle of each IST day.
(() => {
  'use strict';

  const IST_SECONDS = 330 * 60;
  const POLL_MS = 15000;
  const CHECK_MS = 5000;
  // Quiet instruments (far strikes) can go a minute without a trade; longer than that in an open session is news.
  const STALE_AFTER_MS = 120000;
  const REASON_CHARS = 80;
  const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

  const istDay = (epochSeconds) => Math.floor((epochSeconds + IST_SECONDS) / 86400);
  const istDate = (epochSeconds) => new Date((epochSeconds + IST_SECONDS) * 1000);
  // "Mon 09:15" of an instant, on the IST clock.
  function istWeekdayTime(iso) {
    const date = istDate(Math.floor(Date.parse(iso) / 1000));
    return `${WEEKDAYS[date.getUTCDay()]} ${date.toISOString().slice(11, 16)}`;
  }

  // What the badge says, most pressing first: the browser's own socket (opened once an instrument is charted), then
  // the feed, the session, staleness.
  function describe(view) {
    const { socket, market, stale, watching } = view;
    if (watching && socket !== 'connected') {
      return { kind: socket, text: socket, title: 'The page\'s WebSocket to the Api' };
    }
    if (!market) {
      return { kind: socket, text: socket, title: 'Waiting for the market\'s status' };
    }
    const { feed, session } = market;
    const title = `${session.description}. Feed: ${feed.reason}`;
    switch (feed.state) {
      case 'login-needed':
        return { kind: 'login-needed', text: 'login needed', link: feed.login, title };
      case 'no-ingestor':
        return { kind: 'no-ingestor', text: 'no ingestor', title };
      case 'disconnected': {
        const reason = feed.reason.length > REASON_CHARS ? `${feed.reason.slice(0, REASON_CHARS - 1)}…` : feed.reason;
        return { kind: 'broker-disconnected', text: `broker disconnected: ${reason}`, title };
      }
      default:
        break;
    }
    if (session.state === 'closed') {
      return { kind: 'closed', text: `market closed · opens ${istWeekdayTime(session.opensAt)} IST`, title };
    }
    if (feed.state === 'idle') {
      return { kind: 'idle', text: 'idle · nothing subscribed', title };
    }
    if (stale) {
      return { kind: 'stale', text: `stale · no tick for ${Math.floor(stale / 60000)} min`, title };
    }
    return { kind: 'live', text: 'live', title };
  }

  function create({ badge, simulated, onError }) {
    const view = { socket: 'disconnected', market: null, stale: 0, watching: false };
    let watched = null;
    let lastTickAt = 0;
    let polls = 0;
    let shown = null;

    function render() {
      const quietFor = Date.now() - lastTickAt;
      view.watching = watched !== null;
      view.stale = view.watching && quietFor >= STALE_AFTER_MS ? quietFor : 0;
      shown = describe(view);
      badge.className = `status ${shown.kind}`;
      badge.title = shown.title;
      if (shown.link) {
        badge.replaceChildren(Object.assign(document.createElement('a'), { href: shown.link, textContent: shown.text }));
      } else {
        badge.textContent = shown.text;
      }
    }

    async function poll() {
      try {
        const response = await fetch('/api/market', { headers: { Accept: 'application/json' } });
        if (!response.ok) {
          throw new Error(`/api/market answered ${response.status}`);
        }
        view.market = await response.json();
        polls++;
        // Simulated prices must never pass for NSE's: the badge shows whenever the Ingestor streams the market simulator.
        simulated.hidden = view.market.market !== 'simulated';
        simulated.title = `Prices come from the built-in market simulator, not from NSE. ${view.market.session.description}`;
        render();
      } catch (error) {
        onError(error.message);
      } finally {
        setTimeout(poll, POLL_MS);
      }
    }

    setInterval(render, CHECK_MS);
    poll();
    render();

    return {
      socket(status) { view.socket = status; render(); },
      // A newly charted instrument gets the full quiet period before it counts as stale.
      watch(token) { watched = token; lastTickAt = Date.now(); render(); },
      tick() {
        lastTickAt = Date.now();
        if (view.stale) {
          render();
        }
      },
      get market() { return view.market; },
      get badge() { return shown && { kind: shown.kind, text: shown.text, link: shown.link || null }; },
      get polls() { return polls; },
    };
  }

  // A marker on the first candle of each IST day in view: where one session ends and the next begins.
  function sessionMarkers(candles, toChartTime) {
    const marks = [];
    let day = null;
    for (const candle of candles) {
      const d = istDay(candle.time);
      if (d !== day) {
        day = d;
        const date = istDate(candle.time);
        marks.push({
          time: toChartTime(candle.time), position: 'belowBar', color: '#787b86', shape: 'arrowUp',
          text: `${WEEKDAYS[date.getUTCDay()]} ${date.toISOString().slice(8, 10)}`,
        });
      }
    }
    return marks;
  }

  window.TradingMarket = { create, sessionMarkers };
})();
