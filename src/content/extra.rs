//! Checks of the free-form `extra` table that the theme nonetheless relies on: a roadmap
//! page's fields (a misspelt `benefit` or a `status` of "Trail" would otherwise publish
//! "None listed" or a "Trail" badge), and page fields that fell into `[extra]` because they
//! were written below it. Pure functions: the caller points the problems at their lines.

use serde_json::{Map, Value};

use crate::suggest::closest;

/// The fields the default theme's roadmap table reads from a platform's `extra`.
const ROADMAP_FIELDS: &[&str] = &[
    "platform",
    "status",
    "benefits",
    "risks_current",
    "risks_future",
    super::history::HISTORY_KEY,
];

/// The roadmap statuses, as the theme's badges name them.
const ROADMAP_STATUSES: &[&str] = &["adopt", "trial", "assess", "hold"];

/// The roadmap fields that hold lists of short texts.
const ROADMAP_LISTS: &[&str] = &["benefits", "risks_current", "risks_future"];

/// A problem with one key of `extra`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExtraProblem {
    /// The key in `extra`, as written.
    pub(super) key: String,
    /// Whether the problem is the key's name (point at the key) or its value.
    pub(super) in_name: bool,
    pub(super) message: String,
    pub(super) hint: String,
}

/// True for a page the theme shows as a roadmap platform: its `extra` has `platform`
/// (themes/default/templates/macros.html, `roadmap_table`, picks pages the same way).
pub(super) fn is_roadmap_page(extra: &Map<String, Value>) -> bool {
    extra.contains_key("platform")
}

/// Checks a roadmap page's `extra` and writes `status` in small letters.
///
/// `status` in another case ("Adopt", "HOLD") is accepted and normalised rather than refused:
/// the four words mean the same in any case, the theme shows them capitalised anyway, and a
/// writer who capitalises a word has made no mistake worth stopping a build for. Only a word
/// that is not one of the four is an error, since it would publish a badge no reader can trust.
pub(super) fn check_roadmap(extra: &mut Map<String, Value>) -> Vec<ExtraProblem> {
    let mut problems: Vec<ExtraProblem> = extra
        .keys()
        .filter(|key| !ROADMAP_FIELDS.contains(&key.as_str()))
        .filter_map(|key| {
            let meant = closest(key, ROADMAP_FIELDS.iter().copied())?;
            Some(ExtraProblem {
                key: key.clone(),
                in_name: true,
                message: format!("unknown roadmap field `{key}`; did you mean `{meant}`?"),
                hint: format!(
                    "change `{key}` to `{meant}`: the roadmap table reads `{meant}`, and would show nothing for `{key}`"
                ),
            })
        })
        .collect();
    if let Some(problem) = check_platform(extra) {
        problems.push(problem);
    }
    if let Some(problem) = check_status(extra) {
        problems.push(problem);
    }
    problems.extend(
        ROADMAP_LISTS
            .iter()
            .filter_map(|key| check_text_list(key, extra.get(*key)?)),
    );
    problems
}

fn check_platform(extra: &Map<String, Value>) -> Option<ExtraProblem> {
    match extra.get("platform")? {
        Value::String(name) if !name.trim().is_empty() => None,
        _ => Some(value_problem(
            "platform",
            "`platform` must be the platform's name, as text".into(),
            "write it in quotes, e.g. platform = \"Facebook\"".into(),
        )),
    }
}

fn check_status(extra: &mut Map<String, Value>) -> Option<ExtraProblem> {
    let choices = "`status` is one of \"adopt\", \"trial\", \"assess\" or \"hold\"";
    let Some(Value::String(written)) = extra.get("status") else {
        return extra.get("status").map(|_| {
            value_problem(
                "status",
                "`status` must be a word in quotes".into(),
                format!("{choices}, e.g. status = \"trial\""),
            )
        });
    };
    let lower = written.trim().to_lowercase();
    if ROADMAP_STATUSES.contains(&lower.as_str()) {
        extra.insert("status".into(), Value::String(lower));
        return None;
    }
    let message = match closest(&lower, ROADMAP_STATUSES.iter().copied()) {
        Some(meant) => format!("unknown roadmap status {written:?}; did you mean \"{meant}\"?"),
        None => format!("unknown roadmap status {written:?}"),
    };
    Some(value_problem("status", message, choices.into()))
}

