//! HAR 1.2 network captures → `flow` facts, one per destination (host, port, TLS).

use std::collections::{BTreeMap, BTreeSet};
use std::net::IpAddr;
use std::path::Path;

use regex::Regex;
use serde_json::{Map, Value, json};

use crate::Options;
use crate::archive::read_file;
use crate::error::ExtractError;
use crate::evidence::{Kind, Partial};

/// Keys (lowercase, without `_`, `-` and `.`) whose non-empty value is a device identifier.
pub const DEVICE_ID_KEYS: &[&str] = &[
    "imei",
    "meid",
    "imsi",
    "androidid",
    "ssaid",
    "adid",
    "advertisingid",
    "gaid",
    "gpsadid",
    "googleadid",
    "idfa",
    "idfv",
    "oaid",
    "udid",
    "deviceid",
    "deviceuuid",
    "uuid",
    "installid",
    "serialnumber",
    "serialno",
    "macaddress",
    "wifimac",
];
/// Keys whose value (with at least 7 digits) is a phone number.
pub const PHONE_KEYS: &[&str] = &[
    "phone",
    "phonenumber",
    "phoneno",
    "msisdn",
    "mobile",
    "mobilenumber",
    "mobileno",
    "tel",
    "telephone",
    "cellphone",
];
/// Latitude keys; a request with one of these and one of [`LON_KEYS`], both numbers in range, sends
/// `location`.
pub const LAT_KEYS: &[&str] = &["lat", "latitude"];
/// Longitude keys.
pub const LON_KEYS: &[&str] = &["lon", "lng", "long", "longitude"];

/// Deepest JSON nesting walked in a request body.
const MAX_JSON_DEPTH: usize = 64;

/// The data-type detectors run over each request's URL and body.
#[derive(Debug)]
pub struct Detectors {
    coords: Regex,
    e164: Regex,
    canary: Option<String>,
}

fn norm_key(key: &str) -> String {
    key.chars().filter(|c| !matches!(c, '_' | '-' | '.' | ' ')).flat_map(char::to_lowercase).collect()
}

/// Percent-decodes `s` (and `+` as space when `plus` is set, as in a query or a form body); an
/// escape that is not `%` and two hex digits stays as written, and bytes that are not UTF-8 become
/// U+FFFD. A `%2B` is a `+`, never a space.
pub fn percent_decode(s: &str, plus: bool) -> String {
    let spaced;
    let s = if plus {
        spaced = s.replace('+', " ");
        &spaced
    } else {
        s
    };
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn form_pairs(s: &str, out: &mut Vec<(String, String)>) {
    for part in s.split('&') {
        if let Some((k, v)) = part.split_once('=') {
            out.push((percent_decode(k, true), percent_decode(v, true)));
        }
    }
}

fn json_pairs(v: &Value, key: &str, depth: usize, out: &mut Vec<(String, String)>) {
    if depth > MAX_JSON_DEPTH {
        return;
    }
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                json_pairs(v, k, depth + 1, out);
            }
        }
        Value::Array(a) => {
            for v in a {
                json_pairs(v, key, depth + 1, out);
            }
        }
        Value::String(s) => out.push((key.to_owned(), s.clone())),
        Value::Number(n) => out.push((key.to_owned(), n.to_string())),
        Value::Bool(b) => out.push((key.to_owned(), b.to_string())),
        Value::Null => {}
    }
}

fn nonblank_id(v: &str) -> bool {
    let v = v.trim();
    !v.is_empty()
        && !v.eq_ignore_ascii_case("null")
        && !v.eq_ignore_ascii_case("unknown")
        && v.chars().any(|c| c.is_ascii_alphanumeric() && c != '0')
}

fn coord(v: &str, max: f64) -> bool {
    v.trim().parse::<f64>().is_ok_and(|x| x.is_finite() && x.abs() <= max && x != 0.0)
}

