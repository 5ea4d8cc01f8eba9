//! The direct reader: the usual evidence object read straight from its text, with no serde
//! visitor, no JSON path kept and no parser in between.
//!
//! It reads what evidence producers write: the top-level members `app`, `facts` and
//! `collected`, declared kinds and fields only, strings whose escapes are the short ones
//! (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`). Anything else (an undeclared member, a
//! `\u` escape, a number past 18 digits, a float that overflows, an `app` nested more than 64
//! deep, a kind of more than 64 fields) and every error make it give up ([`Bail`]): the object is then read again by the serde readers, which
//! warn, give the exact error and its JSON path. So the path of the value being read is
//! never kept here, and a member's duplicate is found with one bit per field.
//!
//! What it accepts, it reads exactly as the serde readers do (the same cells, the same strings
//! interned in the same order, the same `app`): the evidence parser tests compare the two.
//! The usual `app` object (string members without escapes) is read here, into the previous
//! object's map; any other is found here and built by serde_json, as the serde readers build it.

use serde::de::DeserializeSeed;

use super::intern::Interner;
use super::path::Found;
use super::visit::{AppSeed, as_float, as_int};
use super::{Column, Ctx, FieldLayout, Interning, Items, KindLayout};
use crate::evidence::{Sym, Symbols};

/// The direct reader does not read this object: read it with the serde readers.
#[derive(Debug)]
pub(super) struct Bail;

type Read<T> = Result<T, Bail>;

/// The deepest `app` object read here (serde_json's limit, 128, counts from the top level).
const APP_DEPTH_MAX: usize = 64;

/// The most digits of an integer read here (any 18 digits fit an `i64`).
const INT_DIGITS_MAX: usize = 18;

/// Reads the evidence object `text` into `cx`.
pub(super) fn read(text: &str, cx: &mut Ctx<'_>) -> Read<()> {
    // The object's own strings are spans of this copy: one copy of the whole text costs less
    // than one of each string.
    cx.s.interner.copy_source(text);
    let mut c = Cursor { text, bytes: text.as_bytes(), pos: 0 };
    c.expect(b'{')?;
    let (mut app, mut facts, mut collected) = (false, false, false);
    let mut buf = String::new();
    if !c.close(b'}') {
        loop {
            c.skip_ws();
            let key = c.string(&mut buf)?;
            match key {
                "app" if !app => {
                    app = true;
                    c.expect(b':')?;
                    let start = c.pos;
                    if !read_plain_app(&mut c, cx) {
                        c.pos = start;
                        read_app(c.value_text()?, cx)?;
                    }
                }
                "facts" if !facts => {
                    facts = true;
                    c.expect(b':')?;
                    read_facts(&mut c, cx)?;
                }
                "collected" if !collected => {
                    collected = true;
                    c.expect(b':')?;
                    read_collected(&mut c, cx)?;
                }
                _ => return Err(Bail),
            }
            if !c.more(b'}')? {
                break;
            }
        }
    }
    c.skip_ws();
    if !(app && facts) || c.pos != c.bytes.len() {
        return Err(Bail);
    }
    Ok(())
}

/// `app`: built by serde_json through the serde readers' own visitor.
fn read_app(text: &str, cx: &mut Ctx<'_>) -> Read<()> {
    let mut de = serde_json::Deserializer::from_str(text);
    let app = AppSeed { cx: &mut *cx }.deserialize(&mut de).map_err(|_| Bail)?;
    de.end().map_err(|_| Bail)?;
    cx.app = Some(app);
    Ok(())
}

/// The most members of an `app` object read by [`read_plain_app`].
const PLAIN_APP_MAX: usize = 16;

