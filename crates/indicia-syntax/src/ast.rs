//! The abstract syntax tree of one `.ind` file.
//!
//! The parser produces it, the formatter prints it back, and the checker in the `indicia` crate
//! resolves it into the typed IR. Every node carries its [`Span`]. Block entries (`title: …`,
//! `when: …`) are kept generic — a key and a value expression — so that unknown, missing and
//! repeated keys are reported by the checker with precise spans rather than as parse errors.
//!
//! Comments are not part of the tree: [`File::comments`] lists them with their spans, and the
//! formatter puts each back next to the node it belongs to.

use crate::span::Span;

/// A parsed `.ind` file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct File {
    /// The declarations, in source order. A declaration that failed to parse appears as
    /// [`Decl::Broken`] so that its name still counts as declared.
    pub decls: Vec<Decl>,
    /// Every comment of the file, in source order.
    pub comments: Vec<Comment>,
}

/// A `# …` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    /// The comment's text, from `#` to the end of the line (line break excluded).
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// An identifier (or a reserved word used as a block key) with its span.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ident {
    /// The name as written.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A string literal with its decoded value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct StrLit {
    /// The value, escapes decoded.
    pub value: String,
    /// Where it is, quotes included.
    pub span: Span,
}

/// One top-level declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum Decl {
    /// `standard NAME { … }`
    Standard(BlockDecl),
    /// `category NAME { … }`
    Category(BlockDecl),
    /// `fact NAME { field: type … }`
    Fact(FactDecl),
    /// `const NAME = literal-or-list`
    Const(ValueDecl),
    /// `param NAME: TYPE = literal-or-list`
    Param(ParamDecl),
    /// `define NAME = expr`
    Define(ValueDecl),
    /// `indicator "ID" { … }`
    Indicator(IndicatorDecl),
    /// `test "NAME" { … }`
    Test(TestDecl),
    /// `policy NAME { default: DECISION  DECISION: condition … }`: fleet decisions over a report.
    Policy(BlockDecl),
    /// A declaration that did not parse. Its name, when the parser got that far, still counts
    /// as declared so that uses of it do not cascade into more errors.
    Broken(BrokenDecl),
}

impl Decl {
    /// The span of the whole declaration.
    pub fn span(&self) -> Span {
        match self {
            Decl::Standard(d) | Decl::Category(d) | Decl::Policy(d) => d.span,
            Decl::Fact(d) => d.span,
            Decl::Const(d) | Decl::Define(d) => d.span,
            Decl::Param(d) => d.span,
            Decl::Indicator(d) => d.span,
            Decl::Test(d) => d.span,
            Decl::Broken(d) => d.span,
        }
    }
}

/// The keyword that starts a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeclKind {
    /// `standard`
    Standard,
    /// `category`
    Category,
    /// `fact`
    Fact,
    /// `const`
    Const,
    /// `param`
    Param,
    /// `define`
    Define,
    /// `indicator`
    Indicator,
    /// `test`
    Test,
    /// `policy`
    Policy,
}

impl DeclKind {
    /// Every declaration keyword, in the order the language reference lists them.
    pub const ALL: [DeclKind; 8] = [
        DeclKind::Standard,
        DeclKind::Category,
        DeclKind::Fact,
        DeclKind::Const,
        DeclKind::Param,
        DeclKind::Define,
        DeclKind::Indicator,
        DeclKind::Test,
    ];

    /// The keyword as written (from the table of reserved words, [`Keyword`]).
    pub fn keyword(self) -> &'static str {
        Keyword::ALL.iter().find(|k| k.declaration() == Some(self)).map_or("", |k| k.text())
    }
}

/// A `standard` or `category` declaration: a name and a block of entries.
#[derive(Clone, Debug, PartialEq)]
pub struct BlockDecl {
    /// The declared name.
    pub name: Ident,
    /// The `{ … }` entries.
    pub entries: Vec<Entry>,
    /// The whole declaration.
    pub span: Span,
}

/// One `key: value` entry of a block.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The key (may be a reserved word such as `category`).
    pub key: Ident,
    /// The value, parsed as an expression (a string, a number, a name, a list or a condition).
    pub value: Expr,
    /// The whole entry.
    pub span: Span,
}

/// `fact NAME { field: type … }`
#[derive(Clone, Debug, PartialEq)]
pub struct FactDecl {
    /// The fact kind's name.
    pub name: Ident,
    /// Its fields, in source order.
    pub fields: Vec<FieldDecl>,
    /// The whole declaration.
    pub span: Span,
}

