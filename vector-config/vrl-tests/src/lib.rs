//! Runs the shipped `vector-config/` without a Vector binary (none is installable here): the
//! `remap` and `route` transforms of `vector.yaml` are compiled with the `vrl` crate at the
//! version Vector 0.59 ships, wired as the file wires them, and the file's own `tests:` section
//! (`vector test` cases) is executed with the semantics of Vector's unit-test sink.
//!
//! What this covers: the VRL programs and route conditions exactly as Vector compiles and runs
//! them, and the transform graph between them. What it does not: sources, sinks, buffers and
//! acknowledgements, which only a Vector binary runs (`vector validate` / `vector test`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_yaml::Value as Yaml;
use vrl::compiler::state::{ExternalEnv, RuntimeState};
use vrl::compiler::{Context, Program, TargetValue, TimeZone, TypeState};
use vrl::value::kind::Collection;
use vrl::value::{KeyString, Kind, Secrets, Value};

/// The `vector-config/` folder.
pub fn config_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// `vector.yaml`, parsed.
pub fn load_yaml() -> Result<Yaml, String> {
    let path = config_dir().join("vector.yaml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_yaml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The two type environments a program must compile in without errors or warnings: the most
/// general one (`vrl::compiler::compile`'s default) and the one Vector derives for sources with
/// `decoding.codec: bytes` in the legacy namespace, where `.message` is known to be bytes.
/// A `!` or `??` that is needed in one and redundant in the other shows up here.
pub fn environments() -> Vec<(&'static str, ExternalEnv)> {
    let mut fields = BTreeMap::new();
    fields.insert("message".into(), Kind::bytes());
    fields.insert("source_type".into(), Kind::bytes());
    fields.insert("timestamp".into(), Kind::timestamp());
    let mut bytes_source = Collection::from(fields);
    bytes_source.set_unknown(Kind::any());
    vec![
        ("any event", ExternalEnv::default()),
        (
            "bytes-decoded event",
            ExternalEnv::new_with_kind(Kind::object(bytes_source), Kind::any_object()),
        ),
    ]
}

/// Compiles `source` in every environment; every diagnostic (warnings too) is an error.
pub fn compile(what: &str, source: &str) -> Result<Program, String> {
    let fns = vrl::stdlib::all();
    let mut program = None;
    let mut problems = String::new();
    for (env_name, env) in environments() {
        let state = TypeState {
            local: Default::default(),
            external: env,
        };
        match vrl::compiler::compile_with_state(source, &fns, &state, Default::default()) {
            Ok(result) => {
                if !result.warnings.is_empty() {
                    let text = vrl::diagnostic::Formatter::new(source, result.warnings).to_string();
                    let _ = writeln!(problems, "{what} ({env_name}): warnings:\n{text}");
                }
                program.get_or_insert(result.program);
            }
            Err(diags) => {
                let text = vrl::diagnostic::Formatter::new(source, diags).to_string();
                let _ = writeln!(problems, "{what} ({env_name}): does not compile:\n{text}");
            }
        }
    }
    match program {
        Some(p) if problems.is_empty() => Ok(p),
        _ => Err(problems),
    }
}

/// Runs `program` on `event` the way Vector's remap does; `Err` carries VRL's message.
pub fn run(program: &Program, event: &mut Value) -> Result<Value, String> {
    let mut target = TargetValue {
        value: event.clone(),
        metadata: Value::Object(BTreeMap::new()),
        secrets: Secrets::default(),
    };
    let mut state = RuntimeState::default();
    let tz = TimeZone::default();
    let mut ctx = Context::new(&mut target, &mut state, &tz);
    let out = program.resolve(&mut ctx).map_err(|e| e.to_string())?;
    *event = target.value;
    Ok(out)
}

/// A log event as Vector's `raw` unit-test input (and a `bytes` decoder) makes it.
pub fn raw_event(line: &str) -> Value {
    let mut map = BTreeMap::<KeyString, Value>::new();
    map.insert("message".into(), Value::Bytes(line.as_bytes().to_vec().into()));
    Value::Object(map)
}

enum Transform {
    /// `drop_on_error: false` (the default): on a runtime error the event goes on unchanged.
    Remap(Box<Program>),
    /// Named conditions in file order; `_unmatched` gets what none matched.
    Route(Vec<(String, Program)>),
}

struct Node {
    id: String,
    inputs: Vec<String>,
    transform: Transform,
}

/// The transforms of `vector.yaml`, compiled, with their wiring.
pub struct Pipeline {
    nodes: Vec<Node>,
}

fn str_of<'a>(y: &'a Yaml, key: &str) -> Option<&'a str> {
    y.get(key).and_then(Yaml::as_str)
}

