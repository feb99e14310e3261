use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Coin, Decimal, Timestamp, Uint128};
use cw_storage_plus::{Item, Map};

use crate::error::ContractError;

#[cw_serde]
pub struct Config {
    /// Denoms the pool is funded and pays in. Append-only (at most `MAX_REWARD_DENOMS`), so every
    /// epoch's budget is a subset of this list and stays bounded.
    pub reward_denoms: Vec<String>,
    pub genesis_time: Timestamp,
    pub epoch_seconds: u64,
    pub report_window_seconds: u64,
    pub dispute_window_seconds: u64,
    pub oracles: Vec<Addr>,
    pub oracle_quorum: u32,
    pub auditors: Vec<Addr>,
    pub escrow: Option<Addr>,
    /// Weight one utilization unit carries at tier `i + 1` (tier 1 is `tier_multipliers[0]`).
    pub tier_multipliers: Vec<Decimal>,
    /// Denom providers bond in; one of `reward_denoms` (slashed bonds feed the pool). Fixed for
    /// life, so stored bonds never change denom.
    pub bond_denom: Option<String>,
    /// Least bond a registered provider must hold; zero makes the bond optional.
    pub min_bond: Uint128,
    /// Most entries one `submit_report` may carry.
    pub max_report_entries: u32,
    /// Escrow settlements earn weight by value: units of weight per base unit of the lease's
    /// denom. A denom not listed earns nothing (no price is trusted but governance's).
    #[serde(default)]
    pub value_weights: Vec<ValueWeight>,
    /// Most weight one provider may earn in one epoch (oracle reports and escrow settlements
    /// together, after the tier multiplier). Weight beyond it is not credited.
    #[serde(default = "uncapped")]
    pub max_weight_per_provider: Uint128,
    /// Most weight one tenant's leases may earn one provider in one epoch.
    #[serde(default = "uncapped")]
    pub max_weight_per_pair: Uint128,
    /// Most an epoch pays out, per reward denom; finalization carries the rest of the budget to
    /// the next epoch. A denom not listed is not capped.
    #[serde(default)]
    pub max_payout_per_epoch: Vec<Coin>,
    /// A dispute resolves within this long after it was raised; after it anyone may expire it,
    /// which releases the held reward to the provider and unlocks its bond.
    #[serde(default = "default_dispute_deadline")]
    pub dispute_deadline_seconds: u64,
}

/// Caps stored by 0.1.0 did not exist: no cap.
pub fn uncapped() -> Uint128 {
    Uint128::MAX
}

/// Thirty days.
pub fn default_dispute_deadline() -> u64 {
    2_592_000
}

#[cw_serde]
pub struct ValueWeight {
    pub denom: String,
    /// Units of weight per base unit of `denom`.
    pub weight: Decimal,
}

impl Config {
    pub fn epoch_start(&self, epoch: u64) -> Result<Timestamp, ContractError> {
        let offset = epoch
            .checked_mul(self.epoch_seconds)
            .ok_or(ContractError::EpochOutOfRange { epoch })?;
        let seconds = self
            .genesis_time
            .seconds()
            .checked_add(offset)
            .ok_or(ContractError::EpochOutOfRange { epoch })?;
        Ok(Timestamp::from_seconds(seconds))
    }

    pub fn epoch_end(&self, epoch: u64) -> Result<Timestamp, ContractError> {
        let next = epoch
            .checked_add(1)
            .ok_or(ContractError::EpochOutOfRange { epoch })?;
        self.epoch_start(next)
    }

    /// When oracles stop being able to report on `epoch`, and it may be finalized.
    pub fn report_window_end(&self, epoch: u64) -> Result<Timestamp, ContractError> {
        Ok(self
            .epoch_end(epoch)?
            .plus_seconds(self.report_window_seconds))
    }

    /// The epoch `now` falls in; times before genesis count as epoch 0.
    pub fn epoch_at(&self, now: Timestamp) -> u64 {
        now.seconds().saturating_sub(self.genesis_time.seconds()) / self.epoch_seconds
    }

