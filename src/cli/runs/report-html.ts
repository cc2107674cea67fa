import { startedAtOf, type StoredRun } from '../../adapters/runs-listing';
import { verificationOf } from './views';

/** One run as the report's script reads it (times in epoch ms). */
interface ReportRun {
  runId: string;
  group: string;
  status: string;
  start: number;
  /** When it started waiting for a job slot, if it had to. */
  queuedSince?: number | undefined;
  /** When its Personalize job was created. */
  jobStart?: number | undefined;
  /** When it was recorded; absent while under way. */
  end?: number | undefined;
  records?: number | undefined;
  errorRecords?: number | undefined;
  failure?: string | undefined;
}

/**
 * The `runs report` page: one HTML file with inline CSS, script and SVG, no network. Its script
 * draws, from the runs embedded as JSON, a timeline of the runs against Personalize's job slots
 * (each job on a slot lane while it ran, coloured by outcome; time spent queued for a slot on the
 * queue lanes) and a table of durations and error rates per group, filterable by group. Once drawn
 * it sets `data-rendered="true"` on `<body>` (what the browser test waits for).
 */
export function renderReport(runs: StoredRun[], options: { since: Date; now: Date; title: string }): string {
  const data = runs.flatMap((run): ReportRun[] => {
    const start = startedAtOf(run);
    if (start === undefined) return [];
    const time = (value: unknown) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? Date.parse(value) : undefined);
    const verification = verificationOf(run);
    return [
      {
        runId: run.runId,
        group: run.jobGroup ?? '(no group)',
        status: run.status ?? 'UNKNOWN',
        start,
        queuedSince: time(run.queuedSince),
        jobStart: time(run.jobCreatedAt),
        end: time(run.completedAt),
        records: verification?.records,
        errorRecords: verification?.errorRecords,
        failure: run.failureReason,
      },
    ];
  });
  const payload = JSON.stringify({ runs: data, since: options.since.getTime(), now: options.now.getTime() }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<style>${STYLE}</style></head>
<body data-rendered="false">
<header><h1>${escapeHtml(options.title)}</h1>
<p class="period">${escapeHtml(options.since.toISOString())} → ${escapeHtml(options.now.toISOString())} · <span id="count"></span></p>
<label>Group <select id="group"><option value="">all groups</option></select></label></header>
<section id="cards" class="cards"></section>
<section><h2>Runs against the job slots</h2>
<p class="hint">Each bar is one run's Personalize job on a job slot (5 per account by default), coloured by outcome; striped bars are time spent waiting for a free slot. Hover for details.</p>
<div id="legend" class="legend"></div><div id="timeline"></div></section>
<section><h2>Per group</h2><table id="groups"><thead><tr><th>Group</th><th>Runs</th><th>Succeeded</th><th>Failed or aborted</th><th>Error rate</th><th>Median duration</th><th>Slowest</th><th>Median queued</th><th>Records / errors</th></tr></thead><tbody></tbody></table></section>
<script type="application/json" id="data">${payload}</script>
<script>${SCRIPT}</script>
</body></html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;padding:24px 32px;max-width:1200px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 6px}
header{display:flex;flex-wrap:wrap;align-items:baseline;gap:16px}header h1{flex-basis:100%}
.period{color:#57606a;margin:0;flex:1}.hint{color:#57606a;margin:0 0 8px;font-size:13px}
select{font:inherit;padding:2px 6px}
.cards{display:flex;gap:12px;margin-top:16px;flex-wrap:wrap}
.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 14px;min-width:120px}
.card b{display:block;font-size:22px}.card span{color:#57606a;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.legend{display:flex;gap:14px;font-size:12px;color:#57606a;margin-bottom:6px}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-2px}
#timeline svg{width:100%;height:auto;border:1px solid #d0d7de;border-radius:8px;background:#fafbfc}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:6px 10px;border-bottom:1px solid #eaeef2;white-space:nowrap}
th{font-size:12px;color:#57606a;text-transform:uppercase;letter-spacing:.04em}
.rate{display:inline-block;height:8px;background:#c62828;border-radius:4px;margin-right:6px;vertical-align:middle}
`;

/** Plain ES2017 in the page; string concatenation only, so it needs no escaping in this file. */
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('data').textContent);
  var COLORS = { SUCCEEDED: '#2e7d32', FAILED: '#c62828', TIMED_OUT: '#ef6c00', ABORTED: '#6e7781', REJECTED: '#8250df' };
  var RUNNING = '#1565c0';
  var select = document.getElementById('group');
  var groups = Array.from(new Set(data.runs.map(function (r) { return r.group; }))).sort();
  groups.forEach(function (g) { var o = document.createElement('option'); o.value = g; o.textContent = g; select.appendChild(o); });
  function el(name, attrs, text) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', name);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function dur(seconds) {
    if (seconds === undefined || isNaN(seconds)) return '-';
    var s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
    return h ? h + 'h' + String(m).padStart(2, '0') + 'm' : m ? m + 'm' + String(r).padStart(2, '0') + 's' : r + 's';
  }
  function median(values) {
    if (!values.length) return undefined;
    var v = values.slice().sort(function (a, b) { return a - b; }), mid = Math.floor(v.length / 2);
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }
  function pack(segments) {
    var lanes = [];
    segments.sort(function (a, b) { return a.from - b.from; }).forEach(function (s) {
      var lane = lanes.findIndex(function (end) { return end <= s.from; });
      if (lane < 0) { lane = lanes.length; lanes.push(0); }
      lanes[lane] = s.to; s.lane = lane;
    });
    return lanes.length;
  }
  function timeline(runs) {
    var host = document.getElementById('timeline'); host.textContent = '';
    var jobs = [], queue = [];
    runs.forEach(function (r) {
      var end = r.end || data.now;
      if (r.queuedSince !== undefined) queue.push({ run: r, from: r.queuedSince, to: r.jobStart || end });
      if (r.jobStart !== undefined) jobs.push({ run: r, from: r.jobStart, to: end });
    });
    var slotLanes = Math.max(pack(jobs), 1), queueLanes = pack(queue);
    var t0 = Math.min.apply(null, runs.map(function (r) { return r.start; }).concat([data.now])), t1 = data.now;
    var W = 1100, left = 90, right = 16, laneH = 26, top = 30, gap = queueLanes ? 28 : 0;
    var H = top + slotLanes * laneH + gap + queueLanes * laneH + 12;
    var x = function (t) { return left + (W - left - right) * (t - t0) / Math.max(t1 - t0, 1); };
    var svg = el('svg', { viewBox: '0 0 ' + W + ' ' + H, role: 'img', 'aria-label': 'Runs against job slots' });
    var defs = el('defs', {}), pattern = el('pattern', { id: 'queued', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' });
    pattern.appendChild(el('rect', { width: 6, height: 6, fill: '#fff4d6' })); pattern.appendChild(el('rect', { width: 3, height: 6, fill: '#e3a008' }));
    defs.appendChild(pattern); svg.appendChild(defs);
    for (var i = 0; i <= 6; i++) {
      var t = t0 + (t1 - t0) * i / 6, tx = x(t), d = new Date(t);
      svg.appendChild(el('line', { x1: tx, x2: tx, y1: top - 6, y2: H - 8, stroke: '#d0d7de', 'stroke-dasharray': '2 3' }));
      svg.appendChild(el('text', { x: tx, y: 16, 'text-anchor': i === 0 ? 'start' : i === 6 ? 'end' : 'middle', 'font-size': 11, fill: '#57606a' }, d.toISOString().slice(5, 16).replace('T', ' ')));
    }
    function lane(label, y) { svg.appendChild(el('text', { x: 8, y: y + 17, 'font-size': 12, fill: '#57606a' }, label)); }
    for (var s = 0; s < slotLanes; s++) lane('job slot ' + (s + 1), top + s * laneH);
    for (var q = 0; q < queueLanes; q++) lane(q ? '' : 'queued', top + slotLanes * laneH + gap + q * laneH);
    function bar(seg, y, fill, cls, what) {
      var r = seg.run, w = Math.max(x(seg.to) - x(seg.from), 3);
      var rect = el('rect', { x: x(seg.from), y: y + 3, width: w, height: laneH - 6, rx: 3, fill: fill, class: cls, 'data-run': r.runId });
      rect.appendChild(el('title', {}, r.runId + ' (' + r.group + ')\\n' + what + ' ' + dur((seg.to - seg.from) / 1000) + '\\n' + r.status + (r.failure ? ': ' + r.failure : '')));
      svg.appendChild(rect);
      if (w > 70) svg.appendChild(el('text', { x: x(seg.from) + 5, y: y + 17, 'font-size': 11, fill: cls === 'queued' ? '#6b4c00' : '#fff', 'pointer-events': 'none' }, r.runId.slice(0, Math.floor(w / 7))));
    }
    jobs.forEach(function (seg) { bar(seg, top + seg.lane * laneH, seg.run.end ? (COLORS[seg.run.status] || '#6e7781') : RUNNING, 'run', 'job ran'); });
    queue.forEach(function (seg) { bar(seg, top + slotLanes * laneH + gap + seg.lane * laneH, 'url(#queued)', 'queued', 'waited for a slot'); });
    host.appendChild(svg);
  }
  function table(runs) {
    var body = document.querySelector('#groups tbody'); body.textContent = '';
    var names = Array.from(new Set(runs.map(function (r) { return r.group; }))).sort();
    names.forEach(function (g) {
      var rs = runs.filter(function (r) { return r.group === g; });
      var done = rs.filter(function (r) { return r.end; });
      var ok = done.filter(function (r) { return r.status === 'SUCCEEDED'; }).length;
      var failed = done.length - ok, rate = done.length ? failed / done.length : 0;
      var durations = done.map(function (r) { return (r.end - r.start) / 1000; });
      var queued = rs.filter(function (r) { return r.queuedSince !== undefined; }).map(function (r) { return ((r.jobStart || r.end || data.now) - r.queuedSince) / 1000; });
      var recs = rs.filter(function (r) { return r.records !== undefined; });
      var cells = [g, rs.length, ok, failed, null, dur(median(durations)), dur(durations.length ? Math.max.apply(null, durations) : undefined), dur(median(queued)),
        recs.length ? recs.reduce(function (a, r) { return a + r.records; }, 0) + ' / ' + recs.reduce(function (a, r) { return a + (r.errorRecords || 0); }, 0) : '-'];
      var tr = document.createElement('tr');
      cells.forEach(function (c, i) {
        var td = document.createElement('td');
        if (i === 4) { var b = document.createElement('span'); b.className = 'rate'; b.style.width = Math.round(rate * 80) + 'px'; td.appendChild(b); td.appendChild(document.createTextNode(Math.round(rate * 100) + '%')); }
        else td.textContent = String(c);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
  }
  function cards(runs) {
    var host = document.getElementById('cards'); host.textContent = '';
    var count = function (s) { return runs.filter(function (r) { return r.status === s; }).length; };
    var done = runs.filter(function (r) { return r.end; });
    [['runs', runs.length], ['succeeded', count('SUCCEEDED')], ['failed', count('FAILED') + count('TIMED_OUT')], ['aborted', count('ABORTED')],
     ['under way', runs.length - done.length], ['median duration', dur(median(done.map(function (r) { return (r.end - r.start) / 1000; })))]].forEach(function (c) {
      var d = document.createElement('div'); d.className = 'card';
      var b = document.createElement('b'); b.textContent = String(c[1]); var s = document.createElement('span'); s.textContent = c[0];
      d.appendChild(b); d.appendChild(s); host.appendChild(d);
    });
  }
  var legend = document.getElementById('legend');
  Object.keys(COLORS).concat(['RUNNING', 'queued']).forEach(function (k) {
    var s = document.createElement('span'), i = document.createElement('i');
    i.style.background = k === 'RUNNING' ? RUNNING : k === 'queued' ? 'repeating-linear-gradient(45deg,#e3a008 0 3px,#fff4d6 3px 6px)' : COLORS[k];
    s.appendChild(i); s.appendChild(document.createTextNode(k.toLowerCase().replace('_', ' '))); legend.appendChild(s);
  });
  function render() {
    var runs = data.runs.filter(function (r) { return !select.value || r.group === select.value; });
    document.getElementById('count').textContent = runs.length + ' run' + (runs.length === 1 ? '' : 's');
    cards(runs); timeline(runs); table(runs);
    document.body.setAttribute('data-rendered', 'true');
  }
  select.addEventListener('change', render);
  render();
})();
`;
