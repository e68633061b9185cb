//! `wasm-order FILE...`: names each module's functions for `wasm-opt
//! --reorder-functions-by-name`, in place (see the library).

use std::process::ExitCode;

fn main() -> ExitCode {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: wasm-order FILE.wasm...");
        return ExitCode::from(2);
    }
    for file in &files {
        let renamed = std::fs::read(file)
            .map_err(|e| e.to_string())
            .and_then(|wasm| guardpost_wasm_order::rename(&wasm).map_err(|e| e.to_string()))
            .and_then(|renamed| std::fs::write(file, renamed).map_err(|e| e.to_string()));
        if let Err(e) = renamed {
            eprintln!("wasm-order: {file}: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
