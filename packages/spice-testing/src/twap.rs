//! `x/twap` emulation: arithmetic time-weighted average prices from recorded
//! spot prices, with the accumulator design of Osmosis.
//!
//! For every pool and every lexicographically ordered denom pair `(asset0,
//! asset1)` a record is kept per block in which the pool's reserves changed
//! (and one at pool creation). A record holds the block height and time, the
//! pool's spot prices at the end of that block (`p0` = price of asset1 in
//! asset0, `p1` = the inverse direction, both as the gamm keeper rounds them)
//! and two accumulators `Σ price × Δt(ms)` up to the record's time — exactly
//! the fields of Osmosis' `TwapRecord`. The TWAP between two times is the
//! difference of the accumulators interpolated to those times divided by the
//! elapsed milliseconds (`LegacyDec.QuoInt64`, truncating), i.e. the exact
//! time-weighted mean of the piecewise-constant spot price.
//!
//! Differences from the chain, all deliberate:
//! * The chain writes a block's record in `EndBlock`; here the record of the
//!   current block is written (and rewritten) as the reserves change, so a
//!   query in the same block, after a swap, with `start_time == now` sees the
//!   new price where the chain would still answer the previous one. The
//!   accumulators — hence every TWAP over a non-empty window — are identical.
//! * History is kept 48 hours (`RecordHistoryKeepPeriod`). The chain prunes
//!   lazily at the daily epoch and keeps the newest record before the cut-off,
//!   so it can sometimes answer a slightly older `start_time`; this emulation
//!   refuses any `start_time` older than 48 hours, the only window a contract
//!   may rely on. Old records are not physically deleted.
//! * The geometric TWAP is not emulated.

use anyhow::{anyhow, bail, ensure};
use cosmwasm_std::{BlockInfo, Order, Storage, Timestamp, Uint128};
use cw_storage_plus::{Bound, Map};
use osmosis_std::types::osmosis::twap::v1beta1 as twap;
use serde::{Deserialize, Serialize};

use crate::balancer_math::{spot_price, Dec};
use crate::chain::{go_time_string, timestamp_from_proto, Encoding};
use crate::AnyResult;

/// `RecordHistoryKeepPeriod` default of x/twap: 48 hours.
pub const TWAP_HISTORY_SECONDS: u64 = 48 * 60 * 60;

/// One TWAP record, as `osmosis.twap.v1beta1.TwapRecord` (without the geometric
/// accumulator and the denoms, which the storage key carries). Public so that the
/// record arithmetic ([`record_with_updated_accumulators`], [`compute_arithmetic_twap`])
/// can be checked against Osmosis' own test tables.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TwapRecord {
    pub height: u64,
    pub time: Timestamp,
    /// Price of asset1 in units of asset0 (asset0 is the quote).
    pub p0_last_spot_price: Dec,
    /// Price of asset0 in units of asset1 (asset1 is the quote).
    pub p1_last_spot_price: Dec,
    pub p0_arithmetic_twap_accumulator: Dec,
    pub p1_arithmetic_twap_accumulator: Dec,
    /// `None` is Go's zero time (no error recorded).
    pub last_error_time: Option<Timestamp>,
}

/// Records by (pool id, "asset0 asset1", time in nanoseconds). A space cannot
/// occur in a denom, so the pair key is unambiguous.
const RECORDS: Map<(u64, &str, u64), TwapRecord> = Map::new("osmo_twap");

fn pair_key(asset0: &str, asset1: &str) -> String {
    format!("{asset0} {asset1}")
}

/// `LexicographicalOrderDenoms`.
fn order_denoms<'a>(a: &'a str, b: &'a str) -> AnyResult<(&'a str, &'a str)> {
    ensure!(
        a != b,
        "both assets cannot be of the same denom: assetA: {a}, assetB: {b}"
    );
    Ok(if a < b { (a, b) } else { (b, a) })
}

/// `CanonicalTimeMs`.
fn time_ms(t: Timestamp) -> u128 {
    u128::from(t.nanos() / 1_000_000)
}

/// Pool reserves as the twap module sees them: (denom, amount, weight).
pub(crate) struct PoolSnapshot<'a> {
    pub pool_id: u64,
    pub assets: &'a [(String, Uint128, Uint128)],
}

/// Spot price of `base` in `quote`, or `None` when the pool cannot price it
/// (the chain records zero and an error time then).
fn snapshot_price(snapshot: &PoolSnapshot, base: &str, quote: &str) -> Option<Dec> {
    let find = |d: &str| snapshot.assets.iter().find(|(denom, _, _)| denom == d);
    let (_, base_amount, base_weight) = find(base)?;
    let (_, quote_amount, quote_weight) = find(quote)?;
    spot_price(*base_amount, *base_weight, *quote_amount, *quote_weight).ok()
}

