//! Hand-made packet captures: frames built with etherparse's `PacketBuilder`, DNS with simple-dns, a
//! minimal TLS ClientHello written field by field, and the pcap container and PCAPdroid trailer after
//! their documented layouts. The files these make are labelled "hand-made" in the test data READMEs.

use etherparse::{LinuxSllPacketType, PacketBuilder};
use simple_dns::rdata::{A, CNAME, RData};
use simple_dns::{CLASS, Name, Packet, QCLASS, QTYPE, Question, ResourceRecord, TYPE};

pub const DEVICE: [u8; 4] = [10, 0, 0, 2];
pub const RESOLVER: [u8; 4] = [10, 0, 0, 1];

/// A classic little-endian pcap file of `link` with these frames (timestamps one second apart).
pub fn pcap(link: u32, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(&0xa1b2_c3d4u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&4u16.to_le_bytes());
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&65535u32.to_le_bytes());
    out.extend_from_slice(&link.to_le_bytes());
    for (i, f) in frames.iter().enumerate() {
        out.extend_from_slice(&(1_767_225_600 + i as u32).to_le_bytes());
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(&(f.len() as u32).to_le_bytes());
        out.extend_from_slice(f);
    }
    out
}

/// The link layer a frame is built for.
#[derive(Clone, Copy)]
pub enum Link {
    Ethernet,
    Raw,
    Sll,
}

fn base(link: Link) -> Option<etherparse::PacketBuilderStep<etherparse::Ethernet2Header>> {
    match link {
        Link::Ethernet => Some(PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])),
        _ => None,
    }
}

/// An IPv4 TCP segment.
pub fn tcp(link: Link, src: ([u8; 4], u16), dst: ([u8; 4], u16), seq: u32, syn: bool, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    macro_rules! finish {
        ($b:expr) => {{
            let b = $b.ipv4(src.0, dst.0, 64).tcp(src.1, dst.1, seq, 65535);
            let b = if syn { b.syn() } else { b.ack(1).psh() };
            b.write(&mut out, payload).unwrap();
        }};
    }
    match (link, base(link)) {
        (_, Some(eth)) => finish!(eth),
        (Link::Sll, _) => finish!(PacketBuilder::linux_sll(LinuxSllPacketType::OUTGOING, 6, [2, 0, 0, 0, 0, 1, 0, 0])),
        _ => {
            let b = PacketBuilder::ipv4(src.0, dst.0, 64).tcp(src.1, dst.1, seq, 65535);
            let b = if syn { b.syn() } else { b.ack(1).psh() };
            b.write(&mut out, payload).unwrap();
        }
    }
    out
}

/// An IPv4 UDP datagram on Ethernet.
pub fn udp(src: ([u8; 4], u16), dst: ([u8; 4], u16), payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    PacketBuilder::ethernet2([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2])
        .ipv4(src.0, dst.0, 64)
        .udp(src.1, dst.1)
        .write(&mut out, payload)
        .unwrap();
    out
}

/// A DNS response to an A query for `name`: optionally a CNAME to `alias`, then A records.
pub fn dns_response(name: &str, alias: Option<&str>, addresses: &[[u8; 4]]) -> Vec<u8> {
    let mut p = Packet::new_reply(7);
    p.questions.push(Question::new(Name::new_unchecked(name), QTYPE::TYPE(TYPE::A), QCLASS::CLASS(CLASS::IN), false));
    let owner = alias.unwrap_or(name);
    if let Some(alias) = alias {
        p.answers.push(ResourceRecord::new(
            Name::new_unchecked(name),
            CLASS::IN,
            300,
            RData::CNAME(CNAME(Name::new_unchecked(alias))),
        ));
    }
    for a in addresses {
        p.answers.push(ResourceRecord::new(
            Name::new_unchecked(owner),
            CLASS::IN,
            300,
            RData::A(A { address: u32::from_be_bytes(*a) }),
        ));
    }
    p.build_bytes_vec().unwrap()
}

/// A TLS 1.2 record holding a minimal ClientHello with one cipher suite and a server_name extension.
pub fn client_hello(sni: &str) -> Vec<u8> {
    let name = sni.as_bytes();
    let mut sni_ext = Vec::new();
    sni_ext.extend_from_slice(&((name.len() + 3) as u16).to_be_bytes()); // server_name_list length
    sni_ext.push(0); // host_name
    sni_ext.extend_from_slice(&(name.len() as u16).to_be_bytes());
    sni_ext.extend_from_slice(name);
    let mut exts = Vec::new();
    exts.extend_from_slice(&0u16.to_be_bytes()); // extension type server_name
    exts.extend_from_slice(&(sni_ext.len() as u16).to_be_bytes());
    exts.extend_from_slice(&sni_ext);
    let mut body = vec![3, 3]; // client_version TLS 1.2
    body.extend_from_slice(&[0x11; 32]); // random
    body.push(0); // session id
    body.extend_from_slice(&[0, 2, 0x13, 0x01]); // one cipher suite
    body.extend_from_slice(&[1, 0]); // null compression
    body.extend_from_slice(&(exts.len() as u16).to_be_bytes());
    body.extend_from_slice(&exts);
    let mut hs = vec![1]; // client_hello
    hs.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    hs.extend_from_slice(&body);
    let mut record = vec![0x16, 3, 1];
    record.extend_from_slice(&(hs.len() as u16).to_be_bytes());
    record.extend_from_slice(&hs);
    record
}

