//! Lenient JSON field readers: people and spreadsheets write `"band": 6` as often as
//! `"band": "6"`, so text fields accept numbers too, and the rules decide what is valid.

use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum TextOrNumber {
    Text(String),
    Integer(i64),
    Float(f64),
}

/// An optional text field that also accepts a number.
pub fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(
        Option::<TextOrNumber>::deserialize(deserializer)?.map(|value| match value {
            TextOrNumber::Text(text) => text,
            TextOrNumber::Integer(n) => n.to_string(),
            TextOrNumber::Float(n) => n.to_string(),
        }),
    )
}
