//! The peer engines, each prebuilt once and driven the same way: construction (compile the
//! policy), parsing evidence JSON into the engine's input form, and evaluating a prebuilt engine
//! over pre-parsed input. Shared by `benches/peers.rs` and `tests/peers_agree.rs` (included with
//! `#[path]`).
//!
//! - [`RegoPeer`]: regorus' interpreter over one Rego translation ([`THREE_VALUED`],
//!   `tw_mabis.rego`, or [`TWO_VALUED`], `tw_mabis_fail.rego`, written for speed: it says which
//!   indicators fail, nothing more); the engine is built and prepared once, and each app only sets
//!   the input and evaluates the translation's entry point.
//! - [`RvmPeer`]: the same translation compiled once to regorus' Rego virtual machine (RVM)
//!   bytecode; each app only sets the input and executes.
//! - [`CelPeer`]: the `cel` crate over `tw_mabis.cel`: 15 programs compiled once, the const sets
//!   bound once in a root context; each app is bound in a child scope by reference.

#![allow(dead_code)]

use std::collections::BTreeMap;

/// A Rego translation of the pack: its file name, its source and the rule that holds its answer.
pub struct Policy {
    /// The file name, for regorus' messages.
    pub file: &'static str,
    /// The Rego source.
    pub source: &'static str,
    /// The rule that holds the answer.
    pub entry: &'static str,
}

/// The three-valued translation: `data.tw_mabis.verdicts`, an object from indicator id to verdict.
pub const THREE_VALUED: Policy =
    Policy { file: "tw_mabis.rego", source: include_str!("tw_mabis.rego"), entry: "data.tw_mabis.verdicts" };

/// The two-valued translation, written for speed: `data.tw_mabis_fail.failed`, the set of the ids
/// of the indicators that fail.
pub const TWO_VALUED: Policy = Policy {
    file: "tw_mabis_fail.rego",
    source: include_str!("tw_mabis_fail.rego"),
    entry: "data.tw_mabis_fail.failed",
};

/// The CEL translation.
pub const CEL_SOURCE: &str = include_str!("tw_mabis.cel");

/// Indicator id → `"fail"`, `"pass"` or `"inconclusive"`.
pub type Verdicts = BTreeMap<String, String>;

// ---- regorus, interpreter ------------------------------------------------------------------------------

/// regorus' interpreter with one translation loaded and prepared.
#[derive(Clone)]
pub struct RegoPeer {
    engine: regorus::Engine,
    entry: &'static str,
}

impl RegoPeer {
    /// The three-valued translation (see [`RegoPeer::with`]).
    pub fn new() -> Result<RegoPeer, String> {
        RegoPeer::with(&THREE_VALUED)
    }

    /// Parses and prepares `policy` (one warm-up evaluation, so that regorus' lazy preparation is
    /// part of construction, not of the first app).
    pub fn with(policy: &Policy) -> Result<RegoPeer, String> {
        let mut engine = regorus::Engine::new();
        engine.add_policy(policy.file.to_string(), policy.source.to_string()).map_err(|e| e.to_string())?;
        engine.set_input(
            regorus::Value::from_json_str(r#"{"app":{"id":"warm-up"},"facts":{}}"#).map_err(|e| e.to_string())?,
        );
        engine.eval_rule(policy.entry.to_string()).map_err(|e| e.to_string())?;
        Ok(RegoPeer { engine, entry: policy.entry })
    }

    /// Evidence JSON → regorus' input value.
    pub fn parse(json: &[u8]) -> Result<regorus::Value, String> {
        let text = std::str::from_utf8(json).map_err(|e| e.to_string())?;
        regorus::Value::from_json_str(text).map_err(|e| e.to_string())
    }

    /// Evaluates the entry point for one pre-parsed app (cloning a value is a reference count).
    pub fn eval(&mut self, input: &regorus::Value) -> Result<regorus::Value, String> {
        self.engine.set_input(input.clone());
        self.engine.eval_rule(self.entry.to_string()).map_err(|e| e.to_string())
    }
}

/// Reads the verdicts object that the Rego policy and the RVM return.
pub fn rego_verdicts(value: &regorus::Value) -> Result<Verdicts, String> {
    let object = value.as_object().map_err(|e| e.to_string())?;
    object
        .iter()
        .map(|(k, v)| {
            let id = k.as_string().map_err(|e| e.to_string())?.to_string();
            let verdict = v.as_string().map_err(|e| e.to_string())?.to_string();
            Ok((id, verdict))
        })
        .collect()
}

// ---- regorus, RVM ----------------------------------------------------------------------------------------

/// One translation compiled to RVM bytecode, loaded in a VM that is reused for every app.
pub struct RvmPeer {
    vm: regorus::rvm::vm::RegoVM,
}

impl RvmPeer {
    /// The three-valued translation (see [`RvmPeer::with`]).
    pub fn new() -> Result<RvmPeer, String> {
        RvmPeer::with(&THREE_VALUED)
    }

