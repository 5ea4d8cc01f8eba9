//! One fact rebuilt from the columns as JSON, for reports that show witnesses as facts.

use serde_json::{Map, Number, Value};

use super::{Column, Evidence, Items};
use crate::hir::{KindId, Schema};

impl Evidence {
    /// Fact `index` of kind `kind` as a JSON object: its declared fields in declaration order,
    /// missing or null optional fields left out. An unknown kind or index gives an empty object.
    pub fn fact_json(&self, schema: &Schema, kind: KindId, index: usize) -> Value {
        let mut out = Map::new();
        let (Some(decl), Some(table)) = (schema.kind(kind), self.table(kind)) else {
            return Value::Object(out);
        };
        if index >= table.len {
            return Value::Object(out);
        }
        for (field, column) in decl.fields.iter().zip(&table.columns) {
            if let Some(value) = self.cell_json(column, index) {
                out.insert(field.name.clone(), value);
            }
        }
        Value::Object(out)
    }

    fn cell_json(&self, column: &Column, index: usize) -> Option<Value> {
        Some(match column {
            Column::Bool(v) => Value::Bool((*v.get(index)?)?),
            Column::Int(v) => Value::Number((*v.get(index)?)?.into()),
            Column::Float(v) => float_json((*v.get(index)?)?),
            Column::Str(v) => Value::String(self.resolve((*v.get(index)?)?).to_owned()),
            Column::List(list) => {
                let (start, end) = (*list.ranges.get(index)?)?;
                let range = start as usize..end as usize;
                Value::Array(match &list.items {
                    Items::Bool(v) => v.get(range)?.iter().map(|&b| Value::Bool(b)).collect(),
                    Items::Int(v) => v.get(range)?.iter().map(|&n| Value::Number(n.into())).collect(),
                    Items::Float(v) => v.get(range)?.iter().map(|&x| float_json(x)).collect(),
                    Items::Str(v) => v.get(range)?.iter().map(|&s| Value::String(self.resolve(s).to_owned())).collect(),
                })
            }
        })
    }
}

/// A float as a JSON number (floats read from JSON are always finite).
fn float_json(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::Null, Value::Number)
}