fn inputs_of(y: &Yaml) -> Vec<String> {
    y.get("inputs")
        .and_then(Yaml::as_sequence)
        .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default()
}

/// The VRL of a remap: inline `source`, or `file` relative to `vector-config/` (Vector reads it
/// relative to its working directory; the README runs Vector from that folder).
pub fn remap_source(t: &Yaml) -> Result<String, String> {
    if let Some(src) = str_of(t, "source") {
        return Ok(src.to_owned());
    }
    let file = str_of(t, "file").ok_or("remap has neither source nor file")?;
    let path = config_dir().join(file);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

impl Pipeline {
    /// Compiles every `remap` and `route` transform of the parsed file.
    pub fn load(yaml: &Yaml) -> Result<Pipeline, String> {
        let transforms = yaml
            .get("transforms")
            .and_then(Yaml::as_mapping)
            .ok_or("no transforms")?;
        let mut nodes = Vec::new();
        let mut problems = String::new();
        for (id, t) in transforms {
            let id = id.as_str().ok_or("transform id is not a string")?.to_owned();
            let transform = match str_of(t, "type") {
                Some("remap") => match remap_source(t).and_then(|s| compile(&id, &s)) {
                    Ok(p) => Transform::Remap(Box::new(p)),
                    Err(e) => {
                        problems.push_str(&e);
                        continue;
                    }
                },
                Some("route") => {
                    let mut routes = Vec::new();
                    let table = t
                        .get("route")
                        .and_then(Yaml::as_mapping)
                        .ok_or("route without routes")?;
                    for (name, cond) in table {
                        let name = name.as_str().ok_or("route name is not a string")?;
                        if str_of(cond, "type") != Some("vrl") {
                            problems.push_str(&format!(
                                "{id}.{name}: only `type: vrl` conditions are checked here\n"
                            ));
                            continue;
                        }
                        let src = str_of(cond, "source").ok_or("condition without source")?;
                        match compile(&format!("{id}.{name}"), src) {
                            Ok(p) => routes.push((name.to_owned(), p)),
                            Err(e) => problems.push_str(&e),
                        }
                    }
                    Transform::Route(routes)
                }
                other => {
                    return Err(format!(
                        "{id}: transform type {other:?} is not run by this harness"
                    ));
                }
            };
            nodes.push(Node {
                id,
                inputs: inputs_of(t),
                transform,
            });
        }
        if problems.is_empty() {
            Ok(Pipeline { nodes })
        } else {
            Err(problems)
        }
    }

    /// The output names of every transform (`remap` id, `route.branch`, `route._unmatched`).
    pub fn outputs(&self) -> Vec<String> {
        let mut out = Vec::new();
        for n in &self.nodes {
            match &n.transform {
                Transform::Remap(_) => out.push(n.id.clone()),
                Transform::Route(routes) => {
                    out.extend(routes.iter().map(|(r, _)| format!("{}.{r}", n.id)));
                    out.push(format!("{}._unmatched", n.id));
                }
            }
        }
        out
    }

    /// Sends `event` into transform `at` and follows it through every downstream transform.
    /// Returns every transform output's events.
    pub fn send(&self, at: &str, event: Value) -> Result<BTreeMap<String, Vec<Value>>, String> {
        let mut seen = BTreeMap::new();
        let node = self
            .nodes
            .iter()
            .find(|n| n.id == at)
            .ok_or_else(|| format!("no transform {at}"))?;
        self.step(node, event, &mut seen, 0)?;
        Ok(seen)
    }

    fn step(
        &self,
        node: &Node,
        mut event: Value,
        seen: &mut BTreeMap<String, Vec<Value>>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > self.nodes.len() {
            return Err("the transforms form a cycle".into());
        }
        let output = match &node.transform {
            Transform::Remap(p) => {
                let before = event.clone();
                if run(p, &mut event).is_err() {
                    event = before;
                }
                node.id.clone()
            }
            Transform::Route(routes) => {
                let mut hits = Vec::new();
                for (name, p) in routes {
                    let mut probe = event.clone();
                    if run(p, &mut probe) == Ok(Value::Boolean(true)) {
                        hits.push(format!("{}.{name}", node.id));
                    }
                }
                if hits.is_empty() {
                    hits.push(format!("{}._unmatched", node.id));
                }
                for out in &hits[..hits.len() - 1] {
                    self.emit(out, event.clone(), seen, depth)?;
                }
                hits.pop().unwrap_or_default()
            }
        };
        self.emit(&output, event, seen, depth)
    }

    fn emit(
        &self,
        output: &str,
        event: Value,
        seen: &mut BTreeMap<String, Vec<Value>>,
        depth: usize,
    ) -> Result<(), String> {
        seen.entry(output.to_owned()).or_default().push(event.clone());
        for next in self.nodes.iter().filter(|n| n.inputs.iter().any(|i| i == output)) {
            self.step(next, event.clone(), seen, depth + 1)?;
        }
        Ok(())
    }
}

/// Runs the `tests:` section of `vector.yaml` with the semantics of Vector's unit-test sink:
/// every listed output must receive at least one event, each condition must hold for at least
/// one of them, and `no_outputs_from` outputs must receive none. Returns one line per failure.
pub fn run_unit_tests(yaml: &Yaml, pipeline: &Pipeline) -> Result<usize, String> {
    let tests = yaml
        .get("tests")
        .and_then(Yaml::as_sequence)
        .ok_or("no tests section")?;
    let mut failures = String::new();
    for test in tests {
        let name = str_of(test, "name").unwrap_or("(unnamed)");
        let mut seen: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for input in test
            .get("inputs")
            .and_then(Yaml::as_sequence)
            .into_iter()
            .flatten()
        {
            let at = str_of(input, "insert_at").ok_or_else(|| format!("{name}: input without insert_at"))?;
            let event = match str_of(input, "type") {
                Some("raw") => raw_event(str_of(input, "value").unwrap_or_default()),
                other => return Err(format!("{name}: input type {other:?} is not run by this harness")),
            };
            for (out, events) in pipeline.send(at, event)? {
                seen.entry(out).or_default().extend(events);
            }
        }
        for output in test
            .get("outputs")
            .and_then(Yaml::as_sequence)
            .into_iter()
            .flatten()
        {
            let from = str_of(output, "extract_from")
                .ok_or_else(|| format!("{name}: output without extract_from"))?;
            let events = seen.get(from).map(Vec::as_slice).unwrap_or_default();
            if events.is_empty() {
                let _ = writeln!(failures, "{name}: no events from {from}");
                continue;
            }
            for cond in output
                .get("conditions")
                .and_then(Yaml::as_sequence)
                .into_iter()
                .flatten()
            {
                let src =
                    str_of(cond, "source").ok_or_else(|| format!("{name}: condition without source"))?;
                let program = compile(&format!("{name} condition"), src)?;
                let holds = events
                    .iter()
                    .any(|e| run(&program, &mut e.clone()) == Ok(Value::Boolean(true)));
                if !holds {
                    let _ = writeln!(
                        failures,
                        "{name}: `{src}` holds for no event from {from}: {events:?}"
                    );
                }
            }
        }
        for from in test
            .get("no_outputs_from")
            .and_then(Yaml::as_sequence)
            .into_iter()
            .flatten()
        {
            let from = from.as_str().unwrap_or_default();
            if seen.get(from).is_some_and(|e| !e.is_empty()) {
                let _ = writeln!(
                    failures,
                    "{name}: expected no events from {from}, got {:?}",
                    seen[from]
                );
            }
        }
    }
    if failures.is_empty() {
        Ok(tests.len())
    } else {
        Err(failures)
    }
}

/// Converts a VRL value to JSON the way Vector's `json` codec writes it.
pub fn to_json(v: &Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}
