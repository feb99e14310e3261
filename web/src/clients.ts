// The generated clients from ../ts, bound to this deployment's addresses.
import { SpiceTokenClient, SpiceTokenQueryClient } from "../../ts/src/SpiceToken.client";
import { BuybackBurnQueryClient } from "../../ts/src/BuybackBurn.client";
import { StakingVaultQueryClient } from "../../ts/src/StakingVault.client";
import { RolloverEscrowClient, RolloverEscrowQueryClient } from "../../ts/src/RolloverEscrow.client";
import { OrderBookClient, OrderBookQueryClient } from "../../ts/src/OrderBook.client";
import { ProviderIncentivesClient, ProviderIncentivesQueryClient } from "../../ts/src/ProviderIncentives.client";
import type { Chain, Wallet } from "./chain";

export function queries(chain: Chain) {
  const c = chain.query;
  const a = chain.cfg.contracts;
  return {
    token: new SpiceTokenQueryClient(c, a.spice_token),
    buyback: new BuybackBurnQueryClient(c, a.buyback_burn),
    vault: new StakingVaultQueryClient(c, a.staking_vault),
    escrow: new RolloverEscrowQueryClient(c, a.rollover_escrow),
    book: new OrderBookQueryClient(c, a.order_book),
    incentives: new ProviderIncentivesQueryClient(c, a.provider_incentives),
  };
}

export function signers(chain: Chain, w: Wallet) {
  const a = chain.cfg.contracts;
  return {
    token: new SpiceTokenClient(w.client, w.address, a.spice_token),
    escrow: new RolloverEscrowClient(w.client, w.address, a.rollover_escrow),
    book: new OrderBookClient(w.client, w.address, a.order_book),
    incentives: new ProviderIncentivesClient(w.client, w.address, a.provider_incentives),
  };
}
