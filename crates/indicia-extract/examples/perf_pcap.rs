//! Generates a large packet capture and times reading it into flows.
//!
//! ```text
//! cargo run --release -p indicia-extract --example perf_pcap [-- CONNECTIONS]
//! ```
//!
//! Each of CONNECTIONS (default 10,000) TCP connections to one of 2,000 servers has a DNS answer, a SYN,
//! a ClientHello sent in two segments in reverse order (so it is reassembled), and 20 data segments of
//! 1,400 bytes; with the default, about 300 MB in 240,000 packets. Timed: `read_pcap` on the bytes in
//! memory (container, decoding, reassembly, naming, flows), best of 3.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a measurement program, not library code"
)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::capture::{DEVICE, Link, RESOLVER, client_hello, dns_response, pcap, tcp, udp};
use indicia_extract::{Kind, Options, read_pcap};

fn main() {
    let connections: u32 = std::env::args().nth(1).map_or(10_000, |n| n.parse().unwrap());
    let data = vec![0x5a_u8; 1400];
    let mut frames = Vec::new();
    for c in 0..connections {
        let server = [198, 18, (c % 2000 / 250) as u8, (c % 250) as u8 + 1];
        let name = format!("host{}.example.com", c % 2000);
        let port = 20_000 + (c % 40_000) as u16;
        frames.push(udp((RESOLVER, 53), (DEVICE, 53), &dns_response(&name, None, &[server])));
        frames.push(tcp(Link::Ethernet, (DEVICE, port), (server, 443), 1000, true, &[]));
        let hello = client_hello(&name);
        let (a, b) = hello.split_at(hello.len() / 2);
        frames.push(tcp(Link::Ethernet, (DEVICE, port), (server, 443), 1001 + a.len() as u32, false, b));
        frames.push(tcp(Link::Ethernet, (DEVICE, port), (server, 443), 1001, false, a));
        let mut seq = 1001 + hello.len() as u32;
        for _ in 0..20 {
            frames.push(tcp(Link::Ethernet, (DEVICE, port), (server, 443), seq, false, &data));
            seq += data.len() as u32;
        }
    }
    let bytes = pcap(1, &frames);
    let packets = frames.len();
    drop(frames);
    let options = Options::default();
    let mut best = f64::MAX;
    let mut flows = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let p = read_pcap("perf.pcap", &bytes, &options, &[]).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        flows = p.facts_of(Kind::Flow).len();
    }
    println!(
        "{} MB, {packets} packets, {connections} connections -> {flows} flows: best of 3 {best:.2} s ({:.0} MB/s, {:.0} packets/s)",
        bytes.len() / 1_000_000,
        bytes.len() as f64 / 1e6 / best,
        packets as f64 / best
    );
}
