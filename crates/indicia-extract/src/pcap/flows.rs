//! From IP packets to connections: which side is the device, what it sent, and the name of the server
//! (TLS ClientHello SNI, HTTP `Host`, or the capture's own DNS answers). Packets are decoded with
//! `etherparse`, DNS with `simple-dns`, TLS with `tls-parser`, HTTP heads with `httparse`.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use etherparse::{LaxNetSlice, LaxSlicedPacket, LinuxSllProtocolType, LinuxSllSlice, TransportSlice};
use pcap_parser::Linktype;
use simple_dns::Packet as DnsPacket;
use simple_dns::rdata::RData;
use tls_parser::{TlsExtension, TlsMessage, TlsMessageHandshake, parse_tls_extensions, parse_tls_plaintext};

/// Most bytes of a connection's client stream kept for reading its first request.
pub(crate) const MAX_STREAM_HEAD: usize = 64 * 1024;
/// Most out-of-order segments held per connection while waiting for the gap to fill.
const MAX_PENDING: usize = 64;
/// Most connections tracked in one capture.
pub(crate) const MAX_CONNECTIONS: usize = 1_000_000;
/// Ports whose traffic is name resolution or link housekeeping, not a destination the app sends data
/// to: DNS, DHCP, mDNS, LLMNR.
const INFRASTRUCTURE_PORTS: &[u16] = &[53, 67, 68, 5353, 5355];

/// Transport protocol of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Proto {
    /// TCP: a stream, rebuilt from its segments.
    Tcp,
    /// UDP: datagrams, counted one by one.
    Udp,
}

/// One endpoint.
type End = (IpAddr, u16);

/// What is known of the client's stream: its first bytes, in order, and how far it reached.
#[derive(Debug, Default)]
struct Stream {
    /// The initial sequence number (of the first data byte).
    isn: Option<u32>,
    /// The first bytes, contiguous from the start.
    head: Vec<u8>,
    /// Segments beyond a gap, by offset.
    pending: BTreeMap<u32, Vec<u8>>,
    /// The highest offset reached: the bytes the client sent.
    reach: u64,
}

impl Stream {
    fn syn(&mut self, seq: u32) {
        self.isn = Some(seq.wrapping_add(1));
    }

    /// Adds a segment; returns whether `head` grew.
    fn segment(&mut self, seq: u32, payload: &[u8]) -> bool {
        if payload.is_empty() {
            return false;
        }
        let isn = *self.isn.get_or_insert(seq);
        let offset = seq.wrapping_sub(isn);
        if offset > u32::MAX / 2 {
            return false; // before the start: a retransmission of the handshake
        }
        let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
        self.reach = self.reach.max(u64::from(offset) + u64::from(len));
        let grew = self.place(offset, payload);
        if grew {
            while let Some((&at, _)) = self.pending.first_key_value() {
                if usize::try_from(at).unwrap_or(usize::MAX) > self.head.len() {
                    break;
                }
                if let Some((at, bytes)) = self.pending.pop_first() {
                    self.place(at, &bytes);
                }
            }
        }
        grew
    }

    fn place(&mut self, offset: u32, payload: &[u8]) -> bool {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let have = self.head.len();
        if have >= MAX_STREAM_HEAD {
            return false;
        }
        if offset > have {
            if offset < MAX_STREAM_HEAD && self.pending.len() < MAX_PENDING {
                self.pending.insert(u32::try_from(offset).unwrap_or(u32::MAX), payload.to_vec());
            }
            return false;
        }
        let skip = have - offset;
        let Some(new) = payload.get(skip..) else { return false };
        let room = MAX_STREAM_HEAD - have;
        self.head.extend_from_slice(new.get(..room).unwrap_or(new));
        !new.is_empty()
    }
}

/// What the client's first bytes say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Hello {
    /// TLS (a ClientHello was seen), plain HTTP (a request was seen), or unknown.
    pub tls: Option<bool>,
    /// The SNI or the `Host` header, lowercase, without a port.
    pub name: Option<String>,
    /// The plain HTTP request's target and the body bytes seen, for the data detectors.
    pub request: Option<(String, Vec<u8>)>,
    /// No more to learn from the stream.
    pub done: bool,
}

