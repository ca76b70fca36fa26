//! Bundles the sample corpus into the binary, so `kodierwerk sample` works from anywhere.

use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("md" | "toml")
        ) {
            out.push(path);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let root = manifest.join("sample_corpus");
    println!("cargo:rerun-if-changed=sample_corpus");
    let mut files = Vec::new();
    collect(&root, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The sample corpus: (path below sample_corpus/, contents).\npub static FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .expect("below the root")
            .to_string_lossy()
            .replace('\\', "/");
        code.push_str(&format!(
            "    ({relative:?}, include_str!({:?})),\n",
            file.display().to_string()
        ));
    }
    code.push_str("];\n");
    let out =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("sample_corpus.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
