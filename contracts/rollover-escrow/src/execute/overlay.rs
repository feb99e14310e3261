//! A write-back cache over the contract's storage for one batch (issue 23): every key is read
//! from the chain at most once and written at most once, when the batch ends. The records a
//! batch's items share — the spender's prefunded balance, the grant, the provider's liveness, the
//! pause record — are then read once and written once per batch instead of once per item
//! (a KV write costs 2,000 gas plus 30 a byte, a read 1,000 plus 3 a byte).
//!
//! Items still run exactly the single message's code against it, and fail before their first
//! write, so a skipped item leaves nothing behind in the cache either.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::iter::Peekable;

use cosmwasm_std::{Order, Record, Storage};

/// A key as the cache knows it: what the chain holds (`base`, as read; `None` when the key was
/// never read) and what the batch left there (`now`; `None` for absent).
struct Slot {
    base: Option<Option<Vec<u8>>>,
    now: Option<Vec<u8>>,
}

impl Slot {
    fn dirty(&self) -> bool {
        self.base.as_ref() != Some(&self.now)
    }
}

pub struct Overlay<'a> {
    inner: &'a mut dyn Storage,
    slots: RefCell<BTreeMap<Vec<u8>, Slot>>,
}

impl<'a> Overlay<'a> {
    pub fn new(inner: &'a mut dyn Storage) -> Self {
        Overlay {
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

impl Storage for Overlay<'_> {
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
        Box::new(Merge {
            chain: self.inner.range(start, end, order).peekable(),
            changes: changes.into_iter().peekable(),
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

/// Two ordered streams of records, the second (the batch's changes, `None` for a delete)
/// winning on equal keys.
struct Merge<'b, C: Iterator<Item = (Vec<u8>, Option<Vec<u8>>)>> {
    chain: Peekable<Box<dyn Iterator<Item = Record> + 'b>>,
    changes: Peekable<C>,
    order: Order,
}

impl<C: Iterator<Item = (Vec<u8>, Option<Vec<u8>>)>> Iterator for Merge<'_, C> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        loop {
            let take_change = match (self.chain.peek(), self.changes.peek()) {
                (None, None) => return None,
                (Some(_), None) => false,
                (None, Some(_)) => true,
                (Some((a, _)), Some((b, _))) => {
                    if a == b {
                        // The change replaces the chain's record.
                        self.chain.next();
                        true
                    } else {
                        (b < a) == (self.order == Order::Ascending)
                    }
                }
            };
            if !take_change {
                return self.chain.next();
            }
            if let Some((key, Some(value))) = self.changes.next() {
                return Some((key, value));
            }
            // A deleted key: skip it.
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

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
        let mut o = Overlay::new(&mut base);
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
        let mut o = Overlay::new(&mut base);
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
