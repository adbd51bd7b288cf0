// The live option chain: the chain from GET /api/option-chain, prices and OI moved by ticks from WS /api/ws/ticks, and the
// chain re-read (IV, delta, totals) at most every few seconds while ticks arrive.
(() => {
  'use strict';
  const params = new URLSearchParams(location.search);
  const underlyingInput = document.getElementById('underlying');
  const expirySelect = document.getElementById('expiry');
  const rows = document.getElementById('strikes');
  const message = document.getElementById('message');
  const status = document.getElementById('feed-status');
  const REFRESH_MS = 3000;
  const cells = new Map(); // token → { ltp, bidAsk, oi, oiChange, volume, previousOi }
  let tokens = [];
  let socket = null;
  let refreshTimer = null;
  // What the page has done so far, for a test or a curious console: chains rendered and tokens the socket confirmed.
  const state = window.__optionChain = { loads: 0, subscribed: [] };

  const number = (value, digits = 0) => value === null || value === undefined
    ? '—' : Number(value).toLocaleString('en-IN', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const signed = (value) => value === null || value === undefined ? '—' : `${value > 0 ? '+' : ''}${number(value)}`;
  const cell = (text, className) => {
    const td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    return td;
  };

  async function loadExpiries(underlying) {
    const response = await fetch(`/api/instruments?underlying=${encodeURIComponent(underlying)}&type=CE,PE&pageSize=500`);
    const page = await response.json();
    const expiries = [...new Set((page.items || []).map((item) => item.expiry))].sort();
    expirySelect.replaceChildren(...expiries.map((expiry) => new Option(expiry, expiry)));
    const wanted = params.get('expiry');
    if (wanted && !expiries.includes(wanted)) expirySelect.append(new Option(wanted, wanted));
    expirySelect.value = wanted || expiries[0] || '';
  }

  function side(option, isCall) {
    const parts = option
      ? [cell(option.buildUp || ''), cell(number(option.oi), 'oi'), cell(signed(option.oiChange), 'oi-change'),
        cell(number(option.volume), 'volume'), cell(option.iv === null ? '—' : number(option.iv, 2)),
        cell(option.delta === null ? '—' : number(option.delta, 2)),
        cell(option.bid === null ? '—' : `${number(option.bid, 2)} / ${number(option.ask, 2)}`, 'bid-ask'),
        cell(number(option.lastPrice, 2), 'ltp')]
      : Array.from({ length: 8 }, () => cell(''));
    if (option) {
      option.oiChange > 0 ? parts[2].classList.add('up') : option.oiChange < 0 && parts[2].classList.add('down');
      cells.set(option.token, {
        previousOi: option.previousOi, oi: parts[1], oiChange: parts[2], volume: parts[3], bidAsk: parts[6], ltp: parts[7],
      });
    }
    return isCall ? parts : parts.reverse();
  }

  function render(chain) {
    cells.clear();
    document.getElementById('spot').textContent = chain.spot && chain.spot.price !== null ? number(chain.spot.price, 2) : '—';
    document.getElementById('atm').textContent = number(chain.totals.atmStrike);
    document.getElementById('pcr-oi').textContent = chain.totals.pcrOi === null ? '—' : number(chain.totals.pcrOi, 2);
    document.getElementById('pcr-volume').textContent = chain.totals.pcrVolume === null ? '—' : number(chain.totals.pcrVolume, 2);
    document.getElementById('max-pain').textContent = number(chain.totals.maxPain);
    const spot = chain.spot ? chain.spot.price : null;
    rows.replaceChildren(...chain.strikes.map((row) => {
      const tr = document.createElement('tr');
      tr.dataset.strike = row.strike;
      if (row.strike === chain.totals.atmStrike) tr.className = 'atm';
      const calls = side(row.call, true);
      const puts = side(row.put, false);
      if (spot !== null) {
        (row.strike < spot ? calls : puts).forEach((td) => td.classList.add('itm'));
      }
      tr.append(...calls, cell(number(row.strike), 'strike'), ...puts);
      return tr;
    }));
    const next = chain.strikes.flatMap((row) => [row.call, row.put]).filter(Boolean).map((option) => option.token);
    if (chain.spot) next.push(chain.spot.token);
    subscribe(next);
  }

  async function load() {
    const url = `/api/option-chain?underlying=${encodeURIComponent(underlyingInput.value)}&expiry=${encodeURIComponent(expirySelect.value)}`;
    const response = await fetch(url);
    const body = await response.json();
    if (!response.ok) {
      message.textContent = body.detail || body.title || `The chain could not be read (${response.status}).`;
      rows.replaceChildren();
      return;
    }
    message.textContent = '';
    render(body);
    state.loads += 1;
  }

  function scheduleRefresh() {
    if (refreshTimer === null) {
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        load().catch((error) => { message.textContent = String(error); });
      }, REFRESH_MS);
    }
  }

  function applyTick(tick) {
    const target = cells.get(tick.token);
    if (!target) {
      return;
    }
    target.ltp.textContent = number(tick.ltp, 2);
    target.oi.textContent = number(tick.oi);
    target.volume.textContent = number(tick.volume);
    target.bidAsk.textContent = `${number(tick.bid, 2)} / ${number(tick.ask, 2)}`;
    if (target.previousOi !== null && target.previousOi !== undefined) {
      const change = tick.oi - target.previousOi;
      target.oiChange.textContent = signed(change);
      target.oiChange.className = `oi-change ${change > 0 ? 'up' : change < 0 ? 'down' : ''}`;
    }
  }

  function subscribe(next) {
    const same = next.length === tokens.length && next.every((token, i) => token === tokens[i]);
    if (same && socket) return;
    if (socket && socket.readyState === WebSocket.OPEN && tokens.length > 0) {
      socket.send(JSON.stringify({ action: 'unsubscribe', tokens }));
    }
    tokens = next;
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ action: 'subscribe', tokens }));
    } else if (!socket) {
      connect();
    }
  }

  function connect() {
    socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/ws/ticks`);
    socket.onopen = () => {
      status.textContent = 'live';
      status.className = 'status live';
      if (tokens.length > 0) socket.send(JSON.stringify({ action: 'subscribe', tokens }));
    };
    socket.onmessage = (event) => {
      const data = JSON.parse(event.data);
      if (data.type === 'ticks') {
        data.ticks.forEach(applyTick);
        scheduleRefresh();
      } else if (data.type === 'subscribed') {
        state.subscribed = data.tokens;
      } else if (data.type === 'error') {
        message.textContent = data.message;
      }
    };
    socket.onclose = () => {
      status.textContent = 'disconnected';
      status.className = 'status';
      socket = null;
      setTimeout(connect, 2000);
    };
  }

  document.getElementById('pick').addEventListener('change', async (event) => {
    if (event.target === underlyingInput) await loadExpiries(underlyingInput.value);
    const query = new URLSearchParams({ underlying: underlyingInput.value, expiry: expirySelect.value });
    history.replaceState(null, '', `?${query}`);
    await load();
  });

  (async () => {
    underlyingInput.value = params.get('underlying') || 'NIFTY';
    await loadExpiries(underlyingInput.value);
    await load();
  })().catch((error) => { message.textContent = String(error); });
})();
