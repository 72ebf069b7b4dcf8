//! Dates in front matter: `2026-11-24`, `2026-11-24T09:30:00`, `2026-11-24T09:30:00+01:00`
//! (or `Z`), and TOML dates, which reach us as the same text.

use std::sync::LazyLock;

use chrono::{
    DateTime, Datelike, FixedOffset, Month, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use regex::Regex;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Serialize;

/// A date as the author wrote it: with or without a time, with or without an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ContentDate {
    /// The moment, taking a missing offset to mean UTC.
    pub(crate) instant: DateTime<FixedOffset>,
    has_time: bool,
    has_offset: bool,
}

impl ContentDate {
    /// Parses one of the accepted forms, or returns `None`.
    pub(super) fn parse(text: &str) -> Option<ContentDate> {
        let text = text.trim();
        if !starts_with_iso_day(text) {
            return None;
        }
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            if text.len() != 10 {
                return None;
            }
            let naive = date.and_time(NaiveTime::MIN);
            return Some(ContentDate::from_naive(naive, false));
        }
        if let Ok(instant) = DateTime::parse_from_rfc3339(text) {
            return Some(ContentDate {
                instant,
                has_time: true,
                has_offset: true,
            });
        }
        for format in [
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ] {
            if let Ok(naive) = NaiveDateTime::parse_from_str(text, format) {
                return Some(ContentDate::from_naive(naive, true));
            }
        }
        None
    }

    fn from_naive(naive: NaiveDateTime, has_time: bool) -> ContentDate {
        ContentDate {
            instant: Utc.from_utc_datetime(&naive).fixed_offset(),
            has_time,
            has_offset: false,
        }
    }

    /// The calendar date.
    pub(crate) fn date_naive(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    /// Text for templates and the sitemap: `2026-11-24`, `2026-11-24T09:30:00` or RFC 3339,
    /// matching what was written so that Tera's `date` filter can read it.
    fn to_template_string(self) -> String {
        match (self.has_time, self.has_offset) {
            (false, _) => self.instant.format("%Y-%m-%d").to_string(),
            (true, false) => self.instant.format("%Y-%m-%dT%H:%M:%S").to_string(),
            (true, true) => self.instant.to_rfc3339(),
        }
    }

    /// RFC 3339 with an offset, for machine-readable output such as feeds.
    pub(crate) fn to_rfc3339(self) -> String {
        self.instant.to_rfc3339()
    }

    /// W3C date for the sitemap: `2026-11-24`, or RFC 3339 when a time was given.
    pub(crate) fn to_w3c(self) -> String {
        if self.has_time {
            self.to_rfc3339()
        } else {
            self.to_template_string()
        }
    }
}

impl Serialize for ContentDate {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_template_string())
    }
}

impl PartialOrd for ContentDate {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ContentDate {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.instant.cmp(&other.instant)
    }
}

/// For the `date` fuzz target: an accepted date, written the way templates see it, reads
/// back as the same moment (to the second) in the same form; a refused one is diagnosed.
#[doc(hidden)]
pub(crate) fn fuzz_round_trip(text: &str) {
    let Some(date) = ContentDate::parse(text) else {
        let _ = diagnose(text);
        return;
    };
    let written = date.to_template_string();
    let Some(again) = ContentDate::parse(&written) else {
        panic!("{text:?} is accepted but its template form {written:?} is not");
    };
    assert_eq!(
        (again.has_time, again.has_offset),
        (date.has_time, date.has_offset),
        "{text:?} → {written:?} changed form"
    );
    assert_eq!(
        again.instant.timestamp(),
        date.instant.timestamp(),
        "{text:?} → {written:?} changed the moment"
    );
    let _ = (date.to_w3c(), date.to_rfc3339(), spoken(date.date_naive()));
}

/// Whether `text` starts with `YYYY-MM-DD` and then ends or goes on with a time. chrono's
/// `%Y` and `%m` also read signed, five-digit and space-padded numbers, so without this
/// `-027- 3-02` was the year -27 (found by fuzzing): every form hub accepts starts this way.
fn starts_with_iso_day(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 10
        && bytes[..10].iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
        && bytes
            .get(10)
            .is_none_or(|b| matches!(b, b'T' | b't' | b' '))
}

