//! Shortens the names under which the wasm imports wasm-bindgen's JS glue.
//!
//! wasm-bindgen names each of those imports by the JS function and a hash
//! (`__wbg_localStorage_6827cfe6db14a9f6`): about 250 names whose hashes no compressor can
//! shorten, 5 KB of the class build's wasm in gzip and more of its glue. The name is only a
//! key the glue's import object and the wasm agree on, so both are renamed together, and the
//! step refuses a glue that does not hold each name exactly once.

use wasm_encoder::ImportSection;
use wasm_encoder::reencode::{Reencode, RoundtripReencoder};
use wasmparser::{Parser, Payload};

/// The wasm and its glue, renamed.
pub struct Shortened {
    pub wasm: Vec<u8>,
    pub glue: String,
}

/// Renames every import from `module` (wasm-bindgen's `./NAME_bg.js`) in `wasm` and in
/// `glue` to a short name; other imports (the split modules' loaders) keep theirs.
pub fn shorten(wasm: &[u8], glue: &str, module: &str) -> Result<Shortened, String> {
    let mut imports = ImportSection::new();
    let mut renamed = Vec::new();
    let mut kept = Vec::new();
    let mut imports_at = None;
    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        let Some((id, range)) = payload.as_section() else {
            continue;
        };
        let Payload::ImportSection(reader) = payload else {
            kept.push((id, range));
            continue;
        };
        imports_at = Some(kept.len());
        for import in reader.into_imports() {
            let import = import.map_err(|e| e.to_string())?;
            let ty = RoundtripReencoder
                .entity_type(import.ty)
                .map_err(|e| e.to_string())?;
            if import.module == module {
                let short = short_name(renamed.len());
                imports.import(import.module, &short, ty);
                renamed.push((import.name, short));
            } else {
                imports.import(import.module, import.name, ty);
            }
        }
    }
    let Some(at) = imports_at.filter(|_| !renamed.is_empty()) else {
        return Err(format!("no import from {module}: not this glue's wasm"));
    };
    Ok(Shortened {
        wasm: crate::reassemble(wasm, &kept, at, &imports),
        glue: rename_keys(glue, &renamed)?,
    })
}

/// `w` and the number in base 36: never a JS keyword, never one of wasm-bindgen's names.
fn short_name(mut n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut digits = Vec::new();
    loop {
        digits.push(DIGITS[n % 36]);
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.push(b'w');
    digits.iter().rev().map(|&d| char::from(d)).collect()
}

/// `glue` with each old name, which must stand in it once as a whole word, replaced.
fn rename_keys(glue: &str, renamed: &[(&str, String)]) -> Result<String, String> {
    let mut at = Vec::with_capacity(renamed.len());
    for (old, new) in renamed {
        let found: Vec<usize> = glue
            .match_indices(old)
            .map(|(i, _)| i)
            .filter(|&i| {
                let before = glue[..i].chars().next_back();
                let after = glue[i + old.len()..].chars().next();
                !before.is_some_and(in_word) && !after.is_some_and(in_word)
            })
            .collect();
        match found.as_slice() {
            [i] => at.push((*i, old.len(), new.as_str())),
            _ => {
                return Err(format!(
                    "the glue names {old} {} times; expected once, as its import's key",
                    found.len()
                ));
            }
        }
    }
    at.sort_unstable();
    let mut out = String::with_capacity(glue.len());
    let mut from = 0;
    for (i, len, new) in at {
        out.push_str(&glue[from..i]);
        out.push_str(new);
        from = i + len;
    }
    out.push_str(&glue[from..]);
    Ok(out)
}

/// A character that continues a JS identifier.
fn in_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_are_distinct_identifiers() {
        let names: Vec<String> = (0..2000).map(short_name).collect();
        assert_eq!(names[0], "w0");
        assert_eq!(names[35], "wz");
        assert_eq!(names[36], "w10");
        let mut distinct = names.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), names.len());
    }

    #[test]
    fn only_whole_words_are_renamed() {
        let glue = "a_x: 1, a_x_2: 2, b.a_x_2";
        let renamed = [("a_x", "w0".to_string())];
        assert_eq!(
            rename_keys(glue, &renamed).as_deref(),
            Ok("w0: 1, a_x_2: 2, b.a_x_2")
        );
        let twice = [("a_x_2", "w1".to_string())];
        assert!(rename_keys(glue, &twice).is_err());
        let missing = [("nowhere", "w2".to_string())];
        assert!(rename_keys(glue, &missing).is_err());
    }
}
