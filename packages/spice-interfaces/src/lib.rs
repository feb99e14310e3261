//! cw-orch interfaces of the six SPICE contracts, so one script drives them on any cw-orch
//! chain: a node through the daemon (`spice deploy`), or cw-orch's `Mock`.
//!
//! On a node each interface uploads the optimized artifact `scripts/build-wasm.sh` writes to
//! `artifacts/` (or to `$ARTIFACTS_DIR`, cw-orch's variable); on `Mock` it stores the contract's
//! Rust entry points. Each has a fixed contract id, so `SpiceToken::new(chain)` needs no name and
//! state keyed by id (cw-orch's, and the checksum `Mock` compares) stays stable across runs.

use std::path::PathBuf;

use cw_orch::prelude::*;

/// Where the optimized `.wasm` files are: `$ARTIFACTS_DIR` (cw-orch's variable), else
/// `$SPICE_ARTIFACTS_DIR` (integration-tests'), else the workspace's `artifacts/`.
pub fn artifacts_dir() -> PathBuf {
    std::env::var_os("ARTIFACTS_DIR")
        .or_else(|| std::env::var_os("SPICE_ARTIFACTS_DIR"))
        .map(PathBuf::from)
        // This crate sits two levels below the workspace root.
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../artifacts"))
}

/// The artifact file of a contract: `<artifacts>/<file stem>.wasm`.
pub fn artifact_path(file_stem: &str) -> PathBuf {
    artifacts_dir().join(format!("{file_stem}.wasm"))
}

/// cw-orch's `Mock` takes a code's checksum to be the SHA-256 of the contract id (it has no
/// wasm to hash), so a stored wrapper declaring exactly that lets `upload_if_needed` recognise
/// code it already stored, as it does on a node by the artifact's checksum.
fn mock_checksum(contract_id: &str) -> cosmwasm_std::Checksum {
    cosmwasm_std::Checksum::generate(contract_id.as_bytes())
}

/// The Rust wrapper of a contract: the entry points `spice-suite`'s `store!` registers.
macro_rules! wrapper {
    ($krate:ident) => {
        ContractWrapper::new(
            $krate::contract::execute,
            $krate::contract::instantiate,
            $krate::contract::query,
        )
        .with_migrate($krate::contract::migrate)
    };
    ($krate:ident, reply) => {
        wrapper!($krate).with_reply($krate::contract::reply)
    };
    ($krate:ident, reply, sudo) => {
        wrapper!($krate, reply).with_sudo($krate::contract::sudo)
    };
}

/// Declares one interface: its contract id, artifact name, and which extra entry points the
/// Rust wrapper registers.
macro_rules! interface {
    ($(#[$doc:meta])* $name:ident, $krate:ident, $id:literal, $artifact:literal $(, $extra:ident)*) => {
        $(#[$doc])*
        #[cw_orch::interface(
            $krate::msg::InstantiateMsg,
            $krate::msg::ExecuteMsg,
            $krate::msg::QueryMsg,
            $krate::msg::MigrateMsg,
            id = $id
        )]
        pub struct $name;

        impl<Chain> $name<Chain> {
            /// The id this interface registers its code id and address under.
            pub const ID: &'static str = $id;
            /// The optimized artifact's file stem in `artifacts/`.
            pub const ARTIFACT: &'static str = $artifact;
        }

        impl<Chain> Uploadable for $name<Chain> {
            fn wasm(_chain: &ChainInfoOwned) -> WasmPath {
                // `WasmPath::new` panics on a missing file; `spice deploy` checks every
                // artifact exists before it uploads anything.
                WasmPath::new(artifact_path($artifact)).expect("the artifact is a .wasm file")
            }

            fn wrapper() -> Box<dyn MockContract<Empty>> {
                Box::new(wrapper!($krate $(, $extra)*).with_checksum(mock_checksum($id)))
            }
        }
    };
}

interface!(
    /// The SPICE cw20 token with its tokenfactory twin.
    SpiceToken, spice_token, "spice-token", "spice_token"
);
interface!(
    /// Buys SPICE with protocol revenue and burns it.
    BuybackBurn, buyback_burn, "buyback-burn", "buyback_burn", reply
);
interface!(
    /// Stakes AKT and sends the revenue to buyback-burn.
    StakingVault, staking_vault, "staking-vault", "staking_vault", reply, sudo
);
interface!(
    /// Holds lease funds and rolls leases over to backup providers.
    RolloverEscrow, rollover_escrow, "rollover-escrow", "rollover_escrow"
);
interface!(
    /// Matches tenants' orders with providers' offers and opens leases in the escrow.
    OrderBook, order_book, "order-book", "order_book"
);
interface!(
    /// Provider registry, audits and epoch rewards.
    ProviderIncentives, provider_incentives, "provider-incentives", "provider_incentives"
);

/// The six interfaces on one chain, in the order the suite is instantiated.
#[derive(Clone)]
pub struct SpiceSuite<Chain> {
    pub spice_token: SpiceToken<Chain>,
    pub buyback_burn: BuybackBurn<Chain>,
    pub staking_vault: StakingVault<Chain>,
    pub rollover_escrow: RolloverEscrow<Chain>,
    pub order_book: OrderBook<Chain>,
    pub provider_incentives: ProviderIncentives<Chain>,
}

impl<Chain: CwEnv> SpiceSuite<Chain> {
    pub fn new(chain: Chain) -> Self {
        SpiceSuite {
            spice_token: SpiceToken::new(chain.clone()),
            buyback_burn: BuybackBurn::new(chain.clone()),
            staking_vault: StakingVault::new(chain.clone()),
            rollover_escrow: RolloverEscrow::new(chain.clone()),
            order_book: OrderBook::new(chain.clone()),
            provider_incentives: ProviderIncentives::new(chain),
        }
    }
}
