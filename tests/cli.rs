//! The `pumpguard` binary, run as a user runs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pumpguard"))
}

fn root() -> PathBuf {
    crate::support::root().to_path_buf()
}

/// Runs `pumpguard ARGS` with `input` on stdin; its output once it has finished.
fn with_stdin(args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = bin()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawns");
    // Written from another thread: a large input would otherwise fill the pipes both ways.
    let mut stdin = child.stdin.take().expect("stdin");
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input).expect("writes"));
    let out = child.wait_with_output().expect("finishes");
    writer.join().expect("writer");
    out
}

#[test]
fn scan_of_the_bundled_sample_keeps_every_line_in_order_and_reports_the_attacks() {
    let sample = root().join("samples/demo.ndjson");
    let out = bin().arg("scan").arg(&sample).output().expect("runs");
    assert!(out.status.success());
    let input = std::fs::read_to_string(&sample).expect("sample");
    let output = String::from_utf8(out.stdout).expect("utf8");
    assert_eq!(input.lines().count(), output.lines().count());
    for (a, b) in input.lines().zip(output.lines()) {
        assert!(
            b.starts_with(&a[..a.len() - 1]),
            "order or content changed at {a}"
        );
    }
    let report = String::from_utf8(out.stderr).expect("utf8");
    assert!(report.contains("INCIDENT inc-acme-KG-9965551-"), "{report}");
    assert!(report.contains("country SL"), "{report}");
    assert_eq!(report.matches("INCIDENT ").count(), 2, "{report}");
}

