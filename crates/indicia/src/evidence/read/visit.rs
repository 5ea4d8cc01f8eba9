//! The typed visitors: the top-level object, `facts`, `collected`, each kind's array, each fact
//! and each field, reading values straight into the columns.
//!
//! The three objects (the top level, `facts`, a fact) share [`read_members`], which classifies
//! each member by name and handles duplicates, undeclared members and the path; the arrays share
//! [`read_elements`]; a field value and a list element share [`ScalarSlot`].

use std::fmt;

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use super::any::{AnySeed, KeySeed, build_object};
use super::path::{Found, Seg, expected, type_name};
use super::{Column, Ctx, Interning, Items, KeySet, KindLayout, Layout};
use crate::evidence::Sym;
use crate::evidence::error::Problem;
use crate::hir::{ScalarType, Type};

/// Implements `expecting` (serde's description of the value wanted) as the fixed text given.
macro_rules! expecting {
    ($what:literal) => {
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str($what)
        }
    };
}

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

/// `deserialize` = `deserialize_any` with the seed as its own visitor. With `expected "what"`,
/// also the seed's `reject`: the violation `expected what, found …` at the current path.
macro_rules! seed_is_visitor {
    ($seed:ident -> $value:ty) => {
        impl<'de> DeserializeSeed<'de> for $seed<'_, '_> {
            type Value = $value;

            #[inline]
            fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<$value, D::Error> {
                deserializer.deserialize_any(self)
            }
        }
    };
    ($seed:ident -> $value:ty, expected $what:literal) => {
        seed_is_visitor!($seed -> $value);

        impl $seed<'_, '_> {
            fn reject<E: de::Error>(self, found: Found<'_>) -> Result<$value, E> {
                Err(self.cx.violation(None, expected($what, found)))
            }
        }
    };
}

/// Implements `visit_bool`, `visit_i64`, `visit_u64`, `visit_f64` and `visit_str` through the
/// visitor's [`ScalarSlot`] methods.
macro_rules! visit_scalars {
    () => {
        #[inline]
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
            self.read_bool(v)
        }

        #[inline]
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
            self.read_number(Found::I64(v))
        }

        #[inline]
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
            self.read_number(Found::U64(v))
        }

        #[inline]
        fn visit_f64<E: de::Error>(mut self, v: f64) -> Result<(), E> {
            self.cx().check_float(v)?;
            self.read_number(Found::F64(v))
        }

        #[inline]
        fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
            self.read_str(v)
        }
    };
}

/// A member of an object, classified by its name.
enum Member<D> {
    /// One the object's visitor reads.
    Declared(D),
    /// Any other: checked, warned about and skipped.
    Undeclared(Box<str>),
}

impl<D> Member<D> {
    /// Classifies the member `name` of an object whose members are `members`.
    #[inline(always)]
    fn classify<M: Members<Declared = D>>(members: &M, name: &str) -> Member<D> {
        match members.declared(name) {
            Some(member) => Member::Declared(member),
            None => Member::Undeclared(name.into()),
        }
    }
}

/// The members of one kind of object, told apart by name: what [`read_members`] needs to know.
trait Members {
    /// A declared member, as its name classifies it.
    type Declared: Copy;

    /// The declared member named `name`, if any.
    fn declared(&self, name: &str) -> Option<Self::Declared>;

    /// The path segment of a declared member.
    fn seg(&self, member: Self::Declared) -> Seg;

