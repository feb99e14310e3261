//! Storage layers that run a contract's own code against a view of its storage:
//!
//! - [`Overlay`], a write overlay on read-only storage, so a query can run an execute's own
//!   code (the `keeper_work` previews: the order book's `match_orders`, the vault's keeper
//!   steps) and read what it would do, without a copy of the logic that could drift from it.
//!   Writes and deletes stay in memory and are dropped with the overlay.
//! - [`WriteBack`], a write-back cache for one batch (the escrow's batches, issue 23): every key
//!   is read from the chain at most once and written at most once, when the batch ends, so the
//!   records a batch's items share (a spender's balance, a provider's liveness) cost one read and
//!   one write per batch instead of per item (a KV write costs 2,000 gas plus 30 a byte, a read
//!   1,000 plus 3 a byte).
//!
//! Reads and ranges of both see their changes merged over the base, as the execute would.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Bound;

use cosmwasm_std::{Order, Record, Storage};

pub struct Overlay<'a> {
    base: &'a dyn Storage,
    /// `None` marks a key deleted in the overlay.
    changes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a dyn Storage) -> Self {
        Overlay {
            base,
            changes: BTreeMap::new(),
        }
    }
}

impl Storage for Overlay<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.changes.get(key) {
            Some(change) => change.clone(),
            None => self.base.get(key),
        }
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        // An inverted range is empty, as in the chain's stores and `MemoryStorage`
        // (`BTreeMap::range` would panic on it, failing the whole query).
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Box::new(std::iter::empty());
            }
        }
        let lower = start.map_or(Bound::Unbounded, |s| Bound::Included(s.to_vec()));
        let upper = end.map_or(Bound::Unbounded, |e| Bound::Excluded(e.to_vec()));
        let mine = self
            .changes
            .range((lower, upper))
            .map(|(k, v)| (k.clone(), v.clone()));
        let mine: Changes<'b> = match order {
            Order::Ascending => Box::new(mine),
            Order::Descending => Box::new(mine.rev()),
        };
        Box::new(Merge {
            base: self.base.range(start, end, order).peekable(),
            mine: mine.peekable(),
            order,
        })
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.changes.insert(key.to_vec(), Some(value.to_vec()));
    }

    fn remove(&mut self, key: &[u8]) {
        self.changes.insert(key.to_vec(), None);
    }
}

/// A layer's changes in key order: `None` marks a deletion.
type Changes<'b> = Box<dyn Iterator<Item = (Vec<u8>, Option<Vec<u8>>)> + 'b>;

/// Two ordered streams in one; on the same key the layer's entry wins, and a deletion hides
/// the base's record.
struct Merge<'b> {
    base: std::iter::Peekable<Box<dyn Iterator<Item = Record> + 'b>>,
    mine: std::iter::Peekable<Changes<'b>>,
    order: Order,
}

impl Iterator for Merge<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            let take_mine = match (self.base.peek(), self.mine.peek()) {
                (None, None) => return None,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some((bk, _)), Some((mk, _))) => {
                    if bk == mk {
                        // The layer's version replaces the base's.
                        self.base.next();
                        true
                    } else {
                        (mk < bk) == (self.order == Order::Ascending)
                    }
                }
            };
            if take_mine {
                if let (k, Some(v)) = self.mine.next()? {
                    return Some((k, v));
                }
                // A deleted key: skip it.
            } else {
                return self.base.next();
            }
        }
    }
}

/// A key as [`WriteBack`] knows it: what the chain holds (`base`, as read; `None` when the key
/// was never read) and what the batch left there (`now`; `None` for absent).
struct Slot {
    base: Option<Option<Vec<u8>>>,
    now: Option<Vec<u8>>,
}

impl Slot {
    fn dirty(&self) -> bool {
        self.base.as_ref() != Some(&self.now)
    }
}

