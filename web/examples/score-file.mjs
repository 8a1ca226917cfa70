// Scores a log file with the same wasm-bindgen package the playground uses, from Node:
//   node web/examples/score-file.mjs FILE [--json]
// FILE: NDJSON in any input profile, or a provider's CSV export. Prints the incidents and the
// riskiest number blocks (or the whole report as JSON). Build the package first:
//   scripts/build-web.sh
import { createReadStream, readFileSync } from 'node:fs';
import { initSync, Scorer } from '../pkg/pumpguard_web.js';

const [file, flag] = process.argv.slice(2);
if (!file) {
  console.error('usage: node web/examples/score-file.mjs FILE [--json]');
  process.exit(2);
}
initSync({ module: readFileSync(new URL('../pkg/pumpguard_web_bg.wasm', import.meta.url)) });

const scorer = new Scorer('');
for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
  const p = JSON.parse(scorer.feed(chunk));
  if (p.error) {
    console.error(`${file}: ${p.error}`);
    process.exit(1);
  }
}
scorer.finish();
const report = JSON.parse(scorer.report(6, 10));
// The same pieces one by one: scorer.incidents(), scorer.series(6), scorer.blocks(10).
const series = JSON.parse(scorer.series(3));
scorer.free();

if (flag === '--json') {
  console.log(JSON.stringify(report, null, 2));
} else {
  const t = report.totals;
  console.log(`${file}: ${t.records} records (${report.format}), ${t.scored} SMS records scored, ${t.alerts} alerts, ${report.incidents.length} incidents`);
  for (const i of report.incidents) {
    console.log(`INCIDENT ${i.id} [${i.level}] tenant ${i.tenant} block ${i.block} sends ${i.sends} cost ${i.estimated_cost_usd.toFixed(2)} USD`);
  }
  const hours = series.bucket_ms / 3600e3;
  console.log(`\nbusiest countries (${series.countries[0]?.points.length ?? 0} buckets of ${hours} h):`);
  for (const c of series.countries) {
    const peak = c.points.reduce((m, p) => (p[1] > m[1] ? p : m), [0, 0, 0]);
    console.log(`  ${c.country} ${c.sends} sends, peak ${peak[1]} in the hour from ${new Date(peak[0]).toISOString()} (baseline then ${peak[2].toFixed(1)})`);
  }
  console.log('\nriskiest blocks:');
  for (const b of report.blocks) {
    console.log(`  ${b.block.padEnd(10)} ${b.country} ${String(b.sends).padStart(6)} sends ${(100 * b.conversion_rate).toFixed(0).padStart(3)} % verified ${b.cost_usd.toFixed(2).padStart(8)} USD  ${b.level.padEnd(8)} ${b.reasons.join(', ')}`);
  }
}
