//! Writes a whole school year of 1,000 students in 30 classes, ending on LAST, as a
//! `wrangler kv bulk put` file, and the year's classes for the directory:
//! `past_year OUT.json CLASSES.json LAST` (yyyy-mm-dd).

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [out, classes_out, last] = args.as_slice() else {
        eprintln!("usage: past_year OUT.json CLASSES.json LAST");
        return ExitCode::FAILURE;
    };
    let written = chrono::NaiveDate::parse_from_str(last, "%Y-%m-%d")
        .map_err(|e| format!("{last}: {e}"))
        .and_then(guardpost_tools::year::year)
        .and_then(|entries| serde_json::to_string(&entries).map_err(|e| e.to_string()))
        .and_then(|json| std::fs::write(out, json).map_err(|e| e.to_string()))
        .and_then(|()| guardpost_tools::year::classes())
        .and_then(|classes| serde_json::to_string(&classes).map_err(|e| e.to_string()))
        .and_then(|json| std::fs::write(classes_out, json).map_err(|e| e.to_string()));
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("past_year: {e}");
            ExitCode::FAILURE
        }
    }
}