/// `recordWithUpdatedAccumulators`: the record interpolated to `t >= record.time`
/// (an earlier `t` is an error; the chain never asks for one).
pub fn record_with_updated_accumulators(
    record: &TwapRecord,
    t: Timestamp,
) -> AnyResult<TwapRecord> {
    if record.time == t {
        return Ok(record.clone());
    }
    ensure!(
        t > record.time,
        "internal error: interpolating a twap record backwards"
    );
    let delta_ms = time_ms(t) - time_ms(record.time);
    let mut next = record.clone();
    next.time = t;
    next.p0_arithmetic_twap_accumulator = record
        .p0_arithmetic_twap_accumulator
        .checked_add(record.p0_last_spot_price.checked_mul_int(delta_ms)?)?;
    next.p1_arithmetic_twap_accumulator = record
        .p1_arithmetic_twap_accumulator
        .checked_add(record.p1_last_spot_price.checked_mul_int(delta_ms)?)?;
    if record.p0_last_spot_price.is_zero() {
        next.last_error_time = Some(t);
    }
    Ok(next)
}

fn most_recent(storage: &dyn Storage, pool_id: u64, pair: &str) -> AnyResult<Option<TwapRecord>> {
    RECORDS
        .prefix((pool_id, pair))
        .range(storage, None, None, Order::Descending)
        .next()
        .transpose()
        .map(|r| r.map(|(_, record)| record))
        .map_err(Into::into)
}

/// Writes the end-of-block record of every denom pair of a pool whose
/// reserves just changed (or that was just created).
pub(crate) fn track_pool_change(
    storage: &mut dyn Storage,
    block: &BlockInfo,
    snapshot: &PoolSnapshot,
) -> AnyResult<()> {
    let mut denoms: Vec<&str> = snapshot.assets.iter().map(|(d, _, _)| d.as_str()).collect();
    denoms.sort_unstable();
    for (i, asset0) in denoms.iter().enumerate() {
        for asset1 in &denoms[i + 1..] {
            let pair = pair_key(asset0, asset1);
            let sp0 = snapshot_price(snapshot, asset1, asset0);
            let sp1 = snapshot_price(snapshot, asset0, asset1);
            let errored = sp0.is_none() || sp1.is_none();
            let mut record = match most_recent(storage, snapshot.pool_id, &pair)? {
                Some(previous) => record_with_updated_accumulators(&previous, block.time)?,
                None => TwapRecord {
                    height: block.height,
                    time: block.time,
                    p0_last_spot_price: Dec::zero(),
                    p1_last_spot_price: Dec::zero(),
                    p0_arithmetic_twap_accumulator: Dec::zero(),
                    p1_arithmetic_twap_accumulator: Dec::zero(),
                    last_error_time: None,
                },
            };
            record.height = block.height;
            record.p0_last_spot_price = sp0.unwrap_or_default();
            record.p1_last_spot_price = sp1.unwrap_or_default();
            if errored {
                record.last_error_time = Some(block.time);
            }
            RECORDS.save(
                storage,
                (snapshot.pool_id, &pair, block.time.nanos()),
                &record,
            )?;
        }
    }
    Ok(())
}

fn time_too_old(t: Timestamp) -> anyhow::Error {
    anyhow!(
        "looking for a time that's too old, not in the historical index.  Try storing the \
         accumulator value. (requested time {})",
        go_time_string(t)
    )
}

/// `getInterpolatedRecord`.
fn interpolated_record(
    storage: &dyn Storage,
    pool_id: u64,
    t: Timestamp,
    asset0: &str,
    asset1: &str,
) -> AnyResult<TwapRecord> {
    let pair = pair_key(asset0, asset1);
    let found = RECORDS
        .prefix((pool_id, pair.as_str()))
        .range(
            storage,
            None,
            Some(Bound::inclusive(t.nanos())),
            Order::Descending,
        )
        .next()
        .transpose()?;
    let Some((_, mut record)) = found else {
        if most_recent(storage, pool_id, &pair)?.is_none() {
            bail!("getTwapRecord: querying for assets {asset0} {asset1} that are not in pool id {pool_id}");
        }
        return Err(time_too_old(t));
    };
    if record.last_error_time == Some(record.time) {
        record.last_error_time = Some(t);
    }
    record_with_updated_accumulators(&record, t)
}

