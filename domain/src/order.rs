//! Sorting that keeps one copy of the standard sort in the wasm. Each instantiation of
//! `slice::sort_by` is several kilobytes of code, and the school's lists are sorted some
//! thirty ways: here the standard stable sort runs once, on positions, with the comparison
//! behind one dynamic call, and the list is then put in that order. The order is exactly
//! the standard stable sort's; the cost is an index per element and an indirect call per
//! comparison, nothing a school's lists notice.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Sorts `v` stably by `cmp`, as `slice::sort_by` does.
pub fn sort_by<T>(v: &mut [T], mut cmp: impl FnMut(&T, &T) -> Ordering) {
    let mut order: Vec<usize> = (0..v.len()).collect();
    sort_positions(&mut order, &mut |a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// Sorts `v` stably by the key `f` gives, as `slice::sort_by_key` does.
pub fn sort_by_key<T, K: Ord>(v: &mut [T], mut f: impl FnMut(&T) -> K) {
    sort_by(v, |a, b| f(a).cmp(&f(b)));
}

/// Sorts `v` stably, as `slice::sort` does.
pub fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

// Not generic: the one instantiation of the standard sort.
fn sort_positions(order: &mut [usize], cmp: &mut dyn FnMut(usize, usize) -> Ordering) {
    order.sort_by(|a, b| cmp(*a, *b));
}

/// Puts `v` in `order` (position k receives the element at `order[k]`), cycle by cycle.
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        while order[at] != start {
            let from = order[at];
            v.swap(at, from);
            order[at] = at;
            at = from;
        }
        order[at] = at;
    }
}

/// The map of `pairs`, as `collect()` makes it (a later value for a key replaces an earlier).
/// Built by inserting: `collect()` sorts the pairs first, with a copy of the standard sort
/// for each pair type.
pub fn map_of<K: Ord, V>(pairs: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(pairs);
    map
}

/// The set of `items`, as `collect()` makes it, by inserting (see [`map_of`]).
pub fn set_of<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    set.extend(items);
    set
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The same order as the standard stable sort, ties kept in their order.
        #[test]
        fn sorts_as_the_standard_stable_sort(v in prop::collection::vec((0u8..6, any::<u16>()), 0..200)) {
            let mut expected = v.clone();
            expected.sort_by_key(|e| e.0);
            let mut ours = v.clone();
            sort_by_key(&mut ours, |e| e.0);
            prop_assert_eq!(&ours, &expected);
            let mut whole = v;
            sort(&mut whole);
            expected.sort();
            prop_assert_eq!(whole, expected);
        }

        /// The same map and set as `collect()`, a repeated key keeping its last value.
        #[test]
        fn collects_as_collect_does(v in prop::collection::vec((0u8..20, any::<u16>()), 0..100)) {
            prop_assert_eq!(map_of(v.clone()), v.iter().copied().collect::<BTreeMap<_, _>>());
            prop_assert_eq!(set_of(v.clone()), v.into_iter().collect::<BTreeSet<_>>());
        }
    }
}
