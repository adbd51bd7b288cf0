// The watchlist beside the chart: every active subscription with its last price, change % from the previous close,
// day volume and OI (F&O), from /api/subscriptions and /api/quotes, then moved by the live ticks of the chart's socket.
// Hundreds of rows tick many times a second, so a tick only updates a row's numbers and marks it; once per animation
// frame the marked rows write the cells whose text changed.
(() => {
  'use strict';

  const chartPage = window.chartPage;
  const IST_SECONDS = 330 * 60;
  const SESSION_OPEN = (9 * 60 + 15) * 60;
  const SESSION_CLOSE = (15 * 60 + 30) * 60;
  // Api:Quotes:MaxTokensPerRequest's default.
  const QUOTES_PER_REQUEST = 500;
  const FUTURES_AND_OPTIONS = new Set(['FUT', 'CE', 'PE']);
  const CELLS = ['symbol', 'last', 'change', 'volume', 'oi'];

  const body = document.getElementById('watchlist-rows');
  const counts = new Intl.NumberFormat('en-IN');
  const rows = new Map();
  const marked = new Set();
  let frame = 0;
  let selected = null;
  const stats = { ready: false, ticks: 0, frames: 0, cellWrites: 0 };

  const istDay = (epochSeconds) => Math.floor((epochSeconds + IST_SECONDS) / 86400);
  const inSession = (epochSeconds) => {
    const second = (((epochSeconds + IST_SECONDS) % 86400) + 86400) % 86400;
    return second >= SESSION_OPEN && second < SESSION_CLOSE;
  };
  const changeOf = (row) => (row.last != null && row.previousClose > 0 ? (100 * (row.last - row.previousClose)) / row.previousClose : null);

  async function getJson(url) {
    const response = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!response.ok) {
      throw new Error(`${url} answered ${response.status}`);
    }
    return response.json();
  }

  function newRow(subscription) {
    const i = subscription.instrument;
    const element = document.createElement('div');
    element.className = 'row';
    element.setAttribute('role', 'row');
    element.dataset.token = subscription.token;
    element.tabIndex = 0;
    element.title = `${i.exchange}:${i.tradingsymbol} #${subscription.token}`;
    const cells = {};
    for (const name of CELLS) {
      const cell = element.appendChild(document.createElement('span'));
      cell.setAttribute('role', 'gridcell');
      cells[name] = cell.appendChild(document.createTextNode(''));
    }
    cells.symbol.data = i.tradingsymbol;
    return {
      token: subscription.token,
      symbol: i.tradingsymbol,
      fno: FUTURES_AND_OPTIONS.has(i.instrumentType),
      element,
      cells,
      shown: { direction: '' },
      last: null,
      previousClose: null,
      dayVolume: null,
      oi: null,
      day: null,
      level: null,
    };
  }

  function applyQuote(quote) {
    const row = rows.get(quote.token);
    if (!row) {
      return;
    }
    row.last = quote.lastPrice;
    row.previousClose = quote.previousClose;
    row.dayVolume = quote.dayVolume;
    row.oi = quote.oi;
    row.day = quote.tradingDay ? istDay(Date.parse(`${quote.tradingDay}T00:00:00+05:30`) / 1000) : null;
    mark(row);
  }

  // The day volume moves by the rule of the candles() SQL function, as the chart's volume does: only session ticks
  // count, a new IST day starts from zero and takes the last price before it as its previous close, and the first tick
  // of the day the quote already counted only sets the level.
  function applyTick(tick) {
    const row = rows.get(tick.token);
    if (!row) {
      return;
    }
    const epochSeconds = Math.floor(Date.parse(tick.time) / 1000);
    const day = istDay(epochSeconds);
    if (row.day !== null && day < row.day) {
      return;
    }
    if (row.day === null || day > row.day) {
      if (row.day !== null) {
        row.previousClose = row.last;
      }
      row.day = day;
      row.dayVolume = 0;
      row.level = 0;
    }
    if (inSession(epochSeconds)) {
      if (row.level !== null) {
        row.dayVolume += Math.max(tick.volume - row.level, 0);
      }
      row.level = tick.volume;
    }
    row.last = tick.ltp;
    row.oi = tick.oi;
    stats.ticks++;
    mark(row);
  }

  function mark(row) {
    marked.add(row);
    if (!frame) {
      frame = requestAnimationFrame(flush);
    }
  }

  function flush() {
    frame = 0;
    stats.frames++;
    for (const row of marked) {
      render(row);
    }
    marked.clear();
  }

  function write(row, name, text) {
    if (row.shown[name] !== text) {
      row.shown[name] = text;
      row.cells[name].data = text;
      stats.cellWrites++;
    }
  }

  function render(row) {
    const change = changeOf(row);
    write(row, 'last', row.last == null ? '—' : row.last.toFixed(2));
    write(row, 'change', change == null ? '—' : `${change > 0 ? '+' : ''}${change.toFixed(2)}%`);
    write(row, 'volume', row.dayVolume == null ? '—' : counts.format(row.dayVolume));
    write(row, 'oi', !row.fno ? '' : row.oi == null ? '—' : counts.format(row.oi));
    const direction = change > 0 ? 'up' : change < 0 ? 'down' : '';
    if (row.shown.direction !== direction) {
      row.shown.direction = direction;
      row.cells.change.parentNode.className = direction;
    }
  }

  function highlight(token) {
    rows.get(selected)?.element.removeAttribute('aria-selected');
    selected = token;
    const row = rows.get(token);
    if (row) {
      row.element.setAttribute('aria-selected', 'true');
      row.element.scrollIntoView({ block: 'nearest' });
    }
  }

  function message(text) {
    const row = Object.assign(document.createElement('div'), { className: 'row' });
    row.append(Object.assign(document.createElement('span'), { className: 'note', textContent: text }));
    body.replaceChildren(row);
  }

  async function load() {
    try {
      const subscriptions = (await getJson('/api/subscriptions')).items;
      document.getElementById('watchlist-count').textContent = `(${subscriptions.length})`;
      if (!subscriptions.length) {
        message('Nothing subscribed.');
        return;
      }
      const fragment = document.createDocumentFragment();
      for (const subscription of subscriptions) {
        const row = newRow(subscription);
        rows.set(row.token, row);
        fragment.append(row.element);
      }
      body.replaceChildren(fragment);
      highlight(chartPage.token);

      // Quotes first, live ticks after: the latest quote the socket sends on subscribe is newer than the candles.
      const tokens = [...rows.keys()];
      const batches = [];
      for (let i = 0; i < tokens.length; i += QUOTES_PER_REQUEST) {
        batches.push(getJson(`/api/quotes?tokens=${tokens.slice(i, i + QUOTES_PER_REQUEST).join(',')}`));
      }
      for (const batch of await Promise.all(batches)) {
        batch.items.forEach(applyQuote);
      }
      rows.forEach(mark);
      chartPage.onTicks((ticks) => ticks.forEach(applyTick));
      chartPage.holdTicks(tokens);
      stats.ready = true;
    } catch (error) {
      message(`Watchlist unavailable: ${error.message}`);
    }
  }

  body.addEventListener('click', (event) => {
    const row = event.target.closest('[data-token]');
    if (row) {
      chartPage.select(Number(row.dataset.token));
    }
  });
  body.addEventListener('keydown', (event) => {
    const row = event.target.closest('[data-token]');
    if (row && event.key === 'Enter') {
      chartPage.select(Number(row.dataset.token));
    }
  });
  document.addEventListener('chart:select', (event) => highlight(event.detail));

  // Read-only hook for tests and for debugging in the console.
  window.__watchlist = {
    get ready() { return stats.ready; },
    get count() { return rows.size; },
    get tokens() { return [...rows.keys()]; },
    get selected() { return selected; },
    get ticksApplied() { return stats.ticks; },
    get frames() { return stats.frames; },
    get cellWrites() { return stats.cellWrites; },
    get pending() { return marked.size; },
    row(token) {
      const row = rows.get(token);
      return row && {
        token: row.token, symbol: row.symbol, last: row.last, previousClose: row.previousClose, changePercent: changeOf(row),
        dayVolume: row.dayVolume, oi: row.oi, direction: row.shown.direction,
        text: { last: row.cells.last.data, change: row.cells.change.data, volume: row.cells.volume.data, oi: row.cells.oi.data },
      };
    },
  };

  load();
})();
