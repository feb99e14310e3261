//! The deployed suite, its actors, the model's ghost accounting, and the plumbing every action
//! uses: sending a message (a refusal must leave state as it was), reading balances, moving time.

use std::collections::BTreeMap;

use cosmwasm_std::{coin, coins, Addr, Coin, Decimal, Uint128};
use cw_multi_test::{AppResponse, Executor};
use serde::de::DeserializeOwned;
use serde::Serialize;
use spice_suite::flows::{Pools, AKASH_CHANNEL};
use spice_suite::{deploy, Roles, SuiteContracts, AKT_DENOM, OSMO_DENOM, USDC_DENOM};
use spice_testing::{advance_time, create_balancer_pool, fund, osmosis_app, relay_ack, OsmosisApp};

use crate::Focus;

/// What every user and provider starts with, per denom (AKT, USDC, OSMO): 10 million tokens.
pub const START_BANK: u128 = 10_000_000_000_000;
/// cw20 SPICE each user receives from the treasury at the start: 1 million SPICE.
pub const START_SPICE: u128 = 1_000_000_000_000;
/// AKT principal the vault has delegated through the operator when the run starts.
pub const START_STAKE: u128 = 1_000_000_000;
/// The delegation address the operator strategy sends AKT to (on Akash).
pub const DELEGATION_ADDRESS: &str = "akash1q7spgzqdk5tt8ykcalcn3wmh4fqx6aqvnnyk5h";

/// Totals the contracts do not expose by query, kept by the model from what it sent in and got
/// out (message funds, bank balance differences around its own calls, and event attributes).
#[derive(Clone, Debug, Default)]
pub struct Ghost {
    /// SPICE: the initial supply plus every accepted `mint`.
    pub spice_minted: u128,
    /// SPICE: native SPICE users burned through `burn_native` themselves (buyback-burn's burns
    /// are the rest of the token's native burn total).
    pub spice_burned_native_by_users: u128,
    /// Vault: AKT deposited as AKT plus every `convert`'s `akt_out` (and the start's principal).
    pub vault_acquired: u128,
    /// Vault: principal the owner paid out with `claim_unbonded { recipient }`.
    pub vault_paid_out_by_owner: u128,
    /// Buyback-burn: revenue sent to it straight by the model (not by the vault's harvests),
    /// per denom.
    pub buyback_direct: BTreeMap<String, u128>,
    /// Escrow: take fees per denom as the `withdraw` events reported them.
    pub escrow_fees: BTreeMap<String, u128>,
    /// Incentives: OSMO funded into epochs.
    pub incentives_funded: u128,
    /// Incentives: OSMO providers received from `claim` (their balance differences).
    pub incentives_claimed: u128,
    /// Incentives: the latest epoch the model funded (epochs past it hold nothing).
    pub incentives_last_funded_epoch: u64,
    /// Vault: AKT the relayer acknowledged as arrived at the delegation address.
    pub vault_acked: u128,
    /// Vault: AKT the operator reported back from Akash (accepted `confirm_returned`).
    pub vault_returned: u128,
    /// Vault: coins the model sent it by plain bank send (fees, donations), per denom; with the
    /// escrow's take fees, what `sync` has to book.
    pub vault_sent_plain: BTreeMap<String, u128>,
    /// Vault: per denom, how much of the plain arrivals `sync` booked.
    pub vault_synced: BTreeMap<String, u128>,
    /// Escrow: leases opened (`open_lease` events); ids are 1..=this.
    pub leases_opened: u64,
    /// Escrow: per (lease, depositor), what it put in (`open_lease`, `deposit` events) and what
    /// came back (`refund` events).
    pub escrow_put_in: BTreeMap<(String, String), (u128, u128)>,
    /// Escrow: per lease, the provider and height of a standing monitor-attested failure
    /// (`report_failure` events), until the provider's term ends.
    pub escrow_failed: BTreeMap<String, (String, u64)>,
    /// Order book: orders placed and offers posted (ids are 1..=these).
    pub orders_placed: u64,
    pub offers_posted: u64,
    /// Order book: tenants' deposits in (place and amend) minus refunds out (cancel, expire),
    /// minus what fills moved to the escrow and the keeper, per denom: what the book must hold.
    pub book_held: BTreeMap<String, i128>,
    /// How many messages the contracts refused (reported by the tests as a sanity figure).
    pub refusals: u64,
    /// How many messages they accepted.
    pub accepted: u64,
}

