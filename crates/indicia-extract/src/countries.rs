//! Country of a destination: a user's table (CIDR or host suffix → country), a MaxMind `.mmdb` file, or
//! the built-in IP-to-country database ([`IpCountryDb`], used when no `--countries` is given).

use std::net::IpAddr;
use std::path::Path;

use crate::archive::read_file;
use crate::error::ExtractError;
use crate::ip_country::{CountryCode, IpCountryDb};

/// Largest `.mmdb` file read (GeoLite2-City is about 70 MB).
const MAX_MMDB: u64 = 512 << 20;

/// Where countries come from. Cloning one shares its database.
#[derive(Clone)]
pub enum Countries {
    /// A CSV table.
    Table(CountryTable),
    /// A MaxMind DB (GeoIP2/GeoLite2 Country or City, or any database with `country.iso_code`, or
    /// ip-location-db's with a top-level `country_code`).
    Mmdb(std::sync::Arc<maxminddb::Reader<Vec<u8>>>),
    /// The built-in database.
    Builtin(std::sync::Arc<IpCountryDb>),
}

impl std::fmt::Debug for Countries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Countries::Table(t) => f.debug_tuple("Table").field(t).finish(),
            Countries::Mmdb(_) => f.write_str("Mmdb(..)"),
            Countries::Builtin(db) => write!(f, "Builtin({})", db.date()),
        }
    }
}

/// A table of CIDR blocks and host suffixes with their countries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CountryTable {
    cidrs: Vec<(IpAddr, u8, String)>,
    suffixes: Vec<(String, String)>,
}

fn parse_cidr(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, len) = match text.split_once('/') {
        Some((a, l)) => (a, Some(l)),
        None => (text, None),
    };
    let ip: IpAddr = addr.trim().parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let len = match len {
        Some(l) => l.trim().parse::<u8>().ok().filter(|&l| l <= max)?,
        None => max,
    };
    Some((ip, len))
}

fn bits(ip: IpAddr) -> (u128, bool) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, true),
        IpAddr::V6(v6) => (u128::from(v6), false),
    }
}

fn in_block(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    let (a, a4) = bits(ip);
    let (b, b4) = bits(net);
    if a4 != b4 {
        return false;
    }
    let mask = if len == 0 { 0 } else { u128::MAX << (128 - u32::from(len)) };
    a & mask == b & mask
}

impl CountryTable {
    /// Parses the CSV text: one `KEY,CC` per line, where KEY is a CIDR block (`203.0.113.0/24`,
    /// `2001:db8::/32`), an IP address, or a host suffix (`example.cn` matches `example.cn` and every
    /// `*.example.cn`), and CC an ISO 3166-1 alpha-2 code. Blank lines and lines starting with `#` are
    /// skipped, and so is a first line whose second field is not a country code (a header).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut table = CountryTable::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, cc) =
                line.split_once(',').ok_or_else(|| format!("line {}: expected `CIDR-or-host,COUNTRY`", i + 1))?;
            let key = key.trim().trim_matches('"');
            let cc = cc.split(',').next().unwrap_or_default().trim().trim_matches('"');
            if cc.len() != 2 || !cc.bytes().all(|b| b.is_ascii_alphabetic()) {
                if i == 0 {
                    continue;
                }
                return Err(format!("line {}: `{cc}` is not a two-letter country code", i + 1));
            }
            let cc = cc.to_ascii_uppercase();
            if let Some((ip, len)) = parse_cidr(key) {
                table.cidrs.push((ip, len, cc));
            } else if key.contains('/') || key.is_empty() {
                return Err(format!("line {}: `{key}` is neither a CIDR block nor a host suffix", i + 1));
            } else {
                let suffix = key.trim_start_matches("*.").trim_start_matches('.').to_ascii_lowercase();
                table.suffixes.push((suffix, cc));
            }
        }
        Ok(table)
    }

    /// The country of `ip` (longest matching block) or else of `host` (longest matching suffix).
    pub fn lookup(&self, host: &str, ip: Option<IpAddr>) -> Option<String> {
        let by_ip = ip.and_then(|ip| {
            self.cidrs
                .iter()
                .filter(|(net, len, _)| in_block(ip, *net, *len))
                .max_by_key(|(_, len, _)| *len)
                .map(|(_, _, cc)| cc.clone())
        });
        by_ip.or_else(|| {
            let host = host.to_ascii_lowercase();
            self.suffixes
                .iter()
                .filter(|(s, _)| host == *s || host.strip_suffix(s.as_str()).is_some_and(|h| h.ends_with('.')))
                .max_by_key(|(s, _)| s.len())
                .map(|(_, cc)| cc.clone())
        })
    }
}

