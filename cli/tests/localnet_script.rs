//! scripts/localnet.sh's guards: `stop` kills only this localnet's node, `reset` deletes only
//! inside a directory it marked as its own. Neither needs the node installed.

use std::path::Path;
use std::process::{Child, Command, Output};

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/localnet.sh");

fn localnet(base: &Path, command: &str) -> Output {
    Command::new("bash")
        .args([SCRIPT, command])
        .env("SPICE_LOCALNET_DIR", base)
        .output()
        .expect("bash runs")
}

/// A process that is not the node, to name in the pid file; killed when dropped.
struct Bystander(Child);

impl Bystander {
    fn start() -> Self {
        Bystander(
            Command::new("sleep")
                .arg("300")
                .spawn()
                .expect("sleep runs"),
        )
    }
    fn alive(&mut self) -> bool {
        self.0.try_wait().expect("wait works").is_none()
    }
}

impl Drop for Bystander {
    fn drop(&mut self) {
        // Ours to end; it is already gone if a test failed by killing it.
        if self.0.kill().is_ok() {
            self.0.wait().expect("reaped");
        }
    }
}

#[test]
fn stop_never_kills_a_process_that_is_not_the_node() {
    let base = tempfile::tempdir().unwrap();
    let mut other = Bystander::start();
    let pid_file = base.path().join("injectived.pid");
    std::fs::write(&pid_file, format!("{}\n", other.0.id())).unwrap();

    let out = localnet(base.path(), "stop");
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not this localnet's injectived"),
        "{stderr}"
    );
    assert!(other.alive(), "stop killed a process that was not the node");
    assert!(!pid_file.exists(), "the stale pid file stays behind");
}

#[test]
fn reset_deletes_nothing_without_its_marker() {
    let base = tempfile::tempdir().unwrap();
    let home = base.path().join("home");
    std::fs::create_dir_all(home.join("config")).unwrap();
    std::fs::write(home.join("config/keep.txt"), "someone's data").unwrap();

    let out = localnet(base.path(), "reset");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no .spice-localnet marker"), "{stderr}");
    assert!(home.join("config/keep.txt").exists());

    // Control: with the marker the script writes, reset removes the chain data and only it.
    std::fs::write(base.path().join(".spice-localnet"), "marker").unwrap();
    std::fs::create_dir_all(base.path().join("pip")).unwrap();
    let out = localnet(base.path(), "reset");
    assert!(out.status.success(), "{out:?}");
    assert!(!home.exists());
    assert!(base.path().join("pip").exists());
    assert!(base.path().join(".spice-localnet").exists());
}
