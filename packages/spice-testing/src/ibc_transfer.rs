//! ICS-20 transfers out of the emulated Osmosis, with ibc-hooks callbacks.
//!
//! Emulated:
//! * `/ibc.applications.transfer.v1.MsgTransfer` (sent by a contract as `CosmosMsg::Any` or
//!   `Stargate`): port `transfer` only, channel `channel-N`, a non-zero coin, a receiver, and a
//!   timeout (height or timestamp; both zero is refused as ibc-go does). The coin moves to the
//!   channel's escrow account, whose address is derived exactly like ibc-go's
//!   `GetEscrowAddress` (`sha256("ics20-1" ‖ 0x00 ‖ "transfer/channel-N")[..20]`). Sequences
//!   start at 1 per channel. Response `MsgTransferResponse { sequence }` (in `data` and
//!   `msg_responses`, so a `reply` can read the sequence).
//! * The ibc-hooks callback of Osmosis: a memo that is a JSON object with a string
//!   `"ibc_callback"` holding a valid address registers that address for the packet's lifecycle
//!   (as `SendPacketOverride` does; an invalid address is ignored, the packet still goes).
//! * The relayer's side: [`relay_ack`], [`relay_error_ack`] and [`relay_timeout`] submit the
//!   real `/ibc.core.channel.v1.MsgAcknowledgement` / `MsgTimeout` (signed by a relayer
//!   account). ICS-20 handles them first — a success ack releases nothing (the coins stay
//!   escrowed: they now live on the other chain), an error ack or a timeout refunds the sender
//!   from escrow — and then ibc-hooks calls the registered contract's `sudo` with
//!   `{"ibc_lifecycle_complete":{"ibc_ack":{"channel","sequence","ack","success"}}}` (`ack` is the
//!   acknowledgement bytes as Go's `json.Marshal([]byte)` writes them: a base64 string) or
//!   `{"ibc_lifecycle_complete":{"ibc_timeout":{"channel","sequence"}}}`, exactly once per
//!   packet. What a failing `sudo` does depends on the lifecycle step, as in ibc-hooks'
//!   `wasm_hook.go`:
//!   - **ack** (`OnAcknowledgementPacketOverride`): the error is returned, so the relayer's
//!     `MsgAcknowledgement` fails and the refund of an error ack is reverted with it (the
//!     relayer may retry);
//!   - **timeout** (`OnTimeoutPacketOverride`): the error is *swallowed* — the chain emits an
//!     `ibc-timeout-callback-error` event (`contract`, `message`, `error`), deletes the
//!     callback and keeps the refund; the `MsgTimeout` succeeds. A contract that errs in its
//!     timeout callback is therefore never told again that its coins came back. The
//!     emulation reverts whatever the failed callback wrote; on the chain wasmd's `Sudo` runs
//!     without a cache context, so writes a contract made before returning its error may
//!     stay: a timeout callback must never fail, least of all after writing.
//!
//! Fidelity notes and what is not emulated:
//! * Every coin is escrowed. ibc-go burns a voucher (`ibc/…`) travelling back to its origin and
//!   mints it again on refund; the sender's balance is the same either way, only the escrow
//!   account's balance differs.
//! * There is no counterparty chain: the coins of a successful transfer stay in escrow, and
//!   what the other chain sends back arrives by a test's `fund` (an incoming transfer mints the
//!   voucher on Osmosis too).
//! * A timeout is accepted only once the packet's timeout has passed on *this* chain's clock
//!   and height (the chain checks the counterparty's); no proofs, clients or connections;
//!   fees (ICS-29), rate limits and packet-forward middleware are absent.

use anyhow::{anyhow, bail, ensure};
use cosmwasm_std::{
    Addr, Api, Binary, CanonicalAddr, Coin, CustomMsg, CustomQuery, Event, Storage, Uint128,
};
use cw_multi_test::{AppResponse, SudoMsg, WasmSudo};
use cw_storage_plus::Map;
use osmosis_std::types::ibc::applications::transfer::v1 as transfer;
use osmosis_std::types::ibc::core::channel::v1 as channel;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chain::{msg_response, ExecEnv};
use crate::tokenfactory::validate_denom;
use crate::AnyResult;

/// The ICS-20 port.
pub const TRANSFER_PORT: &str = "transfer";
/// The ICS-20 version string, part of the escrow address pre-image.
pub const ICS20_VERSION: &str = "ics20-1";

