//! Packet captures: the real Arkime test captures (expected facts read off with tshark, see
//! `tests/data/extract/README.md`), their pcapng conversion, and hand-made captures for what no real
//! file under a usable licence shows (PCAPdroid's trailer, Linux cooked and raw-IP link types, the
//! built-in pack's China scenario).
// Compiled only as a test, so that its helpers, like its tests, may fail by panicking (clippy.toml).
#![cfg(test)]

mod common;

use std::path::{Path, PathBuf};

use common::capture::{
    DEVICE, Link, RESOLVER, client_hello, dns_response, ip_of, pcap, pcapdroid_frame, pcapdroid_pcapng, tcp, udp,
};
use common::{Scratch, data};
use indicia_extract::{Countries, Kind, Options, extract_pcap, read_pcap};
use serde_json::{Value, json};

fn flows(path: &Path, options: &Options, apps: &[&str]) -> Vec<Value> {
    let p = extract_pcap(path, options, apps).unwrap();
    assert!(p.collected.contains(&Kind::Flow), "{}: {:?}", path.display(), p.warnings);
    p.facts_of(Kind::Flow).to_vec()
}

fn builtin() -> Options {
    Options { countries: Some(Countries::builtin().unwrap()), ..Options::default() }
}

#[test]
fn real_captures_give_the_flows_tshark_shows() {
    // host (SNI / Host), ip, port, tls, bytes_out = the client's TCP payload bytes (tshark tcp.len sum)
    let cases: &[(&str, Value)] = &[
        (
            "arkime_curl-enabled-tls13.pcap",
            json!([{"host": "enabled.tls13.com", "ip": "104.16.125.34", "country": "US", "port": 443, "tls": true, "bytes_out": 845}]),
        ),
        (
            "arkime_tls-split-client-hello.pcap",
            json!([{"host": "clients2.google.com", "ip": "142.250.114.100", "country": "US", "port": 443, "tls": true, "bytes_out": 2521}]),
        ),
        (
            "arkime_tls-alpn-h2.pcap",
            json!([{"host": "www.cloudflare.com", "ip": "2606:4700::6811:d209", "country": "US", "port": 443, "tls": true, "bytes_out": 237}]),
        ),
        (
            "arkime_http-simple-get.pcap",
            json!([{"host": "xxxxxxxxxxxxx.xxx.com", "ip": "10.180.156.249", "port": 80, "tls": false, "bytes_out": 152, "data": []}]),
        ),
        ("arkime_dns-udp.pcap", json!([])),
    ];
    for (file, want) in cases {
        let got = flows(&data(&format!("network/{file}")), &builtin(), &[]);
        assert_eq!(Value::Array(got), *want, "{file}");
    }
}

#[test]
fn pcapng_conversion_reads_like_the_pcap() {
    let o = builtin();
    let pcap = flows(&data("network/arkime_curl-enabled-tls13.pcap"), &o, &[]);
    let pcapng = flows(&data("network/arkime_curl-enabled-tls13.pcapng"), &o, &[]);
    assert_eq!(pcap, pcapng);
    assert_eq!(pcapng.len(), 1);
}

#[test]
fn without_countries_no_country() {
    let got = flows(&data("network/arkime_curl-enabled-tls13.pcap"), &Options::default(), &[]);
    assert_eq!(got[0].get("country"), None);
}

/// The plain HTTP request of the PCAPdroid case (coordinates in its query).
const GET: &[u8] =
    b"GET /v1/weather?lat=25.0330&lon=121.5654 HTTP/1.1\r\nHost: api.example.com\r\nUser-Agent: t\r\n\r\n";

