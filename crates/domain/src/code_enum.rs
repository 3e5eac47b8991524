//! A small macro for the closed lists the domain is full of (staff groups, registrations, HCAS
//! zones, statuses): each variant has a stable machine code, stored in the database and used in
//! JSON, and a label a person reads. Writing these by hand for every list would repeat the same
//! forty lines each time.

/// Declares a `Copy` enum whose variants carry a `code` (stable, lower snake case) and a
/// `label` (plain English), with `ALL`, `code()`, `label()`, `from_code()`, `Display` (the
/// label) and serde as the code.
macro_rules! code_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[ $( $name::$variant ),+ ];

            /// The stable code stored in the database and used in JSON.
            pub fn code(self) -> &'static str {
                match self { $( $name::$variant => $code ),+ }
            }

            /// The plain-English name shown to people.
            pub fn label(self) -> &'static str {
                match self { $( $name::$variant => $label ),+ }
            }

            /// The value with exactly this code.
            pub fn from_code(code: &str) -> Option<$name> {
                match code { $( $code => Some($name::$variant), )+ _ => None }
            }

            /// Every code, comma separated, for error messages that say what is allowed.
            pub fn codes_list() -> String {
                $name::ALL.iter().map(|v| v.code()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let code = String::deserialize(deserializer)?;
                $name::from_code(&code).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "\"{code}\" is not one of {}",
                        $name::codes_list()
                    ))
                })
            }
        }
    };
}

pub(crate) use code_enum;

/// Folds text for comparison against a vocabulary: lower case, punctuation other than `&`
/// turned into spaces, runs of white space collapsed to one.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut pending_space = false;
    for ch in text.chars() {
        if ch.is_alphanumeric() || ch == '&' || ch == '+' || ch == '#' {
            if pending_space && !folded.is_empty() {
                folded.push(' ');
            }
            pending_space = false;
            folded.extend(ch.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    folded
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn fold_ignores_case_punctuation_and_spacing() {
        assert_eq!(
            fold("  Health,  Safety and   SECURITY "),
            "health safety and security"
        );
        assert_eq!(fold("I.V. therapy"), "i v therapy");
        assert_eq!(fold("A&E triage"), "a&e triage");
        assert_eq!(fold("C++ / C#"), "c++ c#");
    }
}
