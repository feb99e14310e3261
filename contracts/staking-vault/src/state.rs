use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Decimal, Decimal256, Empty, Uint128};
use cw_storage_plus::{Item, Map};

#[cw_serde]
pub struct Config {
    pub akt_denom: String,
    pub revenue_recipient: Addr,
    pub twap_window_seconds: u64,
    pub max_slippage: Decimal,
    pub max_spot_deviation: Decimal,
    pub keeper_bounty_bps: u16,
    pub convert_cooldown_seconds: u64,
    /// Most input one `convert` swaps; the rest waits for later calls. A config stored before
    /// this field existed reads as the default.
    #[serde(default = "default_per_convert_cap")]
    pub per_convert_cap: Uint128,
    /// Unbonding time of the staked chain (Akash: 21 days); native unbondings mature after it.
    #[serde(default = "default_unbonding_period")]
    pub unbonding_period_seconds: u64,
    /// How AKT is staked; `None` until the owner sets one (then `stake` is refused).
    #[serde(default)]
    pub strategy: Option<Strategy>,
    /// Least input one `convert` swaps: a dust `limit` cannot spend a denom's cooldown.
    #[serde(default = "default_min_convert_amount")]
    pub min_convert_amount: Uint128,
    /// Length of the conversion epoch (`epoch = time / convert_epoch_seconds`).
    #[serde(default = "default_convert_epoch_seconds")]
    pub convert_epoch_seconds: u64,
    /// Most input of one denom converted per epoch: caps what a keeper can sandwich.
    #[serde(default = "default_convert_epoch_cap")]
    pub convert_epoch_cap: Uint128,
    /// Operator: most principal `book_loss` may write off per UTC day, as a fraction of what
    /// is staked and unbonding at the day's first booking.
    #[serde(default = "default_max_daily_loss")]
    pub max_daily_loss: Decimal,
}

fn default_min_convert_amount() -> Uint128 {
    Uint128::new(crate::execute::config::DEFAULT_MIN_CONVERT_AMOUNT)
}

fn default_convert_epoch_seconds() -> u64 {
    crate::execute::config::DEFAULT_CONVERT_EPOCH_SECONDS
}

fn default_convert_epoch_cap() -> Uint128 {
    Uint128::new(crate::execute::config::DEFAULT_CONVERT_EPOCH_CAP)
}

fn default_max_daily_loss() -> Decimal {
    Decimal::percent(crate::execute::config::DEFAULT_MAX_DAILY_LOSS_PERCENT)
}

fn default_per_convert_cap() -> Uint128 {
    Uint128::new(crate::execute::config::DEFAULT_PER_CONVERT_CAP)
}

fn default_unbonding_period() -> u64 {
    crate::execute::config::DEFAULT_UNBONDING_PERIOD_SECONDS
}

/// How the vault stakes its AKT.
#[cw_serde]
pub enum Strategy {
    /// `StakingMsg::Delegate` across a weighted validator set (AKT is the chain's bond denom).
    Native { validators: Vec<WeightedValidator> },
    /// ICS-20 to an operator-controlled delegation address on Akash, with bounded trust.
    Operator(OperatorStrategy),
}

impl Strategy {
    pub fn kind(&self) -> &'static str {
        match self {
            Strategy::Native { .. } => "native",
            Strategy::Operator(_) => "operator",
        }
    }
}

#[cw_serde]
pub struct WeightedValidator {
    /// Validator operator address (`…valoper1…`).
    pub address: String,
    /// Relative weight, at least 1.
    pub weight: u32,
}

#[cw_serde]
pub struct OperatorStrategy {
    /// The multisig that delegates on Akash and confirms each step here.
    pub operator: Addr,
    /// Osmosis' ICS-20 channel to Akash (`channel-N`).
    pub channel: String,
    /// The operator's delegation account on Akash (`akash1…`).
    pub delegation_address: String,
    /// Most AKT sent to the operator per UTC day (day = `time / 86400`).
    pub max_daily_outflow: Uint128,
    /// Confirmed rewards may not exceed `staked × max_apr × elapsed / year`.
    pub max_apr: Decimal,
    /// Relative timeout of each transfer.
    pub transfer_timeout_seconds: u64,
}

/// One pool crossed by a route (shared with the other contract that swaps along routes).
pub use spice_osmosis::Hop;

/// Per proceeds denom: cooldown and totals.
#[cw_serde]
#[derive(Default)]
pub struct DenomState {
    pub last_convert_at: Option<u64>,
    pub total_in: Uint128,
    pub total_bounty: Uint128,
    pub total_akt_out: Uint128,
    /// The conversion epoch `epoch_in` counts, and the input converted in it.
    #[serde(default)]
    pub epoch: u64,
    #[serde(default)]
    pub epoch_in: Uint128,
}

