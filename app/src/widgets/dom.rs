//! Drawing with the page's DOM, for what is drawn before the framework has come (the first
//! cards, `crate::first`, and the card Today shares with them).

use web_sys::{Document, Element};

/// A new `tag` element at the end of `parent`, with its attributes. One the page can't make
/// (never, for the tags used) leaves `parent` to take its words: a part missing, not a stop.
pub fn element(
    doc: &Document,
    parent: &Element,
    tag: &str,
    attributes: &[(&str, &str)],
) -> Element {
    let Ok(element) = doc.create_element(tag) else {
        return parent.clone();
    };
    for (name, value) in attributes {
        let _ = element.set_attribute(name, value);
    }
    let _ = parent.append_child(&element);
    element
}
