use leptos::prelude::*;

/// How the last recorded change went, as `(saved, text)`: said once, politely, to screen
/// readers too.
#[component]
pub fn Outcome(#[prop(into)] message: Signal<Option<(bool, String)>>) -> impl IntoView {
    move || {
        message.get().map(|(ok, text)| {
            view! {
                <p class=if ok { "notice ok" } else { "notice error" } role="status">{text}</p>
            }
        })
    }
}

/// Why a form can't be sent as filled in; read out at once, since the form stays as it is.
#[component]
pub fn FieldProblem(#[prop(into)] problem: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || problem.get().is_some()>
            <p class="error" role="alert">{move || problem.get()}</p>
        </Show>
    }
}

/// A labelled input whose text lives in `value`: the label is read out with the field, and
/// tests and people find it by `name`.
#[component]
pub fn TextField(
    #[prop(into)] label: Signal<&'static str>,
    /// The input's `type`: `text`, `date`, `time`.
    kind: &'static str,
    name: &'static str,
    value: ReadSignal<String>,
    set: WriteSignal<String>,
) -> impl IntoView {
    view! {
        <label><span>{label}</span>
            <input type=kind name=name prop:value=value on:input=move |ev| set.set(event_target_value(&ev))/></label>
    }
}