/// Where AKT principal is. Every change goes through [`crate::execute::books::apply`].
#[cw_serde]
#[derive(Copy, Eq, Hash, PartialOrd, Ord)]
pub enum Bucket {
    /// In the vault's bank, waiting to be staked.
    Pending,
    /// Sent over IBC, the packet not yet acknowledged.
    Transferring,
    /// Acknowledged at the operator's delegation address, delegation not yet confirmed.
    AtOperator,
    /// Delegated (natively, or confirmed by the operator).
    Staked,
    /// Undelegated, waiting for the unbonding period / the return transfer.
    Unbonding,
    /// Back in the vault's bank after unbonding.
    Returned,
}

/// The AKT books. `pending + transferring + at_operator + staked + unbonding + returned +
/// unbonded_out + lost == acquired` after every transaction.
#[cw_serde]
#[derive(Default)]
pub struct Books {
    pub pending: Uint128,
    pub transferring: Uint128,
    pub at_operator: Uint128,
    pub staked: Uint128,
    pub unbonding: Uint128,
    pub returned: Uint128,
    /// Principal the owner sent out of the vault (`claim_unbonded` with a recipient).
    pub unbonded_out: Uint128,
    /// Principal the operator reported lost (slashing).
    pub lost: Uint128,
    /// All AKT ever bought by `convert` or received as proceeds.
    pub acquired: Uint128,
    /// Operator: undelegation the owner asked for that the operator has not yet confirmed.
    pub unbond_requested: Uint128,
    /// Staking revenue in the vault's bank, waiting for `harvest`.
    pub revenue_pending: Uint128,
    /// All revenue sent to the revenue recipient.
    pub revenue_harvested: Uint128,
    /// All harvest bounties paid.
    pub harvest_bounties: Uint128,
    /// Operator: rewards the operator may still confirm (accrued `staked × apr × dt / year`,
    /// rounded down at each checkpoint).
    pub reward_allowance: Uint128,
    /// Time (seconds) of the last allowance checkpoint.
    pub checkpoint_at: u64,
    /// Operator: the day (`time / 86400`) `outflow_today` counts, and what left that day.
    pub outflow_day: u64,
    pub outflow_today: Uint128,
    /// Operator: principal that arrived through ibc-hooks `receive_return { kind: principal }`
    /// from the delegation address, waiting for `confirm_returned`.
    #[serde(default)]
    pub returns_arrived: Uint128,
    /// Operator: rewards that arrived through ibc-hooks `receive_return { kind: rewards }`,
    /// waiting for `confirm_rewards`.
    #[serde(default)]
    pub rewards_arrived: Uint128,
    /// Operator: the day `loss_today` counts, what `book_loss` wrote off that day, and the
    /// exposure (staked + unbonding) at the day's first booking.
    #[serde(default)]
    pub loss_day: u64,
    #[serde(default)]
    pub loss_today: Uint128,
    #[serde(default)]
    pub loss_base: Uint128,
}

/// Where the principal goes once the sunset brought it home.
#[cw_serde]
pub enum PrincipalTo {
    /// Sent to the revenue recipient (buyback-burn), which swaps it under its own TWAP guard
    /// and caps and burns the SPICE bought.
    Buyback,
    /// Sent to a treasury address.
    Treasury { address: Addr },
    /// Stays in the vault (`pending` / `returned`) for governance to decide later.
    Hold,
}

impl PrincipalTo {
    pub fn name(&self) -> &'static str {
        match self {
            PrincipalTo::Buyback => "buyback",
            PrincipalTo::Treasury { .. } => "treasury",
            PrincipalTo::Hold => "hold",
        }
    }
}

/// What new proceeds do instead of becoming staked AKT (governance's fallback).
#[cw_serde]
#[derive(Eq)]
pub enum FallbackMode {
    /// `convert` is refused; `forward_proceeds` sends each denom's waiting proceeds to the
    /// revenue recipient (buyback-burn), which swaps them under its own TWAP guard and caps.
    DirectBuyback,
    /// Staking that does not depend on Akash: the staking denom becomes the chain's bond denom
    /// (OSMO on Osmosis) and the strategy `native` over `validators` (equal weights). Allowed
    /// only while the books hold no AKT; the switch retires a sunset that has done its work and
    /// starts the books afresh in the new denom (see `execute::sunset::set_fallback`). From
    /// then on `convert` (proceeds → OSMO along routes ending in OSMO, under the TWAP guard;
    /// OSMO proceeds need no swap), `stake` and `harvest` run unchanged.
    OsmoStaking { validators: Vec<String> },
}

impl FallbackMode {
    pub fn name(&self) -> &'static str {
        match self {
            FallbackMode::DirectBuyback => "direct_buyback",
            FallbackMode::OsmoStaking { .. } => "osmo_staking",
        }
    }
}

/// The governed end of AKT staking (AEP-79: at Akash's cutover `at`, stake still on Akash
/// becomes a claim of the delegator address on another chain, outside the contract's reach).
#[cw_serde]
pub struct Sunset {
    /// The cutover time C (seconds).
    pub at: u64,
    /// From `at − unbond_lead_seconds` no AKT is bought or staked and the full unbond starts.
    pub unbond_lead_seconds: u64,
    pub principal_to: PrincipalTo,
    /// When `begin_sunset_unbond` first ran.
    #[serde(default)]
    pub unbond_started_at: Option<u64>,
    /// All principal `route_sunset_principal` sent out.
    #[serde(default)]
    pub principal_routed: Uint128,
    /// The unbond start governance (the owner) last set: the guardian may bring the start
    /// forward by at most the unbonding period plus the margin from it, so a guardian cannot
    /// end AKT staking months early on its own.
    #[serde(default)]
    pub owner_starts_at: Option<u64>,
}