/// `app` when it is the usual object: at most [`PLAIN_APP_MAX`] members, every name and value a
/// string without escapes, no name twice, an `id`. It is read into the previous object's `app`
/// (`cx.spare_app`), its strings overwritten in place when the names are the same, in the same
/// order. False (and nothing read) for any other object, which serde_json then reads.
fn read_plain_app(c: &mut Cursor<'_>, cx: &mut Ctx<'_>) -> bool {
    let mut members: [(&str, &str); PLAIN_APP_MAX] = [("", ""); PLAIN_APP_MAX];
    let mut n = 0;
    c.skip_ws();
    if c.peek() != Some(b'{') {
        return false;
    }
    c.pos += 1;
    if !c.close(b'}') {
        loop {
            c.skip_ws();
            let Some(name) = c.plain_string() else { return false };
            if c.expect(b':').is_err() {
                return false;
            }
            c.skip_ws();
            let Some(value) = c.plain_string() else { return false };
            let Some(slot) = members.get_mut(n) else { return false };
            *slot = (name, value);
            n += 1;
            match c.more(b'}') {
                Ok(true) => {}
                Ok(false) => break,
                Err(Bail) => return false,
            }
        }
    }
    let members = members.get(..n).unwrap_or_default();
    let twice = members
        .iter()
        .enumerate()
        .any(|(i, (name, _))| members.get(..i).is_some_and(|before| before.iter().any(|(b, _)| b == name)));
    if twice || !members.iter().any(|(name, _)| *name == "id") {
        return false;
    }
    let mut app = std::mem::take(&mut cx.spare_app);
    let same_names = app.len() == n && app.keys().zip(members).all(|(key, (name, _))| key == name);
    if same_names {
        for (value, (_, text)) in app.values_mut().zip(members) {
            match value {
                serde_json::Value::String(s) => {
                    s.clear();
                    s.push_str(text);
                }
                other => *other = serde_json::Value::String((*text).to_owned()),
            }
        }
    } else {
        app.clear();
        for (name, text) in members {
            app.insert((*name).to_owned(), serde_json::Value::String((*text).to_owned()));
        }
    }
    cx.app = Some(app);
    true
}

/// `collected`: null, or an array of kind names.
fn read_collected(c: &mut Cursor<'_>, cx: &mut Ctx<'_>) -> Read<()> {
    c.skip_ws();
    if c.literal(b"null") {
        return Ok(());
    }
    c.expect(b'[')?;
    if c.close(b']') {
        return Ok(());
    }
    let mut buf = String::new();
    loop {
        c.skip_ws();
        let name = c.string(&mut buf)?;
        match cx.layout.kind_id(name) {
            Some(kind) => {
                if let Some(table) = cx.tables.get_mut(kind) {
                    table.observed = true;
                }
            }
            None => cx.warn_kind(name),
        }
        if !c.more(b']')? {
            return Ok(());
        }
    }
}

/// `facts`: declared kinds, each with its array of facts.
fn read_facts(c: &mut Cursor<'_>, cx: &mut Ctx<'_>) -> Read<()> {
    c.expect(b'{')?;
    if c.close(b'}') {
        return Ok(());
    }
    let layout = cx.layout;
    let mut name = String::new();
    loop {
        c.skip_ws();
        let kind = match c.window().and_then(|w| Key::find(&layout.kinds, |k| &k.key, w, 0)) {
            Some((kind, key)) => {
                c.skip_key(key)?;
                kind
            }
            None => {
                let kind = layout.kind_id(c.string(&mut name)?).ok_or(Bail)?;
                c.expect(b':')?;
                kind
            }
        };
        let (Some(seen), Some(table), Some(kind_layout)) =
            (cx.s.kind_seen.get_mut(kind), cx.tables.get_mut(kind), layout.kinds.get(kind))
        else {
            return Err(Bail);
        };
        if std::mem::replace(seen, true) {
            return Err(Bail);
        }
        table.observed = true;
        read_kind(c, cx, kind, kind_layout)?;
        if !c.more(b'}')? {
            return Ok(());
        }
    }
}

