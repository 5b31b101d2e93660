//! How instants are written: the one place that formats dates for pages and
//! for credentials, so the two always agree.

use time::{OffsetDateTime, UtcOffset};

/// The UTC calendar day of an instant, `YYYY-MM-DD`.
pub fn day(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// RFC 3339 in UTC with a `Z` and no trailing zeros in the fraction, as
/// `validFrom`, `validUntil` and proof `created` want it.
pub fn timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let (h, m, s) = at.time().as_hms();
    let nanos = at.time().nanosecond();
    let fraction = if nanos == 0 {
        String::new()
    } else {
        format!(".{nanos:09}").trim_end_matches('0').to_string()
    };
    format!("{}T{h:02}:{m:02}:{s:02}{fraction}Z", day(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_utc_with_z() {
        assert_eq!(
            timestamp(datetime!(2026-02-01 10:30 +01:00)),
            "2026-02-01T09:30:00Z"
        );
        assert_eq!(
            timestamp(datetime!(2026-02-01 10:30:00.25 UTC)),
            "2026-02-01T10:30:00.25Z"
        );
    }

    #[test]
    fn days_are_utc_days() {
        assert_eq!(day(datetime!(2026-02-01 00:30 +01:00)), "2026-01-31");
        assert_eq!(day(datetime!(0001-01-01 00:00 UTC)), "0001-01-01");
    }
}