/// A write-back cache over a contract's storage for one batch (see the module doc). Code that
/// runs against it must fail before its first write, as the escrow's batch items do, so an item
/// that fails leaves nothing in the cache.
pub struct WriteBack<'a> {
    inner: &'a mut dyn Storage,
    slots: RefCell<BTreeMap<Vec<u8>, Slot>>,
}

impl<'a> WriteBack<'a> {
    pub fn new(inner: &'a mut dyn Storage) -> Self {
        WriteBack {
            inner,
            slots: RefCell::new(BTreeMap::new()),
        }
    }

    /// Writes what changed: one set (or delete) per key whose value differs from what the
    /// chain held when the batch read it (a key written without being read is always written).
    pub fn flush(self) {
        for (key, slot) in self.slots.into_inner() {
            if !slot.dirty() {
                continue;
            }
            match slot.now {
                Some(value) => self.inner.set(&key, &value),
                None => self.inner.remove(&key),
            }
        }
    }

    fn put(&mut self, key: &[u8], now: Option<Vec<u8>>) {
        let slots = self.slots.get_mut();
        match slots.get_mut(key) {
            Some(slot) => slot.now = now,
            None => {
                slots.insert(key.to_vec(), Slot { base: None, now });
            }
        }
    }
}

impl Storage for WriteBack<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        if let Some(slot) = self.slots.borrow().get(key) {
            return slot.now.clone();
        }
        let value = self.inner.get(key);
        self.slots.borrow_mut().insert(
            key.to_vec(),
            Slot {
                base: Some(value.clone()),
                now: value.clone(),
            },
        );
        value
    }

    /// The chain's records in the range with the batch's changes laid over them.
    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = Record> + 'b> {
        let in_range = |k: &Vec<u8>| {
            start.is_none_or(|s| k.as_slice() >= s) && end.is_none_or(|e| k.as_slice() < e)
        };
        // Collected: the slots' borrow must end before the caller reads through the cache.
        let mut changes: Vec<(Vec<u8>, Option<Vec<u8>>)> = self
            .slots
            .borrow()
            .iter()
            .filter(|(k, _)| in_range(k))
            .map(|(k, s)| (k.clone(), s.now.clone()))
            .collect();
        if order == Order::Descending {
            changes.reverse();
        }
        let mine: Changes<'b> = Box::new(changes.into_iter());
        Box::new(Merge {
            base: self.inner.range(start, end, order).peekable(),
            mine: mine.peekable(),
            order,
        })
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.put(key, Some(value.to_vec()));
    }

    fn remove(&mut self, key: &[u8]) {
        self.put(key, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    fn all(s: &dyn Storage, order: Order) -> Vec<(Vec<u8>, Vec<u8>)> {
        s.range(None, None, order).collect()
    }

    #[test]
    fn overlay_reads_merge_writes_and_deletes_over_the_base_which_stays_untouched() {
        let mut base = MockStorage::new();
        for k in [b"a", b"c", b"e"] {
            base.set(k, b"base");
        }
        let mut o = Overlay::new(&base);
        o.set(b"b", b"new");
        o.set(b"c", b"changed");
        o.remove(b"e");
        o.remove(b"z");
        assert_eq!(o.get(b"c"), Some(b"changed".to_vec()));
        assert_eq!(o.get(b"e"), None);
        assert_eq!(o.get(b"a"), Some(b"base".to_vec()));
        let expect = vec![
            (b"a".to_vec(), b"base".to_vec()),
            (b"b".to_vec(), b"new".to_vec()),
            (b"c".to_vec(), b"changed".to_vec()),
        ];
        assert_eq!(all(&o, Order::Ascending), expect);
        let mut rev = expect.clone();
        rev.reverse();
        assert_eq!(all(&o, Order::Descending), rev);
        let bounded: Vec<_> = o.range(Some(b"b"), Some(b"c"), Order::Ascending).collect();
        assert_eq!(bounded, vec![(b"b".to_vec(), b"new".to_vec())]);
        // An inverted range is empty, never a panic (a requeued order's cursor above its
        // lowered max price asks exactly this).
        assert_eq!(o.range(Some(b"d"), Some(b"b"), Order::Ascending).count(), 0);
        assert_eq!(
            o.range(Some(b"d"), Some(b"b"), Order::Descending).count(),
            0
        );
        drop(o);
        assert_eq!(all(&base, Order::Ascending).len(), 3);
        assert_eq!(base.get(b"c"), Some(b"base".to_vec()));
    }

    fn chain() -> MockStorage {
        let mut s = MockStorage::new();
        for k in [b"a", b"c", b"e"] {
            s.set(k, k);
        }
        s
    }

    fn keys(s: &dyn Storage, order: Order) -> Vec<(Vec<u8>, Vec<u8>)> {
        s.range(None, None, order).collect()
    }

    #[test]
    fn reads_see_the_batch_writes_and_the_chain_sees_them_only_at_flush() {
        let mut base = chain();
        let mut o = WriteBack::new(&mut base);
        assert_eq!(o.get(b"a"), Some(b"a".to_vec()));
        o.set(b"a", b"A");
        o.set(b"b", b"B");
        o.remove(b"c");
        assert_eq!(o.get(b"a"), Some(b"A".to_vec()));
        assert_eq!(o.get(b"c"), None);
        let expected = vec![
            (b"a".to_vec(), b"A".to_vec()),
            (b"b".to_vec(), b"B".to_vec()),
            (b"e".to_vec(), b"e".to_vec()),
        ];
        assert_eq!(keys(&o, Order::Ascending), expected);
        let mut reversed = expected.clone();
        reversed.reverse();
        assert_eq!(keys(&o, Order::Descending), reversed);
        let bounded: Vec<_> = o.range(Some(b"b"), Some(b"e"), Order::Ascending).collect();
        assert_eq!(bounded, vec![(b"b".to_vec(), b"B".to_vec())]);
        o.flush();
        assert_eq!(keys(&base, Order::Ascending), expected);
    }

    /// Counts the chain's writes and deletes.
    #[derive(Default)]
    struct Counting {
        inner: MockStorage,
        writes: usize,
        deletes: usize,
    }

    impl Storage for Counting {
        fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
            self.inner.get(key)
        }
        fn range<'a>(
            &'a self,
            start: Option<&[u8]>,
            end: Option<&[u8]>,
            order: Order,
        ) -> Box<dyn Iterator<Item = Record> + 'a> {
            self.inner.range(start, end, order)
        }
        fn set(&mut self, key: &[u8], value: &[u8]) {
            self.writes += 1;
            self.inner.set(key, value)
        }
        fn remove(&mut self, key: &[u8]) {
            self.deletes += 1;
            self.inner.remove(key)
        }
    }

    #[test]
    fn every_key_is_written_once_and_unchanged_keys_not_at_all() {
        let mut base = Counting::default();
        base.set(b"balance", b"100");
        base.set(b"same", b"1");
        base.writes = 0;
        let mut o = WriteBack::new(&mut base);
        for v in [b"90", b"80", b"70"] {
            assert!(o.get(b"balance").is_some());
            o.set(b"balance", v);
        }
        // Read, changed and changed back: nothing to write.
        assert_eq!(o.get(b"same"), Some(b"1".to_vec()));
        o.set(b"same", b"2");
        o.set(b"same", b"1");
        // Read as absent, written and deleted again: nothing to delete.
        assert_eq!(o.get(b"gone"), None);
        o.set(b"gone", b"x");
        o.remove(b"gone");
        o.flush();
        assert_eq!((base.writes, base.deletes), (1, 0));
        assert_eq!(base.get(b"balance"), Some(b"70".to_vec()));
        assert_eq!(base.get(b"same"), Some(b"1".to_vec()));
        assert_eq!(base.get(b"gone"), None);
    }
}