    /// Notes that `member` is given; false when it was given already.
    fn first_time(&mut self, cx: &mut Ctx<'_>, member: Self::Declared) -> bool;

    /// Reads the value of `member` (whose segment is on the path).
    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        cx: &mut Ctx<'_>,
        member: Self::Declared,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// Notes the undeclared member `name` and warns about it; false when it was given already.
    fn undeclared(&mut self, cx: &mut Ctx<'_>, name: &str) -> bool;
}

/// Reads an object's members in order, each value under its member's path segment: a member
/// given twice is a violation, a declared one is read by `members`, any other is skipped.
///
/// Always inlined, as are [`FieldMembers`]' methods: for a fact object this is the hot loop, and
/// it is as fast as a loop written out only when the compiler sees it whole.
#[inline(always)]
fn read_members<'de, A: MapAccess<'de>, M: Members>(
    cx: &mut Ctx<'_>,
    map: &mut A,
    members: &mut M,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key_seed(KeySeed(|name: &str| Member::classify(&*members, name)))? {
        match key {
            Member::Declared(member) => {
                let seg = members.seg(member);
                if !members.first_time(cx, member) {
                    return Err(cx.violation(Some(seg), Problem::Duplicate));
                }
                cx.push_path(seg);
                members.read(cx, member, map)?;
            }
            Member::Undeclared(name) => {
                if !members.undeclared(cx, &name) {
                    return Err(cx.violation(Some(Seg::Key(name)), Problem::Duplicate));
                }
                cx.push_path(Seg::Key(name));
                map.next_value_seed(AnySeed { cx: &mut *cx, build: false })?;
            }
        }
        cx.pop_path();
    }
    Ok(())
}

/// The violation for a required member `name` that the object lacks.
#[cold]
fn missing<E: de::Error>(cx: &mut Ctx<'_>, name: &'static str) -> E {
    cx.violation(Some(Seg::Static(name)), Problem::MissingMember)
}

/// Reads an array's elements, each under its index on the path, with `next` (which reads one,
/// and gives `None` past the last).
#[inline]
fn read_elements<'r, E>(
    cx: &mut Ctx<'r>,
    mut next: impl FnMut(&mut Ctx<'r>) -> Result<Option<()>, E>,
) -> Result<(), E> {
    let mut i = 0;
    loop {
        cx.push_path(Seg::Index(i));
        if next(&mut *cx)?.is_none() {
            cx.pop_path();
            return Ok(());
        }
        cx.pop_path();
        i += 1;
    }
}

/// The whole document: one object with `app`, `facts` and maybe `collected`.
pub(super) struct TopSeed<'a, 'r> {
    pub(super) cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(TopSeed -> (), expected "one JSON object");

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = ();

    expecting!("an evidence object");

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let cx = self.cx;
        let mut members = TopMembers::default();
        read_members(cx, &mut map, &mut members)?;
        if members.app.is_none() {
            return Err(missing(cx, "app"));
        }
        if !members.facts {
            return Err(missing(cx, "facts"));
        }
        cx.app = members.app;
        Ok(())
    }
}

/// A declared member of the top-level object.
#[derive(Clone, Copy)]
enum TopMember {
    App,
    Facts,
    Collected,
}

/// The members of the top-level object read so far.
#[derive(Default)]
struct TopMembers {
    app: Option<serde_json::Map<String, serde_json::Value>>,
    facts: bool,
    collected: bool,
    /// The other members' names.
    others: KeySet,
}

impl Members for TopMembers {
    type Declared = TopMember;

    fn declared(&self, name: &str) -> Option<TopMember> {
        match name {
            "app" => Some(TopMember::App),
            "facts" => Some(TopMember::Facts),
            "collected" => Some(TopMember::Collected),
            _ => None,
        }
    }

    fn seg(&self, member: TopMember) -> Seg {
        Seg::Static(match member {
            TopMember::App => "app",
            TopMember::Facts => "facts",
            TopMember::Collected => "collected",
        })
    }

    fn first_time(&mut self, _: &mut Ctx<'_>, member: TopMember) -> bool {
        match member {
            // Noted by keeping its value.
            TopMember::App => self.app.is_none(),
            TopMember::Facts => !std::mem::replace(&mut self.facts, true),
            TopMember::Collected => !std::mem::replace(&mut self.collected, true),
        }
    }

    fn read<'de, A: MapAccess<'de>>(
        &mut self,
        cx: &mut Ctx<'_>,
        member: TopMember,
        map: &mut A,
    ) -> Result<(), A::Error> {
        match member {
            TopMember::App => self.app = Some(map.next_value_seed(AppSeed { cx })?),
            TopMember::Facts => map.next_value_seed(FactsSeed { cx })?,
            TopMember::Collected => map.next_value_seed(CollectedSeed { cx })?,
        }
        Ok(())
    }

    fn undeclared(&mut self, cx: &mut Ctx<'_>, name: &str) -> bool {
        if !self.others.insert(name) {
            return false;
        }
        cx.warnings.push(format!("unknown top-level member `{name}` ignored"));
        true
    }
}

/// `app`: an object with a string `id`, kept as it is.
pub(super) struct AppSeed<'a, 'r> {
    pub(super) cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(AppSeed -> serde_json::Map<String, serde_json::Value>, expected "object");

impl<'de> Visitor<'de> for AppSeed<'_, '_> {
    type Value = serde_json::Map<String, serde_json::Value>;

    expecting!("the app object");

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        build_object(self.cx, &mut map, Some("id"))
    }
}

/// `facts`: kind → array of facts.
struct FactsSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(FactsSeed -> (), expected "object");

impl<'de> Visitor<'de> for FactsSeed<'_, '_> {
    type Value = ();

