//! The typed visitors: the top-level object, `facts`, `collected`, each kind's array, each fact
//! and each field, reading values straight into the columns.

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::any::{AnySeed, KeySeed, build_object};
use super::path::{Found, Seg, expected, type_name};
use super::{Column, Ctx, Items, KeySet};
use crate::evidence::Sym;
use crate::hir::{ScalarType, Type};

/// Implements the listed `visit_*` methods as rejections through the visitor's own `reject`.
macro_rules! reject {
    (bool) => {
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            self.reject(Found::Bool(v))
        }
    };
    (int) => {
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            self.reject(Found::I64(v))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            self.reject(Found::U64(v))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            self.reject(Found::F64(v))
        }
    };
    (str) => {
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            self.reject(Found::Str(v))
        }
    };
    (null) => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            self.reject(Found::Null)
        }
    };
    (array) => {
        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            self.reject(Found::Array)
        }
    };
    (object) => {
        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
            self.reject(Found::Object)
        }
    };
    ($($what:tt),+) => {
        $(reject!($what);)+
    };
}

/// `deserialize` = `deserialize_any` with the seed as its own visitor.
macro_rules! seed_is_visitor {
    ($seed:ident, $value:ty) => {
        impl<'de> DeserializeSeed<'de> for $seed<'_, '_> {
            type Value = $value;

            #[inline]
            fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<$value, D::Error> {
                deserializer.deserialize_any(self)
            }
        }
    };
}

/// The whole document: one object with `app`, `facts` and maybe `collected`.
pub(super) struct TopSeed<'a, 'r> {
    pub(super) cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(TopSeed, ());

enum TopKey {
    App,
    Facts,
    Collected,
    Other(Box<str>),
}

impl TopSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected("one JSON object", found)))
    }
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an evidence object")
    }

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let cx = self.cx;
        let (mut app, mut facts, mut collected) = (None, false, false);
        let mut others = KeySet::default();
        let classify = |s: &str| match s {
            "app" => TopKey::App,
            "facts" => TopKey::Facts,
            "collected" => TopKey::Collected,
            _ => TopKey::Other(s.into()),
        };
        while let Some(key) = map.next_key_seed(KeySeed(classify))? {
            let (name, seen) = match &key {
                TopKey::App => ("app", app.is_some()),
                TopKey::Facts => ("facts", facts),
                TopKey::Collected => ("collected", collected),
                TopKey::Other(_) => ("", false),
            };
            if seen {
                return Err(cx.violation(Some(Seg::Static(name)), "member given twice".to_owned()));
            }
            match key {
                TopKey::App => {
                    cx.push_path(Seg::Static("app"));
                    app = Some(map.next_value_seed(AppSeed { cx: &mut *cx })?);
                }
                TopKey::Facts => {
                    cx.push_path(Seg::Static("facts"));
                    map.next_value_seed(FactsSeed { cx: &mut *cx })?;
                    facts = true;
                }
                TopKey::Collected => {
                    cx.push_path(Seg::Static("collected"));
                    map.next_value_seed(CollectedSeed { cx: &mut *cx })?;
                    collected = true;
                }
                TopKey::Other(name) => {
                    if !others.insert(&name) {
                        return Err(cx.violation(Some(Seg::Key(name)), "member given twice".to_owned()));
                    }
                    cx.warnings.push(format!("unknown top-level member `{name}` ignored"));
                    cx.push_path(Seg::Key(name));
                    map.next_value_seed(AnySeed { cx: &mut *cx, build: false })?;
                }
            }
            cx.pop_path();
        }
        if app.is_none() {
            return Err(cx.violation(Some(Seg::Static("app")), "missing required member".to_owned()));
        }
        if !facts {
            return Err(cx.violation(Some(Seg::Static("facts")), "missing required member".to_owned()));
        }
        cx.app = app;
        Ok(())
    }
}

/// `app`: an object with a string `id`, kept as it is.
struct AppSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(AppSeed, serde_json::Map<String, serde_json::Value>);

impl AppSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<serde_json::Map<String, serde_json::Value>, E> {
        Err(self.cx.violation(None, expected("object", found)))
    }
}

impl<'de> Visitor<'de> for AppSeed<'_, '_> {
    type Value = serde_json::Map<String, serde_json::Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the app object")
    }

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        build_object(self.cx, &mut map, Some("id"))
    }
}

/// `facts`: kind → array of facts.
struct FactsSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(FactsSeed, ());

