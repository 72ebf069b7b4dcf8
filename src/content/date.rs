//! Dates in front matter: `2026-11-24`, `2026-11-24T09:30:00`, `2026-11-24T09:30:00+01:00`
//! (or `Z`), and TOML dates, which reach us as the same text.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::Serialize;

/// A date as the author wrote it: with or without a time, with or without an offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentDate {
    /// The moment, taking a missing offset to mean UTC.
    pub instant: DateTime<FixedOffset>,
    has_time: bool,
    has_offset: bool,
}

impl ContentDate {
    /// Parses one of the accepted forms, or returns `None`.
    pub fn parse(text: &str) -> Option<ContentDate> {
        let text = text.trim();
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
    pub fn date_naive(&self) -> NaiveDate {
        self.instant.date_naive()
    }

    /// Text for templates and the sitemap: `2026-11-24`, `2026-11-24T09:30:00` or RFC 3339,
    /// matching what was written so that Tera's `date` filter can read it.
    pub fn to_template_string(&self) -> String {
        match (self.has_time, self.has_offset) {
            (false, _) => self.instant.format("%Y-%m-%d").to_string(),
            (true, false) => self.instant.format("%Y-%m-%dT%H:%M:%S").to_string(),
            (true, true) => self.instant.to_rfc3339(),
        }
    }

    /// RFC 3339 with an offset, for machine-readable output such as feeds.
    pub fn to_rfc3339(&self) -> String {
        self.instant.to_rfc3339()
    }

    /// W3C date for the sitemap: `2026-11-24`, or RFC 3339 when a time was given.
    pub fn to_w3c(&self) -> String {
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

#[cfg(test)]
mod tests {
    use super::ContentDate;

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
    fn orders_by_instant() {
        let a = ContentDate::parse("2026-11-24T09:30:00+01:00").unwrap();
        let b = ContentDate::parse("2026-11-24T09:00:00Z").unwrap();
        assert!(a < b);
    }
}
