//! A roadmap page's status history: `[[extra.history]]` entries, each a decision that moved the
//! platform from one status to another (`date`, `from`, `to`, `why`). Checked here, because
//! the page shows the history and the roadmap-changes feed publishes it: a change dated
//! "soon", a status of "trail" or a history that ends somewhere other than the page's `status`
//! would mislead the staff who follow those decisions. Pure functions: the caller points the
//! problems at their lines.

use serde::Serialize;
use serde_json::{Map, Value};

use super::date::ContentDate;
use crate::suggest::closest;

/// The key in a roadmap page's `extra` that holds the history.
pub(super) const HISTORY_KEY: &str = "history";

/// The fields of one history entry, in the order they are shown in messages.
const ENTRY_FIELDS: &[&str] = &["date", "from", "to", "why"];

/// A roadmap status. The order is the radar's, from the innermost ring out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum RoadmapStatus {
    Adopt,
    Trial,
    Assess,
    Hold,
}

impl RoadmapStatus {
    /// Every status, innermost ring first.
    pub(crate) const ALL: [RoadmapStatus; 4] = [
        RoadmapStatus::Adopt,
        RoadmapStatus::Trial,
        RoadmapStatus::Assess,
        RoadmapStatus::Hold,
    ];

    /// The word as written in front matter: `adopt`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            RoadmapStatus::Adopt => "adopt",
            RoadmapStatus::Trial => "trial",
            RoadmapStatus::Assess => "assess",
            RoadmapStatus::Hold => "hold",
        }
    }

    /// The word as people read it: `Adopt`.
    pub(crate) fn label(self) -> &'static str {
        match self {
            RoadmapStatus::Adopt => "Adopt",
            RoadmapStatus::Trial => "Trial",
            RoadmapStatus::Assess => "Assess",
            RoadmapStatus::Hold => "Hold",
        }
    }

    /// Reads a status in any case (`"Adopt"`, `" hold "`).
    pub(crate) fn parse(text: &str) -> Option<RoadmapStatus> {
        let lower = text.trim().to_lowercase();
        RoadmapStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == lower)
    }
}

/// One recorded decision about a platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StatusChange {
    pub(crate) date: ContentDate,
    /// None on a first entry without `from`: the platform was added to the roadmap.
    pub(crate) from: Option<RoadmapStatus>,
    pub(crate) to: RoadmapStatus,
    pub(crate) why: String,
    /// The `id` of the change on its page (`change-2026-03-02`, `-2` for a second change on the
    /// same day): the page's history links to it and the roadmap-changes feed uses it in each
    /// entry's address and id, which must stay the same from one build to the next.
    pub(crate) anchor: String,
}

impl StatusChange {
    /// What happened, to follow the platform's name: "moved from Trial to Adopt", "added to
    /// the roadmap at Assess", "kept at Hold".
    pub(crate) fn phrase(&self) -> String {
        match self.from {
            None => format!("added to the roadmap at {}", self.to.label()),
            Some(from) if from == self.to => format!("kept at {}", self.to.label()),
            Some(from) => format!("moved from {} to {}", from.label(), self.to.label()),
        }
    }

    /// [`StatusChange::phrase`] as a sentence of its own: "Moved from Trial to Adopt".
    pub(crate) fn sentence(&self) -> String {
        let phrase = self.phrase();
        let mut chars = phrase.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => phrase,
        }
    }
}

/// Where a problem with the history is, for the caller to find the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum HistorySpot {
    /// A key of `extra` itself (`history`, or `status` when it disagrees with the history).
    ExtraKey(&'static str),
    /// Entry `index` (0-based) of the history: at `key` when given (its name when `at_name`,
    /// else its value), else at the entry's start.
    Entry {
        index: usize,
        key: Option<String>,
        at_name: bool,
    },
}

/// A problem with the history, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HistoryProblem {
    pub(super) spot: HistorySpot,
    pub(super) message: String,
    pub(super) hint: String,
}