/// The array of one kind's facts.
fn read_kind(c: &mut Cursor<'_>, cx: &mut Ctx<'_>, kind: usize, layout: &KindLayout) -> Read<()> {
    // One bit per field finds a duplicate.
    if layout.fields.len() > 64 {
        return Err(Bail);
    }
    c.expect(b'[')?;
    if c.close(b']') {
        return Ok(());
    }
    let fields = FieldBits::of(layout);
    let Ctx { tables, s, base, literals, .. } = cx;
    let table = tables.get_mut(kind).ok_or(Bail)?;
    let mut strings = Strings { interner: &mut s.interner, base: *base, literals: *literals, buf: String::new() };
    loop {
        read_fact(c, &mut strings, layout, fields, &mut table.columns)?;
        table.len += 1;
        if !c.more(b']')? {
            return Ok(());
        }
    }
}

/// A kind's fields, one bit each (at most 64).
#[derive(Clone, Copy)]
struct FieldBits {
    all: u64,
    required: u64,
}

impl FieldBits {
    fn of(layout: &KindLayout) -> FieldBits {
        let mut bits = FieldBits { all: 0, required: 0 };
        for (i, field) in layout.fields.iter().enumerate().take(64) {
            bits.all |= 1 << i;
            if !field.optional {
                bits.required |= 1 << i;
            }
        }
        bits
    }
}

/// Where the strings of the facts go.
struct Strings<'a> {
    interner: &'a mut Interner,
    base: Sym,
    literals: Option<&'a Symbols>,
    /// Room for a string with escapes.
    buf: String,
}

impl Strings<'_> {
    /// Reads a string and interns it as `how` (a new one without escapes is stored as where it
    /// is in the copy of the text that the interner keeps).
    #[inline(always)]
    fn read(&mut self, c: &mut Cursor<'_>, how: Interning) -> Read<Sym> {
        let (text, at) = c.string_at(&mut self.buf)?;
        self.interner.intern(text, at, how, self.base, self.literals).map_err(|_| Bail)
    }
}

/// One fact object: its fields' values into their columns, null for the optional ones it
/// leaves out.
#[inline]
fn read_fact(
    c: &mut Cursor<'_>,
    strings: &mut Strings<'_>,
    layout: &KindLayout,
    fields: FieldBits,
    columns: &mut [Column],
) -> Read<()> {
    c.expect(b'{')?;
    let mut given = 0u64;
    if !c.close(b'}') {
        let mut guess = 0;
        loop {
            c.skip_ws();
            let field = match c.window().and_then(|w| Key::find(&layout.fields, |f| &f.key, w, guess)) {
                Some((field, key)) => {
                    c.skip_key(key)?;
                    field
                }
                None => {
                    let name = c.string(&mut strings.buf)?;
                    let field = layout.field_id(name, guess).ok_or(Bail)?;
                    c.expect(b':')?;
                    field
                }
            };
            // `read_kind` reads no kind of more than 64 fields.
            let bit = 1u64 << (field % 64);
            if given & bit != 0 {
                return Err(Bail);
            }
            given |= bit;
            guess = field + 1;
            let (Some(decl), Some(column)) = (layout.fields.get(field), columns.get_mut(field)) else {
                return Err(Bail);
            };
            read_value(c, strings, decl, column)?;
            if !c.more(b'}')? {
                break;
            }
        }
    }
    let mut missing = fields.all & !given;
    if missing & fields.required != 0 {
        return Err(Bail);
    }
    while missing != 0 {
        push_null(columns.get_mut(missing.trailing_zeros() as usize).ok_or(Bail)?);
        missing &= missing - 1;
    }
    Ok(())
}

/// A missing or null optional value.
#[inline(always)]
fn push_null(column: &mut Column) {
    match column {
        Column::Bool(v) => v.push(None),
        Column::Int(v) => v.push(None),
        Column::Float(v) => v.push(None),
        Column::Str(v) => v.push(None),
        Column::List(list) => list.ranges.push(None),
    }
}