    expecting!("the facts object");

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let layout = self.cx.layout;
        read_members(self.cx, &mut map, &mut KindMembers { layout, undeclared: KeySet::default() })
    }
}

/// The members of `facts`: the declared kinds, by number, and the names of the others.
struct KindMembers<'l> {
    layout: &'l Layout,
    undeclared: KeySet,
}

impl Members for KindMembers<'_> {
    type Declared = usize;

    #[inline]
    fn declared(&self, name: &str) -> Option<usize> {
        self.layout.kind_id(name)
    }

    #[inline]
    fn seg(&self, kind: usize) -> Seg {
        Seg::Kind(kind)
    }

    #[inline]
    fn first_time(&mut self, cx: &mut Ctx<'_>, kind: usize) -> bool {
        cx.s.kind_seen.get_mut(kind).map(|seen| std::mem::replace(seen, true)) == Some(false)
    }

    #[inline]
    fn read<'de, A: MapAccess<'de>>(&mut self, cx: &mut Ctx<'_>, kind: usize, map: &mut A) -> Result<(), A::Error> {
        if let Some(table) = cx.tables.get_mut(kind) {
            table.observed = true;
        }
        map.next_value_seed(KindSeed { cx, kind })
    }

    fn undeclared(&mut self, cx: &mut Ctx<'_>, name: &str) -> bool {
        if !self.undeclared.insert(name) {
            return false;
        }
        cx.warn_kind(name);
        true
    }
}

/// `collected`: an array of kind names (null: as if absent).
struct CollectedSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(CollectedSeed -> (), expected "array");

impl<'de> Visitor<'de> for CollectedSeed<'_, '_> {
    type Value = ();

    expecting!("an array of fact kinds");

    reject!(bool, int, str, object);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        read_elements(self.cx, |cx| seq.next_element_seed(CollectedKindSeed { cx }))
    }
}

/// One element of `collected`.
struct CollectedKindSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
}

seed_is_visitor!(CollectedKindSeed -> (), expected "string");

impl<'de> Visitor<'de> for CollectedKindSeed<'_, '_> {
    type Value = ();

    expecting!("a fact kind");

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

seed_is_visitor!(KindSeed -> (), expected "array");

impl<'de> Visitor<'de> for KindSeed<'_, '_> {
    type Value = ();

    expecting!("an array of facts");

    reject!(bool, int, str, null, object);

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let kind = self.kind;
        read_elements(self.cx, |cx| seq.next_element_seed(FactSeed { cx, kind }))
    }
}

/// One fact object of a declared kind.
struct FactSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
}

seed_is_visitor!(FactSeed -> (), expected "object");

impl<'de> Visitor<'de> for FactSeed<'_, '_> {
    type Value = ();

    expecting!("a fact object");

    reject!(bool, int, str, null, array);

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let FactSeed { cx, kind } = self;
        let Some(layout) = cx.layout.kinds.get(kind) else {
            return Err(cx.violation(None, Problem::Internal("unknown kind")));
        };
        cx.s.stamp += 1;
        let stamp = cx.s.stamp;
        cx.s.fact_keys.clear();
        read_members(cx, &mut map, &mut FieldMembers { kind, layout, stamp, guess: 0 })?;
        for (field, decl) in layout.fields.iter().enumerate() {
            let given = cx.s.stamps.get(kind).and_then(|s| s.get(field)) == Some(&stamp);
            if given {
                continue;
            }
            if !decl.optional {
                return Err(cx.violation(Some(Seg::Field(kind, field)), Problem::MissingField));
            }
            put_cell(cx, kind, field, Cell::null(decl.ty))?;
        }
        if let Some(table) = cx.tables.get_mut(kind) {
            table.len += 1;
        }
        Ok(())
    }
}

/// The members of one fact object: its kind's declared fields, by number (the names of the others
/// are in `Scratch::fact_keys`).
struct FieldMembers<'l> {
    kind: usize,
    layout: &'l KindLayout,
    /// The fact object's number: `Scratch::stamps` holds it for the fields it gave.
    stamp: u64,
    /// The field tried first: facts of one kind tend to list their fields in the same order.
    guess: usize,
}

