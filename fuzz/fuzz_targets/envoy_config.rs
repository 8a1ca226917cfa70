//! The Envoy plugin configuration: any bytes are refused with a message, or load into a
//! configuration whose engine builds and whose routes can be matched.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pumpguard_envoy::config;
use pumpguard_envoy::policy;

fuzz_target!(|data: &[u8]| {
    match config::load(data) {
        Err(e) => assert!(!e.is_empty()),
        Ok(loaded) => {
            let _ = pumpguard::Engine::new(loaded.engine);
            for path in ["/", "/api/signup", "/api/verify?x=1", ""] {
                let _ = policy::classify(&loaded.plugin, "POST", path);
            }
            let _ = policy::slot("k", loaded.plugin.throttle.slots);
        }
    }
});