enum KindKey {
    Declared(usize),
    Undeclared(Box<str>),
}

impl FactsSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected("object", found)))
    }
}

impl<'de> Visitor<'de> for FactsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the facts object")
    }

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let cx = self.cx;
        let layout = cx.layout;
        let mut undeclared = KeySet::default();
        let classify = |s: &str| match layout.kind_id(s) {
            Some(k) => KindKey::Declared(k),
            None => KindKey::Undeclared(s.into()),
        };
        while let Some(key) = map.next_key_seed(KeySeed(classify))? {
            match key {
                KindKey::Declared(kind) => {
                    let seen = cx.s.kind_seen.get_mut(kind).map(|seen| std::mem::replace(seen, true));
                    if seen != Some(false) {
                        return Err(cx.violation(Some(Seg::Kind(kind)), "member given twice".to_owned()));
                    }
                    if let Some(table) = cx.tables.get_mut(kind) {
                        table.observed = true;
                    }
                    cx.push_path(Seg::Kind(kind));
                    map.next_value_seed(KindSeed { cx: &mut *cx, kind })?;
                }
                KindKey::Undeclared(name) => {
                    if !undeclared.insert(&name) {
                        return Err(cx.violation(Some(Seg::Key(name)), "member given twice".to_owned()));
                    }
                    cx.warn_kind(&name);
                    cx.push_path(Seg::Key(name));
                    map.next_value_seed(AnySeed { cx: &mut *cx, build: false })?;
                }
            }
            cx.pop_path();
        }
        Ok(())
    }
}

/// `collected`: an array of kind names (null: as if absent).
struct CollectedSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(CollectedSeed, ());

impl CollectedSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected("array", found)))
    }
}

impl<'de> Visitor<'de> for CollectedSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of fact kinds")
    }

    reject!(bool, int, str, object);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let cx = self.cx;
        let mut i = 0;
        loop {
            cx.push_path(Seg::Index(i));
            if seq.next_element_seed(CollectedKindSeed { cx: &mut *cx })?.is_none() {
                cx.pop_path();
                return Ok(());
            }
            cx.pop_path();
            i += 1;
        }
    }
}

/// One element of `collected`.
struct CollectedKindSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(CollectedKindSeed, ());

impl CollectedKindSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected("string", found)))
    }
}

impl<'de> Visitor<'de> for CollectedKindSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact kind")
    }

    reject!(bool, int, null, array, object);

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        match self.cx.layout.kind_id(v) {
            Some(kind) => {
                if let Some(table) = self.cx.tables.get_mut(kind) {
                    table.observed = true;
                }
            }
            None => self.cx.warn_kind(v),
        }
        Ok(())
    }
}

/// The array of one declared kind's facts.
struct KindSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
}

seed_is_visitor!(KindSeed, ());

impl KindSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected("array", found)))
    }
}

impl<'de> Visitor<'de> for KindSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of facts")
    }

    reject!(bool, int, str, null, object);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let KindSeed { cx, kind } = self;
        let mut i = 0;
        loop {
            cx.push_path(Seg::Index(i));
            if seq.next_element_seed(FactSeed { cx: &mut *cx, kind })?.is_none() {
                cx.pop_path();
                return Ok(());
            }
            cx.pop_path();
            i += 1;
        }
    }
}

/// One fact object of a declared kind.
struct FactSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
}

seed_is_visitor!(FactSeed, ());

enum FieldKey {
    Declared(usize),
    Undeclared(Box<str>),
}

impl FactSeed<'_, '_> {
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected("object", found)))
    }
}

