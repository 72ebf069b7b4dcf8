//! Sessions of a page: the dates, places and links of a training course (or any event) in
//! the front matter's `[[sessions]]` tables. Checked here into [`Session`]s, so that a wrong
//! time, an unknown time zone or a session with nowhere to go is caught with its line; pure
//! functions, given the text: the caller points the problems at the file.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::date::{diagnose, spoken, DateMistake};

/// The time zone of a session that names none: hub is made for organisations in the UK.
pub(crate) const DEFAULT_TIME_ZONE: Tz = chrono_tz::Europe::London;

/// One session as written in the front matter, before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SessionFrontMatter {
    pub(super) title: Option<String>,
    #[serde(default, deserialize_with = "super::date::date_text")]
    pub(super) start: Option<String>,
    #[serde(default, deserialize_with = "super::date::date_text")]
    pub(super) end: Option<String>,
    pub(super) time_zone: Option<String>,
    pub(super) place: Option<String>,
    #[serde(default)]
    pub(super) online: bool,
    pub(super) join: Option<String>,
    pub(super) booking: Option<String>,
    #[serde(default, deserialize_with = "capacity_text")]
    pub(super) capacity: Option<String>,
}

/// The fields of [`SessionFrontMatter`], as written in front matter.
pub(super) const SESSION_FIELDS: &[&str] = &[
    "title",
    "start",
    "end",
    "time_zone",
    "place",
    "online",
    "join",
    "booking",
    "capacity",
];

/// A link of a session (to join it online, or to book a place), with where it is written so
/// that `hub check` can point a broken one at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionLink {
    pub(crate) url: String,
    /// 1-based line and column of the value in the file.
    pub(crate) line: usize,
    pub(crate) column: usize,
}

/// A checked session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Session {
    /// The session's own name ("Part 1: think before you post"), if it has one.
    pub(crate) title: Option<String>,
    pub(crate) start: DateTime<Tz>,
    /// After `start`.
    pub(crate) end: DateTime<Tz>,
    pub(crate) place: Option<String>,
    pub(crate) online: bool,
    pub(crate) join: Option<SessionLink>,
    pub(crate) booking: Option<SessionLink>,
    pub(crate) capacity: Option<String>,
}

impl Session {
    /// The session's time zone (its start's).
    pub(crate) fn time_zone(&self) -> Tz {
        self.start.timezone()
    }

    /// Name of the session's own `.ics` file, from its local start: `2027-01-14-1000.ics`.
    /// Unique on its page, since two sessions of a page cannot start together.
    pub(crate) fn file_name(&self) -> String {
        self.start.format("%Y-%m-%d-%H%M.ics").to_string()
    }
}

/// A problem with one key of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct SessionProblem {
    /// 0-based index of the session, in the order written.
    pub(super) index: usize,
    /// The key to point at (`start`, `place`...); the session's first line when it is missing.
    pub(super) key: &'static str,
    pub(super) message: String,
    pub(super) hint: String,
}

/// Writes `key = value` (TOML) or `key: value` (YAML), for hints.
#[derive(Debug, Clone, Copy)]
pub(super) struct Assign {
    pub(super) yaml: bool,
}

impl Assign {
    fn to(self, key: &str, value: &str) -> String {
        if self.yaml {
            format!("{key}: {value}")
        } else {
            format!("{key} = {value}")
        }
    }
}

/// Checks every session, returning them in the order written, or every problem found.
/// `locate(index, key)` gives the 1-based line and column of a session's key in the file
/// (for the links kept with their place).
pub(super) fn check_sessions(
    written: Vec<SessionFrontMatter>,
    assign: Assign,
    locate: impl Fn(usize, &str) -> Option<(usize, usize)>,
) -> Result<Vec<Session>, Vec<SessionProblem>> {
    let mut sessions: Vec<Session> = Vec::with_capacity(written.len());
    let mut problems = Vec::new();
    for (index, session) in written.into_iter().enumerate() {
        match check_session(index, session, assign, &locate) {
            Ok(session) => {
                if let Some(first) = sessions.iter().position(|s| s.start == session.start) {
                    problems.push(SessionProblem {
                        index,
                        key: "start",
                        message: format!(
                            "session {} starts at the same time as session {}",
                            index + 1,
                            first + 1
                        ),
                        hint: "remove one of them, or correct its start".into(),
                    });
                }
                sessions.push(session);
            }
            Err(mut found) => problems.append(&mut found),
        }
    }
    if problems.is_empty() {
        Ok(sessions)
    } else {
        Err(problems)
    }
}

