//! DEX files: the header, method references and defined classes, within the expansion budget.
#![no_main]

use std::collections::HashSet;

use indicia_extract::Dex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = indicia_fuzz::options();
    if let Ok(dex) = Dex::parse(data) {
        let mut budget = options.limits.budget();
        let _ = dex.method_refs_into(&mut HashSet::new(), &mut budget);
        let _ = dex.defined_classes(&mut budget);
    }
});