impl Members for FieldMembers<'_> {
    type Declared = usize;

    #[inline(always)]
    fn declared(&self, name: &str) -> Option<usize> {
        self.layout.field_id(name, self.guess)
    }

    #[inline(always)]
    fn seg(&self, field: usize) -> Seg {
        Seg::Field(self.kind, field)
    }

    #[inline(always)]
    fn first_time(&mut self, cx: &mut Ctx<'_>, field: usize) -> bool {
        match cx.s.stamps.get_mut(self.kind).and_then(|s| s.get_mut(field)) {
            Some(last) if *last != self.stamp => {
                *last = self.stamp;
                true
            }
            _ => false,
        }
    }

    #[inline(always)]
    fn read<'de, A: MapAccess<'de>>(&mut self, cx: &mut Ctx<'_>, field: usize, map: &mut A) -> Result<(), A::Error> {
        self.guess = field + 1;
        let Some(decl) = self.layout.fields.get(field) else {
            return Err(cx.violation(None, Problem::Internal("unknown field")));
        };
        map.next_value_seed(FieldSeed {
            cx,
            kind: self.kind,
            field,
            ty: decl.ty,
            optional: decl.optional,
            interning: decl.interning,
        })
    }

    #[inline(always)]
    fn undeclared(&mut self, cx: &mut Ctx<'_>, name: &str) -> bool {
        if !cx.s.fact_keys.insert(name) {
            return false;
        }
        cx.warn_field(self.kind, name);
        true
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
fn put_cell<E: de::Error>(cx: &mut Ctx<'_>, kind: usize, field: usize, cell: Cell) -> Result<(), E> {
    let column = cx.tables.get_mut(kind).and_then(|t| t.columns.get_mut(field));
    match (column, cell) {
        (Some(Column::Bool(v)), Cell::Bool(x)) => v.push(x),
        (Some(Column::Int(v)), Cell::Int(x)) => v.push(x),
        (Some(Column::Float(v)), Cell::Float(x)) => v.push(x),
        (Some(Column::Str(v)), Cell::Str(x)) => v.push(x),
        (Some(Column::List(v)), Cell::List(x)) => v.ranges.push(x),
        _ => return Err(cx.violation(None, Problem::Internal("column type mismatch"))),
    }
    Ok(())
}

/// The message for a number given for an `int`.
#[cold]
fn not_an_int(found: Found<'_>) -> Problem {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63
    match found {
        Found::U64(_) => Problem::OutOfRange(format!("expected int, found {found} outside the 64-bit signed range")),
        Found::F64(x) if x.fract() == 0.0 && -LIMIT < x && x < LIMIT => {
            Problem::WrongType(format!("expected int, found {found} (an int is written without fraction or exponent)"))
        }
        Found::F64(x) if x.fract() == 0.0 => {
            Problem::OutOfRange(format!("expected int, found {found} outside the 64-bit signed range"))
        }
        _ => expected("int", found),
    }
}

/// A number as an `int`: an integer written as such (`-0` arrives as a float and is taken as 0).
#[inline]
pub(super) fn as_int(found: Found<'_>) -> Result<i64, Problem> {
    match found {
        Found::I64(n) => Ok(n),
        Found::U64(n) => i64::try_from(n).map_err(|_| not_an_int(found)),
        Found::F64(x) if x == 0.0 && x.is_sign_negative() => Ok(0),
        _ => Err(not_an_int(found)),
    }
}

/// A number as a `float`.
#[inline]
pub(super) fn as_float(found: Found<'_>) -> Option<f64> {
    match found {
        Found::I64(n) => Some(n as f64),
        Found::U64(n) => Some(n as f64),
        Found::F64(x) => Some(x),
        _ => None,
    }
}

/// One scalar value, typed.
enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Sym),
}

/// A place for one scalar value: a field's column ([`FieldSeed`]) or a list field's items
/// ([`ItemSeed`]). Its provided methods read a boolean, a number or a string into it.
trait ScalarSlot<'r>: Sized {
    /// The state of the read.
    fn cx(&mut self) -> &mut Ctx<'r>;

    /// The scalar type taken here; `None` for a list field, which takes an array.
    fn scalar(&self) -> Option<ScalarType>;

    /// How a string taken here is interned.
    fn interning(&self) -> Interning;

    /// Stores `value`, of the type [`ScalarSlot::scalar`].
    fn put<E: de::Error>(self, value: Scalar) -> Result<(), E>;

    /// Fails on a value of the wrong type.
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E>;

    /// Reads a boolean.
    #[inline]
    fn read_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        if self.scalar() == Some(ScalarType::Bool) { self.put(Scalar::Bool(v)) } else { self.reject(Found::Bool(v)) }
    }

    /// Reads a number (`found` is one) as an int or a float.
    #[inline]
    fn read_number<E: de::Error>(mut self, found: Found<'_>) -> Result<(), E> {
        match self.scalar() {
            Some(ScalarType::Int) => match as_int(found) {
                Ok(n) => self.put(Scalar::Int(n)),
                Err(problem) => Err(self.cx().violation(None, problem)),
            },
            Some(ScalarType::Float) => match as_float(found) {
                Some(x) => self.put(Scalar::Float(x)),
                None => self.reject(found),
            },
            _ => self.reject(found),
        }
    }

    /// Reads a string, interned.
    #[inline]
    fn read_str<E: de::Error>(mut self, v: &str) -> Result<(), E> {
        if self.scalar() != Some(ScalarType::Str) {
            return self.reject(Found::Str(v));
        }
        let how = self.interning();
        let sym = self.cx().intern(v, how)?;
        self.put(Scalar::Str(sym))
    }
}

