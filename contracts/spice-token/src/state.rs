use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Addr, Empty, Order, StdError, StdResult, Storage, Uint128};
use cw20::{AllowanceResponse, Logo, MarketingInfoResponse};
use cw_storage_plus::{Bound, Item, Map};

#[cw_serde]
pub struct TokenInfo {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    pub minter: Option<Addr>,
}

/// The supply ledger, one entry so each operation reads and writes it once, stored as seven
/// raw 16-byte big-endian amounts (see [`AmountMap`] for why not JSON).
/// `cap` bounds `minted`, everything ever minted, so a burn never frees room to mint again
/// (cw20-base lets it; SPICE does not). Invariant after every operation:
/// `cw20_supply + native_supply + burned() == minted <= cap`.
#[cw_serde]
#[derive(Default)]
pub struct Ledger {
    pub cap: Uint128,
    pub minted: Uint128,
    pub cw20_supply: Uint128,
    pub native_supply: Uint128,
    /// Burned through cw20 `burn`.
    pub burned_cw20: Uint128,
    /// Burned through cw20 `burn_from`.
    pub burned_cw20_from: Uint128,
    /// Native SPICE burned through `burn_native` (the buyback path).
    pub burned_native: Uint128,
}

const LEDGER_KEY: &[u8] = b"led";

impl Ledger {
    pub fn load(storage: &dyn Storage) -> StdResult<Ledger> {
        let bytes = storage
            .get(LEDGER_KEY)
            .ok_or_else(|| StdError::not_found("spice_token::state::Ledger"))?;
        let mut fields = LengthPrefixed(&bytes);
        let ledger = Ledger {
            cap: fields.next_amount()?,
            minted: fields.next_amount()?,
            cw20_supply: fields.next_amount()?,
            native_supply: fields.next_amount()?,
            burned_cw20: fields.next_amount()?,
            burned_cw20_from: fields.next_amount()?,
            burned_native: fields.next_amount()?,
        };
        if !fields.0.is_empty() {
            return Err(StdError::generic_err(
                "corrupt supply ledger: trailing bytes",
            ));
        }
        Ok(ledger)
    }

    pub fn save(&self, storage: &mut dyn Storage) {
        let mut bytes = Vec::with_capacity(7 * 17);
        for amount in [
            self.cap,
            self.minted,
            self.cw20_supply,
            self.native_supply,
            self.burned_cw20,
            self.burned_cw20_from,
            self.burned_native,
        ] {
            let encoded = Encoded::new(amount);
            // At most 16 bytes, so the length fits one byte.
            bytes.push(encoded.as_bytes().len() as u8);
            bytes.extend_from_slice(encoded.as_bytes());
        }
        storage.set(LEDGER_KEY, &bytes);
    }

    pub fn burned(&self) -> Uint128 {
        // Each term is bounded by `minted`, itself bounded by `cap`, so the sum cannot overflow.
        self.burned_cw20 + self.burned_cw20_from + self.burned_native
    }
}

/// The tokenfactory twin, once enabled.
#[cw_serde]
pub struct NativeDenom {
    /// `factory/{this contract}/{subdenom}`.
    pub denom: String,
    pub subdenom: String,
}

/// An amount as its big-endian bytes without leading zero bytes (0 is empty): 1,000,000 takes
/// 3 bytes where JSON takes 9, and neither writing nor reading it formats a decimal number.
struct Encoded {
    bytes: [u8; 16],
    start: usize,
}

impl Encoded {
    fn new(amount: Uint128) -> Self {
        let bytes = amount.u128().to_be_bytes();
        let start = bytes.iter().position(|b| *b != 0).unwrap_or(16);
        Encoded { bytes, start }
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[self.start..]
    }
}

fn decode_amount(bytes: &[u8]) -> StdResult<Uint128> {
    if bytes.len() > 16 {
        return Err(StdError::generic_err(format!(
            "stored amount has {} bytes, at most 16 fit a u128",
            bytes.len()
        )));
    }
    let mut raw = [0u8; 16];
    raw[16 - bytes.len()..].copy_from_slice(bytes);
    Ok(Uint128::new(u128::from_be_bytes(raw)))
}

/// Reads the ledger's `(length, bytes)` fields in order.
struct LengthPrefixed<'a>(&'a [u8]);

