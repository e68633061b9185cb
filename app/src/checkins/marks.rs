//! One student's marks in the detailed check, as the form edits them, and the cause and
//! symptom chips of an absent student.

use std::collections::BTreeSet;

use guardpost_domain::checkins::form;
use guardpost_domain::checkins::{AbsenceCause, StudentId, Symptom};
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t, t_string};
use crate::widgets::symptom_label;

/// One student's marks in the detailed check, as the form edits them.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Mark {
    pub(super) absent: Option<CauseKind>,
    pub(super) symptoms: BTreeSet<Symptom>,
    pub(super) temperature: String,
}

impl Mark {
    pub(super) fn of(cause: &AbsenceCause) -> Self {
        let (kind, symptoms) = match cause {
            AbsenceCause::Illness { symptoms } => (
                CauseKind::Illness,
                guardpost_domain::order::set_of(symptoms.iter().copied()),
            ),
            AbsenceCause::Personal => (CauseKind::Personal, BTreeSet::new()),
            AbsenceCause::Other => (CauseKind::Other, BTreeSet::new()),
        };
        Self {
            absent: Some(kind),
            symptoms,
            temperature: String::new(),
        }
    }

    pub(super) fn to_domain(&self) -> form::Mark {
        form::Mark {
            absent: self.absent.map(|kind| match kind {
                CauseKind::Illness => AbsenceCause::Illness {
                    symptoms: self.symptoms.iter().copied().collect(),
                },
                CauseKind::Personal => AbsenceCause::Personal,
                CauseKind::Other => AbsenceCause::Other,
            }),
            temperature: self.temperature.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CauseKind {
    Illness,
    Personal,
    Other,
}

pub(super) type MarkEdit = Box<dyn FnOnce(&mut Mark) + Send + Sync>;

/// The cause and symptom choices of an absent student.
pub(super) fn absence_chips(
    i18n: I18nContext<Locale>,
    id: StudentId,
    kind: CauseKind,
    symptoms: BTreeSet<Symptom>,
    update: impl Fn(StudentId, MarkEdit) + Copy + 'static,
) -> impl IntoView {
    let causes = [
        (CauseKind::Illness, t_string!(i18n, checkins.cause_illness)),
        (
            CauseKind::Personal,
            t_string!(i18n, checkins.cause_personal),
        ),
        (CauseKind::Other, t_string!(i18n, checkins.cause_other)),
    ];
    let cause_buttons = causes
        .into_iter()
        .map(|(choice, label)| {
            let id = id.clone();
            view! {
                <button type="button" class="chip" aria-pressed=(kind == choice).to_string()
                    on:click=move |_| update(id.clone(), Box::new(move |m| m.absent = Some(choice)))>{label}</button>
            }
        })
        .collect_view();
    let symptom_buttons = (kind == CauseKind::Illness).then(|| {
        Symptom::ALL
            .into_iter()
            .map(|symptom| {
                let id = id.clone();
                view! {
                    <button type="button" class="chip" aria-pressed=symptoms.contains(&symptom).to_string()
                        on:click=move |_| update(id.clone(), Box::new(move |m| { if !m.symptoms.remove(&symptom) { m.symptoms.insert(symptom); } }))>
                        {symptom_label(i18n, symptom)}
                    </button>
                }
            })
            .collect_view()
    });
    // Visible group names: "其他" is both a cause and a symptom.
    view! {
        <div class="chips" role="group" aria-label=t_string!(i18n, checkins.cause)>
            <span class="chips-label">{t!(i18n, checkins.cause)}</span>{cause_buttons}
        </div>
        {symptom_buttons.map(|b| view! {
            <div class="chips" role="group" aria-label=t_string!(i18n, checkins.symptoms)>
                <span class="chips-label">{t!(i18n, checkins.symptoms)}</span>{b}
            </div>
        })}
    }
}