/// Why a date's text is not one hub reads, found so that the message can say what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum DateMistake {
    /// The parts of a real day, in another order or shape (`05/12/2026`, `2026/12/5`):
    /// the day meant, and whether the text could also be read as another day.
    OtherOrder {
        meant: NaiveDate,
        other_reading: Option<NaiveDate>,
    },
    /// Shaped like a date, but that day does not exist: what is wrong, in words.
    NoSuchDay(String),
    /// Not recognisably a date.
    Unreadable,
}

/// Day first, as the British write it: `05/12/2026`, `5/12/2026`, `05-12-2026`, `05.12.2026`.
static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{1,2})([/.-])(\d{1,2})([/.-])(\d{4})$")
        .expect("the day-first pattern is valid")
});

/// Year first but with other separators or without leading zeros: `2026/12/05`, `2026-1-5`.
static YEAR_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})([/.-])(\d{1,2})([/.-])(\d{1,2})$")
        .expect("the year-first pattern is valid")
});

/// The start of an ISO date, with anything after it (a time).
static ISO_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})-(\d{2})-(\d{2})(?:$|[T ])").expect("the ISO date pattern is valid")
});

/// Works out what is wrong with a date `ContentDate::parse` refused, and what was meant.
pub(super) fn diagnose(text: &str) -> DateMistake {
    let text = text.trim();
    if let Some(parts) = DAY_FIRST.captures(text) {
        if parts[2] == parts[4] {
            return day_first(&parts[1], &parts[3], &parts[5]);
        }
    }
    if let Some(parts) = YEAR_FIRST.captures(text) {
        if parts[2] == parts[4] {
            return year_month_day(&parts[1], &parts[3], &parts[5]);
        }
    }
    if let Some(parts) = ISO_DAY.captures(text) {
        if let DateMistake::NoSuchDay(reason) = year_month_day(&parts[1], &parts[2], &parts[3]) {
            return DateMistake::NoSuchDay(reason);
        }
    }
    DateMistake::Unreadable
}

/// `dd/mm/yyyy`, read the British way; if that day cannot exist but the American reading
/// (`mm/dd/yyyy`) can, that is what was meant.
fn day_first(first: &str, second: &str, year: &str) -> DateMistake {
    match year_month_day(year, second, first) {
        DateMistake::OtherOrder { meant, .. } => {
            let other_reading = match year_month_day(year, first, second) {
                DateMistake::OtherOrder { meant: other, .. } if other != meant => Some(other),
                _ => None,
            };
            DateMistake::OtherOrder {
                meant,
                other_reading,
            }
        }
        british => match year_month_day(year, first, second) {
            american @ DateMistake::OtherOrder { .. } => american,
            _ => british,
        },
    }
}

fn year_month_day(year: &str, month: &str, day: &str) -> DateMistake {
    let (Ok(year), Ok(month), Ok(day)) = (
        year.parse::<i32>(),
        month.parse::<u32>(),
        day.parse::<u32>(),
    ) else {
        return DateMistake::Unreadable;
    };
    let Some(month_name) = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
    else {
        return DateMistake::NoSuchDay(format!("there is no month {month}"));
    };
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(meant) => DateMistake::OtherOrder {
            meant,
            other_reading: None,
        },
        None if day == 0 => DateMistake::NoSuchDay("there is no day 0".into()),
        None => {
            let days = days_in_month(year, month).unwrap_or(31);
            DateMistake::NoSuchDay(format!("{} {year} has {days} days", month_name.name()))
        }
    }
}

fn days_in_month(year: i32, month: u32) -> Option<u32> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let next = first.checked_add_months(chrono::Months::new(1))?;
    Some(next.signed_duration_since(first).num_days() as u32)
}

/// `5 December 2026`, as dates are said.
pub(super) fn spoken(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), date.format("%B"), date.year())
}