/// Next sequence per source channel.
const NEXT_SEQUENCE: Map<&str, u64> = Map::new("osmo_ibc_seq");
/// Packets sent and not yet acknowledged or timed out, by (source channel, sequence).
const PACKETS: Map<(&str, u64), SentPacket> = Map::new("osmo_ibc_packets");

/// A packet on its way, as the emulation remembers it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SentPacket {
    pub channel: String,
    pub sequence: u64,
    pub sender: Addr,
    pub receiver: String,
    pub coin: Coin,
    /// The memo as sent.
    pub memo: String,
    /// The contract ibc-hooks calls back, if the memo named one.
    pub callback: Option<Addr>,
    /// Absolute nanoseconds (0 = none).
    pub timeout_timestamp: u64,
    /// Revision height (0 = none).
    pub timeout_height: u64,
}

/// ibc-go's `GetEscrowAddress(port, channel)`.
pub fn escrow_address(api: &dyn Api, port: &str, channel: &str) -> AnyResult<Addr> {
    let mut pre_image = ICS20_VERSION.as_bytes().to_vec();
    pre_image.push(0);
    pre_image.extend_from_slice(format!("{port}/{channel}").as_bytes());
    let hash = Sha256::digest(&pre_image);
    Ok(api.addr_humanize(&CanonicalAddr::from(&hash[..20]))?)
}

/// The packet sent on `channel` with `sequence`, while it waits for its ack or timeout.
pub fn sent_packet(
    storage: &dyn Storage,
    channel: &str,
    sequence: u64,
) -> AnyResult<Option<SentPacket>> {
    Ok(PACKETS.may_load(storage, (channel, sequence))?)
}

/// Every packet still waiting, ascending by channel and sequence.
pub fn pending_packets(storage: &dyn Storage) -> AnyResult<Vec<SentPacket>> {
    PACKETS
        .range(storage, None, None, cosmwasm_std::Order::Ascending)
        .map(|r| r.map(|(_, p)| p).map_err(Into::into))
        .collect()
}

fn valid_channel(channel: &str) -> bool {
    channel
        .strip_prefix("channel-")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// The `ibc_callback` of a memo, as ibc-hooks reads it: only a JSON object's string value that
/// is a valid address counts.
fn callback_of(api: &dyn Api, memo: &str) -> Option<Addr> {
    let value: serde_json::Value = serde_json::from_str(memo).ok()?;
    let contract = value.as_object()?.get("ibc_callback")?.as_str()?;
    api.addr_validate(contract).ok()
}

pub(crate) fn transfer<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    sender: &Addr,
    msg: transfer::MsgTransfer,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    ensure!(
        msg.source_port == TRANSFER_PORT,
        "port {} is not bound to the transfer module: invalid port",
        msg.source_port
    );
    ensure!(
        valid_channel(&msg.source_channel),
        "invalid channel identifier {}: channel not found",
        msg.source_channel
    );
    ensure!(
        !msg.receiver.trim().is_empty(),
        "missing recipient address: invalid address"
    );
    let token = msg
        .token
        .ok_or_else(|| anyhow!("token cannot be nil: invalid coins"))?;
    let amount: Uint128 = token
        .amount
        .parse()
        .map_err(|e| anyhow!("{}{}: invalid coins ({e})", token.amount, token.denom))?;
    validate_denom(&token.denom)?;
    ensure!(!amount.is_zero(), "{amount}{}: invalid coins", token.denom);
    let timeout_height = msg.timeout_height.map_or(0, |h| h.revision_height);
    ensure!(
        timeout_height != 0 || msg.timeout_timestamp != 0,
        "invalid packet timeout: packet timeout height and packet timeout timestamp cannot both \
         be 0"
    );
    if msg.timeout_timestamp != 0 {
        ensure!(
            msg.timeout_timestamp > env.block.time.nanos(),
            "receiving chain block timestamp >= packet timeout timestamp: packet timeout"
        );
    }
    let coin = Coin::new(amount, token.denom);
    let escrow = escrow_address(env.api, TRANSFER_PORT, &msg.source_channel)?;
    let mut events = env.send(storage, sender, &escrow, vec![coin.clone()])?;

    let sequence = NEXT_SEQUENCE
        .may_load(storage, &msg.source_channel)?
        .unwrap_or(1);
    NEXT_SEQUENCE.save(storage, &msg.source_channel, &(sequence + 1))?;
    let callback = callback_of(env.api, &msg.memo);
    let packet = SentPacket {
        channel: msg.source_channel.clone(),
        sequence,
        sender: sender.clone(),
        receiver: msg.receiver.clone(),
        coin: coin.clone(),
        memo: msg.memo.clone(),
        callback,
        timeout_timestamp: msg.timeout_timestamp,
        timeout_height,
    };
    PACKETS.save(storage, (&msg.source_channel, sequence), &packet)?;
    events.push(
        Event::new("ibc_transfer")
            .add_attribute("sender", sender.as_str())
            .add_attribute("receiver", &msg.receiver)
            .add_attribute("amount", coin.amount.to_string())
            .add_attribute("denom", &coin.denom)
            .add_attribute("memo", &msg.memo),
    );
    events.push(
        Event::new("send_packet")
            .add_attribute("packet_sequence", sequence.to_string())
            .add_attribute("packet_src_port", TRANSFER_PORT)
            .add_attribute("packet_src_channel", &msg.source_channel)
            .add_attribute(
                "packet_timeout_timestamp",
                msg.timeout_timestamp.to_string(),
            ),
    );
    Ok(msg_response(
        transfer::MsgTransferResponse::TYPE_URL,
        &transfer::MsgTransferResponse { sequence },
        events,
    ))
}

