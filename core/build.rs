//! Compresses the texts the core bundles — the crisis-line directory and the message
//! catalogues — into the build's output directory, where `bundled.rs` includes and inflates
//! them on first use. As plain text they were 88 KB of the phones' library; compressed, 24 KB
//! (ADR 0018). The sources stay the files people edit and review.

use std::io::Write;
use std::path::Path;
use std::{env, fs};

use flate2::write::DeflateEncoder;
use flate2::Compression;

const TEXTS: &[&str] = &[
    "data/crisis_lines.json",
    "locales/en.ftl",
    "locales/es.ftl",
    "locales/fr.ftl",
    "locales/pt.ftl",
    "locales/ar.ftl",
];

fn main() {
    let out = env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    for source in TEXTS {
        println!("cargo::rerun-if-changed={source}");
        let text = fs::read(source).unwrap_or_else(|e| panic!("reading {source}: {e}"));
        let mut packer = DeflateEncoder::new(Vec::new(), Compression::best());
        packer.write_all(&text).expect("compressing into memory");
        let packed = packer.finish().expect("compressing into memory");
        let name = Path::new(source)
            .file_name()
            .expect("each text is a file")
            .to_string_lossy()
            .into_owned();
        fs::write(Path::new(&out).join(format!("{name}.deflate")), packed)
            .unwrap_or_else(|e| panic!("writing {name}.deflate: {e}"));
    }
}
