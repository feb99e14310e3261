//! Multi-contract scenarios and real-VM harness for the SPICE suite.
//!
//! - [`vm`]: loads the optimized artifacts from `artifacts/` into cosmwasm-vm and reports
//!   per-call VM gas, the SDK gas wasmd would charge, and KV store usage.
//! - [`gas`]: wasmd/Cosmos SDK gas constants and the SDK-gas formula.
//! - [`storage`]: a `cosmwasm_vm::Storage` that counts what the KV gas meter would charge.
//! - [`bench`]: the benchmarks `scripts/bench.sh` runs and the `BENCHMARKS.md` they produce.
//! - [`fixtures`]: instantiate messages per contract.
//! - [`querier`]: the mock querier plus a handler for the chain's stargate/gRPC queries.

pub mod bench;
pub mod fixtures;
pub mod gas;
pub mod querier;
pub mod storage;
pub mod vm;
