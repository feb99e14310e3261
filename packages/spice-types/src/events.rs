use cosmwasm_std::Event;

/// The short name each contract uses in its event types, so that an indexer can subscribe to
/// `wasm-spice.<tag>.<action>` (wasmd prefixes custom event types with `wasm-`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContractTag {
    Token,
    Vault,
    Buyback,
    Incentives,
    OrderBook,
    Escrow,
}

impl ContractTag {
    pub const ALL: [ContractTag; 6] = [
        ContractTag::Token,
        ContractTag::Vault,
        ContractTag::Buyback,
        ContractTag::Incentives,
        ContractTag::OrderBook,
        ContractTag::Escrow,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContractTag::Token => "token",
            ContractTag::Vault => "vault",
            ContractTag::Buyback => "buyback",
            ContractTag::Incentives => "incentives",
            ContractTag::OrderBook => "order_book",
            ContractTag::Escrow => "escrow",
        }
    }
}

/// `spice.<contract>.<action>`: one naming scheme for every state change in the suite.
pub fn spice_event(tag: ContractTag, action: &str) -> Event {
    Event::new(format!("spice.{}.{}", tag.as_str(), action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_type_names_contract_and_action() {
        assert_eq!(
            spice_event(ContractTag::Escrow, "open_lease").ty,
            "spice.escrow.open_lease"
        );
    }

    #[test]
    fn contract_tags_are_distinct() {
        let mut names: Vec<_> = ContractTag::ALL.iter().map(|t| t.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ContractTag::ALL.len());
    }
}