pub struct World {
    pub app: OsmosisApp,
    pub roles: Roles,
    pub suite: SuiteContracts,
    pub pools: Pools,
    pub users: Vec<Addr>,
    pub providers: Vec<Addr>,
    /// Runs the permissionless keeper messages.
    pub keeper: Addr,
    /// A deep-pocketed trader that moves pool prices.
    pub market: Addr,
    /// Native SPICE: `factory/{spice_token}/uspice`.
    pub spice: String,
    pub ghost: Ghost,
    pub focus: Focus,
    hashes: u64,
    /// The error of the last refused message.
    pub last_error: Option<String>,
}

pub type Step = Result<(), String>;

impl World {
    /// Deploys the suite with `spice_suite::deploy` and brings it to a running state: an
    /// OSMO/AKT and a SPICE/OSMO pool with an hour of TWAP history, the vault routing OSMO to
    /// AKT and staking through the operator (with some principal already delegated),
    /// buyback-burn routing AKT and OSMO to SPICE, two audited providers and one unaudited, and
    /// funded users.
    pub fn new(focus: Focus) -> Self {
        let mut app = osmosis_app();
        let roles = Roles::new(&app);
        let suite = deploy(&mut app, &roles).expect("deploy the suite");
        let api = app.api();
        let users: Vec<Addr> = (0..4).map(|i| api.addr_make(&format!("user{i}"))).collect();
        let providers: Vec<Addr> = (0..3)
            .map(|i| api.addr_make(&format!("provider{i}")))
            .collect();
        let keeper = api.addr_make("keeper");
        let market = api.addr_make("market");
        let spice = suite.spice_denom();

        // Pools, as the demo builds them: 5 OSMO per AKT and 0.1 OSMO per SPICE.
        fund(
            &mut app,
            &market,
            vec![
                coin(1_000_000_000_000_000, AKT_DENOM),
                coin(1_000_000_000_000_000, OSMO_DENOM),
            ],
        )
        .expect("fund the market");
        let osmo_akt = create_balancer_pool(
            &mut app,
            &market,
            &[
                (coin(50_000_000_000, OSMO_DENOM), 1),
                (coin(10_000_000_000, AKT_DENOM), 1),
            ],
            Decimal::permille(2),
        )
        .expect("OSMO/AKT pool");
        let treasury = roles.treasury.clone();
        let token = suite.spice_token.address.clone();
        app.execute_contract(
            treasury.clone(),
            token.clone(),
            &spice_token::msg::ExecuteMsg::ConvertToNative {
                amount: Uint128::new(4_000_000_000_000),
                recipient: None,
            },
            &[],
        )
        .expect("treasury converts SPICE");
        fund(&mut app, &treasury, coins(200_000_000_000, OSMO_DENOM)).expect("fund treasury");
        let spice_osmo = create_balancer_pool(
            &mut app,
            &treasury,
            &[
                (coin(2_000_000_000_000, &spice), 1),
                (coin(200_000_000_000, OSMO_DENOM), 1),
            ],
            Decimal::permille(2),
        )
        .expect("SPICE/OSMO pool");
        // The market holds native SPICE too, to push SPICE's price both ways.
        app.send_tokens(
            treasury.clone(),
            market.clone(),
            &coins(2_000_000_000_000, &spice),
        )
        .expect("market SPICE");
        let pools = Pools {
            osmo_akt,
            spice_osmo,
        };

        for who in users.iter().chain(providers.iter()) {
            fund(
                &mut app,
                who,
                vec![
                    coin(START_BANK, AKT_DENOM),
                    coin(START_BANK, USDC_DENOM),
                    coin(START_BANK, OSMO_DENOM),
                ],
            )
            .expect("fund actors");
        }
        for user in &users {
            app.execute_contract(
                treasury.clone(),
                token.clone(),
                &spice_token::msg::ExecuteMsg::Transfer {
                    recipient: user.to_string(),
                    amount: Uint128::new(START_SPICE),
                },
                &[],
            )
            .expect("SPICE to users");
        }

        let mut w = World {
            app,
            roles,
            suite,
            pools,
            users,
            providers,
            keeper,
            market,
            spice,
            ghost: Ghost::default(),
            focus,
            last_error: None,
            hashes: 0,
        };
        w.wire();
        crate::order_book::setup(&mut w);
        advance_time(&mut w.app, 3_600);
        let supply: spice_token::msg::SupplyResponse = w.query(
            &w.suite.spice_token.address.clone(),
            &spice_token::msg::QueryMsg::Supply {},
        );
        w.ghost.spice_minted = supply.minted.u128();
        w.ghost.vault_acquired = w.vault_books().acquired.u128();
        w.ghost.vault_acked = START_STAKE;
        w
    }