/// The hand-made files: their bytes, as built here.
fn handmade() -> Vec<(PathBuf, Vec<u8>)> {
    let shop = [203, 0, 113, 10];
    let other = [198, 51, 100, 7];
    let api = [198, 51, 100, 20];
    let hello_shop = client_hello("shop.example.com");
    // The IP packets of the two apps, shared by the PCAPdroid pcap and pcapng cases.
    let ip = |src: ([u8; 4], u16), dst: ([u8; 4], u16), seq: u32, syn: bool, payload: &[u8]| {
        ip_of(&tcp(Link::Ethernet, src, dst, seq, syn, payload))
    };
    let shop_syn = ip((DEVICE, 40000), (shop, 443), 1000, true, &[]);
    let shop_hello = ip((DEVICE, 40000), (shop, 443), 1001, false, &hello_shop);
    let other_syn = ip((DEVICE, 40001), (other, 443), 5000, true, &[]);
    let other_hello = ip((DEVICE, 40001), (other, 443), 5001, false, &client_hello("tracker.example.net"));
    let api_get = ip((DEVICE, 40002), (api, 80), 7000, false, GET);
    let dns = udp((RESOLVER, 53), (DEVICE, 53001), &dns_response("shop.example.com", None, &[shop]));
    let (s, o) = ((10150, "Example Shop"), (10151, "Other App"));
    let trailer = pcap(
        1,
        &[
            pcapdroid_frame(&ip_of(&dns), s.0, s.1),
            pcapdroid_frame(&shop_syn, s.0, s.1),
            pcapdroid_frame(&shop_hello, s.0, s.1),
            pcapdroid_frame(&other_syn, o.0, o.1),
            pcapdroid_frame(&other_hello, o.0, o.1),
            pcapdroid_frame(&api_get, s.0, s.1),
        ],
    );
    let pcapng = pcapdroid_pcapng(
        &[(s.0, "com.example.shop", s.1), (o.0, "com.example.other", o.1)],
        &[(s.0, shop_syn.clone()), (s.0, shop_hello.clone()), (o.0, other_hello)],
    );
    let linktype = |link: Link| {
        vec![
            tcp(link, (DEVICE, 40000), (shop, 443), 1000, true, &[]),
            tcp(link, (DEVICE, 40000), (shop, 443), 1001, false, &hello_shop),
        ]
    };
    let cn = [220, 181, 38, 148];
    let scenario = pcap(
        1,
        &[
            udp((RESOLVER, 53), (DEVICE, 53002), &dns_response("api.example.cn", Some("edge.example.cn"), &[cn])),
            tcp(Link::Ethernet, (DEVICE, 41000), (cn, 443), 9000, true, &[]),
            tcp(Link::Ethernet, (DEVICE, 41000), (cn, 443), 9001, false, &client_hello("api.example.cn")),
        ],
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    vec![
        (data("network/handmade_pcapdroid-extensions.pcapng"), pcapng),
        (data("network/handmade_pcapdroid-trailer.pcap"), trailer),
        (data("network/handmade_linux-sll.pcap"), pcap(113, &linktype(Link::Sll))),
        (data("network/handmade_raw-ip.pcap"), pcap(101, &linktype(Link::Raw))),
        (root.join("rules/tw-mabis-v4/tests/captures/handmade_cn-sni.pcap"), scenario),
    ]
}

/// The committed hand-made files are what [`handmade`] builds (`INDICIA_WRITE_CAPTURES=1` rewrites them).
#[test]
fn handmade_captures_are_current() {
    for (path, bytes) in handmade() {
        if std::env::var_os("INDICIA_WRITE_CAPTURES").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &bytes).unwrap();
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{} is not what the generator builds", path.display());
    }
}

#[test]
fn pcapdroid_trailer_keeps_only_the_scanned_apps_packets() {
    let path = data("network/handmade_pcapdroid-trailer.pcap");
    let o = Options::default();
    let hello_len = client_hello("shop.example.com").len() as u64;
    let want = json!([
        {"host": "api.example.com", "ip": "198.51.100.20", "port": 80, "tls": false, "bytes_out": GET.len(), "data": ["location"]},
        {"host": "shop.example.com", "ip": "203.0.113.10", "port": 443, "tls": true, "bytes_out": hello_len},
    ]);
    for name in ["Example Shop", "10150"] {
        assert_eq!(Value::Array(flows(&path, &o, &["com.example.shop", name])), want, "{name}");
    }
    // Another app named: not in the capture, so no flow is claimed and `flow` is not collected.
    let p = extract_pcap(&path, &o, &["com.example.absent"]).unwrap();
    assert!(p.collected.is_empty());
    assert!(p.warnings[0].contains("10150 (Example Shop); 10151 (Other App)"), "{:?}", p.warnings);
    let p = extract_pcap(&path, &o, &[]).unwrap();
    assert!(p.collected.is_empty(), "{:?}", p.warnings);
    let other = flows(&path, &o, &["Other App"]);
    assert_eq!(other.len(), 1);
    assert_eq!(other[0]["host"], "tracker.example.net");
}

