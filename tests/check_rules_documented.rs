//! docs/check.md and the rule registry (`hub::rules`) describe the same rules: every
//! rule has a `#### \`family/rule\`: summary` heading with the registry's summary, every
//! heading names a rule that exists, every family is in the table of families, and the
//! severity that table gives each documented rule is the rule's severity. Users learn the
//! rules from that page, so a rule added, renamed or made an error must change it too.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hub::check::Severity;
use hub::rules::{self, Family, Rule};

fn docs() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/check.md");
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The rules docs/check.md describes: `#### \`privacy/email\`: email addresses` gives
/// `privacy/email` → `email addresses`.
fn documented_rules(docs: &str) -> BTreeMap<String, String> {
    let mut rules = BTreeMap::new();
    for line in docs.lines() {
        let Some(heading) = line.strip_prefix("#### `") else {
            continue;
        };
        let Some((id, rest)) = heading.split_once('`') else {
            continue;
        };
        if !id.contains('/') {
            continue;
        }
        let summary = rest.strip_prefix(": ").unwrap_or(rest).trim();
        let previous = rules.insert(id.to_string(), summary.to_string());
        assert!(
            previous.is_none(),
            "docs/check.md has two headings for `{id}`"
        );
    }
    rules
}

/// The table of families under "Errors and warnings": `privacy` → Error, from the row
/// `| privacy | \`privacy/\` | **error** |`.
fn documented_families(docs: &str) -> BTreeMap<String, Severity> {
    let table = docs
        .lines()
        .skip_while(|line| !line.contains("| rule names start with |"))
        .skip(2) // the header row and the `| --- |` row
        .take_while(|line| line.starts_with('|'));
    let mut families = BTreeMap::new();
    for row in table {
        let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
        let [_, prefix, severity] = cells.as_slice() else {
            panic!("docs/check.md: a row of the table of families has not 3 cells: {row}");
        };
        let family = prefix
            .trim_matches('`')
            .strip_suffix('/')
            .unwrap_or_else(|| panic!("docs/check.md: `{prefix}` is not written `family/`"));
        let severity = match *severity {
            "**error**" => Severity::Error,
            "warning" => Severity::Warning,
            other => panic!("docs/check.md: {family} is \"{other}\", not **error** or warning"),
        };
        families.insert(family.to_string(), severity);
    }
    assert!(
        !families.is_empty(),
        "docs/check.md has no table of families (a header row with \"| rule names start with |\")"
    );
    families
}

fn registry() -> BTreeMap<&'static str, &'static Rule> {
    rules::ALL.iter().map(|rule| (rule.id, rule)).collect()
}

#[test]
fn every_rule_in_the_registry_is_documented_with_its_summary() {
    let documented = documented_rules(&docs());
    for rule in rules::ALL {
        let summary = documented.get(rule.id).unwrap_or_else(|| {
            panic!(
                "{} is in the registry but docs/check.md has no `#### \\`{}\\`: …` heading for it",
                rule.id, rule.id
            )
        });
        assert_eq!(
            summary, rule.summary,
            "{}: the heading in docs/check.md and the registry's summary differ",
            rule.id
        );
    }
}

#[test]
fn every_documented_rule_is_in_the_registry() {
    let registry = registry();
    let unknown: Vec<String> = documented_rules(&docs())
        .into_keys()
        .filter(|id| !registry.contains_key(id.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "docs/check.md describes rules that hub does not have: {unknown:?}"
    );
}

#[test]
fn the_table_of_families_lists_exactly_the_registry_families() {
    let documented: BTreeSet<String> = documented_families(&docs()).into_keys().collect();
    let registered: BTreeSet<String> = Family::ALL
        .iter()
        .map(|family| family.name().to_string())
        .collect();
    assert_eq!(
        documented, registered,
        "the table of families in docs/check.md and the registry's families differ"
    );
}

#[test]
fn every_documented_rule_has_the_severity_of_its_family_row() {
    let docs = docs();
    let families = documented_families(&docs);
    let registry = registry();
    for id in documented_rules(&docs).keys() {
        let Some(rule) = registry.get(id.as_str()) else {
            continue; // reported by every_documented_rule_is_in_the_registry
        };
        let family = rule.family.name();
        let documented = families.get(family).unwrap_or_else(|| {
            panic!("{id}: its family `{family}/` is not in the table of families in docs/check.md")
        });
        assert_eq!(
            *documented, rule.severity,
            "{id}: docs/check.md says its family is {documented:?}, the registry says {:?}",
            rule.severity
        );
    }
}
