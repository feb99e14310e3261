use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Coin, Decimal, Decimal256, Uint128};
use spice_governance::{OwnershipAction, PauseInfoResponse};

use crate::state::{
    Books, Config, FallbackMode, Halt, HistoryEntry, Hop, Sunset, WeightedValidator,
};

#[cw_serde]
pub struct InstantiateMsg {
    /// Governance (a DAO or the gov module); defaults to the instantiator.
    pub owner: Option<String>,
    /// May pause, never unpause.
    pub guardian: Option<String>,
    /// AKT as this chain knows it (on Osmosis, an `ibc/…` denom).
    pub akt_denom: String,
    /// Receives harvested staking revenue: the buyback-burn contract.
    pub revenue_recipient: String,
    /// TWAP window for the minimum-out price, at least 600 seconds.
    pub twap_window_seconds: u64,
    /// Largest shortfall below the TWAP-implied output a swap accepts, at most 10%.
    pub max_slippage: Decimal,
    /// Largest distance of spot from TWAP before a swap is refused as manipulated, at most 10%.
    pub max_spot_deviation: Decimal,
    /// Keeper reward in bps of the amount swapped or harvested, at most 500 bps.
    pub keeper_bounty_bps: u16,
    /// Least time between two conversions of the same denom.
    pub convert_cooldown_seconds: u64,
    /// Most input one `convert` swaps (default 10,000 × 10⁶ units).
    #[serde(default)]
    pub per_convert_cap: Option<Uint128>,
    /// Unbonding time of the staking chain (default 21 days, Akash's).
    #[serde(default)]
    pub unbonding_period_seconds: Option<u64>,
    /// The staking strategy; without one, `stake` is refused until `set_strategy`.
    #[serde(default)]
    pub strategy: Option<StrategyMsg>,
    /// Least input one `convert` swaps (default 10⁶ units); above zero, at most
    /// `per_convert_cap`.
    #[serde(default)]
    pub min_convert_amount: Option<Uint128>,
    /// Conversion epoch length, at least an hour (default a day).
    #[serde(default)]
    pub convert_epoch_seconds: Option<u64>,
    /// Most input of one denom converted per epoch, at least `per_convert_cap` (default
    /// 100,000 × 10⁶ units).
    #[serde(default)]
    pub convert_epoch_cap: Option<Uint128>,
    /// Operator: most principal `book_loss` writes off per day, as a fraction (0, 1] of the
    /// exposure (default 10%).
    #[serde(default)]
    pub max_daily_loss: Option<Decimal>,
}

/// A strategy as governance writes it (addresses unchecked).
#[cw_serde]
pub enum StrategyMsg {
    Native {
        validators: Vec<WeightedValidator>,
    },
    Operator {
        operator: String,
        channel: String,
        delegation_address: String,
        max_daily_outflow: Uint128,
        max_apr: Decimal,
        transfer_timeout_seconds: u64,
    },
}

/// Each field left out keeps its value; the result is validated exactly like instantiate.
#[cw_serde]
#[derive(Default)]
pub struct ConfigUpdate {
    pub akt_denom: Option<String>,
    pub revenue_recipient: Option<String>,
    pub twap_window_seconds: Option<u64>,
    pub max_slippage: Option<Decimal>,
    pub max_spot_deviation: Option<Decimal>,
    pub keeper_bounty_bps: Option<u16>,
    pub convert_cooldown_seconds: Option<u64>,
    pub per_convert_cap: Option<Uint128>,
    pub unbonding_period_seconds: Option<u64>,
    #[serde(default)]
    pub min_convert_amount: Option<Uint128>,
    #[serde(default)]
    pub convert_epoch_seconds: Option<u64>,
    #[serde(default)]
    pub convert_epoch_cap: Option<Uint128>,
    #[serde(default)]
    pub max_daily_loss: Option<Decimal>,
}

/// Where the sunset sends the principal home (addresses unchecked).
#[cw_serde]
pub enum PrincipalToMsg {
    /// To the revenue recipient (buyback-burn): swapped under its guard and caps, then burned.
    Buyback,
    Treasury {
        address: String,
    },
    /// Stays in the vault.
    Hold,
}

/// What an ibc-hooks `receive_return` brings home from the operator's delegation address.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum ReturnKind {
    /// Unbonded principal, for `confirm_returned`.
    Principal,
    /// Staking rewards, for `confirm_rewards`.
    Rewards,
}

/// Which operator bucket `book_loss` writes down.
#[cw_serde]
#[derive(Copy, Eq)]
pub enum LossKind {
    Staked,
    Unbonding,
}

