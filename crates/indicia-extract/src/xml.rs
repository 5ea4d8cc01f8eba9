//! A tiny element tree shared by the text XML and binary AXML manifest readers.

use quick_xml::events::{BytesStart, Event};

use crate::error::FormatError;

/// The Android resource namespace.
pub const ANDROID_NS: &str = "http://schemas.android.com/apk/res/android";
/// The Android build tools namespace (`tools:node="remove"` …).
pub const TOOLS_NS: &str = "http://schemas.android.com/tools";

/// Deepest element nesting accepted (real manifests nest less than 10 deep).
pub const MAX_DEPTH: usize = 256;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 1_000_000;

/// An attribute value as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttrValue {
    /// A string (every text XML value is one).
    Str(String),
    /// A boolean (AXML `TYPE_INT_BOOLEAN`).
    Bool(bool),
    /// An integer (AXML `TYPE_INT_DEC` / `TYPE_INT_HEX`).
    Int(i64),
    /// A resource reference (AXML `TYPE_REFERENCE`), shown as `@7F050007`.
    Ref(u32),
    /// Any other typed value, as its raw 32-bit data.
    Other(u32),
}

impl AttrValue {
    /// The value as text (references as `@XXXXXXXX`).
    pub fn text(&self) -> String {
        match self {
            AttrValue::Str(s) => s.clone(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Ref(r) => format!("@{r:08X}"),
            AttrValue::Other(d) => d.to_string(),
        }
    }

    /// The value as a boolean, where it is one (`true`/`false` strings included).
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            AttrValue::Str(s) if s == "true" => Some(true),
            AttrValue::Str(s) if s == "false" => Some(false),
            AttrValue::Int(i) => Some(*i != 0),
            _ => None,
        }
    }

    /// The value as an integer, where it is one (decimal strings included).
    pub fn as_int(&self) -> Option<i64> {
        match self {
            AttrValue::Int(i) => Some(*i),
            AttrValue::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }
}

/// One attribute: its namespace URI (empty when none), local name and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Namespace URI, empty when the attribute has none.
    pub ns: String,
    /// Local name (`name`, `exported`, …).
    pub name: String,
    /// Value.
    pub value: AttrValue,
}

/// One element with its attributes and child elements (text is dropped).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Local name of the element.
    pub name: String,
    /// Attributes in document order.
    pub attrs: Vec<Attr>,
    /// Child elements in document order.
    pub children: Vec<Element>,
}

impl Element {
    /// The value of attribute `name` in the Android namespace (or without namespace, as some tools write).
    pub fn android(&self, name: &str) -> Option<&AttrValue> {
        self.attrs
            .iter()
            .find(|a| a.name == name && a.ns == ANDROID_NS)
            .or_else(|| self.attrs.iter().find(|a| a.name == name && a.ns.is_empty()))
            .map(|a| &a.value)
    }

    /// The value of attribute `name` without namespace.
    pub fn plain(&self, name: &str) -> Option<&AttrValue> {
        self.attrs.iter().find(|a| a.name == name && a.ns.is_empty()).map(|a| &a.value)
    }

    /// The value of attribute `name` in the tools namespace.
    pub fn tools(&self, name: &str) -> Option<&AttrValue> {
        self.attrs.iter().find(|a| a.name == name && a.ns == TOOLS_NS).map(|a| &a.value)
    }

    /// Child elements named `name`.
    pub fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element> + 's {
        self.children.iter().filter(move |c| c.name == name)
    }
}

/// Builds a tree from start/end events, with depth and size limits.
#[derive(Debug, Default)]
pub struct TreeBuilder {
    stack: Vec<Element>,
    root: Option<Element>,
    count: usize,
}

impl TreeBuilder {
    /// Opens an element.
    pub fn start(&mut self, element: Element) -> Result<(), FormatError> {
        if self.root.is_some() {
            return Err(FormatError::new("more than one root element"));
        }
        if self.stack.len() >= MAX_DEPTH {
            return Err(FormatError::new(format!("elements nested deeper than {MAX_DEPTH}")));
        }
        self.count += 1;
        if self.count > MAX_ELEMENTS {
            return Err(FormatError::new(format!("more than {MAX_ELEMENTS} elements")));
        }
        self.stack.push(element);
        Ok(())
    }

