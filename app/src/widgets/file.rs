use wasm_bindgen::JsCast;

/// Offers `text` as a file to save.
pub fn download(name: &str, text: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(name);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Prints the page as it stands: the reports' and lists' print layout comes from the
/// stylesheet's print rules (no navigation, no buttons).
#[leptos::component]
pub fn PrintButton() -> impl leptos::IntoView {
    use leptos::prelude::*;
    let i18n = crate::i18n::use_i18n();
    let print = |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };
    view! { <button type="button" on:click=print>{crate::i18n::t!(i18n, widgets.print)}</button> }
}
