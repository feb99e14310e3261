//! A `cosmwasm_vm::Storage` that counts what the Cosmos SDK KV gas meter would charge and
//! can revert a failed call, as wasmd does.

use std::cell::Cell;

use cosmwasm_std_vm::{Order, Record};
use cosmwasm_vm::testing::MockStorage;
use cosmwasm_vm::{BackendResult, Storage};

use crate::gas::KvCounts;

/// [`MockStorage`] plus
/// - counts of reads, writes, deletes, bytes and iterator steps ([`KvCounts`]), since the
///   mock charges none of the SDK's KV gas;
/// - a journal of overwritten values while a call runs, so a call that fails can be
///   rolled back (wasmd discards the state changes of a failed call).
#[derive(Debug, Default)]
pub struct CountingStorage {
    inner: MockStorage,
    /// `Storage::get` takes `&self`.
    counts: Cell<KvCounts>,
    /// `Some` while a call runs.
    journal: Option<Vec<JournalEntry>>,
}

/// A key and its value before a change (`None`: the key did not exist).
type JournalEntry = (Vec<u8>, Option<Vec<u8>>);

impl CountingStorage {
    pub fn new() -> Self {
        Self::default()
    }

    /// Operations counted since the last [`take_counts`](Self::take_counts).
    pub fn counts(&self) -> KvCounts {
        self.counts.get()
    }

    /// Returns the operations counted so far and starts counting from zero.
    pub fn take_counts(&mut self) -> KvCounts {
        self.counts.take()
    }

    /// Reads a value without counting it (for assertions in tests).
    pub fn peek(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.inner.get(key).0.ok().flatten()
    }

    /// Every key and value, ascending by key, without counting them (for assertions in
    /// tests, e.g. that a migration left the state alone).
    pub fn records(&mut self) -> Vec<Record> {
        // MockStorage cannot fail; a failure here would be a bug in it.
        let (id, _) = self.inner.scan(None, None, Order::Ascending);
        let id = id.expect("MockStorage scan cannot fail");
        let (records, _) = self.inner.all(id);
        records.expect("MockStorage iteration cannot fail")
    }

    /// Starts recording changes so they can be reverted with [`rollback`](Self::rollback).
    pub fn begin(&mut self) {
        self.journal = Some(Vec::new());
    }

    /// Keeps the changes made since [`begin`](Self::begin).
    pub fn commit(&mut self) {
        self.journal = None;
    }

    /// Reverts every change made since [`begin`](Self::begin). Without `begin` it does
    /// nothing.
    pub fn rollback(&mut self) {
        let Some(journal) = self.journal.take() else {
            return;
        };
        for (key, previous) in journal.into_iter().rev() {
            // MockStorage cannot fail; a failure here would be a bug in it.
            let (result, _) = match previous {
                Some(value) => self.inner.set(&key, &value),
                None => self.inner.remove(&key),
            };
            result.expect("MockStorage rollback cannot fail");
        }
    }

    fn count(&self, update: impl FnOnce(&mut KvCounts)) {
        let mut counts = self.counts.get();
        update(&mut counts);
        self.counts.set(counts);
    }

    fn record_previous(&mut self, key: &[u8]) {
        if self.journal.is_none() {
            return;
        }
        let previous = self.peek(key);
        if let Some(journal) = self.journal.as_mut() {
            journal.push((key.to_vec(), previous));
        }
    }
}

/// `SPICE_KV_TRACE=1` prints every counted operation (key printable, key and value lengths) to
/// stderr: where a path's bytes go when a gas figure needs explaining.
fn trace(op: &str, key: &[u8], value_len: u64) {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("SPICE_KV_TRACE").is_some()) {
        let printable: String = key
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '.' })
            .collect();
        eprintln!("kv {op} key={} value={value_len} {printable}", key.len());
    }
}

fn len(bytes: &[u8]) -> u64 {
    // usize → u64 cannot truncate on the 32/64-bit hosts this runs on.
    bytes.len() as u64
}

