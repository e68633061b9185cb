use leptos::prelude::*;

/// An area whose screens haven't landed yet: its title and what will be here, so no one
/// takes the empty page for a fault.
#[component]
pub fn EmptyArea(
    #[prop(into)] title: Signal<&'static str>,
    #[prop(into)] text: Signal<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <section class="area">
            <h1>{title}</h1>
            <p class="empty-state">{text}</p>
            {children.map(|c| c())}
        </section>
    }
}
