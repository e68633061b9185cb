//! Refill requests: a class teacher asks the office for what her class's kit lacks; the
//! request waits in the office's queue until it is issued or declined, and the teacher sees
//! which. Requests and answers concern one class, so a teacher's phone receives only her
//! classes'.

use serde::{Deserialize, Serialize};

use super::catalog::ItemId;
use super::ledger::{MAX_QUANTITY, Note};
use crate::refusals::OpInvalid;
use crate::school::ClassId;
use crate::sync::{Hlc, OpId, Stream};
use crate::text::Name;

/// One item asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefillLine {
    pub item: ItemId,
    pub quantity: u32,
}

/// A teacher's request for her class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefillRequest {
    pub class: ClassId,
    pub items: Vec<RefillLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

/// The most items one request names.
pub const MAX_LINES: usize = 20;

impl RefillRequest {
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Supplies {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        if self.items.is_empty() || self.items.len() > MAX_LINES {
            return Err(OpInvalid::OutOfRange {
                what: "items".into(),
                max: MAX_LINES as u32,
            });
        }
        let mut seen: Vec<&ItemId> = Vec::new();
        for line in &self.items {
            if !(1..=MAX_QUANTITY).contains(&line.quantity) {
                return Err(OpInvalid::QuantityOutOfRange {
                    max: MAX_QUANTITY as i32,
                });
            }
            if seen.contains(&&line.item) {
                return Err(OpInvalid::OutOfRange {
                    what: "items".into(),
                    max: MAX_LINES as u32,
                });
            }
            seen.push(&line.item);
        }
        Ok(())
    }
}

/// How the office answered a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefillOutcome {
    Issued,
    Declined,
}

/// The office's answer to a request, naming it by its op.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefillAnswer {
    pub request: OpId,
    /// The request's class, so its teacher receives the answer.
    pub class: ClassId,
    pub outcome: RefillOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Note>,
}

impl RefillAnswer {
    pub fn validate(&self, stream: &Stream) -> Result<(), OpInvalid> {
        if *stream != Stream::Supplies || self.request.stream != Stream::Supplies {
            return Err(OpInvalid::WrongStream {
                stream: stream.key().to_owned(),
            });
        }
        Ok(())
    }
}

/// Where a request stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefillState {
    /// Not yet sent from the teacher's phone.
    Unsent,
    Waiting,
    Answered {
        outcome: RefillOutcome,
        note: Option<Note>,
        by: Name,
        at_ms: u64,
    },
}

/// A request with where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refill {
    /// None while it waits on the teacher's phone to be sent.
    pub id: Option<OpId>,
    pub request: RefillRequest,
    pub by: Name,
    pub at_ms: u64,
    pub state: RefillState,
}

/// A change as a refill reads it: its op id once stored, when, who, and what.
pub struct Held<'a> {
    pub id: Option<&'a OpId>,
    pub hlc: Hlc,
    pub by: &'a Name,
    pub request: Option<&'a RefillRequest>,
    pub answer: Option<&'a RefillAnswer>,
}