impl Countries {
    /// The built-in database.
    pub fn builtin() -> Result<Self, ExtractError> {
        IpCountryDb::builtin()
            .map(|db| Countries::Builtin(std::sync::Arc::new(db)))
            .map_err(|e| ExtractError::new("indicia", e))
    }

    /// Loads a `.mmdb` file (by extension, or by the MaxMind metadata marker) or else a CSV table.
    pub fn load(path: &Path) -> Result<Self, ExtractError> {
        let bytes = read_file(path, MAX_MMDB)?;
        let is_mmdb = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("mmdb"))
            || bytes.windows(14).rev().take(128 * 1024).any(|w| w == b"\xab\xcd\xefMaxMind.com");
        if is_mmdb {
            let reader = maxminddb::Reader::from_source(bytes)
                .map_err(|e| ExtractError::at(path, format!("not a readable MaxMind DB: {e}")))?;
            return Ok(Countries::Mmdb(std::sync::Arc::new(reader)));
        }
        let text = String::from_utf8(bytes).map_err(|_| ExtractError::at(path, "not UTF-8 text"))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        CountryTable::parse(text).map(Countries::Table).map_err(|e| ExtractError::at(path, e))
    }

    /// The country of a destination, where known.
    pub fn lookup(&self, host: &str, ip: Option<IpAddr>) -> Option<String> {
        match self {
            Countries::Table(t) => t.lookup(host, ip),
            Countries::Mmdb(reader) => {
                let ip = ip?;
                if let Ok(CountryCode { country_code: Some(cc) }) = reader.lookup::<CountryCode<'_>>(ip) {
                    return Some(cc.to_owned());
                }
                let rec: maxminddb::geoip2::Country<'_> = reader.lookup(ip).ok()?;
                rec.country
                    .and_then(|c| c.iso_code)
                    .or_else(|| rec.registered_country.and_then(|c| c.iso_code))
                    .map(str::to_owned)
            }
            Countries::Builtin(db) => db.lookup(ip?).map(str::to_owned),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lookups() {
        let t = CountryTable::parse("network,country\n# c\n203.0.113.0/24,tw\n203.0.113.128/25,JP\n2001:db8::/32,DE\nexample.cn,CN\n.ads.example.cn,HK\n").unwrap();
        let ip = |s: &str| Some(s.parse().unwrap());
        assert_eq!(t.lookup("x", ip("203.0.113.5")).as_deref(), Some("TW"));
        assert_eq!(t.lookup("x", ip("203.0.113.200")).as_deref(), Some("JP"));
        assert_eq!(t.lookup("x", ip("2001:db8::1")).as_deref(), Some("DE"));
        assert_eq!(t.lookup("api.example.cn", None).as_deref(), Some("CN"));
        assert_eq!(t.lookup("x.ads.example.cn", None).as_deref(), Some("HK"));
        assert_eq!(t.lookup("notexample.cn", None), None);
        assert!(CountryTable::parse("a,b\n1.2.3.4/99,TW\n").is_err());
        assert!(CountryTable::parse("1.2.3.4,TW\nfoo,TWN\n").is_err());
    }
}