fn check_session(
    index: usize,
    written: SessionFrontMatter,
    assign: Assign,
    locate: &impl Fn(usize, &str) -> Option<(usize, usize)>,
) -> Result<Session, Vec<SessionProblem>> {
    let number = index + 1;
    let mut problems = Vec::new();
    let mut problem = |key: &'static str, message: String, hint: String| {
        problems.push(SessionProblem {
            index,
            key,
            message,
            hint,
        })
    };
    let example_start = assign.to("start", "2027-01-14T10:00:00");
    let time_zone = match written.time_zone.as_deref().map(str::trim) {
        None | Some("") => Some(DEFAULT_TIME_ZONE),
        Some(name) => match name.parse::<Tz>() {
            Ok(zone) => Some(zone),
            Err(_) => {
                let (message, hint) = unknown_time_zone(name, assign);
                problem("time_zone", message, hint);
                None
            }
        },
    };
    let start = match written.start.as_deref().map(str::trim) {
        None => {
            problem(
                "start",
                format!("session {number} has no `start`"),
                format!("add the day and time it begins, e.g. {example_start}"),
            );
            None
        }
        Some(text) => match read_date_time(text, None) {
            Ok(when) => Some(when),
            Err(reason) => {
                let (message, hint) = bad_date_time(number, "start", text, &reason, assign);
                problem("start", message, hint);
                None
            }
        },
    };
    let end = match written.end.as_deref().map(str::trim) {
        None => {
            problem(
                "end",
                format!("session {number} has no `end`"),
                format!(
                    "add the time it finishes, e.g. {}, or the day and time if it ends on another day",
                    assign.to("end", "\"11:30\"")
                ),
            );
            None
        }
        Some(text) => match read_date_time(text, start.as_ref().map(When::day)) {
            Ok(when) => Some(when),
            Err(reason) => {
                let (message, hint) = bad_date_time(number, "end", text, &reason, assign);
                problem("end", message, hint);
                None
            }
        },
    };
    let place = written
        .place
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty());
    let online = written.online || written.join.is_some();
    if place.is_none() && !online {
        // `place` is missing: the session's first line.
        problem(
            "place",
            format!("session {number} has no `place` and is not online"),
            format!(
                "say where it is, e.g. {}, or, for a session on the internet, {} (and {} if you have the joining link)",
                assign.to("place", "\"Room 2, County Hall, Northtown\""),
                assign.to("online", "true"),
                assign.to("join", "\"https://…\""),
            ),
        );
    }
    let mut link = |key: &'static str, url: Option<String>, allow_mail: bool| {
        let url = url
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())?;
        if let Err(hint) = check_link(&url, allow_mail, assign, key) {
            problem(
                key,
                format!("`{key}` of session {number} is not a web address: {url:?}"),
                hint,
            );
            return None;
        }
        let (line, column) = locate(index, key).unwrap_or((1, 1));
        Some(SessionLink { url, line, column })
    };
    let join = link("join", written.join, false);
    let booking = link("booking", written.booking, true);
    let (Some(zone), Some(start), Some(end)) = (time_zone, start, end) else {
        return Err(problems);
    };
    let (start, end) = match (start.in_zone(zone), end.in_zone(zone)) {
        (Ok(start), Ok(end)) => (start, end),
        (start, end) => {
            for (key, result) in [("start", start), ("end", end)] {
                if let Err(message) = result {
                    problem(key, format!("session {number}: {message}"), "choose a time that exists on that day (the clocks go forward at 1am in March in the UK, so 1:00 to 1:59 is skipped)".into());
                }
            }
            return Err(problems);
        }
    };
    if end <= start {
        problem(
            "end",
            format!(
                "session {number} ends ({}) before it starts ({})",
                end.format("%-d %B %Y %H:%M"),
                start.format("%-d %B %Y %H:%M")
            ),
            format!(
                "`end` is when the session finishes: a time after `start`, e.g. {}",
                assign.to("end", "\"11:30\"")
            ),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Session {
        title: written
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
        start,
        end,
        place,
        online,
        join,
        booking,
        capacity: written
            .capacity
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty()),
    })
}

