/// Page size when a query names none (cw-plus convention).
pub const DEFAULT_PAGE_LIMIT: u32 = 10;
/// Largest page a query returns, whatever it asks for, so one query stays bounded in gas.
pub const MAX_PAGE_LIMIT: u32 = 30;

/// The number of entries a paginated query returns for a requested `limit`.
pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_PAGE_LIMIT).min(MAX_PAGE_LIMIT) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_limit_uses_default_and_huge_limit_is_capped() {
        assert_eq!(page_limit(None), 10);
        assert_eq!(page_limit(Some(0)), 0);
        assert_eq!(page_limit(Some(7)), 7);
        assert_eq!(page_limit(Some(30)), 30);
        assert_eq!(page_limit(Some(u32::MAX)), 30);
    }
}