/// Checks `extra.history` of a roadmap page and returns its changes, oldest first. `from` and
/// `to` are written back in small letters, as `status` is. `date_problem` says what is wrong
/// with a date's text and what to write (front_matter.rs words it for TOML or YAML).
/// No history gives no changes and no problems.
pub(super) fn check_history(
    extra: &mut Map<String, Value>,
    date_problem: &dyn Fn(&str, &str) -> (String, String),
) -> (Vec<StatusChange>, Vec<HistoryProblem>) {
    let mut problems = Vec::new();
    let status = match extra.get("status") {
        Some(Value::String(s)) => RoadmapStatus::parse(s),
        _ => None,
    };
    let has_status = extra.contains_key("status");
    let Some(history) = extra.get_mut(HISTORY_KEY) else {
        return (Vec::new(), problems);
    };
    let Value::Array(entries) = history else {
        problems.push(HistoryProblem {
            spot: HistorySpot::ExtraKey(HISTORY_KEY),
            message: "`history` must be a list of changes".into(),
            hint: "write each change as its own [[extra.history]] table, with date, from, to and why, below the other [extra] lines".into(),
        });
        return (Vec::new(), problems);
    };
    let mut changes: Vec<StatusChange> = Vec::new();
    let mut whole = true;
    for (index, entry) in entries.iter_mut().enumerate() {
        match check_entry(index, entry, date_problem) {
            Ok(change) => changes.push(change),
            Err(mut found) => {
                whole = false;
                problems.append(&mut found);
            }
        }
    }
    // The checks across entries only mean something when every entry could be read.
    if !whole {
        return (Vec::new(), problems);
    }
    for index in 1..changes.len() {
        let (before, after) = (&changes[index - 1], &changes[index]);
        if after.date < before.date {
            problems.push(HistoryProblem {
                spot: entry_key(index, "date"),
                message: format!(
                    "change {} of `history` ({}) is dated before change {} ({})",
                    index + 1,
                    after.date.to_w3c(),
                    index,
                    before.date.to_w3c()
                ),
                hint: "list the changes oldest first, so that the last one gives the page's current status".into(),
            });
            continue;
        }
        match after.from {
            None => problems.push(HistoryProblem {
                spot: HistorySpot::Entry {
                    index,
                    key: None,
                    at_name: true,
                },
                message: format!("change {} of `history` has no `from`", index + 1),
                hint: format!(
                    "add from = \"{}\": the status change {index} moved the platform to (only the first change may leave out `from`, when the platform was new)",
                    before.to.as_str()
                ),
            }),
            Some(from) if from != before.to => problems.push(HistoryProblem {
                spot: entry_key(index, "from"),
                message: format!(
                    "change {} of `history` moves the platform from \"{}\", but change {index} left it at \"{}\"",
                    index + 1,
                    from.as_str(),
                    before.to.as_str()
                ),
                hint: format!(
                    "write from = \"{}\", or add the change that is missing between them",
                    before.to.as_str()
                ),
            }),
            Some(_) => {}
        }
    }
    if let Some(last) = changes.last() {
        match status {
            Some(status) if status != last.to => problems.push(HistoryProblem {
                spot: HistorySpot::ExtraKey("status"),
                message: format!(
                    "`status` is \"{}\", but the last change in `history` moved the platform to \"{}\"",
                    status.as_str(),
                    last.to.as_str()
                ),
                hint: format!(
                    "if the platform is now at \"{}\", write status = \"{}\"; if it has moved since, add that change at the end of `history`",
                    last.to.as_str(),
                    last.to.as_str()
                ),
            }),
            None if !has_status => problems.push(HistoryProblem {
                spot: entry_key(changes.len() - 1, "to"),
                message: "this page has a `history` but no `status`".into(),
                hint: format!(
                    "add status = \"{}\" (where the last change left it) with the other [extra] fields",
                    last.to.as_str()
                ),
            }),
            // A `status` that is not one of the four words is reported by its own check.
            _ => {}
        }
    }
    if !problems.is_empty() {
        return (Vec::new(), problems);
    }
    set_anchors(&mut changes);
    (changes, problems)
}

fn entry_key(index: usize, key: &str) -> HistorySpot {
    HistorySpot::Entry {
        index,
        key: Some(key.into()),
        at_name: false,
    }
}

