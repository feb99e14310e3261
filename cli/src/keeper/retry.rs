//! Bounded retries with exponential backoff, for transport failures only, and the stop flag
//! Ctrl-C raises.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::chain::Transport;

/// Raised once (by Ctrl-C, SIGTERM or a test); the keeper finishes the transaction in hand and
/// stops.
#[derive(Clone, Debug, Default)]
pub struct StopFlag(Arc<AtomicBool>);

impl StopFlag {
    pub fn new() -> Self {
        StopFlag::default()
    }

    pub fn raise(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn raised(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Sleeps `duration`, waking early when the flag is raised; `false` when it was.
    pub fn sleep(&self, duration: Duration) -> bool {
        let until = Instant::now() + duration;
        while !self.raised() {
            let now = Instant::now();
            if now >= until {
                return true;
            }
            std::thread::sleep((until - now).min(Duration::from_millis(100)));
        }
        false
    }

    /// Raises the flag on Ctrl-C (and SIGTERM); a second Ctrl-C exits at once.
    pub fn on_ctrl_c(&self) -> Result<()> {
        let flag = self.clone();
        ctrlc::set_handler(move || {
            if flag.raised() {
                eprintln!("keeper: stopping now");
                std::process::exit(130);
            }
            eprintln!("keeper: stopping after the current action (Ctrl-C again to quit at once)");
            flag.raise();
        })?;
        Ok(())
    }
}

#[derive(Clone, Debug)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Wait before the first retry; doubled before each next one.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1-based).
    pub fn delay(&self, retry: u32) -> Duration {
        let factor = 1u32
            .checked_shl(retry.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base_delay
            .checked_mul(factor)
            .unwrap_or(self.max_delay)
            .min(self.max_delay)
    }

    /// Calls `f` until it succeeds, fails for a reason other than transport, the retries run
    /// out, or `stop` is raised while waiting. Returns the last result and the attempts made.
    pub fn run<T>(&self, stop: &StopFlag, f: impl FnMut() -> Result<T>) -> (Result<T>, u32) {
        self.run_by(stop, None, f)
    }

    /// [`RetryPolicy::run`] that also gives up when the next wait would end past `deadline`.
    pub fn run_by<T>(
        &self,
        stop: &StopFlag,
        deadline: Option<Instant>,
        mut f: impl FnMut() -> Result<T>,
    ) -> (Result<T>, u32) {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let result = f();
            match &result {
                Err(e) if is_transport(e) && attempts <= self.max_retries => {
                    let delay = self.delay(attempts);
                    if deadline.is_some_and(|d| Instant::now() + delay >= d) || !stop.sleep(delay) {
                        return (result, attempts);
                    }
                }
                _ => return (result, attempts),
            }
        }
    }
}

/// Whether `err` is the node or network failing rather than a contract refusing. A chain marks
/// its transport failures with [`Transport`]; errors from libraries that do not are recognised
/// by their text (gRPC `Unavailable`/`DeadlineExceeded`, refused or reset connections, HTTP
/// 429/502/503/504, account-sequence races), unless the text shows the contract answered.
pub fn is_transport(err: &anyhow::Error) -> bool {
    if err.chain().any(|e| e.is::<Transport>()) {
        return true;
    }
    let text = format!("{err:#}").to_lowercase();
    const CONTRACT: [&str; 4] = [
        "execute wasm contract failed",
        "query wasm contract failed",
        "error executing wasmmsg",
        "generic error",
    ];
    if CONTRACT.iter().any(|m| text.contains(m)) {
        return false;
    }
    const TRANSPORT: [&str; 14] = [
        "transport error",
        "connection refused",
        "connection reset",
        "broken pipe",
        "error trying to connect",
        "dns error",
        "status: unavailable",
        "status: deadlineexceeded",
        "deadline exceeded",
        "too many requests",
        "503 service unavailable",
        "502 bad gateway",
        "504 gateway timeout",
        "account sequence mismatch",
    ];
    TRANSPORT.iter().any(|m| text.contains(m))
}