    /// Parses `policy`, compiles it with its entry point, and loads the program into a VM.
    pub fn with(policy: &Policy) -> Result<RvmPeer, String> {
        let mut engine = regorus::Engine::new();
        engine.add_policy(policy.file.to_string(), policy.source.to_string()).map_err(|e| e.to_string())?;
        let entry: regorus::Rc<str> = policy.entry.into();
        let compiled = engine.compile_with_entrypoint(&entry).map_err(|e| e.to_string())?;
        let program = regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[policy.entry])
            .map_err(|e| e.to_string())?;
        let mut vm = regorus::rvm::vm::RegoVM::new();
        // The default budget (25,000 instructions) stops the three-valued policy on a ~200-fact app.
        vm.set_max_instructions(usize::MAX);
        vm.load_program(program);
        Ok(RvmPeer { vm })
    }

    /// Executes the program for one pre-parsed app.
    pub fn eval(&mut self, input: &regorus::Value) -> Result<regorus::Value, String> {
        self.vm.set_input(input.clone());
        self.vm.execute().map_err(|e| e.to_string())
    }
}

/// The ids in the set that the two-valued translation returns.
pub fn rego_failed(value: &regorus::Value) -> Result<std::collections::BTreeSet<String>, String> {
    let set = value.as_set().map_err(|e| e.to_string())?;
    set.iter().map(|id| Ok(id.as_string().map_err(|e| e.to_string())?.to_string())).collect()
}

/// The ids of the failed indicators among `verdicts`.
pub fn failed_ids(verdicts: &Verdicts) -> std::collections::BTreeSet<String> {
    verdicts.iter().filter(|(_, v)| *v == "fail").map(|(id, _)| id.clone()).collect()
}

// ---- CEL -------------------------------------------------------------------------------------------------

/// The 15 CEL programs and a root context holding the const sets.
pub struct CelPeer {
    root: cel::Context<'static, 'static>,
    programs: Vec<(String, cel::Program)>,
}

/// Binds the pre-parsed evidence to the variable `ev`, by reference.
struct EvidenceBinding<'a> {
    ev: &'a dyn cel::common::value::Val,
}

impl cel::context::VariableResolver for EvidenceBinding<'_> {
    fn resolve<'b>(&'b self, variable: &str) -> Option<cel::common::value::CowVal<'b, 'b>> {
        (variable == "ev").then(|| cel::common::value::CowVal::Borrowed(self.ev))
    }
}

/// CEL's input form: the evidence as a CEL value.
pub type CelInput = Box<dyn cel::common::value::Val>;

impl CelPeer {
    /// Reads `tw_mabis.cel`, expands its `let`s, compiles every indicator and binds the sets.
    pub fn new() -> Result<CelPeer, String> {
        let file = CelFile::parse(CEL_SOURCE)?;
        let mut root = cel::Context::default();
        for (name, items) in &file.sets {
            let set: std::collections::HashMap<String, bool> = items.iter().map(|s| (s.clone(), true)).collect();
            root.add_variable(name.clone(), set).map_err(|e| format!("set {name}: {e}"))?;
        }
        let mut programs = Vec::new();
        for (id, text) in &file.indicators {
            let expanded = file.expand(text, 0)?;
            let program = cel::Program::compile(&expanded).map_err(|e| format!("indicator {id}: {e}"))?;
            programs.push((id.clone(), program));
        }
        Ok(CelPeer { root, programs })
    }

