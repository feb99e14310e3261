//! The alerts database: rules, arming state, history (events) and the delivery outbox, in one
//! SQLite file. Schema versions are `PRAGMA user_version`; [`Store::open`] applies the missing
//! migrations in one transaction each.
//!
//! The outbox is a state machine per (event, channel):
//!
//! ```text
//! pending --accepted--> delivered
//! pending --refused, attempts < max--> pending (next try after base × 2^(attempts-1), capped)
//! pending --refused, attempts = max--> failed
//! ```
//!
//! [`next_outbox_state`] is the one function that decides a transition.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

use super::{Arming, Channel, Condition, Rule, Seen, Target};

/// Each entry moves the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: rules, arming, events, outbox.
    "CREATE TABLE rules (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        name TEXT NOT NULL,
        notes TEXT NOT NULL DEFAULT '',
        target_kind TEXT NOT NULL,
        target TEXT NOT NULL,
        condition TEXT NOT NULL,
        channels TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        created_at INTEGER NOT NULL
    );
    CREATE TABLE arming (
        rule_id INTEGER NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
        subject TEXT NOT NULL,
        firing INTEGER NOT NULL,
        last TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (rule_id, subject)
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        rule_id INTEGER NOT NULL,
        rule_name TEXT NOT NULL,
        subject TEXT NOT NULL,
        height INTEGER NOT NULL,
        fired_at_ms INTEGER NOT NULL,
        subject_line TEXT NOT NULL,
        body TEXT NOT NULL,
        payload TEXT NOT NULL
    );
    CREATE INDEX events_by_rule ON events (rule_id, id);
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id INTEGER NOT NULL REFERENCES events(id),
        channel TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_ms INTEGER NOT NULL,
        last_error TEXT,
        delivered_at_ms INTEGER
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);",
    // 2: tenants of leases seen, so owner rules never ask the chain twice (a tenant never
    // changes).
    "CREATE TABLE lease_tenants (lease_id INTEGER PRIMARY KEY, tenant TEXT NOT NULL);",
    // 3: one watcher per database at a time (two would both send what is due), held as a
    // lease that a crashed watcher's successor takes over once it expires.
    "CREATE TABLE watcher (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        owner TEXT NOT NULL,
        expires_ms INTEGER NOT NULL
    );",
];

/// The database's default place: `$XDG_DATA_HOME/spice/alerts.sqlite` (or the platform's data
/// dir), else `./spice-alerts.sqlite`.
pub fn default_path() -> PathBuf {
    match dirs::data_dir() {
        Some(dir) => dir.join("spice").join("alerts.sqlite"),
        None => PathBuf::from("spice-alerts.sqlite"),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Delivered,
    Failed,
}

impl OutboxStatus {
    fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Pending => "pending",
            OutboxStatus::Delivered => "delivered",
            OutboxStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self> {
        Ok(match s {
            "pending" => OutboxStatus::Pending,
            "delivered" => OutboxStatus::Delivered,
            "failed" => OutboxStatus::Failed,
            other => bail!("outbox status {other:?}"),
        })
    }
}

/// How often and how patiently a delivery is retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base: Duration,
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            base: Duration::from_secs(2),
            cap: Duration::from_secs(300),
        }
    }
}

/// An outbox row's state after one attempt: `attempts` is the count including this one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutboxTransition {
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_ms: i64,
}

/// The outbox state machine: what an attempt at `now_ms` that was `accepted` (or not) makes of
/// a row that had `attempts` before it. Only pending rows are attempted.
pub fn next_outbox_state(
    status: OutboxStatus,
    attempts: u32,
    accepted: bool,
    now_ms: i64,
    policy: &RetryPolicy,
) -> Result<OutboxTransition> {
    if status != OutboxStatus::Pending {
        bail!("a {} delivery is not attempted again", status.as_str());
    }
    let attempts = attempts.saturating_add(1);
    if accepted {
        return Ok(OutboxTransition {
            status: OutboxStatus::Delivered,
            attempts,
            next_attempt_ms: now_ms,
        });
    }
    if attempts >= policy.max_attempts {
        return Ok(OutboxTransition {
            status: OutboxStatus::Failed,
            attempts,
            next_attempt_ms: now_ms,
        });
    }
    // base × 2^(attempts - 1), at most `cap`.
    let factor = 1u32.checked_shl(attempts - 1).unwrap_or(u32::MAX);
    let delay = policy.base.saturating_mul(factor).min(policy.cap);
    Ok(OutboxTransition {
        status: OutboxStatus::Pending,
        attempts,
        next_attempt_ms: now_ms.saturating_add(delay.as_millis() as i64),
    })
}