/// One connection (TCP) or flow (UDP) between the device and a server.
#[derive(Debug)]
pub(crate) struct Conn {
    /// TCP or UDP.
    pub proto: Proto,
    /// The device's end (the client, see `orient`: the sender of a SYN, the end facing a well-known port…).
    pub client: End,
    /// The server's end: address and port the device connected to.
    pub server: End,
    /// Whether any of its packets belongs to the scanned app.
    pub selected: bool,
    /// The device's TCP stream, rebuilt from its segments (unused for UDP).
    stream: Stream,
    /// UDP payload bytes the device sent (TCP counts them in `stream`).
    udp_out: u64,
    /// What the device's first bytes say: TLS or HTTP, and the server name.
    pub hello: Hello,
    /// Order of first sight.
    pub order: usize,
}

impl Conn {
    /// Bytes of transport payload the device sent.
    pub(crate) fn bytes_out(&self) -> u64 {
        match self.proto {
            Proto::Tcp => self.stream.reach,
            Proto::Udp => self.udp_out,
        }
    }

    /// Whether this is name resolution or link housekeeping rather than a destination.
    pub(crate) fn is_infrastructure(&self) -> bool {
        INFRASTRUCTURE_PORTS.contains(&self.server.1) || INFRASTRUCTURE_PORTS.contains(&self.client.1)
    }
}

/// Everything learnt from the packets.
#[derive(Debug, Default)]
pub(crate) struct Traffic {
    conns: HashMap<(Proto, End, End), usize>,
    pub list: Vec<Conn>,
    /// Address → the name the device asked for (the first answer wins).
    pub dns: HashMap<IpAddr, String>,
    /// Packets whose link, network or transport layer could not be read.
    pub undecoded: usize,
    /// Connections not tracked because [`MAX_CONNECTIONS`] was reached.
    pub dropped: usize,
}

/// The transport view of one packet.
struct Segment<'a> {
    proto: Proto,
    src: End,
    dst: End,
    payload: &'a [u8],
    tcp: Option<TcpBits>,
}

#[derive(Clone, Copy)]
struct TcpBits {
    seq: u32,
    syn: bool,
    ack: bool,
}

/// Decodes a frame down to its transport layer.
fn decode(link: Linktype, data: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    match link {
        Linktype::ETHERNET => LaxSlicedPacket::from_ethernet(data).ok(),
        Linktype::NULL | Linktype::LOOP => LaxSlicedPacket::from_ip(data.get(4..)?).ok(),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 | Linktype(12) | Linktype(14) => {
            LaxSlicedPacket::from_ip(data).ok()
        }
        Linktype::LINUX_SLL => {
            let sll = LinuxSllSlice::from_slice(data).ok()?;
            let LinuxSllProtocolType::EtherType(ether_type) = sll.protocol_type() else { return None };
            Some(LaxSlicedPacket::from_ether_type(ether_type, data.get(sll.header_slice().len()..)?))
        }
        _ => None,
    }
}

/// Whether a link type is one [`Traffic::packet`] reads.
pub(crate) fn supported(link: Linktype) -> bool {
    matches!(
        link,
        Linktype::ETHERNET
            | Linktype::NULL
            | Linktype::LOOP
            | Linktype::RAW
            | Linktype::IPV4
            | Linktype::IPV6
            | Linktype::LINUX_SLL
            | Linktype(12)
            | Linktype(14)
    )
}

fn segment<'a>(packet: &LaxSlicedPacket<'a>) -> Option<Segment<'a>> {
    let (src, dst) = match packet.net.as_ref()? {
        LaxNetSlice::Ipv4(ip) => (IpAddr::V4(ip.header().source_addr()), IpAddr::V4(ip.header().destination_addr())),
        LaxNetSlice::Ipv6(ip) => (IpAddr::V6(ip.header().source_addr()), IpAddr::V6(ip.header().destination_addr())),
        LaxNetSlice::Arp(_) => return None,
    };
    match packet.transport.as_ref()? {
        TransportSlice::Tcp(tcp) => Some(Segment {
            proto: Proto::Tcp,
            src: (src, tcp.source_port()),
            dst: (dst, tcp.destination_port()),
            payload: tcp.payload(),
            tcp: Some(TcpBits { seq: tcp.sequence_number(), syn: tcp.syn(), ack: tcp.ack() }),
        }),
        TransportSlice::Udp(udp) => Some(Segment {
            proto: Proto::Udp,
            src: (src, udp.source_port()),
            dst: (dst, udp.destination_port()),
            payload: udp.payload(),
            tcp: None,
        }),
        _ => None,
    }
}