    /// Evidence JSON → a CEL value, through serde_json's value (the `cel` crate has no JSON reader
    /// of its own).
    pub fn parse(json: &[u8]) -> Result<CelInput, String> {
        let value: serde_json::Value = serde_json::from_slice(json).map_err(|e| e.to_string())?;
        let value = cel::to_value(&value).map_err(|e| e.to_string())?;
        CelInput::try_from(value).map_err(|e| e.to_string())
    }

    /// Runs the 15 programs over one pre-parsed app.
    pub fn eval(&self, input: &CelInput) -> Result<Vec<cel::Value>, String> {
        let binding = EvidenceBinding { ev: input.as_ref() };
        let root: &cel::Context<'_, '_> = &self.root;
        let mut scope = root.new_inner_scope();
        scope.set_variable_resolver(&binding);
        self.programs.iter().map(|(id, program)| program.execute(&scope).map_err(|e| format!("{id}: {e}"))).collect()
    }

    /// The verdicts of [`CelPeer::eval`]'s values.
    pub fn verdicts(&self, values: &[cel::Value]) -> Result<Verdicts, String> {
        self.programs
            .iter()
            .zip(values)
            .map(|((id, _), value)| match value {
                cel::Value::String(s) => Ok((id.clone(), s.to_string())),
                other => Err(format!("{id}: expected a string, got {other:?}")),
            })
            .collect()
    }
}

/// `tw_mabis.cel`, read: its sets, lets and indicators.
struct CelFile {
    sets: Vec<(String, Vec<String>)>,
    lets: BTreeMap<String, String>,
    indicators: Vec<(String, String)>,
}

impl CelFile {
    fn parse(source: &str) -> Result<CelFile, String> {
        // Declarations start at column 0; indented lines continue the one above.
        let mut decls: Vec<String> = Vec::new();
        for line in source.lines() {
            if line.trim().is_empty() || line.trim_start().starts_with('#') {
                continue;
            }
            if line.starts_with(char::is_whitespace) {
                let last = decls.last_mut().ok_or("continuation line before any declaration")?;
                last.push('\n');
                last.push_str(line);
            } else {
                decls.push(line.to_string());
            }
        }
        let mut file = CelFile { sets: Vec::new(), lets: BTreeMap::new(), indicators: Vec::new() };
        for decl in decls {
            let (head, body) = decl.split_once('=').ok_or_else(|| format!("no `=` in `{decl}`"))?;
            let body = body.trim().to_string();
            if let Some(name) = head.strip_prefix("set ") {
                let items: Vec<String> = serde_json::from_str(&body).map_err(|e| format!("set {name}: {e}"))?;
                file.sets.push((name.trim().to_string(), items));
            } else if let Some(name) = head.strip_prefix("let ") {
                file.lets.insert(name.trim().to_string(), body);
            } else if let Some(id) = head.strip_prefix("indicator ") {
                file.indicators.push((id.trim().trim_matches('"').to_string(), body));
            } else {
                return Err(format!("unknown declaration `{head}`"));
            }
        }
        Ok(file)
    }

    /// Replaces every `${name}` by `(the let's expansion)`.
    fn expand(&self, text: &str, depth: usize) -> Result<String, String> {
        if depth > 16 {
            return Err("`let`s nest too deep (a cycle?)".to_string());
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after.find('}').ok_or("unclosed `${`")?;
            let name = &after[..end];
            let body = self.lets.get(name).ok_or_else(|| format!("unknown let `{name}`"))?;
            out.push('(');
            out.push_str(&self.expand(body, depth + 1)?);
            out.push(')');
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}
