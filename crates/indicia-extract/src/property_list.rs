//! Reading a property list (XML, binary or ASCII) into a value, within an expansion budget.
//!
//! The `plist` crate's reader streams events; a binary plist's shared references are followed each time
//! they are used, so a tiny file can stream billions of events. The value is built here from those events,
//! spending a [`Budget`] on every value and on every byte of string and data, and refusing nesting deeper
//! than the cap, so that reading stops as soon as either is passed.

use std::io::Cursor;

use plist::stream::{Event, Reader};
use plist::{Dictionary, Value as Plist};

use crate::Limits;

/// A collection being filled.
enum Open {
    Array(Vec<Plist>),
    /// A dictionary and, between a key and its value, the key.
    Dict(Dictionary, Option<String>),
}

/// Reads a property list whose root is a dictionary.
pub fn read_dictionary(bytes: &[u8], limits: &Limits) -> Result<Dictionary, String> {
    match read_value(bytes, limits)? {
        Plist::Dictionary(d) => Ok(d),
        _ => Err("the property list's root is not a dictionary".to_owned()),
    }
}

/// Reads a property list's root value.
pub fn read_value(bytes: &[u8], limits: &Limits) -> Result<Plist, String> {
    let mut budget = limits.budget();
    let mut stack: Vec<Open> = Vec::new();
    for event in Reader::new(Cursor::new(bytes)) {
        let event = event.map_err(|e| format!("not a readable property list: {e}"))?;
        let size = match &event {
            Event::String(s) => s.len(),
            Event::Data(d) => d.len(),
            _ => 0,
        };
        budget.spend(1, size as u64).map_err(|e| format!("property list {e}"))?;
        let value = match event {
            Event::StartArray(_) | Event::StartDictionary(_) => {
                if stack.len() >= limits.max_plist_depth {
                    return Err(format!(
                        "property list nested deeper than {} arrays and dictionaries",
                        limits.max_plist_depth
                    ));
                }
                stack.push(match event {
                    Event::StartArray(_) => Open::Array(Vec::new()),
                    _ => Open::Dict(Dictionary::new(), None),
                });
                continue;
            }
            Event::EndCollection => match stack.pop() {
                Some(Open::Array(items)) => Plist::Array(items),
                Some(Open::Dict(dict, None)) => Plist::Dictionary(dict),
                Some(Open::Dict(_, Some(key))) => {
                    return Err(format!("not a readable property list: key `{key}` has no value"));
                }
                None => return Err("not a readable property list: a collection ends that never began".to_owned()),
            },
            Event::Boolean(b) => Plist::Boolean(b),
            Event::Data(d) => Plist::Data(d.into_owned()),
            Event::Date(d) => Plist::Date(d),
            Event::Integer(i) => Plist::Integer(i),
            Event::Real(r) => Plist::Real(r),
            Event::String(s) => Plist::String(s.into_owned()),
            Event::Uid(u) => Plist::Uid(u),
            _ => return Err("not a readable property list: an event of an unknown kind".to_owned()),
        };
        match stack.last_mut() {
            None => return Ok(value),
            Some(Open::Array(items)) => items.push(value),
            Some(Open::Dict(_, key @ None)) => match value {
                Plist::String(k) => *key = Some(k),
                _ => return Err("not a readable property list: a dictionary key is not a string".to_owned()),
            },
            Some(Open::Dict(dict, key @ Some(_))) => {
                if let Some(k) = key.take() {
                    dict.insert(k, value);
                }
            }
        }
    }
    Err("not a readable property list: it ends before its root value does".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?><plist version="1.0">"#;

    fn xml(body: &str) -> Vec<u8> {
        format!("{XML_HEAD}{body}</plist>").into_bytes()
    }

    #[test]
    fn builds_the_same_value_as_the_plist_crate() {
        let doc = xml("<dict><key>a</key><array><integer>1</integer><real>2.5</real><true/><string>x</string>\
             <data>AAEC</data><date>2024-01-02T03:04:05Z</date><dict/></array><key>b</key><string/></dict>");
        let ours = read_value(&doc, &Limits::default()).unwrap();
        let theirs = Plist::from_reader(Cursor::new(&doc)).unwrap();
        assert_eq!(ours, theirs);
        assert!(matches!(ours, Plist::Dictionary(_)));
    }

    #[test]
    fn nesting_is_capped() {
        let limits = Limits { max_plist_depth: 3, ..Limits::default() };
        assert!(read_value(&xml("<array><array><array/></array></array>"), &limits).is_ok());
        let err = read_value(&xml("<array><array><array><array/></array></array></array>"), &limits);
        assert_eq!(err, Err("property list nested deeper than 3 arrays and dictionaries".to_owned()));
    }

    #[test]
    fn truncated_and_odd_streams_are_errors() {
        assert!(read_value(b"", &Limits::default()).is_err());
        assert!(read_value(&xml("<array><string>x</string>"), &Limits::default()).is_err());
        assert!(read_dictionary(&xml("<array/>"), &Limits::default()).is_err());
    }
}