impl Sunset {
    /// `at − unbond_lead_seconds` (the lead is validated below `at`).
    pub fn starts_at(&self) -> u64 {
        self.at.saturating_sub(self.unbond_lead_seconds)
    }
}

/// Why the strategy stopped.
#[cw_serde]
pub struct Halt {
    pub reason: String,
    pub at: u64,
    pub tx_hash: Option<String>,
}

/// A `convert` between its execute (which sends the swap) and the swap's reply.
#[cw_serde]
pub struct ConvertInFlight {
    pub denom: String,
    pub keeper: Addr,
    pub amount_in: Uint128,
    pub min_out: Uint128,
    pub bounty: Uint128,
    pub twap_price: Decimal256,
}

/// A transfer to the operator between its execute and the reply with its sequence.
#[cw_serde]
pub struct TransferInFlight {
    pub channel: String,
    pub amount: Uint128,
}

/// A native `harvest` between its withdrawals and their reply.
#[cw_serde]
pub struct HarvestInFlight {
    pub keeper: Addr,
    pub balance_before: Uint128,
}

/// Native staking messages between their execute and the reply that books the rewards the
/// staking module withdrew on its own (the SDK pays accrued rewards on every delegation change).
#[cw_serde]
pub struct StakingInFlight {
    /// The AKT balance the vault must hold after the messages if no reward was paid.
    pub expected_balance: Uint128,
    pub action: String,
}

/// A native unbonding entry.
#[cw_serde]
pub struct Unbonding {
    pub amount: Uint128,
    pub matures_at: u64,
}

/// Last keeper activity.
#[cw_serde]
#[derive(Default)]
pub struct Activity {
    pub last_convert_at: Option<u64>,
    pub last_harvest_at: Option<u64>,
    pub last_harvest_height: Option<u64>,
    /// Last LP position collected (round robin cursor).
    pub lp_cursor: Option<u64>,
    pub next_unbonding_id: u64,
}

/// One entry of the `history` query.
#[cw_serde]
pub struct HistoryEntry {
    pub id: u64,
    pub action: String,
    pub amount: Uint128,
    pub denom: String,
    pub detail: String,
    pub height: u64,
    pub time: u64,
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// Route to AKT by proceeds denom (the accepted denoms).
pub const ROUTES: Map<&str, Vec<Hop>> = Map::new("r");
/// Proceeds waiting to be converted, by denom.
pub const PROCEEDS: Map<&str, Uint128> = Map::new("w");
pub const DENOMS: Map<&str, DenomState> = Map::new("d");
pub const BOOKS: Item<Books> = Item::new("b");
/// Native: AKT delegated per validator.
pub const VALIDATOR_STAKE: Map<&str, Uint128> = Map::new("v");
/// Native: open unbonding entries by id.
pub const UNBONDINGS: Map<u64, Unbonding> = Map::new("ub");
/// Operator: transfers awaiting their ack or timeout, by (channel, sequence).
pub const TRANSFERS: Map<(&str, u64), Uint128> = Map::new("x");
/// Operator tx hashes already accepted (each once), with the history id that used it.
pub const TX_HASHES: Map<&str, u64> = Map::new("th");
pub const HALT: Item<Halt> = Item::new("hl");
pub const CONVERT_IN_FLIGHT: Item<ConvertInFlight> = Item::new("fc");
pub const TRANSFER_IN_FLIGHT: Item<TransferInFlight> = Item::new("ft");
pub const HARVEST_IN_FLIGHT: Item<HarvestInFlight> = Item::new("fh");
pub const STAKING_IN_FLIGHT: Item<StakingInFlight> = Item::new("fs");
/// Coins that arrived by plain bank send in a denom without a route, booked by `sync` and held
/// until governance sets a route (then they become proceeds).
pub const HELD: Map<&str, Uint128> = Map::new("hd");
/// The keeper of a `collect_lp_proceeds` until its replies.
pub const LP_KEEPER: Item<Addr> = Item::new("fl");
/// Concentrated-liquidity positions the vault owns.
pub const LP_POSITIONS: Map<u64, Empty> = Map::new("pos");
pub const ACTIVITY: Item<Activity> = Item::new("a");
pub const HISTORY: Map<u64, HistoryEntry> = Map::new("e");
pub const HISTORY_SEQ: Item<u64> = Item::new("n");
/// The sunset governance set, if any.
pub const SUNSET: Item<Sunset> = Item::new("ss");
/// The fallback governance chose, if any.
pub const FALLBACK: Item<FallbackMode> = Item::new("fb");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &[
    "cfg", "r", "w", "d", "b", "v", "ub", "x", "th", "hl", "fc", "ft", "fh", "fs", "hd", "fl",
    "pos", "a", "e", "n", "ss", "fb",
];
