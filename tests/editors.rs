//! The editors' starting points: `disan new` writes files that pass `disan check`, and the JSON Schema
//! that text editors use agrees with the checker on the sample, the fixture and broken copies of it.

mod common;

use std::fs;
use std::path::Path;

use serde_json::Value;

fn schema(name: &str) -> jsonschema::Validator {
    let text = fs::read_to_string(common::repo().join("schema").join(name)).expect("committed schema");
    let value: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft7::new(&value).expect("schema compiles")
}

fn yaml(path: &Path) -> Value {
    let text = fs::read_to_string(path).expect("read YAML");
    yaml_serde::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn committed_schemas_match_the_program() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = common::disan(&common::repo(), &["schema", "--out", dir.path().to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for name in ["collection.schema.json", "site.schema.json"] {
        let fresh = fs::read_to_string(dir.path().join(name)).expect("written");
        let committed = fs::read_to_string(common::repo().join("schema").join(name)).expect("committed");
        assert!(fresh == committed, "schema/{name} is stale: run `cargo run -- schema` and commit it");
    }
}

#[test]
fn schema_accepts_every_sample_and_fixture_file() {
    let (site, collection) = (schema("site.schema.json"), schema("collection.schema.json"));
    let mut checked = 0;
    for dir in [common::repo().join("sites"), common::repo().join("tests/fixtures/valid/sites")] {
        for entry in fs::read_dir(&dir).expect("sites folder") {
            let path = entry.expect("entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            let validator = match name {
                "links.yaml" => continue,
                "collection.yaml" => &collection,
                n if n.ends_with(".yaml") => &site,
                _ => continue,
            };
            let errs = errors(validator, &yaml(&path));
            assert!(errs.is_empty(), "{}: {errs:#?}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 13, "only {checked} files checked");
}

#[test]
fn sample_files_point_editors_at_the_schema() {
    for entry in fs::read_dir(common::repo().join("sites")).expect("sites") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if name == "links.yaml" || !name.ends_with(".yaml") {
            continue;
        }
        let first = fs::read_to_string(&path).expect("read").lines().next().unwrap_or_default().to_owned();
        let expected = if name == "collection.yaml" { "collection.schema.json" } else { "site.schema.json" };
        assert_eq!(first, format!("# yaml-language-server: $schema=../schema/{expected}"), "{name}");
    }
}

/// The structural mistakes of `tests/check.rs` (those a schema can express) are refused by the schema too,
/// so editors see them underlined before they run the checker.
#[test]
fn schema_rejects_the_structural_mistakes() {
    let site = schema("site.schema.json");
    let base = fs::read_to_string(common::repo().join("tests/fixtures/valid/sites/demo.yaml")).expect("fixture");
    let cases: &[(&str, &str, &str)] = &[
        ("misspelt key", "summary:", "sumary:"),
        ("wrong type", "    yaw: 0\n", "    yaw: left\n"),
        ("unknown kind", "kind: historical_relic", "kind: temple"),
        ("pitch out of range", "    pitch: 0\n    hfov: 100", "    pitch: 95\n    hfov: 100"),
        ("hfov out of range", "    pitch: 0\n    hfov: 100", "    pitch: 0\n    hfov: 200"),
        ("hotspot yaw out of range", "        yaw: 90\n", "        yaw: 270\n"),
        ("slug with capitals", "slug: demo", "slug: Demo"),
        ("wrong schema version", "schema: 1", "schema: 2"),
        ("missing summary", "summary:", "summary_removed:"),
    ];
    for (name, find, replace) in cases {
        assert!(base.contains(find), "{name}: fixture has no {find:?}");
        let broken = base.replacen(find, replace, 1);
        let doc: Value = yaml_serde::from_str(&broken).expect("still YAML");
        assert!(!errors(&site, &doc).is_empty(), "the schema accepts the {name} mistake");
    }
}

#[test]
fn new_collection_passes_check_and_serves_its_example() {
    let parent = tempfile::tempdir().expect("tempdir");
    let dir = parent.path().join("tour");
    let out = common::disan(parent.path(), &["new", "collection", "tour"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for f in ["README.md", ".gitignore", "sites/collection.yaml", "sites/di-tich-mau.yaml", "schema/site.schema.json"] {
        assert!(dir.join(f).is_file(), "{f} was not written");
    }
    let readme = fs::read_to_string(dir.join("README.md")).expect("readme");
    assert!(readme.contains("Hướng dẫn cho người biên tập") && readme.contains("A guide for editors"));
    let check = common::disan(&dir, &["check"]);
    assert!(check.status.success(), "{}", String::from_utf8_lossy(&check.stderr));

    let (site, collection) = (schema("site.schema.json"), schema("collection.schema.json"));
    assert_eq!(errors(&site, &yaml(&dir.join("sites/di-tich-mau.yaml"))), Vec::<String>::new());
    assert_eq!(errors(&collection, &yaml(&dir.join("sites/collection.yaml"))), Vec::<String>::new());

    // A second site, then the whole thing built and served.
    let out = common::disan(&dir, &["new", "site", "den-moi"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let check = common::disan(&dir, &["check"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success() && stderr.contains("2 sites"), "{stderr}");
    let server = common::Server::start(&dir);
    let page = common::client().get(format!("{}/vi/den-moi/", server.base)).call().expect("page");
    let body = page.into_body().read_to_string().expect("body");
    assert!(body.contains("Tên di tích (den-moi)"), "{body}");
}

#[test]
fn new_refuses_to_overwrite_or_take_a_bad_name() {
    let dir = common::fixture();
    let out = common::disan(dir.path(), &["new", "site", "demo"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    let out = common::disan(dir.path(), &["new", "site", "Đền Mới"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be a site's short name"));
    let out = common::disan(dir.path(), &["new", "collection", "."]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
    let empty = tempfile::tempdir().expect("tempdir");
    let out = common::disan(empty.path(), &["new", "site", "den-moi"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("disan new collection"));
}
