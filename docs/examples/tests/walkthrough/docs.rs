//! The docs show compiled code, link to pages that exist, and the index
//! lists every page.

use std::path::{Path, PathBuf};

use crate::helpers::{docs_dir, docs_page};

#[test]
fn every_rust_block_in_the_docs_is_part_of_a_compiled_file() {
    let sources = crate_sources();

    for (page, block) in fenced_blocks("rust") {
        let found = sources.iter().any(|source| source.contains(&block));
        assert!(
            found,
            "this Rust block of {page} is in no file of docs/examples/src:\n{block}"
        );
    }
}

#[test]
fn the_guide_adds_exactly_the_yaml_the_tests_serve() {
    let page = docs_page("adding-an-endpoint.md");

    let shown = format!("```yaml\n{}```", walkthrough::NEW_OPERATION);

    assert!(
        page.contains(&shown),
        "adding-an-endpoint.md must show new-operation.yaml"
    );
}

#[test]
fn the_index_links_every_page() {
    let index = docs_page("README.md");

    for page in pages() {
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        let linked = index.contains(&format!("]({name})"));
        assert!(
            name == "README.md" || linked,
            "docs/README.md does not link {name}"
        );
    }
}

#[test]
fn every_relative_link_in_the_docs_points_at_a_file() {
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        for target in relative_links(&text) {
            let path = page
                .parent()
                .unwrap()
                .join(target.split('#').next().unwrap());
            assert!(
                path.exists(),
                "{} links to {target}, which does not exist",
                page.display()
            );
        }
    }
}

/// The `docs/*.md` pages.
fn pages() -> Vec<PathBuf> {
    let entries = std::fs::read_dir(docs_dir())
        .unwrap()
        .map(|entry| entry.unwrap().path());
    let mut pages: Vec<PathBuf> = entries
        .filter(|path| path.extension().is_some_and(|extension| extension == "md"))
        .collect();
    pages.sort();
    pages
}

/// `(page, body)` of every block fenced as ```` ```language ````.
fn fenced_blocks(language: &str) -> Vec<(String, String)> {
    let opening = format!("```{language}\n");
    let mut blocks = Vec::new();
    for page in pages() {
        let text = std::fs::read_to_string(&page).unwrap();
        let name = page.file_name().unwrap().to_string_lossy().into_owned();
        for (index, _) in text.match_indices(&opening) {
            let body = &text[index + opening.len()..];
            let end = body.find("```").expect("a fenced block is closed");
            blocks.push((name.clone(), body[..end].to_owned()));
        }
    }
    blocks
}

/// Targets of `](target)` links that are neither absolute URLs nor anchors.
fn relative_links(text: &str) -> Vec<&str> {
    let starts = text.match_indices("](").map(|(index, _)| index + 2);
    starts
        .filter_map(|start| text[start..].find(')').map(|end| &text[start..start + end]))
        .filter(|target| !target.contains("://") && !target.starts_with('#'))
        .filter(|target| !target.starts_with("mailto:"))
        .collect()
}

/// The text of every file under `docs/examples/src`.
fn crate_sources() -> Vec<String> {
    let source_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let entries = std::fs::read_dir(source_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path());
    entries
        .map(|path| std::fs::read_to_string(path).unwrap())
        .collect()
}
