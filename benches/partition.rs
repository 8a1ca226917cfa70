//! Key-affinity scale-out on this machine's cores (issue 17, BENCHMARKS.md):
//!
//!     cargo bench -p pumpguard-cli --bench partition
//!
//! A simulated week (pumpguard_sim, seed 2, every input profile) split by
//! `Engine::partition_key` through librdkafka's partitioner into 1, 2 and 4 partitions, each
//! scored by its own engine on its own thread, as N scorer instances behind a keyed Kafka topic
//! would be. The split happens before the clock starts (the producer does it). Records/s over
//! the wall clock, best of 3, with the one-scorer run of the same invocation as the baseline.
//! Also: how evenly the keys spread (the largest partition's share).
//!
//! Then the shared-state exchange (`Engine::export_shared` / `import_shared`): the export's size
//! and the time to make and to take it, for the simulated week's blocks and for 100,000 blocks
//! (one send each to 100,000 NANP exchanges, `block_digits` 6, `limits.shared_blocks` raised to
//! hold them), with the time to score the same records as the baseline.

use std::time::Instant;

use pumpguard::partition::kafka_partition;
use pumpguard::{Config, Engine};
use pumpguard_sim::traffic::{simulate, Settings, Sweep};

fn run(parts: &[Vec<&[u8]>]) -> f64 {
    let start = Instant::now();
    std::thread::scope(|s| {
        for part in parts {
            s.spawn(move || {
                let mut e = Engine::new(Config::default()).expect("config");
                let mut out = Vec::with_capacity(4096);
                for line in part {
                    out.clear();
                    e.process(line, None, &mut out);
                    std::hint::black_box(&out);
                }
            });
        }
    });
    start.elapsed().as_secs_f64()
}

fn main() {
    let settings = Settings {
        seed: 2,
        days: 7,
        scale: 1.0,
        sweep: Sweep::default(),
    };
    let lines: Vec<String> = simulate(&settings).into_iter().map(|l| l.text).collect();
    let keyer = Engine::new(Config::default()).expect("config");
    let keys: Vec<Option<String>> = lines.iter().map(|l| keyer.partition_key(l.as_bytes())).collect();
    let distinct: std::collections::BTreeSet<_> = keys.iter().flatten().collect();
    println!(
        "{} records, {} distinct partition keys, {} cores",
        lines.len(),
        distinct.len(),
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("| scorers | largest partition | records/s (best of 3) | ratio to one scorer |");
    println!("|---:|---:|---:|---:|");
    let mut one = 0.0;
    for n in [1u32, 2, 4] {
        let mut parts: Vec<Vec<&[u8]>> = vec![Vec::new(); n as usize];
        for (line, key) in lines.iter().zip(&keys) {
            let p = key.as_deref().map_or(0, |k| kafka_partition(k, n));
            parts[p as usize].push(line.as_bytes());
        }
        let largest = parts.iter().map(Vec::len).max().unwrap_or(0);
        let best = (0..3).map(|_| run(&parts)).fold(f64::INFINITY, f64::min);
        let rate = lines.len() as f64 / best;
        if n == 1 {
            one = rate;
        }
        println!(
            "| {n} | {:.0} % | {rate:.0} | {:.2} |",
            100.0 * largest as f64 / lines.len() as f64,
            rate / one
        );
    }
    let week: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
    println!();
    println!("| shared-state export | blocks | with evidence | bytes | bytes per block | export ms | import ms | scoring the records, ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    exchange("the simulated week, default limits", Config::default(), &week);
    let mut cfg = Config {
        block_digits: 6,
        ..Config::default()
    };
    cfg.limits.shared_blocks = 131_072;
    cfg.limits.shared_peers = 1;
    cfg.limits.max_state_bytes *= 2;
    let sends: Vec<String> = (0..100_000u32)
        .map(|i| {
            // NPA 201..=999 without N11, NXX 200..=999: one exchange (block) each.
            let npa = 201 + i / 800;
            let nxx = 200 + i % 800;
            format!(
                r#"{{"event":"sms_sent","time":"2026-03-02T{:02}:{:02}:{:02}Z","tenant":"t{}","to":"+1{npa}{nxx}{:04}"}}"#,
                i / 3600 % 24,
                i / 60 % 60,
                i % 60,
                i % 40,
                i % 10_000
            )
        })
        .collect();
    let sends: Vec<&[u8]> = sends.iter().map(|l| l.as_bytes()).collect();
    exchange("100,000 blocks, one send each", cfg, &sends);
}

/// Scores `lines` in one engine (timed: the baseline), then times its export and one import
/// into a fresh engine of the same configuration (best of 3 each).
fn exchange(what: &str, cfg: Config, lines: &[&[u8]]) {
    let mut e = Engine::new(cfg.clone()).expect("config");
    let start = Instant::now();
    let mut out = Vec::with_capacity(4096);
    for line in lines {
        out.clear();
        e.process(line, None, &mut out);
    }
    let scoring = start.elapsed().as_secs_f64() * 1e3;
    let best = |f: &mut dyn FnMut()| {
        (0..3)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64() * 1e3
            })
            .fold(f64::INFINITY, f64::min)
    };
    let mut bytes = Vec::new();
    let export = best(&mut || bytes = e.export_shared("bench").expect("export"));
    let mut peer = Engine::new(cfg.clone()).expect("config");
    let import = best(&mut || {
        peer = Engine::new(cfg.clone()).expect("config");
        peer.import_shared(&bytes).expect("import");
    });
    let held = peer.shared_peers();
    let (blocks, evidence) = held.first().map_or((0, 0), |p| (p.2, p.3));
    println!(
        "| {what} | {blocks} | {evidence} | {} | {:.1} | {export:.1} | {import:.1} | {scoring:.0} |",
        bytes.len(),
        bytes.len() as f64 / blocks.max(1) as f64
    );
}
