//! The checked pack: a typed, resolved IR (hir) where every name is an index, not a string.
//!
//! `check` produces a [`Pack`] from the AST of every file of a pack; `graph` lowers it into
//! the evaluation program and `reference` interprets it directly. Expressions live in one arena
//! ([`Pack::exprs`]) and refer to each other by [`ExprId`]. Consts are inlined as literals at
//! their uses; params and defines stay as references so that params can be overridden and the
//! witness walk can enter define bodies.

use std::path::PathBuf;
use std::sync::Arc;

use indicia_syntax::ast::Quantifier;
use indicia_syntax::{SourceMap, Span};

macro_rules! index_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u32);

        impl $name {
            /// The index as a `usize`, for slice access.
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// A fact kind: an index into [`Schema::kinds`].
    KindId
);
index_type!(
    /// A field of one fact kind: an index into [`FactKind::fields`].
    FieldId
);
index_type!(
    /// A param: an index into [`Pack::params`].
    ParamId
);
index_type!(
    /// A define: an index into [`Pack::defines`].
    DefineId
);
index_type!(
    /// A category: an index into [`Pack::categories`].
    CategoryId
);
index_type!(
    /// An expression: an index into [`Pack::exprs`].
    ExprId
);
index_type!(
    /// A compiled `matches`/`like` pattern: an index into [`Pack::patterns`].
    PatternId
);

/// A scalar type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `bool`
    Bool,
    /// `int` (64-bit signed)
    Int,
    /// `float` (64-bit)
    Float,
    /// `string`
    Str,
}

impl ScalarType {
    /// The type's name in the rule language.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::Bool => "bool",
            ScalarType::Int => "int",
            ScalarType::Float => "float",
            ScalarType::Str => "string",
        }
    }

    /// True for `int` and `float`.
    pub fn is_numeric(self) -> bool {
        matches!(self, ScalarType::Int | ScalarType::Float)
    }
}

/// The type of a value: a scalar or a list of a scalar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Type {
    /// The scalar, or the element type of a list.
    pub scalar: ScalarType,
    /// True for `[T]`.
    pub list: bool,
}

impl Type {
    /// `bool`.
    pub const BOOL: Type = Type { scalar: ScalarType::Bool, list: false };
}

/// A constant value: a literal, a const, a param's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
    /// A string.
    Str(Arc<str>),
    /// A list of scalars of one type (ints and floats may mix in a float list).
    List(Arc<[Value]>),
}

/// The fact kinds a pack declares: the evidence schema.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Schema {
    /// Every declared kind, in declaration order across the pack's files.
    pub kinds: Vec<FactKind>,
}

impl Schema {
    /// The kind named `name`.
    pub fn kind_id(&self, name: &str) -> Option<KindId> {
        self.kinds.iter().position(|k| k.name == name).and_then(|i| u32::try_from(i).ok()).map(KindId)
    }

    /// The kind with id `id`.
    pub fn kind(&self, id: KindId) -> Option<&FactKind> {
        self.kinds.get(id.index())
    }
}

/// One `fact` declaration.
#[derive(Clone, Debug, PartialEq)]
pub struct FactKind {
    /// The kind's name (`flow`).
    pub name: String,
    /// Its fields, in declaration order.
    pub fields: Vec<Field>,
}

impl FactKind {
    /// The field named `name`.
    pub fn field_id(&self, name: &str) -> Option<FieldId> {
        self.fields.iter().position(|f| f.name == name).and_then(|i| u32::try_from(i).ok()).map(FieldId)
    }

    /// The field with id `id`.
    pub fn field(&self, id: FieldId) -> Option<&Field> {
        self.fields.get(id.index())
    }
}

/// One field of a fact kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The field's name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// `T?`: may be missing or null.
    pub optional: bool,
}

/// The pack's `standard` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Standard {
    /// The standard's name (`tw_mabis`).
    pub name: String,
    /// Its title.
    pub title: String,
    /// Its version.
    pub version: String,
    /// Where it is published.
    pub source: Option<String>,
    /// What it is.
    pub description: Option<String>,
}

/// One `category`.
#[derive(Clone, Debug, PartialEq)]
pub struct Category {
    /// The category's id (its name).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its description.
    pub description: Option<String>,
}

/// An indicator's severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Default weight 1.
    Low,
    /// Default weight 2.
    Medium,
    /// Default weight 3.
    High,
    /// Default weight 5.
    Critical,
}

impl Severity {
    /// The name as written in rules and reports.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    /// The weight an indicator of this severity has when it gives none.
    pub fn default_weight(self) -> Weight {
        let units = match self {
            Severity::Low => 1,
            Severity::Medium => 2,
            Severity::High => 3,
            Severity::Critical => 5,
        };
        Weight { units, scale: 0 }
    }
}

