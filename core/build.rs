//! Compresses the texts the core bundles — the crisis-line directory, the message catalogues
//! and the schema's migrations — into the build's output directory, where `bundled.rs` and
//! `store/migrations.rs` include them and inflate each when it is used. As plain text they were
//! 114 KB of the phones' library; compressed, 35 KB (ADR 0018). The sources stay the files
//! people edit and review.

use std::io::Write;
use std::path::{Path, PathBuf};
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

/// The schema's migrations: `NNNN_what.sql`, numbered from 0001 without a gap.
const MIGRATIONS: &str = "src/store/migrations";

fn main() {
    let out = env::var_os("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let out = Path::new(&out);
    for source in TEXTS {
        pack(Path::new(source), out);
    }
    println!("cargo::rerun-if-changed={MIGRATIONS}");
    let mut names: Vec<String> = fs::read_dir(MIGRATIONS)
        .unwrap_or_else(|e| panic!("reading {MIGRATIONS}: {e}"))
        .map(|entry| {
            let entry = entry.unwrap_or_else(|e| panic!("reading {MIGRATIONS}: {e}"));
            entry.file_name().to_string_lossy().into_owned()
        })
        .filter(|name| name.ends_with(".sql"))
        .collect();
    names.sort();
    let mut list = String::from("&[\n");
    for (i, name) in names.iter().enumerate() {
        let number = format!("{:04}_", i + 1);
        assert!(
            name.starts_with(&number),
            "{MIGRATIONS}/{name}: expected {number}…"
        );
        let packed = pack(&Path::new(MIGRATIONS).join(name), out);
        list += &format!("    include_bytes!({:?}),\n", packed.display());
    }
    list += "]\n";
    fs::write(out.join("migrations.rs"), list).expect("writing migrations.rs");
}

/// Writes `source` compressed to `out/<its file name>.deflate`; returns that path.
fn pack(source: &Path, out: &Path) -> PathBuf {
    println!("cargo::rerun-if-changed={}", source.display());
    let text = fs::read(source).unwrap_or_else(|e| panic!("reading {}: {e}", source.display()));
    let mut packer = DeflateEncoder::new(Vec::new(), Compression::best());
    packer.write_all(&text).expect("compressing into memory");
    let packed = packer.finish().expect("compressing into memory");
    let name = source
        .file_name()
        .expect("each text is a file")
        .to_string_lossy();
    let path = out.join(format!("{name}.deflate"));
    fs::write(&path, packed).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    path
}
