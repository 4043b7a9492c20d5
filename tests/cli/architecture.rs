//! ARCHITECTURE.md is the map of the code, checked: every module file is
//! named in it, every path it names exists, no module imports a module its
//! layer table does not let it use, and the crates kept at an edge (SQLite,
//! clap, the JSON Schemas) are used only there.
//!
//! The tables are read from between `<!-- layers -->` / `<!-- crates -->`
//! and `<!-- end -->` in ARCHITECTURE.md: change the code and the map in
//! the same commit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn architecture() -> String {
    std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap()
}

/// Every `.rs` file under `src/`, as a path relative to `src/` with `/`.
fn source_files() -> Vec<String> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }
    let src = root().join("src");
    let mut found = Vec::new();
    walk(&src, &mut found);
    let mut files: Vec<String> = found
        .iter()
        .map(|p| {
            let relative = p.strip_prefix(&src).unwrap();
            relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    files.sort();
    files
}

/// The words in backticks of a text.
fn quoted(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// The rows of the table between `<!-- NAME -->` and `<!-- end -->`: each
/// row's first and last cells.
fn table<'a>(doc: &'a str, name: &str) -> Vec<(&'a str, &'a str)> {
    let start = doc
        .find(&format!("<!-- {name} -->"))
        .unwrap_or_else(|| panic!("ARCHITECTURE.md has no <!-- {name} --> table"));
    let rest = &doc[start..];
    let end = rest.find("<!-- end -->").unwrap();
    rest[..end]
        .lines()
        .filter(|line| line.starts_with('|') && !line.starts_with("| ---"))
        .skip(1) // the heading
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
            (cells[0], cells[cells.len() - 1])
        })
        .collect()
}

/// The top-level module a file belongs to: `analyze` for
/// `analyze/note/mod.rs`, `app` for `app.rs`.
fn top_module(file: &str) -> &str {
    let first = file.split('/').next().unwrap();
    first.strip_suffix(".rs").unwrap_or(first)
}

/// A module's path inside the crate: `["commands", "mcp"]` for
/// `commands/mcp/mod.rs`, `[]` for `lib.rs`.
fn module_path(file: &str) -> Vec<&str> {
    let mut parts: Vec<&str> = file.split('/').collect();
    let last = parts.pop().unwrap();
    let name = last.strip_suffix(".rs").unwrap();
    if !matches!(name, "mod" | "lib" | "main") {
        parts.push(name);
    }
    parts
}

/// The code of a file without its unit tests (`#[cfg(test)] mod tests`, or
/// a whole `tests.rs`) and without whole-line comments.
fn code_of(file: &str, text: &str) -> String {
    if file.ends_with("/tests.rs") {
        return String::new();
    }
    let mut code = String::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if trimmed == "#[cfg(test)]"
            && lines
                .peek()
                .is_some_and(|next| next.trim_start().starts_with("mod tests"))
        {
            break;
        }
        if !trimmed.starts_with("//") {
            code.push_str(line);
            code.push('\n');
        }
    }
    code
}

fn identifier_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The top-level modules a file's code names: `crate::store::…`,
/// `use crate::{output, store::Store}`, and `super::…` that climbs out of
/// its own top-level module.
fn modules_named(file: &str, code: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        if let Some(group) = after.strip_prefix('{') {
            // Items at the group's first level: `a::b`, `c`, `d::{e, f}`.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && (c.is_ascii_alphabetic() || c == '_') => {
                        named.insert(identifier_at(&group[i..]).to_string());
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            named.insert(identifier_at(after).to_string());
        }
        rest = after;
    }
    let depth = module_path(file).len();
    for (at, _) in code.match_indices("super::") {
        // Count the chain only from its first `super::`.
        if code[..at].ends_with("super::") {
            continue;
        }
        let mut supers = 0;
        let mut tail = &code[at..];
        while let Some(next) = tail.strip_prefix("super::") {
            supers += 1;
            tail = next;
        }
        if supers >= depth {
            named.insert(identifier_at(tail).to_string());
        }
    }
    named.retain(|name| !name.is_empty() && name != "self");
    named
}

/// The module names in a cell: `commands/` and `app.rs` are `commands` and
/// `app`.
fn modules_in(cell: &str) -> Vec<String> {
    quoted(cell)
        .iter()
        .map(|word| {
            let word = word.trim_end_matches('/');
            word.strip_suffix(".rs").unwrap_or(word).to_string()
        })
        .collect()
}