    /// Routes, the operator strategy with principal delegated, and the provider registry.
    fn wire(&mut self) {
        use provider_incentives::msg::{AttributeInput, ExecuteMsg as Incentives};
        use staking_vault::msg::{ExecuteMsg as Vault, StrategyMsg};
        let owner = self.roles.owner.clone();
        let vault = self.suite.staking_vault.address.clone();
        let buyback = self.suite.buyback_burn.address.clone();
        let incentives = self.suite.provider_incentives.address.clone();
        let spice = self.spice.clone();
        let pools = self.pools.clone();
        let must = |r: anyhow::Result<AppResponse>, what: &str| {
            r.unwrap_or_else(|e| panic!("setup: {what}: {e:#}"));
        };
        must(
            self.app.execute_contract(
                owner.clone(),
                vault.clone(),
                &Vault::SetRoute {
                    denom: OSMO_DENOM.into(),
                    hops: vec![staking_vault::state::Hop {
                        pool_id: pools.osmo_akt,
                        token_out_denom: AKT_DENOM.into(),
                    }],
                },
                &[],
            ),
            "vault route",
        );
        must(
            self.app.execute_contract(
                owner.clone(),
                vault.clone(),
                &Vault::SetStrategy {
                    strategy: StrategyMsg::Operator {
                        operator: self.roles.operator.to_string(),
                        channel: AKASH_CHANNEL.into(),
                        delegation_address: DELEGATION_ADDRESS.into(),
                        max_daily_outflow: Uint128::new(1_000_000_000_000),
                        max_apr: Decimal::percent(20),
                        transfer_timeout_seconds: 600,
                    },
                },
                &[],
            ),
            "vault strategy",
        );
        for (denom, hops) in [
            (
                AKT_DENOM,
                vec![
                    (pools.osmo_akt, OSMO_DENOM),
                    (pools.spice_osmo, spice.as_str()),
                ],
            ),
            (OSMO_DENOM, vec![(pools.spice_osmo, spice.as_str())]),
        ] {
            must(
                self.app.execute_contract(
                    owner.clone(),
                    buyback.clone(),
                    &buyback_burn::msg::ExecuteMsg::SetRoute {
                        denom: denom.into(),
                        hops: hops
                            .into_iter()
                            .map(|(pool_id, out)| buyback_burn::state::Hop {
                                pool_id,
                                token_out_denom: out.into(),
                            })
                            .collect(),
                    },
                    &[],
                ),
                "buyback route",
            );
        }
        for (i, p) in self.providers.clone().iter().enumerate() {
            must(
                self.app.execute_contract(
                    p.clone(),
                    incentives.clone(),
                    &Incentives::RegisterProvider {
                        info: provider_incentives::state::ProviderInfo {
                            moniker: format!("provider-{i}"),
                            host_uri: format!("https://provider{i}.example:8443"),
                        },
                    },
                    &[],
                ),
                "register provider",
            );
            if i < 2 {
                must(
                    self.app.execute_contract(
                        self.roles.auditor.clone(),
                        incentives.clone(),
                        &Incentives::AuditProvider {
                            provider: p.to_string(),
                            tier: i as u32 + 1,
                            attributes: vec![AttributeInput {
                                key: "gpu".into(),
                                value: "a100".into(),
                            }],
                        },
                        &[],
                    ),
                    "audit provider",
                );
            }
        }
        // Principal already working: 1,000 AKT deposited, sent to the operator, acknowledged
        // and delegated.
        let treasury = self.roles.treasury.clone();
        fund(&mut self.app, &treasury, coins(START_STAKE, AKT_DENOM)).expect("fund treasury");
        must(
            self.app.execute_contract(
                treasury,
                vault.clone(),
                &Vault::Deposit {},
                &coins(START_STAKE, AKT_DENOM),
            ),
            "vault deposit",
        );
        let keeper = self.keeper.clone();
        must(
            self.app
                .execute_contract(keeper, vault.clone(), &Vault::Stake {}, &[]),
            "vault stake",
        );
        must(relay_ack(&mut self.app, AKASH_CHANNEL, 1), "relay ack");
        let hash = self.hash();
        must(
            self.app.execute_contract(
                self.roles.operator.clone(),
                vault,
                &Vault::ConfirmDelegation {
                    amount: Uint128::new(START_STAKE),
                    tx_hash: hash,
                },
                &[],
            ),
            "confirm delegation",
        );
    }

