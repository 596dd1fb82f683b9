//! Links libFuzzer (its `main` drives the binary), compiled by scripts/fuzz.sh into the archive
//! that `TWOFOLD_LIBFUZZER` names. Without it (`cargo check`, clippy) nothing is linked, and a
//! build says how to get one.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=TWOFOLD_LIBFUZZER");
    let Ok(archive) = std::env::var("TWOFOLD_LIBFUZZER") else {
        println!(
            "cargo:warning=TWOFOLD_LIBFUZZER is not set: no libFuzzer to link; \
             build with scripts/fuzz.sh --quick"
        );
        return;
    };
    let archive = Path::new(&archive);
    println!("cargo:rerun-if-changed={}", archive.display());
    let dir = archive.parent().expect("the archive's folder");
    let name = archive
        .file_stem()
        .and_then(|s| s.to_str())
        .and_then(|s| s.strip_prefix("lib"))
        .expect("an archive named lib<name>.a");
    println!("cargo:rustc-link-search=native={}", dir.display());
    println!("cargo:rustc-link-lib=static={name}");
    println!("cargo:rustc-link-lib=stdc++");
}
