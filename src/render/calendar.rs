//! iCalendar files (RFC 5545) of training sessions: one calendar per section with all its
//! sessions (`/training/calendar.ics`, for calendar apps to subscribe to) and one file per
//! session (the "Add to calendar" link). Written through the `icalendar` crate, which folds
//! lines at 75 octets without splitting a character and escapes text.
//!
//! Times are written in UTC (`DTSTART:20270114T100000Z`), which RFC 5545 allows without a
//! VTIMEZONE; calendar apps show them in their reader's own time zone. A `UID` is made from
//! the page's file and the session's start, so it stays the same from one build to the next
//! and an app that subscribed updates the event instead of adding a copy.

use chrono::{DateTime, Utc};
use icalendar::{Calendar, Component, Event, EventLike, Property};

use super::sessions::{calendar_path, published_link, session, session_file_path};
use crate::output::{OutputContent, OutputFile};
use crate::site::{SessionRef, Site};

/// `PRODID` of the calendars hub writes.
const PRODUCT_ID: &str = "-//hub//Training sessions//EN";

/// A section's calendar of all its sessions, as the "Get updates" page lists it.
#[derive(Debug, serde::Serialize)]
pub(super) struct CalendarLink {
    /// The section's title: "Training".
    name: String,
    /// The calendar's absolute URL, for calendar apps to subscribe to.
    url: String,
}

/// Every section's calendar, in the order of the sections: none for a site without sessions.
pub(super) fn calendar_links(site: &Site, base_url: &str) -> Vec<CalendarLink> {
    site.sections
        .iter()
        .enumerate()
        .filter(|(_, section)| !section.sessions.is_empty())
        .map(|(id, section)| CalendarLink {
            name: section.source.title.clone(),
            url: format!("{base_url}{}", calendar_path(site, id)),
        })
        .collect()
}

/// Every calendar file: nothing at all for a site without sessions.
pub(super) fn calendar_files(site: &Site, base_url: &str, now: DateTime<Utc>) -> Vec<OutputFile> {
    let mut files = Vec::new();
    for (id, section) in site.sections.iter().enumerate() {
        if section.sessions.is_empty() {
            continue;
        }
        let mut whole = calendar(&section.source.title);
        for &r in &section.sessions {
            whole.push(event(site, r, base_url, now));
            let mut single = calendar(&site.pages[r.page].source.title);
            single.push(event(site, r, base_url, now));
            files.push(file(session_file_path(site, r), &single));
        }
        files.push(file(calendar_path(site, id), &whole));
    }
    files
}

fn file(site_path: String, calendar: &Calendar) -> OutputFile {
    OutputFile {
        path: site_path.trim_start_matches('/').to_string(),
        content: OutputContent::Bytes(calendar.to_string().into_bytes()),
    }
}

/// An empty calendar named `name`.
fn calendar(name: &str) -> Calendar {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", PRODUCT_ID))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new("METHOD", "PUBLISH"))
        .name(&plain(name));
    calendar
}

/// Text for a calendar: line breaks as `\n` alone (escaped by the writer), no other
/// control characters, which RFC 5545 does not allow in text.
fn plain(text: &str) -> String {
    text.replace("\r\n", "\n")
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

/// A stable identifier: the page's file and the session's start, at the site's host.
fn uid(site: &Site, r: SessionRef, base_url: &str) -> String {
    let page = &site.pages[r.page].source;
    let host = url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| "hub".into());
    let file = page
        .content_path
        .trim_end_matches(".md")
        .replace(['/', ' '], "-");
    let start = session(site, r).start.with_timezone(&Utc);
    format!("{file}-{}@{host}", start.format("%Y%m%dT%H%M%SZ"))
}

fn event(site: &Site, r: SessionRef, base_url: &str, now: DateTime<Utc>) -> Event {
    let page = &site.pages[r.page];
    let s = session(site, r);
    let summary = match &s.title {
        Some(title) => format!("{}: {title}", page.source.title),
        None => page.source.title.clone(),
    };
    let join = published_link(s.join.as_ref(), base_url);
    let booking = published_link(s.booking.as_ref(), base_url);
    let location = match (&s.place, s.online) {
        (Some(place), true) => format!("{place} (or online)"),
        (Some(place), false) => place.clone(),
        (None, _) => "Online".into(),
    };
    let mut description = Vec::new();
    if !page.source.description.is_empty() {
        description.push(page.source.description.clone());
    }
    if !join.is_empty() {
        description.push(format!("Join online: {join}"));
    }
    if !booking.is_empty() {
        description.push(format!("Book a place: {booking}"));
    }
    if let Some(capacity) = &s.capacity {
        description.push(format!("Places: {capacity}"));
    }
    description.push(format!("More about it: {}", page.permalink));
    let mut event = Event::new();
    event
        .uid(&uid(site, r, base_url))
        .timestamp(now)
        .starts(s.start.with_timezone(&Utc))
        .ends(s.end.with_timezone(&Utc))
        .summary(&plain(&summary))
        .description(&plain(&description.join("\n\n")))
        .location(&plain(&location))
        .url(&page.permalink);
    event.done()
}