/// An indicator's weight as an exact decimal: `units / 10^scale` (`0.1` is 1/10).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Weight {
    /// The digits of the number as written, without the decimal point.
    pub units: u64,
    /// How many of those digits follow the decimal point.
    pub scale: u32,
}

impl Weight {
    /// The weight as a float, for reports.
    pub fn as_f64(self) -> f64 {
        self.units as f64 / 10f64.powi(i32::try_from(self.scale).unwrap_or(i32::MAX))
    }
}

/// One `indicator`.
#[derive(Clone, Debug, PartialEq)]
pub struct Indicator {
    /// Its id (`TW-PD-01`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its category.
    pub category: CategoryId,
    /// Its severity.
    pub severity: Severity,
    /// Its weight (explicit, or the severity's default).
    pub weight: Weight,
    /// Its references (`MITRE-ATTACK:T1636.003`…).
    pub refs: Vec<String>,
    /// Its description.
    pub description: Option<String>,
    /// The condition: true means the app fails.
    pub when: ExprId,
    /// The declaration, for diagnostics.
    pub span: Span,
}

/// One `param`.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Its type.
    pub ty: Type,
    /// Its default value (already of type `ty`: an int default of a float param is a float).
    pub default: Value,
}

/// One `define`.
#[derive(Clone, Debug, PartialEq)]
pub struct Define {
    /// Its name.
    pub name: String,
    /// The type of its body.
    pub ty: Type,
    /// Its body. A define never reads a quantifier's fields, so its value is the same wherever
    /// it is used.
    pub body: ExprId,
}

/// A compiled `matches` or `like` pattern.
#[derive(Clone, Debug)]
pub struct Pattern {
    /// `matches` or `like`.
    pub op: indicia_syntax::ast::PatternOp,
    /// The pattern as written (decoded string).
    pub source: String,
    /// The equivalent regular expression (a glob becomes an anchored regex).
    pub regex: regex::Regex,
}

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
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
}

impl CmpOp {
    /// The operator with its sides swapped: `a < b` is `b > a`.
    pub fn flip(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Eq,
            CmpOp::Ne => CmpOp::Ne,
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
        }
    }

    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A resolved, typed expression. Children are [`ExprId`]s into [`Pack::exprs`].
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A literal or an inlined const.
    Lit(Value),
    /// A param's value.
    Param(ParamId),
    /// A define's value.
    Define(DefineId),
    /// A field of a quantified fact. `scope` counts enclosing quantifiers outward from the
    /// innermost one (0 is the innermost quantifier around this expression); `kind` is the kind
    /// that quantifier ranges over.
    Field {
        /// Which enclosing quantifier's fact.
        scope: u32,
        /// That quantifier's fact kind.
        kind: KindId,
        /// The field read.
        field: FieldId,
    },
    /// `has f`: true when the optional field is present and not null (never unknown).
    Has {
        /// Which enclosing quantifier's fact.
        scope: u32,
        /// That quantifier's fact kind.
        kind: KindId,
        /// The field tested.
        field: FieldId,
    },
    /// The `unknown` operand.
    Unknown,
    /// `observed(K)`.
    Observed(KindId),
    /// `not e`.
    Not(ExprId),
    /// `a and b`.
    And(ExprId, ExprId),
    /// `a or b`.
    Or(ExprId, ExprId),
    /// `a op b` on two scalars (`int` and `float` compare numerically).
    Compare {
        /// The operator.
        op: CmpOp,
        /// Left side.
        lhs: ExprId,
        /// Right side.
        rhs: ExprId,
    },
    /// `elem in list`. (`x not in L` is checked into `Not(In)`.)
    In {
        /// The scalar looked up.
        elem: ExprId,
        /// The list searched.
        list: ExprId,
    },
    /// `a intersects b`.
    Intersects {
        /// One list.
        lhs: ExprId,
        /// The other list.
        rhs: ExprId,
    },
    /// `s matches "re"` or `s like "glob"`.
    Match {
        /// The string tested.
        subject: ExprId,
        /// The compiled pattern.
        pattern: PatternId,
    },
    /// `any|all|none K [where body]`. Inside `body`, scope 0 is this quantifier's fact.
    Quant {
        /// Which quantifier.
        quantifier: Quantifier,
        /// The kind ranged over.
        kind: KindId,
        /// The condition (absent: true).
        body: Option<ExprId>,
    },
    /// `count(K [where body]) op n`, normalised so that the count is on the left
    /// (`4 <= count(…)` becomes `count(…) >= 4`).
    CountCmp {
        /// The kind counted.
        kind: KindId,
        /// The condition (absent: true). Inside, scope 0 is the counted fact.
        body: Option<ExprId>,
        /// The comparison, with the count on the left.
        op: CmpOp,
        /// The number compared against (a literal, param or numeric define).
        n: ExprId,
    },
}