/// The fields of the operator's reports, decoded once for all five report variants (see
/// `spice_types::msg_fields`).
#[derive(cosmwasm_schema::serde::Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct ReportFields {
    amount: Uint128,
    tx_hash: String,
}

fn report_fields<'de, D>(d: D) -> Result<(Uint128, String), D::Error>
where
    D: cosmwasm_schema::serde::Deserializer<'de>,
{
    <ReportFields as cosmwasm_schema::serde::Deserialize>::deserialize(d)
        .map(|r| (r.amount, r.tx_hash))
}

#[derive(cosmwasm_schema::serde::Deserialize)]
#[serde(crate = "cosmwasm_schema::serde")]
struct PositionFields {
    position_id: u64,
}

fn position_fields<'de, D>(d: D) -> Result<u64, D::Error>
where
    D: cosmwasm_schema::serde::Deserializer<'de>,
{
    <PositionFields as cosmwasm_schema::serde::Deserialize>::deserialize(d).map(|p| p.position_id)
}

// Variants of the same shape share one decoder (`deserialize_with`); the JSON and the schema
// are those of the variants as written.
// A message is decoded once per call; the size of its largest variant (`update_config`) costs
// nothing worth a Box in every caller.
#[allow(clippy::large_enum_variant)]
#[cw_serde]
pub enum ExecuteMsg {
    /// Anyone: the attached coins become proceeds (AKT itself goes straight to pending). Every
    /// denom needs a route to AKT.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Deposit {},
    /// Anyone: books every coin that reached the vault by plain bank send (take fees,
    /// donations, rewards the staking module paid on its own). Per denom: AKT settles matured
    /// native unbondings first, the rest is acquired (pending, to stake); a routed denom
    /// becomes proceeds; any other denom is held (`held` in `status`) until governance routes
    /// it. `denoms`: at most 10, each checked (default: AKT and every routed denom).
    Sync { denoms: Option<Vec<String>> },
    /// The operator's delegation address, through ibc-hooks (the sender is the ibc-hooks
    /// intermediary of the strategy's channel and delegation address): AKT attached comes
    /// home attributed, waiting for `confirm_returned` / `confirm_rewards`.
    ReceiveReturn { kind: ReturnKind },
    /// Anyone: native strategy — writes `staked` down to what the staking module reports per
    /// validator (slashing); never up.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    ReconcileNative {},
    /// Owner or guardian: operator strategy — books a slashing loss of `amount` from `staked`
    /// or `unbonding`, at most `max_daily_loss` of the exposure (staked + unbonding at the
    /// day's first booking) per UTC day.
    BookLoss { kind: LossKind, amount: Uint128 },
    /// Anyone (a keeper): collects spread rewards and incentives of up to `limit` recorded LP
    /// positions (round robin) and credits them as proceeds; bounty in bps of what arrived.
    CollectLpProceeds { limit: Option<u32> },
    /// Anyone (a keeper): swaps part of `denom`'s proceeds (or the first convertible denom)
    /// into AKT, TWAP-guarded; bounty paid in the input denom from the reply.
    Convert {
        denom: Option<String>,
        limit: Option<Uint128>,
    },
    /// Anyone (a keeper): stakes pending AKT with the configured strategy.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Stake {},
    /// Anyone (a keeper): withdraws native rewards / takes confirmed operator rewards and
    /// sends them to the revenue recipient; bounty in bps of the revenue.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Harvest {},
    /// Owner: undelegates (native) or asks the operator to (operator).
    Unbond { amount: Uint128 },
    /// Owner: matured native unbondings become `returned`; then `returned` goes to
    /// `recipient`, or back to pending when no recipient is given.
    ClaimUnbonded { recipient: Option<String> },
    /// Operator: AKT that arrived at the delegation address is delegated.
    #[serde(deserialize_with = "report_fields")]
    ConfirmDelegation { amount: Uint128, tx_hash: String },
    /// Operator: rewards were sent back and arrived here.
    #[serde(deserialize_with = "report_fields")]
    ConfirmRewards { amount: Uint128, tx_hash: String },
    /// Operator: the owner's unbond request was undelegated on Akash.
    #[serde(deserialize_with = "report_fields")]
    ConfirmUndelegation { amount: Uint128, tx_hash: String },
    /// Operator: unbonded AKT was sent back and arrived here.
    #[serde(deserialize_with = "report_fields")]
    ConfirmReturned { amount: Uint128, tx_hash: String },
    /// Operator: principal was lost (slashing). Always halts the strategy.
    #[serde(deserialize_with = "report_fields")]
    ReportLoss { amount: Uint128, tx_hash: String },
    /// Owner: lifts a halt.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    ResumeStrategy {},
    /// Owner: sets the strategy; nothing may be in flight, and switching kind needs nothing
    /// staked or unbonding.
    SetStrategy { strategy: StrategyMsg },
    /// Owner: sets (or replaces) the route a proceeds denom is swapped along to AKT.
    SetRoute { denom: String, hops: Vec<Hop> },
    /// Owner.
    #[serde(deserialize_with = "spice_types::msg_fields::denom")]
    RemoveRoute { denom: String },
    /// Owner: records a concentrated-liquidity position the vault owns.
    #[serde(deserialize_with = "position_fields")]
    AddLpPosition { position_id: u64 },
    /// Owner.
    #[serde(deserialize_with = "position_fields")]
    RemoveLpPosition { position_id: u64 },
    /// Owner: schedules the end of AKT staking before Akash's cutover `at` (AEP-79). The lead
    /// must cover the unbonding period plus a margin, and `at − unbond_lead_seconds` must not
    /// have passed. Once set, the owner may change it freely only before the unbond starts;
    /// after that, and always for the guardian, the sunset can only move earlier.
    SetSunset {
        at: u64,
        unbond_lead_seconds: u64,
        principal_to: PrincipalToMsg,
    },
    /// Owner: removes a sunset whose unbond has not started.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    CancelSunset {},
    /// Anyone (a keeper), from `at − unbond_lead_seconds`: undelegates everything (native) or
    /// instructs the operator to undelegate everything staked (operator; confirmed through the
    /// bounded reports). Repeat after new delegations are confirmed.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    BeginSunsetUnbond {},
    /// Anyone (a keeper), once the sunset started: principal back home (`pending` and
    /// `returned`, matured native unbondings settled first) goes where the sunset says.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    RouteSunsetPrincipal {},
    /// Owner: what new proceeds do instead of becoming staked AKT: `direct_buyback`
    /// (forwarded to buyback-burn), `osmo_staking { validators }` (only while the books hold
    /// no AKT: the staking denom becomes the chain's bond denom, OSMO, and the strategy native
    /// over the validators; the books restart in OSMO and a finished sunset is retired), or
    /// `null` to convert them to the staking denom again.
    SetFallback { mode: Option<FallbackMode> },
    /// Anyone (a keeper), under the `direct_buyback` fallback: every waiting proceeds coin of
    /// `denom` goes to the revenue recipient (buyback-burn).
    #[serde(deserialize_with = "spice_types::msg_fields::denom")]
    ForwardProceeds { denom: String },
    /// Owner only.
    UpdateConfig(ConfigUpdate),
    /// Two-step ownership transfer (cw-ownable): propose, accept, or renounce.
    UpdateOwnership(OwnershipAction),
    /// Owner only; `null` removes the guardian.
    SetGuardian { guardian: Option<String> },
    /// Owner or guardian.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Pause {},
    /// Owner only.
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Unpause {},
}

