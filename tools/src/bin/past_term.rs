//! Writes a term gone by of the demo school as a `wrangler kv bulk put` file:
//! `past_term OUT.json FIRST LAST` (school dates, yyyy-mm-dd).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, first, last] = args.as_slice() else {
        eprintln!("usage: past_term OUT.json FIRST LAST");
        return ExitCode::FAILURE;
    };
    let date =
        |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| format!("{s}: {e}"));
    let written = date(first)
        .and_then(|first| Ok((first, date(last)?)))
        .and_then(|(first, last)| guardpost_tools::term::demo_term(first, last))
        .and_then(|entries| serde_json::to_string(&entries).map_err(|e| e.to_string()))
        .and_then(|json| std::fs::write(out, json).map_err(|e| e.to_string()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("past_term: {e}");
            ExitCode::FAILURE
        }
    }
}