fn take_packet(
    storage: &mut dyn Storage,
    packet: Option<channel::Packet>,
) -> AnyResult<SentPacket> {
    let packet = packet.ok_or_else(|| anyhow!("packet cannot be nil"))?;
    ensure!(
        packet.source_port == TRANSFER_PORT,
        "packet source port {} is not the transfer port",
        packet.source_port
    );
    let key = (packet.source_channel.as_str(), packet.sequence);
    let sent = PACKETS.may_load(storage, key)?.ok_or_else(|| {
        anyhow!(
            "packet commitment not found for {}/{} sequence {}: packet already relayed or never \
             sent",
            packet.source_port,
            packet.source_channel,
            packet.sequence
        )
    })?;
    PACKETS.remove(storage, key);
    Ok(sent)
}

fn refund<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    packet: &SentPacket,
) -> AnyResult<Vec<Event>>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let escrow = escrow_address(env.api, TRANSFER_PORT, &packet.channel)?;
    env.send(storage, &escrow, &packet.sender, vec![packet.coin.clone()])
}

fn callback<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    packet: &SentPacket,
    message: String,
) -> AnyResult<Vec<Event>>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let Some(contract) = packet.callback.clone() else {
        return Ok(vec![]);
    };
    let response = env
        .router
        .sudo(
            env.api,
            storage,
            env.block,
            SudoMsg::Wasm(WasmSudo {
                contract_addr: contract,
                message: Binary::new(message.into_bytes()),
            }),
        )
        .map_err(|e| anyhow!("Ack callback error: {e}"))?;
    Ok(response.events)
}

/// Every key and value of the app's storage (the emulation's stand-in for a cache context).
fn snapshot(storage: &dyn Storage) -> Vec<(Vec<u8>, Vec<u8>)> {
    storage
        .range(None, None, cosmwasm_std::Order::Ascending)
        .collect()
}

/// Puts `storage` back to `snapshot`: drops keys written since, restores the rest.
fn restore(storage: &mut dyn Storage, snapshot: Vec<(Vec<u8>, Vec<u8>)>) {
    let now: Vec<Vec<u8>> = storage
        .range_keys(None, None, cosmwasm_std::Order::Ascending)
        .collect();
    for key in now {
        storage.remove(&key);
    }
    for (key, value) in snapshot {
        storage.set(&key, &value);
    }
}

/// ICS-04's error acknowledgement is a JSON object with a non-empty `error`.
fn is_ack_error(ack: &[u8]) -> bool {
    #[derive(Deserialize)]
    struct Ack {
        error: Option<String>,
    }
    match cosmwasm_std::from_json::<Ack>(ack) {
        Ok(a) => a.error.is_some_and(|e| !e.is_empty()),
        Err(_) => true,
    }
}

