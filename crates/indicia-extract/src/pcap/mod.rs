//! Packet captures (pcap, pcapng) → `flow` facts, one per destination as the HAR reader makes them.
//!
//! A destination is named by the ClientHello's SNI, else the HTTP `Host`, else the name the capture's
//! own DNS answers give its address, else the address itself. `bytes_out` counts the transport payload
//! the device sent (TCP reassembled, so a retransmission is not counted twice). When PCAPdroid's dump
//! extensions name the app of each packet, only the scanned app's packets make flows.

mod capture;
mod flows;
mod pcapdroid;

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::Options;
use crate::archive::read_file;
use crate::error::ExtractError;
use crate::evidence::{Kind, Partial};
use crate::har::Detectors;
use capture::Capture;
use flows::{Conn, Proto, Traffic};
use pcapdroid::AppTag;

/// Which packets of a capture with PCAPdroid's app attribution belong to the scanned app.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Selection {
    /// No attribution in the capture: every packet counts.
    Unattributed,
    /// These UIDs are the scanned app's.
    Uids(BTreeSet<i32>),
    /// Attribution is present but no app was named to pick.
    NoAppNamed,
    /// Attribution is present and none of it is the named app.
    NotFound,
}

/// The apps a capture attributes packets to: UID → names (package and/or app name).
fn attributed_apps(capture: &Capture<'_>) -> BTreeMap<i32, BTreeSet<String>> {
    let mut apps: BTreeMap<i32, BTreeSet<String>> = BTreeMap::new();
    for frame in &capture.frames {
        match &frame.app {
            Some(AppTag::Trailer { uid, name }) => {
                apps.entry(*uid).or_default().insert(name.clone());
            }
            Some(AppTag::Uid(uid)) => {
                let names = apps.entry(*uid).or_default();
                if let Some((package, name)) = capture.uid_names.get(uid) {
                    names.insert(package.clone());
                    names.insert(name.clone());
                }
            }
            None => {}
        }
    }
    apps
}

/// Whether a name PCAPdroid wrote is the app `wanted` (a package id or an app name, compared whole or,
/// for the trailer's 19-byte field, as a cut prefix).
fn names_app(written: &str, wanted: &str) -> bool {
    !written.is_empty()
        && (written == wanted || (written.len() == 19 && wanted.len() > 19 && wanted.starts_with(written)))
}

fn select(capture: &Capture<'_>, wanted: &[&str]) -> Selection {
    let apps = attributed_apps(capture);
    if apps.is_empty() {
        return Selection::Unattributed;
    }
    if wanted.is_empty() {
        return Selection::NoAppNamed;
    }
    let uids: BTreeSet<i32> = apps
        .iter()
        .filter(|(uid, names)| {
            wanted.iter().any(|w| names.iter().any(|n| names_app(n, w)) || w.parse::<i32>().ok() == Some(**uid))
        })
        .map(|(uid, _)| *uid)
        .collect();
    if uids.is_empty() { Selection::NotFound } else { Selection::Uids(uids) }
}

fn describe_apps(capture: &Capture<'_>) -> String {
    let list: Vec<String> = attributed_apps(capture)
        .into_iter()
        .map(|(uid, names)| format!("{uid} ({})", names.into_iter().collect::<Vec<_>>().join(", ")))
        .collect();
    list.join("; ")
}

/// Reads a packet capture. `apps` names the scanned app (package id, app name or Android UID) for
/// captures where PCAPdroid attributes packets to apps; it is ignored for captures without attribution.
pub fn extract_pcap(path: &Path, options: &Options, apps: &[&str]) -> Result<Partial, ExtractError> {
    let bytes = read_file(path, options.limits.max_capture)?;
    read_pcap(&path.display().to_string(), &bytes, options, apps)
}

