// Scores a file off the main thread, so the page stays responsive however large it is.
// Messages in: {file, config}. Out: {type: "progress", bytes, total, records},
// {type: "report", report}, {type: "error", message}.
import init, { Scorer } from './pkg/pumpguard_web.js';

const ready = init();

self.onmessage = async (event) => {
  const { file, config } = event.data;
  try {
    await ready;
    const scorer = new Scorer(config || '');
    const reader = file.stream().getReader();
    let bytes = 0;
    let records = 0;
    let last = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const p = JSON.parse(scorer.feed(value));
      if (p.error) throw new Error(p.error);
      bytes += value.length;
      records += p.records;
      const now = performance.now();
      if (now - last > 100) {
        last = now;
        self.postMessage({ type: 'progress', bytes, total: file.size, records });
      }
    }
    records += JSON.parse(scorer.finish()).records;
    self.postMessage({ type: 'progress', bytes: file.size, total: file.size, records });
    self.postMessage({ type: 'report', report: JSON.parse(scorer.report(6, 25)) });
    scorer.free();
  } catch (e) {
    self.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
