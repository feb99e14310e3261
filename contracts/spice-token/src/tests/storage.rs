//! The raw amount encoding: exact at the edges, refuses corrupt bytes, and keeps cw-storage-plus'
//! key layout so key iteration (and any tool reading raw state) sees a normal `Map`.

use cosmwasm_std::testing::{MockApi, MockStorage};
use cosmwasm_std::{Storage, Uint128};
use cw_storage_plus::Map;

use crate::state::{AmountMap, Ledger};

#[test]
fn amounts_round_trip_at_zero_one_and_max() {
    let api = MockApi::default();
    let mut storage = MockStorage::new();
    let map = AmountMap::new("t");
    let who = api.addr_make("who");
    assert_eq!(map.get(&storage, &who).unwrap(), Uint128::zero());
    for amount in [Uint128::one(), Uint128::new(1_000_000), Uint128::MAX] {
        map.set(&mut storage, &who, amount);
        assert_eq!(map.get(&storage, &who).unwrap(), amount);
    }
    // Zero removes the entry instead of storing it.
    map.set(&mut storage, &who, Uint128::zero());
    assert!(map.addresses(&storage, None, 10).unwrap().is_empty());
}

#[test]
fn keys_are_laid_out_like_a_cw_storage_plus_map() {
    let api = MockApi::default();
    let mut storage = MockStorage::new();
    let map = AmountMap::new("t");
    let who = api.addr_make("who");
    map.set(&mut storage, &who, Uint128::new(7));
    let key = Map::<&cosmwasm_std::Addr, ()>::new("t").key(&who);
    // Trimmed big-endian: 7 is one byte, 1,000,000 three.
    assert_eq!(storage.get(&key), Some(vec![7u8]));
    map.set(&mut storage, &who, Uint128::new(1_000_000));
    assert_eq!(storage.get(&key), Some(vec![0x0f, 0x42, 0x40]));
}

#[test]
fn addresses_page_in_order() {
    let api = MockApi::default();
    let mut storage = MockStorage::new();
    let map = AmountMap::new("t");
    let mut addrs: Vec<_> = (0..5).map(|i| api.addr_make(&format!("a{i}"))).collect();
    for a in &addrs {
        map.set(&mut storage, a, Uint128::one());
    }
    addrs.sort();
    assert_eq!(
        map.addresses(&storage, None, 2).unwrap(),
        addrs[..2].to_vec()
    );
    assert_eq!(
        map.addresses(&storage, Some(&addrs[1]), 10).unwrap(),
        addrs[2..].to_vec()
    );
}

#[test]
fn oversized_amount_is_an_error_not_a_wrong_number() {
    let api = MockApi::default();
    let mut storage = MockStorage::new();
    let map = AmountMap::new("t");
    let who = api.addr_make("who");
    let key = Map::<&cosmwasm_std::Addr, ()>::new("t").key(&who);
    storage.set(&key, &[1u8; 17]);
    assert!(map.get(&storage, &who).is_err());
}

#[test]
fn ledger_round_trips_every_field_and_refuses_truncation() {
    let mut storage = MockStorage::new();
    assert!(Ledger::load(&storage).is_err());
    let ledger = Ledger {
        cap: Uint128::MAX,
        minted: Uint128::new(1),
        cw20_supply: Uint128::new(2),
        native_supply: Uint128::new(3),
        burned_cw20: Uint128::new(4),
        burned_cw20_from: Uint128::new(5),
        burned_native: Uint128::new(6),
    };
    ledger.save(&mut storage);
    assert_eq!(Ledger::load(&storage).unwrap(), ledger);
    // Truncated, or with bytes left over: both refused.
    let saved = storage.get(b"led").unwrap();
    storage.set(b"led", &saved[..saved.len() - 1]);
    assert!(Ledger::load(&storage).is_err());
    let mut longer = saved.clone();
    longer.push(0);
    storage.set(b"led", &longer);
    assert!(Ledger::load(&storage).is_err());
}
