//! What a call costs in Cosmos SDK gas on wasmd (Osmosis runs wasmd 0.53).
//!
//! cosmwasm-vm meters wasm execution in *VM gas*; wasmd converts it to SDK gas and adds
//! the costs the VM does not see: a flat fee per contract call and the KV store gas meter
//! of the Cosmos SDK (`store/gaskv`, `KVGasConfig`). The VM's mock storage charges none of
//! the KV costs, so [`crate::storage::CountingStorage`] counts the operations and
//! [`sdk_gas`] prices them.

/// wasmd's `DefaultGasMultiplier`: VM gas per SDK gas.
pub const WASMD_GAS_MULTIPLIER: u64 = 140_000;
/// wasmd's `DefaultInstanceCost`: charged per contract call of a non-pinned code.
pub const CONTRACT_CALL_COST: u64 = 60_000;

/// Cosmos SDK `KVGasConfig().ReadCostFlat`, charged per get (also for a missing key).
pub const READ_COST_FLAT: u64 = 1_000;
/// Cosmos SDK `KVGasConfig().ReadCostPerByte`, per byte of key and value read (values also
/// when returned by an iterator).
pub const READ_COST_PER_BYTE: u64 = 3;
/// Cosmos SDK `KVGasConfig().WriteCostFlat`, per set.
pub const WRITE_COST_FLAT: u64 = 2_000;
/// Cosmos SDK `KVGasConfig().WriteCostPerByte`, per byte of key and value written.
pub const WRITE_COST_PER_BYTE: u64 = 30;
/// Cosmos SDK `KVGasConfig().DeleteCost`, per delete, regardless of the key's size.
pub const DELETE_COST: u64 = 1_000;
/// Cosmos SDK `KVGasConfig().IterNextCostFlat`, per iterator step.
pub const ITER_NEXT_COST_FLAT: u64 = 30;

/// KV store operations of one call (or a sum of calls), as the SDK gas meter sees them.
///
/// CosmWasm has no `has`: `cw-storage-plus`' `has` is a get, and it is counted as a read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KvCounts {
    /// Gets, including those of missing keys.
    pub reads: u64,
    /// Key plus value bytes of all gets (value length 0 for a missing key).
    pub read_bytes: u64,
    /// Sets.
    pub writes: u64,
    /// Key plus value bytes of all sets.
    pub write_bytes: u64,
    /// Deletes (of present or missing keys alike).
    pub deletes: u64,
    /// Iterators opened (range scans).
    pub iterators: u64,
    /// Iterator steps: one per iterator opened (the SDK charges the seek) plus one per
    /// record returned.
    pub iter_steps: u64,
    /// Key plus value bytes of the records returned by iterators.
    pub iter_bytes: u64,
}

impl KvCounts {
    /// The SDK gas the KV gas meter charges for these operations.
    ///
    /// Iterators: gaskv charges `IterNextCostFlat` when an iterator is opened and on every
    /// `Next()`, plus `ReadCostPerByte` for the record it stands on. That prices the first
    /// record's bytes twice (once at the seek, once at its `Next()`); this model prices every
    /// record once, so scans come out at most `3 × (first record's bytes)` cheaper.
    pub fn sdk_gas(&self) -> u64 {
        let reads = self
            .reads
            .saturating_mul(READ_COST_FLAT)
            .saturating_add(self.read_bytes.saturating_mul(READ_COST_PER_BYTE));
        let writes = self
            .writes
            .saturating_mul(WRITE_COST_FLAT)
            .saturating_add(self.write_bytes.saturating_mul(WRITE_COST_PER_BYTE));
        let deletes = self.deletes.saturating_mul(DELETE_COST);
        let iteration = self
            .iter_steps
            .saturating_mul(ITER_NEXT_COST_FLAT)
            .saturating_add(self.iter_bytes.saturating_mul(READ_COST_PER_BYTE));
        reads
            .saturating_add(writes)
            .saturating_add(deletes)
            .saturating_add(iteration)
    }
}

impl std::ops::Add for KvCounts {
    type Output = KvCounts;

    fn add(self, other: KvCounts) -> KvCounts {
        KvCounts {
            reads: self.reads.saturating_add(other.reads),
            read_bytes: self.read_bytes.saturating_add(other.read_bytes),
            writes: self.writes.saturating_add(other.writes),
            write_bytes: self.write_bytes.saturating_add(other.write_bytes),
            deletes: self.deletes.saturating_add(other.deletes),
            iterators: self.iterators.saturating_add(other.iterators),
            iter_steps: self.iter_steps.saturating_add(other.iter_steps),
            iter_bytes: self.iter_bytes.saturating_add(other.iter_bytes),
        }
    }
}