impl Storage for CountingStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let (result, gas) = self.inner.get(key);
        let value_len = match &result {
            Ok(Some(value)) => len(value),
            _ => 0,
        };
        trace("get", key, value_len);
        self.count(|c| {
            c.reads += 1;
            c.read_bytes += len(key) + value_len;
        });
        (result, gas)
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        self.count(|c| {
            c.iterators += 1;
            c.iter_steps += 1;
        });
        self.inner.scan(start, end, order)
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let (result, gas) = self.inner.next(iterator_id);
        if let Ok(Some((key, value))) = &result {
            let bytes = len(key) + len(value);
            self.count(|c| {
                c.iter_steps += 1;
                c.iter_bytes += bytes;
            });
        }
        (result, gas)
    }

    // next_key / next_value: the trait's defaults go through `next`, so the SDK's charge for
    // reading the whole record is counted for them as well.

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        self.record_previous(key);
        trace("set", key, len(value));
        self.count(|c| {
            c.writes += 1;
            c.write_bytes += len(key) + len(value);
        });
        self.inner.set(key, value)
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        self.record_previous(key);
        trace("del", key, 0);
        self.count(|c| c.deletes += 1);
        self.inner.remove(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn storage_with(entries: &[(&[u8], &[u8])]) -> CountingStorage {
        let mut storage = CountingStorage::new();
        for (key, value) in entries {
            storage.set(key, value).0.unwrap();
        }
        storage.take_counts();
        storage
    }

    #[test]
    fn get_counts_key_and_value_bytes_and_a_missing_key_counts_its_key() {
        let storage = storage_with(&[(b"balance", b"1000000")]);

        assert_eq!(
            storage.get(b"balance").0.unwrap(),
            Some(b"1000000".to_vec())
        );
        assert_eq!(storage.get(b"nobody").0.unwrap(), None);

        assert_eq!(
            storage.counts(),
            KvCounts {
                reads: 2,
                read_bytes: 7 + 7 + 6,
                ..Default::default()
            }
        );
        // 2 × 1_000 + 3 × 20
        assert_eq!(storage.counts().sdk_gas(), 2_060);
    }

    #[test]
    fn set_and_remove_are_counted_and_take_counts_resets() {
        let mut storage = CountingStorage::new();

        storage.set(b"k1", b"value").0.unwrap();
        storage.set(b"k1", b"v").0.unwrap();
        storage.remove(b"k1").0.unwrap();
        storage.remove(b"never-there").0.unwrap();

        let counts = storage.take_counts();
        assert_eq!(
            counts,
            KvCounts {
                writes: 2,
                write_bytes: 7 + 3,
                deletes: 2,
                ..Default::default()
            }
        );
        // 2 × 2_000 + 30 × 10 + 2 × 1_000
        assert_eq!(counts.sdk_gas(), 6_300);
        assert_eq!(storage.counts(), KvCounts::default());
        assert_eq!(storage.peek(b"k1"), None);
    }

    #[test]
    fn iteration_counts_one_step_per_scan_and_per_record_returned() {
        let mut storage = storage_with(&[(b"a1", b"x"), (b"a2", b"yy"), (b"b1", b"zzz")]);

        let id = storage
            .scan(Some(b"a"), Some(b"b"), Order::Ascending)
            .0
            .unwrap();
        assert_eq!(
            storage.next(id).0.unwrap(),
            Some((b"a1".to_vec(), b"x".to_vec()))
        );
        assert_eq!(storage.next_key(id).0.unwrap(), Some(b"a2".to_vec()));
        assert_eq!(storage.next(id).0.unwrap(), None);

        assert_eq!(
            storage.counts(),
            KvCounts {
                iterators: 1,
                iter_steps: 3,
                iter_bytes: 3 + 4,
                ..Default::default()
            }
        );
        // 3 × 30 + 3 × 7
        assert_eq!(storage.counts().sdk_gas(), 111);
    }

    #[test]
    fn rollback_restores_overwritten_created_and_removed_keys() {
        let mut storage =
            storage_with(&[(b"kept", b"1"), (b"changed", b"old"), (b"removed", b"x")]);

        storage.begin();
        storage.set(b"changed", b"new").0.unwrap();
        storage.set(b"changed", b"newer").0.unwrap();
        storage.set(b"created", b"2").0.unwrap();
        storage.remove(b"removed").0.unwrap();
        storage.rollback();

        assert_eq!(storage.peek(b"kept"), Some(b"1".to_vec()));
        assert_eq!(storage.peek(b"changed"), Some(b"old".to_vec()));
        assert_eq!(storage.peek(b"created"), None);
        assert_eq!(storage.peek(b"removed"), Some(b"x".to_vec()));
    }

    #[test]
    fn commit_keeps_changes_and_a_later_rollback_does_nothing() {
        let mut storage = CountingStorage::new();

        storage.begin();
        storage.set(b"k", b"v").0.unwrap();
        storage.commit();
        storage.rollback();

        assert_eq!(storage.peek(b"k"), Some(b"v".to_vec()));
    }

    #[test]
    fn peek_does_not_count() {
        let storage = storage_with(&[(b"k", b"v")]);

        assert_eq!(storage.peek(b"k"), Some(b"v".to_vec()));
        assert_eq!(storage.counts(), KvCounts::default());
    }
}
