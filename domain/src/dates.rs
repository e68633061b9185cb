//! Dates and times of day on the wire and in storage, `YYYY-MM-DD` and `HH:MM:SS`, as chrono
//! writes them. They are read here rather than by chrono's serde readers, which go through
//! its general parser (every field of every format, time zones included) and would be in a
//! teacher's download for these two shapes. Use as `#[serde(with = "crate::dates::iso")]`,
//! `iso_opt` for an optional date, `time` for a time of day.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::de::{self, Deserialize, Deserializer};
use serde::{Serialize, Serializer};

/// A `YYYY-MM-DD` date (four-digit year), or None: what chrono writes, and what a date
/// field (`<input type="date">`) gives.
pub fn parse(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = i32::try_from(number(&b[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&b[5..7])?, number(&b[8..10])?)
}

/// A time of day, `HH:MM:SS` as chrono writes it, or `HH:MM` as a time field gives it; or
/// None.
pub fn parse_time(text: &str) -> Option<NaiveTime> {
    let b = text.as_bytes();
    let seconds = match b.len() {
        5 => 0,
        8 if b[5] == b':' => number(&b[6..8])?,
        _ => return None,
    };
    if b[2] != b':' {
        return None;
    }
    NaiveTime::from_hms_opt(number(&b[0..2])?, number(&b[3..5])?, seconds)
}

/// A `YYYY-MM-DDTHH:MM` local time, as a `datetime-local` field gives it; or None.
pub fn parse_minute(text: &str) -> Option<NaiveDateTime> {
    let (date, time) = text.split_once('T')?;
    (time.len() == 5).then_some(())?;
    Some(parse(date)?.and_time(parse_time(time)?))
}

/// The number ASCII digits spell, or None if any is not a digit.
fn number(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

fn read<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    parse(&text).ok_or_else(|| de::Error::custom(format!("a date is YYYY-MM-DD, not “{text}”")))
}

pub mod iso {
    use super::*;

    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        read(d)
    }
}

pub mod time {
    use super::*;

    pub fn serialize<S: Serializer>(time: &NaiveTime, s: S) -> Result<S::Ok, S::Error> {
        time.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveTime, D::Error> {
        let text = String::deserialize(d)?;
        parse_time(&text)
            .ok_or_else(|| de::Error::custom(format!("a time of day is HH:MM, not “{text}”")))
    }
}

pub mod iso_opt {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        date.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        struct Date(NaiveDate);
        impl<'de> Deserialize<'de> for Date {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                read(d).map(Date)
            }
        }
        Ok(Option::<Date>::deserialize(d)?.map(|Date(date)| date))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_chrono_writes_and_nothing_else() {
        for day in [(2026, 11, 30), (2024, 2, 29), (2030, 1, 1), (1999, 12, 31)] {
            let date = NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap_or_default();
            assert_eq!(parse(&date.to_string()), Some(date));
        }
        for bad in [
            "2026-11-3",
            "2026-13-01",
            "2025-02-29",
            "26-11-30",
            "2026/11/30",
            " 2026-11-30",
            "2026-11-30T",
            "+2026-11-3",
            "２０２６-11-30",
            "",
            "2026-1１-30",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_a_local_minute_as_a_datetime_field_gives_it() {
        let at = parse_minute("2026-11-30T07:50").map(|t| t.to_string());
        assert_eq!(at.as_deref(), Some("2026-11-30 07:50:00"));
        for bad in [
            "2026-11-30 07:50",
            "2026-11-30T07:50:00",
            "2026-11-30T7:50",
            "2026-11-30",
        ] {
            assert_eq!(parse_minute(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_times_as_chrono_writes_them_or_without_seconds() {
        for (h, m, sec) in [
            (9, 0, 0),
            (14, 30, 0),
            (20, 30, 15),
            (0, 0, 0),
            (23, 59, 59),
        ] {
            let time = NaiveTime::from_hms_opt(h, m, sec).unwrap_or_default();
            assert_eq!(parse_time(&time.to_string()), Some(time));
        }
        assert_eq!(parse_time("09:00"), NaiveTime::from_hms_opt(9, 0, 0));
        for bad in [
            "9:00",
            "24:00",
            "09:60",
            "09:00:",
            "0900",
            "09-00",
            "",
            "09:00:00.5",
            "０9:00",
        ] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }
}
