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

#[derive(Deserialize)]
#[serde(untagged)]
enum WholeNumber {
    Integer(i64),
    Float(f64),
}

/// An optional whole number that also accepts one written with a decimal point (`117.0`), as
/// JSON Schema's `integer` does and as spreadsheets export; `117.5` is refused.
pub fn integer<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    match Option::<WholeNumber>::deserialize(deserializer)? {
        None => Ok(None),
        Some(WholeNumber::Integer(n)) => Ok(Some(n)),
        Some(WholeNumber::Float(n))
            if n.fract() == 0.0 && n >= i64::MIN as f64 && n <= i64::MAX as f64 =>
        {
            Ok(Some(n as i64))
        }
        Some(WholeNumber::Float(n)) => Err(serde::de::Error::custom(format!(
            "{n} is not a whole number"
        ))),
    }
}

#[cfg(test)]
mod tests {
    #[derive(Debug, serde::Deserialize)]
    struct Whole {
        #[serde(default, deserialize_with = "super::integer")]
        n: Option<i64>,
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_decimal_point_but_fractions_are_refused() {
        let read = |json: &str| serde_json::from_str::<Whole>(json).map(|w| w.n);
        assert_eq!(read(r#"{"n": 117}"#).unwrap(), Some(117));
        assert_eq!(read(r#"{"n": 117.0}"#).unwrap(), Some(117));
        // Read exactly, not to the nearest float the fast parser finds: 2^51 - 1 is whole.
        assert_eq!(
            read(r#"{"n": 2251799813685247.0}"#).unwrap(),
            Some(2_251_799_813_685_247)
        );
        assert_eq!(read(r#"{"n": null}"#).unwrap(), None);
        assert_eq!(read(r#"{}"#).unwrap(), None);
        assert!(read(r#"{"n": 117.5}"#).is_err());
        assert!(read(r#"{"n": "117"}"#).is_err());
    }
}
