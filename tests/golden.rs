//! Golden files: `tests/fixtures/<case>.ndjson` through a fresh engine must give
//! `<case>.expected.ndjson` exactly. `PUMPGUARD_BLESS=1 cargo test` rewrites them after review.

use crate::support::engine;

fn run(case: &str) {
    let dir = crate::support::root().join("tests/fixtures");
    let input = std::fs::read(dir.join(format!("{case}.ndjson"))).expect("fixture");
    let mut e = engine();
    let mut out = Vec::new();
    let mut lines = 0;
    for line in input.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        e.process(line, None, &mut out);
        out.push(b'\n');
        lines += 1;
    }
    assert_eq!(
        out.iter().filter(|b| **b == b'\n').count(),
        lines,
        "one output line per input line"
    );
    let expected_path = dir.join(format!("{case}.expected.ndjson"));
    if std::env::var_os("PUMPGUARD_BLESS").is_some() {
        std::fs::write(&expected_path, &out).expect("write golden");
    }
    let expected = std::fs::read(&expected_path).expect("golden file (run with PUMPGUARD_BLESS=1 to create)");
    if out != expected {
        let (o, x) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&expected));
        for (i, (a, b)) in o.lines().zip(x.lines()).enumerate() {
            assert_eq!(a, b, "{case}: line {} differs", i + 1);
        }
        panic!("{case}: output and golden differ in length");
    }
}

#[test]
fn twilio_verify() {
    run("twilio_verify");
}

#[test]
fn twilio_message() {
    run("twilio_message");
}

#[test]
fn aws_sns() {
    run("aws_sns");
}

#[test]
fn aws_eum() {
    run("aws_eum");
}

#[test]
fn okta() {
    run("okta");
}

#[test]
fn auth0() {
    run("auth0");
}

#[test]
fn azure_acs() {
    run("azure_acs");
}

#[test]
fn generic() {
    run("generic");
}

#[test]
fn other_vendors_pass_through_byte_for_byte() {
    run("other_vendors");
    let dir = crate::support::root().join("tests/fixtures");
    let a = std::fs::read(dir.join("other_vendors.ndjson")).expect("fixture");
    let b = std::fs::read(dir.join("other_vendors.expected.ndjson")).expect("golden");
    assert_eq!(a, b, "records of no SMS profile must come out unchanged");
}

#[test]
fn every_profile_is_detected_from_its_shape() {
    use pumpguard::json::Obj;
    use pumpguard::profiles::detect;
    use pumpguard::Profile;
    let dir = crate::support::root().join("tests/fixtures");
    for p in Profile::ALL {
        let text = std::fs::read_to_string(dir.join(format!("{}.ndjson", p.as_str()))).expect("fixture");
        let first = text.lines().next().expect("a line");
        let o = Obj::parse(first.as_bytes()).expect("json");
        assert_eq!(detect(&o), Some(p), "{}", p.as_str());
    }
}
