//! The capture file: pcap (either byte order, micro- or nanosecond, the "modified" variant) or pcapng
//! (any number of sections and interfaces), read with `pcap-parser`, into link-layer frames with their
//! link type and, where PCAPdroid wrote them, the app that sent or received each packet.

use std::collections::BTreeMap;

use pcap_parser::pcapng::{Block, parse_block_be, parse_block_le};
use pcap_parser::{
    Linktype, OptionCode, PcapError, parse_pcap_frame, parse_pcap_frame_be, parse_pcap_frame_modified,
    parse_pcap_header,
};

use super::pcapdroid::{self, AppTag};

/// One captured frame.
#[derive(Debug)]
pub(crate) struct Frame<'a> {
    /// Where its record starts in the file.
    pub offset: usize,
    /// The link type of its interface.
    pub link: Linktype,
    /// The bytes captured (a PCAPdroid trailer already cut off).
    pub data: &'a [u8],
    /// The app PCAPdroid says the packet belongs to.
    pub app: Option<AppTag>,
}

/// The frames of a capture and what PCAPdroid's pcapng UID map blocks say.
#[derive(Debug, Default)]
pub(crate) struct Capture<'a> {
    /// The frames, in file order.
    pub frames: Vec<Frame<'a>>,
    /// UID → (package name, app name), from PCAPdroid's custom blocks.
    pub uid_names: BTreeMap<i32, (String, String)>,
}

/// A problem at an offset of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AtOffset {
    /// The byte offset in the file where the problem was found.
    pub offset: usize,
    /// What is wrong there.
    pub problem: String,
}

fn at(offset: usize, problem: impl Into<String>) -> AtOffset {
    AtOffset { offset, problem: problem.into() }
}

fn describe(e: &pcap_parser::nom::Err<PcapError<&[u8]>>, what: &str, left: usize) -> String {
    match e {
        pcap_parser::nom::Err::Incomplete(_) => format!("truncated: the file ends inside {what} ({left} bytes left)"),
        pcap_parser::nom::Err::Error(e) | pcap_parser::nom::Err::Failure(e) => {
            format!("malformed {what}: {}", short(e))
        }
    }
}

fn short(e: &PcapError<&[u8]>) -> String {
    match e {
        PcapError::NomError(_, kind) => format!("{kind:?}"),
        PcapError::OwnedNomError(_, kind) => format!("{kind:?}"),
        other => format!("{other:?}").chars().take(80).collect(),
    }
}

/// Reads a whole capture held in memory.
pub(crate) fn read(bytes: &[u8]) -> Result<Capture<'_>, AtOffset> {
    match bytes.get(..4) {
        Some([0x0a, 0x0d, 0x0d, 0x0a]) => read_pcapng(bytes),
        Some(
            [0xd4, 0xc3, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xc3, 0xd4]
            | [0x4d, 0x3c, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0x3c, 0x4d]
            | [0x34, 0xcd, 0xb2, 0xa1]
            | [0xa1, 0xb2, 0xcd, 0x34],
        ) => read_pcap(bytes),
        _ => Err(at(0, "not a pcap or pcapng capture (unknown magic number)")),
    }
}

fn read_pcap(bytes: &[u8]) -> Result<Capture<'_>, AtOffset> {
    let (mut rest, header) =
        parse_pcap_header(bytes).map_err(|e| at(0, describe(&e, "the pcap file header", bytes.len())))?;
    let parse = if header.is_modified_format() {
        parse_pcap_frame_modified
    } else if header.is_bigendian() {
        parse_pcap_frame_be
    } else {
        parse_pcap_frame
    };
    let mut capture = Capture::default();
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let (next, frame) = parse(rest).map_err(|e| at(offset, describe(&e, "a packet record", rest.len())))?;
        capture.frames.push(frame_of(offset, header.network, frame.data, None));
        rest = next;
    }
    Ok(capture)
}

fn frame_of(offset: usize, link: Linktype, data: &[u8], uid: Option<i32>) -> Frame<'_> {
    if link == Linktype::ETHERNET
        && let Some((data, tag)) = pcapdroid::split_trailer(data)
    {
        return Frame { offset, link, data, app: Some(tag) };
    }
    Frame { offset, link, data, app: uid.map(AppTag::Uid) }
}

fn read_pcapng(bytes: &[u8]) -> Result<Capture<'_>, AtOffset> {
    let mut capture = Capture::default();
    let mut rest = bytes;
    let mut big_endian = false;
    let mut interfaces: Vec<Linktype> = Vec::new();
    while !rest.is_empty() {
        let offset = bytes.len() - rest.len();
        let parse = if big_endian { parse_block_be } else { parse_block_le };
        let (next, block) = parse(rest).map_err(|e| at(offset, describe(&e, "a pcapng block", rest.len())))?;
        rest = next;
        match block {
            Block::SectionHeader(shb) => {
                big_endian = shb.big_endian();
                interfaces.clear();
            }
            Block::InterfaceDescription(idb) => interfaces.push(idb.linktype),
            Block::EnhancedPacket(epb) => {
                let link =
                    usize::try_from(epb.if_id).ok().and_then(|i| interfaces.get(i)).copied().ok_or_else(|| {
                        at(offset, format!("packet of interface {} that no interface block describes", epb.if_id))
                    })?;
                let len = usize::try_from(epb.caplen).unwrap_or(usize::MAX);
                let data = epb.data.get(..len).ok_or_else(|| at(offset, "packet length past its block"))?;
                let uid = epb
                    .options
                    .iter()
                    .filter(|o| o.code == OptionCode::Comment)
                    .find_map(|o| o.as_bytes().ok().and_then(pcapdroid::comment_uid));
                capture.frames.push(frame_of(offset, link, data, uid));
            }
            Block::SimplePacket(spb) => {
                let link = interfaces
                    .first()
                    .copied()
                    .ok_or_else(|| at(offset, "simple packet block before any interface block"))?;
                let len = usize::try_from(spb.origlen).unwrap_or(usize::MAX).min(spb.data.len());
                let data = spb.data.get(..len).unwrap_or(spb.data);
                capture.frames.push(frame_of(offset, link, data, None));
            }
            Block::Custom(cb) => {
                if let Some((uid, package, name)) = pcapdroid::uid_map_block(cb.pen, cb.data, big_endian) {
                    capture.uid_names.insert(uid, (package, name));
                }
            }
            _ => {}
        }
    }
    Ok(capture)
}