/// Which end of a first-seen packet is the server: the receiver of a SYN, the sender of a SYN-ACK, a
/// well-known port facing an ephemeral one, else the packet's destination.
fn orient(seg: &Segment<'_>) -> (End, End) {
    let flip = match seg.tcp {
        Some(TcpBits { syn: true, ack: true, .. }) => true,
        Some(TcpBits { syn: true, ack: false, .. }) => false,
        _ => seg.src.1 < 1024 && seg.dst.1 >= 1024,
    };
    if flip { (seg.dst, seg.src) } else { (seg.src, seg.dst) }
}

impl Traffic {
    /// Reads one frame. `selected` says whether it belongs to the scanned app.
    pub(crate) fn packet(&mut self, link: Linktype, data: &[u8], selected: bool) {
        let Some(seg) = decode(link, data).as_ref().and_then(segment) else {
            self.undecoded += 1;
            return;
        };
        if seg.proto == Proto::Udp && seg.src.1 == 53 {
            self.dns_answer(seg.payload);
        }
        let key_fwd = (seg.proto, seg.src, seg.dst);
        let key_rev = (seg.proto, seg.dst, seg.src);
        let index = match self.conns.get(&key_fwd).or_else(|| self.conns.get(&key_rev)) {
            Some(&i) => i,
            None => {
                if self.list.len() >= MAX_CONNECTIONS {
                    self.dropped += 1;
                    return;
                }
                let (client, server) = orient(&seg);
                let i = self.list.len();
                self.list.push(Conn {
                    proto: seg.proto,
                    client,
                    server,
                    selected: false,
                    stream: Stream::default(),
                    udp_out: 0,
                    hello: Hello::default(),
                    order: i,
                });
                self.conns.insert((seg.proto, client, server), i);
                i
            }
        };
        let Some(conn) = self.list.get_mut(index) else { return };
        conn.selected |= selected;
        if seg.src != conn.client {
            return;
        }
        match seg.tcp {
            None => {
                conn.udp_out = conn.udp_out.saturating_add(u64::try_from(seg.payload.len()).unwrap_or(u64::MAX));
            }
            Some(bits) => {
                if bits.syn && !bits.ack {
                    conn.stream.syn(bits.seq);
                }
                if conn.stream.segment(bits.seq, seg.payload) && !conn.hello.done {
                    conn.hello = read_hello(&conn.stream.head);
                }
            }
        }
    }

    /// Records the addresses a DNS response names, under the name that was asked for (following the
    /// answer's CNAME chain back to the question).
    fn dns_answer(&mut self, payload: &[u8]) {
        let Ok(packet) = DnsPacket::parse(payload) else { return };
        let mut alias_of: HashMap<String, String> = HashMap::new();
        for rr in &packet.answers {
            if let RData::CNAME(target) = &rr.rdata {
                alias_of.insert(lower(&target.0.to_string()), lower(&rr.name.to_string()));
            }
        }
        for rr in &packet.answers {
            let ip = match &rr.rdata {
                RData::A(a) => IpAddr::V4(a.address.into()),
                RData::AAAA(a) => IpAddr::V6(a.address.into()),
                _ => continue,
            };
            let mut name = lower(&rr.name.to_string());
            for _ in 0..16 {
                match alias_of.get(&name) {
                    Some(prev) if *prev != name => name.clone_from(prev),
                    _ => break,
                }
            }
            self.dns.entry(ip).or_insert(name);
        }
    }
}