/// Every request with its state, newest first; the first answer (by clock) stands, as two
/// office devices may answer the same request offline.
pub fn refills<'a>(held: impl IntoIterator<Item = Held<'a>>) -> Vec<Refill> {
    let mut requests = Vec::new();
    let mut answers: Vec<(Hlc, &Name, &RefillAnswer)> = Vec::new();
    for h in held {
        if let Some(r) = h.request {
            requests.push((h.id, h.hlc, h.by, r));
        }
        if let Some(a) = h.answer {
            answers.push((h.hlc, h.by, a));
        }
    }
    crate::order::sort_by(&mut answers, |a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    let mut out: Vec<Refill> = requests
        .into_iter()
        .map(|(id, hlc, by, request)| {
            let state = match id {
                None => RefillState::Unsent,
                Some(id) => answers.iter().find(|(_, _, a)| &a.request == id).map_or(
                    RefillState::Waiting,
                    |(hlc, by, a)| RefillState::Answered {
                        outcome: a.outcome,
                        note: a.note.clone(),
                        by: (*by).clone(),
                        at_ms: hlc.wall,
                    },
                ),
            };
            Refill {
                id: id.cloned(),
                request: request.clone(),
                by: by.clone(),
                at_ms: hlc.wall,
                state,
            }
        })
        .collect();
    crate::order::sort_by_key(&mut out, |r| std::cmp::Reverse(r.at_ms));
    out
}

/// The office's queue: requests stored and not yet answered, oldest first.
pub fn queue(all: &[Refill]) -> Vec<&Refill> {
    let mut waiting: Vec<&Refill> = all
        .iter()
        .filter(|r| r.state == RefillState::Waiting)
        .collect();
    crate::order::sort_by_key(&mut waiting, |r| r.at_ms);
    waiting
}

/// A request as the gaps of a class kit, to make up with [`super::kits::make_up`]: the
/// items the catalog knows, in the quantities asked for.
pub fn as_kit(stock: &super::Stock, request: &RefillRequest) -> super::kits::ClassKit {
    super::kits::ClassKit {
        class: request.class.clone(),
        gaps: request
            .items
            .iter()
            .filter_map(|line| {
                Some(super::kits::KitGap {
                    item: (*stock.items.get(&line.item)?).clone(),
                    held: 0,
                    missing: line.quantity,
                })
            })
            .collect(),
    }
}

/// What a teacher asks for her class: each kit item it lacks, in the quantity it lacks.
pub fn request_for(kit: &super::kits::ClassKit, note: Option<Note>) -> Option<RefillRequest> {
    (!kit.gaps.is_empty()).then(|| RefillRequest {
        class: kit.class.clone(),
        items: kit
            .gaps
            .iter()
            .take(MAX_LINES)
            .map(|g| RefillLine {
                item: g.item.id.clone(),
                quantity: g.missing,
            })
            .collect(),
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::{DeviceId, Seq};

    #[test]
    fn a_request_waits_until_the_first_answer() {
        let class = ClassId::parse("g1c1").unwrap();
        let request = RefillRequest {
            class: class.clone(),
            items: vec![RefillLine {
                item: ItemId::parse("hand-sanitiser").unwrap(),
                quantity: 1,
            }],
            note: None,
        };
        assert_eq!(request.validate(&Stream::Supplies), Ok(()));
        assert!(request.validate(&Stream::Health).is_err());
        let mut twice = request.clone();
        twice.items.push(twice.items[0].clone());
        assert!(twice.validate(&Stream::Supplies).is_err());
        let mut none = request.clone();
        none.items.clear();
        assert!(none.validate(&Stream::Supplies).is_err());

        let id = OpId {
            device: DeviceId::parse("phone-0001").unwrap(),
            stream: Stream::Supplies,
            seq: Seq::FIRST,
            k: 0,
        };
        let teacher = Name::parse("李红").unwrap();
        let office = Name::parse("陈建国").unwrap();
        let principal = Name::parse("周校长").unwrap();
        let answer = |outcome| RefillAnswer {
            request: id.clone(),
            class: class.clone(),
            outcome,
            note: None,
        };
        let (issued, declined) = (
            answer(RefillOutcome::Issued),
            answer(RefillOutcome::Declined),
        );
        let hlc = |wall| Hlc { wall, counter: 0 };
        let req = |id| Held {
            id,
            hlc: hlc(1),
            by: &teacher,
            request: Some(&request),
            answer: None,
        };
        let ans = |wall, by, a| Held {
            id: None,
            hlc: hlc(wall),
            by,
            request: None,
            answer: Some(a),
        };

        assert_eq!(refills([req(None)])[0].state, RefillState::Unsent);
        let waiting = refills([req(Some(&id))]);
        assert_eq!(waiting[0].state, RefillState::Waiting);
        assert_eq!(queue(&waiting).len(), 1);
        // Two offices answered offline: the first by clock stands, in any arrival order.
        for held in [
            vec![
                ans(3, &principal, &declined),
                req(Some(&id)),
                ans(2, &office, &issued),
            ],
            vec![
                ans(2, &office, &issued),
                ans(3, &principal, &declined),
                req(Some(&id)),
            ],
        ] {
            let all = refills(held);
            assert!(
                matches!(&all[0].state, RefillState::Answered { outcome: RefillOutcome::Issued, by, .. } if by == &office)
            );
            assert!(queue(&all).is_empty());
        }
    }
}
