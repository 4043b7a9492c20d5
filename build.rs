//! Turns the built-in TOML data files (competency frameworks, the polish
//! phrase bank) into JSON at build time. The TOML files stay the source
//! people read and copy; the binary parses the JSON, which costs a fifth of
//! the instructions, on every `win add`. A TOML mistake fails the build.

use std::path::Path;

const DATA: &[&str] = &[
    "templates/frameworks/ml-engineer.toml",
    "templates/frameworks/data-scientist.toml",
    "templates/polish.toml",
];

fn main() {
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for file in DATA {
        println!("cargo:rerun-if-changed={file}");
        let text = std::fs::read_to_string(file).unwrap_or_else(|err| panic!("{file}: {err}"));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{file}: {err}"));
        let json = serde_json::to_string(&value).unwrap_or_else(|err| panic!("{file}: {err}"));
        let name = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("a file name");
        std::fs::write(Path::new(&out).join(format!("{name}.json")), json)
            .unwrap_or_else(|err| panic!("{file}: {err}"));
    }
}