/// One field's value into its column.
#[inline(always)]
fn read_value(c: &mut Cursor<'_>, strings: &mut Strings<'_>, decl: &FieldLayout, column: &mut Column) -> Read<()> {
    c.skip_ws();
    let how = decl.interning;
    match column {
        Column::Str(v) if c.peek() == Some(b'"') => v.push(Some(strings.read(c, how)?)),
        _ if c.literal(b"null") => {
            if !decl.optional {
                return Err(Bail);
            }
            push_null(column);
        }
        Column::Str(_) => return Err(Bail),
        Column::Int(v) => v.push(Some(int(c.number()?)?)),
        Column::Float(v) => v.push(Some(as_float(c.number()?).ok_or(Bail)?)),
        Column::Bool(v) => v.push(Some(c.boolean()?)),
        Column::List(list) => {
            let start = items_len(&list.items);
            c.expect(b'[')?;
            if !c.close(b']') {
                loop {
                    c.skip_ws();
                    match &mut list.items {
                        Items::Str(v) => v.push(strings.read(c, how)?),
                        Items::Int(v) => v.push(int(c.number()?)?),
                        Items::Float(v) => v.push(as_float(c.number()?).ok_or(Bail)?),
                        Items::Bool(v) => v.push(c.boolean()?),
                    }
                    if !c.more(b']')? {
                        break;
                    }
                }
            }
            let end = items_len(&list.items);
            let range = (u32::try_from(start).map_err(|_| Bail)?, u32::try_from(end).map_err(|_| Bail)?);
            list.ranges.push(Some(range));
        }
    }
    Ok(())
}

/// A member name as it is written (`"name":`, quotes and colon included, or `"name"` when that
/// is too long, at most 16 bytes), found in place by comparing 16 bytes of the text at once.
#[derive(Clone, Copy, Debug)]
pub(super) struct Key {
    bytes: u128,
    mask: u128,
    /// 0 for a name too long to be found this way.
    len: usize,
    /// Whether the key ends with the colon after the name.
    colon: bool,
}

impl Key {
    /// The key of the member `name`.
    pub(super) fn new(name: &str) -> Key {
        let mut quoted = format!("\"{name}\":");
        let mut colon = true;
        if quoted.len() > 16 {
            quoted.pop();
            colon = false;
        }
        if quoted.len() > 16 {
            // No text matches: its bytes under a mask of none are 0, never 1.
            return Key { bytes: 1, mask: 0, len: 0, colon };
        }
        let mut buf = [0u8; 16];
        for (slot, b) in buf.iter_mut().zip(quoted.bytes()) {
            *slot = b;
        }
        let mask = u128::MAX.checked_shr(128 - 8 * quoted.len() as u32).unwrap_or(0);
        Key { bytes: u128::from_le_bytes(buf), mask, len: quoted.len(), colon }
    }

    /// Whether the text whose next 16 bytes are `window` starts with this key.
    #[inline(always)]
    fn at(&self, window: u128) -> bool {
        window & self.mask == self.bytes
    }

    /// The first of `items` (by `key`), from `first` on and then from the start, whose key the
    /// text at `window` starts with: its index and its key.
    #[inline(always)]
    fn find<'k, T>(
        items: &'k [T],
        key: impl Fn(&'k T) -> &'k Key,
        window: u128,
        first: usize,
    ) -> Option<(usize, &'k Key)> {
        let (before, after) = items.split_at(first.min(items.len()));
        let found = |items: &'k [T], offset: usize| {
            items.iter().enumerate().find_map(|(i, item)| {
                let k = key(item);
                k.at(window).then_some((offset + i, k))
            })
        };
        found(after, first).or_else(|| found(before, 0))
    }
}

/// A number as an `int`, as the serde readers take it.
fn int(found: Found<'_>) -> Read<i64> {
    as_int(found).map_err(|_| Bail)
}