/// `computeTwap` with the arithmetic strategy: the spot price of the end record when
/// both records have the same time, else the accumulator difference divided by the
/// elapsed milliseconds (`QuoInt64`, truncating). Refused when a spot price error lies
/// in the window. `start` must not be after `end` (the chain's reversed-records
/// answer, a double negation, is internal misuse and not reproduced).
pub fn compute_arithmetic_twap(
    start: &TwapRecord,
    end: &TwapRecord,
    quote_is_asset0: bool,
) -> AnyResult<Dec> {
    ensure!(
        start.time <= end.time,
        "internal error: twap start record after its end record"
    );
    let errored_in_window = end.last_error_time.is_some_and(|e| e >= start.time)
        || start.last_error_time == Some(start.time);
    ensure!(
        !errored_in_window,
        "twap: error in pool spot price occurred between start and end time, twap result may be faulty"
    );
    if end.time == start.time {
        return Ok(if quote_is_asset0 {
            end.p0_last_spot_price
        } else {
            end.p1_last_spot_price
        });
    }
    let (end_acc, start_acc) = if quote_is_asset0 {
        (
            end.p0_arithmetic_twap_accumulator,
            start.p0_arithmetic_twap_accumulator,
        )
    } else {
        (
            end.p1_arithmetic_twap_accumulator,
            start.p1_arithmetic_twap_accumulator,
        )
    };
    let delta_ms = time_ms(end.time) - time_ms(start.time);
    end_acc.checked_sub(start_acc)?.checked_quo_int(delta_ms)
}

/// The arithmetic TWAP of `base` in `quote` over `[start, end]`.
/// `end == None` means "now" (`ArithmeticTwapToNow`).
pub fn arithmetic_twap(
    storage: &dyn Storage,
    block: &BlockInfo,
    pool_id: u64,
    base: &str,
    quote: &str,
    start: Timestamp,
    end: Option<Timestamp>,
) -> AnyResult<Dec> {
    let now = block.time;
    let end = end.unwrap_or(now);
    ensure!(
        start <= end,
        "called GetArithmeticTwap with a start time that is after the end time. (start time {}, end time {})",
        go_time_string(start),
        go_time_string(end)
    );
    ensure!(
        end <= now,
        "called GetArithmeticTwap with an end time in the future. (end time {}, current time {})",
        go_time_string(end),
        go_time_string(now)
    );
    let (asset0, asset1) = order_denoms(base, quote)?;
    if start < now.minus_seconds(TWAP_HISTORY_SECONDS.min(now.seconds())) {
        return Err(time_too_old(start));
    }
    let start_record = interpolated_record(storage, pool_id, start, asset0, asset1)?;
    let end_record = if end == now {
        let pair = pair_key(asset0, asset1);
        let latest = most_recent(storage, pool_id, &pair)?.ok_or_else(|| {
            anyhow!("getTwapRecord: querying for assets {asset0} {asset1} that are not in pool id {pool_id}")
        })?;
        record_with_updated_accumulators(&latest, now)?
    } else {
        interpolated_record(storage, pool_id, end, asset0, asset1)?
    };
    compute_arithmetic_twap(&start_record, &end_record, quote == asset0)
}

fn required_time(t: Option<osmosis_std::shim::Timestamp>, what: &str) -> AnyResult<Timestamp> {
    timestamp_from_proto(&t.ok_or_else(|| anyhow!("{what} is required"))?)
}

/// The twap module's `LegacyDec` response field in the requested encoding.
fn dec_field(value: Dec, encoding: Encoding) -> String {
    match encoding {
        Encoding::Json => value.to_string(),
        Encoding::Proto => value.to_proto_string(),
    }
}

pub(crate) fn query_arithmetic_twap_to_now(
    storage: &dyn Storage,
    block: &BlockInfo,
    req: twap::ArithmeticTwapToNowRequest,
    encoding: Encoding,
) -> AnyResult<twap::ArithmeticTwapToNowResponse> {
    let start = required_time(req.start_time, "start_time")?;
    if start > block.time {
        bail!(
            "called GetArithmeticTwap with a start time that is after the end time. (start time {}, end time {})",
            go_time_string(start),
            go_time_string(block.time)
        );
    }
    let value = arithmetic_twap(
        storage,
        block,
        req.pool_id,
        &req.base_asset,
        &req.quote_asset,
        start,
        None,
    )?;
    Ok(twap::ArithmeticTwapToNowResponse {
        arithmetic_twap: dec_field(value, encoding),
    })
}

pub(crate) fn query_arithmetic_twap(
    storage: &dyn Storage,
    block: &BlockInfo,
    req: twap::ArithmeticTwapRequest,
    encoding: Encoding,
) -> AnyResult<twap::ArithmeticTwapResponse> {
    let start = required_time(req.start_time, "start_time")?;
    // A missing or zero end time means "now", as in the chain's query handler.
    let end = match req.end_time {
        Some(t) if t.seconds != 0 || t.nanos != 0 => Some(timestamp_from_proto(&t)?),
        _ => None,
    };
    let value = arithmetic_twap(
        storage,
        block,
        req.pool_id,
        &req.base_asset,
        &req.quote_asset,
        start,
        end,
    )?;
    Ok(twap::ArithmeticTwapResponse {
        arithmetic_twap: dec_field(value, encoding),
    })
}