/// Checks one entry; statuses are written back in small letters.
fn check_entry(
    index: usize,
    entry: &mut Value,
    date_problem: &dyn Fn(&str, &str) -> (String, String),
) -> Result<StatusChange, Vec<HistoryProblem>> {
    let number = index + 1;
    let at_entry = || HistorySpot::Entry {
        index,
        key: None,
        at_name: true,
    };
    let Value::Object(fields) = entry else {
        return Err(vec![HistoryProblem {
            spot: at_entry(),
            message: format!("change {number} of `history` is not a table of date, from, to and why"),
            hint: "write each change as an [[extra.history]] table with date, to and why (and from, after the first)".into(),
        }]);
    };
    let mut problems = Vec::new();
    for key in fields.keys() {
        if ENTRY_FIELDS.contains(&key.as_str()) {
            continue;
        }
        let (message, hint) = match closest(key, ENTRY_FIELDS.iter().copied()) {
            Some(meant) => (
                format!("unknown field `{key}` in change {number} of `history`; did you mean `{meant}`?"),
                format!("change `{key}` to `{meant}`"),
            ),
            None => (
                format!("unknown field `{key}` in change {number} of `history`"),
                format!(
                    "a change has date, from, to and why; if `{key}` is a roadmap field, move it above the first [[extra.history]] line (every line below that belongs to a change)"
                ),
            ),
        };
        problems.push(HistoryProblem {
            spot: HistorySpot::Entry {
                index,
                key: Some(key.clone()),
                at_name: true,
            },
            message,
            hint,
        });
    }
    let missing = |key: &str, hint: String| HistoryProblem {
        spot: at_entry(),
        message: format!("change {number} of `history` has no `{key}`"),
        hint,
    };
    let date = match fields.get("date") {
        None => {
            problems.push(missing(
                "date",
                "add the day the decision was made, e.g. date = 2026-03-02".into(),
            ));
            None
        }
        Some(Value::String(text)) => match ContentDate::parse(text) {
            Some(date) => Some(date),
            None => {
                let (message, hint) = date_problem("date", text.trim());
                problems.push(HistoryProblem {
                    spot: entry_key(index, "date"),
                    message: format!("{message} (change {number} of `history`)"),
                    hint,
                });
                None
            }
        },
        Some(_) => {
            problems.push(HistoryProblem {
                spot: entry_key(index, "date"),
                message: format!("`date` of change {number} of `history` is not a date"),
                hint:
                    "write the day the decision was made as year-month-day, e.g. date = 2026-03-02"
                        .into(),
            });
            None
        }
    };
    let mut status_of = |key: &str, problems: &mut Vec<HistoryProblem>| {
        let value = fields.get_mut(key)?;
        let written = match value {
            Value::String(text) => text.clone(),
            _ => {
                problems.push(HistoryProblem {
                    spot: entry_key(index, key),
                    message: format!("`{key}` in change {number} of `history` must be a word in quotes"),
                    hint: format!("`{key}` is one of \"adopt\", \"trial\", \"assess\" or \"hold\", e.g. {key} = \"trial\""),
                });
                return None;
            }
        };
        match RoadmapStatus::parse(&written) {
            Some(status) => {
                *value = Value::String(status.as_str().into());
                Some(status)
            }
            None => {
                let names = RoadmapStatus::ALL.map(RoadmapStatus::as_str);
                let lower = written.trim().to_lowercase();
                let message = match closest(&lower, names) {
                    Some(meant) => format!(
                        "unknown roadmap status {written:?} in `{key}` of change {number} of `history`; did you mean \"{meant}\"?"
                    ),
                    None => format!(
                        "unknown roadmap status {written:?} in `{key}` of change {number} of `history`"
                    ),
                };
                problems.push(HistoryProblem {
                    spot: entry_key(index, key),
                    message,
                    hint: format!("`{key}` is one of \"adopt\", \"trial\", \"assess\" or \"hold\""),
                });
                None
            }
        }
    };
    let from = status_of("from", &mut problems);
    let to = status_of("to", &mut problems);
    if !fields.contains_key("to") {
        problems.push(missing(
            "to",
            "add the status the decision moved the platform to, e.g. to = \"trial\"".into(),
        ));
    }
    let why = match fields.get("why") {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim().to_string()),
        Some(Value::String(_)) => {
            problems.push(HistoryProblem {
                spot: entry_key(index, "why"),
                message: format!("`why` of change {number} of `history` is empty"),
                hint: "say in a sentence why the decision was made: staff follow these changes to understand them".into(),
            });
            None
        }
        Some(_) => {
            problems.push(HistoryProblem {
                spot: entry_key(index, "why"),
                message: format!("`why` of change {number} of `history` must be text"),
                hint: "write the reason in quotes, e.g. why = \"Six teams found it worked well\""
                    .into(),
            });
            None
        }
        None => {
            problems.push(missing(
                "why",
                "add why = \"...\": one or two sentences on why the decision was made, for the staff who follow roadmap changes".into(),
            ));
            None
        }
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    match (date, to, why) {
        (Some(date), Some(to), Some(why)) => Ok(StatusChange {
            date,
            from,
            to,
            why,
            anchor: String::new(),
        }),
        _ => Err(problems),
    }
}