    /// Units of weight per base unit of `denom`; `None` when the denom earns nothing.
    pub fn value_weight(&self, denom: &str) -> Option<Decimal> {
        self.value_weights
            .iter()
            .find(|v| v.denom == denom)
            .map(|v| v.weight)
    }

    /// The most `denom` an epoch pays out; `None` when not capped.
    pub fn payout_cap(&self, denom: &str) -> Option<Uint128> {
        self.max_payout_per_epoch
            .iter()
            .find(|c| c.denom == denom)
            .map(|c| c.amount)
    }

    /// The weight multiplier of an audited tier; `None` for a tier the config no longer lists.
    pub fn tier_multiplier(&self, tier: u32) -> Option<Decimal> {
        let index = usize::try_from(tier.checked_sub(1)?).ok()?;
        self.tier_multipliers.get(index).copied()
    }
}

/// An epoch's life: `Open` while it runs (funding, reports, escrow hooks), `Reporting` once it
/// has ended (reports within the window), `Finalized` once its reward per weight is fixed
/// (claims, disputes). `EpochState::transition` is the only place the status changes.
#[cw_serde]
#[derive(Copy, Default, Eq)]
pub enum EpochStatus {
    #[default]
    Open,
    Reporting,
    Finalized,
}

impl EpochStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            EpochStatus::Open => "open",
            EpochStatus::Reporting => "reporting",
            EpochStatus::Finalized => "finalized",
        }
    }
}

/// One epoch's money. All per-denom lists hold at most one entry per reward denom.
///
/// Accounting identity for a finalized epoch, per denom:
/// `budget = carried_out + settled + held + owed`, where `owed` is what its providers may still
/// claim (plus rounding dust, carried out once the last weight settles).
#[cw_serde]
#[derive(Default)]
pub struct EpochState {
    pub status: EpochStatus,
    /// Funded into this epoch, plus what earlier epochs rolled over, clawbacks, slashed bonds
    /// and rounding dust that arrived while it was the next unfinalized epoch; at finalization,
    /// minus what exceeded `max_payout_per_epoch` (moved to the next epoch's budget).
    pub budget: Vec<Coin>,
    /// Sum of the weights credited to providers; grows as entries reach agreement and escrow
    /// hooks arrive, frozen at finalization.
    pub total_weight: Uint128,
    pub finalized_at: Option<Timestamp>,
    /// When claims open: finalization plus the dispute window at that time.
    pub claimable_at: Option<Timestamp>,
    /// Weight whose reward has been paid out or clawed back.
    pub settled_weight: Uint128,
    /// Amounts paid out or clawed back.
    pub settled: Vec<Coin>,
    /// Amounts held by open disputes.
    pub held: Vec<Coin>,
    /// Amounts moved on to a later epoch: the whole budget when no weight was earned, or the
    /// rounding dust once every unit of weight has settled.
    pub carried_out: Vec<Coin>,
}

impl EpochState {
    /// The one function that changes an epoch's status; it refuses every transition but
    /// open → reporting → finalized.
    pub fn transition(&mut self, epoch: u64, to: EpochStatus) -> Result<(), ContractError> {
        match (self.status, to) {
            (EpochStatus::Open, EpochStatus::Reporting)
            | (EpochStatus::Reporting, EpochStatus::Finalized) => {
                self.status = to;
                Ok(())
            }
            (from, to) => Err(ContractError::InvalidEpochTransition {
                epoch,
                from: from.as_str().to_string(),
                to: to.as_str().to_string(),
            }),
        }
    }

    /// Applies the time-driven transition: an open epoch whose end has passed is reporting.
    pub fn observe(
        &mut self,
        config: &Config,
        epoch: u64,
        now: Timestamp,
    ) -> Result<(), ContractError> {
        if self.status == EpochStatus::Open && now >= config.epoch_end(epoch)? {
            self.transition(epoch, EpochStatus::Reporting)?;
        }
        Ok(())
    }
}

#[cw_serde]
pub struct ProviderInfo {
    /// Display name, 1 to 64 characters.
    pub moniker: String,
    /// Where the provider's Akash endpoint answers, 1 to 256 characters.
    pub host_uri: String,
}

