//! The contracts' `keeper_work` answers, read once per contract and round and kept until an
//! action of the round changes that contract (see [`super::Action::changes`]).
//!
//! Every keeper-facing contract lists its pending work with the bounty each call pays. The
//! vault, buyback-burn and provider-incentives page by denom or epoch (at most
//! [`MAX_PAGES`] pages of 30); the order book answers in one page; the escrow pages through
//! its depletion index soonest-dry first, at most `--escrow-pages` pages of 30 leases a round:
//! the first page always from the start (the leases running dry soonest), the others resuming
//! where the last round's scan stopped, so every streaming lease is looked at (for a failed
//! provider) within a bounded number of rounds. A cut scan is logged.

use anyhow::Result;
use rollover_escrow::msg::KeeperWorkItem;

use super::{Contract, Ctx, Memory};

/// Pages of a paged `keeper_work` read per round (30 entries each).
pub const MAX_PAGES: usize = 10;
/// Entries per page: the contracts' maximum.
pub const PAGE: u32 = 30;

/// The escrow's work found this round.
#[derive(Clone, Debug, Default)]
pub struct EscrowWork {
    pub items: Vec<KeeperWorkItem>,
    /// Pages read.
    pub pages: usize,
    /// Where the scan stopped when the page bound cut it (the next round resumes there).
    pub cut_at: Option<(u64, u64)>,
}

/// `keeper_work` answers of this round, per contract (`None`: not read yet, or changed since).
#[derive(Clone, Debug, Default)]
pub struct RoundWork {
    vault: Option<staking_vault::msg::KeeperWorkResponse>,
    buyback: Option<buyback_burn::msg::KeeperWorkResponse>,
    book: Option<order_book::msg::KeeperWorkResponse>,
    escrow: Option<EscrowWork>,
    incentives: Option<provider_incentives::msg::KeeperWorkResponse>,
    /// Where this round's resumed escrow scan starts (fixed at the round's first read, so a
    /// re-read after an escrow action looks at the same leases).
    escrow_resume: Option<Option<(u64, u64)>>,
    /// Whether the escrow is paused (its `keeper_work` lists work regardless).
    escrow_paused: Option<bool>,
}

impl RoundWork {
    /// An action changed `contract`: its work is read again before the next action uses it.
    pub fn forget(&mut self, contract: Contract) {
        match contract {
            Contract::StakingVault => self.vault = None,
            Contract::BuybackBurn => self.buyback = None,
            Contract::OrderBook => self.book = None,
            Contract::RolloverEscrow => self.escrow = None,
            Contract::ProviderIncentives => self.incentives = None,
        }
    }

    /// Whether `contract` refuses keeper calls now. Only the escrow is asked (`pause_info`, once
    /// a round): the other contracts' `keeper_work` already lists nothing ready, or the refusal,
    /// while paused.
    pub fn paused(&mut self, ctx: &Ctx, contract: Contract) -> Result<bool> {
        if contract != Contract::RolloverEscrow {
            return Ok(false);
        }
        if self.escrow_paused.is_none() {
            let info: serde_json::Value =
                ctx.query(contract, &serde_json::json!({ "pause_info": {} }))?;
            self.escrow_paused = Some(info["paused"].as_bool().unwrap_or(false));
        }
        Ok(self.escrow_paused == Some(true))
    }

    pub fn vault(&mut self, ctx: &Ctx) -> Result<&staking_vault::msg::KeeperWorkResponse> {
        if self.vault.is_none() {
            use staking_vault::msg::{KeeperWorkResponse, QueryMsg};
            let mut all = KeeperWorkResponse {
                ready: vec![],
                waiting: vec![],
                next_start_after: None,
            };
            read_pages(
                ctx,
                Contract::StakingVault,
                |start_after| QueryMsg::KeeperWork {
                    start_after,
                    limit: Some(PAGE),
                },
                |page: KeeperWorkResponse| {
                    all.ready.extend(page.ready);
                    all.waiting.extend(page.waiting);
                    page.next_start_after
                },
            )?;
            self.vault = Some(all);
        }
        Ok(self.vault.as_ref().expect("read above"))
    }

