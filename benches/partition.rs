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
}