/// One field of a fact declaration: `name: type` or `name: type?`.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldDecl {
    /// The field's name.
    pub name: Ident,
    /// Its type.
    pub ty: TypeExpr,
    /// The whole field.
    pub span: Span,
}

/// A written type: `int`, `[string]`, `bool?`…
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeExpr {
    /// The scalar type name as written (`bool`, `int`, `float`, `string`, or anything else,
    /// which the checker rejects).
    pub scalar: Ident,
    /// `[T]`: a list of the scalar.
    pub list: bool,
    /// `T?`: the field may be missing or null.
    pub optional: bool,
    /// The whole type.
    pub span: Span,
}

/// `const NAME = …` or `define NAME = …`.
#[derive(Clone, Debug, PartialEq)]
pub struct ValueDecl {
    /// The declared name.
    pub name: Ident,
    /// The value.
    pub value: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `param NAME: TYPE = default`.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamDecl {
    /// The declared name.
    pub name: Ident,
    /// The declared type (never optional; a `?` is a checker error).
    pub ty: TypeExpr,
    /// The default value.
    pub default: Expr,
    /// The whole declaration.
    pub span: Span,
}

/// `indicator "ID" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct IndicatorDecl {
    /// The indicator id.
    pub id: StrLit,
    /// The entries (`title`, `category`, `severity`, `weight`, `refs`, `description`, `when`).
    pub entries: Vec<Entry>,
    /// The whole declaration.
    pub span: Span,
}

/// `test "NAME" { … }`
#[derive(Clone, Debug, PartialEq)]
pub struct TestDecl {
    /// The test's name.
    pub name: StrLit,
    /// The entries, in source order.
    pub entries: Vec<TestEntry>,
    /// The whole declaration.
    pub span: Span,
}

/// One entry of a `test` block.
#[derive(Clone, Debug, PartialEq)]
pub enum TestEntry {
    /// A plain `key: value` entry, such as `evidence: "fixtures/a.json"`.
    Field(Entry),
    /// `params: { name: literal … }`
    Params {
        /// The `params` key.
        key: Ident,
        /// The overrides, in source order.
        values: Vec<Entry>,
        /// The whole entry.
        span: Span,
    },
    /// `expect "ID": verdict` or `expect failed: N`.
    Expect {
        /// What is checked.
        target: ExpectTarget,
        /// The expected value: a name (`fail`, `pass`, `inconclusive`) or an integer.
        value: Expr,
        /// The whole entry.
        span: Span,
    },
}

/// The left side of an `expect` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExpectTarget {
    /// An indicator's verdict: `expect "TW-PD-01": fail`.
    Indicator(StrLit),
    /// A summary count: `expect failed: 3` (`failed`, `passed`, `inconclusive`, `total`).
    Count(Ident),
}

/// A declaration that did not parse.
#[derive(Clone, Debug, PartialEq)]
pub struct BrokenDecl {
    /// Which declaration it was meant to be, when its keyword was read.
    pub kind: Option<DeclKind>,
    /// Its name (an identifier, or an indicator/test id), when it was read.
    pub name: Option<Ident>,
    /// From the keyword to where parsing resumed.
    pub span: Span,
}

/// An expression with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is.
    pub span: Span,
}

/// The kinds of expression.
#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    /// A literal: string, integer, float or boolean.
    Literal(Literal),
    /// A list literal `[a, b, …]`.
    List(Vec<Expr>),
    /// A bare identifier: a field of the innermost quantifier, or a const, param or define.
    Name(Ident),
    /// `B.field`: a field of the fact bound by an enclosing quantifier.
    Field {
        /// The binder.
        binder: Ident,
        /// The field.
        field: Ident,
    },
    /// `has field` or `has B.field`.
    Has {
        /// The binder, for `has B.field`.
        binder: Option<Ident>,
        /// The field.
        field: Ident,
    },
    /// The `unknown` operand.
    Unknown,
    /// `observed(KIND)`.
    Observed(Ident),
    /// `any|all|none [B in] KIND [where BODY]`.
    Quantifier {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The binder, for `any B in KIND`.
        binder: Option<Ident>,
        /// The fact kind ranged over.
        kind: Ident,
        /// The `where` body, if any.
        body: Option<Box<Expr>>,
    },
    /// `count([B in] KIND [where BODY])`.
    Count {
        /// The binder, for `count(B in KIND …)`.
        binder: Option<Ident>,
        /// The fact kind counted.
        kind: Ident,
        /// The `where` body, if any (a full expression: it sits inside parentheses).
        body: Option<Box<Expr>>,
    },
    /// `( expr )`, kept so that the formatter prints the parentheses the author wrote.
    Paren(Box<Expr>),
    /// `not expr`.
    Not(Box<Expr>),
    /// A binary operator: `and`, `or`, a comparison, `in`, `not in` or `intersects`.
    Binary {
        /// The operator.
        op: BinOp,
        /// Its left operand.
        lhs: Box<Expr>,
        /// Its right operand.
        rhs: Box<Expr>,
    },
    /// `expr matches "regex"` or `expr like "glob"`.
    Pattern {
        /// `matches` or `like`.
        op: PatternOp,
        /// The string tested.
        lhs: Box<Expr>,
        /// The pattern.
        pattern: StrLit,
    },
}

