//! Reading JSON with less code in a phone's download. serde_json reads a struct from an
//! object or from an array, so every struct's reader is built twice into the app: once for
//! each. Nothing Guardpost writes or accepts has a struct as an array, so [`from_str`] reads
//! structs from objects only, through serde_json's own parser: the same values and the same
//! error messages for everything else, and no array path built for any struct.
//!
//! It wraps serde_json's deserializer so that every nested value is asked for the same way:
//! a struct anywhere (in a list, an option, a map's value, an enum's variant) is read as a
//! map. Values with no nesting (strings, numbers, keys) go straight to serde_json.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};

/// Reads a `T` from `text`, as `serde_json::from_str` does, with structs as objects only.
pub fn from_str<'a, T: serde::Deserialize<'a>>(text: &'a str) -> serde_json::Result<T> {
    let mut inner = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(Objects(&mut inner))?;
    inner.end()?;
    Ok(value)
}

/// A deserializer that reads structs as maps, and hands this rule on to what it nests.
struct Objects<D>(D);

/// A visitor whose nested deserializers are wrapped in [`Objects`].
struct Wrap<V>(V);

/// A seed whose deserializer is wrapped in [`Objects`].
struct Seed<S>(S);

struct Map<A>(A);
struct Seq<A>(A);
struct Enum<A>(A);
struct Variant<A>(A);

/// A struct variant's fields, read as a map: serde_json reads the variant's value with the
/// deserializer this seed is given.
struct StructFields<V>(V);

/// Methods of a visitor alone, handed to serde_json as they are (`straight`) or with the
/// visitor wrapped, for what may nest a struct (`wrapped`).
macro_rules! forward {
    (straight: $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(visitor)
        }
    )*};
    (wrapped: $($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.$method(Wrap(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Objects<D> {
    type Error = D::Error;

    forward! {
        straight: deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
        deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64
        deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char deserialize_str
        deserialize_string deserialize_bytes deserialize_byte_buf deserialize_unit
        deserialize_identifier deserialize_ignored_any
    }

    forward! {
        wrapped: deserialize_any deserialize_option deserialize_seq deserialize_map
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_unit_struct(name, visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_newtype_struct(name, Wrap(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_seq(Wrap(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_seq(Wrap(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_map(Wrap(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, Wrap(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! visit {
    ($($method:ident: $ty:ty)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<Self::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Wrap<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        self.0.expecting(f)
    }

    visit! {
        visit_bool: bool visit_i64: i64 visit_i128: i128 visit_u64: u64 visit_u128: u128
        visit_f64: f64 visit_str: &str visit_borrowed_str: &'de str visit_string: String
        visit_bytes: &[u8] visit_borrowed_bytes: &'de [u8] visit_byte_buf: Vec<u8>
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_some(Objects(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.visit_newtype_struct(Objects(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        self.0.visit_seq(Seq(seq))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        self.0.visit_map(Map(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        self.0.visit_enum(Enum(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        self.0.deserialize(Objects(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Seq<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Map<A> {
    type Error = A::Error;

    /// Keys are strings in JSON: nothing in them to wrap.
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Enum<A> {
    type Error = A::Error;
    type Variant = Variant<A::Variant>;

    /// A variant's name is a string: nothing in it to wrap.
    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(seed)?;
        Ok((value, Variant(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Variant<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.newtype_variant_seed(StructFields(visitor))
    }
}

impl<'de, V: Visitor<'de>> DeserializeSeed<'de> for StructFields<V> {
    type Value = V::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(Wrap(self.0))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    use super::from_str;

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        name: String,
        n: u32,
        #[serde(default)]
        note: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(Inner),
        Pair(u8, String),
        Fields { inner: Inner, tags: Vec<String> },
    }

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Newtype(Vec<Inner>);

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    struct Outer {
        kinds: Vec<Kind>,
        by_name: BTreeMap<String, Inner>,
        maybe: Option<Inner>,
        list: Newtype,
        pair: (i64, bool),
        unit: (),
    }

    fn inner() -> impl Strategy<Value = Inner> {
        (".{0,8}", any::<u32>(), proptest::option::of(".{0,4}")).prop_map(|(name, n, note)| Inner {
            name,
            n,
            note,
        })
    }

    fn kind() -> impl Strategy<Value = Kind> {
        prop_oneof![
            Just(Kind::Plain),
            inner().prop_map(Kind::Wrapped),
            (any::<u8>(), ".{0,4}").prop_map(|(a, b)| Kind::Pair(a, b)),
            (inner(), proptest::collection::vec(".{0,3}", 0..3))
                .prop_map(|(inner, tags)| Kind::Fields { inner, tags }),
        ]
    }

    fn outer() -> impl Strategy<Value = Outer> {
        (
            proptest::collection::vec(kind(), 0..4),
            proptest::collection::btree_map(".{0,4}", inner(), 0..3),
            proptest::option::of(inner()),
            proptest::collection::vec(inner(), 0..3),
            (any::<i64>(), any::<bool>()),
        )
            .prop_map(|(kinds, by_name, maybe, list, pair)| Outer {
                kinds,
                by_name,
                maybe,
                list: Newtype(list),
                pair,
                unit: (),
            })
    }

    proptest! {
        /// Whatever serde_json writes, this reads back as serde_json does.
        #[test]
        fn reads_what_serde_json_reads(value in outer()) {
            let text = serde_json::to_string(&value).unwrap();
            prop_assert_eq!(from_str::<Outer>(&text).unwrap(), value);
        }
    }

    #[test]
    fn the_same_errors_as_serde_json_for_what_it_refuses() {
        for text in [
            r#"{"name":"a","n":1,"extra":2}"#,
            r#"{"name":"a"}"#,
            r#"{"name":"a","n":-1}"#,
            r#"{"name":"a","n":1} x"#,
            r#"{"name":"a","n":1"#,
            r#""a""#,
        ] {
            let ours = from_str::<Inner>(text).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Inner>(text).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn a_struct_written_as_an_array_is_refused_with_what_was_expected() {
        let err = from_str::<Inner>(r#"["a",1,null]"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("invalid type: sequence, expected struct Inner"),
            "{err}"
        );
        let err = from_str::<Kind>(r#"{"fields":[{"name":"a","n":1},[]]}"#).unwrap_err();
        assert!(err.to_string().contains("expected struct variant"), "{err}");
    }
}
