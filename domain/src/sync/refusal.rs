//! What a person is told about a change the Worker refused or the device would not record:
//! why, as one of the few kinds the app has words for, and what they can do about it.

use super::op::OpInvalid;
use super::segment::Rejection;

/// Why a change was refused, as the person who wrote it reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// Their role or classes do not cover it.
    NotAllowed,
    /// Something in it is wrong.
    Invalid(Problem),
}

/// What is wrong with a change, as a person can fix it: several of the Worker's checks come
/// down to the same thing to correct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Not in the form a change takes (a wrong stream, a bad id): no value the person typed.
    Malformed,
    /// More students than a class holds.
    Headcount,
    /// Fever counts that disagree with who was checked or measured.
    Fever,
    /// The absent students listed disagree with the number absent.
    Absences,
    Quantity,
    Text,
    /// The Worker could not read it at all.
    Unreadable,
    /// Dated after the day it was written or before the school year: usually the phone's date.
    Date,
}

/// What the person whose change was refused can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    /// Only the prevention office can change what a device may do.
    AskTheOffice,
    /// A refused change is never stored, so the only way forward is a corrected new one.
    CorrectAndRecordAgain,
}

impl OpInvalid {
    /// What the person has to fix.
    pub fn problem(&self) -> Problem {
        match self {
            OpInvalid::WrongStream { .. }
            | OpInvalid::BadId { .. }
            | OpInvalid::TooManySupersedes { .. } => Problem::Malformed,
            OpInvalid::HeadcountTooLarge { .. } => Problem::Headcount,
            OpInvalid::FeverOverPresent | OpInvalid::FeverUndercounted => Problem::Fever,
            OpInvalid::AbsencesMismatch => Problem::Absences,
            OpInvalid::QuantityOutOfRange { .. } => Problem::Quantity,
            OpInvalid::ValueTooLarge { .. } | OpInvalid::Text { .. } => Problem::Text,
            OpInvalid::Unreadable { .. } => Problem::Unreadable,
            OpInvalid::DateOutOfRange { .. } => Problem::Date,
        }
    }
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