impl<'de> Visitor<'de> for FactSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fact object")
    }

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let FactSeed { cx, kind } = self;
        let Some(layout) = cx.layout.kinds.get(kind) else {
            return Err(cx.violation(None, "internal error: unknown kind".to_owned()));
        };
        cx.s.stamp += 1;
        let stamp = cx.s.stamp;
        cx.s.fact_keys.clear();
        let mut guess = 0;
        let classify = |guess: usize| {
            move |s: &str| match layout.field_id(s, guess) {
                Some(f) => FieldKey::Declared(f),
                None => FieldKey::Undeclared(s.into()),
            }
        };
        while let Some(key) = map.next_key_seed(KeySeed(classify(guess)))? {
            match key {
                FieldKey::Declared(field) => {
                    guess = field + 1;
                    let last = cx.s.stamps.get_mut(kind).and_then(|s| s.get_mut(field));
                    let Some(last) = last.filter(|last| **last != stamp) else {
                        return Err(cx.violation(Some(Seg::Field(kind, field)), "member given twice".to_owned()));
                    };
                    *last = stamp;
                    let Some(decl) = layout.fields.get(field) else {
                        return Err(cx.violation(None, "internal error: unknown field".to_owned()));
                    };
                    cx.push_path(Seg::Field(kind, field));
                    map.next_value_seed(FieldSeed { cx: &mut *cx, kind, field, ty: decl.ty, optional: decl.optional })?;
                }
                FieldKey::Undeclared(name) => {
                    if !cx.s.fact_keys.insert(&name) {
                        return Err(cx.violation(Some(Seg::Key(name)), "member given twice".to_owned()));
                    }
                    cx.warn_field(kind, &name);
                    cx.push_path(Seg::Key(name));
                    map.next_value_seed(AnySeed { cx: &mut *cx, build: false })?;
                }
            }
            cx.pop_path();
        }
        for (field, decl) in layout.fields.iter().enumerate() {
            let given = cx.s.stamps.get(kind).and_then(|s| s.get(field)) == Some(&stamp);
            if given {
                continue;
            }
            if !decl.optional {
                return Err(cx.violation(Some(Seg::Field(kind, field)), "required field is missing".to_owned()));
            }
            put(cx, kind, field, Cell::null(decl.ty))?;
        }
        if let Some(table) = cx.tables.get_mut(kind) {
            table.len += 1;
        }
        Ok(())
    }
}

/// One value for a column.
enum Cell {
    Bool(Option<bool>),
    Int(Option<i64>),
    Float(Option<f64>),
    Str(Option<Sym>),
    List(Option<(u32, u32)>),
}

impl Cell {
    /// A missing or null value of type `ty`.
    fn null(ty: Type) -> Cell {
        if ty.list {
            return Cell::List(None);
        }
        match ty.scalar {
            ScalarType::Bool => Cell::Bool(None),
            ScalarType::Int => Cell::Int(None),
            ScalarType::Float => Cell::Float(None),
            ScalarType::Str => Cell::Str(None),
        }
    }
}

/// Appends `cell` to the column of `kind`'s `field`.
#[inline]
fn put<E: de::Error>(cx: &mut Ctx<'_>, kind: usize, field: usize, cell: Cell) -> Result<(), E> {
    let column = cx.tables.get_mut(kind).and_then(|t| t.columns.get_mut(field));
    match (column, cell) {
        (Some(Column::Bool(v)), Cell::Bool(x)) => v.push(x),
        (Some(Column::Int(v)), Cell::Int(x)) => v.push(x),
        (Some(Column::Float(v)), Cell::Float(x)) => v.push(x),
        (Some(Column::Str(v)), Cell::Str(x)) => v.push(x),
        (Some(Column::List(v)), Cell::List(x)) => v.ranges.push(x),
        _ => return Err(cx.violation(None, "internal error: column type mismatch".to_owned())),
    }
    Ok(())
}

/// The message for a number given for an `int`.
#[cold]
fn not_an_int(found: Found<'_>) -> String {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    match found {
        Found::U64(_) => format!("{} outside the 64-bit signed range", expected("int", found)),
        Found::F64(x) if x.fract() == 0.0 && -LIMIT < x && x < LIMIT => {
            format!("{} (an int is written without fraction or exponent)", expected("int", found))
        }
        Found::F64(x) if x.fract() == 0.0 => format!("{} outside the 64-bit signed range", expected("int", found)),
        _ => expected("int", found),
    }
}

/// A number as an `int`: an integer written as such (`-0` arrives as a float and is taken as 0).
#[inline]
fn as_int(found: Found<'_>) -> Result<i64, String> {
    match found {
        Found::I64(n) => Ok(n),
        Found::U64(n) => i64::try_from(n).map_err(|_| not_an_int(found)),
        Found::F64(x) if x == 0.0 && x.is_sign_negative() => Ok(0),
        _ => Err(not_an_int(found)),
    }
}

/// A number as a `float`.
#[inline]
fn as_float(found: Found<'_>) -> Option<f64> {
    match found {
        Found::I64(n) => Some(n as f64),
        Found::U64(n) => Some(n as f64),
        Found::F64(x) => Some(x),
        _ => None,
    }
}

/// One declared field's value.
struct FieldSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
    field: usize,
    ty: Type,
    optional: bool,
}

seed_is_visitor!(FieldSeed, ());

