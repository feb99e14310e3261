//! Guardian pause: keepers stop, governance keeps working, unpause resumes.

use spice_governance::GovernanceError;

use super::suite::*;
use crate::msg::{ConfigUpdate, ExecuteMsg};
use crate::ContractError;

#[test]
fn paused_contract_refuses_buybacks_but_owner_keeps_configuring() {
    let mut s = Suite::new();
    s.revenue(100_000_000, OSMO);
    let guardian = s.guardian.clone();
    s.exec(&guardian, &ExecuteMsg::Pause {}, &[]).unwrap();

    assert_err(
        s.buyback(OSMO, None),
        ContractError::Governance(GovernanceError::Paused),
    );
    let sim = s.simulate(OSMO, None);
    assert!(!sim.would_execute);
    assert!(sim.refusal.unwrap().contains("paused"));

    // Governance is not blocked by the pause.
    let spice = s.spice.clone();
    let sp = s.spice_pool;
    s.set_route(OSMO, vec![hop(sp, &spice)]).unwrap();
    s.update_config(ConfigUpdate {
        cooldown_seconds: Some(60),
        ..Default::default()
    })
    .unwrap();
    // The guardian cannot unpause; the owner can, and keepers resume.
    assert!(s.exec(&guardian, &ExecuteMsg::Unpause {}, &[]).is_err());
    let owner = s.owner.clone();
    s.exec(&owner, &ExecuteMsg::Unpause {}, &[]).unwrap();
    s.buyback(OSMO, None).unwrap();
    assert_eq!(s.status().buybacks, 1);
}
