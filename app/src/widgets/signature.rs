use guardpost_domain::supplies::Signature;
use leptos::html::Div;
use leptos::prelude::*;

use crate::i18n::{t, use_i18n};

/// A signature pad: the recipient signs with a finger on the issuer's phone, offline. The
/// strokes are kept as the ledger stores them (`x,y x,y;…` on a 300 × 120 grid) and drawn
/// as SVG polylines, so what is shown is what is saved.
#[component]
pub fn SignaturePad(strokes: RwSignal<Vec<Vec<(u16, u16)>>>) -> impl IntoView {
    let i18n = use_i18n();
    let pad = NodeRef::<Div>::new();
    let drawing = RwSignal::new(false);
    let point = move |ev: &web_sys::PointerEvent| {
        let rect = pad.get_untracked()?.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let scale = |v: f64, origin: f64, size: f64, max: u16| {
            (((v - origin) / size) * f64::from(max))
                .round()
                .clamp(0.0, f64::from(max)) as u16
        };
        Some((
            scale(
                f64::from(ev.client_x()),
                rect.left(),
                rect.width(),
                Signature::WIDTH,
            ),
            scale(
                f64::from(ev.client_y()),
                rect.top(),
                rect.height(),
                Signature::HEIGHT,
            ),
        ))
    };
    let down = move |ev: web_sys::PointerEvent| {
        ev.prevent_default();
        if let Some(p) = point(&ev) {
            drawing.set(true);
            strokes.update(|s| s.push(vec![p]));
        }
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if !drawing.get_untracked() {
            return;
        }
        ev.prevent_default();
        if let Some(p) = point(&ev) {
            strokes.update(|s| {
                // Points closer than 3 units add nothing a reader sees, and keep a long
                // signature within the ledger's 4 KB.
                if let Some(last) = s.last_mut()
                    && last
                        .last()
                        .is_none_or(|q| q.0.abs_diff(p.0) + q.1.abs_diff(p.1) >= 3)
                {
                    last.push(p);
                }
            });
        }
    };
    let up = move |_| drawing.set(false);
    let polylines = move || {
        strokes
            .get()
            .into_iter()
            .map(|stroke| {
                let points = stroke
                    .iter()
                    .map(|(x, y)| format!("{x},{y}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                view! { <polyline points=points/> }
            })
            .collect_view()
    };
    view! {
        <div class="signature">
            <span class="label">{t!(i18n, supplies.signature)}</span>
            <div class="pad" node_ref=pad data-testid="signature-pad"
                on:pointerdown=down on:pointermove=moved on:pointerup=up on:pointerleave=up on:pointercancel=up>
                <svg viewBox=format!("0 0 {} {}", Signature::WIDTH, Signature::HEIGHT) aria-hidden="true">{polylines}</svg>
                <Show when=move || strokes.with(|s| s.is_empty())>
                    <span class="hint">{t!(i18n, supplies.sign_here)}</span>
                </Show>
            </div>
            <button type="button" class="link" on:click=move |_| strokes.set(Vec::new())>{t!(i18n, supplies.sign_clear)}</button>
        </div>
    }
}

/// The pad's strokes as the ledger stores them.
pub fn encode(strokes: &[Vec<(u16, u16)>]) -> String {
    strokes
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.iter()
                .map(|(x, y)| format!("{x},{y}"))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// A stored signature, drawn small beside its ledger line.
#[component]
pub fn SignatureView(signature: Signature) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <svg class="signed" viewBox=format!("0 0 {} {}", Signature::WIDTH, Signature::HEIGHT) role="img"
            aria-label=move || crate::i18n::t_string!(i18n, supplies.signature)>
            {signature.strokes().map(|s| view! { <polyline points=s.to_owned()/> }).collect_view()}
        </svg>
    }
}
