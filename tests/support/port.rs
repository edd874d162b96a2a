//! Choosing the loopback port a `wrangler dev` listens on.
//!
//! A port the kernel hands out for `bind(0)` is free only until the
//! listener closes: wrangler binds the same kind of ports (inspector,
//! workerd's own sockets), so a parallel test's wrangler may take it
//! before ours starts. Ports below the ephemeral range are never handed
//! out that way, so the port is taken from there; a caller that still
//! loses the race sees "Address already in use" and asks again.

use std::net::TcpListener;
use std::sync::atomic::{AtomicU64, Ordering};

/// The lowest port chosen from; below it are well-known service ports.
const LOWEST: u16 = 10_000;

/// A port on 127.0.0.1 that was free a moment ago and that the kernel does
/// not give to `bind(0)`.
pub fn free_port() -> u16 {
    let ephemeral_low = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u16>().ok())
        .unwrap_or(32_768);
    if ephemeral_low > LOWEST + 1_000 {
        let span = u64::from(ephemeral_low - LOWEST);
        for _ in 0..500 {
            let port = LOWEST + (next_random() % span) as u16;
            if is_free(port) {
                return port;
            }
        }
    }
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port()
}

/// Whether 127.0.0.1:`port` can be bound right now.
pub fn is_free(port: u16) -> bool {
    TcpListener::bind(("127.0.0.1", port)).is_ok()
}

/// Whether wrangler's output says its port was taken.
pub fn was_taken(wrangler_output: &str) -> bool {
    wrangler_output.contains("Address already in use")
}

/// A different number on every call, in every process (splitmix64 over
/// the clock, the process id and a counter).
fn next_random() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let mut z = nanos
        ^ (u64::from(std::process::id()) << 32)
        ^ COUNTER
            .fetch_add(1, Ordering::Relaxed)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