    pub fn buyback(&mut self, ctx: &Ctx) -> Result<&buyback_burn::msg::KeeperWorkResponse> {
        if self.buyback.is_none() {
            use buyback_burn::msg::{KeeperWorkResponse, QueryMsg};
            let mut all = KeeperWorkResponse {
                ready: vec![],
                waiting: vec![],
                next_start_after: None,
            };
            read_pages(
                ctx,
                Contract::BuybackBurn,
                |start_after| QueryMsg::KeeperWork {
                    start_after,
                    limit: Some(PAGE),
                },
                |page: KeeperWorkResponse| {
                    all.ready.extend(page.ready);
                    all.waiting.extend(page.waiting);
                    page.next_start_after
                },
            )?;
            self.buyback = Some(all);
        }
        Ok(self.buyback.as_ref().expect("read above"))
    }

    pub fn book(&mut self, ctx: &Ctx) -> Result<&order_book::msg::KeeperWorkResponse> {
        if self.book.is_none() {
            // The largest limit: the book caps it per call (10 queued items, 30 expiries).
            self.book = Some(ctx.query(
                Contract::OrderBook,
                &order_book::msg::QueryMsg::KeeperWork { limit: Some(PAGE) },
            )?);
        }
        Ok(self.book.as_ref().expect("read above"))
    }

    pub fn incentives(
        &mut self,
        ctx: &Ctx,
    ) -> Result<&provider_incentives::msg::KeeperWorkResponse> {
        if self.incentives.is_none() {
            // Epochs finalize in order, one transaction each: one page a round.
            self.incentives = Some(ctx.query(
                Contract::ProviderIncentives,
                &provider_incentives::msg::QueryMsg::KeeperWork {
                    start_after: None,
                    limit: Some(10),
                },
            )?);
        }
        Ok(self.incentives.as_ref().expect("read above"))
    }

    /// The escrow's work: the first page from the start of the depletion index, then up to
    /// `pages - 1` more from where the last round stopped (or right after the first page).
    pub fn escrow(&mut self, ctx: &Ctx, memory: &mut Memory) -> Result<&EscrowWork> {
        if self.escrow.is_none() {
            use rollover_escrow::msg::{KeeperWorkResponse, QueryMsg};
            let pages = ctx.settings.escrow_pages.max(1);
            let read = |start_after: Option<(u64, u64)>| -> Result<KeeperWorkResponse> {
                ctx.query(
                    Contract::RolloverEscrow,
                    &QueryMsg::KeeperWork {
                        start_after,
                        limit: Some(PAGE),
                    },
                )
            };
            let head = read(None)?;
            let mut work = EscrowWork {
                items: head.items,
                pages: 1,
                cut_at: None,
            };
            let mut next = head.next;
            if let Some(head_end) = head.next {
                let resume = *self.escrow_resume.get_or_insert_with(|| {
                    memory
                        .escrow_scan_after
                        .filter(|at| *at > head_end)
                        .or(Some(head_end))
                });
                next = resume;
                while work.pages < pages {
                    let Some(start) = next else { break };
                    let page = read(Some(start))?;
                    work.pages += 1;
                    work.items.extend(page.items);
                    next = page.next;
                }
                // The next round resumes where this one stopped; at the end, after its head.
                memory.escrow_scan_after = next;
            }
            work.cut_at = next;
            self.escrow = Some(work);
        }
        Ok(self.escrow.as_ref().expect("read above"))
    }
}

/// Reads a paged `keeper_work` from its start, at most [`MAX_PAGES`] pages: `query` builds the
/// query for a cursor, `absorb` keeps a page and returns the next cursor (`None`: the end).
fn read_pages<K, Q: serde::Serialize, P: serde::de::DeserializeOwned>(
    ctx: &Ctx,
    contract: Contract,
    query: impl Fn(Option<K>) -> Q,
    mut absorb: impl FnMut(P) -> Option<K>,
) -> Result<()> {
    let mut start_after = None;
    for _ in 0..MAX_PAGES {
        start_after = absorb(ctx.query(contract, &query(start_after))?);
        if start_after.is_none() {
            break;
        }
    }
    Ok(())
}