impl Detectors {
    /// The detectors, with an optional clipboard canary string.
    pub fn new(canary: Option<&str>) -> Result<Self, String> {
        let re = |p: &str| Regex::new(p).map_err(|e| e.to_string());
        Ok(Self {
            coords: re(r"(?:^|[^\d.])-?\d{1,2}\.\d{4,}\s*,\s*-?\d{1,3}\.\d{4,}(?:$|[^\d.])")?,
            e164: re(r"(?:^|[^\w+])\+[1-9]\d{9,14}(?:$|\D)")?,
            canary: canary.filter(|c| !c.is_empty()).map(str::to_owned),
        })
    }

    /// Data types seen in one request: `url` (raw) and the body (`text`, or `params` name/value pairs).
    pub fn detect(&self, url: &str, body: Option<&str>, params: &[(String, String)]) -> BTreeSet<&'static str> {
        let mut found = BTreeSet::new();
        let mut pairs: Vec<(String, String)> = params.to_vec();
        if let Some((_, query)) = url.split_once('?') {
            form_pairs(query.split('#').next().unwrap_or(query), &mut pairs);
        }
        if let Some(body) = body {
            let t = body.trim_start();
            if t.starts_with('{') || t.starts_with('[') {
                if let Ok(v) = serde_json::from_str::<Value>(t) {
                    json_pairs(&v, "", 0, &mut pairs);
                }
            } else if t.contains('=') && !t.contains(char::is_whitespace) {
                form_pairs(t, &mut pairs);
            }
        }
        let (mut lat, mut lon) = (false, false);
        for (k, v) in &pairs {
            let k = norm_key(k);
            if (DEVICE_ID_KEYS.contains(&k.as_str()) || k.ends_with("deviceid")) && nonblank_id(v) {
                found.insert("device_id");
            }
            if PHONE_KEYS.contains(&k.as_str()) && v.chars().filter(char::is_ascii_digit).count() >= 7 {
                found.insert("phone_number");
            }
            lat |= LAT_KEYS.contains(&k.as_str()) && coord(v, 90.0);
            lon |= LON_KEYS.contains(&k.as_str()) && coord(v, 180.0);
        }
        if lat && lon {
            found.insert("location");
        }
        let decoded_url = percent_decode(url, false);
        let texts = [Some(decoded_url.as_str()), body];
        for text in texts.into_iter().flatten() {
            if self.coords.is_match(text) {
                found.insert("location");
            }
            if self.e164.is_match(text) {
                found.insert("phone_number");
            }
            if let Some(canary) = &self.canary
                && (text.contains(canary.as_str()) || url.contains(canary.as_str()))
            {
                found.insert("clipboard");
            }
        }
        for (_, v) in &pairs {
            if self.e164.is_match(v) {
                found.insert("phone_number");
            }
            if let Some(canary) = &self.canary
                && v.contains(canary.as_str())
            {
                found.insert("clipboard");
            }
        }
        found
    }
}

/// Scheme, host, port of an absolute URL.
fn split_url(url: &str) -> Option<(String, String, Option<u16>)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        (h.to_owned(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_owned(), Some(p)),
            None => (authority.to_owned(), None),
        }
    };
    let port = match port {
        Some(p) if !p.is_empty() => Some(p.parse::<u16>().ok()?),
        _ => None,
    };
    if host.is_empty() {
        return None;
    }
    Some((scheme.to_ascii_lowercase(), host.to_ascii_lowercase(), port))
}

#[derive(Default)]
struct Dest {
    ip: Option<String>,
    bytes_out: Option<i64>,
    data: BTreeSet<&'static str>,
}

fn int_field(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64).filter(|&n| n >= 0)
}

/// The size of a request's head when the capture does not give `headersSize` (`-1`, as browsers write
/// for HTTP/2): the request line and each header as HTTP/1.1 would send them.
fn estimate_headers(request: &Value, url: &str) -> Option<i64> {
    let headers = request.get("headers")?.as_array()?;
    let method = request.get("method").and_then(Value::as_str).unwrap_or("GET");
    let target =
        url.split_once("://").map_or(url, |(_, rest)| rest.find('/').map_or("/", |i| rest.get(i..).unwrap_or("/")));
    let mut n = method.len() + 1 + target.len() + " HTTP/1.1\r\n".len() + 2;
    for h in headers {
        let name = h.get("name").and_then(Value::as_str).unwrap_or_default();
        let value = h.get("value").and_then(Value::as_str).unwrap_or_default();
        n += name.len() + 2 + value.len() + 2;
    }
    i64::try_from(n).ok()
}

