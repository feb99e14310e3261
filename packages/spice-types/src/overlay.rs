//! A write overlay on read-only storage, so a query can run an execute's own code (the
//! `keeper_work` previews: the order book's `match_orders`, the vault's keeper steps) and read
//! what it would do, without a copy of the logic that could drift from it. Writes and deletes stay in memory and are dropped
//! with the overlay; reads and ranges see them merged over the base, as the execute would.

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
        let mine = self.changes.range((lower, upper));
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

type Changes<'b> = Box<dyn Iterator<Item = (&'b Vec<u8>, &'b Option<Vec<u8>>)> + 'b>;

/// Two ordered streams in one; on the same key the overlay's entry wins, and a deletion hides
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
                    if bk == *mk {
                        // The overlay's version replaces the base's.
                        self.base.next();
                        true
                    } else {
                        (*mk < bk) == (self.order == Order::Ascending)
                    }
                }
            };
            if take_mine {
                let (k, v) = self.mine.next()?;
                if let Some(v) = v {
                    return Some((k.clone(), v.clone()));
                }
            } else {
                return self.base.next();
            }
        }
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
}