fn items_len(items: &Items) -> usize {
    match items {
        Items::Bool(v) => v.len(),
        Items::Int(v) => v.len(),
        Items::Float(v) => v.len(),
        Items::Str(v) => v.len(),
    }
}

/// A position in the text being read.
struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl<'t> Cursor<'t> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    /// Skips JSON whitespace.
    #[inline]
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips whitespace and the byte `b`, which must come next.
    #[inline(always)]
    fn expect(&mut self, b: u8) -> Read<()> {
        // Compact JSON first: no whitespace to look for.
        if self.peek() != Some(b) {
            self.skip_ws();
            if self.peek() != Some(b) {
                return Err(Bail);
            }
        }
        self.pos += 1;
        Ok(())
    }

    /// Skips whitespace and `close` if it comes next (an empty array or object): whether it did.
    #[inline(always)]
    fn close(&mut self, close: u8) -> bool {
        if self.peek() != Some(close) {
            self.skip_ws();
            if self.peek() != Some(close) {
                return false;
            }
        }
        self.pos += 1;
        true
    }

    /// After a value: true past a comma (another comes), false past `close`.
    #[inline(always)]
    fn more(&mut self, close: u8) -> Read<bool> {
        let mut next = self.peek();
        if !matches!(next, Some(b) if b == b',' || b == close) {
            self.skip_ws();
            next = self.peek();
        }
        match next {
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(false)
            }
            _ => Err(Bail),
        }
    }

    /// Skips `word` if it comes next (after whitespace already skipped).
    #[inline]
    fn literal(&mut self, word: &[u8]) -> bool {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word) {
            self.pos += word.len();
            return true;
        }
        false
    }

    /// `true` or `false`.
    #[inline]
    fn boolean(&mut self) -> Read<bool> {
        if self.literal(b"true") {
            Ok(true)
        } else if self.literal(b"false") {
            Ok(false)
        } else {
            Err(Bail)
        }
    }

    /// Skips `key`, found at the position by [`Key::find`], and the colon after it.
    #[inline(always)]
    fn skip_key(&mut self, key: &Key) -> Read<()> {
        self.pos += key.len;
        if key.colon { Ok(()) } else { self.expect(b':') }
    }

    /// The next 16 bytes, if there are as many.
    #[inline(always)]
    fn window(&self) -> Option<u128> {
        let bytes: [u8; 16] = self.bytes.get(self.pos..self.pos + 16)?.try_into().ok()?;
        Some(u128::from_le_bytes(bytes))
    }

    /// A string without escapes (whitespace already skipped), borrowed from the text; None (and
    /// the position anywhere) for anything else.
    #[inline]
    fn plain_string(&mut self) -> Option<&'t str> {
        if self.peek() != Some(b'"') {
            return None;
        }
        let start = self.pos + 1;
        let end = string_end(self.bytes, start);
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.pos = end + 1;
        self.text.get(start..end)
    }

    /// A string (whitespace already skipped): borrowed from the text, or when it has escapes
    /// unescaped into `buf`.
    #[inline(always)]
    fn string<'a>(&mut self, buf: &'a mut String) -> Read<&'a str>
    where
        't: 'a,
    {
        self.string_at(buf).map(|(s, _)| s)
    }

    /// [`Cursor::string`], with where the string starts in the text when it is borrowed from it.
    #[inline(always)]
    fn string_at<'a>(&mut self, buf: &'a mut String) -> Read<(&'a str, Option<usize>)>
    where
        't: 'a,
    {
        if self.peek() != Some(b'"') {
            return Err(Bail);
        }
        let start = self.pos + 1;
        let end = string_end(self.bytes, start);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok((self.text.get(start..end).ok_or(Bail)?, Some(start)));
        }
        Ok((self.escaped(start, end, buf)?, None))
    }

    /// The rest of a string from `start`, whose first `"`, `\` or control character is at
    /// `at`, unescaped into `buf`.
    #[cold]
    fn escaped<'a>(&mut self, start: usize, mut at: usize, buf: &'a mut String) -> Read<&'a str> {
        buf.clear();
        buf.push_str(self.text.get(start..at).ok_or(Bail)?);
        while self.bytes.get(at) == Some(&b'\\') {
            let c = match self.bytes.get(at + 1) {
                Some(b'"') => '"',
                Some(b'\\') => '\\',
                Some(b'/') => '/',
                Some(b'b') => '\u{8}',
                Some(b'f') => '\u{c}',
                Some(b'n') => '\n',
                Some(b'r') => '\r',
                Some(b't') => '\t',
                _ => return Err(Bail),
            };
            buf.push(c);
            let from = at + 2;
            at = special(self.bytes, from);
            buf.push_str(self.text.get(from..at).ok_or(Bail)?);
        }
        if self.bytes.get(at) != Some(&b'"') {
            return Err(Bail);
        }
        self.pos = at + 1;
        Ok(buf)
    }

    /// A number (whitespace already skipped), as serde_json gives it to a visitor.
    #[inline]
    fn number(&mut self) -> Read<Found<'static>> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let digits_start = self.pos;
        let mut value: i64 = 0;
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(d @ b'0'..=b'9') = self.peek() {
                    value = value.wrapping_mul(10).wrapping_add(i64::from(d - b'0'));
                    self.pos += 1;
                }
            }
            _ => return Err(Bail),
        }
        let digits = self.pos - digits_start;
        let fraction = self.peek() == Some(b'.');
        if fraction {
            self.pos += 1;
            self.digits()?;
        }
        let exponent = matches!(self.peek(), Some(b'e' | b'E'));
        if exponent {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        }
        if !fraction && !exponent {
            if digits > INT_DIGITS_MAX {
                return Err(Bail);
            }
            return Ok(match (negative, value) {
                // serde_json gives `-0` as a float.
                (true, 0) => Found::F64(-0.0),
                (true, n) => Found::I64(-n),
                (false, n) => Found::U64(n.unsigned_abs()),
            });
        }
        let x: f64 = self.text.get(start..self.pos).ok_or(Bail)?.parse().map_err(|_| Bail)?;
        if !x.is_finite() {
            return Err(Bail);
        }
        Ok(Found::F64(x))
    }

    /// One or more digits.
    fn digits(&mut self) -> Read<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if self.pos == start { Err(Bail) } else { Ok(()) }
    }

    /// The text of the value that comes next (after whitespace), skipped; only its extent is
    /// found here (the caller parses it).
    fn value_text(&mut self) -> Read<&'t str> {
        self.skip_ws();
        let start = self.pos;
        let mut depth = 0usize;
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.skip_string()?;
                }
                Some(b'{' | b'[') => {
                    depth += 1;
                    if depth > APP_DEPTH_MAX {
                        return Err(Bail);
                    }
                    self.pos += 1;
                }
                Some(b'}' | b']') => {
                    depth = depth.checked_sub(1).ok_or(Bail)?;
                    self.pos += 1;
                }
                Some(b',' | b' ' | b'\t' | b'\n' | b'\r') if depth == 0 => break,
                Some(_) => self.pos += 1,
                None => return Err(Bail),
            }
            if depth == 0 && !matches!(self.peek(), Some(b) if is_scalar_byte(b)) {
                break;
            }
        }
        self.text.get(start..self.pos).ok_or(Bail)
    }

    /// Skips a string, escapes included (they are checked by whoever parses it).
    fn skip_string(&mut self) -> Read<()> {
        let mut at = special(self.bytes, self.pos + 1);
        loop {
            match self.bytes.get(at) {
                Some(b'"') => {
                    self.pos = at + 1;
                    return Ok(());
                }
                Some(b'\\') => at = special(self.bytes, at + 2),
                _ => return Err(Bail),
            }
        }
    }
}