/// Accepts a date as text (YAML, quoted TOML) or as a TOML date value, and keeps it as text;
/// it is validated afterwards so that the error can name the line.
pub(super) fn date_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    struct DateVisitor;
    impl<'de> Visitor<'de> for DateVisitor {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a date such as 2026-11-24")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
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
        // The toml crate hands a date value over as a one-entry map.
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let Some((_, value)) = map.next_entry::<String, String>()? else {
                return Err(de::Error::custom("expected a date"));
            };
            Ok(Some(value.to_string()))
        }
    }
    deserializer.deserialize_any(DateVisitor)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Signed, five-digit and space-padded years and months are refused (found by fuzzing);
    /// the documented forms still read.
    #[test]
    fn refuses_dates_not_written_year_month_day() {
        for text in [
            "-027- 3-02",
            "+20200-1-2",
            "-2025-11-1",
            "2026- 3-02",
            "-0002-03-02",
        ] {
            assert_eq!(ContentDate::parse(text), None, "{text:?}");
        }
        for text in [
            "2026-11-24",
            "2026-11-24T09:30",
            "2026-11-24 09:30:00",
            "2026-11-24T09:30:00Z",
        ] {
            assert!(ContentDate::parse(text).is_some(), "{text:?}");
        }
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(
            ContentDate::parse("2026-11-24")
                .unwrap()
                .to_template_string(),
            "2026-11-24"
        );
        assert_eq!(
            ContentDate::parse("2026-11-24T09:30:00")
                .unwrap()
                .to_template_string(),
            "2026-11-24T09:30:00"
        );
        assert_eq!(
            ContentDate::parse("2026-11-24T09:30:00+01:00")
                .unwrap()
                .to_template_string(),
            "2026-11-24T09:30:00+01:00"
        );
        assert!(ContentDate::parse("2026-11-24T09:30:00Z").is_some());
    }

    #[test]
    fn refuses_impossible_dates() {
        assert!(ContentDate::parse("2024-13-01").is_none());
        assert!(ContentDate::parse("2024-02-30").is_none());
        assert!(ContentDate::parse("24/11/2026").is_none());
        assert!(ContentDate::parse("").is_none());
    }

    #[test]
    fn reads_day_first_dates_the_british_way() {
        let meant = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        for text in [
            "05/12/2026",
            "5/12/2026",
            "05-12-2026",
            "05.12.2026",
            " 5/12/2026 ",
        ] {
            assert_eq!(
                diagnose(text),
                DateMistake::OtherOrder {
                    meant: meant(2026, 12, 5),
                    other_reading: Some(meant(2026, 5, 12))
                },
                "{text}"
            );
        }
        assert_eq!(
            diagnose("24/11/2026"),
            DateMistake::OtherOrder {
                meant: meant(2026, 11, 24),
                other_reading: None
            }
        );
        // Only an American reading makes a real day.
        assert_eq!(
            diagnose("12/25/2026"),
            DateMistake::OtherOrder {
                meant: meant(2026, 12, 25),
                other_reading: None
            }
        );
        assert_eq!(
            diagnose("2026/12/05"),
            DateMistake::OtherOrder {
                meant: meant(2026, 12, 5),
                other_reading: None
            }
        );
        assert_eq!(
            diagnose("2026-1-5"),
            DateMistake::OtherOrder {
                meant: meant(2026, 1, 5),
                other_reading: None
            }
        );
    }

    #[test]
    fn says_why_a_day_does_not_exist() {
        let no_such = |s: &str| DateMistake::NoSuchDay(s.into());
        assert_eq!(diagnose("2026-13-01"), no_such("there is no month 13"));
        assert_eq!(diagnose("2026-11-31"), no_such("November 2026 has 30 days"));
        assert_eq!(diagnose("2026-02-29"), no_such("February 2026 has 28 days"));
        assert_eq!(diagnose("2026-11-00"), no_such("there is no day 0"));
        assert_eq!(
            diagnose("2026-13-01T09:00:00"),
            no_such("there is no month 13")
        );
        assert_eq!(diagnose("31/11/2026"), no_such("November 2026 has 30 days"));
        assert_eq!(diagnose("13/13/2026"), no_such("there is no month 13"));
    }

    #[test]
    fn leaves_other_text_unexplained() {
        for text in ["soon", "", "05/12/26", "05/12-2026", "24 November 2026"] {
            assert_eq!(diagnose(text), DateMistake::Unreadable, "{text}");
        }
        assert_eq!(
            spoken(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap()),
            "5 December 2026"
        );
    }

    #[test]
    fn orders_by_instant() {
        let a = ContentDate::parse("2026-11-24T09:30:00+01:00").unwrap();
        let b = ContentDate::parse("2026-11-24T09:00:00Z").unwrap();
        assert!(a < b);
    }
}
