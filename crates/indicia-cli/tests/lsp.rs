//! The language server, headless: `tests/lsp/session.json` is sent to `indicia lsp` over its
//! standard input, and every message it sends back is compared with `tests/lsp/session.golden.json`
//! (see `tests/lsp/README.md`; `BLESS=1` rewrites the golden file).

#[cfg(test)]
mod tests {
    use std::io::{BufReader, Write as _};
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};

    use lsp_server::{Message, Notification, Request, RequestId};
    use serde_json::{Value, json};

    /// `indicia ARGS` (a language server) with its standard input and output piped to the test.
    fn server(args: &[&str], stderr: Stdio) -> Child {
        let mut command = Command::new(env!("CARGO_BIN_EXE_indicia"));
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(stderr);
        command.spawn().unwrap()
    }

    fn dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsp")
    }

    /// The UTF-16 position of the `plus`-th character after the `nth` occurrence of `find`.
    fn resolve(text: &str, find: &str, nth: usize, plus: usize) -> Value {
        let mut at = None;
        let mut from = 0;
        for _ in 0..=nth {
            let i = text[from..].find(find).unwrap_or_else(|| panic!("`{find}` (#{nth}) is not in the document"));
            at = Some(from + i);
            from += i + 1;
        }
        let start = at.unwrap();
        let offset = start + text[start..].chars().take(plus).map(char::len_utf8).sum::<usize>();
        let before = &text[..offset];
        let line = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let character: usize = text[line_start..offset].chars().map(char::len_utf16).sum();
        json!({"line": line, "character": character})
    }

    /// Replaces `$PACK` and `$FILE` in the step, and `{"find": …}` positions.
    struct Session {
        pack: PathBuf,
        uri: String,
        /// The last text the session sent for each document.
        texts: std::collections::HashMap<String, String>,
    }

    impl Session {
        /// The last text sent for a document, else its file's.
        fn document(&self, uri: &str) -> String {
            self.texts.get(uri).cloned().unwrap_or_else(|| self.file(uri))
        }

        /// The text of a document's file.
        fn file(&self, uri: &str) -> String {
            let rel = uri.strip_prefix("$PACK/").unwrap();
            std::fs::read_to_string(self.pack.join(rel)).unwrap()
        }

        /// The params as sent (placeholders filled) and as shown in the golden file.
        fn prepare(&mut self, params: &Value) -> (Value, Value) {
            let mut shown = params.clone();
            let doc = params.pointer("/textDocument/uri").and_then(Value::as_str).map(str::to_string);
            if let (Some(doc), Some(find)) = (&doc, params.pointer("/position/find")) {
                let text = self.document(doc);
                let nth = params.pointer("/position/nth").and_then(Value::as_u64).unwrap_or(0) as usize;
                let plus = params.pointer("/position/plus").and_then(Value::as_u64).unwrap_or(0) as usize;
                shown["position"] = resolve(&text, find.as_str().unwrap(), nth, plus);
            }
            let mut sent = serde_json::to_string(&shown).unwrap();
            if let Some(doc) = &doc {
                let file = self.file(doc);
                let body = serde_json::to_string(&file).unwrap();
                sent = sent.replace("$FILE", &body[1..body.len() - 1]);
            }
            sent = sent.replace("$PACK", &self.uri);
            let sent: Value = serde_json::from_str(&sent).unwrap();
            if let Some(doc) = &doc {
                let text = sent.pointer("/textDocument/text").or_else(|| sent.pointer("/contentChanges/0/text"));
                if let Some(text) = text.and_then(Value::as_str) {
                    self.texts.insert(doc.clone(), text.to_string());
                }
            }
            (sent, shown)
        }
    }

    /// The value with every object's keys in byte order (the server's maps have no fixed order).
    fn sorted(value: Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(String, Value)> = map.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }

    #[test]
    fn scripted_session_matches_its_golden_transcript() {
        let pack = dir().join("pack").canonicalize().unwrap();
        let uri = format!("file://{}", indicia_lsp::encode_path(pack.to_str().unwrap()));
        let mut session = Session { pack: pack.clone(), uri: uri.clone(), texts: Default::default() };
        let steps: Vec<Value> =
            serde_json::from_str(&std::fs::read_to_string(dir().join("session.json")).unwrap()).unwrap();
        let mut child = server(&["lsp"], Stdio::inherit());
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut transcript = Vec::new();
        for (n, step) in steps.iter().enumerate() {
            let method = step["method"].as_str().unwrap().to_string();
            let (params, shown) = session.prepare(&step.get("params").cloned().unwrap_or(Value::Null));
            let is_request =
                !matches!(method.as_str(), "initialized" | "exit") && !method.starts_with("textDocument/did");
            let awaited = if is_request { format!("{n}") } else { format!("sync-{n}") };
            let message = if is_request {
                Message::Request(Request { id: RequestId::from(awaited.clone()), method: method.clone(), params })
            } else {
                Message::Notification(Notification { method: method.clone(), params })
            };
            message.write(&mut stdin).unwrap();
            let mut received = Vec::new();
            if method == "exit" {
                drop(stdin);
                let status = child.wait().unwrap();
                assert!(status.success(), "the server exited with {status}");
                transcript.push(json!({"send": {"method": method}, "receive": received}));
                break;
            }
            if !is_request {
                let sync = Request {
                    id: RequestId::from(awaited.clone()),
                    method: "indicia/sync".into(),
                    params: Value::Null,
                };
                Message::Request(sync).write(&mut stdin).unwrap();
            }
            stdin.flush().unwrap();
            loop {
                let message = Message::read(&mut stdout).unwrap().expect("the server closed its output");
                let done = matches!(&message, Message::Response(r) if r.id == RequestId::from(awaited.clone()));
                if done && !is_request {
                    break;
                }
                received.push(sorted(serde_json::to_value(&message).unwrap()));
                if done {
                    break;
                }
            }
            let mut send = json!({"method": method});
            if let Some(note) = step.get("note") {
                send["note"] = note.clone();
            }
            if !shown.is_null() {
                send["params"] = shown;
            }
            transcript.push(json!({"send": send, "receive": received}));
        }
        assert!(child.wait().unwrap().success());
        let got = serde_json::to_string_pretty(&transcript).unwrap().replace(&uri, "$PACK") + "\n";
        let golden = dir().join("session.golden.json");
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(&golden, &got).unwrap();
            return;
        }
        let want = std::fs::read_to_string(&golden).unwrap_or_default();
        if got != want {
            let line = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "the session differs from {} from line {}:\n got: {}\nwant: {}\n(BLESS=1 rewrites it)",
                golden.display(),
                line + 1,
                got.lines().nth(line).unwrap_or(""),
                want.lines().nth(line).unwrap_or("")
            );
        }
    }

    /// The client's `Content-Length` is checked before any of the body is read or a buffer made for it
    /// (lsp-server's own transport allocated and zeroed that many bytes): over the limit (4 × the rule-file
    /// limit) the server stops at once, exit 1, and says why.
    #[test]
    fn a_message_over_the_limit_stops_the_server_before_it_is_read() {
        let cases: [(&[&str], &str, &str); 2] = [
            (&["lsp"], "Content-Length: 1000000000000\r\n\r\n", "larger than 256 MiB"),
            (&["--max-rule-file-size", "1K", "lsp"], "Content-Length: 4097\r\n\r\n{", "larger than 4 KiB"),
        ];
        for (args, header, limit) in cases {
            let mut child = server(args, Stdio::piped());
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(header.as_bytes()).unwrap();
            stdin.flush().unwrap();
            // Standard input stays open: the server stops on the header alone.
            let out = child.wait_with_output().unwrap();
            drop(stdin);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
            assert!(
                stderr.contains(limit) && stderr.contains("the limit for a language-server message"),
                "{args:?}: {stderr}"
            );
        }
    }
}
