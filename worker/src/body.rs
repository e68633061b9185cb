//! Reading request bodies within a limit: the declared length is checked before reading,
//! the read length after, and a gzip body's inflated length too (so a small bomb can't
//! become a large body). Decoding is the domain's (`guardpost_domain::api::decode`).

use guardpost_domain::api::{ErrorCode, Refused};
use worker::Request;

fn too_large(limit: usize) -> Refused {
    Refused::new(
        ErrorCode::TooLarge,
        format!("the body is limited to {limit} bytes"),
    )
}

/// The request's body bytes, inflated if gzipped, at most `limit` of them.
pub async fn read(req: &mut Request, limit: usize) -> Result<Vec<u8>, Refused> {
    let declared = req
        .headers()
        .get("Content-Length")
        .ok()
        .flatten()
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let raw = req
        .bytes()
        .await
        .map_err(|e| Refused::new(ErrorCode::BadRequest, format!("reading the body: {e}")))?;
    if raw.len() > limit {
        return Err(too_large(limit));
    }
    let encoding = req.headers().get("Content-Encoding").ok().flatten();
    match encoding.as_deref().map(str::trim) {
        None | Some("identity") => Ok(raw),
        // Phones on slow links send push bodies gzipped.
        Some("gzip") => {
            let mut inflated = Vec::new();
            let cap = u64::try_from(limit).unwrap_or(u64::MAX) + 1;
            std::io::Read::read_to_end(
                &mut std::io::Read::take(flate2::read::GzDecoder::new(&raw[..]), cap),
                &mut inflated,
            )
            .map_err(|e| {
                Refused::new(
                    ErrorCode::BadRequest,
                    format!("the gzip body is corrupt: {e}"),
                )
            })?;
            if inflated.len() > limit {
                return Err(too_large(limit));
            }
            Ok(inflated)
        }
        Some(other) => Err(Refused::new(
            ErrorCode::BadRequest,
            format!("unsupported Content-Encoding {other:?}; send identity or gzip"),
        )),
    }
}
