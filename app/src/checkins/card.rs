//! Today's card of one class, drawn with the page's DOM rather than with Leptos: it is the
//! first thing a class teacher's phone draws, before the rest of the app's code has come
//! (`crate::first`: the framework is most of that code, and the one tap she came for needs
//! none of it), and Today draws the same card once the app is there (`QuickCheck`). What
//! it shows is decided in `guardpost_domain::checkins::view`.

use guardpost_domain::checkins::Session;
use guardpost_domain::checkins::form::OneTap;
use guardpost_domain::checkins::view::{ClassCheckView, ReportLine};
use guardpost_domain::school::SchoolTimeZone;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Document, Element, Event};

use crate::app::href;
use crate::i18n::{Locale, td_string};
use crate::widgets::{counts_in, element, session_label_in};

/// What a card shows: a class's current session, its day, and how the last tap went.
pub struct CardView<'a> {
    pub name: &'a str,
    pub session: Session,
    pub data: &'a ClassCheckView,
    pub tz: SchoolTimeZone,
    pub message: Option<&'a (bool, String)>,
}

/// A class's card, drawn into `root` (`div.card.quick-check`). One listener on the card
/// takes its button's taps, so a redraw leaves nothing to unhook.
pub struct Card {
    root: Element,
    _tap: Closure<dyn FnMut(Event)>,
}

const PRESENT: &str = "data-present";

impl Card {
    /// Takes taps on `root`'s one-tap button: `file` gets the head count it names. The button
    /// is disabled at the tap, so a second tap while the first is saved files nothing more.
    pub fn attach(root: Element, file: impl Fn(u16) + 'static) -> Self {
        let tap = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let button = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|t| t.closest(&format!("[{PRESENT}]")).ok().flatten());
            let Some(button) = button else { return };
            if button.has_attribute("disabled") {
                return;
            }
            if let Some(present) = button.get_attribute(PRESENT).and_then(|p| p.parse().ok()) {
                let _ = button.set_attribute("disabled", "");
                file(present);
            }
        });
        let _ = root.add_event_listener_with_callback("click", tap.as_ref().unchecked_ref());
        Self { root, _tap: tap }
    }

    /// Draws the card afresh.
    pub fn draw(&self, locale: Locale, card: &CardView) {
        let Some(doc) = self.root.owner_document() else {
            return;
        };
        let root = &self.root;
        root.set_text_content(None);
        element(&doc, root, "h2", &[]).set_text_content(Some(&format!(
            "{} · {}",
            card.name,
            session_label_in(locale, card.session)
        )));
        if !card.data.missed.is_empty() {
            let warning = element(
                &doc,
                root,
                "div",
                &[
                    ("class", "card warning"),
                    ("role", "alert"),
                    ("data-testid", "missed"),
                ],
            );
            for (session, due) in &card.data.missed {
                element(&doc, &warning, "p", &[]).set_text_content(Some(&format!(
                    "{} {} · {} {}",
                    session_label_in(locale, *session),
                    td_string!(locale, checkins.missed),
                    td_string!(locale, checkins.due_at),
                    time_of(card.tz, *due)
                )));
            }
            link(&doc, &warning, td_string!(locale, checkins.report_late));
        }
        let session = card.session;
        match (
            card.data.reports.get(&session),
            card.data.one_tap.get(&session),
        ) {
            (Some(report), _) => reported(&doc, root, locale, card.tz, report),
            (None, Some(OneTap::File { present })) => {
                let present_attr = present.to_string();
                let attributes = [
                    ("type", "button"),
                    ("class", "primary big"),
                    ("data-testid", "all-well"),
                    (PRESENT, present_attr.as_str()),
                ];
                element(&doc, root, "button", &attributes).set_text_content(Some(&format!(
                    "{} ({} {present})",
                    td_string!(locale, checkins.all_well),
                    td_string!(locale, checkins.present)
                )));
                link(&doc, root, td_string!(locale, checkins.someone_absent));
            }
            (None, _) => {}
        }
        if let Some((ok, words)) = card.message {
            let class = if *ok { "notice ok" } else { "notice error" };
            element(&doc, root, "p", &[("class", class), ("role", "status")])
                .set_text_content(Some(words));
        }
    }
}

/// A session's standing report: when, late or not, its numbers and whether it has synced.
fn reported(
    doc: &Document,
    root: &Element,
    locale: Locale,
    tz: SchoolTimeZone,
    report: &ReportLine,
) {
    let line = element(
        doc,
        root,
        "p",
        &[("class", "card reported"), ("data-testid", "reported")],
    );
    element(doc, &line, "strong", &[])
        .set_text_content(Some(td_string!(locale, checkins.reported)));
    text(doc, &line, &format!(" {}", time_of(tz, report.at_ms)));
    if report.late {
        text(doc, &line, " ");
        element(doc, &line, "span", &[("class", "tag danger")])
            .set_text_content(Some(td_string!(locale, checkins.late)));
    }
    element(doc, &line, "br", &[]);
    text(
        doc,
        &line,
        &format!(
            "{} · ",
            counts_in(locale, report.present, report.absent, report.fever)
        ),
    );
    let (class, word) = if report.synced {
        ("state synced", td_string!(locale, checkins.synced))
    } else {
        ("state waiting", td_string!(locale, checkins.waiting))
    };
    element(doc, &line, "span", &[("class", class)]).set_text_content(Some(word));
}

/// The school's hour and minute of `ms`.
pub fn time_of(tz: SchoolTimeZone, ms: u64) -> String {
    tz.local_minute_at_ms(ms)
        .and_then(|t| t.split(' ').nth(1).map(str::to_owned))
        .unwrap_or_default()
}

/// A link to the Check-ins page: a plain link, which the app's router takes once it runs.
fn link(doc: &Document, parent: &Element, words: &str) {
    element(
        doc,
        parent,
        "a",
        &[("href", href::CHECKINS), ("class", "secondary-link")],
    )
    .set_text_content(Some(words));
}

fn text(doc: &Document, parent: &Element, words: &str) {
    let _ = parent.append_child(&doc.create_text_node(words));
}