/// Reads a packet capture held in memory; `source` names it in messages and in the partial.
pub fn read_pcap(source: &str, bytes: &[u8], options: &Options, apps: &[&str]) -> Result<Partial, ExtractError> {
    let capture = capture::read(bytes)
        .map_err(|e| ExtractError::new(source, format!("at offset {}: {}", e.offset, e.problem)))?;
    if let Some(frame) = capture.frames.iter().find(|f| !flows::supported(f.link)) {
        return Err(ExtractError::new(
            source,
            format!(
                "at offset {}: link type {} is not supported (Ethernet, BSD loopback, raw IP and Linux cooked capture are)",
                frame.offset, frame.link.0
            ),
        ));
    }
    let shown = source.to_owned();
    let selection = select(&capture, apps);
    let mut partial = Partial::new(shown.clone(), &[Kind::Flow]);
    match &selection {
        Selection::Unattributed => partial.warnings.push(format!(
            "{shown}: the capture does not say which app sent each packet; every flow in it is counted as the app's"
        )),
        Selection::NoAppNamed => {
            partial.collected.clear();
            partial.warnings.push(format!(
                "{shown}: PCAPdroid names the app of each packet, but no app was named to pick (give --app-id); flows not read. Apps in the capture: {}",
                describe_apps(&capture)
            ));
            return Ok(partial);
        }
        Selection::NotFound => {
            partial.collected.clear();
            partial.warnings.push(format!(
                "{shown}: PCAPdroid names the app of each packet, and none is {}; flows not read. Apps in the capture: {}",
                apps.join(" or "),
                describe_apps(&capture)
            ));
            return Ok(partial);
        }
        Selection::Uids(_) => {}
    }
    let mut traffic = Traffic::default();
    for frame in &capture.frames {
        let selected = match &selection {
            Selection::Uids(uids) => frame.app.as_ref().is_some_and(|a| uids.contains(&a.uid())),
            _ => true,
        };
        traffic.packet(frame.link, frame.data, selected);
    }
    if traffic.undecoded > 0 {
        partial.warnings.push(format!(
            "{shown}: {} of {} packets were not IP over TCP or UDP (or were malformed) and were skipped",
            traffic.undecoded,
            capture.frames.len()
        ));
    }
    if traffic.dropped > 0 {
        partial.warnings.push(format!(
            "{shown}: more than {} connections; packets of {} further ones were skipped",
            flows::MAX_CONNECTIONS,
            traffic.dropped
        ));
    }
    let detectors = if traffic.list.iter().any(|c| c.hello.request.is_some()) {
        Some(Detectors::new(options.clipboard_canary.as_deref()).map_err(|e| ExtractError::new(source, e))?)
    } else {
        None
    };
    for fact in destinations(&traffic, options, detectors.as_ref())? {
        partial.push(Kind::Flow, fact);
    }
    Ok(partial)
}

/// One destination: the flows to one (host, port, TLS).
#[derive(Default)]
struct Dest {
    ip: Option<IpAddr>,
    bytes_out: u64,
    /// Data types seen, when every connection's content was readable (plain HTTP).
    data: Option<BTreeSet<&'static str>>,
}

fn destinations(
    traffic: &Traffic,
    options: &Options,
    detectors: Option<&Detectors>,
) -> Result<Vec<Value>, ExtractError> {
    let trackers = options.trackers()?;
    let mut dests: BTreeMap<(String, u16, Option<bool>), Dest> = BTreeMap::new();
    let mut order: Vec<&Conn> = traffic.list.iter().filter(|c| c.selected && !c.is_infrastructure()).collect();
    order.sort_by_key(|c| c.order);
    for conn in order {
        let (server_ip, port) = conn.server;
        let host = conn
            .hello
            .name
            .clone()
            .or_else(|| traffic.dns.get(&server_ip).cloned())
            .unwrap_or_else(|| server_ip.to_string());
        let tls = conn.hello.tls;
        let seen = dests.contains_key(&(host.clone(), port, tls));
        let dest = dests.entry((host.clone(), port, tls)).or_default();
        dest.ip.get_or_insert(server_ip);
        dest.bytes_out = dest.bytes_out.saturating_add(conn.bytes_out());
        let found = match (&conn.hello.request, conn.proto, detectors) {
            (Some((target, body)), Proto::Tcp, Some(detectors)) => {
                let url = format!("http://{host}{target}");
                let body = String::from_utf8_lossy(body);
                Some(detectors.detect(&url, Some(&body), &[]))
            }
            _ => None,
        };
        dest.data = match (seen, dest.data.take(), found) {
            (false, _, found) => found,
            (true, Some(mut have), Some(found)) => {
                have.extend(found);
                Some(have)
            }
            (true, _, _) => None,
        };
    }
    let mut out = Vec::with_capacity(dests.len());
    for ((host, port, tls), dest) in dests {
        let mut m = Map::new();
        m.insert("host".into(), json!(host));
        if let Some(ip) = dest.ip {
            m.insert("ip".into(), json!(ip.to_string()));
            if let Some(country) = options.countries.as_ref().and_then(|c| c.lookup(&host, Some(ip))) {
                m.insert("country".into(), json!(country));
            }
        }
        m.insert("port".into(), json!(port));
        if let Some(tls) = tls {
            m.insert("tls".into(), json!(tls));
        }
        m.insert("bytes_out".into(), json!(dest.bytes_out));
        if let Some(data) = dest.data {
            m.insert("data".into(), json!(data.iter().collect::<Vec<_>>()));
        }
        if let Some(sig) = trackers.match_host(&host) {
            m.insert("sdk".into(), json!(sig.id));
        }
        out.push(Value::Object(m));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_names() {
        assert!(names_app("com.tencent.mm", "com.tencent.mm"));
        assert!(names_app("com.example.verylon", "com.example.verylongname"));
        assert!(!names_app("com.example", "com.example.other"));
        assert!(!names_app("", "x"));
    }
}