/// `benefits` and the risks must be lists of texts: a single text or a number would show as
/// "None listed" or not at all.
fn check_text_list(key: &str, value: &Value) -> Option<ExtraProblem> {
    let example = format!(
        "write it as a list in square brackets, e.g. {key} = [\"First point\", \"Second point\"]"
    );
    let Value::Array(items) = value else {
        return Some(value_problem(
            key,
            format!("`{key}` must be a list of short texts"),
            example,
        ));
    };
    let position = items.iter().position(|item| !item.is_string())?;
    Some(value_problem(
        key,
        format!("item {} of `{key}` is not text", position + 1),
        format!("put each item in quotes, e.g. {key} = [\"First point\", \"Second point\"]"),
    ))
}

fn value_problem(key: &str, message: String, hint: String) -> ExtraProblem {
    ExtraProblem {
        key: key.into(),
        in_name: false,
        message,
        hint,
    }
}

/// Keys of `extra` that are fields of the page itself (`tags`, `date`...): in TOML they land
/// there when written below the `[extra]` line, and the page silently goes without them.
/// `kind` is "page" or "section"; `set_above` says whether the field is also set in its
/// proper place. Returns (key, message) pairs, for warnings: extra is free-form, so the key
/// may be meant.
pub(super) fn page_fields_in_extra(
    extra: &Map<String, Value>,
    fields: &[&str],
    kind: &str,
    set_above: impl Fn(&str) -> bool,
) -> Vec<(String, String)> {
    extra
        .keys()
        .filter(|key| fields.contains(&key.as_str()) && key.as_str() != "extra")
        .map(|key| {
            let consequence = if key == "draft" {
                format!("so the {kind} is not a draft: it will be published")
            } else if set_above(key) {
                format!("so hub ignores it: the {kind}'s `{key}` is the one above [extra]")
            } else {
                format!("so the {kind} has no {}", key.replace('_', " "))
            };
            let message = format!(
                "`{key}` is inside [extra] (every line after [extra] belongs to it), {consequence}"
            );
            (key.clone(), message)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("the tests pass objects"),
        }
    }

    #[test]
    fn a_good_roadmap_page_passes_and_status_is_put_in_small_letters() {
        let mut extra = map(json!({
            "platform": "TikTok", "status": "Trial", "benefits": ["Reach"],
            "risks_current": [], "risks_future": ["Bans"], "caption": "free-form"
        }));
        assert_eq!(check_roadmap(&mut extra), vec![]);
        assert_eq!(extra["status"], "trial");
        assert!(check_roadmap(&mut map(json!({"platform": "X"}))).is_empty());
    }

    #[test]
    fn a_misspelt_status_gets_the_word_meant() {
        let problems = check_roadmap(&mut map(json!({"platform": "X", "status": "Trail"})));
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].message,
            "unknown roadmap status \"Trail\"; did you mean \"trial\"?"
        );
        assert!(!problems[0].in_name);
        let problems = check_roadmap(&mut map(json!({"platform": "X", "status": "maybe"})));
        assert_eq!(problems[0].message, "unknown roadmap status \"maybe\"");
        let problems = check_roadmap(&mut map(json!({"platform": "X", "status": 3})));
        assert_eq!(problems[0].message, "`status` must be a word in quotes");
    }

    #[test]
    fn near_misses_of_roadmap_fields_are_named() {
        let problems = check_roadmap(&mut map(json!({
            "platform": "X", "benefit": ["a"], "risk_current": ["b"], "risks-future": ["c"],
            "owner": "Comms team"
        })));
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown roadmap field `benefit`; did you mean `benefits`?",
                "unknown roadmap field `risk_current`; did you mean `risks_current`?",
                "unknown roadmap field `risks-future`; did you mean `risks_future`?",
            ]
        );
        assert!(problems.iter().all(|p| p.in_name));
    }

    #[test]
    fn lists_must_hold_text() {
        let problems = check_roadmap(&mut map(json!({
            "platform": "X", "benefits": "Reach", "risks_current": ["a", 2]
        })));
        let messages: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`benefits` must be a list of short texts",
                "item 2 of `risks_current` is not text"
            ]
        );
        let problems = check_roadmap(&mut map(json!({"platform": true})));
        assert_eq!(
            problems[0].message,
            "`platform` must be the platform's name, as text"
        );
    }

    #[test]
    fn page_fields_in_extra_are_told_apart() {
        let extra = map(json!({"tags": ["a"], "draft": true, "date": "2026-01-01", "mine": 1}));
        let found =
            page_fields_in_extra(&extra, &["tags", "draft", "date"], "page", |k| k == "date");
        let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`date` is inside [extra] (every line after [extra] belongs to it), so hub ignores it: the page's `date` is the one above [extra]",
                "`draft` is inside [extra] (every line after [extra] belongs to it), so the page is not a draft: it will be published",
                "`tags` is inside [extra] (every line after [extra] belongs to it), so the page has no tags",
            ]
        );
    }
}
