//! Which field each column of an uploaded file fills: the admin's own map (`column_map`)
//! first, then a table of the names people give these columns in several languages ("E-mail",
//! "Email Address", "Vorname", "Nom", "Département", "Team"). A column neither knows goes to
//! the mapping step.

use crate::csv_import::Column;

/// What a column of the file is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Field(Column),
    /// Read past: the column is in the file but imports nothing.
    Ignore,
}

impl Target {
    pub const IGNORE: &'static str = "ignore";

    pub fn name(self) -> &'static str {
        match self {
            Target::Field(column) => column.name(),
            Target::Ignore => Self::IGNORE,
        }
    }

    /// A field name as the API and the mapping step write it.
    pub fn parse(name: &str) -> Option<Target> {
        let name = name.trim().to_lowercase();
        if name == Self::IGNORE || name.is_empty() {
            return Some(Target::Ignore);
        }
        Column::EVERY
            .into_iter()
            .find(|c| c.name() == name)
            .map(Target::Field)
    }
}

/// The admin's map from a file's header cells to fields. Header cells match without regard to
/// case or surrounding spaces.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    entries: Vec<(String, Target)>,
}

/// At most this many entries: a header is not longer.
const MAX_ENTRIES: usize = 200;

impl ColumnMap {
    /// `{"file header": "field" | "ignore"}`, as JSON text (a form field or query parameter).
    pub fn parse(text: &str) -> Result<ColumnMap, String> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|_| {
            "column_map must be a JSON object such as {\"E-mail\": \"email\", \"Notes\": \"ignore\"}."
                .to_string()
        })?;
        ColumnMap::from_json(&value)
    }

    pub fn from_json(value: &serde_json::Value) -> Result<ColumnMap, String> {
        let Some(object) = value.as_object() else {
            return Err("column_map must be a JSON object of file headers to fields.".into());
        };
        if object.len() > MAX_ENTRIES {
            return Err(format!("column_map has more than {MAX_ENTRIES} entries."));
        }
        let mut entries = Vec::with_capacity(object.len());
        for (header, field) in object {
            let target = field.as_str().and_then(Target::parse).ok_or_else(|| {
                format!(
                    "column_map maps \"{header}\" to {field}, which is not a field. Use one of: {}, or \"ignore\".",
                    Column::EVERY.map(Column::name).join(", ")
                )
            })?;
            entries.push((fold(header), target));
        }
        Ok(ColumnMap { entries })
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, header: &str) -> Option<Target> {
        let header = fold(header);
        self.entries
            .iter()
            .find(|(key, _)| *key == header)
            .map(|(_, target)| *target)
    }

    /// The map as stored for a preset: only the headers of this file, each with what it
    /// became (recognised or mapped).
    pub fn resolved(header: &[String], map: &ColumnMap) -> serde_json::Value {
        let object: serde_json::Map<String, serde_json::Value> = header
            .iter()
            .filter(|cell| !cell.trim().is_empty())
            .filter_map(|cell| {
                target(cell, map).map(|t| (cell.trim().to_string(), t.name().into()))
            })
            .collect();
        serde_json::Value::Object(object)
    }
}

/// What files with this header are known by, for saved maps: the cells without case or
/// surrounding spaces.
pub fn header_key(header: &[String]) -> String {
    header
        .iter()
        .map(|h| fold(h))
        .collect::<Vec<_>>()
        .join("\u{1f}")
}

/// Every header cell with the field it is read as (`None`: not recognised), for a mapping
/// step.
pub fn guesses(header: &[String], map: &ColumnMap) -> Vec<(String, Option<&'static str>)> {
    header
        .iter()
        .map(|cell| (cell.clone(), target(cell, map).map(Target::name)))
        .collect()
}

fn fold(header: &str) -> String {
    header.trim().to_lowercase()
}

/// What a header cell becomes: the map's word for it, else the alias table's, else `None`
/// (the mapping step's to settle). A blank header cell is ignored.
pub fn target(cell: &str, map: &ColumnMap) -> Option<Target> {
    if let Some(target) = map.get(cell) {
        return Some(target);
    }
    if cell.trim().is_empty() {
        return Some(Target::Ignore);
    }
    alias(cell).map(Target::Field)
}

/// A header recognised by the alias table: case, accents, spaces, dashes, dots and
/// underscores are forgiven ("E-Mail", "first name", "Département").
pub fn alias(cell: &str) -> Option<Column> {
    let key = normalize(cell);
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(column, _)| *column)
}