/// What the chain sends to `sudo`: ibc-hooks' lifecycle callbacks.
#[cw_serde]
pub enum SudoMsg {
    IbcLifecycleComplete(IbcLifecycleComplete),
}

#[cw_serde]
pub enum IbcLifecycleComplete {
    IbcAck {
        channel: String,
        sequence: u64,
        /// The acknowledgement bytes (base64).
        ack: String,
        success: bool,
    },
    IbcTimeout {
        channel: String,
        sequence: u64,
    },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(Config)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Config {},
    /// AKT by bucket, proceeds per denom, last activity, halt.
    #[returns(StatusResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Status {},
    /// The sunset's timeline, what is still away from home, and whether time is short.
    #[returns(SunsetStatusResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    SunsetStatus {},
    /// What `convert { denom }` would do now, or why it would be refused.
    #[returns(SimulateConvertResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::denom")]
    SimulateConvert { denom: String },
    /// Keeper work: the permissionless steps that would execute now (each run here on a scratch
    /// copy of the vault's storage, through the execute's own code), with the bounty each pays,
    /// and those with work pending but refused now, with the refusal. The vault-wide steps
    /// (`harvest`, `stake`, `begin_sunset_unbond`, `route_sunset_principal`) come on the first
    /// page; the per-denom ones (`convert`, `forward_proceeds`) are paged by denom after
    /// `start_after`, `limit` default 10, at most 30.
    #[returns(KeeperWorkResponse)]
    KeeperWork {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Vault actions ascending by id.
    #[returns(HistoryResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::page")]
    History {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Routes ascending by denom.
    #[returns(RoutesResponse)]
    Routes {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Recorded LP position ids ascending.
    #[returns(LpPositionsResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::page")]
    LpPositions {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    #[returns(spice_governance::Ownership<String>)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    Ownership {},
    #[returns(PauseInfoResponse)]
    #[serde(deserialize_with = "spice_types::msg_fields::no_fields")]
    PauseInfo {},
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct DenomProceeds {
    pub denom: String,
    pub waiting: Uint128,
    pub next_convert_at: u64,
    pub total_in: Uint128,
    pub total_akt_out: Uint128,
}

#[cw_serde]
pub struct StatusResponse {
    pub strategy: Option<String>,
    pub books: Books,
    /// `transferring + at_operator`.
    pub in_flight: Uint128,
    pub proceeds: Vec<DenomProceeds>,
    pub last_convert_at: Option<u64>,
    pub last_harvest_at: Option<u64>,
    pub halt: Option<Halt>,
    /// Operator: what `stake` may still send today.
    pub outflow_left_today: Option<Uint128>,
    /// Coins `sync` booked in denoms without a route, held for governance (ascending, at most
    /// 30).
    #[serde(default)]
    pub held: Vec<cosmwasm_std::Coin>,
}

#[cw_serde]
pub struct SimulateConvertResponse {
    pub denom: String,
    pub waiting: Uint128,
    pub next_convert_at: u64,
    pub amount_in: Uint128,
    pub expected_out: Uint128,
    /// `amount_in × Π twap × (1 − max_slippage)`, rounded up.
    pub min_out: Uint128,
    pub twap_price: Option<Decimal256>,
    pub spot_price: Option<Decimal256>,
    pub bounty: Uint128,
    pub would_execute: bool,
    pub refusal: Option<String>,
}

#[cw_serde]
pub struct KeeperWorkResponse {
    /// Calls that would execute now, one transaction each.
    pub ready: Vec<VaultWork>,
    /// Calls with work pending that would be refused now.
    pub waiting: Vec<VaultWaiting>,
    /// The last denom this page read (pass it as `start_after`); `None` at the end.
    pub next_start_after: Option<String>,
}

#[cw_serde]
pub struct VaultWork {
    pub msg: ExecuteMsg,
    /// What the call pays its sender (empty: unpaid). For a native-strategy `harvest` this is
    /// the bounty on the revenue already pending; the validators' rewards it withdraws add
    /// `keeper_bounty_bps` of themselves on top.
    pub bounty: Vec<Coin>,
}

#[cw_serde]
pub struct VaultWaiting {
    pub msg: ExecuteMsg,
    /// The error the call gives now.
    pub refusal: String,
}

#[cw_serde]
pub struct HistoryResponse {
    pub entries: Vec<HistoryEntry>,
}

#[cw_serde]
pub struct RouteInfo {
    pub denom: String,
    pub hops: Vec<Hop>,
}

#[cw_serde]
pub struct RoutesResponse {
    pub routes: Vec<RouteInfo>,
}

#[cw_serde]
pub struct LpPositionsResponse {
    pub position_ids: Vec<u64>,
}

#[cw_serde]
#[derive(Copy, Eq)]
pub enum SunsetPhase {
    /// No sunset set.
    None,
    /// Set; the unbond has not started.
    Scheduled,
    /// Started: principal is still staked, unbonding or in flight.
    Unbonding,
    /// Started, nothing left away from home.
    Home,
    /// The cutover time has passed.
    PastCutover,
}

#[cw_serde]
pub struct SunsetStatusResponse {
    pub sunset: Option<Sunset>,
    /// Governance's fallback for new proceeds.
    pub fallback: Option<FallbackMode>,
    pub phase: SunsetPhase,
    pub now: u64,
    /// `at − unbond_lead_seconds`.
    pub unbond_starts_at: Option<u64>,
    /// Seconds until the unbond may start / until the cutover (0 once passed).
    pub seconds_to_unbond_start: u64,
    pub seconds_to_cutover: u64,
    pub staked: Uint128,
    pub unbonding: Uint128,
    /// `transferring + at_operator`.
    pub in_flight: Uint128,
    /// Operator: undelegation asked for and not yet confirmed.
    pub unbond_requested: Uint128,
    /// Principal at home (`pending + returned`), not yet routed.
    pub at_home: Uint128,
    /// Seconds the principal still away needs to get home (unbonding and return margin).
    pub seconds_needed: u64,
    /// The time left before the cutover is less than `seconds_needed`.
    pub sunset_risk: bool,
}
