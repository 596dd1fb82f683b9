//! Links libFuzzer (its `main` drives the binary), compiled by scripts/fuzz.sh into the archive
//! that `TWOFOLD_LIBFUZZER` names.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=TWOFOLD_LIBFUZZER");
    let archive = std::env::var("TWOFOLD_LIBFUZZER").expect(
        "TWOFOLD_LIBFUZZER names libFuzzer's static archive; scripts/fuzz.sh builds it and sets it",
    );
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
