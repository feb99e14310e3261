//! Plumbing shared by the emulated modules: bank access through the router,
//! response encoding, SDK module addresses and Go-style time strings.

use anyhow::{anyhow, bail};
use cosmwasm_std::{
    from_json, Addr, Api, BalanceResponse, BankMsg, BankQuery, Binary, BlockInfo, CanonicalAddr,
    Coin, CosmosMsg, CustomMsg, CustomQuery, Event, MsgResponse, QueryRequest, Storage, Timestamp,
    Uint128,
};
use cw_multi_test::{AppResponse, BankSudo, CosmosRouter};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::AnyResult;

/// How a query answer is encoded.
///
/// wasmd answers `QueryRequest::Stargate` (what `osmosis-std`'s query helpers
/// send) with the response converted to **JSON** (proto3 JSON, as
/// `osmosis-std`'s serde types expect), and `QueryRequest::Grpc` with the raw
/// **protobuf** bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Encoding {
    Json,
    Proto,
}

impl Encoding {
    /// Encodes a query response the way wasmd hands it to a contract.
    pub(crate) fn encode<T: prost::Message + Serialize>(self, response: &T) -> AnyResult<Binary> {
        match self {
            Encoding::Json => Ok(cosmwasm_std::to_json_binary(response)?),
            Encoding::Proto => Ok(Binary::new(response.encode_to_vec())),
        }
    }
}

/// Builds the `AppResponse` of a successfully handled SDK message: the
/// protobuf-encoded `Msg…Response` in `data` (what wasmd puts in a
/// sub-message's `data` under SDK 0.50) and in `msg_responses`, plus events.
pub(crate) fn msg_response<T: prost::Message>(
    type_url: &str,
    response: &T,
    events: Vec<Event>,
) -> AppResponse {
    let value = Binary::new(response.encode_to_vec());
    AppResponse {
        events,
        data: Some(value.clone()),
        msg_responses: vec![MsgResponse {
            type_url: type_url.to_string(),
            value,
        }],
    }
}

/// Decodes an SDK message or query request from its protobuf bytes.
pub(crate) fn decode<T: prost::Message + Default>(type_url: &str, value: &[u8]) -> AnyResult<T> {
    T::decode(value).map_err(|e| anyhow!("unable to decode {type_url}: {e}"))
}

/// wasmd refuses an SDK message whose signer is not the contract that sent it.
pub(crate) fn ensure_signer(expected: &Addr, declared: &str) -> AnyResult<()> {
    if declared != expected.as_str() {
        bail!(
            "contract doesn't have permission: unauthorized (message signer {declared} is not \
             the sender {expected})"
        );
    }
    Ok(())
}

/// The router-facing context of an executing SDK message.
pub(crate) struct ExecEnv<'a, ExecC, QueryC> {
    pub api: &'a dyn Api,
    pub router: &'a dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
    pub block: &'a BlockInfo,
}

impl<ExecC, QueryC> ExecEnv<'_, ExecC, QueryC>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    /// The bank balance of `address` in `denom`.
    pub fn balance(
        &self,
        storage: &dyn Storage,
        address: &Addr,
        denom: &str,
    ) -> AnyResult<Uint128> {
        let raw = self.router.query(
            self.api,
            storage,
            self.block,
            QueryRequest::Bank(BankQuery::Balance {
                address: address.to_string(),
                denom: denom.to_string(),
            }),
        )?;
        let response: BalanceResponse = from_json(raw)?;
        Ok(response.amount.amount)
    }

    /// Fails with the SDK bank's message when `address` holds less than `coins`.
    fn ensure_spendable(
        &self,
        storage: &dyn Storage,
        address: &Addr,
        coins: &[Coin],
    ) -> AnyResult<()> {
        for coin in coins {
            let balance = self.balance(storage, address, &coin.denom)?;
            if balance < coin.amount {
                bail!(
                    "spendable balance {balance}{denom} is smaller than {amount}{denom}: \
                     insufficient funds (account {address})",
                    denom = coin.denom,
                    amount = coin.amount,
                );
            }
        }
        Ok(())
    }

    /// A real bank transfer (zero amounts are dropped). Returns the bank events.
    pub fn send(
        &self,
        storage: &mut dyn Storage,
        from: &Addr,
        to: &Addr,
        coins: Vec<Coin>,
    ) -> AnyResult<Vec<Event>> {
        let coins = non_zero(coins);
        if coins.is_empty() {
            return Ok(vec![]);
        }
        self.ensure_spendable(storage, from, &coins)?;
        let response = self.router.execute(
            self.api,
            storage,
            self.block,
            from.clone(),
            CosmosMsg::Bank(BankMsg::Send {
                to_address: to.to_string(),
                amount: coins,
            }),
        )?;
        Ok(response.events)
    }

    /// Burns `coins` held by `from` (executed as `from`, so the bank's supply follows).
    pub fn burn(
        &self,
        storage: &mut dyn Storage,
        from: &Addr,
        coins: Vec<Coin>,
    ) -> AnyResult<Vec<Event>> {
        let coins = non_zero(coins);
        if coins.is_empty() {
            return Ok(vec![]);
        }
        self.ensure_spendable(storage, from, &coins)?;
        let response = self.router.execute(
            self.api,
            storage,
            self.block,
            from.clone(),
            CosmosMsg::Bank(BankMsg::Burn { amount: coins }),
        )?;
        Ok(response.events)
    }

    /// Mints `coins` to `to` through the bank module's privileged path.
    pub fn mint(&self, storage: &mut dyn Storage, to: &Addr, coins: Vec<Coin>) -> AnyResult<()> {
        let coins = non_zero(coins);
        if coins.is_empty() {
            return Ok(());
        }
        self.router.sudo(
            self.api,
            storage,
            self.block,
            BankSudo::Mint {
                to_address: to.to_string(),
                amount: coins,
            }
            .into(),
        )?;
        Ok(())
    }
}

