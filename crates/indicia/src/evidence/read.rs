//! placeholder
use super::*; /// placeholder
pub fn read_evidence() {}
