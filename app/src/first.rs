//! What a signed-in class teacher's phone draws first at Today: her classes' cards, with
//! their one-tap check, drawn with the page's DOM by the app's first part of code, which
//! holds no framework and no screen (issue 13: on one bar of signal, the framework and the
//! screens were most of what she waited for). The rest of the app comes after the cards are
//! on screen (`main`'s `whole_app`), is drawn hidden behind them, and takes their place once
//! Today's own cards are drawn, with the outcome of a tap made meanwhile.
//!
//! A tap here records the check as the app does (`engine::keep`): in the device's store
//! before it says saved. The app, when it starts, takes the replica as read here and syncs.
//! Any other screen, a person of the office or a device signed out starts the app at once.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::status;
use guardpost_domain::checkins::{Session, SessionCheck};
use guardpost_domain::lang::Lang;
use guardpost_domain::school::{CheckinSettings, ClassId, SchoolTimeZone};
use guardpost_domain::sync::Stream;
use guardpost_domain::sync::wire::ClassRef;
use wasm_bindgen::JsCast;
use web_sys::Document;

use crate::checkins::{Card, CardView, class_view};
use crate::i18n::{Locale, td_string};
use crate::sync::engine::{self, school_now_ms};
use crate::widgets::{element, record_outcome_in};

/// The id of the first cards' frame; style/app.css hides the app behind it while it stands.
const FRAME: &str = "first";

struct Shown {
    class: ClassRef,
    session: Session,
    card: Card,
}

thread_local! {
    static SHOWN: RefCell<Vec<Shown>> = const { RefCell::new(Vec::new()) };
    /// The school's check times, as the session read at the start said.
    static SETTINGS: Cell<CheckinSettings> = Cell::new(CheckinSettings::default());
    /// Taps whose check is being written to the store.
    static SAVING: Cell<u32> = const { Cell::new(0) };
    /// The app drew Today while a tap was being saved: the cards go once it is.
    static LEAVE: Cell<bool> = const { Cell::new(false) };
    /// How each class's last tap went, until Today's card takes it (`outcome_for`).
    static OUTCOMES: RefCell<Vec<(ClassId, (bool, String))>> = const { RefCell::new(Vec::new()) };
    /// What the app does when a tap here is saved once it runs: show it, and sync it.
    static APP: RefCell<Option<Rc<dyn Fn()>>> = const { RefCell::new(None) };
}

/// Whether the app should start: not when the device is restarting into the office's build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    StartApp,
    Restarting,
}

/// Draws the first cards, when this start is at Today on a signed-in device of a person with
/// classes, once the device's records are read. Otherwise draws nothing and reads nothing.
pub async fn draw() -> Then {
    let at_today = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .is_some_and(|path| path == crate::app::href::HOME || path == crate::app::BASE);
    let Some((token, session)) = engine::signed_in().filter(|_| at_today) else {
        return Then::StartApp;
    };
    if session.classes.is_empty() {
        return Then::StartApp;
    }
    if crate::app_build::remember(session.role) {
        crate::app_build::restart();
        return Then::Restarting;
    }
    // A store that can't be read is the app's to say, at its start.
    if engine::load_early(token, &session).await.is_err() {
        return Then::StartApp;
    }
    // Reading the records and drawing the cards each run code for the first time, which a
    // phone compiles on its main thread: two shorter tasks rather than one long one.
    crate::widgets::next_task().await;
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return Then::StartApp;
    };
    let Some(body) = doc.body() else {
        return Then::StartApp;
    };
    let locale = locale(&doc);
    let tz = crate::school::cached_timezone();
    let frame = element(&doc, &body, "div", &[("id", FRAME), ("class", "shell")]);
    let header = element(&doc, &frame, "header", &[("class", "topbar")]);
    let brand = element(&doc, &header, "div", &[("class", "brand")]);
    element(&doc, &brand, "span", &[("class", "app-name")])
        .set_text_content(Some(td_string!(locale, app_name)));
    let school = element(&doc, &brand, "span", &[("class", "school-name")]);
    match crate::school::cached() {
        Some(summary) => school.set_text_content(Some(summary.name.as_str())),
        None => element(&doc, &school, "span", &[("class", "muted")])
            .set_text_content(Some(td_string!(locale, school_unknown))),
    }
    let page = element(&doc, &frame, "main", &[("class", "page")]);
    let home = element(&doc, &page, "section", &[("class", "home")]);
    element(&doc, &home, "h1", &[]).set_text_content(Some(td_string!(locale, home.title)));
    let settings = session.checkins;
    SETTINGS.set(settings);
    for class in session.classes {
        let root = element(
            &doc,
            &home,
            "div",
            &[
                ("class", "card quick-check"),
                ("data-testid", "quick-check"),
            ],
        );
        let now = school_now_ms();
        let session = status::current_session(&class.group(), &settings, tz, now);
        let id = class.id.clone();
        let card = Card::attach(root, move |present| {
            let date = tz.date_at_ms(school_now_ms());
            file(
                locale,
                tz,
                SessionCheck::all_well(id.clone(), date, session, present),
            );
        });
        SHOWN.with_borrow_mut(|shown| {
            shown.push(Shown {
                class,
                session,
                card,
            })
        });
    }
    // Today's introduction, where the app draws it below the cards: the largest text on a
    // phone's screen, painted now rather than when the app comes (Lighthouse's LCP).
    element(&doc, &home, "p", &[("class", "intro")])
        .set_text_content(Some(td_string!(locale, home.intro)));
    redraw(locale, tz);
    // The page's opening line stands over everything until the app's header takes its
    // place; here the cards do.
    if let Some(boot) = doc.get_element_by_id("boot") {
        let _ = boot.set_attribute("hidden", "");
    }
    Then::StartApp
}

