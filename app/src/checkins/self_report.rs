use guardpost_domain::changes::Payload;
use guardpost_domain::checkins::status;
use guardpost_domain::checkins::{StaffHealth, Symptom, Temperature};
use guardpost_domain::sync::Stream;
use leptos::prelude::*;

use super::school_tz;
use crate::i18n::{t, t_string, use_i18n};
use crate::sync::engine::{record, school_now_ms, use_sync, with_replica};
use crate::widgets::{record_outcome, symptom_label, temperature_error};

/// Everyone's own daily health report (教职工健康自报).
#[component]
pub fn SelfReport() -> impl IntoView {
    let i18n = use_i18n();
    let view = use_sync();
    let tz = school_tz();
    let (temperature, set_temperature) = signal(String::new());
    let symptoms = RwSignal::new(Vec::<Symptom>::new());
    let (message, set_message) = signal(None::<(bool, String)>);
    let done_today = move || {
        view.revision.track();
        let date = tz.date_at_ms(school_now_ms());
        with_replica(|r| status::reported_own(r.own_changes().into_iter().map(|(_, p)| p), date))
            .unwrap_or(false)
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let typed = temperature.get_untracked();
        let temperature = if typed.trim().is_empty() {
            None
        } else {
            match Temperature::parse(&typed) {
                Ok(t) => Some(t),
                Err(e) => {
                    set_message.set(Some((false, temperature_error(i18n, &e).to_owned())));
                    return;
                }
            }
        };
        let report = StaffHealth {
            date: tz.date_at_ms(school_now_ms()),
            temperature,
            symptoms: symptoms.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            let outcome = record_outcome(
                i18n,
                record(view, Stream::Health, Payload::StaffHealth(report)).await,
            );
            set_message.set(Some(outcome));
        });
    };
    view! {
        <form class="card form self-report" on:submit=submit data-testid="self-report">
            <h2>{t!(i18n, today.self_title)}</h2>
            <Show when=done_today fallback=move || view! {
                <label><span>{t!(i18n, checkins.temperature)}</span>
                    <input type="text" inputmode="decimal" name="my-temperature" placeholder="℃" prop:value=temperature
                        on:input=move |ev| set_temperature.set(event_target_value(&ev))/></label>
                <div class="chips" role="group" aria-label=move || t_string!(i18n, checkins.symptoms)>
                    {Symptom::ALL.into_iter().filter(|s| *s != Symptom::Fever).map(|symptom| view! {
                        <button type="button" class="chip" aria-pressed=move || symptoms.with(|v| v.contains(&symptom)).to_string()
                            on:click=move |_| symptoms.update(|v| if let Some(i) = v.iter().position(|s| *s == symptom) { v.remove(i); } else { v.push(symptom); })>
                            {symptom_label(i18n, symptom)}
                        </button>
                    }).collect_view()}
                </div>
                <button type="submit" class="primary">{t!(i18n, today.self_submit)}</button>
            }>
                <p class="notice ok">{t!(i18n, today.self_done)}</p>
            </Show>
            {move || message.get().filter(|m| !m.0).map(|(_, text)| view! { <p class="notice error" role="status">{text}</p> })}
        </form>
    }
}