    /// A fresh Akash tx hash (64 upper-case hex digits).
    pub fn hash(&mut self) -> String {
        self.hashes += 1;
        format!("{:064X}", self.hashes)
    }

    /// The last hash handed out (reusing it must be refused).
    pub fn last_hash(&self) -> String {
        format!("{:064X}", self.hashes.max(1))
    }

    pub fn user(&self, u: crate::User) -> Addr {
        self.users[u.index()].clone()
    }

    pub fn provider(&self, p: crate::Prov) -> Addr {
        self.providers[p.index()].clone()
    }

    pub fn caller(&self, c: crate::Caller) -> Addr {
        match c {
            crate::Caller::Owner => self.roles.owner.clone(),
            crate::Caller::Guardian => self.roles.guardian.clone(),
            crate::Caller::User(u) => self.user(u),
        }
    }

    pub fn query<T: DeserializeOwned>(&self, contract: &Addr, msg: &impl Serialize) -> T {
        self.app
            .wrap()
            .query_wasm_smart(contract, msg)
            .unwrap_or_else(|e| panic!("query {} on {contract}: {e}", json(msg)))
    }

    pub fn try_query<T: DeserializeOwned>(
        &self,
        contract: &Addr,
        msg: &impl Serialize,
    ) -> Option<T> {
        self.app.wrap().query_wasm_smart(contract, msg).ok()
    }

    pub fn bank(&self, who: &Addr, denom: &str) -> u128 {
        self.app
            .wrap()
            .query_balance(who, denom)
            .map(|c| c.amount.u128())
            .unwrap_or_default()
    }

    /// `who`'s balances of every denom the suite moves (AKT, USDC, OSMO, native SPICE).
    pub fn balances(&self, who: &Addr) -> [u128; 4] {
        [AKT_DENOM, USDC_DENOM, OSMO_DENOM, self.spice.as_str()].map(|d| self.bank(who, d))
    }

    pub fn vault_books(&self) -> staking_vault::state::Books {
        let s: staking_vault::msg::StatusResponse = self.query(
            &self.suite.staking_vault.address,
            &staking_vault::msg::QueryMsg::Status {},
        );
        s.books
    }

    /// Sends `msg` to `contract`. `Ok(Some(response))` when accepted; `Ok(None)` when the
    /// contract refused it.
    ///
    /// A refusal is not compared against the state before it: cw-multi-test discards a failed
    /// message's writes itself, so such a check could never fail. What can fail is the model's
    /// prediction — [`World::exec_expect`] — and the effects of accepted calls on bank balances
    /// and queries, which each module's actions check.
    pub fn exec(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &(impl Serialize + std::fmt::Debug),
        funds: &[Coin],
    ) -> Result<Option<AppResponse>, String> {
        match self
            .app
            .execute_contract(sender.clone(), contract.clone(), msg, funds)
        {
            Ok(res) => {
                self.ghost.accepted += 1;
                self.observe(contract, funds, &res)?;
                Ok(Some(res))
            }
            Err(err) => {
                self.ghost.refusals += 1;
                self.last_error = Some(format!("{err:#}"));
                Ok(None)
            }
        }
    }

    /// [`World::exec`] where the model knows the outcome: `Err` when the contract accepts a
    /// call the model says must be refused, or refuses one it says must go through (so a
    /// contract that refuses everything fails).
    pub fn exec_expect(
        &mut self,
        sender: &Addr,
        contract: &Addr,
        msg: &(impl Serialize + std::fmt::Debug),
        funds: &[Coin],
        must_succeed: bool,
    ) -> Result<Option<AppResponse>, String> {
        let res = self
            .app
            .execute_contract(sender.clone(), contract.clone(), msg, funds);
        match (res, must_succeed) {
            (Ok(res), true) => {
                self.ghost.accepted += 1;
                self.observe(contract, funds, &res)?;
                Ok(Some(res))
            }
            (Err(_), false) => {
                self.ghost.refusals += 1;
                Ok(None)
            }
            (Ok(_), false) => Err(format!(
                "{} from {sender} with {funds:?} was accepted; the model says it must be refused",
                json(msg)
            )),
            (Err(err), true) => Err(format!(
                "{} from {sender} with {funds:?} was refused ({err:#}); the model says it must \
                 succeed",
                json(msg)
            )),
        }
    }

