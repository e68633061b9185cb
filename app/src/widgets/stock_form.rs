//! What to fix on a form that moves stock (the store's, or a drill's supplies), in the
//! person's language.

use guardpost_domain::supplies::IssueProblem;
use guardpost_domain::supplies::form::FormProblem;
use guardpost_domain::supplies::ledger::SignatureError;
use leptos_i18n::I18nContext;

use crate::i18n::{Locale, t_string};

/// Why an issue can't be recorded, naming the lot and its expiry when that is why.
pub fn issue_problem(i18n: I18nContext<Locale>, p: &IssueProblem) -> String {
    match p {
        IssueProblem::Expired { lot, expires } => format!(
            "{} {lot} · {} {expires}. {}",
            t_string!(i18n, supplies.lot),
            t_string!(i18n, supplies.expired_on),
            t_string!(i18n, supplies.p_expired)
        ),
        IssueProblem::MoreThanOnHand { on_hand } => {
            format!("{} {on_hand}", t_string!(i18n, supplies.p_more_than))
        }
        IssueProblem::UnknownItem => t_string!(i18n, supplies.p_item).to_owned(),
    }
}

pub fn signature_problem(i18n: I18nContext<Locale>, e: SignatureError) -> &'static str {
    match e {
        SignatureError::Empty => t_string!(i18n, supplies.p_signature),
        SignatureError::TooLong | SignatureError::Malformed => {
            t_string!(i18n, supplies.p_signature_long)
        }
    }
}

/// What to fix on a receipt or an issue, in the person's language.
pub fn form_problem(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    p: &FormProblem,
) -> String {
    match p {
        FormProblem::Item => t_string!(i18n, supplies.p_item).to_owned(),
        FormProblem::Lot => t_string!(i18n, supplies.p_lot).to_owned(),
        FormProblem::ExpiryNeeded => t_string!(i18n, supplies.p_expiry).to_owned(),
        FormProblem::AlreadyExpired => t_string!(i18n, supplies.p_already_expired).to_owned(),
        FormProblem::Quantity => t_string!(i18n, supplies.p_quantity).to_owned(),
        FormProblem::Zone => t_string!(i18n, supplies.p_zone).to_owned(),
        FormProblem::Supplier => t_string!(i18n, supplies.p_supplier).to_owned(),
        FormProblem::Person => t_string!(i18n, supplies.p_person).to_owned(),
        FormProblem::Department => t_string!(i18n, supplies.p_department).to_owned(),
        FormProblem::Class => t_string!(i18n, supplies.p_class).to_owned(),
        FormProblem::Signature(e) => signature_problem(i18n, *e).to_owned(),
        FormProblem::Issue(problem) => issue_problem(i18n, problem),
        FormProblem::Reason => t_string!(i18n, supplies.p_reason).to_owned(),
        FormProblem::Note => t_string!(i18n, supplies.p_note).to_owned(),
    }
}