/// One auditor's audit of one provider. Each auditor's audit replaces only its own earlier one.
#[cw_serde]
pub struct Audit {
    pub tier: u32,
    /// Key/value pairs this auditor signs.
    pub attributes: Vec<(String, String)>,
    pub audited_at: Timestamp,
}

#[cw_serde]
pub struct SignedAttribute {
    pub key: String,
    pub value: String,
    pub auditor: Addr,
}

#[cw_serde]
pub struct Provider {
    pub info: ProviderInfo,
    pub registered_at: Timestamp,
    /// Bond held in `Config::bond_denom`.
    pub bond: Uint128,
    /// `None` until audited; weight is earned only by audited providers. The lowest tier any
    /// auditor gave it (see `AUDITS`): one auditor can lower a provider's weight, none can
    /// raise it over another's judgement.
    pub tier: Option<u32>,
    /// Written by 0.1.0 only (the last audit's attributes); audits now live in `AUDITS`. Moved
    /// there by the provider's next audit.
    pub attributes: Vec<SignedAttribute>,
    /// The latest audit by any auditor.
    pub audited_at: Option<Timestamp>,
    /// Disputes raised against this provider and not yet resolved.
    pub open_disputes: u32,
    /// Set by `unbond_provider`: the provider earns nothing after `last_epoch`, and its bond
    /// can be withdrawn once that epoch is finalized and past its dispute window.
    #[serde(default)]
    pub leaving: Option<Leaving>,
}

#[cw_serde]
pub struct Leaving {
    pub requested_at: Timestamp,
    /// The epoch the request fell in: the provider's last earning epoch.
    pub last_epoch: u64,
}

#[cw_serde]
pub struct Dispute {
    pub weight: Uint128,
    /// The provider's reward for the epoch, held until the owner resolves.
    pub amounts: Vec<Coin>,
    pub auditor: Addr,
    pub reason: String,
    pub raised_at: Timestamp,
}

pub const CONFIG: Item<Config> = Item::new("cfg");
/// The oldest epoch not yet finalized; epochs finalize in order, and money returned to the pool
/// (clawbacks, slashed bonds, rounding dust) lands in this epoch's budget.
pub const NEXT_FINALIZE: Item<u64> = Item::new("nf");
/// Epochs that were ever touched; an absent epoch is an open epoch with nothing in it.
pub const EPOCHS: Map<u64, EpochState> = Map::new("ep");
pub const PROVIDERS: Map<&Addr, Provider> = Map::new("pv");
/// (provider, epoch) → weight earned and not yet claimed or disputed. A claim walks this
/// provider's prefix in epoch order.
pub const PROVIDER_WEIGHT: Map<(&Addr, u64), Uint128> = Map::new("pw");
/// (epoch, provider, oracle) → the utilization units that oracle reported.
pub const VOTES: Map<(u64, &Addr, &Addr), Uint128> = Map::new("vo");
/// (epoch, provider) → the units the oracles agreed on: the lower median of the first
/// `oracle_quorum` reports.
pub const AGREED: Map<(u64, &Addr), Uint128> = Map::new("ag");
/// (provider, auditor) → that auditor's audit (Akash x/audit keeps attributes per auditor).
pub const AUDITS: Map<(&Addr, &Addr), Audit> = Map::new("au");
/// (provider, epoch, tenant) → weight that tenant's leases earned the provider in the epoch
/// (for `max_weight_per_pair`).
pub const PAIR_WEIGHT: Map<(&Addr, u64, &Addr), Uint128> = Map::new("pt");
/// (epoch, provider) → an open dispute holding the provider's reward for that epoch.
pub const DISPUTES: Map<(u64, &Addr), Dispute> = Map::new("di");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
/// "ta" held 0.1.0's exact-match tallies: no longer written, kept reserved.
pub const STORAGE_KEYS: &[&str] = &[
    "cfg", "nf", "ep", "pv", "pw", "vo", "ta", "ag", "di", "au", "pt",
];