impl LengthPrefixed<'_> {
    fn next_amount(&mut self) -> StdResult<Uint128> {
        let corrupt = || StdError::generic_err("corrupt supply ledger: truncated");
        let (&len, rest) = self.0.split_first().ok_or_else(corrupt)?;
        let len = usize::from(len);
        if rest.len() < len {
            return Err(corrupt());
        }
        let (field, rest) = rest.split_at(len);
        self.0 = rest;
        decode_amount(field)
    }
}

/// Amounts per address under cw-storage-plus map keys, stored as trimmed big-endian bytes
/// ([`Encoded`]). cw-storage-plus would store JSON (`"1000000"`), and formatting and parsing
/// u128 decimals is most of a transfer's gas in wasm; raw bytes keep SPICE's transfers at or
/// below cw20-base's cost. Keys are laid out exactly as a `Map<&Addr, _>`'s, so key iteration
/// works unchanged.
pub struct AmountMap {
    namespace: &'static str,
}

impl AmountMap {
    pub const fn new(namespace: &'static str) -> Self {
        AmountMap { namespace }
    }

    fn keys_map(&self) -> Map<&Addr, Empty> {
        Map::new(self.namespace)
    }

    fn read(storage: &dyn Storage, key: &[u8]) -> StdResult<Uint128> {
        match storage.get(key) {
            Some(bytes) => decode_amount(&bytes),
            None => Ok(Uint128::zero()),
        }
    }

    /// A zero amount removes the entry, so listings show holders only.
    fn write(storage: &mut dyn Storage, key: &[u8], amount: Uint128) {
        if amount.is_zero() {
            storage.remove(key);
        } else {
            storage.set(key, Encoded::new(amount).as_bytes());
        }
    }

    /// 0 for an address with no entry.
    pub fn get(&self, storage: &dyn Storage, address: &Addr) -> StdResult<Uint128> {
        Self::read(storage, &self.keys_map().key(address))
    }

    pub fn set(&self, storage: &mut dyn Storage, address: &Addr, amount: Uint128) {
        Self::write(storage, &self.keys_map().key(address), amount)
    }

    /// Reads, changes and writes one entry, building its key once; returns the new amount.
    pub fn update<E: From<StdError>>(
        &self,
        storage: &mut dyn Storage,
        address: &Addr,
        change: impl FnOnce(Uint128) -> Result<Uint128, E>,
    ) -> Result<Uint128, E> {
        let key = self.keys_map().key(address);
        let amount = change(Self::read(storage, &key)?)?;
        Self::write(storage, &key, amount);
        Ok(amount)
    }

    /// Up to `limit` addresses after `start_after`, ascending.
    pub fn addresses(
        &self,
        storage: &dyn Storage,
        start_after: Option<&Addr>,
        limit: usize,
    ) -> StdResult<Vec<Addr>> {
        self.keys_map()
            .keys(
                storage,
                start_after.map(Bound::exclusive),
                None,
                Order::Ascending,
            )
            .take(limit)
            .collect()
    }
}

pub const TOKEN_INFO: Item<TokenInfo> = Item::new("ti");
pub const NATIVE: Item<NativeDenom> = Item::new("nat");
/// Present once the tokenfactory admin is renounced: the native SPICE this contract holds.
/// It backs cw20 SPICE 1:1 (conversions to native are paid from it, conversions to cw20 and
/// native burns add to it), since the contract can no longer mint or burn native SPICE.
/// `reserve >= cw20_supply` always; the difference is native SPICE burned (or cw20 SPICE burned)
/// since the renounce, held where no one can spend it.
pub const NATIVE_RESERVE: Item<Uint128> = Item::new("nres");
/// Short key on the hottest path: every transfer reads and writes two of these.
pub const BALANCES: AmountMap = AmountMap::new("b");
/// (owner, spender) → allowance.
pub const ALLOWANCES: Map<(&Addr, &Addr), AllowanceResponse> = Map::new("ao");
/// (spender, owner) → allowance: the same entries indexed by spender, as cw20-base keeps them.
pub const ALLOWANCES_BY_SPENDER: Map<(&Addr, &Addr), AllowanceResponse> = Map::new("sa");
pub const MARKETING_INFO: Item<MarketingInfoResponse> = Item::new("mk");
pub const LOGO: Item<Logo> = Item::new("lg");
/// Per-address burn totals, over every burn path.
pub const BURNERS: AmountMap = AmountMap::new("xb");

/// Every storage key this contract writes; a test checks that none is a prefix of another.
pub const STORAGE_KEYS: &[&str] = &[
    "ti", "led", "nat", "nres", "b", "ao", "sa", "mk", "lg", "xb",
];