#[test]
fn every_module_file_is_named_in_architecture_md() {
    let doc = architecture();
    let named: BTreeSet<&str> = quoted(&doc).into_iter().collect();
    let missing: Vec<String> = source_files()
        .into_iter()
        .filter(|file| !named.contains(file.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md does not name these files (write each as `path/from/src.rs`): {missing:?}"
    );
}

#[test]
fn every_path_architecture_md_names_exists() {
    let doc = architecture();
    let files = source_files();
    let exists = |path: &str| {
        let in_src = |p: &str| {
            files.iter().any(|file| {
                if let Some(dir) = p.strip_suffix('/') {
                    file.starts_with(&format!("{dir}/")) || file.contains(&format!("/{dir}/"))
                } else {
                    file == p || file.ends_with(&format!("/{p}"))
                }
            })
        };
        root().join(path).exists() || root().join("src").join(path).exists() || in_src(path)
    };
    let is_path = |word: &&str| {
        let lower = word
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_-./".contains(c));
        let repo = ["templates/", "tests/", "bench/", "src/", ".ci/"]
            .iter()
            .any(|top| word.starts_with(top));
        lower && word.contains('/') && !word.contains("://")
            || (lower && word.ends_with(".rs"))
            || (lower && repo)
    };
    let gone: Vec<&str> = quoted(&doc)
        .into_iter()
        .filter(is_path)
        .filter(|path| !exists(path))
        .collect();
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {gone:?}"
    );
}

#[test]
fn no_module_imports_against_the_layer_table() {
    let doc = architecture();
    let mut allowed: BTreeMap<String, (bool, BTreeSet<String>)> = BTreeMap::new();
    for (modules, may_use) in table(&doc, "layers") {
        let anything = may_use.contains("anything");
        for module in modules_in(modules) {
            allowed.insert(
                module,
                (anything, modules_in(may_use).into_iter().collect()),
            );
        }
    }
    let mut wrong = Vec::new();
    for file in source_files() {
        let top = top_module(&file);
        let Some((anything, may_use)) = allowed.get(top) else {
            wrong.push(format!(
                "{file}: its module `{top}` has no row in the layer table"
            ));
            continue;
        };
        let text = std::fs::read_to_string(root().join("src").join(&file)).unwrap();
        for module in modules_named(&file, &code_of(&file, &text)) {
            let known = allowed.contains_key(&module);
            if known && module != top && !anything && !may_use.contains(&module) {
                wrong.push(format!("{file} uses `{module}`"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against ARCHITECTURE.md's layer table (move the code, or change the table and say why): {wrong:#?}"
    );
}

#[test]
fn crates_kept_at_an_edge_are_used_only_there() {
    let doc = architecture();
    let mut wrong = Vec::new();
    for (krate, places) in table(&doc, "crates") {
        let krate = quoted(krate)[0];
        let places = quoted(places);
        for file in source_files() {
            let text = std::fs::read_to_string(root().join("src").join(&file)).unwrap();
            let code = code_of(&file, &text);
            let uses =
                code.contains(&format!("{krate}::")) || code.contains(&format!("use {krate}"));
            let allowed = places
                .iter()
                .any(|place| file == *place || (place.ends_with('/') && file.starts_with(place)));
            if uses && !allowed {
                wrong.push(format!("{file} uses {krate}"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// One plural: a count and its noun go through `output::count` (or
/// `output::plural`), not a `{""} else {"s"}` written at each message.
#[test]
fn plurals_are_made_in_one_place() {
    let mut wrong = Vec::new();
    for file in source_files() {
        let text = std::fs::read_to_string(root().join("src").join(&file)).unwrap();
        let code: String = code_of(&file, &text)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if code.contains(r#"{""}else{"s"}"#) {
            wrong.push(file);
        }
    }
    assert!(wrong.is_empty(), "a plural made by hand in {wrong:?}");
}

/// The check itself reads imports as the compiler does.
#[test]
fn imports_are_read_from_paths_groups_and_supers() {
    let code = "use crate::{output, store::{Store, Peer}, domain::win::Win};\n\
                let x = crate::render::render(1);\n\
                use super::super::super::app::App;\n";
    let named = modules_named("commands/mcp/server.rs", code);
    let expected = ["app", "domain", "output", "render", "store"];
    assert_eq!(
        named.iter().map(String::as_str).collect::<Vec<_>>(),
        expected
    );
    // `super::` inside its own module names nothing outside it.
    assert!(modules_named("analyze/note/spell.rs", "use super::Fragment;").is_empty());
    let with_tests = "use crate::store;\n#[cfg(test)]\nmod tests {\n    use crate::cli;\n}\n";
    assert_eq!(
        modules_named("app.rs", &code_of("app.rs", with_tests)),
        BTreeSet::from(["store".to_string()])
    );
}