/// A moment as written: a local time (in the session's zone) or an exact one (with offset).
#[derive(Debug, Clone, Copy)]
enum When {
    Local(NaiveDateTime),
    Exact(DateTime<chrono::FixedOffset>),
}

impl When {
    fn day(&self) -> NaiveDate {
        match self {
            When::Local(naive) => naive.date(),
            When::Exact(exact) => exact.date_naive(),
        }
    }

    fn in_zone(self, zone: Tz) -> Result<DateTime<Tz>, String> {
        match self {
            When::Exact(exact) => Ok(exact.with_timezone(&zone)),
            When::Local(naive) => match zone.from_local_datetime(&naive) {
                LocalResult::Single(when) => Ok(when),
                // The hour the clocks go back happens twice: the first is meant, as a
                // calendar app would read it.
                LocalResult::Ambiguous(first, _) => Ok(first),
                LocalResult::None => Err(format!(
                    "there is no {} on {} in {}: the clocks go forward then",
                    naive.format("%H:%M"),
                    spoken(naive.date()),
                    zone.name()
                )),
            },
        }
    }
}

/// Why a date-time's text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Unreadable {
    /// A day without a time.
    NoTime,
    /// A day that does not exist, in words.
    NoSuchDay(String),
    Other,
}

/// Reads `2027-01-14T10:00`, `2027-01-14T10:00:00`, `2027-01-14 10:00`, an RFC 3339 time
/// with an offset, or, when `same_day` is given (an end), a time alone (`11:30`).
fn read_date_time(text: &str, same_day: Option<NaiveDate>) -> Result<When, Unreadable> {
    for format in [
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(When::Local(naive));
        }
    }
    if let Ok(exact) = DateTime::parse_from_rfc3339(text) {
        return Ok(When::Exact(exact));
    }
    if let Some(day) = same_day {
        for format in ["%H:%M:%S", "%H:%M"] {
            if let Ok(time) = NaiveTime::parse_from_str(text, format) {
                return Ok(When::Local(day.and_time(time)));
            }
        }
    }
    if NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10 {
        return Err(Unreadable::NoTime);
    }
    match diagnose(text) {
        DateMistake::NoSuchDay(reason) => Err(Unreadable::NoSuchDay(reason)),
        _ => Err(Unreadable::Other),
    }
}

fn bad_date_time(
    number: usize,
    key: &str,
    written: &str,
    reason: &Unreadable,
    assign: Assign,
) -> (String, String) {
    let example = if key == "end" {
        format!(
            "{} (or only the time, {}, when it ends on the day it starts)",
            assign.to(key, "2027-01-14T11:30:00"),
            assign.to(key, "\"11:30\"")
        )
    } else {
        assign.to(key, "2027-01-14T10:00:00")
    };
    match reason {
        Unreadable::NoTime => (
            format!("`{key}` of session {number} is a day without a time: {written}"),
            format!("add the time, on the 24-hour clock, e.g. {example}"),
        ),
        Unreadable::NoSuchDay(why) => (
            format!("invalid date {written:?} in `{key}` of session {number}: {why}"),
            format!("write a day that exists, e.g. {example}"),
        ),
        Unreadable::Other => (
            format!("invalid date and time {written:?} in `{key}` of session {number}"),
            format!(
                "write year-month-day, a T, then the time on the 24-hour clock, e.g. {example}"
            ),
        ),
    }
}