/// A byte that continues a number, `true`, `false` or `null`.
fn is_scalar_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

/// The index of the first `"`, `\` or control character at or after `from` (or the length):
/// where a JSON string ends or has an escape, and the bytes serde_json escapes when it writes one.
/// Sixteen bytes at a time (SIMD through `wide`: SSE2 on x86_64), the last few one by one.
#[inline(always)]
pub(crate) fn special(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 16) {
        let Ok(chunk) = <[u8; 16]>::try_from(chunk) else { break };
        let found = special_bits(chunk);
        if found != 0 {
            return i + found.trailing_zeros() as usize;
        }
        i += 16;
    }
    while let Some(&b) = bytes.get(i) {
        if b == b'"' || b == b'\\' || b < 0x20 {
            return i;
        }
        i += 1;
    }
    i
}

/// [`special`] for a string being read: thirty-two bytes at a time first, so that most strings
/// (four in five of the generated evidence's are under 32 bytes) end in the first step, and
/// fewer mispredicted branches follow strings of varied lengths than sixteen bytes at a time.
#[inline(always)]
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(block) = bytes.get(i..i + 32) {
        let mut found = 0u64;
        for (k, chunk) in block.chunks_exact(16).enumerate() {
            if let Ok(chunk) = <[u8; 16]>::try_from(chunk) {
                found |= u64::from(special_bits(chunk)) << (16 * k);
            }
        }
        if found != 0 {
            return i + found.trailing_zeros() as usize;
        }
        i += 32;
    }
    special(bytes, i)
}

