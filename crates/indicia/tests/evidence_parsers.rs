//! The evidence reader's two JSON parsers agree: whatever the fast parser (sonic-rs) reads, the
//! reference parser (serde_json) reads the same way, and every rejection is the reference's; so
//! does a read into an `Evidence` that held another object (`read_into`, buffers reused).
//!
//! The inputs aim at where two JSON parsers can differ: numbers (signs, zeros, exponents,
//! under- and overflow, integers past 64 bits, float rounding), string escapes (surrogates,
//! control characters, invalid UTF-8) and random edits of a valid object.

#[path = "evidence/common.rs"]
mod common;

// In a `#[cfg(test)]` module, the helpers may fail by panicking like the tests (clippy.toml).
#[cfg(test)]
mod parsers {
    use super::common::{edited_sample, edits, mobile_schema, sample_evidence, symbols};
    use indicia::evidence::{Evidence, EvidenceError, EvidenceReader};
    use proptest::prelude::*;

    /// Everything a read produced, as text (floats keep their sign and every bit in `Debug`).
    fn outcome(result: &Result<Evidence, EvidenceError>) -> String {
        match result {
            Ok(ev) => format!("{:?} {:?} {:?} {:?}", ev.tables, ev.local, ev.app, ev.warnings),
            Err(err) => format!("error {err}"),
        }
    }

    /// Reads `bytes` with both parsers (each with a reader that has read before, and one that has
    /// not) and checks that all agree.
    fn agree(bytes: &[u8]) -> Result<(), TestCaseError> {
        let schema = mobile_schema();
        let symbols = symbols();
        let mut fresh = EvidenceReader::new(&schema, &symbols);
        let mut used = EvidenceReader::new(&schema, &symbols);
        let warm_up = sample_evidence(10);
        used.read(warm_up.as_bytes()).unwrap();
        let reference = outcome(&fresh.read_reference(bytes));
        prop_assert_eq!(&outcome(&fresh.read(bytes)), &reference);
        prop_assert_eq!(&outcome(&used.read(bytes)), &reference);
        prop_assert_eq!(&outcome(&used.read_reference(bytes)), &reference);
        // Read into an evidence that holds another object: the same; and after it, whatever it
        // gave, that evidence takes the next object as a fresh one does.
        let mut reused = used.read(warm_up.as_bytes()).unwrap();
        let into = used.read_into(bytes, &mut reused).map(|()| reused.clone());
        prop_assert_eq!(&outcome(&into), &reference);
        let next = used.read_into(warm_up.as_bytes(), &mut reused).map(|()| reused.clone());
        prop_assert_eq!(&outcome(&next), &outcome(&fresh.read(warm_up.as_bytes())));
        // The direct reader gives up on much; what it reads, it reads as the reference does.
        for reader in [&mut fresh, &mut used] {
            if let Some(direct) = reader.read_direct(bytes) {
                prop_assert_eq!(&outcome(&Ok(direct)), &reference);
            }
        }
        Ok(())
    }

    /// A JSON number, or something close to one.
    fn number_text() -> impl Strategy<Value = String> {
        let digits = |max: usize| proptest::collection::vec(prop::sample::select(b"0123456789".to_vec()), 1..max);
        let text = |d: Vec<u8>| d.into_iter().map(char::from).collect::<String>();
        prop_oneof![
            prop::sample::select(vec![
                "0",
                "-0",
                "0.0",
                "-0.0",
                "0e0",
                "-0e-5",
                "1e400",
                "-1e400",
                "1e-400",
                "-1e-400",
                "9223372036854775807",
                "9223372036854775808",
                "-9223372036854775808",
                "-9223372036854775809",
                "18446744073709551615",
                "18446744073709551616",
                "2.2250738585072011e-308",
                "4.9406564584124654e-324",
                "1.7976931348623157e308",
                "1.7976931348623159e308",
                "0.30000000000000004",
                "9007199254740993",
                "9007199254740993.0",
                "01",
                "1.",
                ".5",
                "+1",
                "-",
                "1e",
                "1E+",
                "NaN",
                "Infinity",
                "1_0",
            ])
            .prop_map(str::to_owned),
            (
                any::<bool>(),
                digits(25),
                proptest::option::of(digits(25)),
                proptest::option::of((any::<bool>(), 0..400i32))
            )
                .prop_map(move |(negative, int, frac, exp)| {
                    let mut s = String::new();
                    if negative {
                        s.push('-');
                    }
                    s.push_str(&text(int));
                    if let Some(frac) = frac {
                        s.push('.');
                        s.push_str(&text(frac));
                    }
                    if let Some((down, e)) = exp {
                        s.push_str(if down { "e-" } else { "E" });
                        s.push_str(&e.to_string());
                    }
                    s
                }),
            any::<f64>().prop_map(|x| format!("{x:e}")),
            any::<i64>().prop_map(|n| n.to_string()),
        ]
    }

