// Type-only stand-ins for the InterchainJS packages ../ts/src imports, so `npm run typecheck`
// checks the generated clients without installing ts/'s dependencies. The web app talks through
// CosmJS (src/chain.ts); the clients only need `queryContractSmart` and `execute`.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface Coin {
  denom: string;
  amount: string;
}
export interface StdFee {
  amount: Coin[];
  gas: string;
}
export type DirectSigner = any;
export type Chain = any;
export type QuerySmartContractStateRequest = any;
export type QuerySmartContractStateResponse = any;
export type MsgExecuteContract = any;
export const getSmartContractState: any = undefined;
export const executeContract: any = undefined;
