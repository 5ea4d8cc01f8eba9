//! `editors/vscode`: the manifest, the language configuration and the TextMate grammar are valid
//! JSON, the manifest points at files that exist, and the grammar highlights every reserved word
//! of the language (`ast::RESERVED`) as a keyword or a language constant. A keyword added to the
//! language fails this test until the grammar names it.

use std::path::{Path, PathBuf};

use indicia_syntax::ast::RESERVED;
use serde_json::Value;

fn editor() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("editors/vscode")
}

fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The words of every `\b(a|b|c)\b` alternation in a TextMate `match`.
fn alternation_words(pattern: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = pattern;
    while let Some(at) = rest.find("\\b(") {
        rest = &rest[at + 3..];
        let Some(close) = rest.find(')') else { break };
        let body = &rest[..close];
        let bounded = rest[close + 1..].starts_with("\\b");
        if bounded && body.split('|').all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            words.extend(body.split('|').map(str::to_string));
        }
    }
    words
}

#[test]
fn manifest_and_configuration_are_valid() {
    let manifest = json(&editor().join("package.json"));
    let language = &manifest["contributes"]["languages"][0];
    assert_eq!(language["id"], "indicia");
    assert_eq!(language["extensions"][0], ".ind");
    let configuration = language["configuration"].as_str().unwrap();
    let config = json(&editor().join(configuration));
    assert_eq!(config["comments"]["lineComment"], "#");
    let grammar = &manifest["contributes"]["grammars"][0];
    assert_eq!(grammar["scopeName"], "source.indicia");
    let path = editor().join(grammar["path"].as_str().unwrap());
    assert_eq!(json(&path)["scopeName"], "source.indicia");
    assert!(editor().join(manifest["main"].as_str().unwrap()).is_file());
}

#[test]
fn grammar_highlights_every_reserved_word() {
    let grammar = json(&editor().join("syntaxes/indicia.tmLanguage.json"));
    let repository = grammar["repository"].as_object().unwrap();
    // Every top-level include names a repository entry.
    for include in grammar["patterns"].as_array().unwrap() {
        let name = include["include"].as_str().unwrap().trim_start_matches('#');
        assert!(repository.contains_key(name), "`#{name}` is not in the repository");
    }
    let mut highlighted: Vec<String> = Vec::new();
    for (name, rule) in repository {
        let Some(pattern) = rule["match"].as_str() else { continue };
        let scope = rule["name"].as_str().or_else(|| rule["captures"]["1"]["name"].as_str()).unwrap_or("");
        if scope.starts_with("keyword.") || scope.starts_with("constant.language") {
            highlighted.extend(alternation_words(pattern));
        } else {
            assert!(
                alternation_words(pattern).iter().all(|w| !RESERVED.contains(&w.as_str())),
                "rule `{name}` ({scope}) highlights a reserved word as something else"
            );
        }
    }
    let missing: Vec<&&str> = RESERVED.iter().filter(|w| !highlighted.iter().any(|h| h == *w)).collect();
    assert!(missing.is_empty(), "reserved words the grammar does not highlight: {missing:?}");
}
