//! The querier contracts get in the VM harness: cosmwasm-vm's [`MockQuerier`] (bank, staking,
//! wasm) plus a handler for the chain's stargate/gRPC queries, which the mock refuses.
//!
//! The handler answers `QueryRequest::Stargate { path, data }` and `QueryRequest::Grpc` alike
//! with whatever bytes it returns; for Osmosis' whitelisted queries that is the **JSON** wasmd
//! produces for `Stargate` (what `osmosis-std`'s query helpers and `packages/spice-testing`'s
//! emulation use).

use std::ops::{Deref, DerefMut};

use cosmwasm_std_vm::{
    Binary, ContractResult, Empty, GrpcQuery, QueryRequest, SystemError, SystemResult,
};
use cosmwasm_vm::testing::MockQuerier;
use cosmwasm_vm::{BackendResult, GasInfo, Querier};

/// `(path, protobuf request bytes) -> answer` for stargate/gRPC queries.
pub type StargateHandler = Box<dyn Fn(&str, &[u8]) -> Result<Binary, String>>;

/// Same flat cost the mock charges per query (external VM gas, not part of `vm_gas`).
const GAS_COST_QUERY_FLAT: u64 = 100_000;

/// [`MockQuerier`] with an optional stargate/gRPC handler. Dereferences to the mock, so bank
/// balances and wasm handlers are set on it as before.
pub struct VmQuerier {
    mock: MockQuerier,
    stargate: Option<StargateHandler>,
}

impl VmQuerier {
    pub fn new(mock: MockQuerier) -> Self {
        Self {
            mock,
            stargate: None,
        }
    }

    /// Answers stargate/gRPC queries with `handler` from now on.
    pub fn set_stargate_handler(&mut self, handler: StargateHandler) {
        self.stargate = Some(handler);
    }
}

impl Deref for VmQuerier {
    type Target = MockQuerier;

    fn deref(&self) -> &MockQuerier {
        &self.mock
    }
}

impl DerefMut for VmQuerier {
    fn deref_mut(&mut self) -> &mut MockQuerier {
        &mut self.mock
    }
}

impl Querier for VmQuerier {
    fn query_raw(
        &self,
        request: &[u8],
        gas_limit: u64,
    ) -> BackendResult<SystemResult<ContractResult<Binary>>> {
        let Some(handler) = &self.stargate else {
            return self.mock.query_raw(request, gas_limit);
        };
        #[allow(deprecated)]
        let (path, data) = match serde_json::from_slice::<QueryRequest<Empty>>(request) {
            Ok(QueryRequest::Stargate { path, data }) => (path, data),
            Ok(QueryRequest::Grpc(GrpcQuery { path, data })) => (path, data),
            _ => return self.mock.query_raw(request, gas_limit),
        };
        let answer = match handler(&path, data.as_slice()) {
            Ok(bytes) => SystemResult::Ok(ContractResult::Ok(bytes)),
            Err(message) => SystemResult::Err(SystemError::InvalidRequest {
                error: format!("{path}: {message}"),
                request: Binary::from(request),
            }),
        };
        (
            Ok(answer),
            GasInfo::with_externally_used(GAS_COST_QUERY_FLAT),
        )
    }
}