#[test]
fn scan_of_stdin_with_bad_lines_loses_nothing() {
    let mut input = Vec::new();
    input.extend_from_slice(
        b"{\"event\":\"sms_sent\",\"to\":\"+447400123456\",\"time\":\"2026-01-05T00:00:00Z\"}\n",
    );
    input.extend_from_slice(b"not json\r\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(b"{\"a\":\"\xff\"}\n");
    input.extend_from_slice(b"{\"truncated\":");
    let out = with_stdin(&["scan", "-", "--quiet"], &input);
    assert!(out.status.success());
    let lines: Vec<&[u8]> = out.stdout.split(|b| *b == b'\n').collect();
    assert_eq!(
        lines.len(),
        6,
        "5 lines in (last without newline) + final newline"
    );
    assert!(lines[1].starts_with(b"{\"message\":\"not json\""));
    assert!(lines[2].is_empty(), "blank lines stay blank");
    assert!(lines[3].starts_with(b"{\"message_base64\":"));
    assert!(lines[4].starts_with(b"{\"message\":\"{\\\"truncated\\\":\""));
}

#[test]
fn report_file_and_state_file() {
    let dir = crate::support::Scratch::new("cli");
    let report = dir.join("incidents.json");
    let state = dir.join("state.bin");
    let sample = root().join("samples/demo.ndjson");
    let out = bin()
        .arg("scan")
        .arg(&sample)
        .arg("--report")
        .arg(&report)
        .arg("--state")
        .arg(&state)
        .stdout(Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report")).expect("json");
    assert_eq!(v.as_array().map(Vec::len), Some(2));
    assert!(v[0]["estimated_cost_usd"].as_f64().expect("cost") > 0.0);
    assert!(std::fs::metadata(&state).expect("state written").len() > 1000);
    // A run on no input with the state file: what it knows comes from the state alone.
    let restart = || {
        bin()
            .args(["scan", "-", "--state"])
            .arg(&state)
            .stdin(Stdio::null())
            .output()
            .expect("runs")
    };
    // A second run restores the state: the same incidents are known before any record.
    let out = restart();
    let text = String::from_utf8(out.stderr).expect("utf8");
    assert!(text.contains("2 incidents"), "{text}");
    std::fs::write(&state, b"corrupt").expect("write");
    let out = restart();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("starting cold"));
}

#[test]
fn coverage_names_the_blind_spots() {
    let out = bin()
        .arg("coverage")
        .arg(root().join("tests/fixtures/aws_sns.ndjson"))
        .output()
        .expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.contains("== aws_sns"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("[BLIND]") && l.contains("low_conversion")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("[BLIND]") && l.contains("source_velocity")),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.contains("[ok]") && l.contains("adjacent_numbers")),
        "{text}"
    );
    let out = bin()
        .args(["coverage", "--json"])
        .arg(root().join("samples/demo.ndjson"))
        .output()
        .expect("runs");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let profiles: Vec<&str> = v["profiles"]
        .as_array()
        .expect("list")
        .iter()
        .map(|p| p["profile"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(profiles, ["twilio_verify", "aws_sns", "auth0", "generic"]);
}

#[test]
fn config_check_lists_every_problem_and_defaults_are_printable() {
    let dir = crate::support::Scratch::new("cfg");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, br#"{"block_digits": 0, "incident_idle_secs": 1}"#).expect("write");
    let out = bin()
        .args(["config", "--check"])
        .arg(&bad)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).expect("utf8");
    assert!(
        err.contains("block_digits") && err.contains("incident_idle_secs"),
        "{err}"
    );
    let out = bin().args(["config", "--defaults"]).output().expect("runs");
    let good = dir.join("good.json");
    std::fs::write(&good, &out.stdout).expect("write");
    let out = bin()
        .args(["config", "--check"])
        .arg(&good)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let out = bin().args(["scan", "--bogus"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ocsf_findings_one_per_alert() {
    let dir = crate::support::Scratch::new("ocsf");
    let findings = dir.join("findings.ndjson");
    let out = bin()
        .arg("scan")
        .arg(root().join("samples/demo.ndjson"))
        .arg("--ocsf")
        .arg(&findings)
        .arg("--quiet")
        .stdout(Stdio::null())
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = std::fs::read_to_string(&findings).expect("findings");
    let all: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(
        all.len(),
        4,
        "one finding per alert (two incidents: one opened at critical, one opened and escalated, one cost mark)"
    );
    for f in &all {
        assert_eq!(f["class_uid"], 2004);
        assert_eq!(
            f["finding_info"]["attacks"][0]["sub_technique"]["uid"],
            "T1496.003"
        );
        assert_eq!(f["finding_info"]["analytic"]["uid"], "AN0443");
        assert!(f["finding_info"]["related_events_count"].as_u64().expect("count") >= 1);
    }
    assert_eq!(all[2]["severity"], "Critical", "the escalation");
}

#[test]
fn help_completions_and_the_man_page_come_from_the_same_definitions() {
    for sub in [
        "scan", "serve", "coverage", "config", "version", "simulate", "evaluate",
    ] {
        if sub == "serve" && !cfg!(feature = "sidecar") {
            continue;
        }
        let out = bin().args([sub, "--help"]).output().expect("runs");
        assert!(out.status.success(), "{sub} --help");
        let text = String::from_utf8(out.stdout).expect("utf8");
        assert!(text.contains(&format!("Usage: pumpguard {sub}")), "{sub}: {text}");
    }
    let out = bin().args(["scan", "--help"]).output().expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf8");
    for option in ["--state", "--ocsf", "--native", "--monitor-only", "--report"] {
        assert!(text.contains(option), "scan --help lacks {option}");
    }
    let out = bin().args(["completions", "bash"]).output().expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        text.contains("_pumpguard()") && text.contains("--monitor-only"),
        "{text}"
    );
    let out = bin().arg("man").output().expect("runs");
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        text.starts_with(".ie") && text.contains(".TH pumpguard 1"),
        "{text}"
    );
    assert!(
        text.contains("evaluate") && text.contains("completions"),
        "{text}"
    );
    // Usage errors exit 2 with the subcommand's usage; no arguments at all prints the help.
    let out = bin().args(["evaluate", "--days", "0"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("1..=60"));
    let out = bin().output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: pumpguard"));
}

/// `pumpguard key`: one line per input line, the core's partition key (empty when there is
/// none); `--partitions N` the partition librdkafka would pick; `--field` the record with the
/// key added, other records unchanged.
#[test]
fn key_prints_the_partition_key_of_every_line() {
    let input = concat!(
        r#"{"event":"sms_sent","to":"+447400123456","tenant":"acme"}"#,
        "\n",
        "not json\n",
        "\n",
        r#"{"notification":{"messageId":"m1"},"delivery":{"destination":"+14155550101"},"status":"SUCCESS","owner":"111122223333"}"#,
        "\n",
        r#"{"hello":"world"}"#,
        "\n",
    );
    let run = |args: &[&str]| {
        let out = with_stdin(&[&["key"], args].concat(), input.as_bytes());
        assert!(out.status.success());
        String::from_utf8(out.stdout).expect("utf-8")
    };
    assert_eq!(run(&[]), "acme\n\n\naws_sns/111122223333\n\n");
    let p = |k: &str| pumpguard::partition::kafka_partition(k, 6).to_string();
    assert_eq!(
        run(&["--partitions", "6"]),
        format!("{}\n-\n-\n{}\n-\n", p("acme"), p("aws_sns/111122223333"))
    );
    let fielded = run(&["--field", "k"]);
    let lines: Vec<&str> = fielded.lines().collect();
    assert_eq!(
        lines[0],
        r#"{"event":"sms_sent","to":"+447400123456","tenant":"acme","k":"acme"}"#
    );
    assert_eq!(&lines[1..3], ["not json", ""]);
    assert!(lines[3].ends_with(r#""owner":"111122223333","k":"aws_sns/111122223333"}"#));
    assert_eq!(lines[4], r#"{"hello":"world"}"#);
}

/// `pumpguard state export-shared` / `import-shared` on the state files of two `scan --state`
/// runs, each over one partition of a simulated day: the component's export is the core's,
/// byte for byte; an import says what it did and is idempotent; a bad export is refused with
/// exit 1 and the file keeps its state.
#[test]
fn state_export_and_import_shared_move_cross_tenant_state_between_state_files() {
    use pumpguard::partition::kafka_partition;
    let dir = crate::support::Scratch::new("cli-shared");
    let lines = pumpguard_sim::traffic::simulate(&pumpguard_sim::traffic::Settings {
        seed: 11,
        days: 1,
        scale: 0.3,
        sweep: Default::default(),
    });
    let keyer = pumpguard::Engine::new(pumpguard::Config::default()).expect("config");
    let mut parts = [String::new(), String::new()];
    for l in &lines {
        let p = keyer
            .partition_key(l.text.as_bytes())
            .map_or(0, |k| kafka_partition(&k, 2));
        parts[p as usize] += &l.text;
        parts[p as usize].push('\n');
    }
    let path = |n: &str| dir.join(n).to_str().expect("utf-8").to_string();
    for (i, part) in parts.iter().enumerate() {
        std::fs::write(path(&format!("{i}.ndjson")), part).expect("write");
        let status = bin()
            .args(["scan", "--quiet", "--state", &path(&format!("{i}.state"))])
            .arg(path(&format!("{i}.ndjson")))
            .stdout(Stdio::null())
            .status()
            .expect("runs");
        assert!(status.success());
    }
    let run = |args: &[&str]| bin().args(args).output().expect("runs");
    let export = |i: usize, extra: &[&str]| {
        let out = run(&[
            &[
                "state",
                "export-shared",
                "--state",
                &path(&format!("{i}.state")),
                "--instance",
                &format!("scorer-{i}"),
            ],
            extra,
        ]
        .concat());
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    // The same state exported by the component and by the native core: the same bytes. (The
    // first export names the instance in its state; the second only counts one export more.)
    std::fs::copy(path("0.state"), path("0n.state")).expect("copy");
    let component = export(0, &[]);
    let native = run(&[
        "state",
        "export-shared",
        "--state",
        &path("0n.state"),
        "--instance",
        "scorer-0",
        "--native",
    ]);
    assert_eq!(component, native.stdout);
    export(1, &["--out", &path("1.pgshared")]);
    std::fs::write(path("0.pgshared"), &component).expect("write");
    let import = |files: &[&str]| {
        let out = run(&[&["state", "import-shared", "--state", &path("1.state")], files].concat());
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, said) = import(&[&path("0.pgshared"), &path("1.pgshared")]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("0.pgshared: scorer-0: taken ("), "{said}");
    assert!(
        said.contains("1.pgshared: scorer-1: this instance's own export, skipped"),
        "{said}"
    );
    let after = std::fs::read(path("1.state")).expect("state");
    let (code, said) = import(&[&path("0.pgshared")]);
    assert_eq!(code, Some(0));
    assert!(said.contains("scorer-0: already held (same or newer)"), "{said}");
    assert!(
        std::fs::read(path("1.state")).expect("state") == after,
        "idempotent"
    );
    let mut bad = component.clone();
    let n = bad.len();
    bad[n / 2] ^= 0x55;
    std::fs::write(path("bad.pgshared"), &bad).expect("write");
    let (code, said) = import(&[&path("bad.pgshared")]);
    assert_eq!(code, Some(1));
    assert!(said.contains("refused: shared state: corrupt"), "{said}");
    assert!(std::fs::read(path("1.state")).expect("state") == after);
}