/// The message and hint for a time zone that is not an IANA name: a city alone ("London")
/// is found in its region, and a near miss is suggested.
fn unknown_time_zone(written: &str, assign: Assign) -> (String, String) {
    let names = || chrono_tz::TZ_VARIANTS.iter().map(|zone| zone.name());
    let lower = written.to_lowercase().replace(' ', "_");
    let meant = names()
        .find(|name| name.to_lowercase() == lower)
        .or_else(|| {
            names().find(|name| {
                name.rsplit('/')
                    .next()
                    .is_some_and(|city| city.to_lowercase() == lower)
            })
        })
        .or_else(|| crate::suggest::closest(written, names()));
    let message = match meant {
        Some(meant) => format!("unknown time zone {written:?}; did you mean \"{meant}\"?"),
        None => format!("unknown time zone {written:?}"),
    };
    let hint = format!(
        "write a time zone's full name, region/city, e.g. {} (or leave `time_zone` out for UK time)",
        assign.to("time_zone", "\"Europe/London\"")
    );
    (message, hint)
}

/// A session's link must be a whole web address (or a path on this site, or, for booking,
/// an email address): "www.example.org" would be published as a link to a page of our own.
fn check_link(url: &str, allow_mail: bool, assign: Assign, key: &str) -> Result<(), String> {
    let example = assign.to(key, "\"https://www.example.org/book\"");
    if url.starts_with('/') && !url.starts_with("//") {
        return Ok(());
    }
    let lower = url.to_ascii_lowercase();
    if allow_mail && lower.starts_with("mailto:") && url.contains('@') {
        return Ok(());
    }
    let mail_too = if allow_mail {
        ", or mailto: and an email address"
    } else {
        ""
    };
    match url::Url::parse(url) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| h.contains('.')) =>
        {
            Ok(())
        }
        _ => Err(format!(
            "write the whole address, starting with https://, e.g. {example}{mail_too}"
        )),
    }
}

/// `capacity` as text, or a number of places (`capacity = 20` is "20 places").
fn capacity_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    struct CapacityVisitor;
    impl<'de> Visitor<'de> for CapacityVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("text such as \"20 places\", or a number")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(match v {
                1 => "1 place".to_string(),
                n => format!("{n} places"),
            }))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            match u64::try_from(v) {
                Ok(v) => self.visit_u64(v),
                Err(_) => Err(E::custom("a number of places cannot be negative")),
            }
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    deserializer.deserialize_any(CapacityVisitor)
}

/// Where `key` of session `index` (0-based) is written in `front_matter`: the 1-based line
/// and the column of its value, or of the session's first line when the key is missing.
/// TOML sessions are `[[sessions]]` tables; YAML sessions are the items of `sessions:`.
pub(super) fn key_position(
    front_matter: &str,
    yaml: bool,
    index: usize,
    key: &str,
) -> Option<(usize, usize)> {
    let lines: Vec<&str> = front_matter.lines().collect();
    let (first, last) = if yaml {
        yaml_item_lines(&lines, index)?
    } else {
        toml_table_lines(&lines, index)?
    };
    for (number, line) in lines.iter().enumerate().take(last + 1).skip(first) {
        let trimmed = line.trim_start();
        let item = if yaml {
            trimmed.strip_prefix('-').map_or(trimmed, str::trim_start)
        } else {
            trimmed
        };
        let Some(after) = item.strip_prefix(key) else {
            continue;
        };
        let after_key = after.trim_start();
        let Some(value) = after_key
            .strip_prefix(if yaml { ':' } else { '=' })
            .map(str::trim_start)
        else {
            continue;
        };
        let value_start = line.len() - value.len();
        return Some((number + 1, line[..value_start].chars().count() + 1));
    }
    let column = lines[first].len() - lines[first].trim_start().len() + 1;
    Some((first + 1, column))
}

/// The lines of the `index`th `[[sessions]]` table: its header to the line before the next
/// table.
fn toml_table_lines(lines: &[&str], index: usize) -> Option<(usize, usize)> {
    let is_header = |line: &str| line.split_whitespace().collect::<String>() == "[[sessions]]";
    let first = lines
        .iter()
        .enumerate()
        .filter(|(_, line)| is_header(line))
        .nth(index)?
        .0;
    let last = lines
        .iter()
        .enumerate()
        .skip(first + 1)
        .find(|(_, line)| line.trim_start().starts_with('['))
        .map_or(lines.len() - 1, |(number, _)| number - 1);
    Some((first, last))
}