impl FieldSeed<'_, '_> {
    #[cold]
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected(&type_name(self.ty), found)))
    }

    #[inline]
    fn number<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        match (self.ty.list, self.ty.scalar) {
            (false, ScalarType::Int) => match as_int(found) {
                Ok(n) => put(self.cx, self.kind, self.field, Cell::Int(Some(n))),
                Err(message) => Err(self.cx.violation(None, message)),
            },
            (false, ScalarType::Float) => match as_float(found) {
                Some(x) => put(self.cx, self.kind, self.field, Cell::Float(Some(x))),
                None => self.reject(found),
            },
            _ => self.reject(found),
        }
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field value")
    }

    reject!(object);

    #[inline]
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if self.ty == Type::BOOL {
            put(self.cx, self.kind, self.field, Cell::Bool(Some(v)))
        } else {
            self.reject(Found::Bool(v))
        }
    }

    #[inline]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.number(Found::I64(v))
    }

    #[inline]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.number(Found::U64(v))
    }

    #[inline]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.cx.check_float(v)?;
        self.number(Found::F64(v))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if self.ty.list || self.ty.scalar != ScalarType::Str {
            return self.reject(Found::Str(v));
        }
        let sym = self.cx.intern(v)?;
        put(self.cx, self.kind, self.field, Cell::Str(Some(sym)))
    }

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.optional { put(self.cx, self.kind, self.field, Cell::null(self.ty)) } else { self.reject(Found::Null) }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !self.ty.list {
            return self.reject(Found::Array);
        }
        let FieldSeed { cx, kind, field, ty, .. } = self;
        let start = cx.tables.get(kind).and_then(|t| t.columns.get(field)).map_or(0, super::items_len);
        let mut i = 0;
        loop {
            cx.push_path(Seg::Index(i));
            let item = ItemSeed { cx: &mut *cx, kind, field, scalar: ty.scalar };
            if seq.next_element_seed(item)?.is_none() {
                cx.pop_path();
                break;
            }
            cx.pop_path();
            i += 1;
        }
        let end = cx.tables.get(kind).and_then(|t| t.columns.get(field)).map_or(0, super::items_len);
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) => put(cx, kind, field, Cell::List(Some((start, end)))),
            _ => Err(cx.violation(None, "too many list elements in one evidence object".to_owned())),
        }
    }
}

/// One element of a list field.
struct ItemSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
    field: usize,
    scalar: ScalarType,
}

seed_is_visitor!(ItemSeed, ());

/// One list element, typed.
enum Item {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Sym),
}

impl ItemSeed<'_, '_> {
    #[cold]
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected(self.scalar.name(), found)))
    }

    #[inline]
    fn put<E: de::Error>(self, item: Item) -> Result<(), E> {
        let column = self.cx.tables.get_mut(self.kind).and_then(|t| t.columns.get_mut(self.field));
        let Some(Column::List(list)) = column else {
            return Err(self.cx.violation(None, "internal error: column type mismatch".to_owned()));
        };
        match (&mut list.items, item) {
            (Items::Bool(v), Item::Bool(x)) => v.push(x),
            (Items::Int(v), Item::Int(x)) => v.push(x),
            (Items::Float(v), Item::Float(x)) => v.push(x),
            (Items::Str(v), Item::Str(x)) => v.push(x),
            _ => return Err(self.cx.violation(None, "internal error: column type mismatch".to_owned())),
        }
        Ok(())
    }

    #[inline]
    fn number<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        match self.scalar {
            ScalarType::Int => match as_int(found) {
                Ok(n) => self.put(Item::Int(n)),
                Err(message) => Err(self.cx.violation(None, message)),
            },
            ScalarType::Float => match as_float(found) {
                Some(x) => self.put(Item::Float(x)),
                None => self.reject(found),
            },
            _ => self.reject(found),
        }
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list element")
    }

    reject!(null, array, object);

    #[inline]
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if self.scalar == ScalarType::Bool { self.put(Item::Bool(v)) } else { self.reject(Found::Bool(v)) }
    }

    #[inline]
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.number(Found::I64(v))
    }

    #[inline]
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.number(Found::U64(v))
    }

    #[inline]
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.cx.check_float(v)?;
        self.number(Found::F64(v))
    }

    #[inline]
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if self.scalar != ScalarType::Str {
            return self.reject(Found::Str(v));
        }
        let sym = self.cx.intern(v)?;
        self.put(Item::Str(sym))
    }
}