fn non_zero(coins: Vec<Coin>) -> Vec<Coin> {
    coins.into_iter().filter(|c| !c.amount.is_zero()).collect()
}

/// `address.Module(moduleName)` of the Cosmos SDK without derivation keys:
/// the first 20 bytes of `sha256(moduleName)`.
pub(crate) fn module_address(api: &dyn Api, module_name: &str) -> AnyResult<Addr> {
    let hash = Sha256::digest(module_name.as_bytes());
    Ok(api.addr_humanize(&CanonicalAddr::from(&hash[..20]))?)
}

/// `address.Module(moduleName, key)`: `sha256(sha256("module") ‖ moduleName ‖ 0x00 ‖ key)`,
/// 32 bytes.
pub(crate) fn derived_module_address(
    api: &dyn Api,
    module_name: &str,
    key: &[u8],
) -> AnyResult<Addr> {
    let type_hash = Sha256::digest(b"module");
    let mut hasher = Sha256::new();
    hasher.update(type_hash);
    hasher.update(module_name.as_bytes());
    hasher.update([0u8]);
    hasher.update(key);
    let hash = hasher.finalize();
    Ok(api.addr_humanize(&CanonicalAddr::from(&hash[..]))?)
}

/// A protobuf `Timestamp` (seconds, nanos) as a cosmwasm `Timestamp`;
/// times before the Unix epoch are refused.
pub(crate) fn timestamp_from_proto(ts: &osmosis_std::shim::Timestamp) -> AnyResult<Timestamp> {
    let seconds = u64::try_from(ts.seconds)
        .map_err(|_| anyhow!("time before 1970 is not supported: {ts:?}"))?;
    let nanos =
        u64::try_from(ts.nanos).map_err(|_| anyhow!("negative nanos in timestamp: {ts:?}"))?;
    if nanos >= 1_000_000_000 {
        bail!("timestamp nanos out of range: {ts:?}");
    }
    Ok(Timestamp::from_seconds(seconds).plus_nanos(nanos))
}

/// A cosmwasm `Timestamp` as a protobuf `Timestamp`.
pub(crate) fn timestamp_to_proto(ts: Timestamp) -> osmosis_std::shim::Timestamp {
    osmosis_std::shim::Timestamp {
        seconds: ts.seconds() as i64,
        nanos: ts.subsec_nanos() as i32,
    }
}

/// Go's `time.Time.String()` for a UTC time, e.g. `2019-10-23 02:16:59.879305533 +0000 UTC`,
/// so that error messages read like the chain's.
pub(crate) fn go_time_string(ts: Timestamp) -> String {
    let secs = ts.seconds();
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_from_days(days);
    let mut s = format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    );
    let nanos = ts.subsec_nanos();
    if nanos != 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s.push_str(" +0000 UTC");
    s
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_time_string_matches_go_formatting() {
        assert_eq!(
            go_time_string(Timestamp::from_seconds(0)),
            "1970-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(
            go_time_string(Timestamp::from_nanos(1_571_797_419_879_305_533)),
            "2019-10-23 02:23:39.879305533 +0000 UTC"
        );
        assert_eq!(
            go_time_string(Timestamp::from_seconds(951_782_400).plus_nanos(500_000_000)),
            "2000-02-29 00:00:00.5 +0000 UTC"
        );
    }
}
