//! Randomness for the codes and tokens people and devices are given: the runtime's
//! cryptographic source, since the domain takes its random bytes as an argument.

use guardpost_domain::api::Refused;
use worker::js_sys;
use worker::wasm_bindgen::{JsCast, JsValue};

use crate::reply::internal;

/// `N` bytes from the runtime's cryptographic random source.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], Refused> {
    let failed = |e: JsValue| internal("no random source", format!("{:?}", e.as_string()));
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).map_err(failed)?;
    let get = js_sys::Reflect::get(&crypto, &"getRandomValues".into())
        .map_err(failed)?
        .dyn_into::<js_sys::Function>()
        .map_err(failed)?;
    let array = js_sys::Uint8Array::new_with_length(u32::try_from(N).unwrap_or(0));
    get.call1(&crypto, &array).map_err(failed)?;
    let mut out = [0u8; N];
    array.copy_to(&mut out);
    Ok(out)
}