    /// Ghost accounting from an accepted message's funds and events, wherever in the suite they
    /// happened, and the fill checks of the order book.
    fn observe(&mut self, contract: &Addr, sent: &[Coin], res: &AppResponse) -> Step {
        let g = &mut self.ghost;
        for e in &res.events {
            let get = |k: &str| {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.clone())
                    .unwrap_or_default()
            };
            let num = |k: &str| get(k).parse::<u128>().unwrap_or_default();
            match e.ty.as_str() {
                "wasm-spice.escrow.open_lease" => {
                    g.leases_opened += 1;
                    g.escrow_put_in
                        .entry((get("lease_id"), get("tenant")))
                        .or_default()
                        .0 += num("deposit");
                }
                "wasm-spice.escrow.deposit" => {
                    g.escrow_put_in
                        .entry((get("lease_id"), get("depositor")))
                        .or_default()
                        .0 += num("amount");
                }
                "wasm-spice.escrow.refund" => {
                    let key = (get("lease_id"), get("depositor"));
                    let e = g.escrow_put_in.entry(key.clone()).or_default();
                    e.1 += num("amount");
                    if e.1 > e.0 {
                        return Err(format!(
                            "escrow: {key:?} was refunded {} but put in only {}",
                            e.1, e.0
                        ));
                    }
                }
                "wasm-spice.escrow.report_failure"
                    if get("attested") == "true" && get("recorded") == "true" =>
                {
                    g.escrow_failed.insert(
                        get("lease_id"),
                        (get("provider"), num("failure_height") as u64),
                    );
                }
                "wasm-spice.escrow.rollover" | "wasm-spice.escrow.close_lease" => {
                    g.escrow_failed.remove(&get("lease_id"));
                }
                "wasm-spice.escrow.settle" => {
                    if let Some((p, h)) = g.escrow_failed.get(&get("lease_id")) {
                        let settled = num("settled_height") as u64;
                        if *p == get("provider") && settled > *h {
                            return Err(format!(
                                "escrow: lease {} paid provider {p} to height {settled}, past its attested failure at {h}",
                                get("lease_id")
                            ));
                        }
                    }
                }
                "wasm-spice.escrow.withdraw" => {
                    *g.escrow_fees.entry(get("denom")).or_default() += num("fee")
                }
                "wasm-spice.order_book.place_order" => g.orders_placed += 1,
                "wasm-spice.order_book.post_offer" => g.offers_posted += 1,
                "wasm-spice.order_book.cancel_order" | "wasm-spice.order_book.expire_order" => {
                    *g.book_held.entry(get("denom")).or_default() -= num("refund") as i128
                }
                "wasm-spice.order_book.fill" => {
                    *g.book_held.entry(get("denom")).or_default() -=
                        (num("deposit") + num("bounty")) as i128
                }
                // The escrow refused the fill's lease: the book keeps the order's share.
                "wasm-spice.order_book.fill_failed" => {
                    *g.book_held.entry(get("denom")).or_default() += num("restored") as i128
                }
                "wasm-spice.order_book.refund_offer_deposit" => {
                    *g.book_held.entry(get("denom")).or_default() -= num("amount") as i128
                }
                _ => {}
            }
        }
        if *contract == self.suite.order_book.address {
            for c in sent {
                *g.book_held.entry(c.denom.clone()).or_default() += c.amount.u128() as i128;
            }
        }
        crate::order_book::check_fills(self, res)
    }

    /// Marks a state change made outside `exec` (kept for the actions that call it; refusals
    /// are no longer compared against a fingerprint, see [`World::exec`]).
    pub fn touched(&mut self) {}

    pub fn advance(&mut self, seconds: u64) {
        advance_time(&mut self.app, seconds);
    }

    /// Mints coins to `who` from outside the suite (an IBC transfer landing, a faucet).
    pub fn mint_bank(&mut self, who: &Addr, coins: Vec<Coin>) {
        fund(&mut self.app, who, coins).expect("bank mint");
    }

    /// A plain bank transfer between accounts (not a contract call).
    pub fn send_bank(&mut self, from: &Addr, to: &Addr, amount: Coin) -> bool {
        if amount.amount.is_zero() {
            return false;
        }
        self.app
            .send_tokens(from.clone(), to.clone(), &[amount])
            .is_ok()
    }

    /// Every bank balance of the contracts, users and providers, SPICE's supply and the focus
    /// contract's main status, as one string: what a refused message must not change.
    pub fn fingerprint(&self) -> String {
        let mut out = String::new();
        let accounts = self
            .suite
            .all()
            .into_iter()
            .map(|d| d.address.clone())
            .chain(self.users.iter().cloned())
            .chain(self.providers.iter().cloned())
            .chain([self.keeper.clone()]);
        for a in accounts {
            out.push_str(&format!("{a}={:?};", self.balances(&a)));
        }
        let supply: spice_token::msg::SupplyResponse = self.query(
            &self.suite.spice_token.address,
            &spice_token::msg::QueryMsg::Supply {},
        );
        out.push_str(&json(&supply));
        let status = match self.focus {
            Focus::Token => json(&self.query::<spice_token::msg::BurnStatsResponse>(
                &self.suite.spice_token.address,
                &spice_token::msg::QueryMsg::BurnStats {},
            )),
            Focus::Vault => json(&self.query::<staking_vault::msg::StatusResponse>(
                &self.suite.staking_vault.address,
                &staking_vault::msg::QueryMsg::Status {},
            )),
            Focus::Buyback => json(&self.query::<buyback_burn::msg::StatusResponse>(
                &self.suite.buyback_burn.address,
                &buyback_burn::msg::QueryMsg::Status {
                    start_after: None,
                    limit: None,
                },
            )),
            Focus::Escrow => json(&self.try_query::<rollover_escrow::msg::LeaseResponse>(
                &self.suite.rollover_escrow.address,
                &rollover_escrow::msg::QueryMsg::Lease {
                    lease_id: crate::escrow::lease_count(self),
                },
            )),
            Focus::OrderBook => json(&self.query::<order_book::msg::OrdersResponse>(
                &self.suite.order_book.address,
                &order_book::msg::QueryMsg::Orders {
                    tenant: None,
                    status: None,
                    start_after: None,
                    limit: Some(30),
                },
            )),
            Focus::Incentives => json(&self.query::<provider_incentives::msg::EpochResponse>(
                &self.suite.provider_incentives.address,
                &provider_incentives::msg::QueryMsg::Epoch {
                    epoch: crate::incentives::current_epoch(self),
                },
            )),
        };
        out.push_str(&status);
        out
    }

    /// Pause or unpause one of the six contracts (every contract's governance messages share
    /// this JSON).
    pub fn pause(&mut self, contract: &Addr, caller: crate::Caller, pause: bool) -> Step {
        let who = self.caller(caller);
        let msg = if pause {
            serde_json::json!({ "pause": {} })
        } else {
            serde_json::json!({ "unpause": {} })
        };
        self.exec(&who, contract, &msg, &[]).map(|_| ())
    }

    /// Evaluates every invariant of the suite.
    pub fn check(&self) -> Step {
        crate::token::check(self)?;
        crate::vault::check(self)?;
        crate::buyback::check(self)?;
        crate::escrow::check(self)?;
        crate::order_book::check(self)?;
        crate::incentives::check(self)?;
        Ok(())
    }
}

pub fn json(v: &impl Serialize) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| format!("<unserializable: {e}>"))
}

/// The value of `key` in the first event of type `wasm-{ty}` (e.g. `spice.vault.convert`).
pub fn attr(res: &AppResponse, ty: &str, key: &str) -> Option<String> {
    attrs(res, ty, key).into_iter().next()
}

/// The values of `key` in every event of type `wasm-{ty}`, in order.
pub fn attrs(res: &AppResponse, ty: &str, key: &str) -> Vec<String> {
    let ty = format!("wasm-{ty}");
    res.events
        .iter()
        .filter(|e| e.ty == ty)
        .filter_map(|e| {
            e.attributes
                .iter()
                .find(|a| a.key == key)
                .map(|a| a.value.clone())
        })
        .collect()
}

/// `amount` of `denom` as attached funds: none when zero (a zero coin is not a valid fund).
pub fn funds(amount: u128, denom: &str) -> Vec<Coin> {
    if amount == 0 {
        vec![]
    } else {
        coins(amount, denom)
    }
}

pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Step {
    if cond {
        Ok(())
    } else {
        Err(msg())
    }
}
