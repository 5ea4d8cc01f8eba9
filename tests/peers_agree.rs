//! Checks that the peer engines give the same verdicts as indicia (being written).
#![cfg(feature = "peers")]
