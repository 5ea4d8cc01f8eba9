//! Country of a destination: a user's table (CIDR or host suffix → country), a MaxMind `.mmdb` file, or
//! the built-in IP-to-country database ([`IpCountryDb`], used when no `--countries` is given).

use std::net::IpAddr;
use std::path::Path;

use ipnetwork::IpNetwork;

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
    cidrs: Vec<(IpNetwork, String)>,
    suffixes: Vec<(String, String)>,
}

/// A CIDR block (`203.0.113.0/24`, `2001:db8::/32`, an IPv4 prefix also as a netmask:
/// `203.0.113.0/255.255.255.0`) or a single address (a block of one), with spaces around the `/`
/// allowed. Host bits of the address are ignored: `203.0.113.5/24` is `203.0.113.0/24`.
fn parse_cidr(text: &str) -> Option<IpNetwork> {
    let compact = match text.split_once('/') {
        Some((addr, len)) => format!("{}/{}", addr.trim(), len.trim()),
        None => text.trim().to_string(),
    };
    compact.parse().ok()
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
            if let Some(net) = parse_cidr(key) {
                table.cidrs.push((net, cc));
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
                .filter(|(net, _)| net.contains(ip))
                .max_by_key(|(net, _)| net.prefix())
                .map(|(_, cc)| cc.clone())
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
        assert!(CountryTable::parse("2001:db8::/129,TW\n").is_err());
        assert!(CountryTable::parse("1.2.3.4/,TW\n").is_err());
        assert!(CountryTable::parse("1.2.3.4,TW\nfoo,TWN\n").is_err());
    }

    #[test]
    fn cidr_blocks() {
        let t = CountryTable::parse(
            "10.0.0.0/8,AA\n10.1.2.3/16,BB\n192.0.2.7,CC\n198.51.100.0 / 255.255.255.0,DD\n0.0.0.0/0,EE\n\
             2001:db8::/32,FF\n2001:db8:abcd::1/48,GG\n::/0,HH\n",
        )
        .unwrap();
        let ip = |s: &str| t.lookup("x", Some(s.parse().unwrap()));
        // The longest block that holds the address; host bits of a block's address are ignored.
        assert_eq!(ip("10.9.9.9").as_deref(), Some("AA"));
        assert_eq!(ip("10.1.200.1").as_deref(), Some("BB"));
        // A single address is a block of one.
        assert_eq!(ip("192.0.2.7").as_deref(), Some("CC"));
        assert_eq!(ip("192.0.2.8").as_deref(), Some("EE"));
        // A netmask is a prefix length, and spaces around the `/` are allowed.
        assert_eq!(ip("198.51.100.255").as_deref(), Some("DD"));
        // IPv6, and /0 of either family holds only addresses of its family.
        assert_eq!(ip("2001:db8:abcd:ffff::1").as_deref(), Some("GG"));
        assert_eq!(ip("2001:db8:1::1").as_deref(), Some("FF"));
        assert_eq!(ip("2001:db9::1").as_deref(), Some("HH"));
        assert_eq!(ip("::ffff:10.0.0.1").as_deref(), Some("HH"));
        let v4_only = CountryTable::parse("0.0.0.0/0,EE\n").unwrap();
        assert_eq!(v4_only.lookup("x", Some("2001:db8::1".parse().unwrap())), None);
    }
}
