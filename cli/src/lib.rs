//! The library half of `spice`: the deployment engine, generic over cw-orch chains, so the
//! tests drive it in-process on cw-orch's `Mock` while the binary drives it on a node.

pub mod deploy;
pub mod display;
