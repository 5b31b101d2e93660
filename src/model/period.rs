//! Validity periods such as `2y` (design.md: d, w, m, y).

use time::OffsetDateTime;

/// A validity period such as `2y`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub count: u32,
    pub unit: PeriodUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodUnit {
    Days,
    Weeks,
    Months,
    Years,
}

impl Period {
    /// Human-readable form, e.g. "2 years".
    pub fn describe(&self) -> String {
        let unit = match self.unit {
            PeriodUnit::Days => "day",
            PeriodUnit::Weeks => "week",
            PeriodUnit::Months => "month",
            PeriodUnit::Years => "year",
        };
        let plural = if self.count == 1 { "" } else { "s" };
        format!("{} {unit}{plural}", self.count)
    }

    /// `start` plus this period. Months and years are calendar months: a
    /// day that does not exist in the target month (31 Jan + 1m) is clamped to
    /// the month's last day. `None` on overflow past year 9999.
    pub fn after(&self, start: OffsetDateTime) -> Option<OffsetDateTime> {
        let count = i64::from(self.count);
        match self.unit {
            PeriodUnit::Days => start.checked_add(time::Duration::days(count)),
            PeriodUnit::Weeks => start.checked_add(time::Duration::weeks(count)),
            PeriodUnit::Months => add_months(start, count),
            PeriodUnit::Years => add_months(start, count.checked_mul(12)?),
        }
    }
}

fn add_months(start: OffsetDateTime, months: i64) -> Option<OffsetDateTime> {
    let index = i64::from(start.year()) * 12 + i64::from(u8::from(start.month())) - 1 + months;
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    if year > 9999 {
        return None;
    }
    let month = time::Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = start.day().min(month.length(year));
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    Some(start.replace_date(date))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn periods_add_calendar_units() {
        let start = datetime!(2024-01-31 00:00 UTC);
        let month = Period {
            count: 1,
            unit: PeriodUnit::Months,
        };
        assert_eq!(month.after(start), Some(datetime!(2024-02-29 00:00 UTC)));
        let years = Period {
            count: 2,
            unit: PeriodUnit::Years,
        };
        assert_eq!(years.after(start), Some(datetime!(2026-01-31 00:00 UTC)));
        let weeks = Period {
            count: 2,
            unit: PeriodUnit::Weeks,
        };
        assert_eq!(weeks.after(start), Some(datetime!(2024-02-14 00:00 UTC)));
        let huge = Period {
            count: 100_000,
            unit: PeriodUnit::Years,
        };
        assert_eq!(huge.after(start), None);
        assert_eq!(years.describe(), "2 years");
        assert_eq!(
            Period {
                count: 1,
                unit: PeriodUnit::Days
            }
            .describe(),
            "1 day"
        );
    }
}