/// The lines of the `index`th item of the top-level `sessions:` list.
fn yaml_item_lines(lines: &[&str], index: usize) -> Option<(usize, usize)> {
    let indent = |line: &str| line.len() - line.trim_start().len();
    let list = lines
        .iter()
        .position(|line| indent(line) == 0 && line.trim_end() == "sessions:")?;
    let mut item_indent = None;
    let mut starts = Vec::new();
    let mut end = lines.len() - 1;
    for (number, line) in lines.iter().enumerate().skip(list + 1) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        let here = indent(line);
        match item_indent {
            None if is_item => {
                item_indent = Some(here);
                starts.push(number);
            }
            Some(item) if is_item && here == item => starts.push(number),
            Some(item) if here > item => {}
            _ => {
                end = number - 1;
                break;
            }
        }
    }
    let first = *starts.get(index)?;
    let last = starts.get(index + 1).map_or(end, |next| next - 1);
    Some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: Assign = Assign { yaml: false };

    fn written(start: &str, end: &str) -> SessionFrontMatter {
        SessionFrontMatter {
            start: Some(start.into()),
            end: Some(end.into()),
            place: Some("County Hall".into()),
            ..Default::default()
        }
    }

    fn check(sessions: Vec<SessionFrontMatter>) -> Result<Vec<Session>, Vec<SessionProblem>> {
        check_sessions(sessions, TOML, |_, _| Some((1, 1)))
    }

    #[test]
    fn reads_local_times_in_uk_time_by_default() {
        let s = check(vec![written("2027-07-14T10:00", "11:30")]).unwrap();
        assert_eq!(s[0].start.to_rfc3339(), "2027-07-14T10:00:00+01:00");
        assert_eq!(s[0].end.to_rfc3339(), "2027-07-14T11:30:00+01:00");
        assert_eq!(s[0].file_name(), "2027-07-14-1000.ics");
        let s = check(vec![written("2027-01-14 10:00:00", "2027-01-15T09:00:00")]).unwrap();
        assert_eq!(s[0].start.to_rfc3339(), "2027-01-14T10:00:00+00:00");
        assert_eq!(s[0].end.to_rfc3339(), "2027-01-15T09:00:00+00:00");
    }

    #[test]
    fn another_zone_and_an_exact_time_are_kept() {
        let mut session = written("2027-01-14T10:00:00Z", "2027-01-14T12:00:00Z");
        session.time_zone = Some("America/New_York".into());
        let s = check(vec![session]).unwrap();
        assert_eq!(s[0].start.to_rfc3339(), "2027-01-14T05:00:00-05:00");
        assert_eq!(s[0].time_zone(), chrono_tz::America::New_York);
    }

    fn problems(session: SessionFrontMatter) -> Vec<(&'static str, String, String)> {
        check(vec![session])
            .unwrap_err()
            .into_iter()
            .map(|p| (p.key, p.message, p.hint))
            .collect()
    }

    #[test]
    fn says_what_is_wrong_with_a_time() {
        let p = problems(written("2027-01-14", "11:30"));
        assert_eq!(p[0].0, "start");
        assert_eq!(
            p[0].1,
            "`start` of session 1 is a day without a time: 2027-01-14"
        );
        let p = problems(written("2027-02-30T10:00", "11:30"));
        assert_eq!(
            p[0].1,
            "invalid date \"2027-02-30T10:00\" in `start` of session 1: February 2027 has 28 days"
        );
        let p = problems(written("14/01/2027 10am", "11:30"));
        assert!(p[0].2.contains("start = 2027-01-14T10:00:00"), "{p:?}");
        // A time alone is only an end's.
        let p = problems(written("10:00", "11:30"));
        assert_eq!(p[0].0, "start");
    }

    #[test]
    fn an_end_before_the_start_is_refused() {
        let p = problems(written("2027-01-14T14:00", "11:00"));
        assert_eq!(
            p,
            vec![(
                "end",
                "session 1 ends (14 January 2027 11:00) before it starts (14 January 2027 14:00)"
                    .to_string(),
                "`end` is when the session finishes: a time after `start`, e.g. end = \"11:30\""
                    .to_string()
            )]
        );
        assert_eq!(problems(written("2027-01-14T14:00", "14:00")).len(), 1);
    }

    #[test]
    fn a_time_the_clocks_skip_is_refused() {
        let p = problems(written("2027-03-28T01:30", "03:00"));
        assert_eq!(
            p[0].1,
            "session 1: there is no 01:30 on 28 March 2027 in Europe/London: the clocks go forward then"
        );
        // The hour that happens twice is taken the first time.
        let s = check(vec![written("2027-10-31T01:30", "02:30")]).unwrap();
        assert_eq!(s[0].start.to_rfc3339(), "2027-10-31T01:30:00+01:00");
    }

    #[test]
    fn an_unknown_time_zone_gets_its_full_name() {
        for (zone, meant) in [
            ("London", "Europe/London"),
            ("europe/london", "Europe/London"),
            ("Europe/Londn", "Europe/London"),
            ("new york", "America/New_York"),
        ] {
            let mut session = written("2027-01-14T10:00", "11:00");
            session.time_zone = Some(zone.into());
            let p = problems(session);
            assert_eq!(p[0].0, "time_zone");
            assert_eq!(
                p[0].1,
                format!("unknown time zone {zone:?}; did you mean \"{meant}\"?")
            );
        }
    }

    #[test]
    fn a_session_needs_a_place_or_to_be_online() {
        let mut session = written("2027-01-14T10:00", "11:00");
        session.place = Some("  ".into());
        let p = problems(session);
        assert_eq!(p[0].1, "session 1 has no `place` and is not online");
        let mut session = written("2027-01-14T10:00", "11:00");
        session.place = None;
        session.join = Some("https://meet.example.org/abc".into());
        let s = check(vec![session]).unwrap();
        assert!(s[0].online);
        assert_eq!(
            s[0].join.as_ref().unwrap().url,
            "https://meet.example.org/abc"
        );
    }

    #[test]
    fn links_must_be_whole_addresses() {
        for (url, ok) in [
            ("https://www.example.org/book", true),
            ("/training/booking/", true),
            ("mailto:training@example.org", true),
            ("www.example.org/book", false),
            ("https://intranet/book", false),
            ("javascript:alert(1)", false),
        ] {
            let mut session = written("2027-01-14T10:00", "11:00");
            session.booking = Some(url.into());
            assert_eq!(check(vec![session]).is_ok(), ok, "{url}");
        }
        let mut session = written("2027-01-14T10:00", "11:00");
        session.join = Some("mailto:a@example.org".into());
        assert!(check(vec![session]).is_err());
    }

    #[test]
    fn two_sessions_cannot_start_together() {
        let e = check(vec![
            written("2027-01-14T10:00", "11:00"),
            written("2027-01-14T10:00", "12:00"),
        ])
        .unwrap_err();
        assert_eq!(e[0].index, 1);
        assert_eq!(
            e[0].message,
            "session 2 starts at the same time as session 1"
        );
    }

    #[test]
    fn finds_keys_of_the_nth_session() {
        let toml = "title = \"A\"\nstart = 1\n[[sessions]]\nstart = \"x\"\nend = \"y\"\n\n[[ sessions ]]\n  end = \"z\"\n[extra]\nend = 2\n";
        assert_eq!(key_position(toml, false, 0, "start"), Some((4, 9)));
        assert_eq!(key_position(toml, false, 1, "end"), Some((8, 9)));
        // A key the session lacks: its header line.
        assert_eq!(key_position(toml, false, 1, "place"), Some((7, 1)));
        assert_eq!(key_position(toml, false, 2, "end"), None);
        let yaml = "title: A\nsessions:\n  - start: x\n    end: y\n  -\n    end: z\n    place: q\ntags: [a]\nend: 1\n";
        assert_eq!(key_position(yaml, true, 0, "start"), Some((3, 12)));
        assert_eq!(key_position(yaml, true, 0, "end"), Some((4, 10)));
        assert_eq!(key_position(yaml, true, 1, "end"), Some((6, 10)));
        assert_eq!(key_position(yaml, true, 1, "join"), Some((5, 3)));
        let yaml = "sessions:\n- start: x\n- start: y\ntitle: A\n";
        assert_eq!(key_position(yaml, true, 1, "start"), Some((3, 10)));
        assert_eq!(key_position(yaml, true, 1, "title"), Some((3, 1)));
    }
}
