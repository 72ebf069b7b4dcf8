//! Field names people misspell: `tag` for `tags`, `Tags`, `descripton`, `reveiw_by`. One
//! place decides what counts as a near miss and words the message, for site.toml, page and
//! section front matter (TOML and YAML) and the roadmap's `[extra]` keys alike.

use crate::suggest::{closest, comparable};

/// Where a file keeps fields of the user's own, as it is written in that file's language;
/// `None` where no such place exists (a table of site.toml such as `[feeds]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnFields {
    /// TOML: `[extra]`.
    TomlExtra,
    /// YAML: `extra:`.
    YamlExtra,
    /// No free-form place here.
    None,
}

/// The field and the allowed fields named by serde's standard message
/// ``unknown field `tag`, expected one of `title`, `tags` `` (also ``expected `a` or `b` ``
/// and `there are no fields`), or `None` for any other message.
fn parse_unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let rest = message.strip_prefix("unknown field ")?;
    // Names sit between backticks: every odd piece of the split.
    let mut names = rest.split('`').skip(1).step_by(2).map(str::to_string);
    let field = names.next()?;
    Some((field, names.collect()))
}

/// The message and hint for an unknown `field` where `allowed` are the fields allowed.
fn unknown_field(field: &str, allowed: &[&str], own: OwnFields) -> (String, String) {
    if let Some(meant) = closest(field, allowed.iter().copied()) {
        let hint = if comparable(field) == comparable(meant) {
            format!(
                "field names are written in small letters with `_` between words: write `{meant}`"
            )
        } else {
            format!("change `{field}` to `{meant}`")
        };
        return (
            format!("unknown field `{field}`; did you mean `{meant}`?"),
            hint,
        );
    }
    let listed = allowed
        .iter()
        .filter(|name| **name != "extra")
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let own_place = match own {
        OwnFields::TomlExtra => "; put fields of your own under [extra], at the end",
        OwnFields::YamlExtra => "; put fields of your own under `extra:`",
        OwnFields::None => "",
    };
    let hint = if listed.is_empty() {
        format!("remove `{field}`: nothing can be set here{own_place}")
    } else {
        format!("the fields allowed here are {listed}{own_place}")
    };
    (format!("unknown field `{field}`"), hint)
}

/// [`unknown_field`] for one of serde's unknown-field messages, or `None` for another message.
pub(crate) fn unknown_field_from_serde(message: &str, own: OwnFields) -> Option<(String, String)> {
    let (field, allowed) = parse_unknown_field(message)?;
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    let own = if allowed.contains(&"extra") {
        own
    } else {
        OwnFields::None
    };
    Some(unknown_field(&field, &allowed, own))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &[&str] = &[
        "title",
        "description",
        "date",
        "updated",
        "draft",
        "tags",
        "authors",
        "review_by",
        "extra",
    ];

    #[test]
    fn finds_the_field_meant_by_common_slips() {
        assert_eq!(closest("tag", PAGE.iter().copied()), Some("tags"));
        assert_eq!(closest("Tags", PAGE.iter().copied()), Some("tags"));
        assert_eq!(
            closest("descripton", PAGE.iter().copied()),
            Some("description")
        );
        assert_eq!(
            closest("reveiw_by", PAGE.iter().copied()),
            Some("review_by")
        );
        assert_eq!(
            closest("review-by", PAGE.iter().copied()),
            Some("review_by")
        );
        assert_eq!(closest("author", PAGE.iter().copied()), Some("authors"));
    }

    #[test]
    fn suggests_nothing_for_unrelated_names() {
        assert_eq!(closest("colour", PAGE.iter().copied()), None);
        assert_eq!(closest("x", PAGE.iter().copied()), None);
        assert_eq!(closest("summary", PAGE.iter().copied()), None);
    }

    #[test]
    fn reads_serde_messages() {
        assert_eq!(
            parse_unknown_field("unknown field `tag`, expected one of `title`, `tags`"),
            Some(("tag".into(), vec!["title".into(), "tags".into()]))
        );
        assert_eq!(
            parse_unknown_field("unknown field `x`, expected `a` or `b`"),
            Some(("x".into(), vec!["a".into(), "b".into()]))
        );
        assert_eq!(
            parse_unknown_field("unknown field `x`, there are no fields"),
            Some(("x".into(), vec![]))
        );
        assert_eq!(parse_unknown_field("expected newline"), None);
    }

    #[test]
    fn words_a_near_miss_and_a_far_one() {
        assert_eq!(
            unknown_field("tag", PAGE, OwnFields::TomlExtra),
            (
                "unknown field `tag`; did you mean `tags`?".into(),
                "change `tag` to `tags`".into()
            )
        );
        assert_eq!(
            unknown_field("Tags", PAGE, OwnFields::TomlExtra).1,
            "field names are written in small letters with `_` between words: write `tags`"
        );
        let (message, hint) = unknown_field("colour", &["title", "extra"], OwnFields::YamlExtra);
        assert_eq!(message, "unknown field `colour`");
        assert_eq!(
            hint,
            "the fields allowed here are `title`; put fields of your own under `extra:`"
        );
    }

    #[test]
    fn offers_extra_only_where_there_is_one() {
        let (_, hint) = unknown_field_from_serde(
            "unknown field `colour`, expected `formats` or `limit`",
            OwnFields::TomlExtra,
        )
        .unwrap();
        assert_eq!(hint, "the fields allowed here are `formats`, `limit`");
    }
}
