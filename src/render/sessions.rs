//! Training sessions as templates see them (`page.sessions`, `section.sessions`): dates
//! written for people, upcoming or past as of the build's moment, and the addresses of the
//! calendar files that `calendar` writes.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::content::{Session, SessionLink};
use crate::site::{SectionId, SessionRef, Site};

/// The name of a section's calendar of all its sessions, in the section's folder.
pub(super) const CALENDAR_FILE: &str = "calendar.ics";

/// One session in templates.
#[derive(Serialize)]
pub(super) struct SessionView<'a> {
    /// The session's own title, else its page's.
    title: &'a str,
    /// The session's own title, or empty.
    session_title: &'a str,
    page_title: &'a str,
    page_permalink: &'a str,
    /// RFC 3339 with the offset in force, for `<time datetime>`.
    start: String,
    end: String,
    /// `Thursday 14 January 2027, 10:00`.
    start_text: String,
    /// `11:30` when it ends on the day it starts, else like `start_text`.
    end_text: String,
    /// `Thursday 14 January 2027, 10:00 to 11:30`.
    when: String,
    /// IANA name, `Europe/London`.
    time_zone: &'static str,
    /// True when the time zone is not the default (UK time), so worth saying.
    other_time_zone: bool,
    place: &'a str,
    online: bool,
    /// Absolute addresses, or empty.
    join: String,
    booking: String,
    capacity: &'a str,
    /// Absolute address of the session's own `.ics` file ("Add to calendar").
    calendar_url: String,
    /// Not ended when the site was built.
    upcoming: bool,
}

/// `section.sessions`: the sessions of the section's pages, split at the build's moment.
#[derive(Serialize)]
pub(super) struct SectionSessionsView<'a> {
    /// Soonest first.
    upcoming: Vec<SessionView<'a>>,
    /// Most recent first.
    past: Vec<SessionView<'a>>,
    /// Absolute address of the section's calendar of every session.
    calendar_url: String,
}

/// A session's link as published: a path on the site is made absolute.
pub(super) fn published_link(link: Option<&SessionLink>, base_url: &str) -> String {
    match link {
        Some(link) if link.url.starts_with('/') => format!("{base_url}{}", link.url),
        Some(link) => link.url.clone(),
        None => String::new(),
    }
}

/// The session that `r` names.
pub(super) fn session(site: &Site, r: SessionRef) -> &Session {
    &site.pages[r.page].source.sessions[r.index]
}

/// Site-relative path of a session's own `.ics` file.
pub(super) fn session_file_path(site: &Site, r: SessionRef) -> String {
    format!(
        "{}{}",
        site.pages[r.page].path,
        session(site, r).file_name()
    )
}

/// Site-relative path of a section's calendar.
pub(super) fn calendar_path(site: &Site, section: SectionId) -> String {
    format!("{}{CALENDAR_FILE}", site.sections[section].path)
}

fn view<'a>(site: &'a Site, r: SessionRef, base_url: &str, now: DateTime<Utc>) -> SessionView<'a> {
    let page = &site.pages[r.page];
    let s = session(site, r);
    let start_text = s.start.format("%A %-d %B %Y, %H:%M").to_string();
    let end_text = if s.end.date_naive() == s.start.date_naive() {
        s.end.format("%H:%M").to_string()
    } else {
        s.end.format("%A %-d %B %Y, %H:%M").to_string()
    };
    let session_title = s.title.as_deref().unwrap_or_default();
    SessionView {
        title: if session_title.is_empty() {
            &page.source.title
        } else {
            session_title
        },
        session_title,
        page_title: &page.source.title,
        page_permalink: &page.permalink,
        start: s.start.to_rfc3339(),
        end: s.end.to_rfc3339(),
        when: format!("{start_text} to {end_text}"),
        start_text,
        end_text,
        time_zone: s.time_zone().name(),
        other_time_zone: s.time_zone() != crate::content::DEFAULT_TIME_ZONE,
        place: s.place.as_deref().unwrap_or_default(),
        online: s.online,
        join: published_link(s.join.as_ref(), base_url),
        booking: published_link(s.booking.as_ref(), base_url),
        capacity: s.capacity.as_deref().unwrap_or_default(),
        calendar_url: format!("{base_url}{}", session_file_path(site, r)),
        upcoming: s.end > now,
    }
}

/// A page's sessions, soonest first.
pub(super) fn page_sessions<'a>(
    site: &'a Site,
    page: crate::site::PageId,
    base_url: &str,
    now: DateTime<Utc>,
) -> Vec<SessionView<'a>> {
    let sessions = &site.pages[page].source.sessions;
    if sessions.is_empty() {
        return Vec::new();
    }
    let mut refs: Vec<SessionRef> = (0..sessions.len())
        .map(|index| SessionRef { page, index })
        .collect();
    refs.sort_by_key(|r| session(site, *r).start);
    refs.into_iter()
        .map(|r| view(site, r, base_url, now))
        .collect()
}

/// A section's sessions, or None when its pages have none.
pub(super) fn section_sessions<'a>(
    site: &'a Site,
    id: SectionId,
    base_url: &str,
    now: DateTime<Utc>,
) -> Option<SectionSessionsView<'a>> {
    let refs = &site.sections[id].sessions;
    if refs.is_empty() {
        return None;
    }
    // `refs` is soonest first: past sessions are read from the end, most recent first.
    let (upcoming, mut past): (Vec<_>, Vec<_>) = refs
        .iter()
        .map(|&r| view(site, r, base_url, now))
        .partition(|v| v.upcoming);
    past.reverse();
    Some(SectionSessionsView {
        upcoming,
        past,
        calendar_url: format!("{base_url}{}", calendar_path(site, id)),
    })
}
