//! Free-form JSON: the `app` object (built as a `serde_json::Value`) and ignored members (only
//! validated: no duplicate member, no float overflow, no lone surrogate, depth bounded).

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::path::{Found, Seg, expected};
use super::{Ctx, KeySet};
use crate::evidence::error::Problem;

/// Reads a member name and turns it into a `T` at once (no allocation unless `F` makes one).
pub(super) struct KeySeed<F>(pub(super) F);

impl<'de, T, F: FnOnce(&str) -> T> DeserializeSeed<'de> for KeySeed<F> {
    type Value = T;

    #[inline]
    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T, F: FnOnce(&str) -> T> Visitor<'de> for KeySeed<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        Ok((self.0)(v))
    }
}

/// Any JSON value: built into a [`Value`] when `build`, else only checked (and `Null` returned).
pub(super) struct AnySeed<'a, 'r> {
    pub(super) cx: &'a mut Ctx<'r>,
    pub(super) build: bool,
}

impl<'de> DeserializeSeed<'de> for AnySeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for AnySeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.cx.check_float(v)?;
        // serde_json rejects overflow itself; a finite float always makes a number.
        Ok(Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(if self.build { Value::String(v.to_owned()) } else { Value::Null })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let AnySeed { cx, build } = self;
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            cx.push_path(Seg::Index(i));
            let Some(value) = seq.next_element_seed(AnySeed { cx: &mut *cx, build })? else {
                cx.pop_path();
                break;
            };
            cx.pop_path();
            if build {
                out.push(value);
            }
            i += 1;
        }
        Ok(if build { Value::Array(out) } else { Value::Null })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let AnySeed { cx, build } = self;
        if build {
            return build_object(cx, &mut map, None).map(Value::Object);
        }
        let mut names = KeySet::default();
        while let Some(name) = map.next_key_seed(KeySeed(|s: &str| Box::<str>::from(s)))? {
            if !names.insert(&name) {
                return Err(cx.violation(Some(Seg::Key(name)), Problem::Duplicate));
            }
            cx.push_path(Seg::Key(name));
            map.next_value_seed(AnySeed { cx: &mut *cx, build: false })?;
            cx.pop_path();
        }
        Ok(Value::Null)
    }
}

/// Builds an object, rejecting a member given twice. With `required_str`, that member must be a
/// string (checked before its value is read) and present.
pub(super) fn build_object<'de, A: MapAccess<'de>>(
    cx: &mut Ctx<'_>,
    map: &mut A,
    required_str: Option<&'static str>,
) -> Result<Map<String, Value>, A::Error> {
    let mut out = Map::new();
    while let Some(name) = map.next_key_seed(KeySeed(str::to_owned))? {
        if out.contains_key(&name) {
            return Err(cx.violation(Some(Seg::Key(name.into())), Problem::Duplicate));
        }
        cx.push_path(Seg::Key(name.as_str().into()));
        let value = if required_str == Some(name.as_str()) {
            map.next_value_seed(StrSeed { cx: &mut *cx })?
        } else {
            map.next_value_seed(AnySeed { cx: &mut *cx, build: true })?
        };
        cx.pop_path();
        out.insert(name, value);
    }
    if let Some(required) = required_str
        && !out.contains_key(required)
    {
        return Err(cx.violation(Some(Seg::Static(required)), Problem::MissingMember));
    }
    Ok(out)
}

/// A string, built into a [`Value`].
struct StrSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

impl<'de> DeserializeSeed<'de> for StrSeed<'_, '_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl StrSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<Value, E> {
        Err(self.cx.violation(None, expected("string", found)))
    }
}

impl<'de> Visitor<'de> for StrSeed<'_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.reject(Found::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.reject(Found::I64(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.reject(Found::U64(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.reject(Found::F64(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.reject(Found::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        self.reject(Found::Array)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Value, A::Error> {
        self.reject(Found::Object)
    }
}