/// Reads a HAR 1.2 capture: one `flow` per destination (host, port, TLS) with the server address, the
/// bytes sent (request `headersSize` plus `bodySize`, or the post data's length, where the capture gives
/// them), the data types detected, the country (with `--countries`) and the SDK whose network signature
/// matches the host (with a signature set that has network signatures).
pub fn extract_har(path: &Path, options: &Options) -> Result<Partial, ExtractError> {
    let bytes = read_file(path, options.limits.max_har)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| {
        ExtractError::at(path, format!("not a HAR file: invalid JSON at line {}, column {}: {e}", e.line(), e.column()))
    })?;
    let entries = doc
        .get("log")
        .ok_or_else(|| ExtractError::at(path, "not a HAR file: no `log` object"))?
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| ExtractError::at(path, "not a HAR file: `log.entries` is missing or not an array"))?;
    let detectors = Detectors::new(options.clipboard_canary.as_deref()).map_err(|e| ExtractError::at(path, e))?;
    let trackers = options.trackers()?;
    let mut dests: BTreeMap<(String, Option<u16>, Option<bool>), Dest> = BTreeMap::new();
    let mut skipped = 0usize;
    for (i, entry) in entries.iter().enumerate() {
        let request = entry
            .get("request")
            .filter(|r| r.is_object())
            .ok_or_else(|| ExtractError::at(path, format!("log.entries[{i}].request: missing or not an object")))?;
        let url = request
            .get("url")
            .and_then(Value::as_str)
            .ok_or_else(|| ExtractError::at(path, format!("log.entries[{i}].request.url: missing or not a string")))?;
        let Some((scheme, host, port)) = split_url(url) else {
            skipped += 1;
            continue;
        };
        let (tls, default_port) = match scheme.as_str() {
            "https" | "wss" => (Some(true), Some(443)),
            "http" | "ws" => (Some(false), Some(80)),
            _ => {
                skipped += 1;
                continue;
            }
        };
        let port = port.or(default_port);
        let post = request.get("postData");
        let text = post.and_then(|p| p.get("text")).and_then(Value::as_str);
        let params: Vec<(String, String)> = post
            .and_then(|p| p.get("params"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|p| {
                Some((
                    p.get("name")?.as_str()?.to_owned(),
                    p.get("value").and_then(Value::as_str).unwrap_or_default().to_owned(),
                ))
            })
            .collect();
        let body_len = int_field(request, "bodySize").or_else(|| text.and_then(|t| i64::try_from(t.len()).ok()));
        let headers_len = int_field(request, "headersSize").or_else(|| estimate_headers(request, url));
        let sent = match (headers_len, body_len) {
            (None, None) => None,
            (h, b) => Some(h.unwrap_or(0).saturating_add(b.unwrap_or(0))),
        };
        let dest = dests.entry((host.clone(), port, tls)).or_default();
        if dest.ip.is_none() {
            dest.ip = entry
                .get("serverIPAddress")
                .and_then(Value::as_str)
                .map(|s| s.trim_start_matches('[').trim_end_matches(']').to_owned())
                .filter(|s| s.parse::<IpAddr>().is_ok())
                .or_else(|| host.parse::<IpAddr>().ok().map(|ip| ip.to_string()));
        }
        if let Some(n) = sent {
            dest.bytes_out = Some(dest.bytes_out.unwrap_or(0).saturating_add(n));
        }
        dest.data.extend(detectors.detect(url, text, &params));
    }
    let mut p = Partial::new(path.display().to_string(), &[Kind::Flow]);
    if skipped > 0 {
        p.warnings.push(format!("{}: {skipped} entries without an http(s) or ws(s) URL were skipped", path.display()));
    }
    for ((host, port, tls), dest) in dests {
        let mut m = Map::new();
        m.insert("host".into(), json!(host));
        let ip: Option<IpAddr> = dest.ip.as_deref().and_then(|s| s.parse().ok());
        if let Some(ip) = &dest.ip {
            m.insert("ip".into(), json!(ip));
        }
        if let Some(country) = options.countries.as_ref().and_then(|c| c.lookup(&host, ip)) {
            m.insert("country".into(), json!(country));
        }
        if let Some(port) = port {
            m.insert("port".into(), json!(port));
        }
        if let Some(tls) = tls {
            m.insert("tls".into(), json!(tls));
        }
        if let Some(b) = dest.bytes_out {
            m.insert("bytes_out".into(), json!(b));
        }
        m.insert("data".into(), json!(dest.data.iter().collect::<Vec<_>>()));
        if let Some(sig) = trackers.match_host(&host) {
            m.insert("sdk".into(), json!(sig.id));
        }
        p.push(Kind::Flow, Value::Object(m));
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(split_url("https://a.B.com/x"), Some(("https".into(), "a.b.com".into(), None)));
        assert_eq!(split_url("http://u:p@h:8080?q"), Some(("http".into(), "h".into(), Some(8080))));
        assert_eq!(split_url("https://[::1]:8443/"), Some(("https".into(), "::1".into(), Some(8443))));
        assert_eq!(split_url("data:text/plain,hi"), None);
        assert_eq!(split_url("http://h:99999/"), None);
    }

    #[test]
    fn percent_escapes() {
        assert_eq!(percent_decode("a%20b%2Fc%2fd", false), "a b/c/d");
        // `+` is a space in a query or form (`plus`), and a `+` elsewhere; `%2B` is always a `+`.
        assert_eq!(percent_decode("a+b%2Bc", true), "a b+c");
        assert_eq!(percent_decode("a+b%2Bc", false), "a+b+c");
        // Escapes that are not `%` and two hex digits stay as written.
        assert_eq!(percent_decode("100%", true), "100%");
        assert_eq!(percent_decode("%zz%4%4g%%41", true), "%zz%4%4g%A");
        // Decoded bytes that are not UTF-8 become U+FFFD; multi-byte escapes join into one character.
        assert_eq!(percent_decode("%FFx%E5%8F%B0", false), "\u{fffd}x台");
        let pairs = |s: &str| {
            let mut out = Vec::new();
            form_pairs(s, &mut out);
            out
        };
        assert_eq!(
            pairs("q=a+b&to=%2B886&bad=%G1"),
            [("q", "a b"), ("to", "+886"), ("bad", "%G1")].map(|(k, v)| (k.to_string(), v.to_string()))
        );
    }

    #[test]
    fn detectors() {
        let d = Detectors::new(Some("CANARY-42")).unwrap();
        let found = |url: &str, body: Option<&str>| d.detect(url, body, &[]).into_iter().collect::<Vec<_>>();
        assert_eq!(found("https://h/?android_id=9774d56d682e549c", None), ["device_id"]);
        assert_eq!(found("https://h/?idfa=00000000-0000-0000-0000-000000000000", None), Vec::<&str>::new());
        assert_eq!(found("https://h/", Some(r#"{"geo":{"lat":25.033,"lng":121.5654}}"#)), ["location"]);
        assert_eq!(found("https://h/?ll=25.03301,121.56542", None), ["location"]);
        assert_eq!(found("https://h/", Some("msisdn=0912345678")), ["phone_number"]);
        assert_eq!(found("https://h/?to=%2B886912345678", None), ["phone_number"]);
        assert_eq!(found("https://h/", Some("{\"text\":\"xx CANARY-42 yy\"}")), ["clipboard"]);
        assert_eq!(found("https://h/?v=1.2.3&t=1689428126308", None), Vec::<&str>::new());
    }
}
