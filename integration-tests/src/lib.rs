//! Multi-contract scenarios and real-VM harness for the SPICE suite.