impl Expr {
    /// The expression's operands, in source order (a define reference has none: its body is
    /// the define's).
    pub fn children(&self) -> Vec<ExprId> {
        match self {
            Expr::Lit(_)
            | Expr::Param(_)
            | Expr::Define(_)
            | Expr::Field { .. }
            | Expr::Has { .. }
            | Expr::Unknown
            | Expr::Observed(_) => Vec::new(),
            Expr::Not(a) => vec![*a],
            Expr::And(a, b) | Expr::Or(a, b) => vec![*a, *b],
            Expr::Compare { lhs, rhs, .. } => vec![*lhs, *rhs],
            Expr::In { elem, list } => vec![*elem, *list],
            Expr::Intersects { lhs, rhs } => vec![*lhs, *rhs],
            Expr::Match { subject, .. } => vec![*subject],
            Expr::Quant { body, .. } => body.iter().copied().collect(),
            Expr::CountCmp { body, n, .. } => body.iter().copied().chain([*n]).collect(),
        }
    }
}

/// What a test expects.
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation {
    /// `expect "ID": verdict`.
    Verdict {
        /// The indicator id as written (a test naming an unknown id fails at run time).
        indicator: String,
        /// The expected verdict.
        verdict: Verdict,
    },
    /// `expect failed: N` (and `passed`, `inconclusive`, `total`).
    Count {
        /// Which count.
        count: SummaryCount,
        /// The expected value.
        value: i64,
    },
}

/// A verdict on one indicator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The condition is true.
    Fail,
    /// The condition is false.
    Pass,
    /// The condition is unknown.
    Inconclusive,
}

impl Verdict {
    /// `fail`, `pass` or `inconclusive`.
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Fail => "fail",
            Verdict::Pass => "pass",
            Verdict::Inconclusive => "inconclusive",
        }
    }
}

/// The counts of a report summary that a test may expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SummaryCount {
    /// `failed`
    Failed,
    /// `passed`
    Passed,
    /// `inconclusive`
    Inconclusive,
    /// `total`
    Total,
}

impl SummaryCount {
    /// The name as written.
    pub fn name(self) -> &'static str {
        match self {
            SummaryCount::Failed => "failed",
            SummaryCount::Passed => "passed",
            SummaryCount::Inconclusive => "inconclusive",
            SummaryCount::Total => "total",
        }
    }
}

/// One expectation with its source text, for the test runner's messages.
#[derive(Clone, Debug, PartialEq)]
pub struct Expect {
    /// What is expected.
    pub expectation: Expectation,
    /// Where it is written.
    pub span: Span,
}

/// One `test` block.
#[derive(Clone, Debug, PartialEq)]
pub struct Test {
    /// The test's name.
    pub name: String,
    /// The evidence file, resolved against the directory of the file holding the test.
    pub evidence: PathBuf,
    /// Param overrides, already typed.
    pub params: Vec<(ParamId, Value)>,
    /// The expectations, in source order.
    pub expects: Vec<Expect>,
    /// The declaration.
    pub span: Span,
}

/// A checked pack, ready to be compiled or interpreted.
#[derive(Clone, Debug)]
pub struct Pack {
    /// `pack.name` in reports: the standard's name, else the directory name or file stem.
    pub name: String,
    /// The `standard` block, if any.
    pub standard: Option<Standard>,
    /// The fact kinds.
    pub schema: Schema,
    /// The categories, in declaration order.
    pub categories: Vec<Category>,
    /// The params, in declaration order.
    pub params: Vec<Param>,
    /// The defines, in declaration order.
    pub defines: Vec<Define>,
    /// The indicators, sorted by id (byte order).
    pub indicators: Vec<Indicator>,
    /// The tests, in file order then source order.
    pub tests: Vec<Test>,
    /// The expression arena.
    pub exprs: Vec<Expr>,
    /// The span of each expression, parallel to `exprs`.
    pub expr_spans: Vec<Span>,
    /// The compiled patterns.
    pub patterns: Vec<Pattern>,
    /// The text of every file of the pack.
    pub sources: SourceMap,
    /// The warnings the check found (`check::lint`), each with its code.
    pub warnings: Vec<indicia_syntax::Diagnostic>,
}

impl Pack {
    /// The expression with id `id`.
    pub fn expr(&self, id: ExprId) -> Option<&Expr> {
        self.exprs.get(id.index())
    }

    /// The param named `name`.
    pub fn param_id(&self, name: &str) -> Option<ParamId> {
        self.params.iter().position(|p| p.name == name).and_then(|i| u32::try_from(i).ok()).map(ParamId)
    }

    /// The indicator with id `id`.
    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

/// Values for every param of a pack: the defaults, with overrides applied.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamValues(pub Vec<Value>);

impl ParamValues {
    /// The defaults of `pack`'s params.
    pub fn defaults(pack: &Pack) -> ParamValues {
        ParamValues(pack.params.iter().map(|p| p.default.clone()).collect())
    }

    /// The value of param `id`.
    pub fn get(&self, id: ParamId) -> Option<&Value> {
        self.0.get(id.index())
    }
}
