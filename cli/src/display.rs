//! What people read: amounts in tokens with their symbols, reason codes in words, times as
//! dates and durations, addresses and denoms shortened. One module for `demo`, `status`,
//! `deploy` and the keeper's text log; JSON output keeps the raw values and never goes
//! through here.
//!
//! Every function takes plain values (`u128`, `&str`, seconds) so any part of the CLI can use
//! it without sharing types.

use cosmwasm_std::{Coin, Decimal, Uint128};

/// AKT on Osmosis: the IBC voucher of `uakt` over Osmosis' channel-1 to Akash.
pub const AKT_ON_OSMOSIS: &str =
    "ibc/1480B8FD20AD5FCAE81EA87584D269547DD4D436843C1D20F15E00EB64743EF4";
/// Noble's USDC on Osmosis.
pub const USDC_ON_OSMOSIS: &str =
    "ibc/498A0751C798A0D9A389AA3691123DADA57DAA4FE165D5C75894505B876BA6E4";

/// A denom people know by a symbol, and how many decimals its base unit has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub symbol: &'static str,
    pub decimals: u32,
}

/// The token behind `denom`, if it is one this CLI knows: AKT (`uakt` and its Osmosis IBC
/// denom), OSMO, SPICE (the suite's `factory/<token>/uspice`, 6 decimals), INJ (18 decimals),
/// USDC (`uusdc` and Noble's on Osmosis).
pub fn token(denom: &str) -> Option<Token> {
    let t = |symbol, decimals| Some(Token { symbol, decimals });
    match denom {
        "uakt" | AKT_ON_OSMOSIS => t("AKT", 6),
        "uosmo" => t("OSMO", 6),
        "inj" => t("INJ", 18),
        "uusdc" | USDC_ON_OSMOSIS => t("USDC", 6),
        // The cw20 SPICE token's own unit (its balances have no bank denom).
        "uspice" => t("SPICE", u32::from(spice_suite::SPICE_DECIMALS)),
        d if d.starts_with("factory/")
            && d.ends_with(&format!("/{}", spice_suite::SPICE_SUBDENOM)) =>
        {
            t("SPICE", u32::from(spice_suite::SPICE_DECIMALS))
        }
        _ => None,
    }
}

/// `amount` base units of `denom` as people read them: `0.5 AKT` for
/// `500000ibc/1480B8…`, trailing zeros dropped, thousands grouped (`1,250.75 OSMO`). A denom
/// this CLI does not know stays in base units with the denom shortened (`500000 ibc/27394F…`).
pub fn amount(amount: u128, denom: &str) -> String {
    match token(denom) {
        Some(t) => format!("{} {}", decimal_units(amount, t.decimals), t.symbol),
        None => format!("{} {}", group(&amount.to_string()), short_denom(denom)),
    }
}

/// [`amount`] for a `Uint128`.
pub fn uamount(value: Uint128, denom: &str) -> String {
    amount(value.u128(), denom)
}

/// A coin as [`amount`] shows it.
pub fn coin(c: &Coin) -> String {
    amount(c.amount.u128(), &c.denom)
}

/// Coins joined with `, `; `nothing` for none.
pub fn coins(cs: &[Coin]) -> String {
    if cs.is_empty() {
        return "nothing".to_string();
    }
    cs.iter().map(coin).collect::<Vec<_>>().join(", ")
}

/// A coin written the SDK's way (`500000ibc/1480B8…`, `12uosmo`) as [`amount`] shows it; text
/// that is not a coin comes back unchanged.
pub fn coin_text(text: &str) -> String {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    let (number, denom) = text.split_at(digits);
    match number.parse::<u128>() {
        Ok(n) if !denom.is_empty() => amount(n, denom),
        _ => text.to_string(),
    }
}

/// A price per block in base units of `denom` (a `Decimal`, as the escrow keeps it), in
/// tokens: `0.000025 AKT/block` for 25 uakt.
pub fn price_per_block(price: Decimal, denom: &str) -> String {
    match token(denom) {
        Some(t) => {
            // Decimal keeps 18 fractional digits; dividing by 10^decimals moves the point.
            let atomics = price.atomics().u128();
            let scale = Decimal::DECIMAL_PLACES + t.decimals;
            format!("{} {}/block", fixed(atomics, scale), t.symbol)
        }
        None => format!("{price} {}/block", short_denom(denom)),
    }
}

