//! The built-in IP-to-country database: ip-location-db's `geo-whois-asn-country` MaxMind DB (GeoFeed,
//! then RIR whois, then ASN data; CC BY 4.0 by the NRO), embedded byte for byte and read with
//! `maxminddb`. Its source, date, checksum, licence and attribution are in
//! `crates/indicia-extract/data/README.md` and the repository's `NOTICE`.

use std::net::IpAddr;

/// The database's bytes, as published in `@ip-location-db/geo-whois-asn-country-mmdb` 2.3.2026061719.
static BYTES: &[u8] = include_bytes!("../data/geo-whois-asn-country.mmdb");

/// Where the built-in database comes from.
pub const SOURCE: &str =
    "ip-location-db geo-whois-asn-country (npm @ip-location-db/geo-whois-asn-country-mmdb 2.3.2026061719)";
/// Its licence and the attribution it requires.
pub const ATTRIBUTION: &str = "CC BY 4.0; contains data of the Number Resource Organization (nro.net), \
    merged by ip-location-db (github.com/sapics/ip-location-db)";

/// The built-in IP-to-country database.
pub struct IpCountryDb {
    reader: maxminddb::Reader<&'static [u8]>,
}

impl std::fmt::Debug for IpCountryDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IpCountryDb({})", self.date())
    }
}

/// An ip-location-db record: `{"country_code": "TW"}`.
#[derive(serde::Deserialize)]
pub(crate) struct CountryCode<'a> {
    pub country_code: Option<&'a str>,
}

/// `YYYY-MM-DD` of a Unix time, in UTC.
fn day_of(epoch: u64) -> String {
    // Civil-from-days (H. Hinnant's algorithm), for days since 1970-01-01.
    let days = i64::try_from(epoch / 86_400).unwrap_or(0);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl IpCountryDb {
    /// Opens the built-in database.
    pub fn builtin() -> Result<Self, String> {
        maxminddb::Reader::from_source(BYTES)
            .map(|reader| Self { reader })
            .map_err(|e| format!("built-in IP-to-country database: {e}"))
    }

    /// The day the data was built (`YYYY-MM-DD`, UTC), from the database's metadata.
    pub fn date(&self) -> String {
        day_of(self.reader.metadata.build_epoch)
    }

    /// The built-in database's date, or `unknown` if it does not open.
    pub fn builtin_date() -> String {
        Self::builtin().map_or_else(|_| "unknown".to_owned(), |db| db.date())
    }

    /// The ISO 3166-1 alpha-2 code of the country `ip` is in, where the database knows it.
    pub fn lookup(&self, ip: IpAddr) -> Option<&str> {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let rec: CountryCode<'_> = self.reader.lookup(ip).ok()?;
        rec.country_code.filter(|c| c.len() == 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(951_782_400), "2000-02-29");
        assert_eq!(day_of(1_781_725_900), "2026-06-17");
    }
}

#[cfg(test)]
mod checked {
    use super::*;

    /// Addresses whose country is known independently of the database (see `docs/extract.md`,
    /// "Built-in IP-to-country database", for each one's basis).
    #[test]
    fn verifiable_addresses() {
        let db = IpCountryDb::builtin().unwrap();
        for (ip, cc) in [
            ("8.8.8.8", "US"),         // Google Public DNS
            ("168.95.1.1", "TW"),      // Chunghwa Telecom HiNet DNS
            ("220.181.38.148", "CN"),  // baidu.com, China Telecom Beijing
            ("182.254.116.117", "CN"), // Tencent DNSPod public DNS
            ("34.80.0.1", "TW"),       // Google Cloud asia-east1 (Changhua County)
            ("13.112.0.1", "JP"),      // AWS ap-northeast-1 (Tokyo)
            ("52.78.0.1", "KR"),       // AWS ap-northeast-2 (Seoul)
            ("240e::1", "CN"),         // China Telecom IPv6
            ("::ffff:220.181.38.148", "CN"),
        ] {
            assert_eq!(db.lookup(ip.parse().unwrap()), Some(cc), "{ip}");
        }
        assert_eq!(db.lookup("10.0.0.1".parse().unwrap()), None);
        assert_eq!(db.date(), "2026-06-17");
    }
}