impl std::ops::AddAssign for KvCounts {
    fn add_assign(&mut self, other: KvCounts) {
        *self = *self + other;
    }
}

/// VM gas converted to SDK gas the way wasmd does (`FromWasmVMGas`: integer division, so
/// rounded down).
pub const fn vm_to_sdk_gas(vm_gas: u64) -> u64 {
    vm_gas / WASMD_GAS_MULTIPLIER
}

/// The SDK gas wasmd charges for one contract call that used `vm_gas` VM gas (what the VM
/// metered internally: wasm execution and API calls) and the KV operations `kv`.
pub fn sdk_gas(vm_gas: u64, kv: &KvCounts) -> u64 {
    vm_to_sdk_gas(vm_gas)
        .saturating_add(CONTRACT_CALL_COST)
        .saturating_add(kv.sdk_gas())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vm_gas_converts_at_140_000_per_sdk_gas_rounding_down() {
        assert_eq!(vm_to_sdk_gas(0), 0);
        assert_eq!(vm_to_sdk_gas(139_999), 0);
        assert_eq!(vm_to_sdk_gas(140_000), 1);
        assert_eq!(vm_to_sdk_gas(14_000_000), 100);
        assert_eq!(vm_to_sdk_gas(u64::MAX), u64::MAX / 140_000);
    }

    #[test]
    fn a_call_without_kv_costs_the_flat_fee_plus_converted_vm_gas() {
        assert_eq!(sdk_gas(0, &KvCounts::default()), 60_000);
        assert_eq!(sdk_gas(28_000_000, &KvCounts::default()), 60_200);
    }

    #[test]
    fn each_kv_operation_is_priced_like_the_sdk_gas_meter() {
        // One get of a 10-byte key holding 20 bytes: 1_000 + 3 × 30.
        let read = KvCounts {
            reads: 1,
            read_bytes: 30,
            ..Default::default()
        };
        assert_eq!(read.sdk_gas(), 1_090);
        // Get of a missing 10-byte key: 1_000 + 3 × 10.
        let missing = KvCounts {
            reads: 1,
            read_bytes: 10,
            ..Default::default()
        };
        assert_eq!(missing.sdk_gas(), 1_030);
        // One set of a 10-byte key to 20 bytes: 2_000 + 30 × 30.
        let write = KvCounts {
            writes: 1,
            write_bytes: 30,
            ..Default::default()
        };
        assert_eq!(write.sdk_gas(), 2_900);
        // Delete: flat.
        let delete = KvCounts {
            deletes: 1,
            ..Default::default()
        };
        assert_eq!(delete.sdk_gas(), 1_000);
        // A scan returning two records of 10 bytes each: 3 steps × 30 + 3 × 20.
        let scan = KvCounts {
            iterators: 1,
            iter_steps: 3,
            iter_bytes: 20,
            ..Default::default()
        };
        assert_eq!(scan.sdk_gas(), 150);
    }

    #[test]
    fn sdk_gas_of_a_mixed_call_adds_every_part() {
        let kv = KvCounts {
            reads: 3,
            read_bytes: 30 + 30 + 10,
            writes: 1,
            write_bytes: 30,
            deletes: 1,
            iterators: 1,
            iter_steps: 3,
            iter_bytes: 20,
        };
        // 100 (VM) + 60_000 (call) + 3_210 (reads) + 2_900 + 1_000 + 150.
        assert_eq!(sdk_gas(14_000_000, &kv), 67_360);
    }

    #[test]
    fn kv_counts_add_field_by_field() {
        let a = KvCounts {
            reads: 1,
            read_bytes: 2,
            writes: 3,
            ..Default::default()
        };
        let b = KvCounts {
            reads: 10,
            deletes: 4,
            iter_steps: 5,
            ..Default::default()
        };
        let mut sum = a;
        sum += b;
        assert_eq!(
            sum,
            KvCounts {
                reads: 11,
                read_bytes: 2,
                writes: 3,
                deletes: 4,
                iter_steps: 5,
                ..Default::default()
            }
        );
        assert_eq!(sum.sdk_gas(), a.sdk_gas() + b.sdk_gas());
    }
}
