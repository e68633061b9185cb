//! What a person is told about a change the Worker refused or the device would not record:
//! why, as one of the few kinds the app has words for, and what they can do about it.

use super::segment::Rejection;
use crate::refusals::Problem;

/// Why a change was refused, as the person who wrote it reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Their role or classes do not cover it.
    NotAllowed,
    /// Something in it is wrong.
    Invalid(Problem),
}

/// What the person whose change was refused can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    /// Only the prevention office can change what a device may do.
    AskTheOffice,
    /// A refused change is never stored, so the only way forward is a corrected new one.
    CorrectAndRecordAgain,
}

impl Rejection {
    /// Why the person's change was refused.
    pub fn why(&self) -> Why {
        match self {
            Rejection::Forbidden { .. } => Why::NotAllowed,
            Rejection::Invalid { problem } => Why::Invalid(problem.problem()),
        }
    }

    /// What the person can do about it.
    pub fn advice(&self) -> Advice {
        match self.why() {
            Why::NotAllowed => Advice::AskTheOffice,
            Why::Invalid(_) => Advice::CorrectAndRecordAgain,
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::refusals::OpInvalid;

    #[test]
    fn a_forbidden_change_is_for_the_office_to_look_into() {
        let refused = Rejection::Forbidden {
            message: "class g1c2 is not yours".to_owned(),
        };
        assert_eq!(refused.why(), Why::NotAllowed);
        assert_eq!(refused.advice(), Advice::AskTheOffice);
    }

    #[test]
    fn an_invalid_change_says_what_to_fix_and_is_recorded_again() {
        let cases = [
            (
                OpInvalid::WrongStream {
                    stream: "stock".to_owned(),
                },
                Problem::Malformed,
            ),
            (
                OpInvalid::BadId {
                    what: "class".to_owned(),
                },
                Problem::Malformed,
            ),
            (OpInvalid::TooManySupersedes { max: 8 }, Problem::Malformed),
            (
                OpInvalid::HeadcountTooLarge { max: 300 },
                Problem::Headcount,
            ),
            (OpInvalid::FeverOverPresent, Problem::Fever),
            (OpInvalid::FeverUndercounted, Problem::Fever),
            (OpInvalid::AbsencesMismatch, Problem::Absences),
            (
                OpInvalid::QuantityOutOfRange { max: 10_000 },
                Problem::Quantity,
            ),
            (OpInvalid::ValueTooLarge { max: 1024 }, Problem::Text),
            (
                OpInvalid::Text {
                    problem: "too long".to_owned(),
                },
                Problem::Text,
            ),
            (
                OpInvalid::Unreadable {
                    detail: "refused".to_owned(),
                },
                Problem::Unreadable,
            ),
            (
                OpInvalid::DateOutOfRange {
                    date: NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(),
                },
                Problem::Date,
            ),
        ];
        for (invalid, problem) in cases {
            assert_eq!(invalid.problem(), problem, "{invalid:?}");
            let refused = Rejection::Invalid { problem: invalid };
            assert_eq!(refused.why(), Why::Invalid(problem));
            assert_eq!(refused.advice(), Advice::CorrectAndRecordAgain);
        }
    }
}