/// Wraps a raw IP packet as PCAPdroid does with its trailer: a fake Ethernet header (zero MACs), zero
/// padding to a multiple of 4 bytes, and the 32-byte trailer (magic, UID, app name, CRC-32 field).
pub fn pcapdroid_frame(ip_packet: &[u8], uid: i32, app_name: &str) -> Vec<u8> {
    let mut f = vec![0u8; 12];
    f.extend_from_slice(if ip_packet[0] >> 4 == 4 { &[0x08, 0x00] } else { &[0x86, 0xdd] });
    f.extend_from_slice(ip_packet);
    while !f.len().is_multiple_of(4) {
        f.push(0);
    }
    f.extend_from_slice(&0x0107_2021u32.to_be_bytes());
    f.extend_from_slice(&uid.to_be_bytes());
    let mut name = [0u8; 20];
    let n = app_name.len().min(19);
    name[..n].copy_from_slice(&app_name.as_bytes()[..n]);
    f.extend_from_slice(&name);
    // The CRC-32 field: the reader does not check it; PCAPdroid's is a CRC-32 of the frame before it.
    f.extend_from_slice(&crc32(&f).to_be_bytes());
    f
}

/// CRC-32 (IEEE 802.3, reflected), bit by bit.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xedb8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// Strips the 14-byte Ethernet header of a frame built by [`tcp`] with [`Link::Ethernet`].
pub fn ip_of(frame: &[u8]) -> Vec<u8> {
    frame[14..].to_vec()
}

fn block(kind: u32, body: &[u8]) -> Vec<u8> {
    let mut body = body.to_vec();
    while !body.len().is_multiple_of(4) {
        body.push(0);
    }
    let len = (body.len() + 12) as u32;
    let mut out = kind.to_le_bytes().to_vec();
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&len.to_le_bytes());
    out
}

/// A little-endian pcapng file of raw-IP packets in PCAPdroid's "dump extensions" layout: a Section
/// Header, one Interface Description (link type 101), a UID-map Custom Block (PEN 62652, version 1,
/// type 1) per app, and one Enhanced Packet Block per packet with the comment option `u-UID`.
pub fn pcapdroid_pcapng(apps: &[(i32, &str, &str)], packets: &[(i32, Vec<u8>)]) -> Vec<u8> {
    let mut shb = 0x1a2b_3c4du32.to_le_bytes().to_vec();
    shb.extend_from_slice(&1u16.to_le_bytes());
    shb.extend_from_slice(&0u16.to_le_bytes());
    shb.extend_from_slice(&(-1i64).to_le_bytes());
    let mut out = block(0x0a0d_0d0a, &shb);
    let mut idb = 101u16.to_le_bytes().to_vec();
    idb.extend_from_slice(&0u16.to_le_bytes());
    idb.extend_from_slice(&65535u32.to_le_bytes());
    out.extend(block(1, &idb));
    for (uid, package, name) in apps {
        let mut cb = 62652u32.to_le_bytes().to_vec();
        cb.extend_from_slice(&1u16.to_le_bytes());
        cb.extend_from_slice(&[1, 0]);
        cb.extend_from_slice(&uid.to_le_bytes());
        cb.extend_from_slice(&[package.len() as u8, name.len() as u8]);
        cb.extend_from_slice(package.as_bytes());
        cb.extend_from_slice(name.as_bytes());
        out.extend(block(0x0000_0bad, &cb));
    }
    for (i, (uid, packet)) in packets.iter().enumerate() {
        let mut epb = 0u32.to_le_bytes().to_vec();
        let ts = (1_767_225_600u64 + i as u64) * 1_000_000;
        epb.extend_from_slice(&((ts >> 32) as u32).to_le_bytes());
        epb.extend_from_slice(&(ts as u32).to_le_bytes());
        epb.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        epb.extend_from_slice(&(packet.len() as u32).to_le_bytes());
        epb.extend_from_slice(packet);
        while !epb.len().is_multiple_of(4) {
            epb.push(0);
        }
        let comment = format!("u-{uid}");
        epb.extend_from_slice(&1u16.to_le_bytes());
        epb.extend_from_slice(&(comment.len() as u16).to_le_bytes());
        epb.extend_from_slice(comment.as_bytes());
        while !epb.len().is_multiple_of(4) {
            epb.push(0);
        }
        epb.extend_from_slice(&[0, 0, 0, 0]);
        out.extend(block(6, &epb));
    }
    out
}
