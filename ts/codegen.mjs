// Generates one client, query client and type module per contract from ../schema into src/.
// Run through scripts/schema.sh (which also checks the output for drift); never edit src/ by hand.
import tsCodegen from "@cosmwasm/ts-codegen";

const codegen = tsCodegen.default ?? tsCodegen;

const schemaDir = process.env.SPICE_SCHEMA_DIR ?? "../schema";

const contracts = [
  ["SpiceToken", "spice-token"],
  ["StakingVault", "staking-vault"],
  ["BuybackBurn", "buyback-burn"],
  ["ProviderIncentives", "provider-incentives"],
  ["OrderBook", "order-book"],
  ["RolloverEscrow", "rollover-escrow"],
].map(([name, dir]) => ({ name, dir: `${schemaDir}/${dir}` }));

await codegen({
  contracts,
  outPath: process.argv[2] ?? "./src",
  options: {
    bundle: { enabled: true, bundleFile: "index.ts", scope: "contracts" },
    types: { enabled: true },
    // The contracts have execute and query variants of the same name (`dispute`, `grant`), so
    // the signing client must not extend the query client.
    client: { enabled: true, execExtendsQuery: false },
    reactQuery: { enabled: false },
    recoil: { enabled: false },
    messageComposer: { enabled: false },
    messageBuilder: { enabled: false },
    useContractsHook: { enabled: false },
  },
});
