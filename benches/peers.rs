//! indicia side by side with peer engines (being written).
fn main() {}