/// Records a tap's check, then shows how it went on the card; hands over to the app if it
/// asked meanwhile, and has it sync the check if it runs already.
fn file(locale: Locale, tz: SchoolTimeZone, check: SessionCheck) {
    let class = check.class.clone();
    SAVING.set(SAVING.get() + 1);
    wasm_bindgen_futures::spawn_local(async move {
        let kept = engine::keep(Stream::Health, Payload::SessionCheck(check)).await;
        let outcome = record_outcome_in(locale, kept);
        OUTCOMES.with_borrow_mut(|outcomes| {
            outcomes.retain(|(c, _)| *c != class);
            outcomes.push((class, outcome));
        });
        SAVING.set(SAVING.get().saturating_sub(1));
        redraw(locale, tz);
        if SAVING.get() == 0 && LEAVE.take() {
            take_down();
        }
        if let Some(app) = APP.with_borrow(Clone::clone) {
            app();
        }
    });
}

/// Draws every card afresh from the replica.
fn redraw(locale: Locale, tz: SchoolTimeZone) {
    let settings = SETTINGS.get();
    SHOWN.with_borrow(|shown| {
        for Shown {
            class,
            session,
            card,
        } in shown
        {
            let data = class_view(class, tz.date_at_ms(school_now_ms()), &settings, tz);
            let message = OUTCOMES.with_borrow(|outcomes| {
                outcomes
                    .iter()
                    .find(|(c, _)| *c == class.id)
                    .map(|(_, o)| o.clone())
            });
            card.draw(
                locale,
                &CardView {
                    name: class.name.as_str(),
                    session: *session,
                    data: &data,
                    tz,
                    message: message.as_ref(),
                },
            );
        }
    });
}

/// Whether the first cards are on screen.
pub fn showing() -> bool {
    SHOWN.with_borrow(|shown| !shown.is_empty())
}

/// The app runs: `saved` shows and syncs what a tap here saves from now on.
pub fn app_runs(saved: impl Fn() + 'static) {
    APP.set(Some(Rc::new(saved)));
}

/// The app has drawn Today (or the sign-in screen): the first cards go, now or once the
/// tap being saved is.
pub fn leave() {
    if SAVING.get() > 0 {
        LEAVE.set(true);
    } else {
        take_down();
    }
}

fn take_down() {
    SHOWN.with_borrow_mut(Vec::clear);
    if let Some(frame) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(FRAME))
    {
        frame.remove();
    }
}

/// How the last tap on `class`'s first card went, once: Today's card goes on showing it.
pub fn outcome_for(class: &ClassId) -> Option<(bool, String)> {
    OUTCOMES.with_borrow_mut(|outcomes| {
        let at = outcomes.iter().position(|(c, _)| c == class)?;
        Some(outcomes.remove(at).1)
    })
}

/// The rest of the app did not come (no network, and no service worker keeping it). With
/// cards on screen, they stay usable and say the rest is missing; without, the page's
/// opening block says the app did not load and offers to try again, as its loader does.
pub fn app_missing() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    match doc.get_element_by_id(FRAME) {
        Some(frame) => {
            let locale = locale(&doc);
            let notice = element(
                &doc,
                &frame,
                "p",
                &[("class", "notice error"), ("role", "alert")],
            );
            notice.set_text_content(Some(td_string!(locale, first.app_missing)));
            let retry = element(
                &doc,
                &frame,
                "button",
                &[("type", "button"), ("class", "boot-retry")],
            );
            retry.set_text_content(Some(td_string!(locale, later.retry)));
            let reload = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
                if let Some(w) = web_sys::window() {
                    let _ = w.location().reload();
                }
            });
            let _ =
                retry.add_event_listener_with_callback("click", reload.as_ref().unchecked_ref());
            // The button lives as long as the page.
            reload.forget();
        }
        None => {
            for (part, shown) in [
                (".boot-opening", false),
                (".boot-progress", false),
                (".boot-stalled", false),
                (".boot-failed", true),
                (".boot-retry", true),
            ] {
                if let Ok(Some(el)) = doc.query_selector(&format!("#boot {part}")) {
                    let _ = if shown {
                        el.remove_attribute("hidden")
                    } else {
                        el.set_attribute("hidden", "")
                    };
                }
            }
        }
    }
}

/// The language the app will speak: the one chosen on this browser (the cookie the app's
/// switch and the Worker share), else the browser's, as leptos_i18n picks it.
fn locale(doc: &Document) -> Locale {
    let chosen = doc
        .dyn_ref::<web_sys::HtmlDocument>()
        .and_then(|d| d.cookie().ok())
        .and_then(|cookies| {
            cookies.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                (name == crate::shell::LANG_COOKIE).then(|| value.to_owned())
            })
        });
    let browser = web_sys::window().map(|w| {
        w.navigator()
            .languages()
            .iter()
            .filter_map(|l| l.as_string())
            .collect::<Vec<_>>()
            .join(",")
    });
    match Lang::negotiate(chosen.as_deref(), browser.as_deref()) {
        Lang::ZhCn => Locale::zh_CN,
        Lang::En => Locale::en,
    }
}
