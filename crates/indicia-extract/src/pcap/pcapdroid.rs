//! PCAPdroid's "dump extensions", which name the Android app of each packet (format facts from
//! PCAPdroid's documentation and its `pcap_dump.h`; see `docs/extract.md`).
//!
//! - pcap: each raw IP packet is wrapped in a fake Ethernet header (both MACs zero), padded with 0–3
//!   zero bytes, and followed by a 32-byte big-endian trailer: magic `0x01072021`, the UID (i32), the
//!   app's name (20 bytes, NUL-padded) and a CRC-32 of the frame.
//! - pcapng: a Custom Block (PEN 62652) of version 1, type 1 maps a UID to its package and app name;
//!   each packet's comment option is `u-UID`.

/// The trailer's magic number.
pub(crate) const TRAILER_MAGIC: u32 = 0x0107_2021;
/// The trailer's size.
pub(crate) const TRAILER_LEN: usize = 32;
/// PCAPdroid's IANA Private Enterprise Number, in its pcapng custom blocks.
pub(crate) const PEN: u32 = 62652;

/// Which app a packet belongs to, as PCAPdroid wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AppTag {
    /// From a pcap trailer: the UID and the app's (possibly cut) name.
    Trailer {
        /// The Android UID.
        uid: i32,
        /// The app's name as PCAPdroid wrote it (at most 19 bytes).
        name: String,
    },
    /// From a pcapng packet comment `u-UID`.
    Uid(i32),
}

impl AppTag {
    /// The Android UID.
    pub(crate) fn uid(&self) -> i32 {
        match self {
            AppTag::Trailer { uid, .. } | AppTag::Uid(uid) => *uid,
        }
    }
}

/// Splits a PCAPdroid trailer off an Ethernet frame: the frame without it, and the app it names.
pub(crate) fn split_trailer(frame: &[u8]) -> Option<(&[u8], AppTag)> {
    let cut = frame.len().checked_sub(TRAILER_LEN)?;
    let (head, trailer) = frame.split_at_checked(cut)?;
    let magic = u32::from_be_bytes(trailer.get(0..4)?.try_into().ok()?);
    if magic != TRAILER_MAGIC {
        return None;
    }
    let uid = i32::from_be_bytes(trailer.get(4..8)?.try_into().ok()?);
    let name = trailer.get(8..28)?;
    let name = name.split(|&b| b == 0).next().unwrap_or_default();
    Some((head, AppTag::Trailer { uid, name: String::from_utf8_lossy(name).into_owned() }))
}

/// The UID of a pcapng packet comment `u-UID`.
pub(crate) fn comment_uid(comment: &[u8]) -> Option<i32> {
    let text = std::str::from_utf8(comment).ok()?;
    text.trim_end_matches('\0').strip_prefix("u-")?.parse().ok()
}

/// A UID map custom block: `(uid, package name, app name)`. `data` is the block's body after the PEN,
/// in the section's byte order.
pub(crate) fn uid_map_block(pen: u32, data: &[u8], big_endian: bool) -> Option<(i32, String, String)> {
    if pen != PEN {
        return None;
    }
    let u16_at = |b: &[u8]| -> Option<u16> {
        let b: [u8; 2] = b.try_into().ok()?;
        Some(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    };
    let version = u16_at(data.get(0..2)?)?;
    let kind = *data.get(2)?;
    if version != 1 || kind != 1 {
        return None;
    }
    let uid: [u8; 4] = data.get(4..8)?.try_into().ok()?;
    let uid = if big_endian { i32::from_be_bytes(uid) } else { i32::from_le_bytes(uid) };
    let package_len = usize::from(*data.get(8)?);
    let name_len = usize::from(*data.get(9)?);
    let package = data.get(10..10 + package_len)?;
    let name = data.get(10 + package_len..10 + package_len + name_len)?;
    Some((uid, String::from_utf8_lossy(package).into_owned(), String::from_utf8_lossy(name).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailer_and_comment() {
        let mut frame = vec![0u8; 14];
        frame.extend_from_slice(&[0x45, 0, 0, 20]);
        frame.extend_from_slice(&TRAILER_MAGIC.to_be_bytes());
        frame.extend_from_slice(&10123i32.to_be_bytes());
        let mut name = [0u8; 20];
        name[..6].copy_from_slice(b"WeChat");
        frame.extend_from_slice(&name);
        frame.extend_from_slice(&[1, 2, 3, 4]);
        let (head, tag) = split_trailer(&frame).unwrap();
        assert_eq!(head.len(), 18);
        assert_eq!(tag, AppTag::Trailer { uid: 10123, name: "WeChat".into() });
        assert_eq!(split_trailer(&frame[..31]), None);
        assert_eq!(comment_uid(b"u-10123"), Some(10123));
        assert_eq!(comment_uid(b"hello"), None);
        let mut block = vec![1, 0, 1, 0];
        block.extend_from_slice(&10123i32.to_le_bytes());
        block.extend_from_slice(&[5, 2]);
        block.extend_from_slice(b"a.b.cWX");
        assert_eq!(uid_map_block(PEN, &block, false), Some((10123, "a.b.c".into(), "WX".into())));
        assert_eq!(uid_map_block(PEN, &block[..12], false), None);
        assert_eq!(uid_map_block(1, &block, false), None);
    }
}