pub(crate) fn acknowledgement<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    msg: channel::MsgAcknowledgement,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let packet = take_packet(storage, msg.packet)?;
    let success = !is_ack_error(&msg.acknowledgement);
    let mut events = if success {
        vec![]
    } else {
        refund(env, storage, &packet)?
    };
    events.push(
        Event::new("acknowledge_packet")
            .add_attribute("packet_sequence", packet.sequence.to_string())
            .add_attribute("packet_src_channel", &packet.channel)
            .add_attribute("success", success.to_string()),
    );
    let ack_json = cosmwasm_std::to_json_string(&Binary::new(msg.acknowledgement))?;
    let message = format!(
        r#"{{"ibc_lifecycle_complete": {{"ibc_ack": {{"channel": "{}", "sequence": {}, "ack": {ack_json}, "success": {success}}}}}}}"#,
        packet.channel, packet.sequence
    );
    events.extend(callback(env, storage, &packet, message)?);
    Ok(msg_response(
        channel::MsgAcknowledgementResponse::TYPE_URL,
        &channel::MsgAcknowledgementResponse {
            result: channel::ResponseResultType::Success as i32,
        },
        events,
    ))
}

pub(crate) fn timeout<ExecC, QueryC>(
    env: &ExecEnv<ExecC, QueryC>,
    storage: &mut dyn Storage,
    msg: channel::MsgTimeout,
) -> AnyResult<AppResponse>
where
    ExecC: CustomMsg + DeserializeOwned + 'static,
    QueryC: CustomQuery + DeserializeOwned + 'static,
{
    let packet = take_packet(storage, msg.packet)?;
    let by_time =
        packet.timeout_timestamp != 0 && env.block.time.nanos() >= packet.timeout_timestamp;
    let by_height = packet.timeout_height != 0 && env.block.height >= packet.timeout_height;
    if !(by_time || by_height) {
        bail!(
            "packet timeout has not been reached for sequence {} (timeout timestamp {}, height \
             {}): packet timeout not reached",
            packet.sequence,
            packet.timeout_timestamp,
            packet.timeout_height
        );
    }
    let mut events = refund(env, storage, &packet)?;
    events.push(
        Event::new("timeout_packet")
            .add_attribute("packet_sequence", packet.sequence.to_string())
            .add_attribute("packet_src_channel", &packet.channel),
    );
    let message = format!(
        r#"{{"ibc_lifecycle_complete": {{"ibc_timeout": {{"channel": "{}", "sequence": {}}}}}}}"#,
        packet.channel, packet.sequence
    );
    // ibc-hooks swallows a timeout callback's error: an event, the callback deleted (it was
    // taken with the packet), the refund kept.
    let before = snapshot(storage);
    match callback(env, storage, &packet, message.clone()) {
        Ok(callback_events) => events.extend(callback_events),
        Err(error) => {
            restore(storage, before);
            let contract = packet.callback.as_ref().map(Addr::to_string);
            events.push(
                Event::new("ibc-timeout-callback-error")
                    .add_attribute("contract", contract.unwrap_or_default())
                    .add_attribute("message", message)
                    .add_attribute("error", format!("{:#}", error.root_cause())),
            );
        }
    }
    Ok(msg_response(
        channel::MsgTimeoutResponse::TYPE_URL,
        &channel::MsgTimeoutResponse {
            result: channel::ResponseResultType::Success as i32,
        },
        events,
    ))
}

/// The success acknowledgement ICS-20 writes: `{"result":"AQ=="}`.
pub const SUCCESS_ACK: &str = r#"{"result":"AQ=="}"#;

/// The error acknowledgement ICS-20 writes for `reason`.
pub fn error_ack(reason: &str) -> String {
    cosmwasm_std::to_json_string(&serde_error_ack(reason)).unwrap_or_default()
}

fn serde_error_ack(reason: &str) -> impl Serialize + '_ {
    #[derive(Serialize)]
    struct ErrorAck<'a> {
        error: &'a str,
    }
    ErrorAck { error: reason }
}

pub(crate) fn packet_for(channel_id: &str, sequence: u64) -> channel::Packet {
    channel::Packet {
        sequence,
        source_port: TRANSFER_PORT.to_string(),
        source_channel: channel_id.to_string(),
        destination_port: TRANSFER_PORT.to_string(),
        destination_channel: String::new(),
        data: vec![],
        timeout_height: None,
        timeout_timestamp: 0,
    }
}
