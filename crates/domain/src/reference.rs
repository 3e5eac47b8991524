//! The London reference data the service ships: NHS trusts and their sites, the centroid of
//! every postcode district in and around London, and the starting skills vocabulary.
//!
//! The files live in `reference/` at the top of the repository (each names its source in its
//! header) and are compiled into the binary, so a fresh install needs no import. This module
//! only parses them into domain values; storing them is the `api` crate's business.

use std::collections::HashSet;

use serde::Deserialize;

use crate::geo::Coordinates;
use crate::organisation::{HcasZone, OdsCode, Site, Trust, TrustKind};
use crate::postcode::{Postcode, PostcodeDistrict};
use crate::skills::{CanonicalSkill, SkillCategory, SkillVocabulary};

const TRUSTS_CSV: &str = include_str!("../../../reference/trusts.csv");
const SITES_CSV: &str = include_str!("../../../reference/sites.csv");
const DISTRICTS_CSV: &str = include_str!("../../../reference/postcode_districts.csv");
const SKILLS_CSV: &str = include_str!("../../../reference/skills.csv");

/// A line of a reference file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reference/{file} line {line}: {message}")]
pub struct ReferenceError {
    pub file: &'static str,
    pub line: u64,
    pub message: String,
}

/// A postcode district and its centroid.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictCentroid {
    pub district: PostcodeDistrict,
    pub position: Coordinates,
}

/// All the reference data, parsed.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    pub trusts: Vec<Trust>,
    pub sites: Vec<Site>,
    pub districts: Vec<DistrictCentroid>,
    pub vocabulary: SkillVocabulary,
}

#[derive(Deserialize)]
struct TrustRow {
    ods_code: String,
    name: String,
    kind: String,
    hcas_zone: String,
}

#[derive(Deserialize)]
struct SiteRow {
    ods_code: String,
    site_code: String,
    name: String,
    postcode: String,
    lat: f64,
    lon: f64,
    hcas_zone: String,
}

#[derive(Deserialize)]
struct DistrictRow {
    district: String,
    lat: f64,
    lon: f64,
}

#[derive(Deserialize)]
struct SkillRow {
    canonical: String,
    category: String,
    synonyms: String,
}

/// Reads every row of a reference CSV (comment lines start with `#`), converting each with
/// `convert`; the first bad row stops it with the file and line named.
fn read_rows<R, T>(
    file: &'static str,
    text: &str,
    mut convert: impl FnMut(R) -> Result<T, String>,
) -> Result<Vec<T>, ReferenceError>
where
    R: for<'de> Deserialize<'de>,
{
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = reader.headers().cloned().map_err(|e| ReferenceError {
        file,
        line: 1,
        message: e.to_string(),
    })?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReferenceError {
            file,
            line: e.position().map_or(0, |p| p.line()),
            message: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let row: R = record
            .deserialize(Some(&headers))
            .map_err(|e| ReferenceError {
                file,
                line,
                message: e.to_string(),
            })?;
        rows.push(convert(row).map_err(|message| ReferenceError {
            file,
            line,
            message,
        })?);
    }
    Ok(rows)
}

fn zone(code: &str) -> Result<HcasZone, String> {
    HcasZone::from_code(code).ok_or_else(|| {
        format!(
            "\"{code}\" is not an HCAS zone; use one of {}",
            HcasZone::codes_list()
        )
    })
}

