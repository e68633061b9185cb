//! QR codes as inline SVG: an invite's link for a colleague's phone, and the public page's
//! address on the poster at the school gate.

/// `text` as an SVG QR code at least `size` pixels square, with its quiet zone (medium error
/// correction survives a crease or a smudge on a printed copy).
pub fn svg(text: &str, size: u32) -> Result<String, qrcode::types::QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text, qrcode::EcLevel::M)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(size, size)
        .quiet_zone(true)
        .build())
}