/// One declared field's value.
struct FieldSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
    field: usize,
    ty: Type,
    optional: bool,
    interning: Interning,
}

seed_is_visitor!(FieldSeed -> ());

impl<'r> ScalarSlot<'r> for FieldSeed<'_, 'r> {
    #[inline]
    fn cx(&mut self) -> &mut Ctx<'r> {
        self.cx
    }

    #[inline]
    fn scalar(&self) -> Option<ScalarType> {
        (!self.ty.list).then_some(self.ty.scalar)
    }

    #[inline]
    fn interning(&self) -> Interning {
        self.interning
    }

    #[inline]
    fn put<E: de::Error>(self, value: Scalar) -> Result<(), E> {
        let cell = match value {
            Scalar::Bool(b) => Cell::Bool(Some(b)),
            Scalar::Int(n) => Cell::Int(Some(n)),
            Scalar::Float(x) => Cell::Float(Some(x)),
            Scalar::Str(sym) => Cell::Str(Some(sym)),
        };
        put_cell(self.cx, self.kind, self.field, cell)
    }

    #[cold]
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected(&type_name(self.ty), found)))
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_> {
    type Value = ();

    expecting!("a field value");

    reject!(object);

    visit_scalars!();

    #[inline]
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        if self.optional {
            put_cell(self.cx, self.kind, self.field, Cell::null(self.ty))
        } else {
            self.reject(Found::Null)
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !self.ty.list {
            return self.reject(Found::Array);
        }
        let FieldSeed { cx, kind, field, ty, interning, .. } = self;
        let start = cx.tables.get(kind).and_then(|t| t.columns.get(field)).map_or(0, super::items_len);
        read_elements(cx, |cx| seq.next_element_seed(ItemSeed { cx, kind, field, scalar: ty.scalar, interning }))?;
        let end = cx.tables.get(kind).and_then(|t| t.columns.get(field)).map_or(0, super::items_len);
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) => put_cell(cx, kind, field, Cell::List(Some((start, end)))),
            _ => Err(cx.violation(None, Problem::TooLarge("too many list elements in one evidence object"))),
        }
    }
}

/// One element of a list field.
struct ItemSeed<'a, 'r> {
    cx: &'a mut Ctx<'r>,
    kind: usize,
    field: usize,
    scalar: ScalarType,
    interning: Interning,
}

seed_is_visitor!(ItemSeed -> ());

impl<'r> ScalarSlot<'r> for ItemSeed<'_, 'r> {
    #[inline]
    fn cx(&mut self) -> &mut Ctx<'r> {
        self.cx
    }

    #[inline]
    fn scalar(&self) -> Option<ScalarType> {
        Some(self.scalar)
    }

    #[inline]
    fn interning(&self) -> Interning {
        self.interning
    }

    #[inline]
    fn put<E: de::Error>(self, value: Scalar) -> Result<(), E> {
        let column = self.cx.tables.get_mut(self.kind).and_then(|t| t.columns.get_mut(self.field));
        let Some(Column::List(list)) = column else {
            return Err(self.cx.violation(None, Problem::Internal("column type mismatch")));
        };
        match (&mut list.items, value) {
            (Items::Bool(v), Scalar::Bool(x)) => v.push(x),
            (Items::Int(v), Scalar::Int(x)) => v.push(x),
            (Items::Float(v), Scalar::Float(x)) => v.push(x),
            (Items::Str(v), Scalar::Str(x)) => v.push(x),
            _ => return Err(self.cx.violation(None, Problem::Internal("column type mismatch"))),
        }
        Ok(())
    }

    #[cold]
    fn reject<E: de::Error>(self, found: Found<'_>) -> Result<(), E> {
        Err(self.cx.violation(None, expected(self.scalar.name(), found)))
    }
}

impl<'de> Visitor<'de> for ItemSeed<'_, '_> {
    type Value = ();

    expecting!("a list element");

    reject!(null, array, object);

    visit_scalars!();
}
