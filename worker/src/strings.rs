//! The public page's words, read from the same locale files the app is built from
//! (`locales/*.json`, section `public`), so a translation is fixed in one place.

use std::sync::OnceLock;

use guardpost_domain::lang::Lang;
use guardpost_domain::notices::EndReason;
use guardpost_domain::notices::contacts::ContactKind;
use guardpost_domain::notices::event::Category;
use serde::Deserialize;
use worker::Request;

/// The cookie the app's language switch writes (leptos_i18n's default name), so the public
/// page follows a choice the person already made in the app.
const LANG_COOKIE: &str = "i18n_pref_locale";

#[derive(Debug, Deserialize)]
struct LocaleFile {
    public: PublicText,
}

/// Every string on the public page and the Worker's HTML error pages.
#[derive(Debug, Deserialize)]
pub struct PublicText {
    pub page_title: String,
    pub notices: String,
    pub no_notices: String,
    pub published: String,
    pub approved_by: String,
    pub pinned: String,
    pub read_more: String,
    /// The label of a drill's notice, in both languages so no one misses it.
    pub exercise: String,
    pub updated_on: String,
    pub all_notices: String,
    pub contacts: String,
    pub no_contacts: String,
    pub contact_school: String,
    pub contact_clinic: String,
    pub contact_police: String,
    pub contact_government_duty: String,
    pub other_language: String,
    pub staff_app: String,
    pub updated: String,
    pub not_set_up: String,
    pub unavailable: String,
    pub not_found: String,
    pub method_not_allowed: String,
    pub back_home: String,
    /// Shown by the app's page until its code has loaded (a slow first visit).
    pub opening: String,
    /// Before how much of the app's code a first visit has downloaded, as a percentage.
    pub downloading: String,
    /// The app's code did not arrive (the network dropped, or the server failed).
    pub load_failed: String,
    /// No byte of the app's code for a while: it may still come.
    pub load_stalled: String,
    pub try_again: String,
    pub archive: String,
    pub archive_link: String,
    pub no_archive: String,
    pub withdrawn_on: String,
    pub expired_on: String,
    pub no_longer_valid: String,
    pub hours: String,
    pub on_duty_today: String,
    pub feed: String,
    pub cap: String,
    pub poster: String,
    pub poster_title: String,
    pub poster_hint: String,
    pub poster_notices: String,
    pub category_prevention: String,
    pub category_situation: String,
    pub category_emergency_guide: String,
    pub category_drill: String,
}

impl PublicText {
    pub fn contact_kind(&self, kind: &ContactKind) -> &str {
        match *kind {
            ContactKind::School => &self.contact_school,
            ContactKind::Clinic => &self.contact_clinic,
            ContactKind::Police => &self.contact_police,
            ContactKind::GovernmentDuty => &self.contact_government_duty,
        }
    }

    pub fn category(&self, category: &Category) -> &str {
        match *category {
            Category::Prevention => &self.category_prevention,
            Category::Situation => &self.category_situation,
            Category::EmergencyGuide => &self.category_emergency_guide,
            Category::Drill => &self.category_drill,
        }
    }

    /// Why an archived notice left the page, and when.
    pub fn ended(&self, why: &EndReason) -> &str {
        match *why {
            EndReason::Withdrawn => &self.withdrawn_on,
            EndReason::Expired => &self.expired_on,
        }
    }
}

fn parse(source: &str) -> PublicText {
    // The locale files are compiled in and checked by the Worker tests; a malformed one is a
    // build defect, so fail loudly at first use rather than render half a page.
    match serde_json::from_str::<LocaleFile>(source) {
        Ok(file) => file.public,
        Err(e) => panic!("locale file is malformed: {e}"),
    }
}

pub fn public(lang: Lang) -> &'static PublicText {
    static ZH: OnceLock<PublicText> = OnceLock::new();
    static EN: OnceLock<PublicText> = OnceLock::new();
    match lang {
        Lang::ZhCn => ZH.get_or_init(|| parse(include_str!("../../locales/zh-CN.json"))),
        Lang::En => EN.get_or_init(|| parse(include_str!("../../locales/en.json"))),
    }
}

/// The cookie that carries a language chosen on the public page (`?lang=`) into the app,
/// which reads the same cookie when it starts.
pub fn chosen_lang_cookie(req: &Request) -> Option<String> {
    let url = req.url().ok()?;
    let (_, value) = url.query_pairs().find(|(k, _)| k == "lang")?;
    let lang = Lang::from_tag(&value)?;
    Some(format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.tag()
    ))
}

/// The language for a request: `?lang=`, then the app's language cookie, then
/// `Accept-Language`.
pub fn lang_of(req: &Request) -> Lang {
    let query = req.url().ok().and_then(|url| {
        url.query_pairs()
            .find(|(k, _)| k == "lang")
            .map(|(_, v)| v.into_owned())
    });
    let header = |name: &str| req.headers().get(name).ok().flatten();
    let cookie = header("Cookie").and_then(|cookies| {
        cookies.split(';').find_map(|pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == LANG_COOKIE).then(|| value.to_owned())
        })
    });
    let explicit = query.or(cookie);
    Lang::negotiate(explicit.as_deref(), header("Accept-Language").as_deref())
}