    /// Closes the innermost open element.
    pub fn end(&mut self) -> Result<(), FormatError> {
        let done = self.stack.pop().ok_or_else(|| FormatError::new("end tag without a start tag"))?;
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(done),
            None => self.root = Some(done),
        }
        Ok(())
    }

    /// The root element, once every element is closed.
    pub fn finish(self) -> Result<Element, FormatError> {
        if let Some(open) = self.stack.last() {
            return Err(FormatError::new(format!("document ends inside element <{}>", open.name)));
        }
        self.root.ok_or_else(|| FormatError::new("no root element"))
    }
}

/// Namespace prefixes in scope, innermost last.
#[derive(Debug, Default)]
struct Scopes(Vec<Vec<(String, String)>>);

impl Scopes {
    fn resolve(&self, prefix: &str) -> Option<&str> {
        self.0.iter().rev().flat_map(|s| s.iter().rev()).find(|(p, _)| p == prefix).map(|(_, uri)| uri.as_str())
    }
}

fn split_qname(q: &str) -> (&str, &str) {
    match q.split_once(':') {
        Some((p, l)) => (p, l),
        None => ("", q),
    }
}

fn text_element(e: &BytesStart<'_>, scopes: &mut Scopes) -> Result<Element, FormatError> {
    let mut decls = Vec::new();
    let mut raw = Vec::new();
    for attr in e.attributes() {
        let attr = attr.map_err(|err| FormatError::new(format!("malformed attribute: {err}")))?;
        let key = attr.key.into_inner().to_owned();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|err| FormatError::new(format!("malformed attribute value of `{key}`: {err}")))?
            .into_owned();
        if key == "xmlns" {
            decls.push((String::new(), value));
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            decls.push((prefix.to_owned(), value));
        } else {
            raw.push((key, value));
        }
    }
    scopes.0.push(decls);
    let mut attrs = Vec::with_capacity(raw.len());
    for (key, value) in raw {
        let (prefix, local) = split_qname(&key);
        let ns = if prefix.is_empty() {
            String::new()
        } else {
            match scopes.resolve(prefix) {
                Some(uri) => uri.to_owned(),
                // An undeclared `android:` prefix is still the Android namespace in practice.
                None if prefix == "android" => ANDROID_NS.to_owned(),
                None if prefix == "tools" => TOOLS_NS.to_owned(),
                None => prefix.to_owned(),
            }
        };
        attrs.push(Attr { ns, name: local.to_owned(), value: AttrValue::Str(value) });
    }
    let name = e.local_name().into_inner().to_owned();
    Ok(Element { name, attrs, children: Vec::new() })
}

/// Parses a text XML document into an element tree.
pub fn parse_text(text: &str) -> Result<Element, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut builder = TreeBuilder::default();
    let mut scopes = Scopes::default();
    loop {
        let pos = reader.buffer_position();
        let event = reader.read_event().map_err(|err| {
            let (line, col) = line_col(text, usize::try_from(pos).unwrap_or(usize::MAX));
            FormatError::new(format!("malformed XML at line {line}, column {col}: {err}"))
        })?;
        match event {
            Event::Start(e) => {
                let el = text_element(&e, &mut scopes)?;
                builder.start(el)?;
            }
            Event::Empty(e) => {
                let el = text_element(&e, &mut scopes)?;
                builder.start(el)?;
                builder.end()?;
                scopes.0.pop();
            }
            Event::End(_) => {
                builder.end()?;
                scopes.0.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    builder.finish()
}

fn line_col(text: &str, pos: usize) -> (usize, usize) {
    let before = text.get(..pos.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve() {
        let root = parse_text(
            r#"<manifest xmlns:a="http://schemas.android.com/apk/res/android" package="p">
                 <uses-permission a:name="X"/></manifest>"#,
        )
        .unwrap();
        assert_eq!(root.plain("package"), Some(&AttrValue::Str("p".into())));
        let up = root.children_named("uses-permission").next().unwrap();
        assert_eq!(up.android("name").map(AttrValue::text), Some("X".into()));
    }

    #[test]
    fn malformed_is_an_error() {
        assert!(parse_text("<a><b></a>").is_err());
        assert!(parse_text("<a>").is_err());
        assert!(parse_text("").is_err());
        assert!(parse_text("<a/><b/>").is_err());
    }
}
