//! Report renderings other than JSON.

pub mod text;
