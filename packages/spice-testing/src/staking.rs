//! The staking module as the Cosmos SDK runs it: every delegation change pays the delegator's
//! accrued rewards first.
//!
//! In the SDK, `MsgDelegate`, `MsgUndelegate` and `MsgBeginRedelegate` call the distribution
//! keeper's `BeforeDelegationSharesModified` hook, which withdraws the rewards the delegation
//! accrued into the delegator's bank (to its withdraw address). cw-multi-test's `StakeKeeper`
//! does not: rewards only move on `DistributionMsg::WithdrawDelegatorReward`. [`SdkStaking`]
//! wraps it and withdraws first (through the distribution module, so the bank moves as on a
//! chain), then runs the staking message. Everything else is the wrapped keeper's: it derefs to
//! it, so `router.staking.setup(..)` and `add_validator(..)` work unchanged.

use std::ops::{Deref, DerefMut};

use cosmwasm_std::{
    from_json, Addr, Api, Binary, BlockInfo, CustomMsg, CustomQuery, DelegationResponse,
    DistributionMsg, Querier, QueryRequest, StakingMsg, StakingQuery, Storage,
};
use cw_multi_test::{AppResponse, CosmosRouter, Module, StakeKeeper, Staking, StakingSudo};
use serde::de::DeserializeOwned;

use crate::AnyResult;

/// cw-multi-test's staking module with the SDK's withdraw-on-change of accrued rewards.
#[derive(Default)]
pub struct SdkStaking(pub StakeKeeper);

impl Deref for SdkStaking {
    type Target = StakeKeeper;
    fn deref(&self) -> &StakeKeeper {
        &self.0
    }
}

impl DerefMut for SdkStaking {
    fn deref_mut(&mut self) -> &mut StakeKeeper {
        &mut self.0
    }
}

impl SdkStaking {
    /// Pays `delegator`'s accrued rewards on `validator` into its bank, as the SDK's hook does
    /// before the delegation's shares change. Nothing without a delegation or rewards.
    fn withdraw_first<ExecC, QueryC>(
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        delegator: &Addr,
        validator: &str,
    ) -> AnyResult<Vec<cosmwasm_std::Event>>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        let answer: Binary = router.query(
            api,
            storage,
            block,
            QueryRequest::Staking(StakingQuery::Delegation {
                delegator: delegator.to_string(),
                validator: validator.to_string(),
            }),
        )?;
        let accrued = from_json::<DelegationResponse>(&answer)?
            .delegation
            .is_some_and(|d| d.accumulated_rewards.iter().any(|c| !c.amount.is_zero()));
        if !accrued {
            return Ok(vec![]);
        }
        let res = router.execute(
            api,
            storage,
            block,
            delegator.clone(),
            DistributionMsg::WithdrawDelegatorReward {
                validator: validator.to_string(),
            }
            .into(),
        )?;
        Ok(res.events)
    }
}

impl Module for SdkStaking {
    type ExecT = StakingMsg;
    type QueryT = StakingQuery;
    type SudoT = StakingSudo;

    fn execute<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        sender: Addr,
        msg: StakingMsg,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        let mut events = match &msg {
            StakingMsg::Delegate { validator, .. } | StakingMsg::Undelegate { validator, .. } => {
                Self::withdraw_first(api, storage, router, block, &sender, validator)?
            }
            StakingMsg::Redelegate {
                src_validator,
                dst_validator,
                ..
            } => {
                let mut e =
                    Self::withdraw_first(api, storage, router, block, &sender, src_validator)?;
                e.extend(Self::withdraw_first(
                    api,
                    storage,
                    router,
                    block,
                    &sender,
                    dst_validator,
                )?);
                e
            }
            _ => vec![],
        };
        let mut res = self.0.execute(api, storage, router, block, sender, msg)?;
        events.append(&mut res.events);
        res.events = events;
        Ok(res)
    }

    fn query(
        &self,
        api: &dyn Api,
        storage: &dyn Storage,
        querier: &dyn Querier,
        block: &BlockInfo,
        request: StakingQuery,
    ) -> AnyResult<Binary> {
        self.0.query(api, storage, querier, block, request)
    }

    fn sudo<ExecC, QueryC>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
        msg: StakingSudo,
    ) -> AnyResult<AppResponse>
    where
        ExecC: CustomMsg + DeserializeOwned + 'static,
        QueryC: CustomQuery + DeserializeOwned + 'static,
    {
        self.0.sudo(api, storage, router, block, msg)
    }
}

impl Staking for SdkStaking {
    fn process_queue<ExecC: CustomMsg, QueryC: CustomQuery>(
        &self,
        api: &dyn Api,
        storage: &mut dyn Storage,
        router: &dyn CosmosRouter<ExecC = ExecC, QueryC = QueryC>,
        block: &BlockInfo,
    ) -> AnyResult<AppResponse> {
        Staking::process_queue(&self.0, api, storage, router, block)
    }
}
