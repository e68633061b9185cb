//! `wasm-shrink imports NAME_bg.wasm NAME.js`: shortens the names of the imports from
//! wasm-bindgen's glue, in both files. `wasm-shrink order FILE.wasm...`: names each module's
//! functions for `wasm-opt --reorder-functions-by-name`. Both rewrite the files in place.

use std::path::Path;
use std::process::ExitCode;

use guardpost_wasm_shrink::{imports, order};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let done = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["imports", wasm, glue] => shorten_imports(wasm, glue),
        ["order", files @ ..] if !files.is_empty() => files.iter().try_for_each(|f| reorder(f)),
        _ => {
            eprintln!(
                "usage: wasm-shrink imports NAME_bg.wasm NAME.js | wasm-shrink order FILE.wasm..."
            );
            return ExitCode::from(2);
        }
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wasm-shrink: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{path}: {e}"))
}

fn write(path: &str, bytes: impl AsRef<[u8]>) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}

fn shorten_imports(wasm_path: &str, glue_path: &str) -> Result<(), String> {
    // wasm-bindgen's glue is imported by the wasm as the module `./NAME_bg.js`.
    let stem = Path::new(wasm_path)
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".wasm"))
        .ok_or_else(|| format!("{wasm_path}: not a .wasm file"))?;
    let module = format!("./{stem}.js");
    let wasm = read(wasm_path)?;
    let glue = String::from_utf8(read(glue_path)?).map_err(|e| format!("{glue_path}: {e}"))?;
    let shortened =
        imports::shorten(&wasm, &glue, &module).map_err(|e| format!("{wasm_path}: {e}"))?;
    write(wasm_path, shortened.wasm)?;
    write(glue_path, shortened.glue)
}

fn reorder(path: &str) -> Result<(), String> {
    let renamed = order::rename(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
    write(path, renamed)
}