/// `change-<date>`, with `-2`, `-3` for later changes on the same day.
fn set_anchors(changes: &mut [StatusChange]) {
    for index in 0..changes.len() {
        let day = changes[index].date.date_naive();
        let earlier_same_day = changes[..index]
            .iter()
            .filter(|c| c.date.date_naive() == day)
            .count();
        let mut anchor = format!("change-{}", day.format("%Y-%m-%d"));
        if earlier_same_day > 0 {
            anchor.push_str(&format!("-{}", earlier_same_day + 1));
        }
        changes[index].anchor = anchor;
    }
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

    fn words(key: &str, written: &str) -> (String, String) {
        (format!("bad date {written:?} in `{key}`"), "fix it".into())
    }

    fn check(value: Value) -> (Vec<StatusChange>, Vec<HistoryProblem>) {
        check_history(&mut map(value), &words)
    }

    fn messages(value: Value) -> Vec<String> {
        check(value).1.into_iter().map(|p| p.message).collect()
    }

    #[test]
    fn a_good_history_gives_its_changes_with_anchors() {
        let mut extra = map(json!({
            "platform": "TikTok", "status": "trial",
            "history": [
                {"date": "2025-03-01", "to": "Assess", "why": "Partners use it."},
                {"date": "2026-01-10", "from": "assess", "to": "trial", "why": "Six teams asked."},
                {"date": "2026-01-10", "from": "trial", "to": "trial", "why": "Kept."},
            ]
        }));
        let (changes, problems) = check_history(&mut extra, &words);
        assert_eq!(problems, vec![]);
        let anchors: Vec<&str> = changes.iter().map(|c| c.anchor.as_str()).collect();
        assert_eq!(
            anchors,
            [
                "change-2025-03-01",
                "change-2026-01-10",
                "change-2026-01-10-2"
            ]
        );
        assert_eq!(changes[0].from, None);
        assert_eq!(changes[1].from, Some(RoadmapStatus::Assess));
        assert_eq!(changes[0].to, RoadmapStatus::Assess);
        let sentences: Vec<String> = changes.iter().map(StatusChange::sentence).collect();
        assert_eq!(
            sentences,
            [
                "Added to the roadmap at Assess",
                "Moved from Assess to Trial",
                "Kept at Trial"
            ]
        );
        assert_eq!(
            extra["history"][0]["to"], "assess",
            "written in small letters"
        );
    }

    #[test]
    fn no_history_is_no_change() {
        assert_eq!(check(json!({"platform": "X"})), (vec![], vec![]));
    }

    #[test]
    fn a_misspelt_status_gets_the_word_meant() {
        let found = check(json!({"platform": "X", "status": "trial", "history": [
            {"date": "2026-01-01", "to": "trail", "why": "w"}
        ]}));
        assert_eq!(
            found.1[0].message,
            "unknown roadmap status \"trail\" in `to` of change 1 of `history`; did you mean \"trial\"?"
        );
        assert_eq!(found.1[0].spot, entry_key(0, "to"));
    }

    #[test]
    fn missing_fields_and_bad_dates_are_named() {
        assert_eq!(
            messages(json!({"platform": "X", "status": "hold", "history": [
                {"date": "soon", "to": "hold"},
                {"date": 3, "from": "hold", "to": "hold", "why": " "},
                {"to": "hold", "wyh": "w", "owner": "me"},
            ]})),
            [
                "bad date \"soon\" in `date` (change 1 of `history`)",
                "change 1 of `history` has no `why`",
                "`date` of change 2 of `history` is not a date",
                "`why` of change 2 of `history` is empty",
                "unknown field `owner` in change 3 of `history`",
                "unknown field `wyh` in change 3 of `history`; did you mean `why`?",
                "change 3 of `history` has no `date`",
                "change 3 of `history` has no `why`",
            ]
        );
        assert_eq!(
            messages(json!({"platform": "X", "history": {"date": "2026-01-01"}})),
            ["`history` must be a list of changes"]
        );
    }

    #[test]
    fn the_changes_must_follow_on_in_date_order_and_end_at_the_status() {
        let entries = json!([
            {"date": "2026-01-01", "to": "assess", "why": "w"},
            {"date": "2025-06-01", "from": "assess", "to": "trial", "why": "w"},
        ]);
        assert_eq!(
            messages(json!({"platform": "X", "status": "trial", "history": entries})),
            ["change 2 of `history` (2025-06-01) is dated before change 1 (2026-01-01)"]
        );
        let entries = json!([
            {"date": "2025-01-01", "to": "assess", "why": "w"},
            {"date": "2025-06-01", "from": "trial", "to": "hold", "why": "w"},
            {"date": "2025-07-01", "to": "adopt", "why": "w"},
        ]);
        assert_eq!(
            messages(json!({"platform": "X", "status": "trial", "history": entries})),
            [
                "change 2 of `history` moves the platform from \"trial\", but change 1 left it at \"assess\"",
                "change 3 of `history` has no `from`",
                "`status` is \"trial\", but the last change in `history` moved the platform to \"adopt\"",
            ]
        );
        let found = check(json!({"platform": "X", "history": [
            {"date": "2025-01-01", "to": "assess", "why": "w"}
        ]}));
        assert_eq!(
            found.1[0].message,
            "this page has a `history` but no `status`"
        );
    }
}
