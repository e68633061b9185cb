//! Writes the demo school as a `wrangler kv bulk put` file: `seed OUT.json`, and prints the
//! demo devices' tokens.

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(out) = std::env::args_os().nth(1) else {
        eprintln!("usage: seed OUT.json");
        return ExitCode::FAILURE;
    };
    let json = match guardpost_tools::demo_seed().and_then(|e| serde_json::to_string_pretty(&e)) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("seed: {e}");
            return ExitCode::FAILURE;
        }
    };
    match std::fs::write(&out, json) {
        Ok(()) => {
            for device in guardpost_tools::demo_devices() {
                println!(
                    "{:<10} {:<8} {}",
                    format!("{:?}", device.grant.role).to_lowercase(),
                    device.grant.name,
                    device.token
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("seed: writing {}: {e}", out.to_string_lossy());
            ExitCode::FAILURE
        }
    }
}