/// `denom` short enough for a table: `ibc/` hashes to 6 hex digits, factory creators to their
/// ends (`factory/osmo1qy…x7f/uspice`); anything else unchanged.
pub fn short_denom(denom: &str) -> String {
    if let Some(hash) = denom.strip_prefix("ibc/") {
        if hash.len() > 8 {
            return format!("ibc/{}…", &hash[..6]);
        }
    }
    if let Some(rest) = denom.strip_prefix("factory/") {
        if let Some((creator, sub)) = rest.split_once('/') {
            return format!("factory/{}/{sub}", short_address(creator));
        }
    }
    denom.to_string()
}

/// A bech32 address cut to its prefix, first and last characters (`osmo1qyqs…q8ur`), for
/// tables; full addresses belong in JSON and in anything someone copies.
pub fn short_address(address: &str) -> String {
    match address.split_once('1') {
        Some((hrp, data)) if data.len() > 12 => {
            format!("{hrp}1{}…{}", &data[..4], &data[data.len() - 4..])
        }
        _ => address.to_string(),
    }
}

/// An optional value, `none` when absent (instead of `Some(..)`/`None`).
pub fn optional<T: std::fmt::Display>(value: Option<T>) -> String {
    value.map_or_else(|| "none".to_string(), |v| v.to_string())
}

/// The escrow's own reason codes (contracts/rollover-escrow/src/execute/ledger.rs) in words:
/// the one table `demo`, `status`, the keeper and `alerts` read.
pub fn reason_name(code: u32) -> Option<&'static str> {
    match code {
        10_001 => Some("rollover requested"),
        10_002 => Some("provider missed heartbeats"),
        20_001 => Some("ran out of funds"),
        20_002 => Some("no backup provider left"),
        _ => None,
    }
}

/// The escrow's close and rollover reason codes in words (Akash's ranges: 1–9999 tenant,
/// 10000–19999 provider, 20000+ network; the escrow's own codes in
/// contracts/rollover-escrow/src/execute/ledger.rs).
pub fn reason(code: u32) -> String {
    match (reason_name(code), code) {
        (Some(what), _) => format!("{what} ({code})"),
        (None, 0) => "no reason given (0)".to_string(),
        (None, 1..=9_999) => format!("tenant's reason {code}"),
        (None, 10_000..=19_999) => format!("provider failure {code}"),
        (None, _) => format!("network's reason {code}"),
    }
}

/// A span of seconds, largest two units: `45 s`, `12 min 5 s`, `3 h 20 min`, `7 d 2 h`.
pub fn duration(seconds: u64) -> String {
    const UNITS: [(u64, &str); 4] = [(86_400, "d"), (3_600, "h"), (60, "min"), (1, "s")];
    if seconds == 0 {
        return "0 s".to_string();
    }
    let mut parts = Vec::new();
    let mut left = seconds;
    for (size, name) in UNITS {
        if left >= size {
            parts.push(format!("{} {name}", left / size));
            left %= size;
        }
        if parts.len() == 2 {
            break;
        }
    }
    // A single large unit followed by a smaller zero unit reads fine on its own.
    parts.join(" ")
}

/// Seconds since the Unix epoch as a UTC date and time: `2026-12-06 05:19:08 UTC`.
pub fn date(unix_seconds: u64) -> String {
    let days = (unix_seconds / 86_400) as i64;
    let secs = unix_seconds % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        secs / 3_600,
        secs / 60 % 60,
        secs % 60
    )
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 to (year, month, day).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// `units` base units with `decimals` decimals, grouped, trailing zeros dropped.
fn decimal_units(units: u128, decimals: u32) -> String {
    fixed(units, decimals)
}

/// `value / 10^scale` exactly, integer part grouped by thousands, no trailing zeros.
fn fixed(value: u128, scale: u32) -> String {
    let digits = value.to_string();
    let scale = scale as usize;
    let (int, frac) = if digits.len() > scale {
        let (i, f) = digits.split_at(digits.len() - scale);
        (i.to_string(), f.to_string())
    } else {
        ("0".to_string(), format!("{digits:0>scale$}"))
    };
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        group(&int)
    } else {
        format!("{}.{frac}", group(&int))
    }
}

