use super::*;

fn p(text: &str) -> (File, Vec<Diagnostic>) {
    parse(FileId(0), text)
}

#[test]
fn smoke() {
    let (f, d) = p("fact flow { host: string  port: int? }\nindicator \"X\" { when: any flow where port == 80 }");
    assert!(d.is_empty(), "{d:?}");
    assert_eq!(f.decls.len(), 2);
}