#[test]
fn pcapdroid_pcapng_extensions_name_apps_by_package() {
    let path = data("network/handmade_pcapdroid-extensions.pcapng");
    let o = Options::default();
    let hello_len = client_hello("shop.example.com").len() as u64;
    let want =
        json!([{"host": "shop.example.com", "ip": "203.0.113.10", "port": 443, "tls": true, "bytes_out": hello_len}]);
    assert_eq!(Value::Array(flows(&path, &o, &["com.example.shop"])), want);
    let other = flows(&path, &o, &["com.example.other"]);
    assert_eq!(other.len(), 1);
    assert_eq!(other[0]["host"], "tracker.example.net");
    let p = extract_pcap(&path, &o, &["com.example.absent"]).unwrap();
    assert!(p.collected.is_empty());
    assert!(p.warnings[0].contains("10150 (Example Shop, com.example.shop)"), "{:?}", p.warnings);
}

#[test]
fn linux_cooked_and_raw_ip_link_types() {
    let hello_len = client_hello("shop.example.com").len() as u64;
    let want =
        json!([{"host": "shop.example.com", "ip": "203.0.113.10", "port": 443, "tls": true, "bytes_out": hello_len}]);
    for file in ["handmade_linux-sll.pcap", "handmade_raw-ip.pcap"] {
        assert_eq!(Value::Array(flows(&data(&format!("network/{file}")), &Options::default(), &[])), want, "{file}");
    }
}

#[test]
fn cn_scenario_gets_its_country_from_the_builtin_database() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/tw-mabis-v4/tests/captures/handmade_cn-sni.pcap");
    let got = flows(&path, &builtin(), &[]);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0]["host"], "api.example.cn");
    assert_eq!(got[0]["country"], "CN");
}

#[test]
fn dns_answers_name_a_connection_without_sni() {
    // The DNS answer of the real capture (www.github.com CNAME github.com A 192.30.252.128), then a
    // hand-made TCP connection to that address with no TLS or HTTP in it.
    let dns = std::fs::read(data("network/arkime_dns-udp.pcap")).unwrap();
    let mut bytes = dns.clone();
    let syn = tcp(Link::Ethernet, ([10, 180, 156, 141], 50000), ([192, 30, 252, 128], 22), 1, true, &[]);
    let one = pcap(1, &[syn]);
    bytes.extend_from_slice(&one[24..]);
    let dir = Scratch::new("pcap-dns");
    let path = dir.write("dns-then-ssh.pcap", &bytes);
    let got = flows(&path, &Options::default(), &[]);
    assert_eq!(got, [json!({"host": "www.github.com", "ip": "192.30.252.128", "port": 22, "bytes_out": 0})]);
}

#[test]
fn broken_captures_name_the_offset() {
    let dir = Scratch::new("pcap-bad");
    let real = std::fs::read(data("network/arkime_curl-enabled-tls13.pcap")).unwrap();
    let o = Options::default();
    let err = |bytes: &[u8]| extract_pcap(&dir.write("x.pcap", bytes), &o, &[]).unwrap_err().to_string();
    assert!(err(b"hello").contains("not a pcap or pcapng capture"), "{}", err(b"hello"));
    assert!(err(&real[..10]).contains("at offset 0"), "{}", err(&real[..10]));
    // The offset of the last record, walking the record headers (16 bytes, caplen at +8).
    let mut last = 24;
    while last + 16 + u32::from_le_bytes(real[last + 8..last + 12].try_into().unwrap()) as usize != real.len() {
        last += 16 + u32::from_le_bytes(real[last + 8..last + 12].try_into().unwrap()) as usize;
    }
    let cut = err(&real[..real.len() - 7]);
    assert!(cut.contains("truncated") && cut.contains(&format!("at offset {last}:")), "{cut}");
    let pcapng = std::fs::read(data("network/arkime_curl-enabled-tls13.pcapng")).unwrap();
    let cut = extract_pcap(&dir.write("x.pcapng", &pcapng[..pcapng.len() - 3]), &o, &[]).unwrap_err().to_string();
    assert!(cut.contains("x.pcapng: at offset ") && cut.contains("truncated"), "{cut}");
    let mut other_link = real.clone();
    other_link[20] = 147; // a user-defined link type
    assert!(err(&other_link).contains("link type 147 is not supported"), "{}", err(&other_link));
    // Every prefix and every single-byte corruption is an error or a result, never a panic.
    for cut in 0..real.len() {
        let _ = read_pcap("p.pcap", &real[..cut], &o, &[]);
    }
    for at in 0..real.len() {
        for flip in [0xff, 0x80, 0x01] {
            let mut bad = real.clone();
            bad[at] ^= flip;
            let _ = read_pcap("c.pcap", &bad, &o, &[]);
        }
    }
}