impl ReferenceData {
    /// The reference data compiled into the service.
    pub fn london() -> Result<ReferenceData, ReferenceError> {
        let trusts = read_rows("trusts.csv", TRUSTS_CSV, |row: TrustRow| {
            Ok(Trust {
                ods_code: OdsCode::parse(&row.ods_code).map_err(|e| e.to_string())?,
                name: row.name,
                kind: TrustKind::from_code(&row.kind)
                    .ok_or_else(|| format!("\"{}\" is not a trust kind", row.kind))?,
                hcas_zone: zone(&row.hcas_zone)?,
            })
        })?;
        let trust_codes: HashSet<&str> = trusts.iter().map(|t| t.ods_code.as_str()).collect();
        let mut site_codes = HashSet::new();
        let sites = read_rows("sites.csv", SITES_CSV, |row: SiteRow| {
            let trust = OdsCode::parse(&row.ods_code).map_err(|e| e.to_string())?;
            if !trust_codes.contains(trust.as_str()) {
                return Err(format!("trust {trust} is not in trusts.csv"));
            }
            if !site_codes.insert(row.site_code.clone()) {
                return Err(format!("site code {} is listed twice", row.site_code));
            }
            Ok(Site {
                trust,
                code: row.site_code,
                name: row.name,
                postcode: Postcode::parse(&row.postcode).map_err(|e| e.to_string())?,
                position: Coordinates::new(row.lat, row.lon).map_err(|e| e.to_string())?,
                hcas_zone: zone(&row.hcas_zone)?,
            })
        })?;
        let districts = read_rows(
            "postcode_districts.csv",
            DISTRICTS_CSV,
            |row: DistrictRow| {
                Ok(DistrictCentroid {
                    district: PostcodeDistrict::parse(&row.district).map_err(|e| e.to_string())?,
                    position: Coordinates::new(row.lat, row.lon).map_err(|e| e.to_string())?,
                })
            },
        )?;
        let skills = read_rows("skills.csv", SKILLS_CSV, |row: SkillRow| {
            Ok(CanonicalSkill {
                category: SkillCategory::from_code(&row.category)
                    .ok_or_else(|| format!("\"{}\" is not a skill category", row.category))?,
                name: row.canonical,
                synonyms: row
                    .synonyms
                    .split('|')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect(),
            })
        })?;
        let vocabulary = SkillVocabulary::new(skills).map_err(|e| ReferenceError {
            file: "skills.csv",
            line: 0,
            message: e.to_string(),
        })?;
        Ok(ReferenceData {
            trusts,
            sites,
            districts,
            vocabulary,
        })
    }

    /// The centroid of a postcode district, if the district is in the reference list.
    pub fn district(&self, district: &PostcodeDistrict) -> Option<&DistrictCentroid> {
        self.districts.iter().find(|d| &d.district == district)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_reference_data_parses() {
        let data = ReferenceData::london().unwrap();
        assert!(
            (30..=45).contains(&data.trusts.len()),
            "expected the 30-odd London trusts, found {}",
            data.trusts.len()
        );
        assert!(data.districts.len() > 400, "{}", data.districts.len());
        assert!(data.vocabulary.skills().len() >= 150);
        let ksf = data
            .vocabulary
            .skills()
            .iter()
            .filter(|s| s.category == SkillCategory::KsfCore)
            .count();
        assert_eq!(ksf, 6, "the six KSF core dimensions");
    }

    #[test]
    fn every_trust_has_a_site_and_every_site_lies_near_its_postcode_district() {
        let data = ReferenceData::london().unwrap();
        for trust in &data.trusts {
            assert!(
                data.sites.iter().any(|s| s.trust == trust.ods_code),
                "{} has no site",
                trust.name
            );
        }
        for site in &data.sites {
            let centroid = data.district(&site.postcode.district()).unwrap_or_else(|| {
                panic!(
                    "{}: district {} unknown",
                    site.name,
                    site.postcode.district()
                )
            });
            let km = site.position.distance_km(centroid.position);
            assert!(
                km < 6.0,
                "{} ({}) is {km:.1} km from its district centre",
                site.name,
                site.postcode
            );
        }
    }

    #[test]
    fn every_london_area_is_covered_by_the_district_list() {
        let data = ReferenceData::london().unwrap();
        let areas = [
            "E", "EC", "N", "NW", "SE", "SW", "W", "WC", "BR", "CM", "CR", "DA", "EN", "HA", "IG",
            "KT", "RM", "SL", "SM", "TN", "TW", "UB", "WD",
        ];
        for area in areas {
            let in_area = data
                .districts
                .iter()
                .filter(|d| d.district.area() == area)
                .count();
            assert!(in_area >= 5, "area {area} has only {in_area} districts");
        }
        let se5 = data
            .district(&PostcodeDistrict::parse("SE5").unwrap())
            .unwrap();
        assert!((se5.position.lat() - 51.47).abs() < 0.02);
    }
}
