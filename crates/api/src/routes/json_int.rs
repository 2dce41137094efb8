//! Whole numbers in request bodies. JSON does not tell `7` from `7.0`, and JSON Schema calls
//! both an integer; serde's `i64` refuses the second. These accept any whole number that fits.

use serde::{Deserialize, Deserializer};

fn whole(number: &serde_json::Number) -> Option<i64> {
    number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= i64::MIN as f64 && *f < i64::MAX as f64)
            .map(|f| f as i64)
    })
}

fn to_i64<E: serde::de::Error>(number: serde_json::Number) -> Result<i64, E> {
    whole(&number).ok_or_else(|| E::custom(format!("{number} is not a whole number")))
}

/// `Option<i64>` that also takes `7.0`.
pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?
        .map(to_i64)
        .transpose()
}

/// A whole number that may be left out (`None`, with `#[serde(default)]`) but, when present,
/// is not `null`: for PATCH fields documented as non-nullable.
pub fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    to_i64(serde_json::Number::deserialize(d)?).map(Some)
}

/// A list of whole numbers that may be left out but, when present, is not `null`.
pub fn present_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    Vec::<serde_json::Number>::deserialize(d)?
        .into_iter()
        .map(to_i64)
        .collect::<Result<_, _>>()
        .map(Some)
}

/// Any value that may be left out but, when present, is not `null`.
pub fn not_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// A field that may be absent (`None`), `null` (`Some(None)`: clear it) or a whole number;
/// use with `#[serde(default, deserialize_with = "nullable")]`.
pub fn nullable<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<i64>>, D::Error> {
    option(d).map(Some)
}

/// A PATCH body: a JSON object read into `T`. serde would also read a struct from an array
/// (`[null, null]` as its first two fields), which no client means; taking the object first
/// refuses that with the same 422 as any other body of the wrong shape.
pub fn patch_body<T: serde::de::DeserializeOwned>(
    body: serde_json::Map<String, serde_json::Value>,
) -> Result<T, crate::error::ApiError> {
    serde_json::from_value(serde_json::Value::Object(body)).map_err(|e| {
        crate::error::ApiError::new(
            actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
            crate::error::ErrorCode::InvalidBody,
            format!("The JSON body does not have the expected shape: {e}"),
        )
    })
}

/// A value that may be absent (`None`), `null` (`Some(None)`: clear it) or given; use with
/// `#[serde(default, deserialize_with = "nullable_value")]`.
pub fn nullable_value<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// `Option<Vec<i64>>` that also takes `7.0` in the list.
pub fn option_list<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
    Option::<Vec<serde_json::Number>>::deserialize(d)?
        .map(|list| list.into_iter().map(to_i64).collect())
        .transpose()
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize)]
    struct Body {
        #[serde(default, deserialize_with = "super::nullable")]
        limit: Option<Option<i64>>,
        #[serde(default, deserialize_with = "super::option")]
        id: Option<i64>,
        #[serde(default, deserialize_with = "super::option_list")]
        ids: Option<Vec<i64>>,
    }

    fn parse(json: &str) -> Result<Body, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn whole_numbers_in_either_notation_are_taken() {
        let body = parse(r#"{"id": -406189.0, "ids": [1, 2.0, 3e2]}"#).unwrap();
        assert_eq!(body.id, Some(-406189));
        assert_eq!(body.ids, Some(vec![1, 2, 300]));
        assert_eq!(parse("{}").unwrap().id, None);
        assert_eq!(parse(r#"{"id": null}"#).unwrap().id, None);
        assert_eq!(parse("{}").unwrap().limit, None);
        assert_eq!(parse(r#"{"limit": null}"#).unwrap().limit, Some(None));
        assert_eq!(parse(r#"{"limit": 5.0}"#).unwrap().limit, Some(Some(5)));
    }

    #[test]
    fn fractions_strings_and_huge_numbers_are_refused() {
        assert!(parse(r#"{"id": 1.5}"#).is_err());
        assert!(parse(r#"{"id": "7"}"#).is_err());
        assert!(parse(r#"{"id": 1e300}"#).is_err());
        assert!(parse(r#"{"ids": [1, 0.5]}"#).is_err());
    }
}