/// `1234567` → `1,234,567`.
fn group(int: &str) -> String {
    let mut out = String::with_capacity(int.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_denoms_read_as_tokens_with_symbols() {
        assert_eq!(amount(500_000, AKT_ON_OSMOSIS), "0.5 AKT");
        assert_eq!(amount(500_000, "uakt"), "0.5 AKT");
        assert_eq!(amount(1_250_750_000, "uosmo"), "1,250.75 OSMO");
        assert_eq!(amount(1, "uosmo"), "0.000001 OSMO");
        assert_eq!(amount(0, "uosmo"), "0 OSMO");
        assert_eq!(amount(2_500_000_000_000_000_000, "inj"), "2.5 INJ");
        assert_eq!(amount(1, "inj"), "0.000000000000000001 INJ");
        assert_eq!(amount(10_000_000, "uusdc"), "10 USDC");
        assert_eq!(amount(3_000_000, USDC_ON_OSMOSIS), "3 USDC");
        let spice =
            "factory/osmo1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs9ygmq0/uspice";
        assert_eq!(amount(1_000_000_000_000, spice), "1,000,000 SPICE");
        assert_eq!(
            amount(u128::MAX, "uosmo"),
            "340,282,366,920,938,463,463,374,607,431,768.211455 OSMO"
        );
    }

    #[test]
    fn unknown_denoms_stay_in_base_units_with_a_short_denom() {
        assert_eq!(
            amount(
                500_000,
                "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2"
            ),
            "500,000 ibc/27394F…"
        );
        assert_eq!(amount(7, "ufoo"), "7 ufoo");
        assert_eq!(
            short_denom("factory/osmo1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs9ygmq0/ufoo"),
            "factory/osmo1qyqs…gmq0/ufoo"
        );
    }

    #[test]
    fn coin_text_and_coin_lists_read_as_tokens() {
        assert_eq!(coin_text(&format!("500000{AKT_ON_OSMOSIS}")), "0.5 AKT");
        assert_eq!(coin_text("12uosmo"), "0.000012 OSMO");
        assert_eq!(coin_text("not a coin"), "not a coin");
        assert_eq!(coin_text("12"), "12");
        assert_eq!(coins(&[]), "nothing");
        assert_eq!(
            coins(&[
                Coin::new(7_000_000_000u128, "uosmo"),
                Coin::new(1u128, "uakt")
            ]),
            "7,000 OSMO, 0.000001 AKT"
        );
    }

    #[test]
    fn prices_per_block_read_in_tokens() {
        assert_eq!(
            price_per_block(Decimal::from_ratio(25u128, 1u128), "uakt"),
            "0.000025 AKT/block"
        );
        assert_eq!(
            price_per_block(Decimal::from_ratio(5u128, 2u128), AKT_ON_OSMOSIS),
            "0.0000025 AKT/block"
        );
        assert_eq!(
            price_per_block(Decimal::percent(250), "ufoo"),
            "2.5 ufoo/block"
        );
    }

    #[test]
    fn reason_codes_read_as_words() {
        assert_eq!(reason(10_002), "provider missed heartbeats (10002)");
        assert_eq!(reason(20_001), "ran out of funds (20001)");
        assert_eq!(reason(20_002), "no backup provider left (20002)");
        assert_eq!(reason(10_001), "rollover requested (10001)");
        assert_eq!(reason(1), "tenant's reason 1");
        assert_eq!(reason(12_345), "provider failure 12345");
        assert_eq!(reason(20_009), "network's reason 20009");
        assert_eq!(reason(0), "no reason given (0)");
    }

    #[test]
    fn times_read_as_dates_and_durations() {
        assert_eq!(date(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(date(1_796_534_348), "2026-12-06 05:19:08 UTC");
        // A leap day.
        assert_eq!(date(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(duration(0), "0 s");
        assert_eq!(duration(45), "45 s");
        assert_eq!(duration(725), "12 min 5 s");
        assert_eq!(duration(3_600), "1 h");
        assert_eq!(duration(12_000), "3 h 20 min");
        assert_eq!(duration(604_800), "7 d");
        assert_eq!(duration(86_400 * 7 + 7_200 + 59), "7 d 2 h");
    }

    #[test]
    fn addresses_and_options_read_without_debug() {
        assert_eq!(
            short_address("osmo1qyqszqgpqyqszqgpqyqszqgpqyqszqgpqyqs9ygmq0"),
            "osmo1qyqs…gmq0"
        );
        assert_eq!(short_address("osmo1short"), "osmo1short");
        assert_eq!(optional(Some(1)), "1");
        assert_eq!(optional::<u32>(None), "none");
    }
}