fn lower(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

/// What the first bytes of a client stream say: a TLS ClientHello (its SNI) or an HTTP request (its
/// `Host`), or that more bytes are needed.
pub(crate) fn read_hello(head: &[u8]) -> Hello {
    let full = head.len() >= MAX_STREAM_HEAD;
    match head.first() {
        Some(0x16) => match parse_tls_plaintext(head) {
            Ok((_, record)) => {
                let mut hello = Hello { tls: Some(true), done: true, ..Hello::default() };
                for msg in &record.msg {
                    if let TlsMessage::Handshake(TlsMessageHandshake::ClientHello(ch)) = msg {
                        hello.name = ch.ext.and_then(sni);
                    }
                }
                hello
            }
            Err(tls_parser::Err::Incomplete(_)) if !full => Hello::default(),
            Err(_) => Hello { done: true, ..Hello::default() },
        },
        Some(_) => read_http(head, full),
        None => Hello::default(),
    }
}

fn sni(extensions: &[u8]) -> Option<String> {
    let (_, list) = parse_tls_extensions(extensions).ok()?;
    list.iter().find_map(|ext| match ext {
        TlsExtension::SNI(names) => names
            .iter()
            .find_map(|(_, name)| std::str::from_utf8(name).ok())
            .map(|n| n.trim_end_matches('.').to_ascii_lowercase()),
        _ => None,
    })
}

fn read_http(head: &[u8], full: bool) -> Hello {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut headers);
    let status = req.parse(head);
    let host = req
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("host"))
        .and_then(|h| std::str::from_utf8(h.value).ok())
        .map(host_without_port);
    match status {
        Ok(httparse::Status::Complete(end)) => Hello {
            tls: Some(false),
            name: host,
            request: req.path.map(|p| (p.to_owned(), head.get(end..).unwrap_or_default().to_vec())),
            done: true,
        },
        Ok(httparse::Status::Partial) if !full => Hello::default(),
        Ok(httparse::Status::Partial) => Hello { tls: Some(false), name: host, done: true, ..Hello::default() },
        Err(_) => Hello { done: true, ..Hello::default() },
    }
}

fn host_without_port(value: &str) -> String {
    let v = value.trim();
    let host = if let Some(rest) = v.strip_prefix('[') {
        rest.split(']').next().unwrap_or(rest)
    } else {
        match v.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) => h,
            _ => v,
        }
    };
    host.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stream_reassembles_out_of_order() {
        let mut s = Stream::default();
        s.syn(999);
        assert!(!s.segment(1005, b"world"));
        assert!(s.segment(1000, b"hello"));
        assert_eq!(s.head, b"helloworld");
        assert!(!s.segment(1000, b"hello"));
        assert_eq!(s.reach, 10);
        assert!(!s.segment(900, b"old"));
    }

    proptest::proptest! {
        /// Segments of a stream given in any order, some twice, rebuild the stream, and `reach` is its
        /// length (a retransmission is not counted twice).
        #[test]
        fn any_segment_order_rebuilds_the_stream(
            data in proptest::collection::vec(proptest::num::u8::ANY, 1..4000),
            cuts in proptest::collection::vec(1usize..300, 1..40),
            order in proptest::collection::vec(proptest::num::usize::ANY, 0..80),
            isn in proptest::num::u32::ANY,
        ) {
            let mut segments = Vec::new();
            let mut at = 0;
            for len in cuts.iter().cycle() {
                if at >= data.len() {
                    break;
                }
                let end = (at + len).min(data.len());
                segments.push((at, end));
                at = end;
            }
            let mut sent: Vec<(usize, usize)> = order.iter().map(|i| segments[i % segments.len()]).collect();
            sent.extend(segments.iter().copied());
            let mut s = Stream::default();
            s.syn(isn);
            for (a, b) in sent {
                let seq = isn.wrapping_add(1).wrapping_add(u32::try_from(a).unwrap());
                s.segment(seq, &data[a..b]);
            }
            proptest::prop_assert_eq!(&s.head, &data);
            proptest::prop_assert_eq!(s.reach, data.len() as u64);
        }
    }

    #[test]
    fn http_host() {
        let h = read_hello(b"GET /a?x=1 HTTP/1.1\r\nHost: Example.COM:8080\r\n\r\n");
        assert_eq!(h.name.as_deref(), Some("example.com"));
        assert_eq!(h.tls, Some(false));
        assert_eq!(read_hello(b"GET / HTTP/1.1\r\nHo"), Hello::default());
        assert!(read_hello(b"\x00\x01garbage").done);
        assert_eq!(host_without_port("[::1]:80"), "::1");
    }
}
