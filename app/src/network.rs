//! Whether the browser believes it has a network, as a signal that follows `online` and
//! `offline` events.

use leptos::ev;
use leptos::prelude::*;

/// `navigator.onLine`, kept current. It can say "online" behind a captive portal; the sync
/// loop treats it as a hint for when to try, never as proof that a sync will succeed.
pub fn online_signal() -> ReadSignal<bool> {
    let initial = web_sys::window().is_none_or(|w| w.navigator().on_line());
    let (online, set_online) = signal(initial);
    // The listeners live as long as the page: the shell that calls this is never unmounted.
    let on = window_event_listener(ev::online, move |_| set_online.set(true));
    let off = window_event_listener(ev::offline, move |_| set_online.set(false));
    on_cleanup(move || {
        on.remove();
        off.remove();
    });
    online
}
