//! The vocabulary every action enum shares: a few users and providers, who calls a governed
//! message, amounts biased to the edges, and time. Each type derives both `arbitrary::Arbitrary`
//! (fuzzers decode bytes into it) and `proptest_derive::Arbitrary` (property tests draw it, with
//! the weights below).

use proptest_derive::Arbitrary as PropArbitrary;

/// One of the four users: holders, tenants, funders, keepers.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum User {
    U0,
    U1,
    U2,
    U3,
}

impl User {
    pub const ALL: [User; 4] = [User::U0, User::U1, User::U2, User::U3];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// One of the three providers: P0 and P1 are audited in the incentives registry (so they may
/// post offers), P2 is registered but never audited at deployment.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Prov {
    P0,
    P1,
    P2,
}

impl Prov {
    pub const ALL: [Prov; 3] = [Prov::P0, Prov::P1, Prov::P2];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// Who sends a governed message: the DAO (owner), the guardian (may pause, never unpause) or
/// a user (always refused).
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    #[proptest(weight = 4)]
    Owner,
    Guardian,
    User(User),
}

/// An amount, biased to the edges so refusals are exercised as much as successes. `Balance` and
/// `Half` are read from the acting account's balance (or the bucket the action draws on) when
/// the action is applied.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Amount {
    Zero,
    One,
    /// 2 to 257 base units.
    Dust(u8),
    /// Up to 65,535 × 1,000 base units.
    #[proptest(weight = 3)]
    Small(u16),
    /// Up to 4.29 × 10¹² base units (millions of whole tokens).
    #[proptest(weight = 2)]
    Units(u32),
    #[proptest(weight = 2)]
    Balance,
    #[proptest(weight = 2)]
    Half,
    /// 10³⁰: more than anyone holds, less than `u128::MAX`.
    Huge,
    Max,
}

impl Amount {
    /// The amount in base units, given the balance it is drawn from.
    pub fn resolve(self, balance: u128) -> u128 {
        match self {
            Amount::Zero => 0,
            Amount::One => 1,
            Amount::Dust(d) => u128::from(d) + 2,
            Amount::Small(s) => u128::from(s) * 1_000,
            Amount::Units(u) => u128::from(u) * 1_000,
            Amount::Balance => balance,
            Amount::Half => balance / 2,
            Amount::Huge => 1_000_000_000_000_000_000_000_000_000_000,
            Amount::Max => u128::MAX,
        }
    }
}

/// A share of some bucket (what is at the operator, staked, unbonding …): exact, a part, or a
/// unit more than there is (the breach that halts an operator report).
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Share {
    #[proptest(weight = 3)]
    All,
    #[proptest(weight = 2)]
    Half,
    One,
    OneMore,
    Zero,
}

impl Share {
    pub fn of(self, total: u128) -> u128 {
        match self {
            Share::All => total,
            Share::Half => total / 2,
            Share::One => 1,
            Share::OneMore => total.saturating_add(1),
            Share::Zero => 0,
        }
    }
}

/// Time passing. Blocks are 5 seconds, like `spice_testing::advance_time`'s.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Time {
    Block,
    /// 1 to 256 blocks.
    Blocks(u8),
    #[proptest(weight = 2)]
    Hour,
    #[proptest(weight = 2)]
    Day,
    Week,
    /// Ten days: past the incentives' report and dispute windows and an epoch boundary.
    TenDays,
}

impl Time {
    pub fn seconds(self) -> u64 {
        match self {
            Time::Block => 5,
            Time::Blocks(n) => (u64::from(n) + 1) * 5,
            Time::Hour => 3_600,
            Time::Day => 86_400,
            Time::Week => 7 * 86_400,
            Time::TenDays => 10 * 86_400,
        }
    }
}

/// A price per block (per replica or unit, for the order book), from dust to large.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Price {
    Zero,
    /// 0.000000000000000001: one atomic unit.
    Atom,
    /// 0.07
    Dust,
    /// 0.5
    #[proptest(weight = 3)]
    Half,
    /// 1
    #[proptest(weight = 3)]
    One,
    /// 2.5
    #[proptest(weight = 2)]
    Some,
    /// 1.333333333333333333
    Third,
    /// 1,000
    High,
    /// 10²⁰: the deposit a runway at this price needs overflows nothing but no one can pay it.
    Huge,
}

impl Price {
    pub fn decimal(self) -> cosmwasm_std::Decimal {
        use cosmwasm_std::Decimal;
        match self {
            Price::Zero => Decimal::zero(),
            Price::Atom => Decimal::raw(1),
            Price::Dust => Decimal::percent(7),
            Price::Half => Decimal::percent(50),
            Price::One => Decimal::one(),
            Price::Some => Decimal::percent(250),
            Price::Third => Decimal::raw(1_333_333_333_333_333_333),
            Price::High => Decimal::from_ratio(1_000u128, 1u128),
            Price::Huge => Decimal::from_ratio(100_000_000_000_000_000_000u128, 1u128),
        }
    }
}

/// Which of the existing entries (leases, orders, offers) an action touches: the newest, one
/// picked by index among those that exist, or an id that does not exist.
#[derive(arbitrary::Arbitrary, PropArbitrary, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    #[proptest(weight = 3)]
    Newest,
    #[proptest(weight = 3)]
    Nth(u8),
    Missing,
}

impl Pick {
    /// An id among `1..=count` (ids start at 1), or one past the last for `Missing`.
    pub fn id(self, count: u64) -> u64 {
        match self {
            Pick::Newest => count.max(1),
            Pick::Nth(n) if count > 0 => u64::from(n) % count + 1,
            Pick::Nth(_) => 1,
            Pick::Missing => count + 1_000,
        }
    }
}
