//! The server's standard input and output: LSP base-protocol framing (`Content-Length: N`, a blank
//! line, N bytes of JSON-RPC) with a size limit.
//!
//! `lsp-server`'s own stdio transport trusts the client's `Content-Length`: it allocates and zeroes a
//! buffer of that size before reading the body (a header of 10¹² bytes asks for a terabyte), and reads a
//! header line of any length. This reader refuses a message declared larger than [`max_message`] before
//! reading any of it, reads a header line of at most [`MAX_HEADER_LINE`] bytes, and grows the body's
//! buffer only as bytes arrive. Over a limit, the server stops with an error (the editor restarts it):
//! the refused message's body is not read, so nothing after it could be framed.
//!
//! The messages travel to and from [`crate::run`] over bounded channels, as in `lsp-server`'s transport.

use std::io::{self, BufRead, Read, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, bounded};
use indicia::limits::{RULE_FILE, format_size};
use lsp_server::{Connection, Message};

use crate::ServerError;

/// Longest header line read, its `\r\n` included (`Content-Length: 18446744073709551615` is 38 bytes).
pub const MAX_HEADER_LINE: u64 = 1024;

/// Largest message the server reads: four times the rule-file limit (256 MiB by default), so that a
/// document of a rule file under its limit fits whatever its JSON escaping costs; raised with it by
/// `--max-rule-file-size` (docs/limits.md).
pub fn max_message() -> u64 {
    RULE_FILE.get().saturating_mul(4)
}

/// Runs the server over standard input and output until the client sends `exit`. A message over the
/// limit, or input that is not the base protocol, stops it with that error.
pub fn run_stdio() -> Result<(), ServerError> {
    let (to_server, from_client) = bounded::<Message>(0);
    let (to_client, from_server) = bounded::<Message>(0);
    let (failed, failure) = std::sync::mpsc::channel::<io::Error>();
    let max = max_message();
    let reader = thread::Builder::new().name("indicia-lsp-reader".to_owned()).spawn(move || {
        if let Err(error) = read_messages(&mut io::stdin().lock(), &to_server, max) {
            // Sent before `to_server` is dropped, so the loop that sees the channel close finds it.
            let _ = failed.send(error);
        }
    })?;
    let writer = thread::Builder::new()
        .name("indicia-lsp-writer".to_owned())
        .spawn(move || write_messages(&from_server, &mut io::stdout().lock()))?;
    let served = crate::run(&Connection { sender: to_client, receiver: from_client });
    if let Ok(error) = failure.try_recv() {
        return Err(error.into());
    }
    served?;
    // The client sent `exit`: the reader has stopped; the writer stops once the server's sender is gone.
    let _ = reader.join();
    writer.join().map_err(|_| "the writer thread panicked")??;
    Ok(())
}

/// Reads messages from `input` and sends them on, until the input ends, the client sends `exit` or the
/// server stops listening.
pub fn read_messages(input: &mut impl BufRead, to_server: &Sender<Message>, max: u64) -> io::Result<()> {
    while let Some(message) = read_message(input, max)? {
        let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
        if to_server.send(message).is_err() || exit {
            break;
        }
    }
    Ok(())
}

fn write_messages(from_server: &Receiver<Message>, output: &mut impl Write) -> io::Result<()> {
    for message in from_server {
        message.write(output)?;
    }
    Ok(())
}

fn ended(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, message)
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message)
}

/// One message of the base protocol, or `None` when the input ends before one starts. A message
/// declared larger than `max` bytes is an error before any of its body is read.
pub fn read_message(input: &mut impl BufRead, max: u64) -> io::Result<Option<Message>> {
    let mut length: Option<u64> = None;
    let mut line = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        let read = input.by_ref().take(MAX_HEADER_LINE).read_until(b'\n', &mut line)?;
        if read == 0 {
            return if first { Ok(None) } else { Err(ended("the input ended inside a message's header".to_owned())) };
        }
        first = false;
        let Some(header) = line.strip_suffix(b"\r\n") else {
            return Err(invalid(if read as u64 >= MAX_HEADER_LINE {
                format!("a header line longer than {MAX_HEADER_LINE} bytes")
            } else {
                format!("a header line that does not end in \\r\\n: {:?}", String::from_utf8_lossy(&line))
            }));
        };
        if header.is_empty() {
            break;
        }
        let header = String::from_utf8_lossy(header);
        let Some((name, value)) = header.split_once(':') else {
            return Err(invalid(format!("a malformed header: {header:?}")));
        };
        if name.eq_ignore_ascii_case("Content-Length") {
            let value = value.trim();
            length =
                Some(value.parse().map_err(|_| invalid(format!("a Content-Length that is not a size: {value:?}")))?);
        }
    }
    let length = length.ok_or_else(|| invalid("a message without Content-Length".to_owned()))?;
    if length > max {
        return Err(invalid(format!(
            "a message of {length} bytes (its Content-Length) is larger than {}, the limit for a language-server message (4 × the rule-file limit; raise it with --max-rule-file-size)",
            format_size(max)
        )));
    }
    // The buffer grows as bytes arrive: a Content-Length with no body behind it costs nothing.
    let mut body = Vec::new();
    input.take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Err(ended(format!("the input ended inside a message ({} of its {length} bytes)", body.len())));
    }
    serde_json::from_slice(&body).map(Some).map_err(|e| invalid(format!("a message that is not JSON-RPC: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(input: &str, max: u64) -> Result<Option<Message>, String> {
        read_message(&mut input.as_bytes(), max).map_err(|e| e.to_string())
    }

    #[test]
    fn framing_and_its_limits() {
        let body = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let message = format!(
            "Content-Length: {}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{body}",
            body.len()
        );
        assert!(matches!(read(&message, 1024), Ok(Some(Message::Notification(n))) if n.method == "exit"));
        assert!(matches!(read("", 1024), Ok(None)));
        let huge = read("Content-Length: 1000000000000\r\n\r\n", 1 << 20).unwrap_err();
        assert!(huge.contains("1000000000000 bytes") && huge.contains("larger than 1 MiB"), "{huge}");
        let over = read(&message, body.len() as u64 - 1).unwrap_err();
        assert!(over.contains("larger than"), "{over}");
        let long = format!("X-Padding: {}\r\n", "x".repeat(2000));
        assert!(read(&long, 1024).unwrap_err().contains("longer than 1024 bytes"));
        assert!(
            read("Content-Length: 10\r\n\r\n{}", 1024)
                .unwrap_err()
                .contains("ended inside a message (2 of its 10 bytes)")
        );
        assert!(read("Content-Length: -1\r\n\r\n", 1024).unwrap_err().contains("not a size"));
        assert!(read("\r\n{}", 1024).unwrap_err().contains("without Content-Length"));
    }
}