/// Lower case, accents folded, and only letters and digits kept.
pub fn normalize(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    for c in cell.trim().chars().flat_map(char::to_lowercase) {
        match c {
            'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => out.push('a'),
            'è' | 'é' | 'ê' | 'ë' => out.push('e'),
            'ì' | 'í' | 'î' | 'ï' => out.push('i'),
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ø' => out.push('o'),
            'ù' | 'ú' | 'û' | 'ü' => out.push('u'),
            'ç' => out.push('c'),
            'ñ' => out.push('n'),
            'ß' => out.push_str("ss"),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

/// What each field is called in the wild, normalized. English, German, French, Spanish,
/// Italian, Dutch and Portuguese, plus HR-system exports. "Name" alone is deliberately
/// absent: it could be a first, last or full name.
const ALIASES: [(Column, &[&str]); 8] = [
    (
        Column::Email,
        &[
            "email",
            "mail",
            "emailaddress",
            "emails",
            "workemail",
            "businessemail",
            "primaryemail",
            "useremail",
            "emailid",
            "emailadresse",
            "mailadresse",
            "emailadres",
            "courriel",
            "adressecourriel",
            "adresseemail",
            "adressemail",
            "adresseelectronique",
            "correo",
            "correoelectronico",
            "direcciondecorreo",
            "indirizzoemail",
            "postaelettronica",
            "enderecodeemail",
        ],
    ),
    (
        Column::FirstName,
        &[
            "firstname",
            "first",
            "givenname",
            "forename",
            "fname",
            "vorname",
            "prenom",
            "nombre",
            "nome",
            "voornaam",
            "primeironome",
        ],
    ),
    (
        Column::LastName,
        &[
            "lastname",
            "last",
            "surname",
            "familyname",
            "lname",
            "nachname",
            "familienname",
            "nom",
            "nomdefamille",
            "apellido",
            "apellidos",
            "cognome",
            "achternaam",
            "sobrenome",
            "ultimonome",
        ],
    ),
    (
        Column::Role,
        &[
            "role", "userrole", "lmsrole", "rolle", "rol", "ruolo", "funcao", "papel",
        ],
    ),
    (
        Column::Department,
        &[
            "department",
            "dept",
            "team",
            "division",
            "departement",
            "abteilung",
            "bereich",
            "departamento",
            "dipartimento",
            "afdeling",
            "reparto",
            "equipe",
            "equipo",
        ],
    ),
    (
        Column::Group,
        &[
            "group",
            "usergroup",
            "cohort",
            "gruppe",
            "groupe",
            "grupo",
            "gruppo",
            "groep",
            "benutzergruppe",
        ],
    ),
    (
        Column::SendAt,
        &["sendat", "senddate", "sendon", "invitationdate", "inviteat"],
    ),
    (
        Column::Status,
        &[
            "status",
            "state",
            "accountstatus",
            "userstatus",
            "employmentstatus",
            "statut",
            "estado",
            "stato",
            "zustand",
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_people_write_are_recognised_in_several_languages() {
        for (cell, column) in [
            ("E-mail", Column::Email),
            ("Email Address", Column::Email),
            ("E-Mail-Adresse", Column::Email),
            ("Courriel", Column::Email),
            ("First Name", Column::FirstName),
            ("first_name", Column::FirstName),
            ("Vorname", Column::FirstName),
            ("Prénom", Column::FirstName),
            ("Nom", Column::LastName),
            ("Nachname", Column::LastName),
            ("Département", Column::Department),
            ("Team", Column::Department),
            ("Abteilung", Column::Department),
            ("User Group", Column::Group),
            ("Status", Column::Status),
            ("send_at", Column::SendAt),
        ] {
            assert_eq!(alias(cell), Some(column), "{cell}");
        }
        assert_eq!(alias("Name"), None);
        assert_eq!(alias("Employee ID"), None);
    }

    #[test]
    fn the_admins_map_comes_first_and_may_ignore_a_column() {
        let map = ColumnMap::parse(
            r#"{"Work address": "email", " NAME ": "first_name", "Team": "ignore"}"#,
        )
        .unwrap();
        assert_eq!(
            target("work address", &map),
            Some(Target::Field(Column::Email))
        );
        assert_eq!(target("Name", &map), Some(Target::Field(Column::FirstName)));
        assert_eq!(target("Team", &map), Some(Target::Ignore));
        assert_eq!(
            target("Vorname", &map),
            Some(Target::Field(Column::FirstName))
        );
        assert_eq!(target("Employee ID", &map), None);
        assert_eq!(target("  ", &map), Some(Target::Ignore));
    }

    #[test]
    fn a_map_naming_no_field_is_refused_with_the_fields() {
        let error = ColumnMap::parse(r#"{"Name": "full_name"}"#).unwrap_err();
        assert!(
            error.contains("\"Name\"") && error.contains("first_name"),
            "{error}"
        );
        assert!(ColumnMap::parse("[1]").is_err());
        assert!(ColumnMap::parse("not json").is_err());
    }

    #[test]
    fn a_resolved_map_records_what_each_header_became() {
        let map = ColumnMap::parse(r#"{"ID": "ignore"}"#).unwrap();
        let header = vec!["E-mail".to_string(), "ID".into(), "Vorname".into()];
        assert_eq!(
            ColumnMap::resolved(&header, &map),
            serde_json::json!({"E-mail": "email", "ID": "ignore", "Vorname": "first_name"})
        );
    }
}
