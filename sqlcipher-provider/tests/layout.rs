//! `SqlcipherProvider` against the C definition it mirrors: the test cuts
//! `struct sqlcipher_provider { … };` out of the very SQLCipher amalgamation libsqlite3-sys
//! compiles (sqlcipher-src, pinned to the same version), compiles a probe that prints each
//! field's `offsetof` and the `sizeof`, and compares them with the Rust struct's. A field added,
//! removed or moved upstream fails here before it can corrupt a call.

use std::mem::{offset_of, size_of};
use std::process::Command;

use twofold_sqlcipher_provider::SqlcipherProvider;

fn rust_layout() -> Vec<(&'static str, usize)> {
    macro_rules! fields {
        ($($f:ident),* $(,)?) => { vec![$((stringify!($f), offset_of!(SqlcipherProvider, $f))),*] };
    }
    fields!(
        init,
        shutdown,
        get_provider_name,
        add_random,
        random,
        hmac,
        kdf,
        cipher,
        get_cipher,
        get_key_sz,
        get_iv_sz,
        get_block_sz,
        get_hmac_sz,
        ctx_init,
        ctx_free,
        fips_status,
        get_provider_version,
        next,
    )
}

/// The struct's definition as SQLCipher's amalgamation has it, and its field names in order.
fn c_definition() -> (String, Vec<String>) {
    let source = sqlcipher_src::source_dir().join(sqlcipher_src::SOURCE_FILE);
    let text = std::fs::read_to_string(&source).expect("read the SQLCipher amalgamation");
    let start = text
        .find("struct sqlcipher_provider {")
        .expect("struct sqlcipher_provider in sqlcipher.c");
    let end = start + text[start..].find("};").expect("end of the struct") + 2;
    let body = text[start..end].to_string();
    // Each member ends with `;`; its name is the identifier in `(*name)(` or before the `;`.
    let inner = &body[body.find('{').expect("{") + 1..body.rfind('}').expect("}")];
    let names = inner
        .split(';')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .map(|m| match m.find("(*") {
            Some(i) => m[i + 2..m[i..].find(')').expect(")") + i]
                .trim()
                .to_string(),
            None => m
                .rsplit(|c: char| c == '*' || c.is_whitespace())
                .next()
                .expect("member name")
                .to_string(),
        })
        .collect();
    (body, names)
}

#[test]
fn the_rust_struct_has_the_c_struct_layout() {
    let (definition, names) = c_definition();
    let rust = rust_layout();
    assert_eq!(
        names,
        rust.iter().map(|(n, _)| n.to_string()).collect::<Vec<_>>(),
        "the C struct's fields, in order, differ from SqlcipherProvider's"
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let probe = dir.path().join("probe.c");
    let mut c = String::from("#include <stdio.h>\n#include <stddef.h>\n");
    c.push_str("typedef struct sqlcipher_provider sqlcipher_provider;\n");
    c.push_str(&definition);
    c.push_str("\nint main(void) {\n");
    c.push_str("  printf(\"sizeof %zu\\n\", sizeof(struct sqlcipher_provider));\n");
    for name in &names {
        c.push_str(&format!(
            "  printf(\"{name} %zu\\n\", offsetof(struct sqlcipher_provider, {name}));\n"
        ));
    }
    c.push_str("  return 0;\n}\n");
    std::fs::write(&probe, c).expect("write the probe");
    let exe = dir.path().join("probe");
    let compiler = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let status = Command::new(&compiler)
        .arg(&probe)
        .arg("-o")
        .arg(&exe)
        .status()
        .expect("run the C compiler");
    assert!(
        status.success(),
        "the probe did not compile with {compiler}"
    );
    let out = Command::new(&exe).output().expect("run the probe");
    let printed = String::from_utf8(out.stdout).expect("utf-8");
    let mut lines = printed.lines();
    assert_eq!(
        lines.next(),
        Some(format!("sizeof {}", size_of::<SqlcipherProvider>()).as_str())
    );
    for ((name, offset), line) in rust.iter().zip(lines) {
        assert_eq!(line, format!("{name} {offset}"), "field {name}");
    }
}
