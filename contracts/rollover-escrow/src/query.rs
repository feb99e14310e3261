use cosmwasm_std::{Deps, StdResult};

use crate::state::{Config, CONFIG};

pub fn config(deps: Deps) -> StdResult<Config> {
    CONFIG.load(deps.storage)
}