/// A literal value.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// `"…"`, escapes decoded.
    Str(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
}

/// `any`, `all` or `none`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Quantifier {
    /// True when the body holds for some fact.
    Any,
    /// True when the body holds for every fact.
    All,
    /// `not any`.
    None,
}

impl Quantifier {
    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            Quantifier::Any => "any",
            Quantifier::All => "all",
            Quantifier::None => "none",
        }
    }
}

/// Binary operators, loosest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `or`
    Or,
    /// `and`
    And,
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `not in`
    NotIn,
    /// `intersects`
    Intersects,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Or => "or",
            BinOp::And => "and",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::In => "in",
            BinOp::NotIn => "not in",
            BinOp::Intersects => "intersects",
        }
    }

    /// True for the predicate operators (everything but `and` and `or`).
    pub fn is_predicate(self) -> bool {
        !matches!(self, BinOp::Or | BinOp::And)
    }
}

/// `matches` (regular expression) or `like` (glob).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PatternOp {
    /// `matches "regex"`: an unanchored search with Rust `regex` syntax.
    Matches,
    /// `like "glob"`: anchored, `*` any run, `?` one character.
    Like,
}

impl PatternOp {
    /// The keyword as written.
    pub fn keyword(self) -> &'static str {
        match self {
            PatternOp::Matches => "matches",
            PatternOp::Like => "like",
        }
    }
}

/// Declares the one table of reserved words: [`Keyword`] (what the lexer produces), [`RESERVED`]
/// (their texts) and the declaration each one starts (what the parser resumes at).
macro_rules! keywords {
    ($($variant:ident $text:literal $(=> $decl:ident)?,)*) => {
        /// A reserved word of the language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Keyword {
            $(#[doc = concat!("`", $text, "`")] $variant,)*
        }

        /// The reserved words of the language. They cannot be identifiers (field names included),
        /// but may stand as block keys (`category: …`).
        pub const RESERVED: &[&str] = &[$($text,)*];

        impl Keyword {
            /// Every reserved word, in the order of [`RESERVED`].
            pub const ALL: &[Keyword] = &[$(Keyword::$variant,)*];

            /// The reserved word `word` is, if it is one.
            pub fn from_word(word: &str) -> Option<Keyword> {
                match word {
                    $($text => Some(Keyword::$variant),)*
                    _ => None,
                }
            }

            /// The word as written.
            pub fn text(self) -> &'static str {
                match self {
                    $(Keyword::$variant => $text,)*
                }
            }

            /// The declaration this keyword starts, if it starts one.
            pub fn declaration(self) -> Option<DeclKind> {
                match self {
                    $(Keyword::$variant => keywords!(@decl $($decl)?),)*
                }
            }
        }
    };
    (@decl) => { None };
    (@decl $decl:ident) => { Some(DeclKind::$decl) };
}

keywords! {
    Standard "standard" => Standard,
    Category "category" => Category,
    Fact "fact" => Fact,
    Const "const" => Const,
    Param "param" => Param,
    Define "define" => Define,
    Indicator "indicator" => Indicator,
    Test "test" => Test,
    Policy "policy" => Policy,
    Expect "expect",
    Any "any",
    All "all",
    None "none",
    Count "count",
    Where "where",
    In "in",
    Not "not",
    And "and",
    Or "or",
    Matches "matches",
    Like "like",
    Has "has",
    Intersects "intersects",
    Observed "observed",
    True "true",
    False "false",
    Unknown "unknown",
}

/// True when `word` is a reserved word.
pub fn is_reserved(word: &str) -> bool {
    Keyword::from_word(word).is_some()
}
