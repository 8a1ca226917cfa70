// The playground's page: picks up a file, hands it to the worker (worker.js), and draws what
// comes back. Every string from the file (tenants, blocks, ids) is set as text, never as HTML.

const SVG = 'http://www.w3.org/2000/svg';
const LEVEL_COLOR = {
  critical: '#b71c1c', high: '#e65100', medium: '#f9a825', low: '#9e9d24', none: '#90a4ae', unknown: '#bdbdbd',
};
const SERIES_COLOR = ['#1565c0', '#c62828', '#2e7d32', '#6a1b9a', '#ef6c00', '#00838f'];

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c instanceof Node ? c : document.createTextNode(String(c ?? '')));
  return e;
}

function svg(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = String(text);
  return e;
}

const ms = (iso) => Date.parse(iso);
const fmtTime = (t) => new Date(t).toISOString().slice(0, 16).replace('T', ' ');
const fmtInt = (n) => Number(n).toLocaleString('en');

let worker = null;

function start(file) {
  $('error').hidden = true;
  $('results').hidden = true;
  $('progress').hidden = false;
  $('bar').value = 0;
  $('progress-text').textContent = `reading ${file.name} …`;
  if (worker) worker.terminate();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => {
    if (data.type === 'progress') {
      $('bar').value = data.total ? data.bytes / data.total : 1;
      $('progress-text').textContent =
        `${(100 * data.bytes / Math.max(1, data.total)).toFixed(0)} % · ${fmtInt(data.records)} records`;
    } else if (data.type === 'report') {
      $('progress-text').textContent += ' · done';
      show(data.report, file.name);
    } else if (data.type === 'error') {
      fail(data.message);
    }
  };
  worker.onerror = (e) => fail(e.message || 'the scorer failed to start');
  worker.postMessage({ file, config: $('config').value });
}

function fail(message) {
  $('progress').hidden = true;
  $('error').textContent = message;
  $('error').hidden = false;
}

function show(r, name) {
  $('results').hidden = false;
  $('model').textContent = r.model;
  const t = r.totals;
  const summary = $('summary');
  summary.replaceChildren(
    el('p', {},
      el('strong', {}, name), ` (${r.format ?? 'empty'}): ${fmtInt(t.records)} records, ${fmtInt(t.scored)} SMS records scored, `,
      `${fmtInt(t.alerts)} alerts, ${r.incidents.length} incidents; ${fmtInt(t.unscored)} not scorable, `,
      `${fmtInt(t.passed)} not SMS-related, ${fmtInt(t.evidence)} evidence records.`),
  );
  if (r.skipped_lines) summary.append(el('p', { class: 'note' }, `${r.skipped_lines} lines over 4 MiB were skipped.`));
  drawSeries(r);
  drawTimeline(r);
  fillIncidents(r.incidents);
  // A file without any conversion events (a provider's export) cannot tell verified from not.
  fillBlocks(r.blocks, t.conversions_matched + t.conversions_unmatched > 0);
  fillCoverage(r.coverage);
}

// Sends per country per hour, against each country's baseline, with incidents shaded.
function drawSeries(r) {
  const box = $('series-chart');
  box.replaceChildren();
  if (!r.series.countries.length) {
    box.append(el('p', { class: 'note' }, 'No SMS records with a valid destination.'));
    return;
  }
  const W = 960, H = 320, L = 50, R = 110, T = 10, B = 30;
  const all = r.series.countries.flatMap((s) => s.points);
  const bucket = r.series.bucket_ms;
  const t0 = Math.min(...all.map((p) => p[0]));
  const t1 = Math.max(...all.map((p) => p[0])) + bucket;
  const ymax = Math.max(1, ...all.map((p) => Math.max(p[1], p[2])));
  const x = (t) => L + (W - L - R) * (t - t0) / Math.max(1, t1 - t0);
  const y = (v) => H - B - (H - T - B) * v / ymax;
  const chart = svg('svg', { id: 'series', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'sends per country per hour' });
  for (const inc of r.incidents) {
    const a = x(ms(inc.first_seen)), b = x(ms(inc.last_seen) + bucket);
    const shade = svg('rect', { class: 'incident', x: a, y: T, width: Math.max(2, b - a), height: H - T - B });
    shade.append(svg('title', {}, `${inc.id} (${inc.level})`));
    chart.append(shade);
  }
  chart.append(svg('line', { class: 'axis', x1: L, y1: H - B, x2: W - R, y2: H - B }));
  chart.append(svg('line', { class: 'axis', x1: L, y1: T, x2: L, y2: H - B }));
  for (const v of [0, ymax / 2, ymax]) {
    chart.append(svg('text', { class: 'tick', x: L - 6, y: y(v) + 4, 'text-anchor': 'end' }, Math.round(v)));
  }
  for (const f of [0, 0.5, 1]) {
    const t = t0 + f * (t1 - t0);
    chart.append(svg('text', { class: 'tick', x: x(t), y: H - 8, 'text-anchor': f === 0 ? 'start' : f === 1 ? 'end' : 'middle' }, fmtTime(t)));
  }
  r.series.countries.forEach((s, i) => {
    const color = SERIES_COLOR[i % SERIES_COLOR.length];
    const line = (k) => s.points.map((p, j) => `${j ? 'L' : 'M'}${x(p[0] + bucket / 2).toFixed(1)},${y(p[k]).toFixed(1)}`).join('');
    chart.append(svg('path', { class: 'baseline', d: line(2), stroke: color }));
    const sends = svg('path', { class: 'sends', d: line(1), stroke: color, 'data-country': s.country });
    sends.append(svg('title', {}, `${s.country}: ${fmtInt(s.sends)} sends`));
    chart.append(sends);
    chart.append(svg('text', { class: 'legend', x: W - R + 10, y: T + 14 + 18 * i, fill: color }, `${s.country} ${fmtInt(s.sends)}`));
  });
  box.append(chart);
}

