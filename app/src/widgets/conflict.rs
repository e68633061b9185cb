use leptos::prelude::*;

/// Versions of a record written elsewhere alongside the one kept, shown where the record is
/// edited so that the person can put it right: the box every area draws alike.
#[component]
pub fn Conflict(
    /// What happened, in the person's language.
    said: &'static str,
    /// The box's test id, where the page's tests look for it.
    #[prop(optional)]
    testid: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="conflict" role="alert" data-testid=testid>
            <p>{said}</p>
            {children()}
        </div>
    }
}
