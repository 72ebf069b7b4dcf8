//! The moment of a build, which decides what is upcoming (training sessions) and what is
//! overdue (`hub check`). It is the computer's clock, unless `SOURCE_DATE_EPOCH` (the
//! reproducible-builds convention: seconds since 1970-01-01 UTC) says otherwise: tests use
//! it to fix "today", and a build that must give the same files twice can too.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};

/// The environment variable that fixes the build's moment.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// The build's moment: `SOURCE_DATE_EPOCH` when set, else now.
pub fn now() -> Result<DateTime<Utc>> {
    match std::env::var(SOURCE_DATE_EPOCH) {
        Ok(text) => from_epoch(&text).ok_or_else(|| {
            Error::Usage(format!(
                "{SOURCE_DATE_EPOCH} must be a number of seconds since 1970-01-01, such as 1796515200, not {text:?}; or unset it to use the computer's clock"
            ))
        }),
        Err(_) => Ok(Utc::now()),
    }
}

/// The build's day, in the computer's time zone.
pub fn today() -> Result<chrono::NaiveDate> {
    Ok(now()?.with_timezone(&chrono::Local).date_naive())
}

fn from_epoch(text: &str) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(text.trim().parse().ok()?, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_seconds_since_1970() {
        assert_eq!(
            from_epoch("1796515200").map(|t| t.to_rfc3339()),
            Some("2026-12-06T00:00:00+00:00".into())
        );
        assert_eq!(from_epoch("2026-12-06"), None);
        assert_eq!(from_epoch(""), None);
    }
}