// One bar per incident, from its first send to its last, coloured by level.
function drawTimeline(r) {
  const box = $('timeline-chart');
  box.replaceChildren();
  if (!r.incidents.length) {
    box.append(el('p', { class: 'note' }, 'No incidents.'));
    return;
  }
  const W = 960, L = 10, R = 10, row = 26, H = 30 + row * r.incidents.length;
  const first = r.totals.first_ms ?? Math.min(...r.incidents.map((i) => ms(i.first_seen)));
  const last = r.totals.last_ms ?? Math.max(...r.incidents.map((i) => ms(i.last_seen)));
  const x = (t) => L + (W - L - R) * (t - first) / Math.max(1, last - first);
  const chart = svg('svg', { id: 'timeline', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': 'incidents over time' });
  chart.append(svg('text', { class: 'tick', x: L, y: H - 6 }, fmtTime(first)));
  chart.append(svg('text', { class: 'tick', x: W - R, y: H - 6, 'text-anchor': 'end' }, fmtTime(last)));
  r.incidents.forEach((inc, i) => {
    const a = x(ms(inc.first_seen)), b = x(ms(inc.last_seen));
    const bar = svg('rect', {
      class: 'incident-bar', x: a, y: 6 + row * i, width: Math.max(3, b - a), height: row - 8,
      fill: LEVEL_COLOR[inc.level] ?? '#999', 'data-incident': inc.id,
    });
    bar.append(svg('title', {}, `${inc.id}: ${inc.sends} sends, ${inc.level}`));
    chart.append(bar);
    // Labels sit right of bars in the left half and left of bars in the right half.
    const right = a + b < W;
    const label = svg('text', {
      class: 'bar-label', x: right ? b + 6 : a - 6, y: 6 + row * i + row / 2 + 1, 'text-anchor': right ? 'start' : 'end',
    }, `${inc.block} ${inc.country} · ${inc.tenant.slice(0, 40)} · ${inc.sends} sends · ${inc.level}`);
    chart.append(label);
  });
  box.append(chart);
}

function levelCell(level) {
  return el('td', { class: `level level-${level}` }, level);
}

function fillIncidents(incidents) {
  $('incidents').tBodies[0].replaceChildren(...incidents.map((i) => el('tr', {},
    el('td', { class: 'mono' }, i.id), levelCell(i.level), el('td', {}, i.tenant), el('td', {}, i.country),
    el('td', { class: 'mono' }, i.block), el('td', { class: 'num' }, fmtInt(i.sends)),
    el('td', { class: 'num' }, i.estimated_cost_usd.toFixed(2)), el('td', { class: 'num' }, i.alerts),
    el('td', {}, i.first_seen), el('td', {}, i.last_seen), el('td', {}, i.top_reasons.join(', ')),
  )));
}

function fillBlocks(blocks, conversionsLogged) {
  $('blocks').tBodies[0].replaceChildren(...blocks.map((b) => el('tr', {},
    el('td', { class: 'mono' }, b.block), el('td', {}, b.country), el('td', {}, b.tenant),
    el('td', { class: 'num' }, fmtInt(b.sends)),
    el('td', { class: 'num' }, conversionsLogged ? fmtInt(b.verified) : 'n/a'),
    el('td', { class: 'num', title: conversionsLogged ? '' : 'this file has no conversion (verified OTP) events' },
      conversionsLogged ? `${(100 * b.conversion_rate).toFixed(0)} %` : 'n/a'),
    el('td', { class: 'num' }, b.cost_usd.toFixed(2)), el('td', { class: 'num' }, b.max_score),
    levelCell(b.level), el('td', {}, b.reasons.join(', ')),
  )));
}

function fillCoverage(c) {
  const box = $('coverage');
  box.replaceChildren(el('p', { class: 'note' },
    `${fmtInt(c.unparsed_records)} records could not be parsed; ${fmtInt(c.other_records)} are of no SMS profile.`));
  for (const p of c.profiles) {
    const fields = Object.entries(p.fields).map(([k, v]) => `${k} ${(100 * v).toFixed(0)} %`).join(', ');
    const table = el('table', { class: 'coverage' },
      el('thead', {}, el('tr', {}, el('th', {}, 'signal'), el('th', {}, 'runs'), el('th', {}, 'why'))),
      el('tbody', {}, ...p.signals.map((s) => el('tr', { class: s.runs ? 'ok' : 'blind' },
        el('td', { class: 'mono' }, s.signal), el('td', {}, s.runs ? 'yes' : 'BLIND'), el('td', {}, s.why)))));
    box.append(
      el('h3', {}, `${p.profile}: ${fmtInt(p.sms_records)} SMS records, ${fmtInt(p.conversion_records)} conversions`),
      el('p', { class: 'note' }, `fields: ${fields}`),
      table,
    );
  }
}

const drop = $('drop');
$('file').addEventListener('change', (e) => {
  const f = e.target.files[0];
  if (f) start(f);
});
drop.addEventListener('dragover', (e) => {
  e.preventDefault();
  drop.classList.add('over');
});
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer.files[0];
  if (f) start(f);
});
