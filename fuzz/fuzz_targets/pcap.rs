//! Packet captures (pcap, pcapng; Ethernet, Linux SLL, raw IP; DNS, TLS ClientHello, HTTP; PCAPdroid attribution), within the capture cap: evidence the built-in pack accepts, or an error, never a panic.
#![no_main]

use indicia_extract::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    indicia_fuzz::extract_accepted(data, "pcap", Source::Pcap, Some("com.example.shop"));
});