/// A notification as recorded when a rule fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    pub id: i64,
    pub rule_id: i64,
    pub rule_name: String,
    pub subject: String,
    pub height: u64,
    pub fired_at_ms: i64,
    pub subject_line: String,
    pub body: String,
    /// The JSON a webhook receives.
    pub payload: serde_json::Value,
}

/// What to record when a rule fires for a subject.
#[derive(Clone, Debug)]
pub struct Firing {
    pub rule_id: i64,
    pub rule_name: String,
    pub subject: String,
    pub height: u64,
    pub subject_line: String,
    pub body: String,
    pub payload: serde_json::Value,
    pub channels: Vec<Channel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    pub id: i64,
    pub event_id: i64,
    pub channel: String,
    pub status: OutboxStatus,
    pub attempts: u32,
    pub next_attempt_ms: i64,
    pub last_error: Option<String>,
    pub delivered_at_ms: Option<i64>,
}

pub struct Store {
    conn: Connection,
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl Store {
    /// Opens (creating the file and its directory if needed) and migrates.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
        }
        let conn = Connection::open(path)
            .with_context(|| format!("opening the alerts database {}", path.display()))?;
        Self::from_connection(conn).with_context(|| format!("alerts database {}", path.display()))
    }

    #[cfg(test)]
    pub fn in_memory() -> Result<Self> {
        Self::from_connection(Connection::open_in_memory()?)
    }

    fn from_connection(mut conn: Connection) -> Result<Self> {
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // WAL lets `spice alerts list` read while a watcher writes.
        let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        let version: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version as usize > MIGRATIONS.len() {
            bail!(
                "schema version {version} is newer than this spice knows ({}): upgrade spice",
                MIGRATIONS.len()
            );
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            let tx = conn.transaction()?;
            tx.execute_batch(sql)
                .with_context(|| format!("schema migration {}", i + 1))?;
            tx.pragma_update(None, "user_version", (i + 1) as u32)?;
            tx.commit()?;
        }
        Ok(Store { conn })
    }

    #[cfg(test)]
    pub fn schema_version(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    // ---- rules ----

    pub fn add_rule(
        &self,
        name: &str,
        notes: &str,
        target: &Target,
        condition: &Condition,
        channels: &[Channel],
    ) -> Result<i64> {
        if name.trim().is_empty() {
            bail!("an alert needs a name (--name): it is the notification's subject");
        }
        if channels.is_empty() {
            bail!("an alert needs at least one --channel (email:ADDRESS, webhook:URL or log)");
        }
        self.conn.execute(
            "INSERT INTO rules (name, notes, target_kind, target, condition, channels, enabled, \
             created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7)",
            params![
                name,
                notes,
                target.kind(),
                target.value(),
                serde_json::to_string(condition)?,
                serde_json::to_string(channels)?,
                now_ms()
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn rule_from_row(row: &rusqlite::Row) -> rusqlite::Result<Result<Rule>> {
        let id: i64 = row.get(0)?;
        let name: String = row.get(1)?;
        let notes: String = row.get(2)?;
        let kind: String = row.get(3)?;
        let target: String = row.get(4)?;
        let condition: String = row.get(5)?;
        let channels: String = row.get(6)?;
        let enabled: bool = row.get(7)?;
        let created_at: i64 = row.get(8)?;
        Ok((|| {
            Ok(Rule {
                id,
                name,
                notes,
                target: Target::from_parts(&kind, &target)?,
                condition: serde_json::from_str(&condition)
                    .with_context(|| format!("rule {id}'s condition"))?,
                channels: serde_json::from_str(&channels)
                    .with_context(|| format!("rule {id}'s channels"))?,
                enabled,
                created_at,
            })
        })())
    }

    const RULE_COLUMNS: &'static str =
        "id, name, notes, target_kind, target, condition, channels, enabled, created_at";

    pub fn rules(&self, only_enabled: bool) -> Result<Vec<Rule>> {
        let sql = format!(
            "SELECT {} FROM rules {} ORDER BY id",
            Self::RULE_COLUMNS,
            if only_enabled {
                "WHERE enabled = 1"
            } else {
                ""
            }
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map([], Self::rule_from_row)?;
        rows.map(|r| r?).collect()
    }

    pub fn rule(&self, id: i64) -> Result<Rule> {
        let sql = format!("SELECT {} FROM rules WHERE id = ?1", Self::RULE_COLUMNS);
        self.conn
            .query_row(&sql, [id], Self::rule_from_row)
            .optional()?
            .ok_or_else(|| anyhow!("no alert with id {id} (see spice alerts list)"))?
    }

    pub fn set_enabled(&self, id: i64, enabled: bool) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE rules SET enabled = ?2 WHERE id = ?1",
            params![id, enabled],
        )?;
        if n == 0 {
            bail!("no alert with id {id} (see spice alerts list)");
        }
        if !enabled {
            // A re-enabled rule starts from a fresh look: it fires for what holds then.
            self.conn
                .execute("DELETE FROM arming WHERE rule_id = ?1", [id])?;
        }
        Ok(())
    }

    /// Deletes the rule and its arming state; its history stays (events keep the name).
    pub fn delete_rule(&self, id: i64) -> Result<()> {
        let n = self.conn.execute("DELETE FROM rules WHERE id = ?1", [id])?;
        if n == 0 {
            bail!("no alert with id {id} (see spice alerts list)");
        }
        Ok(())
    }

    // ---- arming ----

    pub fn arming(&self, rule_id: i64, subject: &str) -> Result<Arming> {
        let row: Option<(bool, Option<String>)> = self
            .conn
            .query_row(
                "SELECT firing, last FROM arming WHERE rule_id = ?1 AND subject = ?2",
                params![rule_id, subject],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            None => Arming::default(),
            Some((firing, last)) => Arming {
                firing,
                last: last.as_deref().map(Seen::decode).transpose()?,
            },
        })
    }

    /// Subjects of `rule_id` whose stored state is firing or holds a value (so a subject that
    /// left a listing still gets its re-arming look).
    pub fn armed_subjects(&self, rule_id: i64) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT subject FROM arming WHERE rule_id = ?1 AND (firing = 1 OR last NOT IN ('above', 'none'))")?;
        let rows = stmt.query_map([rule_id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_arming(tx: &Transaction, rule_id: i64, subject: &str, a: &Arming) -> Result<()> {
        tx.execute(
            "INSERT INTO arming (rule_id, subject, firing, last, updated_at) VALUES (?1, ?2, ?3, \
             ?4, ?5) ON CONFLICT (rule_id, subject) DO UPDATE SET firing = ?3, last = ?4, \
             updated_at = ?5",
            params![
                rule_id,
                subject,
                a.firing,
                a.last.map(Seen::encode),
                now_ms()
            ],
        )?;
        Ok(())
    }

    /// Stores a look that did not fire.
    pub fn record_look(&mut self, rule_id: i64, subject: &str, a: &Arming) -> Result<()> {
        let tx = self.conn.transaction()?;
        Self::put_arming(&tx, rule_id, subject, a)?;
        tx.commit()?;
        Ok(())
    }

    /// A firing, atomically: the new arming state, the event, one pending outbox row per
    /// channel. Nothing is sent before this commits.
    pub fn record_firing(&mut self, f: &Firing, next: &Arming) -> Result<i64> {
        self.insert_event(f, Some(next))
    }

    /// A test notification: an event and its outbox rows, no arming change.
    pub fn record_test(&mut self, f: &Firing) -> Result<i64> {
        self.insert_event(f, None)
    }

    fn insert_event(&mut self, f: &Firing, next: Option<&Arming>) -> Result<i64> {
        let now = now_ms();
        let tx = self.conn.transaction()?;
        if let Some(next) = next {
            Self::put_arming(&tx, f.rule_id, &f.subject, next)?;
        }
        tx.execute(
            "INSERT INTO events (rule_id, rule_name, subject, height, fired_at_ms, subject_line, \
             body, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                f.rule_id,
                f.rule_name,
                f.subject,
                f.height as i64,
                now,
                f.subject_line,
                f.body,
                serde_json::to_string(&f.payload)?
            ],
        )?;
        let event_id = tx.last_insert_rowid();
        for channel in &f.channels {
            tx.execute(
                "INSERT INTO outbox (event_id, channel, status, attempts, next_attempt_ms) \
                 VALUES (?1, ?2, 'pending', 0, ?3)",
                params![event_id, channel.to_string(), now],
            )?;
        }
        tx.commit()?;
        Ok(event_id)
    }

    // ---- outbox ----

    fn delivery_from_row(r: &rusqlite::Row) -> rusqlite::Result<(Delivery, String)> {
        let status: String = r.get(3)?;
        Ok((
            Delivery {
                id: r.get(0)?,
                event_id: r.get(1)?,
                channel: r.get(2)?,
                status: OutboxStatus::Pending,
                attempts: r.get(4)?,
                next_attempt_ms: r.get(5)?,
                last_error: r.get(6)?,
                delivered_at_ms: r.get(7)?,
            },
            status,
        ))
    }

    fn deliveries(&self, tail: &str, p: impl rusqlite::Params) -> Result<Vec<Delivery>> {
        let sql = format!(
            "SELECT id, event_id, channel, status, attempts, next_attempt_ms, last_error, \
             delivered_at_ms FROM outbox {tail}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(p, Self::delivery_from_row)?;
        rows.map(|r| {
            let (mut d, status) = r?;
            d.status = OutboxStatus::parse(&status)?;
            Ok(d)
        })
        .collect()
    }

    /// Pending rows whose next attempt is due, oldest first, at most `limit`.
    pub fn due(&self, now_ms: i64, limit: u32) -> Result<Vec<Delivery>> {
        self.deliveries(
            "WHERE status = 'pending' AND next_attempt_ms <= ?1 ORDER BY id LIMIT ?2",
            params![now_ms, limit],
        )
    }

    pub fn deliveries_of(&self, event_id: i64) -> Result<Vec<Delivery>> {
        self.deliveries("WHERE event_id = ?1 ORDER BY id", [event_id])
    }

    #[cfg(test)]
    pub fn all_deliveries(&self) -> Result<Vec<Delivery>> {
        self.deliveries("ORDER BY id", [])
    }

    /// Applies [`next_outbox_state`] to row `id` after an attempt.
    pub fn record_attempt(
        &mut self,
        id: i64,
        result: std::result::Result<(), String>,
        policy: &RetryPolicy,
    ) -> Result<OutboxTransition> {
        let now = now_ms();
        let tx = self.conn.transaction()?;
        let (status, attempts): (String, u32) = tx.query_row(
            "SELECT status, attempts FROM outbox WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let t = next_outbox_state(
            OutboxStatus::parse(&status)?,
            attempts,
            result.is_ok(),
            now,
            policy,
        )?;
        tx.execute(
            "UPDATE outbox SET status = ?2, attempts = ?3, next_attempt_ms = ?4, last_error = \
             ?5, delivered_at_ms = ?6 WHERE id = ?1",
            params![
                id,
                t.status.as_str(),
                t.attempts,
                t.next_attempt_ms,
                result.err(),
                (t.status == OutboxStatus::Delivered).then_some(now)
            ],
        )?;
        tx.commit()?;
        Ok(t)
    }

    // ---- history ----

    pub fn event(&self, id: i64) -> Result<Event> {
        self.events("WHERE id = ?1", [id])?
            .pop()
            .ok_or_else(|| anyhow!("no event {id}"))
    }

    /// The latest `limit` events, of one rule or of all, newest first.
    pub fn history(&self, rule_id: Option<i64>, limit: u32) -> Result<Vec<Event>> {
        match rule_id {
            Some(id) => self.events(
                "WHERE rule_id = ?1 ORDER BY id DESC LIMIT ?2",
                params![id, limit],
            ),
            None => self.events("ORDER BY id DESC LIMIT ?1", [limit]),
        }
    }

    fn events(&self, tail: &str, p: impl rusqlite::Params) -> Result<Vec<Event>> {
        let sql = format!(
            "SELECT id, rule_id, rule_name, subject, height, fired_at_ms, subject_line, body, \
             payload FROM events {tail}"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(p, |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, String>(7)?,
                r.get::<_, String>(8)?,
            ))
        })?;
        rows.map(|r| {
            let (id, rule_id, rule_name, subject, height, fired_at_ms, subject_line, body, p) = r?;
            Ok(Event {
                id,
                rule_id,
                rule_name,
                subject,
                height: height as u64,
                fired_at_ms,
                subject_line,
                body,
                payload: serde_json::from_str(&p)?,
            })
        })
        .collect()
    }

    // ---- the watcher lease ----

    /// Takes or renews the database's watcher lease for `owner` until `now_ms + ttl`; refuses
    /// while another owner's lease runs.
    pub fn claim_watcher(&mut self, owner: &str, now_ms: i64, ttl: Duration) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let held: Option<(String, i64)> = tx
            .query_row(
                "SELECT owner, expires_ms FROM watcher WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((other, expires)) = held {
            if other != owner && expires > now_ms {
                bail!(
                    "another watcher ({other}) runs on this database for {} s more: run one \
                     `spice alerts run` per database",
                    (expires - now_ms + 999) / 1000
                );
            }
        }
        tx.execute(
            "INSERT INTO watcher (id, owner, expires_ms) VALUES (1, ?1, ?2) ON CONFLICT (id) DO \
             UPDATE SET owner = ?1, expires_ms = ?2",
            params![owner, now_ms.saturating_add(ttl.as_millis() as i64)],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn release_watcher(&self, owner: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM watcher WHERE id = 1 AND owner = ?1", [owner])?;
        Ok(())
    }

    // ---- lease tenants ----

    pub fn tenant_of(&self, lease_id: u64) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT tenant FROM lease_tenants WHERE lease_id = ?1",
                [lease_id as i64],
                |r| r.get(0),
            )
            .optional()?)
    }

    pub fn remember_tenant(&self, lease_id: u64, tenant: &str) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO lease_tenants (lease_id, tenant) VALUES (?1, ?2)",
            params![lease_id as i64, tenant],
        )?;
        Ok(())
    }
}