    /// The inside of a JSON string literal: plain text, escapes (good and bad) and raw bytes.
    fn string_body() -> impl Strategy<Value = Vec<u8>> {
        let piece = prop_oneof![
            "[a-zA-Z0-9 ._-]{0,8}".prop_map(String::into_bytes),
            prop::sample::select(vec![
                r"\n",
                r"\t",
                r#"\""#,
                r"\\",
                r"\/",
                r"\b",
                r"\f",
                r"\r",
                r"\u00e9",
                r"\u0000",
                r"\ud83d\ude00",
                r"\ud800",
                r"\udc00",
                r"\ud800\u0041",
                r"\uDBFF\uDFFF",
                r"\x",
                r"\u12",
                "漢字",
                "é",
            ])
            .prop_map(|s| s.as_bytes().to_vec()),
            prop::sample::select(vec![
                vec![0x01u8],
                vec![0x1f],
                vec![0x7f],
                vec![0xff],
                vec![0xed, 0xa0, 0x80],
                vec![0xc3]
            ]),
        ];
        proptest::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
    }

    /// An evidence object with `number` in a float field, an int field, a float list and the
    /// free-form `app` object, and `string` in a string field, a string list and `app`.
    fn evidence_with(number: &str, string: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(br#"{"app": {"id": "x", "n": "#);
        out.extend_from_slice(number.as_bytes());
        out.extend_from_slice(br#", "s": ""#);
        out.extend_from_slice(string);
        out.extend_from_slice(br#""}, "facts": {"metric": [{"value": "#);
        out.extend_from_slice(number.as_bytes());
        out.extend_from_slice(br#", "counts": [1, 2], "samples": [1.5, "#);
        out.extend_from_slice(number.as_bytes());
        out.extend_from_slice(br#"]}], "flow": [{"host": ""#);
        out.extend_from_slice(string);
        out.extend_from_slice(br#"", "port": "#);
        out.extend_from_slice(number.as_bytes());
        out.extend_from_slice(br#", "data": ["a", ""#);
        out.extend_from_slice(string);
        out.extend_from_slice(br#""]}]}}"#);
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn parsers_agree_on_numbers(number in number_text()) {
            agree(&evidence_with(&number, b"h"))?;
            // Alone in the float field only, so that the int field does not reject it first.
            let only_float = format!(r#"{{"facts": {{"metric": [{{"value": {number}, "counts": []}}]}}}}"#);
            agree(only_float.as_bytes())?;
        }

        #[test]
        fn parsers_agree_on_strings(body in string_body()) {
            agree(&evidence_with("1", &body))?;
        }

        #[test]
        fn parsers_agree_on_edited_objects(edits in edits()) {
            let bytes = edited_sample(&edits);
            agree(&bytes)?;
        }
    }

    /// The direct reader reads what producers write (else the tests above would compare nothing).
    #[test]
    fn the_direct_reader_reads_the_usual_object() {
        let schema = mobile_schema();
        let mut reader = EvidenceReader::new(&schema, &symbols());
        for facts in [0, 1, 10, 200, 1000] {
            let json = sample_evidence(facts);
            let direct = reader.read_direct(json.as_bytes());
            assert!(direct.is_some(), "{facts} facts: not read directly");
            assert_eq!(outcome(&Ok(direct.unwrap())), outcome(&reader.read_reference(json.as_bytes())));
        }
        let mut documents = Vec::new();
        // Numbers an int field takes (`-0` and `-0.0` as 0, as the reference reads them).
        for number in ["0", "-0", "7", "-12", "-0.0", "123456789012345678"] {
            for string in [&b"h"[..], br#"a\"b\\c\/d\n\t\r\b\f"#, "漢字é".as_bytes(), b""] {
                documents.push(evidence_with(number, string));
            }
        }
        for number in ["1.5", "-0.0", "2.5e-3", "1E10", "0.30000000000000004", "-1e-400"] {
            documents.push(
                format!(
                    r#"{{"app": {{"id": "x"}}, "facts": {{"metric": [{{"value": {number}, "counts": [3], "samples": [{number}]}}]}}}}"#
                )
                .into_bytes(),
            );
        }
        for json in documents {
            let direct = reader.read_direct(&json);
            assert!(direct.is_some(), "{}: not read directly", String::from_utf8_lossy(&json));
            assert_eq!(outcome(&Ok(direct.unwrap())), outcome(&reader.read_reference(&json)));
        }
        let spaced = b" {\n \"app\" : { \"id\" : \"x\" } ,\r\n\t\"collected\": [ \"flow\" , \"nope\" ] , \"facts\" : { \"flow\" : [ { \"host\" : \"h\" , \"data\" : [ ] , \"tls\" : true } , { \"host\" : \"g\" , \"before_consent\" : false } , {\"host\":\"k\",\"before_consent\":true,\"tls\":false} ] } } \n";
        let direct = reader.read_direct(spaced);
        assert!(direct.is_some(), "whitespace everywhere: not read directly");
        assert_eq!(outcome(&Ok(direct.unwrap())), outcome(&reader.read_reference(spaced)));
    }

    /// `app` objects one after another into one reused evidence, each as the reference reads it
    /// alone: the same names in place, others, another order, escapes, other values, too many
    /// members, a name twice, no `id`.
    #[test]
    fn app_objects_read_into_a_reused_evidence_as_the_reference_reads_them() {
        let schema = mobile_schema();
        let mut reader = EvidenceReader::new(&schema, &symbols());
        let mut reference = EvidenceReader::new(&schema, &symbols());
        let many: Vec<String> = (0..17).map(|i| format!(r#""k{i}": "v""#)).collect();
        let apps = [
            r#"{"id": "a", "name": "A", "version": "1"}"#.to_string(),
            r#"{"id": "bb", "name": "", "version": "22"}"#.to_string(),
            r#"{ "id" : "c" , "name":"C" ,"version" :"3" }"#.to_string(),
            r#"{"name": "D", "id": "d", "version": "4"}"#.to_string(),
            r#"{"id": "e"}"#.to_string(),
            r#"{"id": "f", "name": "tab\there \"q\" \u00e9", "version": "6"}"#.to_string(),
            r#"{"id": "g", "name": "G", "version": 7}"#.to_string(),
            r#"{"id": "h", "name": "漢字", "version": "8"}"#.to_string(),
            format!(r#"{{"id": "i", {}}}"#, many.join(", ")),
            r#"{"id": "j", "name": "J", "name": "J2"}"#.to_string(),
            r#"{"name": "K"}"#.to_string(),
            r#"{"id": 12}"#.to_string(),
            r#"{}"#.to_string(),
            r#"{"id": "l", "name": "L", "version": "12"}"#.to_string(),
        ];
        let mut reused = reader.read(sample_evidence(5).as_bytes()).unwrap();
        for app in &apps {
            let json = format!(r#"{{"app": {app}, "facts": {{"flow": [{{"host": "h"}}]}}}}"#);
            let into = reader.read_into(json.as_bytes(), &mut reused).map(|()| reused.clone());
            assert_eq!(outcome(&into), outcome(&reference.read_reference(json.as_bytes())), "{app}");
        }
    }

    #[test]
    fn negative_zero_keeps_its_sign() {
        let doc = br#"{"app": {"id": "x", "z": -0.0}, "facts": {"metric": [{"value": -0.0, "counts": [-0], "samples": [-0e3]}]}}"#;
        let schema = mobile_schema();
        let mut reader = EvidenceReader::new(&schema, &symbols());
        let ev = reader.read(doc).unwrap();
        assert_eq!(ev.app["z"].as_f64().map(f64::is_sign_negative), Some(true));
        let text = outcome(&Ok(ev));
        assert!(text.contains("Float([Some(-0.0)])"), "{text}");
        assert!(text.contains("Float([-0.0])"), "{text}");
        agree(doc).unwrap();
    }

    #[test]
    fn deep_nesting_is_rejected_by_both() {
        let mut doc = br#"{"app": {"id": "x", "deep": "#.to_vec();
        doc.extend(std::iter::repeat_n(b'[', 100_000));
        agree(&doc).unwrap();
        let err = EvidenceReader::new(&mobile_schema(), &symbols()).read(&doc).unwrap_err();
        assert!(err.detail().contains("nested more than 128 levels"), "{err}");
        assert_eq!(err.code(), "V0007");
    }
}
