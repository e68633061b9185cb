//! The daily report (每日零报告) of the whole school as CSV. Its words are the locale files'
//! (`locales/*.json`, section `report`), handed in by the shell that reads them, so a
//! translation is fixed in one place and the rules here stay free of any language.

use super::status::{DayStatus, Slot};

/// The report's column names and cell words, in the person's language.
#[derive(Debug, Clone, Copy)]
pub struct ReportLabels<'a> {
    pub date: &'a str,
    pub class: &'a str,
    pub morning: &'a str,
    pub noon: &'a str,
    pub evening: &'a str,
    pub present: &'a str,
    pub absent: &'a str,
    pub illness: &'a str,
    pub fever: &'a str,
    pub total: &'a str,
    pub open_cases: &'a str,
    pub reported: &'a str,
    pub late: &'a str,
    pub missing: &'a str,
    pub due: &'a str,
}

/// One row per class with each session's state and the day's counts, then the school's
/// totals and its open cases.
pub fn daily_csv(day: &DayStatus, open_cases: usize, labels: &ReportLabels<'_>) -> String {
    let slot = |s: Slot| -> &str {
        match s {
            Slot::Reported { late: false } => labels.reported,
            Slot::Reported { late: true } => labels.late,
            Slot::Missing => labels.missing,
            Slot::Due => labels.due,
            Slot::None => "",
        }
    };
    let header = [
        labels.date,
        labels.class,
        labels.morning,
        labels.noon,
        labels.evening,
        labels.present,
        labels.absent,
        labels.illness,
        labels.fever,
    ];
    let date = day.date.map(|d| d.to_string()).unwrap_or_default();
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| (*s).to_owned()).collect()];
    for row in &day.classes {
        rows.push(vec![
            date.clone(),
            row.class.name.to_string(),
            slot(row.slots[0]).to_owned(),
            slot(row.slots[1]).to_owned(),
            slot(row.slots[2]).to_owned(),
            row.present.map(|p| p.to_string()).unwrap_or_default(),
            row.absent.to_string(),
            row.illness.to_string(),
            row.fever.to_string(),
        ]);
    }
    let mut totals = vec![String::new(); 9];
    totals[0] = date;
    totals[1] = labels.total.to_owned();
    totals[7] = day.illness.to_string();
    totals[8] = day.fever.to_string();
    rows.push(totals);
    rows.push(vec![
        String::new(),
        labels.open_cases.to_owned(),
        open_cases.to_string(),
    ]);
    let mut out = csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    for row in rows {
        // Writing to memory can't fail; a failure would only shorten the export.
        if out.write_record(&row).is_err() {
            break;
        }
    }
    let bytes = out.into_inner().unwrap_or_default();
    // A byte-order mark, so spreadsheet programs read the Chinese correctly.
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::lang::Lang;

    /// The labels as the app reads them: from the locale files themselves, so a missing or
    /// renamed key fails here.
    pub(crate) fn labels(lang: Lang) -> ReportLabels<'static> {
        let raw = match lang {
            Lang::ZhCn => include_str!("../../../locales/zh-CN.json"),
            Lang::En => include_str!("../../../locales/en.json"),
        };
        let file: serde_json::Value = serde_json::from_str(raw).unwrap();
        let word = |key: &str| -> &'static str {
            let text = file["report"][key]
                .as_str()
                .unwrap_or_else(|| panic!("report.{key}"));
            Box::leak(text.to_owned().into_boxed_str())
        };
        ReportLabels {
            date: word("date"),
            class: word("class"),
            morning: word("morning"),
            noon: word("noon"),
            evening: word("evening"),
            present: word("present"),
            absent: word("absent"),
            illness: word("illness"),
            fever: word("fever"),
            total: word("total"),
            open_cases: word("open_cases"),
            reported: word("reported"),
            late: word("late"),
            missing: word("missing"),
            due: word("due"),
        }
    }

    #[test]
    fn the_report_speaks_both_languages_from_the_locale_files() {
        let day = DayStatus {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 30),
            classes: Vec::new(),
            fever: 2,
            illness: 3,
            missing: 1,
            late: 0,
        };
        let zh = daily_csv(&day, 4, &labels(Lang::ZhCn));
        assert!(
            zh.starts_with("\u{feff}日期,班级,晨检,午检,晚检,实到,缺勤,因病缺勤,发热\n"),
            "{zh}"
        );
        assert!(zh.contains("2026-11-30,合计,,,,,,3,2\n,未结病例,4"), "{zh}");
        let en = daily_csv(&day, 4, &labels(Lang::En));
        assert!(en.contains("date,class,morning"), "{en}");
        assert!(en.contains("open cases,4"), "{en}");
    }
}