/// One bit per byte of `chunk` that is `"`, `\` or a control character.
#[inline(always)]
fn special_bits(chunk: [u8; 16]) -> u32 {
    use wide::u8x16;
    let (quote, backslash, control) = (u8x16::splat(b'"'), u8x16::splat(b'\\'), u8x16::splat(0x1f));
    let x = u8x16::new(chunk);
    // A byte below 0x20 is its own minimum with 0x1f.
    (x.simd_eq(quote) | x.simd_eq(backslash) | x.min(control).simd_eq(x)).to_bitmask()
}

#[cfg(test)]
mod tests {
    use super::{special, string_end};

    #[test]
    fn special_finds_the_first_quote_backslash_or_control_character() {
        for (text, at) in [
            ("abcdefghijklmnop\"", 16),
            ("abc\"defgh", 3),
            ("abcdefg\\h\"", 7),
            ("ab\u{1}cdefghij", 2),
            ("é€\u{1F600}abcdefghij\"", 19),
            ("\u{7f}\u{80}\u{a2}\u{dc}abcdefghijkl", 19),
            ("", 0),
            ("abcdefghijklmnopqrs\t", 19),
        ] {
            assert_eq!(special(text.as_bytes(), 0), at, "{text:?}");
        }
        assert_eq!(special(b"\"a\"", 1), 2);
    }

    #[test]
    fn special_and_string_end_agree_with_a_byte_by_byte_scan_for_every_byte_at_every_position() {
        for b in 0..=u8::MAX {
            let is_special = b == b'"' || b == b'\\' || b < 0x20;
            for len in [15, 16, 17, 31, 32, 33, 40, 70] {
                for at in 0..len {
                    let mut bytes = vec![b'a'; len];
                    if let Some(slot) = bytes.get_mut(at) {
                        *slot = b;
                    }
                    for from in [0, 1, at] {
                        let expected = if is_special && at >= from { at } else { len };
                        assert_eq!(special(&bytes, from), expected, "byte {b:#x} at {at} of {len} from {from}");
                        assert_eq!(
                            string_end(&bytes, from),
                            expected,
                            "string_end: byte {b:#x} at {at} of {len} from {from}"
                        );
                    }
                }
            }
        }
    }
}
